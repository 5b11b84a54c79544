// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_scan.c - any bytes for the pieces of the image scanner: the ELF
 * symbol lookup, the IKHD_ST/IKHD_ED marker search with its xz check, the
 * xz magic finder and the tar probes.  Invariants: every span returned
 * lies inside the input; markers frame what they claim to; the finder
 * stops on a real magic.
 */
#include <assert.h>
#include <string.h>

#include "scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifdef KH_FUZZ_FAST
#define MAX_DECODED (16u << 20)
#else
#define MAX_DECODED (64u << 20)
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
	static struct kh_error why;
	struct kh_span span;
	size_t at;

	if (!kh_scan_elf_symbols(data, size, &span, &why))
		assert(span.off <= size && span.len <= size - span.off);
	if (!kh_scan_markers(data, size, MAX_DECODED, NULL, &span, &why)) {
		assert(span.off >= KH_MARK_LEN && span.off <= size);
		assert(span.len <= size - span.off);
		assert(!memcmp(data + span.off - KH_MARK_LEN, KH_MARK_START,
			       KH_MARK_LEN));
		assert(size - span.off - span.len >= KH_MARK_LEN);
		assert(!memcmp(data + span.off + span.len, KH_MARK_END,
			       KH_MARK_LEN));
		assert(!kh_xz_span_valid(data, &span, MAX_DECODED, NULL, &why));
	}
	for (at = kh_xz_find(data, size, 0); at < size;
	     at = kh_xz_find(data, size, at + 1)) {
		assert(size - at >= 6 && !memcmp(data + at, xz_magic, 6));
	}
	(void)kh_tar_looks_like(data, size);
	(void)kh_tar_has_headers(data, size);
	return 0;
}
