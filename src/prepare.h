/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prepare.h - the cache behind kh_prepare() (declared in kheaders.h):
 * the cache root, entries named by an archive's SHA-256, their completion
 * marker and manifest.  Exposed for prepare.c, the unit tests and the fuzz
 * harness; every function here works through directory descriptors and
 * never follows a symbolic link below the root.
 */
#ifndef KH_PREPARE_H
#define KH_PREPARE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "kheaders.h"

#define KH_PREPARE_MARKER	".kheaders-prepared"
#define KH_PREPARE_MAGIC	"kheaders-prepare 1"
#define KH_PREPARE_LOCK		".lock"
#define KH_PREPARE_TMP		".tmp-"
#define KH_PREPARE_TRASH	".trash-"
#define KH_PREPARE_WHY_MAX	512
#define KH_PREPARE_MARKER_MAX	8192

/*
 * struct kh_prepare_marker - the completion marker, written last into an
 * entry before it is renamed into place.
 * @sha256: the archive's SHA-256 (the entry's name)
 * @manifest: SHA-256 over every path, type and size below the entry
 *	(marker excluded), in bytewise order; @entries and @bytes with it
 * @arch: the directory under arch/ with the headers, "" when none
 * @from: the source (enum kh_prepare_from)
 * @source: the file the archive was read from
 * @have_stat: @src_* hold that file's identity when it was read
 */
struct kh_prepare_marker {
	char sha256[65];
	char manifest[65];
	uint64_t entries;
	uint64_t bytes;
	char arch[64];
	int from;
	char source[4096];
	bool have_stat;
	uint64_t src_dev, src_ino, src_size;
	int64_t src_mtime_ns;
};

/* kh_prepare_name_valid() - @name is 64 lowercase hex digits. */
bool kh_prepare_name_valid(const char *name);

/*
 * kh_prepare_marker_parse() - parse @len bytes of marker text (no NUL
 * needed).  Return: 0, or -EINVAL with *@why set.
 */
int kh_prepare_marker_parse(const char *text, size_t len,
			    struct kh_prepare_marker *m, const char **why);

/* kh_prepare_marker_format() - append the text of @m to @out; 0/-ENOMEM. */
int kh_prepare_marker_format(const struct kh_prepare_marker *m,
			     struct kh_buf *out);

/*
 * kh_prepare_manifest() - walk the tree open at @dfd (the marker at its
 * top skipped) and fill @m's manifest, entries and bytes.  Every node must
 * be owned by @uid, be a directory, regular file or symbolic link, and not
 * be writable by group or others (links excepted).
 * Return: 0; -EUCLEAN with @why (KH_PREPARE_WHY_MAX bytes) saying what is
 * wrong; -ENOMEM.
 */
int kh_prepare_manifest(int dfd, uid_t uid, struct kh_prepare_marker *m,
			char *why);

/*
 * kh_prepare_entry_check() - whether entry @name of the root open at
 * @rootfd is valid: a real directory owned by the caller, not writable by
 * group or others, holding a marker that names @name and whose manifest
 * matches the tree.  @m receives the marker.
 * Return: 0 valid; -ENOENT absent; -EUCLEAN damaged or foreign, with @why;
 * another negative errno value.
 */
int kh_prepare_entry_check(int rootfd, const char *name,
			   struct kh_prepare_marker *m, char *why);

/*
 * kh_prepare_root_open() - create (missing parents 0700, the root 0755)
 * and open the cache root @path (absolute), refusing a symbolic link, a
 * root not owned by the caller or writable by group or others, and a
 * directory above it that another user could change (owned by neither
 * root nor the caller, or writable by group or others without the sticky
 * bit).  With !@create a missing root is -ENOENT.
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
 * kh_prepare_entry_remove() - move @name of the root aside into a private
 * directory, then delete it there, never following a link.
 * Return: 0, -ENOENT when it is already gone, or a negative errno value.
 */
int kh_prepare_entry_remove(int rootfd, const char *rootpath,
			    const char *name, struct kh_error *err);

/*
 * kh_prepare_entry_create() - unpack @xz into a private temporary
 * directory of the root, write the marker (@m: @sha256 and the source
 * fields set by the caller; manifest and arch filled here) and rename it
 * to @m->sha256.
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
 * kh_prepare_remove_stale() - remove temporary and trash directories of
 * the root older than @age seconds (left by a killed caller).
 */
void kh_prepare_remove_stale(int rootfd, time_t age);

#endif /* KH_PREPARE_H */
