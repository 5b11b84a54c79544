// SPDX-License-Identifier: GPL-2.0
/*
 * unpack.c - unpacking a headers archive into a directory without trusting
 * it.  libarchive reads the entries; every write goes through directory
 * descriptors opened with O_NOFOLLOW from the unpack directory downwards
 * (openat, mkdirat, linkat, symlinkat), so a planted or archived symbolic
 * link is never followed.  Absolute paths, "..", device nodes, FIFOs and
 * sockets are refused, hard links must name a regular file the archive
 * already wrote, symbolic links are created last and only when they
 * resolve inside the directory without passing through another link, and
 * the unpacked size is bounded before any data is written.  The directory
 * itself must be the caller's own and writable by nobody else
 * (kh_dir_trust(); the class of bcc's CVE-2024-2314).
 */
#include <errno.h>
#include <fcntl.h>
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
#include "tarread.h"
#include "path.h"
#include "unpack.h"

#define ENTRY_COST 512
#define UNTRUSTED_DIR "a directory on its path is not yours or is writable by group or others"

struct deferred_link {
	char *path;
	char *target;
};

/*
 * The files this unpack created, the only ones a hard link may name: an
 * open-addressed set of (device, inode).  Inode numbers come from the
 * file system, not from the archive, so they cannot be chosen to collide.
 */
struct ino_key {
	uint64_t dev, ino;	/* ino 0: empty slot */
};

struct ino_set {
	struct ino_key *slot;
	size_t nr, cap;		/* cap: 0 or a power of two */
};

struct unpack_ctx {
	int root;
	const char *dir;
	uint64_t max, used;
	struct kh_tar_reader tar;
	struct archive *a;		/* tar.ar */
	struct deferred_link *links;
	size_t nlinks, alloc_links;
	const char **link_paths;	/* sorted, for is_link_path() */
	bool root_was_empty;	/* so every link in it is one of ours */
	struct ino_set written;
	struct kh_error *err;
};

static size_t ino_hash(uint64_t dev, uint64_t ino)
{
	uint64_t h = (ino ^ (dev << 32 | dev >> 32)) + 0x9e3779b97f4a7c15ULL;

	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

static struct ino_key *ino_find(struct ino_set *set, uint64_t dev,
				uint64_t ino)
{
	size_t mask = set->cap - 1, h;

	for (h = ino_hash(dev, ino) & mask; set->slot[h].ino; h = (h + 1) & mask)
		if (set->slot[h].ino == ino && set->slot[h].dev == dev)
			break;
	return &set->slot[h];
}

static bool ino_set_has(struct ino_set *set, const struct stat *st)
{
	return set->cap && st->st_ino && ino_find(set, st->st_dev, st->st_ino)->ino;
}

static int ino_set_add(struct ino_set *set, const struct stat *st)
{
	struct ino_set bigger = { NULL, 0, set->cap ? set->cap * 2 : 64 };
	struct ino_key *k;
	size_t i;

	if (!st->st_ino || ino_set_has(set, st))
		return 0;
	if (2 * (set->nr + 1) > set->cap) {
		bigger.slot = calloc(bigger.cap, sizeof(*bigger.slot));
		if (!bigger.slot)
			return -ENOMEM;
		for (i = 0; i < set->cap; i++)
			if (set->slot[i].ino)
				*ino_find(&bigger, set->slot[i].dev,
					  set->slot[i].ino) = set->slot[i];
		bigger.nr = set->nr;
		free(set->slot);
		*set = bigger;
	}
	k = ino_find(set, st->st_dev, st->st_ino);
	k->dev = st->st_dev;
	k->ino = st->st_ino;
	set->nr++;
	return 0;
}

static int refuse(struct unpack_ctx *c, const char *entry, const char *why)
{
	return kh_err_at(c->err, EPERM, entry,
			 "refusing '%s' in the archive for '%s': %s",
		      entry, c->dir, why);
}

static int sys_fail(struct unpack_ctx *c, int code, const char *what,
		    const char *entry)
{
	return kh_err_sys(c->err, code, "cannot %s '%s' in '%s'", what, entry,
			  c->dir);
}

/*
 * Open the directory made of the first @n components of @p, below the
 * root, never following a link; create missing ones (mode 0755) when
 * @create.  Every directory must pass kh_dir_trust().
 * Return a descriptor the caller closes, -EPERM for an untrusted
 * directory, or -errno.
 */
static int walk_dirs(struct unpack_ctx *c, const struct kh_path *p,
		     unsigned int n, bool create)
{
	int fd = dup(c->root), next;
	struct stat st;
	unsigned int i;

	for (i = 0; fd >= 0 && i < n; i++) {
		next = openat(fd, p->comp[i], O_RDONLY | O_DIRECTORY |
			      O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && create) {
			if (mkdirat(fd, p->comp[i], 0755) && errno != EEXIST)
				goto out_fail;
			next = openat(fd, p->comp[i], O_RDONLY | O_DIRECTORY |
				      O_NOFOLLOW | O_CLOEXEC);
			if (next >= 0)
				fchmod(next, 0755);
		}
		if (next < 0)
			goto out_fail;
		close(fd);
		fd = next;
		if (fstat(fd, &st))
			goto out_fail;
		if (kh_dir_trust(&st) != KH_DIR_TRUSTED) {
			close(fd);
			return -EPERM;
		}
	}
	return fd < 0 ? -errno : fd;
out_fail:
	next = errno == ELOOP || errno == ENOTDIR ? -ENOTDIR : -errno;
	close(fd);
	return next;
}

static int open_parent(struct unpack_ctx *c, const struct kh_path *p,
		       const char *entry, bool create)
{
	int fd = walk_dirs(c, p, p->n - 1, create);

	if (fd == -ENOTDIR)
		return refuse(c, entry, "a parent is a symbolic link or not a directory");
	if (fd == -EPERM)
		return refuse(c, entry, UNTRUSTED_DIR);
	if (fd == -ENOENT)
		return refuse(c, entry, "its directory does not exist");
	if (fd < 0)
		return sys_fail(c, -fd, "open the directory of", entry);
	return fd;
}

/* Make room for @name in @dirfd: an old file or link goes, a directory stays. */
static int clear_slot(struct unpack_ctx *c, int dirfd, const char *name,
		      const char *entry)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : sys_fail(c, errno, "inspect", entry);
	if (S_ISDIR(st.st_mode))
		return refuse(c, entry, "a directory of that name exists");
	if (unlinkat(dirfd, name, 0))
		return sys_fail(c, errno, "replace", entry);
	return 0;
}

