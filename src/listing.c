// SPDX-License-Identifier: GPL-2.0
/*
 * listing.c - walking a header set entry by entry: the members of a tar.xz
 * held in memory (read with libarchive, contents decompressed only when
 * asked for) or the files under an unpacked directory tree (in bytewise
 * name order, links never followed), both seen as struct kh_entry.  Also
 * the quoting of entry names for text and JSON output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "dir.h"
#include "error.h"
#include "util.h"
#include "listing.h"
#include "tarread.h"

#define LISTING_CHUNK	65536
#define LISTING_DEPTH	256

static const char *const type_names[] = {
	[KH_ENTRY_FILE] = "file",
	[KH_ENTRY_DIR] = "dir",
	[KH_ENTRY_SYMLINK] = "symlink",
	[KH_ENTRY_HARDLINK] = "hardlink",
	[KH_ENTRY_CHAR] = "char",
	[KH_ENTRY_BLOCK] = "block",
	[KH_ENTRY_FIFO] = "fifo",
	[KH_ENTRY_SOCKET] = "socket",
};

const char *kh_entry_type_name(enum kh_entry_type type)
{
	if ((unsigned int)type >= ARRAY_SIZE(type_names))
		return "unknown";
	return type_names[type];
}

/* ---- archives ---------------------------------------------------------- */

static int listing_ar_error(struct kh_tar_reader *t, const char *name,
			    struct kh_error *err)
{
	struct kh_error why;
	int ret = kh_tar_why(t, &why);

	return kh_err_at(err, -ret, name,
			 "'%s': corrupt or truncated archive: %s",
		      name, why.msg);
}

static enum kh_entry_type listing_ar_type(struct archive_entry *ae)
{
	if (archive_entry_hardlink(ae))
		return KH_ENTRY_HARDLINK;
	switch (archive_entry_filetype(ae)) {
	case AE_IFDIR:
		return KH_ENTRY_DIR;
	case AE_IFLNK:
		return KH_ENTRY_SYMLINK;
	case AE_IFCHR:
		return KH_ENTRY_CHAR;
	case AE_IFBLK:
		return KH_ENTRY_BLOCK;
	case AE_IFIFO:
		return KH_ENTRY_FIFO;
	case AE_IFSOCK:
		return KH_ENTRY_SOCKET;
	default:
		return KH_ENTRY_FILE;
	}
}

static const char *listing_ar_name(struct archive_entry *ae)
{
	const char *s = archive_entry_pathname(ae);

	return s ? s : archive_entry_pathname_utf8(ae);
}

static const char *listing_ar_link(struct archive_entry *ae,
				   enum kh_entry_type type)
{
	if (type == KH_ENTRY_HARDLINK)
		return archive_entry_hardlink(ae);
	if (type == KH_ENTRY_SYMLINK) {
		const char *s = archive_entry_symlink(ae);

		return s ? s : "";
	}
	return NULL;
}

static void listing_ar_entry(struct archive_entry *ae, struct kh_entry *e)
{
	e->type = listing_ar_type(ae);
	e->mode = archive_entry_perm(ae) & 07777;
	e->uid = archive_entry_uid(ae);
	e->gid = archive_entry_gid(ae);
	e->size = e->type == KH_ENTRY_FILE ? archive_entry_size(ae) : 0;
	e->mtime = archive_entry_mtime(ae);
	e->link = listing_ar_link(ae, e->type);
}

int kh_archive_foreach(const void *xz, size_t len, const char *name,
		       int (*fn)(const struct kh_entry *e, void *ctx),
		       void *ctx, struct kh_error *err)
{
	struct kh_entry_src src = { .label = name };
	struct archive_entry *ae;
	struct kh_tar_reader t;
	struct kh_error why;
	struct kh_entry e;
	int ret, r;

	ret = kh_tar_open(&t, xz, len, NULL, &why);
	if (ret) {
		kh_tar_close(&t);
		return kh_err_at(err, -ret, name,
				 "'%s': corrupt or truncated archive: %s",
			      name, why.msg);
	}
	src.ar = t.ar;
	for (;;) {
		r = archive_read_next_header(src.ar, &ae);
		if (r == ARCHIVE_EOF) {
			ret = 0;
			break;
		}
		if (r < ARCHIVE_WARN) {
			ret = listing_ar_error(&t, name, err);
			break;
		}
		memset(&e, 0, sizeof(e));
		e.name = listing_ar_name(ae);
		if (!e.name) {
			ret = kh_err_at(err, EINVAL, name,
					"'%s': entry without a name",
				     name);
			break;
		}
		listing_ar_entry(ae, &e);
		e.src = &src;
		ret = fn(&e, ctx);
		if (ret)
			break;
	}
	kh_tar_close(&t);
	return ret;
}

