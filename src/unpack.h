/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unpack.h - the lexical checks behind kh_unpack_to_dir() (declared in
 * kheaders.h), exposed for the unit tests.
 */
#ifndef KH_UNPACK_H
#define KH_UNPACK_H

#include <stdbool.h>

#include "kheaders.h"

#define KH_UNPACK_MAX_DEPTH 64

/* A path split into at most KH_UNPACK_MAX_DEPTH components. */
struct kh_path {
	char *buf;			/* owned copy, '\0' between components */
	const char *comp[KH_UNPACK_MAX_DEPTH];
	unsigned int n;
};

/*
 * kh_path_split() - split an archive path, dropping empty and "."
 * components.  Return: 0; -EPERM with *@why set for an absolute path, a
 * ".." component or too many components; -ENOMEM.  Release with
 * kh_path_release() in every case.
 */
int kh_path_split(struct kh_path *p, const char *path, const char **why);
void kh_path_release(struct kh_path *p);

/*
 * kh_link_target_inside() - whether symbolic link @target, placed at the
 * split path @link, resolves lexically inside the unpack directory (never
 * absolute, never climbing above the top).
 */
bool kh_link_target_inside(const struct kh_path *link, const char *target,
			   const char **why);

#endif /* KH_UNPACK_H */
