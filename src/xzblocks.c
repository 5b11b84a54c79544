// SPDX-License-Identifier: GPL-2.0
/*
 * xzblocks.c - the compress stage.  Each block is an independent LZMA2
 * block (lzma_block_buffer_encode), so blocks can be encoded on any thread
 * in any order; the stream header, the blocks in order, the index and the
 * footer are then laid out exactly as xz(1) would.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "digest.h"
#include "error.h"
#include "pool.h"
#include "xzblocks.h"

#define KH_XZ_KEY_TAG "kheaders xz block 1"

/*
 * Longer matches than the preset's 64 pay on text; with five blocks and
 * the compact strip, 160 keeps linux 6.1's archive 10 KB under the stock
 * script's for 9 % more CPU than 128 (docs/performance.md has the sweep).
 */
#define KH_XZ_NICE_LEN 160

struct xz_block_job {
	const uint8_t *in;
	size_t len;
	uint8_t *out;
	size_t out_len;
	lzma_vli unpadded;
	lzma_ret ret;
	bool hit, corrupt, store_failed;
	char *warn;		/* for opts->warn, in block order */
};

struct xz_pool {
	struct xz_block_job *jobs;
	size_t *order;		/* largest first */
	size_t nr;
	size_t next;		/* atomic */
	const struct kh_xz_opts *opts;
	uint32_t dict_size;
};

void kh_xz_opts_init(struct kh_xz_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->preset = 6;
	opts->dict_size = 64U << 20;
	opts->lc = 4;
	opts->lp = 0;
	opts->pb = 0;
	opts->nice_len = KH_XZ_NICE_LEN;
	opts->check = LZMA_CHECK_CRC64;
}

/* ---- where blocks start ------------------------------------------------ */

