// SPDX-License-Identifier: GPL-2.0
/*
 * decomp.c - one decoder per compression format a kernel image or module
 * may use (gzip through zlib, xz and lzma through liblzma, the kernel's
 * legacy LZ4 framing through liblz4, zstd through libzstd, bzip2 through
 * libbz2), each stopping at the end of its stream, tolerating what follows
 * it, and never producing more than the caller's bound.  The magic tests
 * add the header sanity checks the decoders would make anyway, so that the
 * scanner only decodes plausible streams.
 */
#include <errno.h>
#include <string.h>

#include <bzlib.h>
#include <lz4.h>
#include <zlib.h>
#include <zstd.h>

#include "decomp.h"
#include "error.h"
#include "xzread.h"

#define DECOMP_CHUNK (1u << 20)
#define LZ4_LEGACY_BLOCK (8u << 20)

static const char *const comp_names[KH_COMP_COUNT] = {
	[KH_COMP_GZIP] = "gzip",
	[KH_COMP_XZ] = "xz",
	[KH_COMP_LZMA] = "lzma",
	[KH_COMP_LZ4] = "lz4",
	[KH_COMP_ZSTD] = "zstd",
	[KH_COMP_BZIP2] = "bzip2",
};

/* The first bytes of each magic, searched with memmem(). */
static const struct {
	const char *bytes;
	size_t len;
} comp_prefix[KH_COMP_COUNT] = {
	[KH_COMP_GZIP] = { "\x1f\x8b\x08", 3 },
	[KH_COMP_XZ] = { (const char *)kh_xz_magic, KH_XZ_MAGIC_LEN },
	[KH_COMP_LZMA] = { "\x5d\0\0", 3 },
	[KH_COMP_LZ4] = { "\x02\x21\x4c\x18", 4 },
	[KH_COMP_ZSTD] = { "\x28\xb5\x2f\xfd", 4 },
	[KH_COMP_BZIP2] = { "BZh", 3 },
};

const char *kh_comp_name(enum kh_comp fmt)
{
	return fmt < KH_COMP_COUNT ? comp_names[fmt] : "unknown";
}

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
	return get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

/* Dictionary sizes liblzma writes: 2^n or 2^n + 2^(n-1), at least 4 KiB. */
static bool lzma_dict_plausible(uint32_t d)
{
	uint32_t high;

	if (d < 4096)
		return false;
	high = 1u << (31 - __builtin_clz(d));
	return d == high || d == high + (high >> 1);
}

static bool lzma_header_plausible(const uint8_t *p, size_t avail)
{
	uint64_t size;

	if (avail < 14 || !lzma_dict_plausible(get_le32(p + 1)))
		return false;
	size = get_le64(p + 5);
	return (size == UINT64_MAX || size < (1ull << 38)) && p[13] == 0;
}

bool kh_comp_magic_at(enum kh_comp fmt, const uint8_t *p, size_t avail)
{
	size_t n;

	if (fmt >= KH_COMP_COUNT)
		return false;
	n = comp_prefix[fmt].len;
	if (avail < n || memcmp(p, comp_prefix[fmt].bytes, n))
		return false;
	switch (fmt) {
	case KH_COMP_GZIP:
		return avail >= 10 && !(p[3] & 0xe0);
	case KH_COMP_XZ:
		return avail >= 12 && kh_xz_magic_at(p, avail) && p[6] == 0 &&
		       !(p[7] & 0xf0);
	case KH_COMP_LZMA:
		return lzma_header_plausible(p, avail);
	case KH_COMP_LZ4:
		return avail >= 8 && get_le32(p + 4) &&
		       get_le32(p + 4) <= (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK);
	case KH_COMP_ZSTD:
		return avail >= 5 && !(p[4] & 0x08);
	case KH_COMP_BZIP2:
		return avail >= 10 && p[3] >= '1' && p[3] <= '9' &&
		       !memcmp(p + 4, "\x31\x41\x59\x26\x53\x59", 6);
	default:
		return false;
	}
}

size_t kh_comp_find(enum kh_comp fmt, const uint8_t *data, size_t len,
		    size_t from)
{
	const uint8_t *p;

	if (fmt >= KH_COMP_COUNT)
		return len;
	while (from < len) {
		p = memmem(data + from, len - from, comp_prefix[fmt].bytes,
			   comp_prefix[fmt].len);
		if (!p)
			return len;
		from = p - data;
		if (kh_comp_magic_at(fmt, p, len - from))
			return from;
		from++;
	}
	return len;
}

/*
 * Make room for the next piece of output: at most DECOMP_CHUNK bytes and
 * never past @max_out.  Returns the room (0 when the bound is reached).
 */
