/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fileio.h - outputs written atomically: a temporary file beside the
 * destination, fsync'd and renamed over it on commit, so a failure (or a
 * signal, through kh_outfile_cleanup_all()) never leaves a partial output
 * and never destroys the previous good one.  Whole-file reads and
 * kh_write_file_atomic() are public (kheaders.h).
 */
#ifndef KH_FILEIO_H
#define KH_FILEIO_H

#include "kheaders.h"

/*
 * struct kh_outfile - an output being written.  Zero-initialise it.
 * @path: destination, owned
 * @tmp: temporary file beside it, owned
 * @fd: open on @tmp (the caller may fstat() or futimens() it)
 * @slot: index in the signal-cleanup registry, or -1
 */
struct kh_outfile {
	char *path;
	char *tmp;
	int fd;
	int slot;
};

/*
 * kh_outfile_open() - create the temporary file for @path, refusing to
 * replace anything but a regular file or a symbolic link.
 * Return: 0 or -errno; on failure @of is released.
 */
int kh_outfile_open(struct kh_outfile *of, const char *path,
		    struct kh_error *err);

/* kh_outfile_write() - append @len bytes.  Return: 0 or -errno. */
int kh_outfile_write(struct kh_outfile *of, const void *data, size_t len,
		     struct kh_error *err);

/*
 * kh_outfile_commit() - fsync, give the file mode 0666 & ~umask, rename it
 * over the destination and fsync the directory.  On failure the temporary
 * file is removed; in every case @of is released.  Return: 0 or -errno.
 */
int kh_outfile_commit(struct kh_outfile *of, struct kh_error *err);

/*
 * kh_outfile_abort() - remove the temporary file and release @of; nothing
 * when @of holds no file (never opened, or already committed or aborted).
 */
void kh_outfile_abort(struct kh_outfile *of);

#endif /* KH_FILEIO_H */
