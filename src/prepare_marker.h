/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prepare_marker.h - the seal of a cache entry of kh_prepare(): the
 * completion marker (its text, reading and writing it) and the manifest
 * of the tree it records.  Exposed for the cache (prepare_cache.c), the
 * unit tests and the fuzz harness.
 */
#ifndef KH_PREPARE_MARKER_H
#define KH_PREPARE_MARKER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "kheaders.h"

#define KH_PREPARE_MARKER	".kheaders-prepared"
#define KH_PREPARE_MAGIC	"kheaders-prepare 1"
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

/*
 * kh_prepare_marker_source() - record in @m where an entry came from, for
 * gc: @from, @path, and @st's identity (NULL: none, e.g. standard input).
 */
void kh_prepare_marker_source(struct kh_prepare_marker *m, const char *path,
			      int from, const struct stat *st);

/* kh_prepare_name_valid() - @name is 64 lowercase hex digits. */
bool kh_prepare_name_valid(const char *name);

/* kh_prepare_arch_valid() - @s can be a marker's arch: [a-z0-9_-]{1,63}. */
bool kh_prepare_arch_valid(const char *s);

/*
 * kh_prepare_damaged() - write why an entry is damaged into @why
 * (KH_PREPARE_WHY_MAX bytes).  Return: -EUCLEAN.
 */
int kh_prepare_damaged(char *why, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

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
 * kh_prepare_marker_read() - read and parse the marker of the entry open
 * at @efd, a plain file that passes kh_dir_trust().
 * Return: 0; -EUCLEAN with @why.
 */
int kh_prepare_marker_read(int efd, struct kh_prepare_marker *m, char *why);

/*
 * kh_prepare_marker_write() - write @m as the marker of the entry open at
 * @efd (@path names it in messages), synced.
 * Return: 0, or a negative errno value with @err set.
 */
int kh_prepare_marker_write(int efd, const struct kh_prepare_marker *m,
			    const char *path, struct kh_error *err);

/*
 * kh_prepare_manifest() - walk the tree open at @dfd (the marker at its
 * top skipped) and fill @m's manifest, entries and bytes.  Every node must
 * be a directory, regular file or symbolic link and (links excepted) pass
 * kh_dir_trust().
 * Return: 0; -EUCLEAN with @why (KH_PREPARE_WHY_MAX bytes) saying what is
 * wrong; -ENOMEM.
 */
int kh_prepare_manifest(int dfd, struct kh_prepare_marker *m, char *why);

/*
 * kh_prepare_manifest_check() - the tree open at @efd still has the
 * manifest @m was sealed with.  Return: 0; -EUCLEAN with @why; -ENOMEM.
 */
int kh_prepare_manifest_check(int efd, const struct kh_prepare_marker *m,
			      char *why);

#endif /* KH_PREPARE_MARKER_H */