static int listing_ar_stream(const struct kh_entry *e,
			     int (*fn)(const void *data, size_t len, void *ctx),
			     void *ctx, struct kh_error *err)
{
	char *chunk;
	la_ssize_t n;
	int ret = 0;

	chunk = malloc(LISTING_CHUNK);
	if (!chunk)
		return kh_err_sys_at(err, ENOMEM, e->src->label,
				     "'%s': cannot read '%s'",
				  e->src->label, e->name);
	while ((n = archive_read_data(e->src->ar, chunk, LISTING_CHUNK)) > 0) {
		ret = fn(chunk, n, ctx);
		if (ret)
			break;
	}
	if (n < 0)
		ret = kh_err_at(err, EINVAL, e->src->label,
				"'%s': cannot read '%s': %s",
			     e->src->label, e->name,
			     archive_error_string(e->src->ar));
	free(chunk);
	return ret;
}

/* ---- directories ------------------------------------------------------- */

struct listing_walk {
	int (*fn)(const struct kh_entry *e, void *ctx);
	void *ctx;
	struct kh_error *err;
	struct kh_buf path;	/* full path of the current entry */
	size_t top;		/* length of the top directory's path */
	struct kh_buf name;	/* "./" + relative path */
	struct kh_buf link;
};

static enum kh_entry_type listing_st_type(mode_t mode)
{
	if (S_ISDIR(mode))
		return KH_ENTRY_DIR;
	if (S_ISLNK(mode))
		return KH_ENTRY_SYMLINK;
	if (S_ISCHR(mode))
		return KH_ENTRY_CHAR;
	if (S_ISBLK(mode))
		return KH_ENTRY_BLOCK;
	if (S_ISFIFO(mode))
		return KH_ENTRY_FIFO;
	if (S_ISSOCK(mode))
		return KH_ENTRY_SOCKET;
	return KH_ENTRY_FILE;
}

static int listing_readlink(struct listing_walk *w, int dfd, const char *leaf,
			    const char *path, const struct stat *st)
{
	size_t want = st->st_size > 0 ? (size_t)st->st_size + 1 : 256;
	ssize_t n;

	for (;;) {
		kh_buf_setlen(&w->link, 0);
		if (kh_buf_reserve(&w->link, want + 1))
			return kh_err_sys_at(w->err, ENOMEM, path,
					     "cannot read '%s'",
					  path);
		n = readlinkat(dfd, leaf, (char *)w->link.data, want);
		if (n < 0)
			return kh_err_sys_at(w->err, errno, path,
					  "cannot read link '%s'", path);
		if ((size_t)n < want)
			break;
		want *= 2;
	}
	kh_buf_setlen(&w->link, (size_t)n);
	return 0;
}

static int listing_dir_entry(struct listing_walk *w, const struct kh_dir_entry *de,
			     struct kh_entry_src *src)
{
	const char *path = (const char *)w->path.data;
	const struct stat *st = &de->st;
	struct kh_entry e;
	int ret;

	memset(&e, 0, sizeof(e));
	e.name = (const char *)w->name.data;
	e.type = listing_st_type(st->st_mode);
	e.mode = st->st_mode & 07777;
	e.uid = st->st_uid;
	e.gid = st->st_gid;
	e.size = e.type == KH_ENTRY_FILE ? (int64_t)st->st_size : 0;
	e.mtime = st->st_mtim.tv_sec;
	if (e.type == KH_ENTRY_SYMLINK) {
		ret = listing_readlink(w, de->dfd, de->name, path, st);
		if (ret)
			return ret;
		e.link = (const char *)w->link.data;
	}
	src->ar = NULL;
	src->path = path;
	src->label = path;
	e.src = src;
	return w->fn(&e, w->ctx);
}

/* The top's path, and "/" and @e's path below it (and in w->name). */
static int listing_set_path(struct listing_walk *w,
			    const struct kh_dir_entry *e)
{
	kh_buf_setlen(&w->path, w->top);
	kh_buf_setlen(&w->name, 2);
	if (!*e->path)
		return 0;
	if (kh_buf_addf(&w->path, "/%s", e->path) ||
	    kh_buf_addstr(&w->name, e->path) ||
	    (S_ISDIR(e->st.st_mode) && kh_buf_addstr(&w->name, "/")))
		return kh_err_sys_at(w->err, ENOMEM, (const char *)w->path.data,
				     "cannot walk '%s'",
				     (const char *)w->path.data);
	return 0;
}

static int listing_visit(const struct kh_dir_entry *e, void *ctx)
{
	struct listing_walk *w = ctx;
	struct kh_entry_src src;
	int ret;

	ret = listing_set_path(w, e);
	if (!ret)
		ret = listing_dir_entry(w, e, &src);
	return ret;
}

