/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unpack.h - the unpacker's entry for a caller that already holds the
 * directory: prepare's cache unpacks into the temporary directory it made
 * and keeps its descriptor.  kh_unpack_to_dir() (kheaders.h) is this with
 * the directory opened (or created) by path.
 */
#ifndef KH_UNPACK_H
#define KH_UNPACK_H

#include <stddef.h>

#include "kheaders.h"

/*
 * kh_unpack_at() - unpack @xz into the directory open at @dfd (the
 * caller's; it stays open), refusing it unless it passes kh_dir_trust().
 * @dir names it in messages only.  On failure what was written stays: the
 * caller removes it (kh_dir_empty_at(), kh_dir_remove_tree_at()).
 * Return: 0, or a negative errno value with @err set.
 */
int kh_unpack_at(int dfd, const char *dir, const void *xz, size_t len,
		 const struct kh_unpack_opts *opts, struct kh_error *err);

#endif /* KH_UNPACK_H */
