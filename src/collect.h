/* SPDX-License-Identifier: GPL-2.0 */
/*
 * collect.h - deciding which files go into the archive.
 *
 * From the source tree: every *.h under include/ and arch/$SRCARCH/include/
 * except their generated/ directories.  From the object tree: every *.h
 * under include/generated/ and arch/$SRCARCH/include/generated/ except
 * include/generated/utsversion.h.  Module.symvers never.  The object tree
 * wins when both hold a path.  The modules profile adds the kit of kit.h.
 * The whole list is snapshotted (with each file's stat) before any file is
 * read.
 */
#ifndef KH_COLLECT_H
#define KH_COLLECT_H

#include <stdbool.h>
#include <sys/stat.h>

#include "kheaders.h"

struct kh_source {
	char *name;	/* archive path without "./": "include/linux/x.h" */
	char *path;	/* where to read it */
	char *link;	/* symlink target stored as is, or NULL for a file */
	struct stat st;	/* lstat for links, stat of the file otherwise */
	bool from_objtree;
	bool kit;	/* the modules profile's kit: stored as is, mode kept */
};

struct kh_source_list {
	struct kh_source *v;
	size_t nr, alloc;
	char **deps;	/* directories walked and list files read */
	size_t nr_deps, alloc_deps;
	size_t nr_src, nr_obj, nr_overridden, nr_skipped;
	size_t nr_kit, nr_binaries;	/* kit files; host binaries left out */
};

void kh_source_list_init(struct kh_source_list *list);
void kh_source_list_release(struct kh_source_list *list);

/*
 * kh_collect() - snapshot the list of files to archive, sorted by name.
 * @opts: trees, architecture, profile and optional list files
 * @list: filled on success; the caller releases it
 */
int kh_collect(const struct kh_build_opts *opts, struct kh_source_list *list,
	       struct kh_error *err);

/**
 * kh_build_watch_paths() - the directories whose appearance or change
 * would change what kh_build() collects although no file it read did:
 * the roots of the trees it walks (the one definition kh_collect() uses),
 * where the object tree's generated directories appear, and for the
 * modules profile every root of the kit (kit.h), a file that may appear
 * later included.  The manifest
 * records them beside the build's own inputs.
 * @opts: as for kh_build()
 * @paths: receives a malloc'd array of malloc'd paths (none in hermetic
 *	mode, with list files); free with kh_build_watch_paths_free()
 * @nr: receives their number
 *
 * Return: 0 or -ENOMEM.
 */
int kh_build_watch_paths(const struct kh_build_opts *opts, char ***paths,
			 size_t *nr);

/* kh_build_watch_paths_free() - free what kh_build_watch_paths() gave. */
void kh_build_watch_paths_free(char **paths, size_t nr);

#endif /* KH_COLLECT_H */