static int listing_fail(const struct kh_dir_entry *e, enum kh_dir_op op,
			int code, void *ctx)
{
	struct listing_walk *w = ctx;
	const char *path;
	int ret;

	ret = listing_set_path(w, e);
	if (ret)
		return ret;
	path = (const char *)w->path.data;
	if (op == KH_DIR_STAT)
		return kh_err_sys_at(w->err, code, path, "cannot stat '%s'",
				     path);
	if (op == KH_DIR_DEEP)
		return kh_err_at(w->err, ELOOP, path,
				 "'%s': directories nested too deeply", path);
	return kh_err_sys_at(w->err, code, path,
			     "cannot read directory '%s'", path);
}

int kh_dir_foreach(const char *dir,
		   int (*fn)(const struct kh_entry *e, void *ctx),
		   void *ctx, struct kh_error *err)
{
	struct listing_walk w = { .fn = fn, .ctx = ctx, .err = err };
	const struct kh_dir_walk dw = {
		.max_depth = LISTING_DEPTH, .visit = listing_visit,
		.fail = listing_fail, .ctx = &w,
	};
	struct kh_dir_entry top = { .dfd = AT_FDCWD, .name = dir, .path = "" };
	struct kh_entry_src src;
	int dfd, ret;

	kh_buf_init(&w.path);
	kh_buf_init(&w.name);
	kh_buf_init(&w.link);
	if (stat(dir, &top.st) < 0)
		return kh_err_sys_at(err, errno, dir, "cannot open '%s'", dir);
	if (!S_ISDIR(top.st.st_mode))
		return kh_err_at(err, ENOTDIR, dir,
				 "'%s' is not a directory", dir);
	if (kh_buf_addstr(&w.path, dir) || kh_buf_addstr(&w.name, "./")) {
		ret = kh_err_sys_at(err, ENOMEM, dir, "cannot walk '%s'", dir);
		goto out_free;
	}
	while (w.path.len > 1 && w.path.data[w.path.len - 1] == '/')
		w.path.data[--w.path.len] = 0;
	w.top = w.path.len;
	ret = listing_dir_entry(&w, &top, &src);
	if (ret)
		goto out_free;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		ret = kh_err_sys_at(err, errno, dir,
				    "cannot read directory '%s'",
				    (const char *)w.path.data);
		goto out_free;
	}
	ret = kh_dir_walk(dfd, &dw);
	close(dfd);
out_free:
	kh_buf_release(&w.path);
	kh_buf_release(&w.name);
	kh_buf_release(&w.link);
	return ret;
}

static int listing_file_stream(const struct kh_entry *e,
			       int (*fn)(const void *data, size_t len,
					 void *ctx),
			       void *ctx, struct kh_error *err)
{
	const char *path = e->src->path;
	uint64_t left = e->size > 0 ? e->size : 0;	/* a growing file stops there */
	char *chunk;
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return kh_err_sys_at(err, errno, path,
				     "cannot open '%s'", path);
	chunk = malloc(LISTING_CHUNK);
	if (!chunk) {
		ret = kh_err_sys_at(err, ENOMEM, path,
				    "cannot read '%s'", path);
		goto out_close;
	}
	while (left) {
		n = read(fd, chunk, left < LISTING_CHUNK ? left : LISTING_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			ret = kh_err_sys_at(err, errno, path,
					    "cannot read '%s'", path);
		if (n <= 0)
			break;
		left -= n;
		ret = fn(chunk, n, ctx);
		if (ret)
			break;
	}
	free(chunk);
out_close:
	close(fd);
	return ret;
}

/* ---- content ----------------------------------------------------------- */

int kh_entry_stream(const struct kh_entry *e,
		    int (*fn)(const void *data, size_t len, void *ctx),
		    void *ctx, struct kh_error *err)
{
	if (e->type != KH_ENTRY_FILE)
		return 0;
	if (e->src->ar)
		return listing_ar_stream(e, fn, ctx, err);
	return listing_file_stream(e, fn, ctx, err);
}

struct listing_read {
	struct kh_buf *out;
	size_t max;
	size_t got;
};

static int listing_read_piece(const void *data, size_t len, void *ctx)
{
	struct listing_read *r = ctx;

	if (len > r->max - r->got)
		return -EFBIG;
	r->got += len;
	return kh_buf_append(r->out, data, len);
}

int kh_entry_read(const struct kh_entry *e, size_t max, struct kh_buf *out,
		  struct kh_error *err)
{
	struct listing_read r = { .out = out, .max = max };
	int ret;

	ret = kh_entry_stream(e, listing_read_piece, &r, err);
	if (ret == -EFBIG)
		return kh_err_at(err, EFBIG, e->src->label,
				 "'%s': '%s' is larger than %zu bytes",
			      e->src->label, e->name, max);
	if (ret == -ENOMEM)
		return kh_err_sys_at(err, ENOMEM, e->src->label,
				     "'%s': cannot read '%s'",
				  e->src->label, e->name);
	return ret;
}

/* ---- names and text ---------------------------------------------------- */

