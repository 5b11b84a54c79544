/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz_xz.h - for harnesses that take a tar and want the xz reader to see
 * it: compress @len bytes at @in into a malloc'd xz stream (the caller
 * frees it), so that mutations land in the tar, not in the compression.
 */
#ifndef KH_FUZZ_XZ_H
#define KH_FUZZ_XZ_H

#include <assert.h>
#include <lzma.h>
#include <stdint.h>
#include <stdlib.h>

static inline uint8_t *fuzz_xz_compress(const uint8_t *in, size_t len,
					size_t *out_len)
{
	size_t cap = len + len / 2 + 4096, pos = 0;
	uint8_t *out = malloc(cap);

	assert(out);
	assert(lzma_easy_buffer_encode(0, LZMA_CHECK_CRC32, NULL, in, len,
				       out, &pos, cap) == LZMA_OK);
	*out_len = pos;
	return out;
}

#endif /* KH_FUZZ_XZ_H */
