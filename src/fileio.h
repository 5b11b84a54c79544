/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fileio.h - reading whole files and writing outputs atomically.
 *
 * Outputs are written to a temporary file beside the destination, fsync'd
 * and renamed over it, so a failure (or a signal, through
 * kh_outfile_cleanup_all()) never leaves a partial output and never destroys
 * the previous good one.
 */
#ifndef KH_FILEIO_H
#define KH_FILEIO_H

#include <sys/types.h>

#include "kheaders.h"

/*
 * kh_read_file() - read all of @path into @out (appended).
 * Reads through a single open descriptor; fails with EFBIG over @max bytes.
 */
int kh_read_file(const char *path, size_t max, struct kh_buf *out,
		 struct kh_error *err);

/* kh_read_fd() - read all of @fd into @out; @name is for messages only. */
int kh_read_fd(int fd, const char *name, size_t max, struct kh_buf *out,
	       struct kh_error *err);

struct kh_outfile {
	char *path;	/* destination, owned */
	char *tmp;	/* temporary file beside it, owned */
	int fd;
	int slot;	/* index in the signal-cleanup registry, or -1 */
};

/* kh_outfile_open() - create the temporary file for @path. */
int kh_outfile_open(struct kh_outfile *of, const char *path,
		    struct kh_error *err);
int kh_outfile_write(struct kh_outfile *of, const void *data, size_t len,
		     struct kh_error *err);
/*
 * kh_outfile_commit() - fsync, give the file mode 0666 & ~umask, rename it
 * over the destination and fsync the directory.  On failure the temporary
 * file is removed; in every case @of is released.
 */
int kh_outfile_commit(struct kh_outfile *of, struct kh_error *err);
/* kh_outfile_abort() - remove the temporary file and release @of. */
void kh_outfile_abort(struct kh_outfile *of);

/* kh_write_file_atomic() - open, write @len bytes, commit. */
int kh_write_file_atomic(const char *path, const void *data, size_t len,
			 struct kh_error *err);

/*
 * kh_outfile_cleanup_all() - unlink every temporary file still open.
 * Async-signal-safe: meant for a SIGINT/SIGTERM handler.
 */
void kh_outfile_cleanup_all(void);

#endif /* KH_FILEIO_H */
