// SPDX-License-Identifier: GPL-2.0
/*
 * test_xzread.c - the one xz reader: magic, bounded decode, stream length,
 * streaming reads, plain pass-through, legacy .lzma and the budget.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <lzma.h>

#include "kheaders.h"
#include "xzread.h"

static uint8_t text[100000];

static size_t make_text(void)
{
	size_t i;

	for (i = 0; i < sizeof(text); i++)
		text[i] = "kheaders\n"[i % 9] + (i / 4096) % 3;
	return sizeof(text);
}

static size_t make_xz(uint8_t *out, size_t cap, const uint8_t *in, size_t len)
{
	size_t pos = 0;

	cr_assert_eq(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, in, len,
					     out, &pos, cap), LZMA_OK);
	return pos;
}

Test(xzread, magic_and_find)
{
	uint8_t buf[64] = { 0 };

	memcpy(buf + 10, kh_xz_magic, KH_XZ_MAGIC_LEN);
	cr_assert(kh_xz_magic_at(buf + 10, 6));
	cr_assert_not(kh_xz_magic_at(buf + 10, 5));
	cr_assert_not(kh_xz_magic_at(buf, 64));
	cr_assert_eq(kh_xz_find(buf, sizeof(buf), 0), 10);
	cr_assert_eq(kh_xz_find(buf, sizeof(buf), 11), sizeof(buf));
}

Test(xzread, decode_gives_bytes_and_stream_length)
{
	static uint8_t xz[120000];
	size_t len = make_text(), xzlen, slen = 0;
	struct kh_error err;
	struct kh_buf out;

	xzlen = make_xz(xz, sizeof(xz), text, len);
	memset(xz + xzlen, 0xaa, 16);	/* whatever follows the stream */
	kh_buf_init(&out);
	cr_assert_eq(kh_xz_decode(xz, xzlen + 16, UINT64_MAX, &out, SIZE_MAX,
				  &slen, NULL, &err), 0, "%s", err.msg);
	cr_assert_eq(slen, xzlen);
	cr_assert_eq(out.len, len);
	cr_assert(!memcmp(out.data, text, len));
	cr_assert_eq(out.data[out.len], 0, "a kh_buf is NUL-terminated");
	kh_buf_release(&out);
}

Test(xzread, decode_keeps_only_the_head_when_asked)
{
	static uint8_t xz[120000];
	size_t len = make_text(), xzlen, slen = 0;
	struct kh_error err;
	struct kh_buf out;

	xzlen = make_xz(xz, sizeof(xz), text, len);
	kh_buf_init(&out);
	cr_assert_eq(kh_xz_decode(xz, xzlen, UINT64_MAX, &out, 512, &slen,
				  NULL, &err), 0, "%s", err.msg);
	cr_assert_eq(out.len, 512);
	cr_assert_eq(slen, xzlen, "the whole stream was still checked");
	kh_buf_release(&out);
}

Test(xzread, decode_is_bounded)
{
	static uint8_t xz[120000];
	size_t len = make_text(), xzlen;
	struct kh_error err;

	xzlen = make_xz(xz, sizeof(xz), text, len);
	cr_assert_eq(kh_xz_decode(xz, xzlen, len - 1, NULL, 0, NULL, NULL,
				  &err), -EFBIG);
	cr_assert(strstr(err.msg, "more than"), "%s", err.msg);
	cr_assert_eq(kh_xz_decode(xz, xzlen, len, NULL, 0, NULL, NULL, &err),
		     0);
}

Test(xzread, truncated_and_corrupt_streams_fail)
{
	static uint8_t xz[120000];
	size_t len = make_text(), xzlen;
	struct kh_error err;

	xzlen = make_xz(xz, sizeof(xz), text, len);
	cr_assert_eq(kh_xz_decode(xz, xzlen - 1, UINT64_MAX, NULL, 0, NULL,
				  NULL, &err), -EBADMSG);
	cr_assert_str_eq(err.msg, "truncated xz data");
	xz[xzlen / 2] ^= 0x55;
	cr_assert_eq(kh_xz_decode(xz, xzlen, UINT64_MAX, NULL, 0, NULL, NULL,
				  &err), -EBADMSG);
	cr_assert_eq(kh_xz_decode("plain", 5, 10, NULL, 0, NULL, NULL, &err),
		     -EBADMSG);
	cr_assert_str_eq(err.msg, "not an xz stream");
}

