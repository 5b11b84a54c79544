// SPDX-License-Identifier: GPL-2.0
/*
 * prepare_cache.c - the cache of unpacked header trees behind kh_prepare().
 * The root is the caller's own and nothing above it can be changed by
 * another user; an entry is named by its archive's SHA-256, unpacked into
 * a private temporary directory, sealed by a completion marker
 * (prepare_marker.c: written last, recording a manifest of every path,
 * type and size) and renamed into place, so it appears whole or not at
 * all.  Below the root every step goes through directory descriptors
 * (dir.c) with O_NOFOLLOW or AT_SYMLINK_NOFOLLOW: a planted link is seen,
 * never followed, and an entry failing any check is moved aside, never
 * trusted.  gc removes the entries its caller no longer wants.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "archtab.h"
#include "digest.h"
#include "dir.h"
#include "error.h"
#include "path.h"
#include "prepare.h"
#include "prepare_cache.h"
#include "unpack.h"

#define OPEN_DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/* ---- entries ------------------------------------------------------------ */

static int check_marker_and_tree(int efd, const char *name,
				 struct kh_prepare_marker *m, char *why)
{
	int ret = kh_prepare_marker_read(efd, m, why);

	if (!ret && strcmp(m->sha256, name))
		ret = kh_prepare_damaged(why, "its marker names another archive");
	if (!ret)
		ret = kh_prepare_manifest_check(efd, m, why);
	return ret;
}

int kh_prepare_entry_check(int rootfd, const char *name,
			   struct kh_prepare_marker *m, char *why)
{
	struct stat st;
	int efd, ret;

	if (fstatat(rootfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (S_ISLNK(st.st_mode))
		return kh_prepare_damaged(why, "it is a symbolic link");
	if (!S_ISDIR(st.st_mode))
		return kh_prepare_damaged(why, "it is not a directory");
	efd = openat(rootfd, name, OPEN_DIR_FLAGS);
	if (efd < 0)
		return errno == ENOENT ? -ENOENT :
		       kh_prepare_damaged(why, "cannot open it: %s", strerror(errno));
	if (fstat(efd, &st))
		ret = -errno;
	else if (kh_dir_trust(&st) == KH_DIR_FOREIGN)
		ret = kh_prepare_damaged(why, "it is owned by uid %u",
					 (unsigned int)st.st_uid);
	else if (kh_dir_trust(&st) == KH_DIR_SHARED)
		ret = kh_prepare_damaged(why, "it is writable by group or others");
	else
		ret = check_marker_and_tree(efd, name, m, why);
	close(efd);
	return ret;
}

/* ---- where the root is ------------------------------------------------- */

/* The cache root as an absolute path (malloc'd in *@out), or an error. */
static int cache_root(const struct kh_prepare_opts *o, char **out,
		      struct kh_error *err)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	struct passwd *pw;
	char cwd[4096] = "";

	if (o->cache_dir) {
		if (o->cache_dir[0] != '/' && !getcwd(cwd, sizeof(cwd)))
			return kh_err_sys(err, errno,
					  "cannot resolve cache root '%s'",
					  o->cache_dir);
		*out = kh_path_absolute(cwd, o->cache_dir);
	} else if (geteuid() == 0) {
		*out = strdup("/var/cache/kheaders");
	} else if (xdg && xdg[0] == '/') {
		*out = kh_path_absolute(xdg, "kheaders");
	} else {
		if (!home || home[0] != '/') {
			pw = getpwuid(geteuid());
			home = pw ? pw->pw_dir : NULL;
		}
		if (!home || home[0] != '/')
			return kh_err(err, ENOENT, "no cache root: HOME is not set; use a cache directory");
		*out = kh_path_join(home, ".cache/kheaders");
	}
	return *out ? 0 : kh_err_sys(err, ENOMEM, "cannot resolve the cache root");
}

int kh_prepare_cache_open(const struct kh_prepare_opts *opts, bool create,
			  char **rootpath, struct kh_error *err)
{
	int fd;

	*rootpath = NULL;
	fd = cache_root(opts, rootpath, err);
	if (fd)
		return fd;
	fd = kh_prepare_root_open(*rootpath, create, err);
	if (fd < 0) {
		free(*rootpath);
		*rootpath = NULL;
	}
	return fd;
}

/* ---- the root ----------------------------------------------------------- */

static int mkdir_parents(const char *path)
{
	char buf[4096];
	size_t i, len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, i == len ? 0755 : 0700) && errno != EEXIST)
			return -errno;
		buf[i] = path[i];
	}
	return 0;
}

