// SPDX-License-Identifier: GPL-2.0
/*
 * decomp.c - one decoder per compression format a kernel image or module
 * may use (gzip through zlib, xz and lzma through liblzma, the kernel's
 * legacy LZ4 framing through liblz4, zstd through libzstd, bzip2 through
 * libbz2), each stopping at the end of its stream, tolerating what follows
 * it, and never producing more than the caller's bound.  The magic tests
 * add the header sanity checks the decoders would make anyway, so that the
 * scanner only decodes plausible streams.  The formats are one table,
 * comp_formats[] (name, magic, header check, decoder, module suffix).
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

/* The fast fuzzing build bounds it small (Makefile, FUZZ_FAST). */
#ifndef KH_ZSTD_WINDOW_LOG_MAX
#define KH_ZSTD_WINDOW_LOG_MAX 27
#endif
#define ZSTD_WINDOW_LOG_MAX KH_ZSTD_WINDOW_LOG_MAX

#define DECOMP_CHUNK (1u << 20)
#define LZ4_LEGACY_BLOCK (8u << 20)

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

static bool lzma_header_ok(const uint8_t *p, size_t avail)
{
	uint64_t size;

	if (avail < 14 || !lzma_dict_plausible(get_le32(p + 1)))
		return false;
	size = get_le64(p + 5);
	return (size == UINT64_MAX || size < (1ull << 38)) && p[13] == 0;
}

static bool gzip_header_ok(const uint8_t *p, size_t avail)
{
	return avail >= 10 && !(p[3] & 0xe0);
}

static bool xz_header_ok(const uint8_t *p, size_t avail)
{
	return avail >= 12 && kh_xz_magic_at(p, avail) && p[6] == 0 &&
	       !(p[7] & 0xf0);
}

static bool lz4_header_ok(const uint8_t *p, size_t avail)
{
	return avail >= 8 && get_le32(p + 4) &&
	       get_le32(p + 4) <= (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK);
}

static bool zstd_header_ok(const uint8_t *p, size_t avail)
{
	return avail >= 5 && !(p[4] & 0x08);
}

static bool bzip2_header_ok(const uint8_t *p, size_t avail)
{
	return avail >= 10 && p[3] >= '1' && p[3] <= '9' &&
	       !memcmp(p + 4, "\x31\x41\x59\x26\x53\x59", 6);
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
	struct kh_xz_budget *budget;
	struct kh_error *err;
};

/* Decode one stream of c->fmt; the contract of kh_decompress(). */
typedef int decode_fn(const struct decomp_ctx *c, const uint8_t *in,
		      size_t len, size_t max_out, struct kh_buf *out,
		      size_t *consumed);

static int decomp_fail(const struct decomp_ctx *c, int code, const char *why)
{
	return kh_err_at(c->err, code, c->name,
			 "'%s': %s stream at offset %llu: %s",
		      c->name, kh_comp_name(c->fmt),
		      (unsigned long long)c->where, why);
}

static int decomp_too_big(const struct decomp_ctx *c, size_t max_out)
{
	return kh_err_at(c->err, EFBIG, c->name,
		      "'%s': %s stream at offset %llu decodes to more than %zu bytes",
		      c->name, kh_comp_name(c->fmt),
		      (unsigned long long)c->where, max_out);
}

/* Count @n freshly decoded bytes against the command's budget. */
static int decomp_charge(const struct decomp_ctx *c, size_t n)
{
	struct kh_error why;

	if (!kh_xz_budget_charge(c->budget, n, &why))
		return 0;
	return decomp_fail(c, EFBIG, why.msg);
}

/*
 * One step of a streaming decoder: decode into the @room bytes at @to and
 * say how many it made.  Return: 1 at the end of the stream, 0 to go on,
 * or a negative errno value with *@why set.
 */
typedef int decode_step_fn(void *state, uint8_t *to, size_t room,
			   size_t *made, const char **why);

/* The one output loop of every streaming decoder: bounded, chunked. */
static int decode_loop(const struct decomp_ctx *c, struct kh_buf *out,
		       size_t max_out, decode_step_fn *step, void *state)
{
	size_t base = out->len, room, made;
	const char *why = NULL;
	int ret = 0, r;

	for (;;) {
		room = out_room(out, base, max_out, &ret);
		if (!room)
			return ret ? ret : decomp_too_big(c, max_out);
		made = 0;
		r = step(state, out->data + out->len, room, &made, &why);
		kh_buf_setlen(out, out->len + made);
		ret = decomp_charge(c, made);
		if (ret)
			return ret;
		if (r > 0)
			return 0;
		if (r < 0)
			return decomp_fail(c, -r, why);
	}
}

