// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bzlib.h>
#include <lz4.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "kheaders.h"
#include "decomp.h"

#define PLAIN_LEN 300000

static uint8_t plain[PLAIN_LEN];

static void fill_plain(void)
{
	uint32_t x = 12345;
	size_t i;

	for (i = 0; i < PLAIN_LEN; i++) {
		x = x * 1103515245 + 12345;
		plain[i] = "kheaders #include <linux/types.h>\n"[(x >> 16) % 34];
	}
}

/* Compress plain[] in @fmt into a malloc'd buffer followed by 64 junk bytes. */
static uint8_t *make_stream(enum kh_comp fmt, size_t *len)
{
	size_t cap = PLAIN_LEN * 2 + 1024, n = 0;
	uint8_t *out = malloc(cap + 64);
	lzma_stream ls = LZMA_STREAM_INIT;
	lzma_options_lzma opt;
	unsigned int bn;
	z_stream zs;

	cr_assert_not_null(out);
	fill_plain();
	switch (fmt) {
	case KH_COMP_GZIP:
		memset(&zs, 0, sizeof(zs));
		cr_assert_eq(deflateInit2(&zs, 9, Z_DEFLATED, 16 + 15, 8,
					  Z_DEFAULT_STRATEGY), Z_OK);
		zs.next_in = plain;
		zs.avail_in = PLAIN_LEN;
		zs.next_out = out;
		zs.avail_out = cap;
		cr_assert_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
		n = zs.total_out;
		deflateEnd(&zs);
		break;
	case KH_COMP_XZ:
		cr_assert_eq(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL,
				plain, PLAIN_LEN, out, &n, cap), LZMA_OK);
		break;
	case KH_COMP_LZMA:
		lzma_lzma_preset(&opt, 6);
		cr_assert_eq(lzma_alone_encoder(&ls, &opt), LZMA_OK);
		ls.next_in = plain;
		ls.avail_in = PLAIN_LEN;
		ls.next_out = out;
		ls.avail_out = cap;
		cr_assert_eq(lzma_code(&ls, LZMA_FINISH), LZMA_STREAM_END);
		n = ls.total_out;
		lzma_end(&ls);
		break;
	case KH_COMP_LZ4:
		memcpy(out, "\x02\x21\x4c\x18", 4);
		bn = LZ4_compress_default((const char *)plain, (char *)out + 8,
					  PLAIN_LEN, cap - 8);
		cr_assert_gt(bn, 0);
		out[4] = bn; out[5] = bn >> 8; out[6] = bn >> 16; out[7] = bn >> 24;
		n = 8 + bn;
		break;
	case KH_COMP_ZSTD:
		n = ZSTD_compress(out, cap, plain, PLAIN_LEN, 19);
		cr_assert(!ZSTD_isError(n));
		break;
	case KH_COMP_BZIP2:
		bn = cap;
		cr_assert_eq(BZ2_bzBuffToBuffCompress((char *)out, &bn,
				(char *)plain, PLAIN_LEN, 9, 0, 0), BZ_OK);
		n = bn;
		break;
	default:
		cr_assert_fail("format");
	}
	memset(out + n, 0xa5, 64);
	*len = n;
	return out;
}

static void check_roundtrip(enum kh_comp fmt)
{
	struct kh_error err;
	struct kh_buf out;
	size_t len, used;
	uint8_t *c = make_stream(fmt, &len);

	cr_assert(kh_comp_magic_at(fmt, c, len), "%s magic", kh_comp_name(fmt));
	cr_assert_eq(kh_comp_find(fmt, c, len + 64, 0), 0);
	kh_buf_init(&out);
	cr_assert_eq(kh_decompress(fmt, c, len + 64, 1 << 20, &out, &used,
				   "t", 0, NULL, &err), 0, "%s: %s",
		     kh_comp_name(fmt), err.msg);
	cr_assert_eq(out.len, PLAIN_LEN);
	cr_assert(!memcmp(out.data, plain, PLAIN_LEN));
	cr_assert_eq(used, len, "%s consumed %zu of %zu", kh_comp_name(fmt),
		     used, len);
	kh_buf_release(&out);
	free(c);
}

Test(decomp, gzip_ignores_trailing_bytes) { check_roundtrip(KH_COMP_GZIP); }
Test(decomp, xz_ignores_trailing_bytes) { check_roundtrip(KH_COMP_XZ); }
Test(decomp, lzma_ignores_trailing_bytes) { check_roundtrip(KH_COMP_LZMA); }
Test(decomp, lz4_legacy_ignores_trailing_bytes) { check_roundtrip(KH_COMP_LZ4); }
Test(decomp, zstd_ignores_trailing_bytes) { check_roundtrip(KH_COMP_ZSTD); }
Test(decomp, bzip2_ignores_trailing_bytes) { check_roundtrip(KH_COMP_BZIP2); }

