// SPDX-License-Identifier: GPL-2.0
/*
 * uapi.c - `make headers_install` without make: the headers user space
 * sees, from a source and object tree or from an unpacked headers archive
 * (where both trees are one directory).  Which headers are exported is
 * what scripts/Makefile.headersinst decides, for include/uapi (with the
 * object tree's include/generated/uapi) and then arch/$SRCARCH/include/uapi
 * (with arch/$SRCARCH/include/generated/uapi): the *.h files below each
 * subdirectory of either, the source's copy winning over a generated one
 * of the same name, a subdirectory the second pass exports replacing what
 * the first put there, and include/uapi/Kbuild's rule for linux/a.out.h,
 * linux/kvm.h and linux/kvm_para.h.  Each header goes through
 * kh_uapi_header(); the tree is written into a private directory inside
 * the output directory and renamed into place as "include".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "archtab.h"
#include "dir.h"
#include "error.h"
#include "pool.h"
#include "util.h"
#include "uapi.h"

#define UAPI_MAX_HEADER (64u << 20)

int kh_uapi_header(unsigned int version_code, const char *path,
		   const void *in, size_t len, struct kh_buf *out,
		   struct kh_error *err)
{
	const struct kh_uapi_gen *gen = kh_uapi_gen_find(version_code);
	struct kh_buf mid;
	char word[256];
	size_t start = out->len;
	int ret;

	if (!gen)
		return kh_err(err, EINVAL,
			      "Linux %u.%u is not a generation kheaders knows",
			      version_code >> 16, (version_code >> 8) & 0xff);
	if (len && !kh_uapi_spdx_ok(in, len))
		return kh_err_at(err, EINVAL, path,
				 "'%s': missing \"WITH Linux-syscall-note\" for SPDX-License-Identifier",
				 path);
	kh_buf_init(&mid);
	if (kh_buf_reserve(out, 0) || kh_buf_reserve(&mid, len))
		ret = -ENOMEM;
	else
		ret = kh_uapi_sed(gen, in ? in : "", len, &mid);
	if (ret) {
		kh_err(err, ENOMEM, "'%s': out of memory", path);
		goto out_release;
	}
	ret = kh_uapi_unifdef((char *)mid.data, mid.len, path, out, err);
	if (ret)
		goto out_release;
	ret = kh_uapi_config_leak(gen, path, (char *)out->data + start,
				  out->len - start, word, sizeof(word));
	if (ret > 0)
		ret = kh_err_at(err, EINVAL, path,
				"'%s': leak %s to user-space", path, word);
	else if (ret)
		kh_err(err, ENOMEM, "'%s': out of memory", path);
out_release:
	kh_buf_release(&mid);
	if (ret && out->data)
		kh_buf_setlen(out, start);
	return ret;
}

/* One header to install. */
struct uapi_item {
	char *rel;		/* below include/: "linux/types.h" */
	char *path;		/* "SRCTREE/include/uapi/linux/types.h" */
	int root;		/* index of the root it is read from */
	bool pass2;		/* from arch/$SRCARCH/include */
	bool bad_type;		/* not a file nor a link to one */
	size_t dir;		/* index of its output directory */
	struct kh_error *err;	/* how it failed (a worker's), or NULL */
	bool fatal;		/* the failure ends the run even with keep_going */
};

/* An output directory, open below the private one. */
struct uapi_dir {
	char *rel;
	int fd;
};

/* A directory headers are taken from. */
struct uapi_root {
	const char *tree;	/* srctree or objtree as given */
	char *dir;		/* "include/uapi", ... */
	int fd;
	bool pass2;
};