/*
 * Every directory above @path: owned by root or us, and if writable by
 * group or others, sticky (so nobody else can rename our root away).
 */
static int check_ancestors(const char *path, struct kh_error *err)
{
	char buf[4096];
	struct stat st;
	size_t i, len = strlen(path);

	if (len >= sizeof(buf))
		return kh_err(err, ENAMETOOLONG, "cache root '%s' is too long",
			      path);
	memcpy(buf, path, len + 1);
	for (i = len; i-- > 0;) {
		if (buf[i] != '/')
			continue;
		buf[i ? i : 1] = '\0';
		if (stat(buf, &st)) {
			if (errno == ENOENT)
				continue;	/* made by us, checked after */
			return kh_err_sys(err, errno, "cannot check '%s'", buf);
		}
		if (st.st_uid != 0 && st.st_uid != geteuid())
			return kh_err(err, EPERM,
				      "refusing cache root '%s': '%s' above it is owned by uid %u",
				      path, buf, (unsigned int)st.st_uid);
		if ((st.st_mode & 022) && !(st.st_mode & S_ISVTX))
			return kh_err(err, EPERM,
				      "refusing cache root '%s': '%s' above it is writable by group or others",
				      path, buf);
	}
	return 0;
}

int kh_prepare_root_open(const char *path, bool create, struct kh_error *err)
{
	struct stat st;
	int fd, ret;

	if (path[0] != '/')
		return kh_err(err, EINVAL, "cache root '%s' is not absolute",
			      path);
	ret = check_ancestors(path, err);
	if (ret)
		return ret;
	if (create) {
		ret = mkdir_parents(path);
		if (ret)
			return kh_err_sys(err, -ret, "cannot create cache root '%s'",
					  path);
		ret = check_ancestors(path, err);
		if (ret)
			return ret;
	}
	fd = open(path, OPEN_DIR_FLAGS);
	if (fd < 0) {
		ret = errno;
		if (!lstat(path, &st) && S_ISLNK(st.st_mode))
			return kh_err(err, EPERM,
				      "refusing cache root '%s': it is a symbolic link",
				      path);
		return kh_err_sys(err, ret, "cannot open cache root '%s'",
				  path);
	}
	if (fstat(fd, &st)) {
		ret = kh_err_sys(err, errno, "cannot open cache root '%s'",
				 path);
	} else if (kh_dir_trust(&st) == KH_DIR_FOREIGN) {
		ret = kh_err(err, EPERM,
			     "refusing cache root '%s': it is owned by uid %u, not by uid %u",
			     path, (unsigned int)st.st_uid,
			     (unsigned int)geteuid());
	} else if (kh_dir_trust(&st) == KH_DIR_SHARED) {
		ret = kh_err(err, EPERM,
			     "refusing cache root '%s': it is writable by group or others (mode %04o)",
			     path, (unsigned int)(st.st_mode & 07777));
	} else {
		return fd;
	}
	close(fd);
	return ret;
}

