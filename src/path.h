/* SPDX-License-Identifier: GPL-2.0 */
/*
 * path.h - the one path module: archive and tree paths taken apart
 * component by component, lexically, never touching the file system.
 * The safe unpacker's refusals ("..", absolute paths, links that climb
 * out), the collector's link targets and list files, the name keys of
 * listings and diffs, and prepare's absolute cache root all rest on
 * kh_path_next(); tree paths are joined here too.
 */
#ifndef KH_PATH_H
#define KH_PATH_H

#include <stdbool.h>
#include <stddef.h>

#include "kheaders.h"

#define KH_PATH_MAX_DEPTH 64

/* One component of a '/'-separated path: @len bytes at @name, no NUL. */
struct kh_path_comp {
	const char *name;
	size_t len;
};

/*
 * kh_path_next() - take the next component off *@rest (start with the
 * path; NULL after the last).  Empty components (from "//" or a trailing
 * '/') are returned too: kh_path_comp_self() is true for them.
 * Return: false when there is none left.
 */
bool kh_path_next(const char **rest, struct kh_path_comp *c);

/* kh_path_comp_self() - @c is empty or ".": it names where it stands. */
bool kh_path_comp_self(const struct kh_path_comp *c);

/* kh_path_comp_up() - @c is "..". */
bool kh_path_comp_up(const struct kh_path_comp *c);

/*
 * kh_path_normalize() - fold "." and ".." of a relative path in place.
 * Return: false if it climbs above its start or is absolute.
 */
bool kh_path_normalize(char *path);

/*
 * kh_path_link_target() - the lexical target of the relative symbolic
 * link @target stored at @name, as a normalized path from the same top
 * (malloc'd); NULL for an absolute target, one that climbs above the top,
 * or no memory.
 */
char *kh_path_link_target(const char *name, const char *target);

/*
 * kh_name_key() - the part of @name that identifies an entry: leading
 * "./" (and "/") removed, trailing "/" dropped.  Returns a pointer into
 * @name and stores the key's length in @len; "./" gives the empty key.
 */
const char *kh_name_key(const char *name, size_t *len);

/*
 * kh_path_join() - "@dir/@name" exactly (malloc'd; NULL without memory):
 * the one way a tree path is made of a directory and a name below it.
 */
char *kh_path_join(const char *dir, const char *name);

/*
 * kh_path_absolute() - @path as an absolute path: taken from @dir when
 * relative, with empty and "." components dropped and ".." folded
 * lexically ("/.." is "/"); malloc'd, NULL without memory.
 */
char *kh_path_absolute(const char *dir, const char *path);

/* A path split into at most KH_PATH_MAX_DEPTH components. */
struct kh_path {
	char *buf;			/* owned copy, '\0' after each component */
	const char *comp[KH_PATH_MAX_DEPTH];
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

/* kh_path_prefix() - the first @n components of @p joined by '/' (malloc'd). */
char *kh_path_prefix(const struct kh_path *p, unsigned int n);

/*
 * kh_link_target_inside() - whether symbolic link @target, placed at the
 * split path @link, resolves lexically inside the top directory (never
 * absolute, never climbing above the top).
 */
bool kh_link_target_inside(const struct kh_path *link, const char *target,
			   const char **why);

#endif /* KH_PATH_H */
