// SPDX-License-Identifier: GPL-2.0
/*
 * xzread.c - the one xz reader: liblzma's single lzma_code() life cycle
 * (init, code until LZMA_STREAM_END, end) for every stream the library
 * decodes, with the memory limit, the caller's output bound and the
 * command's budget checked in one place.
 */
#include <errno.h>
#include <string.h>

#include "error.h"
#include "xzread.h"

/* The fast fuzzing build bounds it small (Makefile, FUZZ_FAST). */
#ifndef KH_XZ_MEMLIMIT
#define KH_XZ_MEMLIMIT (1ull << 30)
#endif
#define XZ_MEMLIMIT KH_XZ_MEMLIMIT
#define XZ_CHUNK (1u << 20)

const uint8_t kh_xz_magic[KH_XZ_MAGIC_LEN] = { 0xfd, '7', 'z', 'X', 'Z', 0 };

bool kh_xz_magic_at(const void *p, size_t avail)
{
	return avail >= KH_XZ_MAGIC_LEN &&
	       !memcmp(p, kh_xz_magic, KH_XZ_MAGIC_LEN);
}

size_t kh_xz_find(const uint8_t *data, size_t len, size_t from)
{
	const uint8_t *p;

	if (from >= len)
		return len;
	p = memmem(data + from, len - from, kh_xz_magic, KH_XZ_MAGIC_LEN);
	return p ? (size_t)(p - data) : len;
}

bool kh_xz_stream_complete(const void *data, size_t len)
{
	const uint8_t *p = data;
	lzma_stream_flags head, foot;

	while (len >= 4 && !memcmp(p + len - 4, "\0\0\0\0", 4))
		len -= 4;
	if (len < 2 * LZMA_STREAM_HEADER_SIZE)
		return false;
	if (lzma_stream_header_decode(&head, p) != LZMA_OK)
		return false;
	if (lzma_stream_footer_decode(&foot, p + len -
				      LZMA_STREAM_HEADER_SIZE) != LZMA_OK)
		return false;
	return foot.backward_size <= len - 2 * LZMA_STREAM_HEADER_SIZE;
}