struct uapi_ctx {
	const struct kh_uapi_opts *opts;
	const char *arch;		/* the SRCARCH whose headers go out */
	const struct kh_uapi_gen *gen;
	unsigned int code;
	struct uapi_root roots[4];
	struct uapi_item *items;
	size_t nr_items, alloc_items;
	char **subdirs2;		/* the second pass's subdirectories */
	size_t nr_subdirs2, alloc_subdirs2;
	int cur_root;			/* the root being walked */
	int out_fd;			/* the output directory */
	char tmp[64];			/* the private directory in it */
	int tmp_fd;
	int dir_fd;			/* the directory of the last file */
	char *dir_rel;			/* ... and its path below tmp */
	struct uapi_dir *dirs;		/* every output directory */
	size_t nr_dirs, alloc_dirs;
	struct kh_error *err;
};

static int uapi_add_subdir(struct uapi_ctx *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nr_subdirs2; i++)
		if (!strcmp(c->subdirs2[i], name))
			return 0;
	if (ALLOC_GROW(c->subdirs2, c->nr_subdirs2 + 1, c->alloc_subdirs2))
		return -ENOMEM;
	c->subdirs2[c->nr_subdirs2] = strdup(name);
	if (!c->subdirs2[c->nr_subdirs2])
		return -ENOMEM;
	c->nr_subdirs2++;
	return 0;
}

static bool uapi_is_header(const char *name)
{
	size_t n = strlen(name);

	return n >= 2 && !strcmp(name + n - 2, ".h");
}

static int uapi_add_item(struct uapi_ctx *c, const struct kh_dir_entry *e)
{
	const struct uapi_root *r = &c->roots[c->cur_root];
	struct uapi_item *it;

	if (ALLOC_GROW(c->items, c->nr_items + 1, c->alloc_items))
		return -ENOMEM;
	it = &c->items[c->nr_items];
	memset(it, 0, sizeof(*it));
	it->rel = strdup(e->path);
	if (!it->rel || asprintf(&it->path, "%s/%s/%s", r->tree, r->dir,
				 e->path) < 0) {
		free(it->rel);
		return -ENOMEM;
	}
	it->root = c->cur_root;
	it->pass2 = r->pass2;
	it->bad_type = !S_ISREG(e->st.st_mode) && !S_ISLNK(e->st.st_mode);
	c->nr_items++;
	return 0;
}

/*
 * Makefile.headersinst: the subdirectories of the root (their wildcard
 * takes no dot names), then every *.h found below them.
 */
static int uapi_visit(const struct kh_dir_entry *e, void *ctx)
{
	struct uapi_ctx *c = ctx;
	int ret;

	if (e->depth == 0)
		return 0;
	if (e->depth == 1) {
		if (!S_ISDIR(e->st.st_mode) || e->name[0] == '.')
			return KH_DIR_SKIP;
		if (c->roots[c->cur_root].pass2) {
			ret = uapi_add_subdir(c, e->name);
			if (ret)
				return ret;
		}
		return 0;
	}
	if (!uapi_is_header(e->name))
		return 0;
	return uapi_add_item(c, e);
}

static int uapi_walk_fail(const struct kh_dir_entry *e, enum kh_dir_op op,
			  int code, void *ctx)
{
	struct uapi_ctx *c = ctx;
	const struct uapi_root *r = &c->roots[c->cur_root];

	return kh_err_sys_at(c->err, code, e->path, "cannot read '%s/%s/%s'",
			     r->tree, r->dir, e->path);
}

static int uapi_collect(struct uapi_ctx *c)
{
	struct kh_dir_walk w = {
		.max_depth = 64,
		.visit = uapi_visit,
		.fail = uapi_walk_fail,
		.ctx = c,
	};
	int i, ret;

	for (i = 0; i < 4; i++) {
		c->cur_root = i;
		ret = kh_dir_walk(c->roots[i].fd, &w);
		if (ret == -ENOMEM)
			return kh_err(c->err, ENOMEM, "out of memory");
		if (ret)
			return ret;
	}
	return 0;
}

static int uapi_item_cmp(const void *a, const void *b)
{
	const struct uapi_item *x = a, *y = b;
	int r = strcmp(x->rel, y->rel);

	return r ? r : x->root - y->root;
}

