/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xzblocks.h - compressing the tar into one xz stream made of independent
 * blocks, encoded in parallel: the rule that says where blocks start (entry
 * boundaries chosen from the paths alone) and the encoder.  The bytes never
 * depend on the thread count or the cache.
 */
#ifndef KH_XZBLOCKS_H
#define KH_XZBLOCKS_H

#include <lzma.h>
#include <stdint.h>

#include "kheaders.h"
#include "tarball.h"

struct kh_cache;

/*
 * Average number of entries per xz block.  The archive of N entries gets
 * ceil(N / KH_BLOCK_ENTRIES) blocks; block i starts before the file entry
 * with the smallest path hash (FNV-1a) among the entries around the i-th
 * N-quantile (within an eighth of a block either side).  The rule reads the
 * entry count and paths only: editing a header, whatever its new size,
 * never moves a boundary; adding or removing one moves a boundary only if
 * the minimum of a window changes (or the block count does).
 * 1500 entries is about 6 MiB of linux 6.1 tar (five blocks, the largest
 * 7.5 MB): see docs/performance.md.
 */
#define KH_BLOCK_ENTRIES 1500

/* kh_block_hash() - the path hash the rule compares. */
uint64_t kh_block_hash(const char *name);

/*
 * kh_block_cuts_every() - offsets (into the tar stream) where blocks start.
 * @entries, @offsets: the tar entries and their offsets (nr + 1 slots)
 * @per_block: average entries per block (0: KH_BLOCK_ENTRIES)
 * @cuts: @nr + 1 slots; returns the number of blocks (>= 1)
 */
size_t kh_block_cuts_every(const struct kh_tar_entry *entries,
			   const size_t *offsets, size_t nr,
			   unsigned int per_block, size_t *cuts);

/* kh_block_cuts() - the same with the default KH_BLOCK_ENTRIES. */
size_t kh_block_cuts(const struct kh_tar_entry *entries, const size_t *offsets,
		     size_t nr, size_t *cuts);


/* What kh_xz_encode() did, for -v and the tests. */
struct kh_xz_stats {
	size_t blocks;		/* blocks in the stream */
	size_t hits;		/* taken from the cache */
	size_t encoded;		/* compressed here */
	size_t corrupt;		/* cache records rejected */
	size_t store_failed;	/* could not be stored */
	uint64_t encoded_bytes;	/* uncompressed bytes compressed here */
};

struct kh_xz_opts {
	uint32_t preset;	/* 0-9, optionally | LZMA_PRESET_EXTREME */
	uint32_t dict_size;	/* 0: the preset's, capped by the block size */
	int lc, lp, pb;		/* -1: the preset's */
	uint32_t nice_len;	/* 0: the preset's */
	lzma_check check;
	unsigned int threads;	/* 0: online CPUs */
	struct kh_cache *cache;	/* optional block cache */
	void (*warn)(void *ctx, const char *msg);	/* optional */
	void *warn_ctx;
	struct kh_xz_stats *stats;	/* optional, filled */
};

/* kh_xz_opts_init() - the defaults kheaders build uses. */
void kh_xz_opts_init(struct kh_xz_opts *opts);

/*
 * kh_xz_filter_string() - describe @opts for the record, e.g.
 * "lzma2:preset=9e,dict=8MiB,lc=4,lp=0,pb=0,nice=273,check=crc64"
 * (the cache key and `verify` use it).  @buf of @size bytes.
 */
void kh_xz_filter_string(const struct kh_xz_opts *opts, uint32_t block_size,
			 char *buf, size_t size);

/*
 * kh_xz_encode() - compress @in into one xz stream appended to @out.
 * @starts: @nr_blocks offsets, starts[0] == 0, increasing; block i spans
 *	[starts[i], starts[i + 1]) and the last one ends at @len.
 *
 * Blocks are taken largest first by @opts->threads workers.  With a cache,
 * a block whose key (kh_xz_block_key()) is there is copied, not encoded;
 * a damaged record is reported through @opts->warn and re-encoded.  The
 * bytes never depend on the threads or the cache.
 */
int kh_xz_encode(const uint8_t *in, size_t len, const size_t *starts,
		 size_t nr_blocks, const struct kh_xz_opts *opts,
		 struct kh_buf *out, struct kh_error *err);

/*
 * kh_xz_block_key() - the cache key of one block: SHA-256 of a version
 * tag, the encoder settings for a block of @len bytes (with the liblzma
 * version) and the bytes themselves.
 */
int kh_xz_block_key(const struct kh_xz_opts *opts, const uint8_t *in,
		    size_t len, uint8_t key[32]);

#endif /* KH_XZBLOCKS_H */