int kh_prepare_lock(int rootfd, struct kh_error *err)
{
	struct stat st;
	int fd;

	fd = openat(rootfd, KH_PREPARE_LOCK,
		    O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return kh_err_sys(err, errno, "cannot open the lock of the cache root");
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 077)) {
		close(fd);
		return kh_err(err, EPERM,
			      "refusing the cache root's lock file: not a private file of ours");
	}
	while (flock(fd, LOCK_EX)) {
		int e = errno;

		if (e == EINTR)
			continue;
		close(fd);
		/*
		 * No locks on this file system, or a kernel built without
		 * FILE_LOCKING (ENOSYS): entries are still made by rename,
		 * so racing callers only repeat work.
		 */
		return e == ENOLCK || e == EOPNOTSUPP || e == ENOSYS ?
		       -ENOLCK : kh_err_sys(err, e, "cannot lock the cache root");
	}
	return fd;
}

/* A fresh private directory PREFIX<random> in the root; its name in @name. */
static int make_private_dir(int rootfd, const char *prefix, char *name,
			    size_t size)
{
	uint8_t rnd[8];
	char hex[17];
	int tries;

	for (tries = 0; tries < 16; tries++) {
		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
			return -EIO;
		kh_hex(rnd, sizeof(rnd), hex);
		snprintf(name, size, "%s%s", prefix, hex);
		if (!mkdirat(rootfd, name, 0700))
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int kh_prepare_entry_remove(int rootfd, const char *rootpath,
			    const char *name, struct kh_error *err)
{
	char trash[64];
	int tfd, ret;

	ret = make_private_dir(rootfd, KH_PREPARE_TRASH, trash, sizeof(trash));
	if (ret)
		return kh_err_sys(err, -ret, "cannot create a directory in '%s'",
				  rootpath);
	tfd = openat(rootfd, trash, OPEN_DIR_FLAGS);
	if (tfd < 0) {
		ret = kh_err_sys(err, errno, "cannot open '%s/%s'", rootpath,
				 trash);
		goto out_rmdir;
	}
	if (renameat(rootfd, name, tfd, "entry"))
		ret = errno == ENOENT ? -ENOENT :
		      kh_err_sys(err, errno, "cannot move '%s/%s' aside",
				 rootpath, name);
	close(tfd);
out_rmdir:
	kh_dir_remove_tree_at(rootfd, trash);
	return ret;
}

/* The arch/ directory holding include/: the only one, or the host's. */
static void find_arch(int efd, char *arch, size_t size)
{
	struct stat st;
	char **names, path[320];
	size_t n, i;
	int afd;

	arch[0] = '\0';
	afd = openat(efd, "arch", OPEN_DIR_FLAGS);
	if (afd < 0)
		return;
	if (!kh_dir_names(afd, &names, &n)) {
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "%s/include", names[i]);
			if (!kh_prepare_arch_valid(names[i]) ||
			    fstatat(afd, path, &st, AT_SYMLINK_NOFOLLOW) ||
			    !S_ISDIR(st.st_mode))
				continue;
			if (!arch[0] || !strcmp(names[i], kh_arch_host_srcarch()))
				snprintf(arch, size, "%s", names[i]);
		}
		kh_dir_names_free(names, n);
	}
	close(afd);
}

/* Seal the unpacked tree open at @efd: its arch, manifest and marker. */
static int seal(int efd, const char *path, struct kh_prepare_marker *m,
		struct kh_error *err)
{
	char why[KH_PREPARE_WHY_MAX];
	int ret;

	find_arch(efd, m->arch, sizeof(m->arch));
	ret = kh_prepare_manifest(efd, m, why);
	if (ret == -EUCLEAN)
		ret = kh_err(err, EUCLEAN, "'%s' after unpacking: %s", path,
			     why);
	else if (ret)
		ret = kh_err_sys(err, -ret, "cannot walk '%s'", path);
	if (!ret)
		ret = kh_prepare_marker_write(efd, m, path, err);
	if (!ret && fchmod(efd, 0755))
		ret = kh_err_sys(err, errno, "cannot open up '%s'", path);
	return ret;
}