static bool uapi_in_subdirs2(const struct uapi_ctx *c, const char *rel)
{
	const char *slash = strchr(rel, '/');
	size_t n = slash ? (size_t)(slash - rel) : strlen(rel), i;

	for (i = 0; i < c->nr_subdirs2; i++)
		if (strlen(c->subdirs2[i]) == n && !memcmp(c->subdirs2[i], rel, n))
			return true;
	return false;
}

static bool uapi_exists(const struct uapi_root *r, const char *rel)
{
	struct stat st;

	return r->fd >= 0 && !fstatat(r->fd, rel, &st, 0);
}

/* include/uapi/Kbuild: no-export-headers. */
static bool uapi_not_exported(const struct uapi_ctx *c, const char *rel)
{
	const struct uapi_root *src = &c->roots[2], *gen = &c->roots[3];

	if (!strcmp(rel, "linux/a.out.h"))
		return !uapi_exists(src, "asm/a.out.h");
	if (!strcmp(rel, "linux/kvm.h"))
		return !uapi_exists(src, "asm/kvm.h");
	if (!strcmp(rel, "linux/kvm_para.h"))
		return !uapi_exists(src, "asm/kvm_para.h") &&
		       !uapi_exists(gen, "asm/kvm_para.h");
	return false;
}

/*
 * Sort by name and keep what Makefile.headersinst installs: the first
 * pass without its no-export headers and without the subdirectories the
 * second pass rewrites, a generated header only without a source one.
 */
static void uapi_select(struct uapi_ctx *c)
{
	struct uapi_item *it;
	size_t i, n = 0;

	qsort(c->items, c->nr_items, sizeof(*c->items), uapi_item_cmp);
	for (i = 0; i < c->nr_items; i++) {
		it = &c->items[i];
		if ((n && !strcmp(c->items[n - 1].rel, it->rel) &&
		     c->items[n - 1].pass2 == it->pass2) ||
		    (!it->pass2 && (uapi_in_subdirs2(c, it->rel) ||
				    uapi_not_exported(c, it->rel)))) {
			free(it->rel);
			free(it->path);
			continue;
		}
		c->items[n++] = *it;
	}
	c->nr_items = n;
}

static int uapi_open_root(struct uapi_ctx *c, int i, const char *tree,
			  const char *dir, bool pass2, bool generated)
{
	struct uapi_root *r = &c->roots[i];
	char *path;

	r->tree = tree;
	r->pass2 = pass2;
	r->dir = strdup(dir);
	if (!r->dir || asprintf(&path, "%s/%s", tree, dir) < 0)
		return kh_err(c->err, ENOMEM, "out of memory");
	r->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r->fd < 0 && generated)
		kh_err_sys_at(c->err, errno, path,
			      "cannot open '%s' (the object tree needs the generated headers: 'make ARCH=%s headers')",
			      path, c->arch);
	else if (r->fd < 0)
		kh_err_sys_at(c->err, errno, path, "cannot open '%s'", path);
	free(path);
	return r->fd < 0 ? -c->err->code : 0;
}