Test(decomp, output_bound_is_enforced_for_every_format)
{
	struct kh_error err;
	struct kh_buf out;
	enum kh_comp f;
	uint8_t *c;
	size_t len;

	for (f = 0; f < KH_COMP_COUNT; f++) {
		c = make_stream(f, &len);
		kh_buf_init(&out);
		cr_assert_eq(kh_decompress(f, c, len, 1000, &out, NULL, "t", 0,
					   NULL, &err), -EFBIG, "%s",
			     kh_comp_name(f));
		cr_assert_leq(out.len, 1000, "%s", kh_comp_name(f));
		cr_assert(strstr(err.msg, "more than 1000 bytes"));
		kh_buf_release(&out);
		free(c);
	}
}

Test(decomp, truncated_streams_fail_cleanly)
{
	struct kh_error err;
	struct kh_buf out;
	enum kh_comp f;
	size_t len, cut;
	uint8_t *c;
	int ret;

	for (f = 0; f < KH_COMP_COUNT; f++) {
		c = make_stream(f, &len);
		for (cut = 0; cut < len; cut += len / 7 + 1) {
			kh_buf_init(&out);
			ret = kh_decompress(f, c, cut, 1 << 20, &out, NULL,
					    "t", 7, NULL, &err);
			cr_assert_eq(ret, -EBADMSG, "%s cut at %zu: %d",
				     kh_comp_name(f), cut, ret);
			cr_assert(strstr(err.msg, "'t': "));
			cr_assert(strstr(err.msg, "at offset 7"));
			kh_buf_release(&out);
		}
		free(c);
	}
}

Test(decomp, stray_lzma_bytes_are_not_a_stream)
{
	static const uint8_t junk[32] = { 0x5d, 0, 0, 0x12, 0x34, 0xff };

	cr_assert_not(kh_comp_magic_at(KH_COMP_LZMA, junk, sizeof(junk)));
	cr_assert_eq(kh_comp_find(KH_COMP_LZMA, junk, sizeof(junk), 0),
		     sizeof(junk));
}

Test(decomp, names_are_stable)
{
	cr_assert_str_eq(kh_comp_name(KH_COMP_LZ4), "lz4");
	cr_assert_str_eq(kh_comp_name(KH_COMP_COUNT), "unknown");
}

Test(decomp, format_table_is_complete_and_unambiguous)
{
	const char *name, *magic, *suffix;
	struct kh_error err;
	struct kh_buf out;
	enum kh_comp f, g;
	size_t len, glen;

	for (f = 0; f < KH_COMP_COUNT; f++) {
		name = kh_comp_name(f);
		cr_assert(name && *name && strcmp(name, "unknown"), "row %d", f);
		magic = kh_comp_magic(f, &len);
		cr_assert(magic && len, "%s has no magic", name);
		cr_assert_not(kh_comp_magic_at(f, (const uint8_t *)magic,
					       len - 1), "%s", name);
		kh_buf_init(&out);
		cr_assert_eq(kh_decompress(f, (const uint8_t *)magic, len,
					   1000, &out, NULL, "t", 0, NULL,
					   &err), -EBADMSG,
			     "%s has no decoder: %s", name, err.msg);
		kh_buf_release(&out);
		suffix = kh_comp_module_suffix(f);
		cr_assert(!suffix || (suffix[0] == '.' && suffix[1]), "%s",
			  name);
		for (g = 0; g < f; g++) {
			cr_assert_str_neq(kh_comp_name(g), name);
			magic = kh_comp_magic(g, &glen);
			cr_assert(glen != len || memcmp(magic,
				  kh_comp_magic(f, &len), len),
				  "%s and %s share a magic", kh_comp_name(g),
				  name);
			cr_assert(!suffix || !kh_comp_module_suffix(g) ||
				  strcmp(suffix, kh_comp_module_suffix(g)));
		}
	}
	cr_assert_null(kh_comp_magic(KH_COMP_COUNT, &len));
	cr_assert_null(kh_comp_module_suffix(KH_COMP_COUNT));
}

Test(decomp, module_suffixes_are_kbuilds)
{
	cr_assert_str_eq(kh_comp_module_suffix(KH_COMP_GZIP), ".gz");
	cr_assert_str_eq(kh_comp_module_suffix(KH_COMP_XZ), ".xz");
	cr_assert_str_eq(kh_comp_module_suffix(KH_COMP_ZSTD), ".zst");
	cr_assert_null(kh_comp_module_suffix(KH_COMP_LZ4));
}
