/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tarread.h - the one libarchive opener: a tar reader over a tar.xz (or a
 * plain tar) in memory.  The xz layer is the library's own reader
 * (xzread.h), so every decoded byte is counted in one place; libarchive
 * parses the tar.  Every libarchive return code is checked here.
 */
#ifndef KH_TARREAD_H
#define KH_TARREAD_H

#include "kheaders.h"
#include "xzread.h"

struct archive;

/*
 * struct kh_tar_reader - caller owned; kh_tar_open(), then libarchive's
 * archive_read_next_header()/archive_read_data*() on @ar, then
 * kh_tar_close() (also after a failed open).
 */
struct kh_tar_reader {
	struct archive *ar;
	struct kh_xz_reader xz;
	uint8_t *chunk;
	struct kh_error why;	/* the xz layer's last failure */
};

/*
 * kh_tar_open() - start reading the tar in the @len bytes at @data, an xz
 * stream (or several) or a plain tar.
 * @budget: the command's decoding budget, or NULL
 * @why: on failure, the bare reason (for the caller's context)
 * Return: 0, -ENOMEM, -EINVAL (libarchive refused to start).
 */
int kh_tar_open(struct kh_tar_reader *t, const void *data, size_t len,
		struct kh_xz_budget *budget, struct kh_error *why);

/*
 * kh_tar_why() - the reason of libarchive's last failure on @t: the xz
 * layer's own words when decoding failed; fills @why and returns its
 * negative code (-ENOMEM or -EINVAL).
 */
int kh_tar_why(struct kh_tar_reader *t, struct kh_error *why);

/* kh_tar_close() - free everything kh_tar_open() set up. */
void kh_tar_close(struct kh_tar_reader *t);

#endif /* KH_TARREAD_H */