static int gzip_step(void *state, uint8_t *to, size_t room, size_t *made,
		     const char **why)
{
	z_stream *zs = state;
	int zret;

	zs->next_out = to;
	zs->avail_out = room;
	zret = inflate(zs, Z_NO_FLUSH);
	*made = room - zs->avail_out;
	if (zret == Z_STREAM_END)
		return 1;
	if (zret == Z_OK)
		return 0;
	*why = zs->msg ? zs->msg : "truncated or corrupt data";
	return -EBADMSG;
}

static int decode_gzip(const struct decomp_ctx *c, const uint8_t *in,
		       size_t len, size_t max_out, struct kh_buf *out,
		       size_t *consumed)
{
	z_stream zs;
	int ret;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return kh_err_sys_at(c->err, ENOMEM, c->name,
				     "'%s': zlib", c->name);
	zs.next_in = (Bytef *)in;
	zs.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
	ret = decode_loop(c, out, max_out, gzip_step, &zs);
	*consumed = zs.total_in;
	inflateEnd(&zs);
	return ret;
}

struct xz_step {
	struct kh_xz_reader r;
	struct kh_error why;
};

static int xz_step(void *state, uint8_t *to, size_t room, size_t *made,
		   const char **why)
{
	struct xz_step *x = state;
	int ret = kh_xz_read(&x->r, to, room, made, &x->why);

	if (ret) {
		*why = x->why.msg;
		return ret;
	}
	return kh_xz_reader_done(&x->r);
}

