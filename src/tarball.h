/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tarball.h - serialising entries into a deterministic tar stream with
 * libarchive (pax-restricted: plain ustar headers unless a name does not
 * fit, so busybox and toybox tar can unpack it).
 */
#ifndef KH_TARBALL_H
#define KH_TARBALL_H

#include <stdbool.h>
#include <stdint.h>

#include "kheaders.h"

enum kh_tar_type {
	KH_TAR_FILE,
	KH_TAR_DIR,
	KH_TAR_SYMLINK,
};

struct kh_tar_entry {
	const char *name;	/* stored name: "./include/x.h", "./include/" */
	enum kh_tar_type type;
	const void *data;	/* file contents */
	size_t size;
	const char *link;	/* symlink target */
	bool exec;		/* a file with mode 0755 (a script) */
};

/*
 * kh_tar_write() - append the tar stream of @nr entries to @out.
 * Every entry gets owner 0:0 without names, mode 0644 (files; 0755 when
 * @exec), 0755 (directories) or 0777 (links), and @mtime.
 * @offsets: if not NULL, @nr + 1 slots: where each entry starts in @out
 *	(relative to @out's length on entry); the last is the end-of-archive
 *	marker's start.
 */
int kh_tar_write(const struct kh_tar_entry *entries, size_t nr, int64_t mtime,
		 struct kh_buf *out, size_t *offsets, struct kh_error *err);

#endif /* KH_TARBALL_H */