static int rename_entry(int rootfd, const char *tmp, const char *path,
			const struct kh_prepare_marker *m, struct kh_error *err)
{
	if (renameat(rootfd, tmp, rootfd, m->sha256)) {
		if (errno == EEXIST || errno == ENOTEMPTY)
			return -EEXIST;
		if (errno == ENOTDIR || errno == EISDIR)
			return -ENOTDIR;
		return kh_err_sys(err, errno, "cannot rename '%s'", path);
	}
	fsync(rootfd);
	return 0;
}

int kh_prepare_entry_create(int rootfd, const char *rootpath,
			    const void *xz, size_t len,
			    const struct kh_unpack_opts *uopts,
			    struct kh_prepare_marker *m, struct kh_error *err)
{
	return kh_prepare_entry_create_filled(rootfd, rootpath, xz, len, uopts,
					      NULL, m, err);
}

int kh_prepare_entry_create_filled(int rootfd, const char *rootpath,
				   const void *xz, size_t len,
				   const struct kh_unpack_opts *uopts,
				   const struct kh_prepare_fill *fill,
				   struct kh_prepare_marker *m,
				   struct kh_error *err)
{
	char tmp[64], *path;
	int efd, ret;

	ret = make_private_dir(rootfd, KH_PREPARE_TMP, tmp, sizeof(tmp));
	if (ret)
		return kh_err_sys(err, -ret, "cannot create a directory in '%s'",
				  rootpath);
	path = kh_path_join(rootpath, tmp);
	if (!path) {
		ret = kh_err_sys(err, ENOMEM, "cannot create a directory in '%s'",
				 rootpath);
		goto out_remove;
	}
	efd = openat(rootfd, tmp, OPEN_DIR_FLAGS);
	if (efd < 0) {
		ret = kh_err_sys(err, errno, "cannot open '%s'", path);
		goto out_remove;
	}
	ret = kh_unpack_at(efd, path, xz, len, uopts, err);
	if (!ret && fill)
		ret = fill->fn(efd, path, fill->ctx, err);
	if (!ret)
		ret = seal(efd, path, m, err);
	close(efd);
	if (!ret)
		ret = rename_entry(rootfd, tmp, path, m, err);
out_remove:
	if (ret)
		kh_dir_remove_tree_at(rootfd, tmp);
	free(path);
	return ret;
}

void kh_prepare_remove_stale(int rootfd, time_t age)
{
	struct stat st;
	char **names;
	size_t n, i;
	time_t now = time(NULL);

	if (kh_dir_names(rootfd, &names, &n))
		return;
	for (i = 0; i < n; i++) {
		if (strncmp(names[i], KH_PREPARE_TMP, strlen(KH_PREPARE_TMP)) &&
		    strncmp(names[i], KH_PREPARE_TRASH,
			    strlen(KH_PREPARE_TRASH)))
			continue;
		if (fstatat(rootfd, names[i], &st, AT_SYMLINK_NOFOLLOW) ||
		    st.st_uid != geteuid() || now - st.st_mtime < age)
			continue;
		kh_dir_remove_tree_at(rootfd, names[i]);
	}
	kh_dir_names_free(names, n);
}

/* ---- gc ----------------------------------------------------------------- */

struct gc {
	int rootfd;
	const char *rootpath;
	const struct kh_prepare_opts *o;
	int (*keep)(const char *name, const struct kh_prepare_marker *m,
		    void *ctx, struct kh_error *err);
	void *ctx;
	struct kh_prepare_gc_result *res;
	struct kh_error *err;
};

static int gc_entry(struct gc *g, const char *name)
{
	char why[KH_PREPARE_WHY_MAX];
	struct kh_prepare_marker m;
	int ret;

	if (!kh_prepare_name_valid(name)) {
		g->res->foreign++;
		return 0;
	}
	ret = kh_prepare_entry_check(g->rootfd, name, &m, why);
	if (ret == -ENOENT)
		return 0;
	if (ret == -EUCLEAN) {
		kh_prepare_note(g->o, "leaving '%s/%s' alone: %s", g->rootpath,
				name, why);
		g->res->foreign++;
		return 0;
	}
	if (ret)
		return kh_err_sys(g->err, -ret, "cannot check '%s/%s'",
				  g->rootpath, name);
	ret = g->keep(name, &m, g->ctx, g->err);
	if (ret < 0)
		return ret;
	if (ret) {
		g->res->kept++;
		return 0;
	}
	ret = kh_prepare_entry_remove(g->rootfd, g->rootpath, name, g->err);
	if (ret && ret != -ENOENT)
		return ret;
	kh_prepare_note(g->o, "removed '%s/%s' (from '%s'; no installed kernel has it)",
			g->rootpath, name, m.source);
	g->res->removed++;
	return 0;
}

