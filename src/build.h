/* SPDX-License-Identifier: GPL-2.0 */
/*
 * build.h - internals of the build data path that tests and the cache
 * look at: how entries are named and where xz blocks start.
 */
#ifndef KH_BUILD_H
#define KH_BUILD_H

#include <stdint.h>

#include "kheaders.h"
#include "tarball.h"

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

#endif /* KH_BUILD_H */