static int uapi_version(struct uapi_ctx *c)
{
	const struct uapi_root *r = &c->roots[1];
	struct kh_buf text;
	int fd, ret;

	kh_buf_init(&text);
	fd = openat(r->fd, "linux/version.h", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kh_err_sys(c->err, errno,
				  "cannot open '%s/%s/linux/version.h' (generated by 'make headers')",
				  r->tree, r->dir);
	ret = kh_read_fd(fd, "linux/version.h", 1 << 20, &text, c->err);
	close(fd);
	if (!ret && kh_uapi_version_code(kh_buf_str(&text), text.len,
					 &c->code))
		ret = kh_err(c->err, EINVAL,
			     "'%s/%s/linux/version.h' has no LINUX_VERSION_CODE",
			     r->tree, r->dir);
	kh_buf_release(&text);
	if (ret)
		return ret;
	c->gen = kh_uapi_gen_find(c->code);
	if (!c->gen)
		return kh_err(c->err, ENOTSUP,
			      "'%s/%s/linux/version.h': Linux %u.%u is not a generation kheaders knows how to install (6.1, 6.12, 7.2)",
			      r->tree, r->dir, c->code >> 16,
			      (c->code >> 8) & 0xff);
	return 0;
}

/* ARCH=um installs its SUBARCH's headers (7.2) or fails (before). */
static int uapi_arch(struct uapi_ctx *c)
{
	if (strcmp(c->arch, "um"))
		return 0;
	if (!c->gen->um_subarch)
		return kh_err(c->err, EINVAL,
			      "Headers not exportable for UML (Linux %s)",
			      c->gen->name);
	c->arch = kh_arch_host_srcarch();
	if (!*c->arch)
		return kh_err(c->err, EINVAL,
			      "ARCH=um exports the headers of the host's architecture, which kheaders does not know");
	return 0;
}

static int uapi_open_trees(struct uapi_ctx *c)
{
	const struct kh_uapi_opts *o = c->opts;
	const char *obj = o->objtree ? o->objtree : o->srctree;
	char dir[320];
	int ret;

	ret = uapi_open_root(c, 0, o->srctree, "include/uapi", false, false);
	if (!ret)
		ret = uapi_open_root(c, 1, obj, "include/generated/uapi",
				     false, true);
	if (!ret)
		ret = uapi_version(c);
	if (!ret)
		ret = uapi_arch(c);
	if (ret)
		return ret;
	snprintf(dir, sizeof(dir), "arch/%s/include/uapi", c->arch);
	ret = uapi_open_root(c, 2, o->srctree, dir, true, false);
	if (ret)
		return ret;
	snprintf(dir, sizeof(dir), "arch/%s/include/generated/uapi", c->arch);
	return uapi_open_root(c, 3, obj, dir, true, true);
}

/* The output directory, created if missing, never through a link. */
static int uapi_open_out(struct uapi_ctx *c)
{
	const char *dir = c->opts->out_dir;
	struct stat st;
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && !mkdir(dir, 0755))
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (!lstat(dir, &st) && S_ISLNK(st.st_mode))
			return kh_err_at(c->err, EPERM, dir,
					 "refusing to write into '%s': it is a symbolic link",
					 dir);
		return kh_err_sys_at(c->err, errno, dir, "cannot open '%s'",
				     dir);
	}
	c->out_fd = fd;
	if (fstat(fd, &st))
		return kh_err_sys_at(c->err, errno, dir, "cannot open '%s'",
				     dir);
	if (kh_dir_trust(&st) != KH_DIR_TRUSTED)
		return kh_err_at(c->err, EPERM, dir,
				 "refusing to write into '%s': it is not owned by uid %u or is writable by group or others (mode %04o)",
				 dir, (unsigned int)geteuid(),
				 (unsigned int)(st.st_mode & 07777));
	if (!c->opts->force && !fstatat(fd, "include", &st, AT_SYMLINK_NOFOLLOW))
		return kh_err_at(c->err, EEXIST, dir, "'%s/include' exists",
				 dir);
	return 0;
}

/* The private directory the tree is built in, beside its final name. */
static int uapi_make_tmp(struct uapi_ctx *c)
{
	struct timespec ts;
	unsigned int i;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	for (i = 0; i < 100; i++) {
		snprintf(c->tmp, sizeof(c->tmp), ".include.%u.%lx", getpid(),
			 (unsigned long)(ts.tv_nsec + i * 7919u) & 0xffffff);
		if (!mkdirat(c->out_fd, c->tmp, 0700))
			break;
		if (errno != EEXIST)
			return kh_err_sys_at(c->err, errno, c->opts->out_dir,
					     "cannot create a directory in '%s'",
					     c->opts->out_dir);
	}
	c->tmp_fd = openat(c->out_fd, c->tmp,
			   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c->tmp_fd < 0)
		return kh_err_sys_at(c->err, errno, c->opts->out_dir,
				     "cannot create a directory in '%s'",
				     c->opts->out_dir);
	return 0;
}

