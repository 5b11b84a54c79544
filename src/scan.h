/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scan.h - locating the headers archive inside a buffer: through the ELF
 * symbol table (kernel_headers_data .. kernel_headers_data_end), through the
 * IKHD_ST/IKHD_ED markers, and by checking xz streams for a tar of headers.
 * Buffers in, spans out; every offset read from the input is bounds-checked.
 * Reasons for not finding anything go to @why (a short phrase, no path).
 */
#ifndef KH_SCAN_H
#define KH_SCAN_H

#include <stdbool.h>

#include "kheaders.h"
#include "xzread.h"

#define KH_SYM_START "kernel_headers_data"
#define KH_SYM_END "kernel_headers_data_end"
#define KH_MARK_START "IKHD_ST"
#define KH_MARK_END "IKHD_ED"
#define KH_MARK_LEN 7

/* A byte range of the scanned buffer. */
struct kh_span {
	size_t off;
	size_t len;
};

/*
 * kh_scan_elf_symbols() - find kernel_headers_data and _end in the symbol
 * table of the ELF file in @data (32 or 64-bit, either byte order) and map
 * them to file offsets through the section headers.
 * Return: 0 and *@found; -ENOENT when @data is not ELF or has no such
 * symbols; -EINVAL when the ELF file or the symbols are malformed.
 */
int kh_scan_elf_symbols(const uint8_t *data, size_t len,
			struct kh_span *found, struct kh_error *why);

/*
 * kh_xz_span_valid() - @span holds exactly one xz stream, optionally
 * followed by xz stream padding (zero bytes, a multiple of four).
 */
int kh_xz_span_valid(const uint8_t *data, const struct kh_span *span,
		     uint64_t max_decoded, struct kh_xz_budget *budget,
		     struct kh_error *why);

/*
 * kh_scan_markers() - find "IKHD_ST" immediately followed by a valid xz
 * stream immediately followed by "IKHD_ED", searching from @from.
 * Every candidate counts against @budget (NULL: none).
 * Return: 0 and *@found (the xz stream, markers excluded); -ENOENT; -EFBIG
 * when @budget is spent (the search must stop).
 */
int kh_scan_markers(const uint8_t *data, size_t len, uint64_t max_decoded,
		    struct kh_xz_budget *budget, struct kh_span *found,
		    struct kh_error *why);

/* kh_tar_looks_like() - @tar starts with a ustar (POSIX or GNU) header. */
bool kh_tar_looks_like(const uint8_t *tar, size_t len);

/*
 * kh_tar_has_headers() - @tar is a tar archive with an entry under
 * include/ (or ./include/), as every headers archive has.
 */
bool kh_tar_has_headers(const uint8_t *tar, size_t len);

#endif /* KH_SCAN_H */
