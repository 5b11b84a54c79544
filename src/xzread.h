/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xzread.h - the one xz reader: every xz (and legacy .lzma) stream the
 * library decodes goes through it (the image scanner, the container
 * decoder, diff's tar comparison, extract's checks), so the magic, the
 * memory limit, the output bound and the count of decoded bytes live in
 * one place.  Writing xz is xzblocks.c's business.
 */
#ifndef KH_XZREAD_H
#define KH_XZREAD_H

#include <stdbool.h>
#include <stdint.h>

#include <lzma.h>

#include "kheaders.h"

#define KH_XZ_MAGIC_LEN 6
extern const uint8_t kh_xz_magic[KH_XZ_MAGIC_LEN];

/*
 * struct kh_xz_budget - what a whole command may decode, shared by every
 * reader it starts (one per stream).  Limits of 0 mean none.
 * @decoded: bytes decoded so far, by every reader charged to it
 * @streams: readers started
 * @max_decoded, @max_streams: limits; past them a read fails with -EFBIG
 */
struct kh_xz_budget {
	uint64_t decoded;
	uint64_t streams;
	uint64_t max_decoded;
	uint64_t max_streams;
};

/*
 * kh_xz_budget_stream() - count one more candidate stream against @b (NULL:
 * no budget).  Return: 0, or -EFBIG with @err naming the limit.
 */
int kh_xz_budget_stream(struct kh_xz_budget *b, struct kh_error *err);

/*
 * kh_xz_budget_charge() - count @n more decoded bytes against @b (NULL: no
 * budget), whatever decoder made them.  Return: 0, or -EFBIG with @err
 * naming the limit.
 */
int kh_xz_budget_charge(struct kh_xz_budget *b, uint64_t n,
			struct kh_error *err);

/*
 * kh_xz_budget_spent() - a limit of @b is reached: searching must stop.
 * @err (may be NULL) then receives the message naming the limit.
 */
bool kh_xz_budget_spent(const struct kh_xz_budget *b, struct kh_error *err);

/* Reader flags. */
#define KH_XZ_CONCATENATED	(1u << 0)	/* streams one after another */
#define KH_XZ_ALONE		(1u << 1)	/* legacy .lzma, not xz */
#define KH_XZ_PLAIN_OK		(1u << 2)	/* no xz magic: pass bytes through */

/*
 * struct kh_xz_reader - one stream being decoded from memory.  Caller
 * owned; kh_xz_reader_init() then kh_xz_read() until it reports the end,
 * then kh_xz_reader_end() (also after a failure).
 */
struct kh_xz_reader {
	lzma_stream strm;
	const uint8_t *plain;		/* KH_XZ_PLAIN_OK and no magic */
	size_t plain_left;
	uint64_t max_out;		/* bound on this stream's output */
	struct kh_xz_budget *budget;	/* optional */
	bool started, end;
};

/* kh_xz_magic_at() - @p (with @avail bytes) starts with the xz magic. */
bool kh_xz_magic_at(const void *p, size_t avail);

/* kh_xz_find() - offset of the next xz magic at or after @from, or @len. */
size_t kh_xz_find(const uint8_t *data, size_t len, size_t from);

/*
 * kh_xz_stream_complete() - @data starts with an xz stream header and ends
 * (stream padding aside) with a footer whose index fits: a cheap check,
 * without decoding, that a payload is a whole xz stream.
 */
bool kh_xz_stream_complete(const void *data, size_t len);

/* kh_xz_padding_only() - @len bytes of xz stream padding (zero words). */
bool kh_xz_padding_only(const uint8_t *p, size_t len);

/*
 * kh_xz_reader_init() - start decoding the @len bytes at @in.
 * @flags: KH_XZ_* above
 * @max_out: most bytes this stream may decode to (UINT64_MAX: no bound)
 * @budget: the command's budget, or NULL
 * Return: 0, -EBADMSG (no xz magic and not KH_XZ_PLAIN_OK), -ENOMEM,
 * -EFBIG (the budget's stream count is spent).
 */
int kh_xz_reader_init(struct kh_xz_reader *r, const void *in, size_t len,
		      unsigned int flags, uint64_t max_out,
		      struct kh_xz_budget *budget, struct kh_error *err);

/*
 * kh_xz_read() - decode up to @want bytes into @buf; *@got says how many
 * (0 only at the end of the stream).  @err's message is the bare reason
 * (liblzma's, in our words), for the caller to put in context.
 * Return: 0, -EBADMSG (corrupt or truncated), -ENOMEM, -EFBIG (past
 * @max_out or the budget).
 */
int kh_xz_read(struct kh_xz_reader *r, void *buf, size_t want, size_t *got,
	       struct kh_error *err);

/* kh_xz_reader_done() - the stream has ended cleanly. */
bool kh_xz_reader_done(const struct kh_xz_reader *r);

/* kh_xz_reader_in() - input bytes the stream has taken so far. */
uint64_t kh_xz_reader_in(const struct kh_xz_reader *r);

/* kh_xz_reader_out() - bytes decoded so far. */
uint64_t kh_xz_reader_out(const struct kh_xz_reader *r);

/* kh_xz_reader_end() - free the decoder. */
void kh_xz_reader_end(struct kh_xz_reader *r);

/*
 * kh_xz_decode() - decode one xz stream at @in completely and boundedly.
 * @in, @len: the stream, possibly followed by anything
 * @max_out: most bytes it may decode to
 * @out: receives the first @keep decoded bytes (appended), or NULL
 * @keep: SIZE_MAX to keep everything
 * @stream_len: receives the stream's length (padding excluded), or NULL
 * @budget: the command's budget, or NULL
 * @err: filled on failure with the bare reason
 * Return: 0, -EBADMSG (not a valid xz stream), -EFBIG, -ENOMEM.
 */
int kh_xz_decode(const void *in, size_t len, uint64_t max_out,
		 struct kh_buf *out, size_t keep, size_t *stream_len,
		 struct kh_xz_budget *budget, struct kh_error *err);

#endif /* KH_XZREAD_H */