static size_t out_room(struct kh_buf *out, size_t base, size_t max_out,
		       int *ret)
{
	size_t used = out->len - base, room;

	*ret = 0;
	if (used >= max_out)
		return 0;
	room = max_out - used < DECOMP_CHUNK ? max_out - used : DECOMP_CHUNK;
	if (kh_buf_reserve(out, room)) {
		*ret = -ENOMEM;
		return 0;
	}
	return room;
}

struct decomp_ctx {
	const char *name;
	uint64_t where;
	enum kh_comp fmt;
	struct kh_error *err;
};

static int decomp_fail(const struct decomp_ctx *c, int code, const char *why)
{
	return kh_err(c->err, code, "'%s': %s stream at offset %llu: %s",
		      c->name, kh_comp_name(c->fmt),
		      (unsigned long long)c->where, why);
}

static int decomp_too_big(const struct decomp_ctx *c, size_t max_out)
{
	return kh_err(c->err, EFBIG,
		      "'%s': %s stream at offset %llu decodes to more than %zu bytes",
		      c->name, kh_comp_name(c->fmt),
		      (unsigned long long)c->where, max_out);
}

static int decode_gzip(const struct decomp_ctx *c, const uint8_t *in,
		       size_t len, size_t max_out, struct kh_buf *out,
		       size_t *consumed)
{
	size_t base = out->len, room;
	z_stream zs;
	int zret = Z_OK, ret = 0;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return kh_err_sys(c->err, ENOMEM, "'%s': zlib", c->name);
	zs.next_in = (Bytef *)in;
	zs.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
	while (zret != Z_STREAM_END) {
		room = out_room(out, base, max_out, &ret);
		if (!room) {
			ret = ret ? ret : decomp_too_big(c, max_out);
			break;
		}
		zs.next_out = out->data + out->len;
		zs.avail_out = room;
		zret = inflate(&zs, Z_NO_FLUSH);
		out->len += room - zs.avail_out;
		if (zret == Z_STREAM_END)
			break;
		if (zret != Z_OK) {
			ret = decomp_fail(c, EBADMSG, zs.msg ? zs.msg :
					  "truncated or corrupt data");
			break;
		}
	}
	*consumed = zs.total_in;
	inflateEnd(&zs);
	return ret;
}

static int decode_lzma_family(const struct decomp_ctx *c, const uint8_t *in,
			      size_t len, size_t max_out, struct kh_buf *out,
			      size_t *consumed)
{
	unsigned int flags = c->fmt == KH_COMP_LZMA ? KH_XZ_ALONE : 0;
	size_t base = out->len, room, got;
	struct kh_xz_reader r;
	struct kh_error why;
	int ret;

	ret = kh_xz_reader_init(&r, in, len, flags, UINT64_MAX, NULL, &why);
	if (ret == -ENOMEM)
		return kh_err_sys(c->err, ENOMEM, "'%s': liblzma", c->name);
	if (ret)
		return decomp_fail(c, -ret, why.msg);
	while (!kh_xz_reader_done(&r)) {
		room = out_room(out, base, max_out, &ret);
		if (!room) {
			ret = ret ? ret : decomp_too_big(c, max_out);
			break;
		}
		ret = kh_xz_read(&r, out->data + out->len, room, &got, &why);
		kh_buf_setlen(out, out->len + got);
		if (ret) {
			ret = decomp_fail(c, -ret, why.msg);
			break;
		}
	}
	*consumed = kh_xz_reader_in(&r);
	kh_xz_reader_end(&r);
	return ret;
}

/*
 * The legacy LZ4 framing (lz4 -l, the kernel's cmd_lz4): the magic, then
 * blocks of a 32-bit little-endian compressed size and data, each decoding
 * to 8 MiB except the last.  The kernel appends the decoded size after the
 * last block, so the stream ends at a short block, at a size word that
 * cannot be a block, or at the end of the input.
 */