Test(xzread, streaming_reads_in_small_pieces)
{
	static uint8_t xz[120000];
	size_t len = make_text(), xzlen, got, total = 0;
	struct kh_xz_reader r;
	struct kh_error err;
	uint8_t piece[777];

	xzlen = make_xz(xz, sizeof(xz), text, len);
	cr_assert_eq(kh_xz_reader_init(&r, xz, xzlen, 0, UINT64_MAX, NULL,
				       &err), 0);
	while (!kh_xz_reader_done(&r)) {
		cr_assert_eq(kh_xz_read(&r, piece, sizeof(piece), &got, &err),
			     0, "%s", err.msg);
		cr_assert(!memcmp(piece, text + total, got));
		total += got;
	}
	cr_assert_eq(total, len);
	cr_assert_eq(kh_xz_reader_in(&r), xzlen);
	cr_assert_eq(kh_xz_reader_out(&r), len);
	kh_xz_reader_end(&r);
}

Test(xzread, plain_input_passes_through_when_allowed)
{
	struct kh_xz_reader r;
	struct kh_error err;
	char buf[16];
	size_t got;

	cr_assert_eq(kh_xz_reader_init(&r, "not xz", 6, 0, UINT64_MAX, NULL,
				       &err), -EBADMSG);
	cr_assert_eq(kh_xz_reader_init(&r, "not xz", 6, KH_XZ_PLAIN_OK,
				       UINT64_MAX, NULL, &err), 0);
	cr_assert_eq(kh_xz_read(&r, buf, sizeof(buf), &got, &err), 0);
	cr_assert_eq(got, 6);
	cr_assert(!memcmp(buf, "not xz", 6));
	cr_assert(kh_xz_reader_done(&r));
	kh_xz_reader_end(&r);
}

Test(xzread, legacy_lzma_alone)
{
	static uint8_t lz[120000];
	size_t len = make_text(), got, total = 0;
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_options_lzma o;
	struct kh_xz_reader r;
	struct kh_error err;
	static uint8_t out[sizeof(text)];

	lzma_lzma_preset(&o, 6);
	cr_assert_eq(lzma_alone_encoder(&s, &o), LZMA_OK);
	s.next_in = text;
	s.avail_in = len;
	s.next_out = lz;
	s.avail_out = sizeof(lz);
	cr_assert_eq(lzma_code(&s, LZMA_FINISH), LZMA_STREAM_END);
	cr_assert_eq(kh_xz_reader_init(&r, lz, s.total_out, KH_XZ_ALONE,
				       UINT64_MAX, NULL, &err), 0);
	while (!kh_xz_reader_done(&r)) {
		cr_assert_eq(kh_xz_read(&r, out + total, sizeof(out) - total,
					&got, &err), 0, "%s", err.msg);
		cr_assert(got || kh_xz_reader_done(&r));
		total += got;
	}
	cr_assert_eq(total, len);
	cr_assert(!memcmp(out, text, len));
	kh_xz_reader_end(&r);
	lzma_end(&s);
}

Test(xzread, budget_counts_every_stream_and_byte)
{
	static uint8_t xz[120000];
	struct kh_xz_budget b = { 0 };
	size_t len = make_text(), xzlen;
	struct kh_error err;

	xzlen = make_xz(xz, sizeof(xz), text, len);
	cr_assert_eq(kh_xz_decode(xz, xzlen, UINT64_MAX, NULL, 0, NULL, &b,
				  &err), 0);
	cr_assert_eq(kh_xz_decode(xz, xzlen, UINT64_MAX, NULL, 0, NULL, &b,
				  &err), 0);
	cr_assert_eq(b.streams, 2);
	cr_assert_eq(b.decoded, 2 * len);
	b.max_decoded = 2 * len + 10;
	cr_assert_eq(kh_xz_decode(xz, xzlen, UINT64_MAX, NULL, 0, NULL, &b,
				  &err), -EFBIG);
	b.max_streams = 3;
	cr_assert_eq(kh_xz_decode(xz, xzlen, UINT64_MAX, NULL, 0, NULL, &b,
				  &err), -EFBIG);
}

Test(xzread, stream_complete_checks_header_and_footer_only)
{
	static uint8_t xz[120000];
	size_t len = make_text(), xzlen;

	xzlen = make_xz(xz, sizeof(xz), text, len);
	memset(xz + xzlen, 0, 8);
	cr_assert(kh_xz_stream_complete(xz, xzlen));
	cr_assert(kh_xz_stream_complete(xz, xzlen + 8), "padding allowed");
	cr_assert_not(kh_xz_stream_complete(xz, xzlen - 1));
	cr_assert_not(kh_xz_stream_complete(xz + 1, xzlen - 1));
	cr_assert(kh_xz_padding_only(xz + xzlen, 8));
	cr_assert_not(kh_xz_padding_only(xz + xzlen, 6));
}
