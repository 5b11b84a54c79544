/* SPDX-License-Identifier: GPL-2.0 */
/*
 * textdiff.h - line diff of two texts in memory (Myers' O(ND) algorithm,
 * linear-space variant) and its output as unified ("diff -u") hunks.
 */
#ifndef KH_TEXTDIFF_H
#define KH_TEXTDIFF_H

#include "kheaders.h"

/* One line of a text: @len bytes at @s, the '\n' included when it has one. */
struct kh_textdiff_line {
	const char *s;
	size_t len;
};

/*
 * One change of an edit script: lines [@a, @a + @alen) of the first text
 * are replaced by lines [@b, @b + @blen) of the second (either may be
 * empty, never both); the lines between two changes are equal.  GNU diff
 * decides -B and -I per change of this kind.
 */
struct kh_textdiff_change {
	size_t a, alen, b, blen;
};

/*
 * struct kh_textdiff_script - the lines of both texts (pointing into
 * them) and the changes that turn the first into the second, in order.
 */
struct kh_textdiff_script {
	struct kh_textdiff_line *a, *b;
	size_t na, nb;
	struct kh_textdiff_change *ch;
	size_t nr;
};

/*
 * kh_textdiff_unified() - append to @out the unified diff that turns @a
 * into @b: "--- @aname", "+++ @bname", then hunks with @context lines of
 * context ("\ No newline at end of file" where a last line lacks one).
 * Appends nothing when the texts are equal.  Lines are split at '\n' only.
 * Return: 0 or -ENOMEM.
 */
int kh_textdiff_unified(const char *a, size_t alen, const char *b, size_t blen,
			const char *aname, const char *bname,
			unsigned int context, struct kh_buf *out);

/*
 * kh_textdiff_script() - the edit script kh_textdiff_unified() prints, for
 * callers that judge changes themselves (drift's -B and -I rules).  @s
 * points into @a and @b, which must outlive it.
 * Return: 0 or -ENOMEM (@s is then empty).
 */
int kh_textdiff_script(const char *a, size_t alen, const char *b, size_t blen,
		       struct kh_textdiff_script *s);
void kh_textdiff_script_release(struct kh_textdiff_script *s);

#endif /* KH_TEXTDIFF_H */