int kh_prepare_cache_gc(int rootfd, const char *rootpath,
			const struct kh_prepare_opts *opts,
			int (*keep)(const char *name,
				    const struct kh_prepare_marker *m,
				    void *ctx, struct kh_error *err),
			void *ctx, struct kh_prepare_gc_result *res,
			struct kh_error *err)
{
	struct gc g = { rootfd, rootpath, opts, keep, ctx, res, err };
	char **names;
	size_t n, i;
	int ret;

	ret = kh_dir_names(rootfd, &names, &n);
	if (ret)
		return kh_err_sys(err, -ret, "cannot read '%s'", rootpath);
	for (i = 0; !ret && i < n; i++)
		if (names[i][0] != '.')
			ret = gc_entry(&g, names[i]);
	kh_dir_names_free(names, n);
	return ret;
}

/* Checks and attempts at an entry before kh_prepare_entry_make() gives up. */
#define MAX_ATTEMPTS 4

int kh_prepare_entry_make(const struct kh_prepare_opts *o, int rootfd,
			  const char *rootpath, const struct kh_buf *xz,
			  const struct kh_prepare_fill *fill,
			  struct kh_prepare_marker *m,
			  struct kh_prepare_made *made, struct kh_error *err)
{
	char why[KH_PREPARE_WHY_MAX];
	int ret, lock = -1, attempt;

	memset(made, 0, sizeof(*made));
	for (attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
		ret = kh_prepare_entry_check(rootfd, m->sha256, &made->found, why);
		if (!ret)
			break;
		if (ret != -ENOENT && ret != -EUCLEAN) {
			ret = kh_err_sys(err, -ret, "cannot check cache entry '%s/%s'",
					 rootpath, m->sha256);
			break;
		}
		if (lock < 0 && attempt == 0) {
			lock = kh_prepare_lock(rootfd, err);
			if (lock < 0 && lock != -ENOLCK)
				return lock;
			continue;	/* check again under the lock */
		}
		if (ret == -EUCLEAN) {
			kh_prepare_note(o, "replacing damaged cache entry '%s/%s': %s",
			     rootpath, m->sha256, why);
			ret = kh_prepare_entry_remove(rootfd, rootpath,
						      m->sha256, err);
			if (ret && ret != -ENOENT)
				break;
			made->replaced = true;
		}
		ret = kh_prepare_entry_create_filled(rootfd, rootpath, xz->data,
						     xz->len, &o->unpack, fill,
						     m, err);
		if (!ret) {
			made->unpacked = true;
			made->found = *m;
			break;
		}
		if (ret != -EEXIST && ret != -ENOTDIR)
			goto out_unlock;	/* @err says why */
		if (ret == -EEXIST)
			kh_prepare_note(o, "unpacked '%s/%s' in vain: another caller's tree won the rename",
			     rootpath, m->sha256);
	}
	if (ret == -ENOENT || ret == -EUCLEAN)
		ret = kh_err(err, EAGAIN, "cannot settle cache entry '%s/%s': %s",
			     rootpath, m->sha256,
			     ret == -EUCLEAN ? why : "it keeps changing");
	else if (ret == -EEXIST || ret == -ENOTDIR)
		ret = kh_err(err, EAGAIN, "cannot settle cache entry '%s/%s'",
			     rootpath, m->sha256);
out_unlock:
	if (lock >= 0)
		close(lock);
	return ret;
}