static int charge(struct unpack_ctx *c, const char *entry, uint64_t bytes)
{
	if (bytes > c->max - c->used) {
		return kh_err_at(c->err, EFBIG, entry,
			      "refusing '%s' in the archive for '%s': the unpacked size would exceed %llu bytes (--max-size)",
			      entry, c->dir, (unsigned long long)c->max);
	}
	c->used += bytes;
	return 0;
}

static int copy_data(struct unpack_ctx *c, int fd, const char *entry,
		     int64_t size)
{
	const void *buf;
	size_t len;
	int64_t off;
	ssize_t n;
	int r;

	while ((r = archive_read_data_block(c->a, &buf, &len, &off)) ==
	       ARCHIVE_OK) {
		if (off < 0 || (uint64_t)off > (uint64_t)size ||
		    len > (uint64_t)size - off)
			return refuse(c, entry, "data beyond the entry's size");
		while (len) {
			n = pwrite(fd, buf, len, off);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return sys_fail(c, errno, "write", entry);
			buf = (const char *)buf + n;
			len -= n;
			off += n;
		}
	}
	if (r != ARCHIVE_EOF)
		return kh_err_at(c->err, EINVAL, entry,
				 "'%s' in the archive for '%s': %s",
			      entry, c->dir, archive_error_string(c->a));
	if (ftruncate(fd, size))
		return sys_fail(c, errno, "write", entry);
	return 0;
}

static int write_file(struct unpack_ctx *c, struct archive_entry *ae,
		      const struct kh_path *p, const char *entry)
{
	int64_t size = archive_entry_size(ae);
	mode_t mode = archive_entry_perm(ae) & 0111 ? 0755 : 0644;
	struct timespec ts[2];
	struct stat st;
	int dirfd, fd, ret;

	if (size < 0)
		size = 0;
	ret = charge(c, entry, size);
	if (ret)
		return ret;
	dirfd = open_parent(c, p, entry, true);
	if (dirfd < 0)
		return dirfd;
	ret = clear_slot(c, dirfd, p->comp[p->n - 1], entry);
	if (ret)
		goto out_close_dir;
	fd = openat(dirfd, p->comp[p->n - 1], O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = sys_fail(c, errno, "create", entry);
		goto out_close_dir;
	}
	ret = copy_data(c, fd, entry, size);
	if (!ret && fstat(fd, &st))
		ret = sys_fail(c, errno, "inspect", entry);
	if (!ret && ino_set_add(&c->written, &st))
		ret = kh_err_sys(c->err, ENOMEM, "'%s'", c->dir);
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = archive_entry_mtime(ae);
	ts[1].tv_nsec = 0;
	if (!ret && (fchmod(fd, mode) || futimens(fd, ts)))
		ret = sys_fail(c, errno, "set the mode of", entry);
	if (close(fd) && !ret)
		ret = sys_fail(c, errno, "write", entry);
out_close_dir:
	close(dirfd);
	return ret;
}

