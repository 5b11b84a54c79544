// SPDX-License-Identifier: GPL-2.0
/*
 * dir.c - directories through descriptors, for collect, listing, unpack
 * and prepare's cache: sorted names, a walk that never follows a link,
 * removal of a tree, and the one trust rule for a directory we write into.
 * Nothing here prints or keeps state between calls.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kheaders.h"
#include "dir.h"
#include "util.h"

#define OPEN_DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#define REMOVE_MAX_DEPTH 256

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void kh_dir_names_free(char **names, size_t nr)
{
	while (nr)
		free(names[--nr]);
	free(names);
}

int kh_dir_names(int dfd, char ***names, size_t *nr)
{
	char **v = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	int fd, ret = 0;
	DIR *d;

	*names = NULL;
	*nr = 0;
	fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		ret = -errno;
		close(fd);
		return ret;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (ALLOC_GROW(v, n + 1, alloc))
			goto out_nomem;
		v[n] = strdup(de->d_name);
		if (!v[n])
			goto out_nomem;
		n++;
	}
	ret = -errno;
	closedir(d);
	if (ret) {
		kh_dir_names_free(v, n);
		return ret;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_names);
	*names = v;
	*nr = n;
	return 0;
out_nomem:
	closedir(d);
	kh_dir_names_free(v, n);
	return -ENOMEM;
}

enum kh_dir_trust kh_dir_trust(const struct stat *st)
{
	if (st->st_uid != geteuid())
		return KH_DIR_FOREIGN;
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return KH_DIR_SHARED;
	return KH_DIR_TRUSTED;
}

/* ---- the walk ----------------------------------------------------------- */

struct walk {
	const struct kh_dir_walk *w;
	struct kh_buf path;
};

static int walk_fail(struct walk *s, const struct kh_dir_entry *e,
		     enum kh_dir_op op, int code)
{
	if (s->w->fail)
		return s->w->fail(e, op, code, s->w->ctx);
	return -code;
}

static int walk_dir(struct walk *s, int dfd, const struct kh_dir_entry *self);

static int walk_into(struct walk *s, const struct kh_dir_entry *e)
{
	int sub, ret;

	if (e->depth > s->w->max_depth)
		return walk_fail(s, e, KH_DIR_DEEP, ELOOP);
	sub = openat(e->dfd, e->name, OPEN_DIR_FLAGS);
	if (sub < 0)
		return walk_fail(s, e, KH_DIR_OPEN, errno);
	ret = walk_dir(s, sub, e);
	close(sub);
	return ret;
}

static int walk_entry(struct walk *s, const struct kh_dir_entry *parent,
		      int dfd, const char *name)
{
	struct kh_dir_entry e = { .dfd = dfd, .name = name,
				  .depth = parent->depth + 1 };
	size_t plen = s->path.len;
	int ret;

	if ((plen && kh_buf_addstr(&s->path, "/")) ||
	    kh_buf_addstr(&s->path, name)) {
		/* The append may have moved the buffer parent->path is in. */
		struct kh_dir_entry p = *parent;

		kh_buf_setlen(&s->path, plen);
		p.path = kh_buf_str(&s->path);
		ret = walk_fail(s, &p, KH_DIR_READ, ENOMEM);
		goto out_cut;
	}
	e.path = (const char *)s->path.data;
	if (fstatat(dfd, name, &e.st, AT_SYMLINK_NOFOLLOW)) {
		ret = walk_fail(s, &e, KH_DIR_STAT, errno);
		goto out_cut;
	}
	ret = s->w->visit(&e, s->w->ctx);
	if (!ret && S_ISDIR(e.st.st_mode))
		ret = walk_into(s, &e);
	if (ret > 0)
		ret = 0;
out_cut:
	kh_buf_setlen(&s->path, plen);
	return ret;
}

static int walk_dir(struct walk *s, int dfd, const struct kh_dir_entry *self)
{
	char **names;
	size_t nr, i;
	int ret;

	ret = kh_dir_names(dfd, &names, &nr);
	if (ret)
		return walk_fail(s, self, KH_DIR_READ, -ret);
	for (i = 0; i < nr && !ret; i++)
		ret = walk_entry(s, self, dfd, names[i]);
	kh_dir_names_free(names, nr);
	return ret;
}

int kh_dir_walk(int dfd, const struct kh_dir_walk *w)
{
	struct walk s = { .w = w };
	struct kh_dir_entry top = { .dfd = dfd, .name = ".", .path = "" };
	int ret;

	kh_buf_init(&s.path);
	if (fstat(dfd, &top.st))
		return walk_fail(&s, &top, KH_DIR_STAT, errno);
	ret = walk_dir(&s, dfd, &top);
	kh_buf_release(&s.path);
	return ret;
}

/* ---- removal ------------------------------------------------------------ */

static int remove_at(int dfd, const char *name, unsigned int depth);

static int empty_at(int dfd, unsigned int depth)
{
	char **names;
	size_t nr, i;
	int ret, r;

	ret = kh_dir_names(dfd, &names, &nr);
	if (ret)
		return ret;
	for (i = 0; i < nr; i++) {
		r = remove_at(dfd, names[i], depth);
		if (r && !ret)
			ret = r;
	}
	kh_dir_names_free(names, nr);
	return ret;
}

static int remove_at(int dfd, const char *name, unsigned int depth)
{
	struct stat st;
	int sub, ret = 0;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dfd, name, 0) && errno != ENOENT ? -errno : 0;
	if (depth >= REMOVE_MAX_DEPTH)
		return -ELOOP;
	/* A tree we made read-only (or an entry's mode did) must be opened. */
	if (st.st_uid == geteuid() && (st.st_mode & 0700) != 0700 &&
	    fchmodat(dfd, name, 0700, 0))
		return -errno;
	sub = openat(dfd, name, OPEN_DIR_FLAGS);
	if (sub < 0)
		return errno == ENOENT ? 0 : -errno;
	ret = empty_at(sub, depth + 1);
	close(sub);
	if (unlinkat(dfd, name, AT_REMOVEDIR) && errno != ENOENT && !ret)
		ret = -errno;
	return ret;
}

int kh_dir_remove_tree_at(int dfd, const char *name)
{
	return remove_at(dfd, name, 0);
}

int kh_dir_empty_at(int dfd)
{
	return empty_at(dfd, 0);
}