/* Open (making it) the directory @dir below the private one. */
static int uapi_chdir(struct uapi_ctx *c, const char *dir, size_t len)
{
	char *rel, *p, *slash;
	int fd, next;

	if (c->dir_rel && strlen(c->dir_rel) == len &&
	    !memcmp(c->dir_rel, dir, len))
		return 0;
	if (c->dir_fd >= 0)
		close(c->dir_fd);
	free(c->dir_rel);
	c->dir_fd = -1;
	c->dir_rel = rel = strndup(dir, len);
	if (!rel)
		return kh_err(c->err, ENOMEM, "out of memory");
	fd = dup(c->tmp_fd);
	for (p = rel; fd >= 0 && *p; p = slash ? slash + 1 : p + strlen(p)) {
		slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		if (mkdirat(fd, p, 0755) && errno != EEXIST)
			next = -1;
		else
			next = openat(fd, p, O_RDONLY | O_DIRECTORY |
				      O_NOFOLLOW | O_CLOEXEC);
		if (next >= 0 && fchmod(next, 0755))
			close(next), next = -1;
		close(fd);
		fd = next;
		if (slash)
			*slash = '/';
	}
	if (fd < 0)
		return kh_err_sys(c->err, errno,
				  "cannot create '%s/%s/%.*s'", c->opts->out_dir,
				  c->tmp, (int)len, dir);
	c->dir_fd = fd;
	return 0;
}

