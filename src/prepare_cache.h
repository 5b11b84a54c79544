/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prepare_cache.h - the cache behind kh_prepare() (declared in kheaders.h):
 * where its root is, the root opened and locked, entries named by an
 * archive's SHA-256 checked, made, removed and collected.  Exposed for
 * prepare.c, the unit tests and the fuzz harness; every function here
 * works through directory descriptors and never follows a symbolic link
 * below the root.
 */
#ifndef KH_PREPARE_CACHE_H
#define KH_PREPARE_CACHE_H

#include <stdbool.h>
#include <time.h>

#include "kheaders.h"
#include "prepare_marker.h"

#define KH_PREPARE_LOCK		".lock"
#define KH_PREPARE_TMP		".tmp-"
#define KH_PREPARE_TRASH	".trash-"

/*
 * kh_prepare_cache_open() - the cache root @opts names (its cache_dir made
 * absolute, else /var/cache/kheaders for root, else
 * $XDG_CACHE_HOME/kheaders or $HOME/.cache/kheaders), opened with
 * kh_prepare_root_open().  *@rootpath (the caller frees it) is set when a
 * descriptor is returned.
 * Return: a descriptor, or a negative errno value with @err set.
 */
int kh_prepare_cache_open(const struct kh_prepare_opts *opts, bool create,
			  char **rootpath, struct kh_error *err);

/*
 * kh_prepare_root_open() - create (missing parents 0700, the root 0755)
 * and open the cache root @path (absolute), refusing a symbolic link, a
 * root that fails kh_dir_trust(), and a directory above it that another
 * user could change (owned by neither root nor the caller, or writable by
 * group or others without the sticky bit).  With !@create a missing root
 * is -ENOENT.
 * Return: a descriptor, or a negative errno value with @err set.
 */
int kh_prepare_root_open(const char *path, bool create, struct kh_error *err);

/*
 * kh_prepare_lock() - take the owner-only lock file of the root (blocking).
 * Return: its descriptor (close it to unlock), or a negative errno value
 * (-ENOLCK where locks are not supported, by the file system or by a
 * kernel without FILE_LOCKING: go on without).
 */
int kh_prepare_lock(int rootfd, struct kh_error *err);

/*
 * kh_prepare_entry_check() - whether entry @name of the root open at
 * @rootfd is valid: a real directory that passes kh_dir_trust(), holding a
 * marker that names @name and whose manifest matches the tree.  @m
 * receives the marker.
 * Return: 0 valid; -ENOENT absent; -EUCLEAN damaged or foreign, with @why;
 * another negative errno value.
 */
int kh_prepare_entry_check(int rootfd, const char *name,
			   struct kh_prepare_marker *m, char *why);

/*
 * kh_prepare_entry_remove() - move @name of the root aside into a private
 * directory, then delete it there, never following a link.
 * Return: 0, -ENOENT when it is already gone, or a negative errno value.
 */
int kh_prepare_entry_remove(int rootfd, const char *rootpath,
			    const char *name, struct kh_error *err);

/*
 * kh_prepare_entry_create() - unpack @xz (kh_unpack_at()) into a private
 * temporary directory of the root, write the marker (@m: @sha256 and the
 * source fields set by the caller; manifest and arch filled here) and
 * rename it to @m->sha256.
 * Return: 0; -EEXIST when another entry of that name won the rename (the
 * caller checks it); -ENOTDIR when a non-directory is in the way; another
 * negative errno value with @err set.  The temporary directory never
 * outlives a failure.
 */
int kh_prepare_entry_create(int rootfd, const char *rootpath,
			    const void *xz, size_t len,
			    const struct kh_unpack_opts *uopts,
			    struct kh_prepare_marker *m, struct kh_error *err);

/*
 * struct kh_prepare_fill - what kh_prepare_entry_create_filled() adds to
 * an entry after unpacking and before sealing it: @fn is called with the
 * entry's descriptor and path (the private temporary directory) and @ctx.
 */
struct kh_prepare_fill {
	int (*fn)(int efd, const char *path, void *ctx, struct kh_error *err);
	void *ctx;
};

/*
 * kh_prepare_entry_create_filled() - kh_prepare_entry_create() with
 * @fill (NULL: none) run on the unpacked tree before the seal, so the
 * manifest covers what it made.
 */
int kh_prepare_entry_create_filled(int rootfd, const char *rootpath,
				   const void *xz, size_t len,
				   const struct kh_unpack_opts *uopts,
				   const struct kh_prepare_fill *fill,
				   struct kh_prepare_marker *m,
				   struct kh_error *err);

/*
 * struct kh_prepare_made - how kh_prepare_entry_make() went.
 * @unpacked: this call made the entry
 * @replaced: a damaged or foreign entry of that name was replaced
 * @found: the marker of the valid entry
 */
struct kh_prepare_made {
	bool unpacked;
	bool replaced;
	struct kh_prepare_marker found;
};

/*
 * kh_prepare_entry_make() - make entry @m->sha256 of the root valid: reuse
 * it, or (under the root's lock) move a damaged one aside and create it
 * from @xz with @fill; a rename lost to another caller's entry is followed
 * by a check of the winner.  @o gets the notes.
 * Return: 0, or a negative errno value with @err set.
 */
int kh_prepare_entry_make(const struct kh_prepare_opts *o, int rootfd,
			  const char *rootpath, const struct kh_buf *xz,
			  const struct kh_prepare_fill *fill,
			  struct kh_prepare_marker *m,
			  struct kh_prepare_made *made, struct kh_error *err);

/*
 * kh_prepare_remove_stale() - remove temporary and trash directories of
 * the root older than @age seconds (left by a killed caller).
 */
void kh_prepare_remove_stale(int rootfd, time_t age);

/*
 * kh_prepare_cache_gc() - remove every valid entry of the root for which
 * @keep (called with @ctx) returns 0; entries that are damaged or not
 * named like entries are counted as foreign and left alone.  @opts gets
 * the notes.  Return: 0, or a negative errno value with @err set.
 */
int kh_prepare_cache_gc(int rootfd, const char *rootpath,
			const struct kh_prepare_opts *opts,
			int (*keep)(const char *name,
				    const struct kh_prepare_marker *m,
				    void *ctx, struct kh_error *err),
			void *ctx, struct kh_prepare_gc_result *res,
			struct kh_error *err);

#endif /* KH_PREPARE_CACHE_H */