static int decode_lz4(const struct decomp_ctx *c, const uint8_t *in,
		      size_t len, size_t max_out, struct kh_buf *out,
		      size_t *consumed)
{
	size_t pos = 4, base = out->len;
	uint32_t bsize;
	int n;

	if (len < 8)
		return decomp_fail(c, EBADMSG, "truncated data");
	while (len - pos >= 4) {
		bsize = get_le32(in + pos);
		if (bsize == get_le32(in)) {	/* a concatenated frame */
			pos += 4;
			continue;
		}
		if (!bsize || bsize > (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK) ||
		    bsize > len - pos - 4)
			break;
		if (kh_buf_reserve(out, LZ4_LEGACY_BLOCK))
			return kh_err_sys(c->err, ENOMEM, "'%s'", c->name);
		n = LZ4_decompress_safe((const char *)in + pos + 4,
					(char *)out->data + out->len, bsize,
					LZ4_LEGACY_BLOCK);
		if (n < 0) {
			*consumed = pos;
			return decomp_fail(c, EBADMSG, "corrupt block");
		}
		out->len += n;
		pos += 4 + bsize;
		if (out->len - base > max_out) {
			out->len = base + max_out;
			*consumed = pos;
			return decomp_too_big(c, max_out);
		}
		if ((uint32_t)n < LZ4_LEGACY_BLOCK)
			break;
	}
	*consumed = pos;
	if (out->len == base)
		return decomp_fail(c, EBADMSG, "no valid block");
	return 0;
}

static int decode_zstd(const struct decomp_ctx *c, const uint8_t *in,
		       size_t len, size_t max_out, struct kh_buf *out,
		       size_t *consumed)
{
	ZSTD_inBuffer ib = { in, len, 0 };
	ZSTD_outBuffer ob;
	size_t base = out->len, room, zret = 1;
	ZSTD_DCtx *dctx;
	int ret = 0;

	dctx = ZSTD_createDCtx();
	if (!dctx)
		return kh_err_sys(c->err, ENOMEM, "'%s': libzstd", c->name);
	ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, 27);
	while (zret) {
		room = out_room(out, base, max_out, &ret);
		if (!room) {
			ret = ret ? ret : decomp_too_big(c, max_out);
			break;
		}
		ob.dst = out->data + out->len;
		ob.size = room;
		ob.pos = 0;
		zret = ZSTD_decompressStream(dctx, &ob, &ib);
		out->len += ob.pos;
		if (ZSTD_isError(zret)) {
			ret = decomp_fail(c, EBADMSG, ZSTD_getErrorName(zret));
			break;
		}
		if (zret && ib.pos == ib.size && ob.pos < ob.size) {
			ret = decomp_fail(c, EBADMSG, "truncated data");
			break;
		}
	}
	*consumed = ib.pos;
	ZSTD_freeDCtx(dctx);
	return ret;
}

static int decode_bzip2(const struct decomp_ctx *c, const uint8_t *in,
			size_t len, size_t max_out, struct kh_buf *out,
			size_t *consumed)
{
	size_t base = out->len, room;
	bz_stream bz;
	int bret = BZ_OK, ret = 0;

	memset(&bz, 0, sizeof(bz));
	if (BZ2_bzDecompressInit(&bz, 0, 0) != BZ_OK)
		return kh_err_sys(c->err, ENOMEM, "'%s': libbz2", c->name);
	bz.next_in = (char *)in;
	bz.avail_in = len > UINT32_MAX ? UINT32_MAX : (unsigned int)len;
	while (bret != BZ_STREAM_END) {
		room = out_room(out, base, max_out, &ret);
		if (!room) {
			ret = ret ? ret : decomp_too_big(c, max_out);
			break;
		}
		bz.next_out = (char *)out->data + out->len;
		bz.avail_out = room;
		bret = BZ2_bzDecompress(&bz);
		out->len += room - bz.avail_out;
		if (bret == BZ_STREAM_END)
			break;
		if (bret != BZ_OK || (!bz.avail_in && bz.avail_out)) {
			ret = decomp_fail(c, EBADMSG, bret == BZ_OK ?
					  "truncated data" : "corrupt data");
			break;
		}
	}
	*consumed = len - bz.avail_in;
	BZ2_bzDecompressEnd(&bz);
	return ret;
}

int kh_decompress(enum kh_comp fmt, const uint8_t *in, size_t len,
		  size_t max_out, struct kh_buf *out, size_t *consumed,
		  const char *name, uint64_t where, struct kh_error *err)
{
	struct decomp_ctx c = { name, where, fmt, err };
	size_t dummy = 0;

	if (!consumed)
		consumed = &dummy;
	*consumed = 0;
	switch (fmt) {
	case KH_COMP_GZIP:
		return decode_gzip(&c, in, len, max_out, out, consumed);
	case KH_COMP_XZ:
	case KH_COMP_LZMA:
		return decode_lzma_family(&c, in, len, max_out, out, consumed);
	case KH_COMP_LZ4:
		return decode_lz4(&c, in, len, max_out, out, consumed);
	case KH_COMP_ZSTD:
		return decode_zstd(&c, in, len, max_out, out, consumed);
	case KH_COMP_BZIP2:
		return decode_bzip2(&c, in, len, max_out, out, consumed);
	default:
		return kh_err(err, EINVAL, "'%s': unknown compression format",
			      name);
	}
}