static int make_dir(struct unpack_ctx *c, const struct kh_path *p,
		    const char *entry)
{
	int fd;

	if (!p->n)
		return 0;
	fd = walk_dirs(c, p, p->n, true);
	if (fd == -ENOTDIR)
		return refuse(c, entry, "a symbolic link or file of that name exists");
	if (fd == -EPERM)
		return refuse(c, entry, UNTRUSTED_DIR);
	if (fd < 0)
		return sys_fail(c, -fd, "create directory", entry);
	close(fd);
	return 0;
}

static int make_hardlink(struct unpack_ctx *c, const struct kh_path *p,
			 const char *entry, const char *target)
{
	struct kh_path t;
	const char *why = NULL;
	struct stat st;
	int tfd = -1, dirfd = -1, ret;

	ret = kh_path_split(&t, target, &why);
	if (ret == -EPERM || (!ret && !t.n)) {
		ret = refuse(c, entry, why ? why : "hard link to the top");
		goto out;
	}
	if (ret)
		goto out;
	tfd = walk_dirs(c, &t, t.n - 1, false);
	if (tfd < 0 || fstatat(tfd, t.comp[t.n - 1], &st, AT_SYMLINK_NOFOLLOW) ||
	    !S_ISREG(st.st_mode) || !ino_set_has(&c->written, &st)) {
		ret = refuse(c, entry, "hard link to something that is not a file unpacked before it");
		goto out;
	}
	dirfd = open_parent(c, p, entry, true);
	if (dirfd < 0) {
		ret = dirfd;
		goto out;
	}
	ret = clear_slot(c, dirfd, p->comp[p->n - 1], entry);
	if (!ret && linkat(tfd, t.comp[t.n - 1], dirfd, p->comp[p->n - 1], 0))
		ret = sys_fail(c, errno, "link", entry);
out:
	if (dirfd >= 0)
		close(dirfd);
	if (tfd >= 0)
		close(tfd);
	kh_path_release(&t);
	return ret;
}

static int defer_link(struct unpack_ctx *c, const struct kh_path *p,
		      const char *entry, const char *target)
{
	struct deferred_link *l;
	const char *why;

	if (!target)
		return refuse(c, entry, "symbolic link without a target");
	if (!kh_link_target_inside(p, target, &why))
		return refuse(c, entry, why);
	if (ALLOC_GROW(c->links, c->nlinks + 1, c->alloc_links))
		return kh_err_sys_at(c->err, ENOMEM, c->dir, "'%s'", c->dir);
	l = &c->links[c->nlinks++];
	l->target = strdup(target);
	l->path = kh_path_prefix(p, p->n);
	if (!l->path || !l->target)
		return kh_err_sys_at(c->err, ENOMEM, c->dir, "'%s'", c->dir);
	return 0;
}

static const char *type_refusal(mode_t type)
{
	switch (type) {
	case AE_IFCHR:
	case AE_IFBLK:
		return "device node";
	case AE_IFIFO:
		return "FIFO";
	case AE_IFSOCK:
		return "socket";
	default:
		return "unsupported entry type";
	}
}

static int unpack_entry(struct unpack_ctx *c, struct archive_entry *ae)
{
	const char *entry = archive_entry_pathname(ae), *why = NULL;
	mode_t type = archive_entry_filetype(ae);
	struct kh_path p;
	int ret;

	if (!entry)
		return refuse(c, "?", "unreadable name");
	ret = charge(c, entry, ENTRY_COST);
	if (ret)
		return ret;
	ret = kh_path_split(&p, entry, &why);
	if (ret == -EPERM)
		ret = refuse(c, entry, why);
	else if (ret)
		ret = kh_err_sys_at(c->err, ENOMEM, c->dir, "'%s'", c->dir);
	else if (type == AE_IFDIR)
		ret = make_dir(c, &p, entry);
	else if (!p.n)
		ret = refuse(c, entry, "not a directory but names the top");
	else if (archive_entry_hardlink(ae))
		ret = make_hardlink(c, &p, entry, archive_entry_hardlink(ae));
	else if (type == AE_IFREG)
		ret = write_file(c, ae, &p, entry);
	else if (type == AE_IFLNK)
		ret = defer_link(c, &p, entry, archive_entry_symlink(ae));
	else
		ret = refuse(c, entry, type_refusal(type));
	kh_path_release(&p);
	return ret;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(const char * const *)a, *(const char * const *)b);
}

