/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prepare_source.h - where kh_prepare() finds the running kernel's headers
 * archive (the sysfs file, the module loaded and unloaded again, the boot
 * image or module file on disk, a file named by the caller), and which
 * archives the installed kernels hold, for kh_prepare_gc().
 */
#ifndef KH_PREPARE_SOURCE_H
#define KH_PREPARE_SOURCE_H

#include <stdbool.h>

#include "kheaders.h"
#include "prepare_marker.h"

/*
 * struct kh_prepare_source - the search for one archive.
 * @o: the caller's options
 * @root: the system root to look under, "" for "/"
 * @release: the kernel release looked for
 * @tried: what was tried, for the error
 * @xz: the archive found
 * @m: its source fields (and sha256 when @valid), for the marker
 * @rootfd: the cache root, to recognise the bytes of a valid entry
 * @valid: @m.sha256 names a valid entry, sealed with @found
 */
struct kh_prepare_source {
	const struct kh_prepare_opts *o;
	const char *root;
	char release[256];
	struct kh_buf tried;
	struct kh_buf xz;
	struct kh_prepare_marker m;
	int rootfd;
	bool valid;
	struct kh_prepare_marker found;
};

/*
 * kh_prepare_source_init() - start a search with @o (the release from
 * uname() unless @o names one).  Release with kh_prepare_source_release()
 * in every case.  Return: 0, or a negative errno value with @err set.
 */
int kh_prepare_source_init(struct kh_prepare_source *s,
			   const struct kh_prepare_opts *o, int rootfd,
			   struct kh_error *err);
void kh_prepare_source_release(struct kh_prepare_source *s);

/*
 * kh_prepare_source_find() - find the archive @s->o asks for, into @s->xz
 * (or, when its bytes are those of a valid cache entry, set @s->valid).
 * Return: 0; -ENOENT naming everything tried; another negative errno value.
 */
int kh_prepare_source_find(struct kh_prepare_source *s, struct kh_error *err);

/*
 * struct kh_prepare_installed - the SHA-256 of every installed kernel's
 * archive, read once when first needed.
 */
struct kh_prepare_installed {
	const struct kh_prepare_source *src;
	char (*sha)[65];
	size_t nr, alloc;
	bool known;		/* every installed kernel has been read */
};

/*
 * kh_prepare_installed_init() - start with the running kernel's archive
 * (the sysfs file) when there is one.  Release with
 * kh_prepare_installed_release() in every case.
 */
int kh_prepare_installed_init(struct kh_prepare_installed *in,
			      const struct kh_prepare_source *src,
			      struct kh_error *err);
void kh_prepare_installed_release(struct kh_prepare_installed *in);

/*
 * kh_prepare_installed_keep() - whether the cache entry @name sealed with
 * @m is still wanted: an installed kernel has its archive, or the file it
 * came from is unchanged.  @ctx is a struct kh_prepare_installed.
 * Return: 1 keep, 0 not, or a negative errno value with @err set.
 */
int kh_prepare_installed_keep(const char *name,
			      const struct kh_prepare_marker *m, void *ctx,
			      struct kh_error *err);

#endif /* KH_PREPARE_SOURCE_H */