static uint64_t fnv1a64(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

uint64_t kh_block_hash(const char *name)
{
	return fnv1a64(name);
}

/* The file entry of smallest path hash in [lo, hi), or @hi if none. */
static size_t window_min(const struct kh_tar_entry *entries, size_t lo,
			 size_t hi)
{
	size_t i, best = hi;
	uint64_t h, best_h = 0;

	for (i = lo; i < hi; i++) {
		if (entries[i].type != KH_TAR_FILE)
			continue;
		h = fnv1a64(entries[i].name);
		if (best == hi || h < best_h) {
			best = i;
			best_h = h;
		}
	}
	return best;
}

size_t kh_block_cuts_every(const struct kh_tar_entry *entries,
			   const size_t *offsets, size_t nr,
			   unsigned int per_block, size_t *cuts)
{
	size_t blocks, b, n = 0, q, w, at;

	if (!per_block)
		per_block = KH_BLOCK_ENTRIES;
	blocks = (nr + per_block - 1) / per_block;
	cuts[n++] = 0;
	w = blocks ? nr / (8 * blocks) : 0;
	for (b = 1; b < blocks; b++) {
		q = nr * b / blocks;
		at = window_min(entries, q - w, q + w + 1 < nr ? q + w + 1 : nr);
		if (at < nr && offsets[at] > cuts[n - 1])
			cuts[n++] = offsets[at];
	}
	return n;
}

size_t kh_block_cuts(const struct kh_tar_entry *entries, const size_t *offsets,
		     size_t nr, size_t *cuts)
{
	return kh_block_cuts_every(entries, offsets, nr, 0, cuts);
}

/* ---- encoding ----------------------------------------------------------- */

/*
 * The smallest LZMA2 dictionary size (2^n or 3 * 2^(n-1), at least 64 KiB)
 * covering @size, capped by @max; @max itself for a size of 0.  A larger
 * dictionary than the block buys nothing and costs encoder memory.
 */
static uint32_t dict_for(size_t size, uint32_t max)
{
	uint32_t d = 1U << 16;

	if (!size)
		return max;
	while (d < size && d < max) {
		if (d + d / 2 >= size)
			return d + d / 2 < max ? d + d / 2 : max;
		d <<= 1;
	}
	return d < max ? d : max;
}

static void lzma_opts_fill(const struct kh_xz_opts *opts, uint32_t dict,
			   lzma_options_lzma *lz)
{
	lzma_lzma_preset(lz, opts->preset);
	lz->dict_size = dict;
	if (opts->lc >= 0)
		lz->lc = opts->lc;
	if (opts->lp >= 0)
		lz->lp = opts->lp;
	if (opts->pb >= 0)
		lz->pb = opts->pb;
	if (opts->nice_len)
		lz->nice_len = opts->nice_len;
}

void kh_xz_filter_string(const struct kh_xz_opts *opts, uint32_t block_size,
			 char *buf, size_t size)
{
	lzma_options_lzma lz;
	uint32_t max = opts->dict_size;

	lzma_lzma_preset(&lz, opts->preset);
	if (!max)
		max = lz.dict_size;
	lzma_opts_fill(opts, dict_for(block_size, max), &lz);
	snprintf(buf, size,
		 "lzma2:preset=%u%s,dict=%u,lc=%u,lp=%u,pb=%u,nice=%u,mf=%d,depth=%u,check=%d,liblzma=%s",
		 opts->preset & LZMA_PRESET_LEVEL_MASK,
		 opts->preset & LZMA_PRESET_EXTREME ? "e" : "", lz.dict_size,
		 lz.lc, lz.lp, lz.pb, lz.nice_len, (int)lz.mf, lz.depth,
		 (int)opts->check, lzma_version_string());
}

static void encode_one(struct xz_pool *pool, struct xz_block_job *job)
{
	lzma_options_lzma lz;
	lzma_filter filters[2];
	lzma_block block;
	size_t bound, pos = 0;

	lzma_opts_fill(pool->opts, dict_for(job->len, pool->dict_size), &lz);
	filters[0].id = LZMA_FILTER_LZMA2;
	filters[0].options = &lz;
	filters[1].id = LZMA_VLI_UNKNOWN;
	filters[1].options = NULL;
	memset(&block, 0, sizeof(block));
	block.version = 0;
	block.check = pool->opts->check;
	block.filters = filters;
	bound = lzma_block_buffer_bound(job->len);
	job->out = malloc(bound ? bound : 1);
	if (!job->out) {
		job->ret = LZMA_MEM_ERROR;
		return;
	}
	job->ret = lzma_block_buffer_encode(&block, NULL, job->in, job->len,
					    job->out, &pos, bound);
	job->out_len = pos;
	job->unpadded = lzma_block_unpadded_size(&block);
}

int kh_xz_block_key(const struct kh_xz_opts *opts, const uint8_t *in,
		    size_t len, uint8_t key[32])
{
	struct kh_sha256_ctx *ctx = kh_sha256_new();
	char settings[256];
	int ret;

	if (!ctx)
		return -ENOMEM;
	kh_xz_filter_string(opts, len, settings, sizeof(settings));
	ret = kh_sha256_update(ctx, KH_XZ_KEY_TAG, sizeof(KH_XZ_KEY_TAG));
	if (!ret)
		ret = kh_sha256_update(ctx, settings, strlen(settings) + 1);
	if (!ret)
		ret = kh_sha256_update(ctx, in, len);
	if (ret) {
		kh_sha256_final(ctx, key);
		return ret;
	}
	return kh_sha256_final(ctx, key);
}

/* A cached block must be what this block would encode to, size-wise. */
static bool cached_block_fits(const struct xz_block_job *job,
			      const struct kh_cache_rec *rec)
{
	return rec->a == job->len && rec->b >= LZMA_BLOCK_HEADER_SIZE_MIN &&
	       rec->b <= rec->payload.len &&
	       rec->payload.len == ((rec->b + 3) & ~(uint64_t)3) &&
	       rec->payload.len <= lzma_block_buffer_bound(job->len);
}

static void cache_fetch(struct xz_pool *pool, struct xz_block_job *job,
			const uint8_t key[32])
{
	struct kh_cache_rec rec = { 0 };
	char why[512];
	int ret;

	kh_buf_init(&rec.payload);
	ret = kh_cache_get(pool->opts->cache, key, &rec, why, sizeof(why));
	if (ret == 1 && !cached_block_fits(job, &rec)) {
		snprintf(why, sizeof(why),
			 "ignoring cache entry for block of %zu bytes: sizes do not fit",
			 job->len);
		ret = -EBADMSG;
	}
	if (ret < 0) {
		job->corrupt = true;
		job->warn = strdup(why);
	}
	if (ret != 1) {
		kh_buf_release(&rec.payload);
		return;
	}
	job->out = rec.payload.data;
	job->out_len = rec.payload.len;
	job->unpadded = rec.b;
	job->ret = LZMA_OK;
	job->hit = true;
}

static void cache_store(struct xz_pool *pool, struct xz_block_job *job,
			const uint8_t key[32])
{
	struct kh_cache_rec rec = {
		.a = job->len, .b = job->unpadded,
		.payload = { job->out, job->out_len, job->out_len },
	};

	if (kh_cache_put(pool->opts->cache, key, &rec))
		job->store_failed = true;
}

static void do_block(struct xz_pool *pool, struct xz_block_job *job)
{
	uint8_t key[32];
	bool cached = pool->opts->cache &&
		      !kh_xz_block_key(pool->opts, job->in, job->len, key);

	if (cached)
		cache_fetch(pool, job, key);
	if (job->hit)
		return;
	encode_one(pool, job);
	if (cached && job->ret == LZMA_OK)
		cache_store(pool, job, key);
}

static int xz_block_item(void *ctx, size_t i)
{
	struct xz_pool *pool = ctx;

	do_block(pool, &pool->jobs[pool->order[i]]);
	return 0;
}

static int assemble(struct xz_pool *pool, lzma_check check,
		    struct kh_buf *out, struct kh_error *err)
{
	lzma_stream_flags flags = { .version = 0, .check = check };
	uint8_t hf[LZMA_STREAM_HEADER_SIZE];
	lzma_index *idx;
	size_t i, isz, pos;
	int ret = 0;

	idx = lzma_index_init(NULL);
	if (!idx)
		return kh_err_sys(err, ENOMEM, "cannot build the xz index");
	if (lzma_stream_header_encode(&flags, hf) != LZMA_OK ||
	    kh_buf_append(out, hf, sizeof(hf)))
		goto out_nomem;
	for (i = 0; i < pool->nr; i++) {
		struct xz_block_job *job = &pool->jobs[i];

		if (kh_buf_append(out, job->out, job->out_len) ||
		    lzma_index_append(idx, NULL, job->unpadded, job->len) !=
		    LZMA_OK)
			goto out_nomem;
	}
	isz = lzma_index_size(idx);
	if (kh_buf_reserve(out, isz + sizeof(hf)))
		goto out_nomem;
	pos = out->len;
	if (lzma_index_buffer_encode(idx, out->data, &pos, out->alloc) !=
	    LZMA_OK)
		goto out_nomem;
	kh_buf_setlen(out, pos);
	flags.backward_size = isz;
	if (lzma_stream_footer_encode(&flags, hf) != LZMA_OK ||
	    kh_buf_append(out, hf, sizeof(hf)))
		goto out_nomem;
	goto out;

out_nomem:
	ret = kh_err_sys(err, ENOMEM, "cannot assemble the xz stream");
out:
	lzma_index_end(idx, NULL);
	return ret;
}

/* Largest first, so that the last block to finish is a small one. */
static int cmp_job_size(const void *a, const void *b, void *ctx)
{
	const struct xz_block_job *jobs = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (jobs[x].len != jobs[y].len)
		return jobs[x].len > jobs[y].len ? -1 : 1;
	return x < y ? -1 : x > y;
}

static void order_jobs(struct xz_pool *pool)
{
	size_t i;

	for (i = 0; i < pool->nr; i++)
		pool->order[i] = i;
	qsort_r(pool->order, pool->nr, sizeof(*pool->order), cmp_job_size,
		pool->jobs);
}

static void report(const struct xz_pool *pool)
{
	const struct kh_xz_opts *opts = pool->opts;
	struct kh_xz_stats *st = opts->stats;
	size_t i;

	for (i = 0; i < pool->nr; i++) {
		const struct xz_block_job *job = &pool->jobs[i];

		if (job->warn && opts->warn)
			opts->warn(opts->warn_ctx, job->warn);
		if (!st)
			continue;
		st->hits += job->hit;
		st->encoded += !job->hit;
		st->encoded_bytes += job->hit ? 0 : job->len;
		st->corrupt += job->corrupt;
		st->store_failed += job->store_failed;
	}
	if (st)
		st->blocks += pool->nr;
}

int kh_xz_encode(const uint8_t *in, size_t len, const size_t *starts,
		 size_t nr_blocks, const struct kh_xz_opts *opts,
		 struct kh_buf *out, struct kh_error *err)
{
	struct xz_pool pool = { .opts = opts, .nr = nr_blocks };
	lzma_options_lzma lz;
	size_t i;
	int ret = 0;

	lzma_lzma_preset(&lz, opts->preset);
	pool.dict_size = opts->dict_size ? opts->dict_size : lz.dict_size;
	pool.jobs = calloc(nr_blocks ? nr_blocks : 1, sizeof(*pool.jobs));
	pool.order = calloc(nr_blocks ? nr_blocks : 1, sizeof(*pool.order));
	if (!pool.jobs || !pool.order) {
		ret = kh_err_sys(err, ENOMEM, "cannot compress");
		goto out;
	}
	for (i = 0; i < nr_blocks; i++) {
		size_t end = i + 1 < nr_blocks ? starts[i + 1] : len;

		pool.jobs[i].in = in + starts[i];
		pool.jobs[i].len = end - starts[i];
	}
	order_jobs(&pool);
	kh_pool_run(opts->threads ? opts->threads : kh_online_cpus(),
		    pool.nr, xz_block_item, &pool);
	report(&pool);
	for (i = 0; i < nr_blocks && !ret; i++)
		if (pool.jobs[i].ret != LZMA_OK)
			ret = kh_err(err, pool.jobs[i].ret == LZMA_MEM_ERROR ?
				     ENOMEM : EIO, "cannot compress block %zu: %s",
				     i, kh_lzma_strerror(pool.jobs[i].ret));
	if (!ret)
		ret = assemble(&pool, opts->check, out, err);
out:
	for (i = 0; pool.jobs && i < nr_blocks; i++) {
		free(pool.jobs[i].out);
		free(pool.jobs[i].warn);
	}
	free(pool.jobs);
	free(pool.order);
	return ret;
}