/* Will @path be a symbolic link, or is it one already? */
static bool is_link_path(struct unpack_ctx *c, const char *path)
{
	struct stat st;

	if (bsearch(&path, c->link_paths, c->nlinks, sizeof(*c->link_paths),
		    cmp_path))
		return true;
	if (c->root_was_empty)
		return false;
	return !fstatat(c->root, path, &st, AT_SYMLINK_NOFOLLOW) &&
	       S_ISLNK(st.st_mode);
}

/*
 * Resolve @l's target component by component from its directory: every
 * intermediate step must be a real directory, not another link (a link
 * through a link could climb out where the lexical check sees none).
 */
static int check_link_path(struct unpack_ctx *c, const struct kh_path *p,
			   const struct deferred_link *l)
{
	char path[4096];
	const char *rest = l->target;
	struct kh_path_comp comp;
	size_t len = 0, stack[KH_PATH_MAX_DEPTH * 2];
	unsigned int depth = 0, i;

	for (i = 0; i + 1 < p->n; i++) {
		len += snprintf(path + len, sizeof(path) - len, "%s%s",
				len ? "/" : "", p->comp[i]);
		stack[depth++] = len;
	}
	/* Every step but the last (the target itself) must be a directory. */
	while (kh_path_next(&rest, &comp) && rest) {
		if (kh_path_comp_self(&comp))
			continue;
		if (kh_path_comp_up(&comp)) {
			if (!depth)
				return refuse(c, l->path, "symbolic link pointing outside the directory");
			depth--;
			len = depth ? stack[depth - 1] : 0;
			path[len] = '\0';
			continue;
		}
		if (depth == KH_PATH_MAX_DEPTH * 2 ||
		    len + comp.len + 2 >= sizeof(path))
			return refuse(c, l->path, "symbolic link target too long");
		len += snprintf(path + len, sizeof(path) - len, "%s%.*s",
				len ? "/" : "", (int)comp.len, comp.name);
		stack[depth++] = len;
		if (is_link_path(c, path))
			return refuse(c, l->path, "symbolic link through another symbolic link");
	}
	return 0;
}

/* The directory the previous link went into: links come in runs. */
struct link_parent {
	int fd;
	size_t len;
	const char *path;	/* its first @len bytes name the directory */
};

static int make_link(struct unpack_ctx *c, const struct deferred_link *l,
		     struct link_parent *parent)
{
	const char *name = strrchr(l->path, '/'), *why = NULL;
	size_t len = name ? (size_t)(name - l->path) : 0;
	struct kh_path p;
	int ret;

	name = name ? name + 1 : l->path;
	if (parent->fd < 0 || len != parent->len ||
	    memcmp(l->path, parent->path, len)) {
		if (parent->fd >= 0)
			close(parent->fd);
		parent->fd = -1;
		ret = kh_path_split(&p, l->path, &why);
		if (!ret)
			ret = open_parent(c, &p, l->path, true);
		kh_path_release(&p);
		if (ret < 0)
			return ret;
		*parent = (struct link_parent){ ret, len, l->path };
	}
	ret = clear_slot(c, parent->fd, name, l->path);
	if (!ret && symlinkat(l->target, parent->fd, name))
		ret = sys_fail(c, errno, "create link", l->path);
	return ret;
}

static int make_links(struct unpack_ctx *c)
{
	struct link_parent parent = { .fd = -1 };
	const char *why = NULL;
	struct kh_path p;
	size_t i;
	int ret = 0;

	if (!c->nlinks)
		return 0;
	c->link_paths = malloc(c->nlinks * sizeof(*c->link_paths));
	if (!c->link_paths)
		return kh_err_sys(c->err, ENOMEM, "'%s'", c->dir);
	for (i = 0; i < c->nlinks; i++)
		c->link_paths[i] = c->links[i].path;
	qsort(c->link_paths, c->nlinks, sizeof(*c->link_paths), cmp_path);
	for (i = 0; !ret && i < c->nlinks; i++) {
		ret = kh_path_split(&p, c->links[i].path, &why);
		if (!ret)
			ret = check_link_path(c, &p, &c->links[i]);
		kh_path_release(&p);
	}
	for (i = 0; !ret && i < c->nlinks; i++)
		ret = make_link(c, &c->links[i], &parent);
	if (parent.fd >= 0)
		close(parent.fd);
	return ret;
}