static int decode_lzma_family(const struct decomp_ctx *c, const uint8_t *in,
			      size_t len, size_t max_out, struct kh_buf *out,
			      size_t *consumed)
{
	unsigned int flags = c->fmt == KH_COMP_LZMA ? KH_XZ_ALONE : 0;
	struct xz_step x;
	int ret;

	ret = kh_xz_reader_init(&x.r, in, len, flags, UINT64_MAX, NULL,
				&x.why);
	if (ret == -ENOMEM)
		return kh_err_sys_at(c->err, ENOMEM, c->name,
				     "'%s': liblzma", c->name);
	if (ret)
		return decomp_fail(c, -ret, x.why.msg);
	ret = decode_loop(c, out, max_out, xz_step, &x);
	*consumed = kh_xz_reader_in(&x.r);
	kh_xz_reader_end(&x.r);
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
			return kh_err_sys_at(c->err, ENOMEM, c->name,
					     "'%s'", c->name);
		n = LZ4_decompress_safe((const char *)in + pos + 4,
					(char *)out->data + out->len, bsize,
					LZ4_LEGACY_BLOCK);
		if (n < 0) {
			*consumed = pos;
			return decomp_fail(c, EBADMSG, "corrupt block");
		}
		kh_buf_setlen(out, out->len + n);
		pos += 4 + bsize;
		if (decomp_charge(c, n)) {
			*consumed = pos;
			return -EFBIG;
		}
		if (out->len - base > max_out) {
			kh_buf_setlen(out, base + max_out);
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

struct zstd_step {
	ZSTD_DCtx *dctx;
	ZSTD_inBuffer ib;
};

static int zstd_step(void *state, uint8_t *to, size_t room, size_t *made,
		     const char **why)
{
	struct zstd_step *z = state;
	ZSTD_outBuffer ob = { to, room, 0 };
	size_t zret;

	zret = ZSTD_decompressStream(z->dctx, &ob, &z->ib);
	*made = ob.pos;
	if (ZSTD_isError(zret)) {
		*why = ZSTD_getErrorName(zret);
		return -EBADMSG;
	}
	if (!zret)
		return 1;
	if (z->ib.pos == z->ib.size && ob.pos < ob.size) {
		*why = "truncated data";
		return -EBADMSG;
	}
	return 0;
}

static int decode_zstd(const struct decomp_ctx *c, const uint8_t *in,
		       size_t len, size_t max_out, struct kh_buf *out,
		       size_t *consumed)
{
	struct zstd_step z = { .ib = { in, len, 0 } };
	int ret;

	z.dctx = ZSTD_createDCtx();
	if (!z.dctx)
		return kh_err_sys_at(c->err, ENOMEM, c->name,
				     "'%s': libzstd", c->name);
	ZSTD_DCtx_setParameter(z.dctx, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX);
	ret = decode_loop(c, out, max_out, zstd_step, &z);
	*consumed = z.ib.pos;
	ZSTD_freeDCtx(z.dctx);
	return ret;
}

static int bzip2_step(void *state, uint8_t *to, size_t room, size_t *made,
		      const char **why)
{
	bz_stream *bz = state;
	int bret;

	bz->next_out = (char *)to;
	bz->avail_out = room;
	bret = BZ2_bzDecompress(bz);
	*made = room - bz->avail_out;
	if (bret == BZ_STREAM_END)
		return 1;
	if (bret == BZ_OK && (bz->avail_in || !bz->avail_out))
		return 0;
	*why = bret == BZ_OK ? "truncated data" : "corrupt data";
	return -EBADMSG;
}

static int decode_bzip2(const struct decomp_ctx *c, const uint8_t *in,
			size_t len, size_t max_out, struct kh_buf *out,
			size_t *consumed)
{
	bz_stream bz;
	int ret;

	memset(&bz, 0, sizeof(bz));
	if (BZ2_bzDecompressInit(&bz, 0, 0) != BZ_OK)
		return kh_err_sys_at(c->err, ENOMEM, c->name,
				     "'%s': libbz2", c->name);
	bz.next_in = (char *)in;
	bz.avail_in = len > UINT32_MAX ? UINT32_MAX : (unsigned int)len;
	ret = decode_loop(c, out, max_out, bzip2_step, &bz);
	*consumed = len - bz.avail_in;
	BZ2_bzDecompressEnd(&bz);
	return ret;
}

/*
 * Every format, in the order the image scanner reports them.  Adding one is
 * a constant in enum kh_comp, a header check, a decoder and a row here.
 */
static const struct comp_format {
	const char *name;
	const char *magic;		/* the first bytes, found with memmem() */
	size_t magic_len;
	/* the header checks, given the bytes from the magic on */
	bool (*header_ok)(const uint8_t *p, size_t avail);
	decode_fn *decode;
	const char *module_suffix;	/* kbuild's CONFIG_MODULE_COMPRESS_* */
} comp_formats[KH_COMP_COUNT] = {
	[KH_COMP_GZIP] = { "gzip", "\x1f\x8b\x08", 3, gzip_header_ok,
			   decode_gzip, ".gz" },
	[KH_COMP_XZ] = { "xz", (const char *)kh_xz_magic, KH_XZ_MAGIC_LEN,
			 xz_header_ok, decode_lzma_family, ".xz" },
	[KH_COMP_LZMA] = { "lzma", "\x5d\0\0", 3, lzma_header_ok,
			   decode_lzma_family, NULL },
	[KH_COMP_LZ4] = { "lz4", "\x02\x21\x4c\x18", 4, lz4_header_ok,
			  decode_lz4, NULL },
	[KH_COMP_ZSTD] = { "zstd", "\x28\xb5\x2f\xfd", 4, zstd_header_ok,
			   decode_zstd, ".zst" },
	[KH_COMP_BZIP2] = { "bzip2", "BZh", 3, bzip2_header_ok, decode_bzip2,
			    NULL },
};

static const struct comp_format *comp_format(enum kh_comp fmt)
{
	return fmt < KH_COMP_COUNT ? &comp_formats[fmt] : NULL;
}

const char *kh_comp_name(enum kh_comp fmt)
{
	return fmt < KH_COMP_COUNT ? comp_formats[fmt].name : "unknown";
}

const char *kh_comp_magic(enum kh_comp fmt, size_t *len)
{
	const struct comp_format *f = comp_format(fmt);

	*len = f ? f->magic_len : 0;
	return f ? f->magic : NULL;
}

const char *kh_comp_module_suffix(enum kh_comp fmt)
{
	const struct comp_format *f = comp_format(fmt);

	return f ? f->module_suffix : NULL;
}

size_t kh_comp_module_stem(const char *name)
{
	size_t n = strlen(name), s;
	const char *suffix;
	int i;

	for (i = -1; i < KH_COMP_COUNT; i++) {
		suffix = i < 0 ? "" : kh_comp_module_suffix((enum kh_comp)i);
		if (!suffix)
			continue;
		s = strlen(suffix);
		if (n > s + 3 && !strcmp(name + n - s, suffix) &&
		    !strncmp(name + n - s - 3, ".ko", 3))
			return n - s - 3;
	}
	return 0;
}

bool kh_comp_magic_at(enum kh_comp fmt, const uint8_t *p, size_t avail)
{
	const struct comp_format *f = comp_format(fmt);

	if (!f || avail < f->magic_len || memcmp(p, f->magic, f->magic_len))
		return false;
	return f->header_ok(p, avail);
}

size_t kh_comp_find(enum kh_comp fmt, const uint8_t *data, size_t len,
		    size_t from)
{
	const struct comp_format *f = comp_format(fmt);
	const uint8_t *p;

	if (!f)
		return len;
	while (from < len) {
		p = memmem(data + from, len - from, f->magic, f->magic_len);
		if (!p)
			return len;
		from = p - data;
		if (kh_comp_magic_at(fmt, p, len - from))
			return from;
		from++;
	}
	return len;
}

int kh_decompress(enum kh_comp fmt, const uint8_t *in, size_t len,
		  size_t max_out, struct kh_buf *out, size_t *consumed,
		  const char *name, uint64_t where, struct kh_xz_budget *budget,
		  struct kh_error *err)
{
	const struct comp_format *f = comp_format(fmt);
	struct decomp_ctx c = { name, where, fmt, budget, err };
	struct kh_error why;
	size_t dummy = 0;

	if (!consumed)
		consumed = &dummy;
	*consumed = 0;
	if (kh_xz_budget_stream(budget, &why))
		return decomp_fail(&c, EFBIG, why.msg);
	if (!f)
		return kh_err_at(err, EINVAL, name,
				 "'%s': unknown compression format",
			      name);
	return f->decode(&c, in, len, max_out, out, consumed);
}

/* The earliest candidate of any format at or after the cursors. */
static enum kh_comp walk_next(const size_t *next, size_t len)
{
	enum kh_comp f, best = KH_COMP_COUNT;

	for (f = 0; f < KH_COMP_COUNT; f++)
		if (next[f] < len && (best == KH_COMP_COUNT ||
				      next[f] < next[best]))
			best = f;
	return best;
}

static void walk_skip_to(const uint8_t *d, size_t len, size_t *next,
			 size_t to)
{
	enum kh_comp f;

	for (f = 0; f < KH_COMP_COUNT; f++)
		if (next[f] < to)
			next[f] = kh_comp_find(f, d, len, to);
}

/* After a failed decode: -EFBIG when it spent the budget, else 0. */
static int walk_spent(struct kh_xz_budget *budget, const struct kh_error *why,
		      struct kh_error *err)
{
	struct kh_error limit;

	if (!kh_xz_budget_spent(budget, &limit))
		return 0;
	if (err)
		*err = why->code == EFBIG ? *why : limit;
	return -EFBIG;
}

int kh_comp_walk(const uint8_t *data, size_t len, const char *name,
		 unsigned int max_tries, struct kh_xz_budget *budget,
		 int (*fn)(const struct kh_comp_stream *s, void *ctx),
		 void *ctx, struct kh_comp_walk *walk, struct kh_error *err)
{
	struct kh_comp_walk own = { 0, 0 };
	size_t next[KH_COMP_COUNT];
	struct kh_comp_stream s;
	struct kh_error why;
	struct kh_buf dec;
	enum kh_comp f;
	int ret;

	if (!walk)
		walk = &own;
	memset(walk, 0, sizeof(*walk));
	for (f = 0; f < KH_COMP_COUNT; f++)
		next[f] = kh_comp_find(f, data, len, 0);
	while ((f = walk_next(next, len)) != KH_COMP_COUNT &&
	       walk->tries++ < max_tries) {
		s.fmt = f;
		s.at = next[f];
		s.dec = &dec;
		kh_buf_init(&dec);
		ret = kh_decompress(f, data + s.at, len - s.at, SIZE_MAX, &dec,
				    &s.consumed, name, s.at, budget, &why);
		if (ret == -ENOMEM) {
			kh_buf_release(&dec);
			if (err)
				*err = why;
			return ret;
		}
		if (ret == -EFBIG && walk_spent(budget, &why, err)) {
			kh_buf_release(&dec);
			return -EFBIG;
		}
		if ((ret && ret != -EBADMSG) || dec.len < KH_COMP_WALK_MIN_OUT) {
			kh_buf_release(&dec);
			next[f] = kh_comp_find(f, data, len, s.at + 1);
			continue;
		}
		walk->streams++;
		s.complete = !ret;
		ret = fn(&s, ctx);
		kh_buf_release(&dec);
		if (ret)
			return ret;
		walk_skip_to(data, len, next,
			     s.at + (s.consumed ? s.consumed : 1));
	}
	return 0;
}
