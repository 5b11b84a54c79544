/* SPDX-License-Identifier: GPL-2.0 */
/*
 * decomp.h - decoding one compressed stream found inside a kernel image or
 * module, in every format the kernel uses for them, through the real
 * libraries.  The formats are one table in decomp.c (name, magic, header
 * check, decoder, module suffix); enum kh_comp numbers its rows.  Input is a
 * buffer that may go on past the end of the stream (a bzImage appends a
 * size word and more); output is bounded.
 */
#ifndef KH_DECOMP_H
#define KH_DECOMP_H

#include <stdbool.h>

#include "kheaders.h"
#include "xzread.h"

/* The rows of decomp.c's format table, in the order extract reports them. */
enum kh_comp {
	KH_COMP_GZIP,
	KH_COMP_XZ,
	KH_COMP_LZMA,
	KH_COMP_LZ4,
	KH_COMP_ZSTD,
	KH_COMP_BZIP2,
	KH_COMP_COUNT
};

/* kh_comp_name() - the name of @fmt ("gzip"), or "unknown". */
const char *kh_comp_name(enum kh_comp fmt);

/*
 * kh_comp_magic() - the first bytes of every stream of @fmt, the ones
 * kh_comp_find() searches for; *@len receives their count.
 * Return: NULL (and *@len 0) for an unknown @fmt.
 */
const char *kh_comp_magic(enum kh_comp fmt, size_t *len);

/*
 * kh_comp_module_suffix() - the suffix kbuild gives a module compressed in
 * @fmt (CONFIG_MODULE_COMPRESS_*: ".gz", ".xz", ".zst"), appended to
 * "name.ko".
 * Return: the suffix, or NULL when the kernel never compresses modules so.
 */
const char *kh_comp_module_suffix(enum kh_comp fmt);

/*
 * kh_comp_module_stem() - the length of @name without its module suffix
 * (".ko", or ".ko" and a kh_comp_module_suffix()), 0 when @name is not a
 * module's file name.
 */
size_t kh_comp_module_stem(const char *name);

/*
 * kh_comp_magic_at() - whether @p (with @avail bytes) starts with the
 * magic of @fmt, including the cheap header sanity checks that keep the
 * image scanner from decoding every stray "5d 00 00" as lzma.
 */
bool kh_comp_magic_at(enum kh_comp fmt, const uint8_t *p, size_t avail);

/*
 * kh_comp_find() - offset of the first magic of @fmt at or after @from in
 * @data, or @len when there is none.
 */
size_t kh_comp_find(enum kh_comp fmt, const uint8_t *data, size_t len,
		    size_t from);

/*
 * kh_decompress() - decode the stream of format @fmt starting at @in,
 * appending at most @max_out bytes to @out.  Bytes after the end of the
 * stream are ignored.  *@consumed (if not NULL) receives the number of input
 * bytes the stream took.
 *
 * Return: 0 when the stream ended cleanly; -EFBIG when it would decode to
 * more than @max_out; -EBADMSG when it is corrupt or truncated (@out then
 * keeps what decoded before the damage, which the scanner still searches);
 * -ENOMEM.  @err names @name and the offset @where for messages.  The
 * stream and every decoded byte count against @budget (NULL: none); past
 * it the call fails with -EFBIG and kh_xz_budget_spent(@budget) is true.
 */
int kh_decompress(enum kh_comp fmt, const uint8_t *in, size_t len,
		  size_t max_out, struct kh_buf *out, size_t *consumed,
		  const char *name, uint64_t where, struct kh_xz_budget *budget,
		  struct kh_error *err);

/* Streams decoding to fewer bytes than this are not worth searching. */
#define KH_COMP_WALK_MIN_OUT 512

/*
 * struct kh_comp_stream - one embedded stream kh_comp_walk() decoded.
 * @fmt: its format
 * @at: offset of its magic in the input
 * @consumed: input bytes it took
 * @complete: it ended cleanly (else @dec is what decoded before the
 *	damage or truncation)
 * @dec: the decoded bytes, valid during the callback only
 */
struct kh_comp_stream {
	enum kh_comp fmt;
	size_t at;
	size_t consumed;
	bool complete;
	const struct kh_buf *dec;
};

/*
 * struct kh_comp_walk - how a kh_comp_walk() went, for "what was tried".
 * @tries: candidate magics decoded (more than @max_tries: it stopped there)
 * @streams: streams passed to the callback
 */
struct kh_comp_walk {
	unsigned int tries;
	unsigned int streams;
};

/*
 * kh_comp_walk() - decode every compressed stream embedded in @data, in
 * every format of the table, earliest first, and pass each one that
 * decodes (completely, or partly before damage) to at least
 * KH_COMP_WALK_MIN_OUT bytes to @fn.  After a stream, the walk goes on
 * past the input it took; after a failed candidate, one byte past its
 * magic.  At most @max_tries candidates are decoded; every one counts
 * against @budget.
 * @fn: returns 0 to go on, another value to stop the walk with it
 * @walk: filled with the counts (may be NULL)
 * @err: filled when the walk fails (not for @fn's own values)
 *
 * Return: 0 when every stream was walked, @fn's non-zero value, -ENOMEM,
 * or -EFBIG when @budget is spent (@err names what ran out).
 */
int kh_comp_walk(const uint8_t *data, size_t len, const char *name,
		 unsigned int max_tries, struct kh_xz_budget *budget,
		 int (*fn)(const struct kh_comp_stream *s, void *ctx),
		 void *ctx, struct kh_comp_walk *walk, struct kh_error *err);

#endif /* KH_DECOMP_H */