/*
 * Open (creating with mode 0700 when missing) the unpack directory, never
 * through a symbolic link.
 */
static int open_root(const char *dir, bool *created_out, struct kh_error *err)
{
	struct stat st;
	bool created = false;
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		/* Created only if our mkdir() made it: one that appeared
		 * meanwhile is someone else's, never emptied on failure. */
		created = !mkdir(dir, 0700);
		if (!created && errno != EEXIST)
			return kh_err_sys_at(err, errno, dir,
					     "cannot create '%s'", dir);
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	*created_out = created;
	if (fd < 0) {
		if (!lstat(dir, &st) && S_ISLNK(st.st_mode))
			return kh_err_at(err, EPERM, dir,
				      "refusing to unpack into '%s': it is a symbolic link",
				      dir);
		return kh_err_sys_at(err, errno, dir, "cannot open '%s'", dir);
	}
	if (created && fchmod(fd, 0700)) {
		kh_err_sys_at(err, errno, dir, "cannot open '%s'", dir);
		close(fd);
		return -err->code;
	}
	return fd;
}

/* The top must pass kh_dir_trust(): nobody else may add or swap names. */
static int check_root(int dfd, const char *dir, struct kh_error *err)
{
	struct stat st;

	if (fstat(dfd, &st))
		return kh_err_sys_at(err, errno, dir, "cannot open '%s'", dir);
	switch (kh_dir_trust(&st)) {
	case KH_DIR_FOREIGN:
		return kh_err_at(err, EPERM, dir,
			      "refusing to unpack into '%s': it is owned by uid %u, not by uid %u",
			      dir, (unsigned int)st.st_uid,
			      (unsigned int)geteuid());
	case KH_DIR_SHARED:
		return kh_err_at(err, EPERM, dir,
			      "refusing to unpack into '%s': it is writable by group or others (mode %04o)",
			      dir, (unsigned int)(st.st_mode & 07777));
	default:
		return 0;
	}
}

static int unpack_all(struct unpack_ctx *c, const void *xz, size_t len)
{
	struct archive_entry *ae;
	struct kh_error why;
	int r, ret;

	ret = kh_tar_open(&c->tar, xz, len, NULL, &why);
	if (ret)
		goto out_why;
	c->a = c->tar.ar;
	while ((r = archive_read_next_header(c->a, &ae)) != ARCHIVE_EOF) {
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			ret = kh_tar_why(&c->tar, &why);
			goto out_why;
		}
		ret = unpack_entry(c, ae);
		if (ret)
			return ret;
	}
	return make_links(c);
out_why:
	return kh_err_at(c->err, -ret, c->dir,
			 "cannot read the archive for '%s': %s",
		      c->dir, why.msg);
}

int kh_unpack_at(int dfd, const char *dir, const void *xz, size_t len,
		 const struct kh_unpack_opts *opts, struct kh_error *err)
{
	struct unpack_ctx c;
	char **names;
	size_t i, nr;
	int ret;

	ret = check_root(dfd, dir, err);
	if (ret)
		return ret;
	memset(&c, 0, sizeof(c));
	c.root = dfd;
	c.dir = dir;
	c.err = err;
	c.max = opts && opts->max_size ? opts->max_size :
		KH_UNPACK_DEFAULT_MAX_SIZE;
	/* Nobody else can write there (check_root()): only we add links. */
	if (!kh_dir_names(dfd, &names, &nr)) {
		c.root_was_empty = !nr;
		kh_dir_names_free(names, nr);
	}
	ret = unpack_all(&c, xz, len);
	kh_tar_close(&c.tar);
	for (i = 0; i < c.nlinks; i++) {
		free(c.links[i].path);
		free(c.links[i].target);
	}
	free(c.links);
	free(c.link_paths);
	free(c.written.slot);
	return ret;
}

int kh_unpack_to_dir(const void *xz, size_t len, const char *dir,
		     const struct kh_unpack_opts *opts, struct kh_error *err)
{
	bool created = false;
	int dfd, ret;

	dfd = open_root(dir, &created, err);
	if (dfd < 0)
		return dfd;
	ret = kh_unpack_at(dfd, dir, xz, len, opts, err);
	/* A directory we created holds nothing of a failed unpack. */
	if (ret && created) {
		kh_dir_empty_at(dfd);
		close(dfd);
		rmdir(dir);
		return ret;
	}
	close(dfd);
	return ret;
}
