/* SPDX-License-Identifier: GPL-2.0 */
/*
 * listing.h - what the list and diff code share inside the library: where
 * an entry's content comes from, the comparison key of a name, and the
 * quoting of names for line-oriented and JSON output.
 */
#ifndef KH_LISTING_H
#define KH_LISTING_H

#include "kheaders.h"

struct archive;

/*
 * struct kh_entry_src - private part of struct kh_entry: an archive
 * positioned on the entry, or the file's path in a directory walk.
 */
struct kh_entry_src {
	struct archive *ar;
	const char *path;
	const char *label;
};

/*
 * kh_name_key() - the part of @name that identifies an entry: leading
 * "./" (and "/") removed, trailing "/" dropped.  Returns a pointer into
 * @name and stores the key's length in @len; "./" gives the empty key.
 */
const char *kh_name_key(const char *name, size_t *len);

/* kh_utf8_valid() - @len bytes at @s are well-formed UTF-8. */
bool kh_utf8_valid(const char *s, size_t len);

/*
 * kh_quote_name() - append @s for a line of text: backslash as "\\",
 * \a \b \t \n \v \f \r as such, other control bytes and DEL as "\ooo";
 * everything else (including non-ASCII bytes) as is.
 */
int kh_quote_name(struct kh_buf *out, const char *s);

/*
 * kh_json_string() - append @s as a quoted JSON string.  Well-formed UTF-8
 * is copied; control characters, '"' and '\' are escaped; each byte that
 * is not part of well-formed UTF-8 becomes "\u00XX" (its value).
 */
int kh_json_string(struct kh_buf *out, const char *s);

/* kh_hex_string() - append @s as lowercase hex, two digits per byte. */
int kh_hex_string(struct kh_buf *out, const char *s);

/* kh_format_time() - "YYYY-MM-DDTHH:MM:SSZ" (UTC) into @out. */
void kh_format_time(int64_t t, char out[48]);

/* kh_text_puts() - append a NUL-terminated string. */
int kh_text_puts(struct kh_buf *out, const char *s);

/* kh_text_printf() - append formatted text. */
int kh_text_printf(struct kh_buf *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* KH_LISTING_H */