/* Write @data as @rel's file in the open output directory @dfd. */
static int uapi_write(const struct uapi_ctx *c, int dfd, const char *rel,
		      const struct kh_buf *data, struct kh_error *e)
{
	const char *slash = strrchr(rel, '/');
	size_t done = 0;
	ssize_t n;
	int fd, ret;

	fd = openat(dfd, slash ? slash + 1 : rel,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return kh_err_sys(e, errno, "cannot create '%s/%s/%s'",
				  c->opts->out_dir, c->tmp, rel);
	while (done < data->len) {
		n = write(fd, data->data + done, data->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += n;
	}
	if (done < data->len || fchmod(fd, 0644) || close(fd)) {
		ret = kh_err_sys(e, errno ? errno : EIO,
				 "cannot write '%s/%s/%s'", c->opts->out_dir,
				 c->tmp, rel);
		if (done < data->len)
			close(fd);
		return ret;
	}
	return 0;
}

/*
 * Make every output directory (in name order, before any file is
 * written, so the workers only create files) and give each item its own.
 */
static int uapi_make_dirs(struct uapi_ctx *c)
{
	struct uapi_item *it;
	const char *slash;
	size_t i, j, len;
	int ret;

	for (i = 0; i < c->nr_items; i++) {
		it = &c->items[i];
		slash = strrchr(it->rel, '/');
		len = slash ? (size_t)(slash - it->rel) : 0;
		for (j = c->nr_dirs; j-- > 0;)
			if (strlen(c->dirs[j].rel) == len &&
			    !memcmp(c->dirs[j].rel, it->rel, len))
				break;
		if (j != (size_t)-1) {
			it->dir = j;
			continue;
		}
		ret = uapi_chdir(c, it->rel, len);
		if (ret)
			return ret;
		if (ALLOC_GROW(c->dirs, c->nr_dirs + 1, c->alloc_dirs))
			return kh_err(c->err, ENOMEM, "out of memory");
		c->dirs[c->nr_dirs].rel = c->dir_rel;
		c->dirs[c->nr_dirs].fd = c->dir_fd;
		c->dir_rel = NULL;
		c->dir_fd = -1;
		it->dir = c->nr_dirs++;
	}
	return 0;
}

/*
 * Rename the finished tree to "include": never over an existing one unless
 * forced, and then by exchanging the two names, so "include" is at every
 * moment either the old tree or the new one.
 */
static int uapi_commit(struct uapi_ctx *c)
{
	const char *dir = c->opts->out_dir;
	unsigned int how = c->opts->force ? RENAME_EXCHANGE : RENAME_NOREPLACE;
	struct stat st;
	int r;

	if (fchmod(c->tmp_fd, 0755))
		return kh_err_sys_at(c->err, errno, dir, "cannot chmod '%s/%s'",
				     dir, c->tmp);
	if (c->opts->force && fstatat(c->out_fd, "include", &st,
				      AT_SYMLINK_NOFOLLOW))
		how = RENAME_NOREPLACE;
	r = renameat2(c->out_fd, c->tmp, c->out_fd, "include", how);
	if (r && (errno == EINVAL || errno == ENOSYS) &&
	    how == RENAME_NOREPLACE &&
	    fstatat(c->out_fd, "include", &st, AT_SYMLINK_NOFOLLOW))
		r = renameat(c->out_fd, c->tmp, c->out_fd, "include");
	if (r && errno == EEXIST)
		return kh_err_at(c->err, EEXIST, dir, "'%s/include' exists",
				 dir);
	if (r)
		return kh_err_sys_at(c->err, errno, dir,
				     "cannot rename '%s/%s' to '%s/include'",
				     dir, c->tmp, dir);
	if (how == RENAME_EXCHANGE && kh_dir_remove_tree_at(c->out_fd, c->tmp))
		return kh_err_sys_at(c->err, errno, dir,
				     "cannot remove the old tree '%s/%s'",
				     dir, c->tmp);
	c->tmp[0] = '\0';
	return 0;
}

/* Read and transform one header. */
static int uapi_one(const struct uapi_ctx *c, const struct uapi_item *it,
		    struct kh_buf *in, struct kh_buf *out, struct kh_error *e)
{
	const struct uapi_root *r = &c->roots[it->root];
	int fd, ret;

	if (it->bad_type)
		return kh_err_at(e, EINVAL, it->path,
				 "'%s': not a regular file", it->path);
	fd = openat(r->fd, it->rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kh_err_sys_at(e, errno, it->path, "cannot open '%s'",
				     it->path);
	ret = kh_read_fd(fd, it->path, UAPI_MAX_HEADER, in, e);
	close(fd);
	if (!ret)
		ret = kh_uapi_header(c->code, it->path, in->data, in->len, out,
				     e);
	return ret;
}

/*
 * One item, on any thread of the pool: its failure is kept on the item
 * and reported afterwards in name order, so which thread ran what never
 * shows.  Without keep_going a failure stops the hand-out.
 */
static int uapi_work(void *ctx, size_t i)
{
	struct uapi_ctx *c = ctx;
	struct uapi_item *it = &c->items[i];
	struct kh_buf in, out;
	struct kh_error e;
	int ret;

	kh_buf_init(&in);
	kh_buf_init(&out);
	ret = uapi_one(c, it, &in, &out, &e);
	it->fatal = ret == -ENOMEM;
	if (!ret) {
		ret = uapi_write(c, c->dirs[it->dir].fd, it->rel, &out, &e);
		it->fatal = ret;
	}
	kh_buf_release(&in);
	kh_buf_release(&out);
	if (!ret)
		return 0;
	it->err = malloc(sizeof(*it->err));
	if (it->err)
		*it->err = e;
	it->fatal |= !it->err;
	return it->fatal || !c->opts->keep_going;
}

/* The failures, in name order: the first, or each with keep_going. */
static int uapi_report(struct uapi_ctx *c, struct kh_uapi_result *res)
{
	const struct uapi_item *it;
	size_t i;

	for (i = 0; i < c->nr_items; i++) {
		it = &c->items[i];
		if (!it->err && !it->fatal) {
			res->nr_headers++;
			continue;
		}
		if (!it->err)
			return kh_err(c->err, ENOMEM, "out of memory");
		if (it->fatal || !c->opts->keep_going) {
			*c->err = *it->err;
			return -c->err->code;
		}
		res->nr_failed++;
		if (c->opts->error)
			c->opts->error(c->opts->error_ctx, it->err);
	}
	if (res->nr_failed)
		return kh_err(c->err, EINVAL, "%zu of %zu headers failed",
			      res->nr_failed, c->nr_items);
	return 0;
}

static int uapi_install(struct uapi_ctx *c, struct kh_uapi_result *res)
{
	int ret = uapi_make_dirs(c);

	if (ret)
		return ret;
	kh_pool_run(kh_online_cpus(), c->nr_items, uapi_work, c);
	return uapi_report(c, res);
}

static void uapi_release(struct uapi_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nr_items; i++) {
		free(c->items[i].rel);
		free(c->items[i].path);
		free(c->items[i].err);
	}
	free(c->items);
	for (i = 0; i < c->nr_dirs; i++) {
		free(c->dirs[i].rel);
		close(c->dirs[i].fd);
	}
	free(c->dirs);
	for (i = 0; i < c->nr_subdirs2; i++)
		free(c->subdirs2[i]);
	free(c->subdirs2);
	for (i = 0; i < ARRAY_SIZE(c->roots); i++) {
		free(c->roots[i].dir);
		if (c->roots[i].fd >= 0)
			close(c->roots[i].fd);
	}
	if (c->dir_fd >= 0)
		close(c->dir_fd);
	free(c->dir_rel);
	if (c->tmp_fd >= 0)
		close(c->tmp_fd);
	if (c->tmp[0])
		kh_dir_remove_tree_at(c->out_fd, c->tmp);
	if (c->out_fd >= 0)
		close(c->out_fd);
}

void kh_uapi_opts_init(struct kh_uapi_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
}

static int uapi_check_opts(const struct kh_uapi_opts *o, struct kh_error *err)
{
	if (!o->srctree || !o->arch || !o->out_dir)
		return kh_err(err, EINVAL,
			      "the source tree, the architecture and the output directory are needed");
	if (!*o->arch || strchr(o->arch, '/') || o->arch[0] == '.' ||
	    strlen(o->arch) > 64)
		return kh_err(err, EINVAL, "'%s' is not an architecture",
			      o->arch);
	return 0;
}

int kh_uapi(const struct kh_uapi_opts *opts, struct kh_uapi_result *res,
	    struct kh_error *err)
{
	struct uapi_ctx c = {
		.opts = opts, .err = err, .out_fd = -1, .tmp_fd = -1,
		.dir_fd = -1,
	};
	size_t i;
	int ret;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < ARRAY_SIZE(c.roots); i++)
		c.roots[i].fd = -1;
	ret = uapi_check_opts(opts, err);
	if (!ret) {
		c.arch = kh_srcarch(opts->arch);
		ret = uapi_open_trees(&c);
	}
	res->bad_input = ret;
	if (!ret)
		ret = uapi_open_out(&c);
	if (!ret) {
		res->version_code = c.code;
		snprintf(res->generation, sizeof(res->generation), "%s",
			 c.gen->name);
		snprintf(res->srcarch, sizeof(res->srcarch), "%s", c.arch);
		ret = uapi_collect(&c);
		res->bad_input = ret;
	}
	if (!ret) {
		uapi_select(&c);
		ret = uapi_make_tmp(&c);
	}
	if (!ret)
		ret = uapi_install(&c, res);
	if (!ret)
		ret = uapi_commit(&c);
	uapi_release(&c);
	return ret;
}
