// SPDX-License-Identifier: GPL-2.0
/*
 * fileio.c - whole-file reads and atomic (temporary + rename) writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "fileio.h"

#define OUTFILE_SLOTS 32

/* Temporary paths a signal handler must remove; written before use. */
static char *volatile outfile_registry[OUTFILE_SLOTS];

int kh_read_fd(int fd, const char *name, size_t max, struct kh_buf *out,
	       struct kh_error *err)
{
	struct stat st;
	size_t want;
	ssize_t n;

	if (fstat(fd, &st) < 0)
		return kh_err_sys_at(err, errno, name,
				     "cannot stat '%s'", name);
	want = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536;
	for (;;) {
		if (out->len > max)
			return kh_err_at(err, EFBIG, name,
				      "'%s' is larger than %zu bytes", name, max);
		if (kh_buf_reserve(out, want) < 0)
			return kh_err_sys_at(err, ENOMEM, name,
					     "cannot read '%s'", name);
		n = read(fd, out->data + out->len, out->alloc - out->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return kh_err_sys_at(err, errno, name,
					     "cannot read '%s'", name);
		}
		if (n == 0)
			break;
		kh_buf_setlen(out, out->len + n);
		want = 65536;
	}
	if (out->len > max)
		return kh_err_at(err, EFBIG, name,
				 "'%s' is larger than %zu bytes",
			      name, max);
	return 0;
}

int kh_read_file(const char *path, size_t max, struct kh_buf *out,
		 struct kh_error *err)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kh_err_sys_at(err, errno, path,
				     "cannot open '%s'", path);
	ret = kh_read_fd(fd, path, max, out, err);
	close(fd);
	return ret;
}

static int registry_add(char *tmp)
{
	int i;

	for (i = 0; i < OUTFILE_SLOTS; i++) {
		if (!__atomic_load_n(&outfile_registry[i], __ATOMIC_SEQ_CST)) {
			char *expected = NULL;

			if (__atomic_compare_exchange_n(&outfile_registry[i],
					&expected, tmp, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
				return i;
		}
	}
	return -1;
}

static void registry_del(int slot)
{
	if (slot >= 0)
		__atomic_store_n(&outfile_registry[slot], NULL,
				 __ATOMIC_SEQ_CST);
}

void kh_outfile_cleanup_all(void)
{
	int i;

	for (i = 0; i < OUTFILE_SLOTS; i++) {
		char *tmp = __atomic_load_n(&outfile_registry[i],
					    __ATOMIC_SEQ_CST);

		if (tmp)
			unlink(tmp);
	}
}

static void outfile_release(struct kh_outfile *of)
{
	registry_del(of->slot);
	if (of->fd >= 0)
		close(of->fd);
	free(of->path);
	free(of->tmp);
	of->path = NULL;
	of->tmp = NULL;
	of->fd = -1;
	of->slot = -1;
}

/*
 * The output may replace a regular file or a symbolic link (the link itself,
 * never what it points to), nothing else: renaming over a device node, a
 * FIFO or a socket would destroy what the caller never meant to write.
 */
static int check_replaceable(const char *path, struct kh_error *err)
{
	struct stat st;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 :
			kh_err_sys(err, errno, "cannot inspect output '%s'", path);
	if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode))
		return 0;
	return kh_err(err, EEXIST,
		      "refusing to replace '%s': it exists and is not a regular file",
		      path);
}

int kh_outfile_open(struct kh_outfile *of, const char *path,
		    struct kh_error *err)
{
	const char *base = strrchr(path, '/');
	size_t dirlen = base ? (size_t)(base - path) + 1 : 0;
	sigset_t all, old;
	int ret;

	of->fd = -1;
	of->slot = -1;
	of->tmp = NULL;
	of->path = strdup(path);
	base = base ? base + 1 : path;
	if (!of->path || !*base)
		goto out_inval;
	ret = check_replaceable(path, err);
	if (ret)
		goto out_release;
	if (asprintf(&of->tmp, "%.*s.%s.tmp.XXXXXX", (int)dirlen, path,
		     base) < 0) {
		of->tmp = NULL;
		ret = kh_err_sys_at(err, ENOMEM, path,
				    "cannot write '%s'", path);
		goto out_release;
	}
	/* No signal may see the file created but not yet registered. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	of->fd = mkostemp(of->tmp, O_CLOEXEC);
	if (of->fd >= 0)
		of->slot = registry_add(of->tmp);
	ret = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (of->fd < 0) {
		ret = kh_err_sys_at(err, ret, path,
				    "cannot create output '%s'", path);
		goto out_release;
	}
	return 0;

out_inval:
	ret = kh_err_at(err, EINVAL, path, "invalid output path '%s'", path);
out_release:
	outfile_release(of);
	return ret;
}

int kh_outfile_write(struct kh_outfile *of, const void *data, size_t len,
		     struct kh_error *err)
{
	const char *p = data;
	ssize_t n;

	while (len) {
		n = write(of->fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return kh_err_sys_at(err, errno, of->path,
					     "cannot write '%s'",
					  of->path);
		}
		p += n;
		len -= n;
	}
	return 0;
}

static mode_t current_umask(void)
{
	static mode_t mask = (mode_t)-1;

	if (mask == (mode_t)-1) {
		mask = umask(022);
		umask(mask);
	}
	return mask;
}

static void fsync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	dir = slash ? strndup(path, slash == path ? 1 : slash - path)
		    : strdup(".");
	if (!dir)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int kh_outfile_commit(struct kh_outfile *of, struct kh_error *err)
{
	int ret = 0;

	if (fchmod(of->fd, 0666 & ~current_umask()) < 0 || fsync(of->fd) < 0) {
		ret = kh_err_sys_at(err, errno, of->path,
				    "cannot write '%s'", of->path);
		goto out_abort;
	}
	if (close(of->fd) < 0) {
		of->fd = -1;
		ret = kh_err_sys_at(err, errno, of->path,
				    "cannot write '%s'", of->path);
		goto out_abort;
	}
	of->fd = -1;
	ret = check_replaceable(of->path, err);
	if (ret)
		goto out_abort;
	if (rename(of->tmp, of->path) < 0) {
		ret = kh_err_sys_at(err, errno, of->tmp,
				    "cannot rename '%s' to '%s'",
				 of->tmp, of->path);
		goto out_abort;
	}
	registry_del(of->slot);
	of->slot = -1;
	fsync_parent(of->path);
	outfile_release(of);
	return 0;

out_abort:
	kh_outfile_abort(of);
	return ret;
}

void kh_outfile_abort(struct kh_outfile *of)
{
	if (!of->path)
		return;
	if (of->tmp)
		unlink(of->tmp);
	outfile_release(of);
}

int kh_write_file_atomic(const char *path, const void *data, size_t len,
			 struct kh_error *err)
{
	struct kh_outfile of;
	int ret;

	ret = kh_outfile_open(&of, path, err);
	if (ret)
		return ret;
	ret = kh_outfile_write(&of, data, len, err);
	if (ret) {
		kh_outfile_abort(&of);
		return ret;
	}
	return kh_outfile_commit(&of, err);
}