bool kh_xz_padding_only(const uint8_t *p, size_t len)
{
	size_t i;

	if (len % 4)
		return false;
	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static int budget_streams_error(const struct kh_xz_budget *b,
				struct kh_error *err)
{
	return kh_err(err, EFBIG,
		      "more than %llu candidate compressed streams (--max-streams)",
		      (unsigned long long)b->max_streams);
}

static int budget_decoded_error(const struct kh_xz_budget *b,
				struct kh_error *err)
{
	return kh_err(err, EFBIG,
		      "more than %llu bytes decoded in all (--max-decoded)",
		      (unsigned long long)b->max_decoded);
}

int kh_xz_budget_stream(struct kh_xz_budget *b, struct kh_error *err)
{
	if (!b)
		return 0;
	if (b->max_streams && b->streams >= b->max_streams)
		return budget_streams_error(b, err);
	b->streams++;
	return 0;
}

int kh_xz_budget_charge(struct kh_xz_budget *b, uint64_t n,
			struct kh_error *err)
{
	if (!b)
		return 0;
	b->decoded += n;
	if (b->max_decoded && b->decoded > b->max_decoded)
		return budget_decoded_error(b, err);
	return 0;
}

bool kh_xz_budget_spent(const struct kh_xz_budget *b, struct kh_error *err)
{
	if (!b)
		return false;
	if (b->max_decoded && b->decoded >= b->max_decoded) {
		if (err)
			budget_decoded_error(b, err);
		return true;
	}
	if (b->max_streams && b->streams >= b->max_streams) {
		if (err)
			budget_streams_error(b, err);
		return true;
	}
	return false;
}

int kh_xz_reader_init(struct kh_xz_reader *r, const void *in, size_t len,
		      unsigned int flags, uint64_t max_out,
		      struct kh_xz_budget *budget, struct kh_error *err)
{
	lzma_stream init = LZMA_STREAM_INIT;
	lzma_ret lret;

	memset(r, 0, sizeof(*r));
	r->strm = init;
	r->max_out = max_out;
	r->budget = budget;
	if (kh_xz_budget_stream(budget, err))
		return -EFBIG;
	if (!(flags & KH_XZ_ALONE) && !kh_xz_magic_at(in, len)) {
		if (!(flags & KH_XZ_PLAIN_OK))
			return kh_err(err, EBADMSG, "not an xz stream");
		r->plain = in;
		r->plain_left = len;
		return 0;
	}
	if (flags & KH_XZ_ALONE)
		lret = lzma_alone_decoder(&r->strm, XZ_MEMLIMIT);
	else
		lret = lzma_stream_decoder(&r->strm, XZ_MEMLIMIT,
				(flags & KH_XZ_CONCATENATED) ?
				LZMA_CONCATENATED : 0);
	if (lret != LZMA_OK)
		return kh_err(err, ENOMEM, "cannot start the xz decoder");
	r->started = true;
	r->strm.next_in = in;
	r->strm.avail_in = len;
	return 0;
}


static int xz_read_plain(struct kh_xz_reader *r, void *buf, size_t want,
			 size_t *got)
{
	*got = want < r->plain_left ? want : r->plain_left;
	memcpy(buf, r->plain, *got);
	r->plain += *got;
	r->plain_left -= *got;
	r->end = !r->plain_left;
	return 0;
}

int kh_xz_read(struct kh_xz_reader *r, void *buf, size_t want, size_t *got,
	       struct kh_error *err)
{
	lzma_ret lret = LZMA_OK;

	*got = 0;
	if (r->plain)
		return xz_read_plain(r, buf, want, got);
	r->strm.next_out = buf;
	r->strm.avail_out = want;
	while (r->strm.avail_out && !r->end) {
		lret = lzma_code(&r->strm, LZMA_FINISH);
		if (lret == LZMA_STREAM_END)
			r->end = true;
		else if (lret != LZMA_OK)
			break;
	}
	*got = want - r->strm.avail_out;
	if (lret != LZMA_OK && lret != LZMA_STREAM_END)
		return kh_err(err, lret == LZMA_MEM_ERROR ? ENOMEM : EBADMSG,
			      "%s", kh_lzma_strerror(lret));
	if (r->strm.total_out > r->max_out)
		return kh_err(err, EFBIG,
			      "xz stream decodes to more than %llu bytes",
			      (unsigned long long)r->max_out);
	return kh_xz_budget_charge(r->budget, *got, err);
}

bool kh_xz_reader_done(const struct kh_xz_reader *r)
{
	return r->end;
}

uint64_t kh_xz_reader_in(const struct kh_xz_reader *r)
{
	return r->strm.total_in;
}

uint64_t kh_xz_reader_out(const struct kh_xz_reader *r)
{
	return r->strm.total_out;
}

void kh_xz_reader_end(struct kh_xz_reader *r)
{
	if (r->started)
		lzma_end(&r->strm);
	r->started = false;
}

/* Where the next piece goes: @out while it keeps, else @scratch. */
static uint8_t *xz_sink(struct kh_buf *out, size_t keep, size_t kept,
			struct kh_buf *scratch, size_t *room)
{
	struct kh_buf *b = out && kept < keep ? out : scratch;

	if (kh_buf_reserve(b, XZ_CHUNK))
		return NULL;
	*room = XZ_CHUNK;
	if (b == out && keep - kept < *room)
		*room = keep - kept;
	return b->data + b->len;
}

int kh_xz_decode(const void *in, size_t len, uint64_t max_out,
		 struct kh_buf *out, size_t keep, size_t *stream_len,
		 struct kh_xz_budget *budget, struct kh_error *err)
{
	struct kh_xz_reader r;
	struct kh_buf scratch;
	size_t kept = 0, room, got;
	uint8_t *to;
	int ret;

	ret = kh_xz_reader_init(&r, in, len, 0, max_out, budget, err);
	if (ret)
		return ret;
	kh_buf_init(&scratch);
	while (!ret && !kh_xz_reader_done(&r)) {
		to = xz_sink(out, keep, kept, &scratch, &room);
		if (!to) {
			ret = kh_err(err, ENOMEM, "out of memory");
			break;
		}
		ret = kh_xz_read(&r, to, room, &got, err);
		if (out && kept < keep) {
			kh_buf_setlen(out, out->len + got);
			kept += got;
		}
		if (!ret && !got && !kh_xz_reader_done(&r))
			ret = kh_err(err, EBADMSG, "%s",
				     kh_lzma_strerror(LZMA_BUF_ERROR));
	}
	if (!ret && stream_len)
		*stream_len = kh_xz_reader_in(&r);
	kh_xz_reader_end(&r);
	kh_buf_release(&scratch);
	return ret;
}
