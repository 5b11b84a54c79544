// SPDX-License-Identifier: GPL-2.0
/*
 * collect.c - walk the source and object trees (or read Kbuild's file
 * lists) and snapshot the sorted list of headers to archive, and for the
 * modules profile the kit's roots (kit.h), applying the rules of collect.h
 * and the symlink policy: a relative link whose target is a file of the
 * archive stays a link; any other link is dereferenced; a dangling link or
 * a loop is an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "collect.h"
#include "dir.h"
#include "kit.h"
#include "path.h"
#include "error.h"
#include "util.h"

struct walk {
	struct kh_source_list *list;
	const char *tree;	/* prefix for paths we open */
	bool objtree;
	const char *skip_dir;	/* archive name of a directory to skip */
	const char *root;	/* archive name of the root being walked */
	struct kh_error *err;
	const struct kh_kit_root *kit;	/* the kit root being collected */
	bool no_dir_deps;	/* its directories change on every build */
};

void kh_source_list_init(struct kh_source_list *list)
{
	memset(list, 0, sizeof(*list));
}

static void source_release(struct kh_source *s)
{
	free(s->name);
	free(s->path);
	free(s->link);
}

void kh_source_list_release(struct kh_source_list *list)
{
	size_t i;

	for (i = 0; i < list->nr; i++)
		source_release(&list->v[i]);
	for (i = 0; i < list->nr_deps; i++)
		free(list->deps[i]);
	free(list->v);
	free(list->deps);
	kh_source_list_init(list);
}

static int add_dep(struct kh_source_list *list, const char *path,
		   struct kh_error *err)
{
	if (ALLOC_GROW(list->deps, list->nr_deps + 1, list->alloc_deps))
		return kh_err_sys_at(err, ENOMEM, path, "cannot record '%s'",
				     path);
	list->deps[list->nr_deps] = strdup(path);
	if (!list->deps[list->nr_deps])
		return kh_err_sys_at(err, ENOMEM, path,
				     "cannot record '%s'", path);
	list->nr_deps++;
	return 0;
}

/*
 * A walked directory is a dependency (a header added to it changes its
 * mtime), except in the object tree: Kbuild rewrites its generated/
 * directories on every run, and a new generated header always comes with a
 * changed autoconf.h, which is a dependency itself.  The kit's scripts/ and
 * tools/ are object directories too when the trees are one.
 */
static int walk_dep(struct walk *w, const char *path)
{
	return w->objtree || w->no_dir_deps ? 0 :
	       add_dep(w->list, path, w->err);
}

static bool is_excluded(const char *name)
{
	const char *base = strrchr(name, '/');

	base = base ? base + 1 : name;
	return !strcmp(base, "Module.symvers") ||
	       !strcmp(name, "include/generated/utsversion.h");
}

/* Beyond any real header, and what a build may hold in memory per file. */
#define KH_HEADER_SIZE_MAX (256LL << 20)

static int check_limits(const char *path, const struct stat *st,
			struct kh_error *err)
{
	if (strlen(path) >= PATH_MAX)
		return kh_err_at(err, ENAMETOOLONG, path,
			      "cannot archive '%s': its path is longer than %d bytes",
			      path, PATH_MAX - 1);
	if (S_ISREG(st->st_mode) && st->st_size > KH_HEADER_SIZE_MAX)
		return kh_err_at(err, EFBIG, path,
			      "'%s' is too large for a header: %lld bytes, the limit is 256 MiB",
			      path, (long long)st->st_size);
	return 0;
}

static bool is_header(const char *name)
{
	size_t n = strlen(name);

	return n > 2 && !strcmp(name + n - 2, ".h");
}

/* add_source() - append @name (archive path) read from @path. */
static int add_source(struct walk *w, const char *name, const char *path,
		      const struct stat *st)
{
	struct kh_source_list *list = w->list;
	struct kh_source *s;
	int ret;

	if (is_excluded(name)) {
		list->nr_skipped++;
		return 0;
	}
	ret = check_limits(path, st, w->err);
	if (ret)
		return ret;
	if (ALLOC_GROW(list->v, list->nr + 1, list->alloc))
		return kh_err_sys_at(w->err, ENOMEM, path,
				     "cannot record '%s'", path);
	s = &list->v[list->nr];
	memset(s, 0, sizeof(*s));
	s->name = strdup(name);
	s->path = strdup(path);
	if (!s->name || !s->path) {
		source_release(s);
		return kh_err_sys_at(w->err, ENOMEM, path,
				     "cannot record '%s'", path);
	}
	s->st = *st;
	s->from_objtree = w->objtree;
	s->kit = w->kit != NULL;
	list->nr_kit += s->kit;
	list->nr++;
	if (w->objtree)
		list->nr_obj++;
	else
		list->nr_src++;
	return 0;
}

/* Deeper directories could hold no header whose path fits in PATH_MAX. */
#define WALK_MAX_DEPTH (PATH_MAX / 2)

/* The archive name (@root/@rel) and tree path of a walked entry. */
static int walk_names(struct walk *w, const struct kh_dir_entry *e,
		      char **child, char **path)
{
	*child = *e->path ? kh_path_join(w->root, e->path) : strdup(w->root);
	*path = *child ? kh_path_join(w->tree, *child) : NULL;
	if (*path)
		return 0;
	free(*child);
	*child = NULL;
	return kh_err_sys_at(w->err, ENOMEM, w->root, "cannot walk '%s'",
			     w->root);
}

/*
 * add_kit_source() - a kit file, unless it is a host binary: the archive
 * carries the sources of host programs, never a program of this host.  A
 * link that cannot be read is left to resolve_links(), which words it.
 */
static int add_kit_source(struct walk *w, const char *name, const char *path,
			  const struct stat *st)
{
	int elf = kh_kit_is_elf(path, w->err);

	if (elf < 0 && !S_ISLNK(st->st_mode))
		return elf;
	if (elf > 0) {
		w->list->nr_binaries++;
		return 0;
	}
	return add_source(w, name, path, st);
}

static bool kit_pruned(const struct kh_kit_root *r, const char *rel)
{
	size_t i;

	for (i = 0; r->prune && r->prune[i]; i++)
		if (!strcmp(rel, r->prune[i]))
			return true;
	return false;
}

static int kit_visit(struct walk *w, const struct kh_dir_entry *e,
		     const char *child, const char *path)
{
	const struct kh_kit_root *r = w->kit;

	if (S_ISDIR(e->st.st_mode)) {
		if (e->depth && (!kh_kit_dir_ok(e->name) ||
				 kit_pruned(r, e->path) ||
				 (r->flags & KH_KIT_SHALLOW)))
			return KH_DIR_SKIP;
		return walk_dep(w, path);
	}
	if ((!S_ISREG(e->st.st_mode) && !S_ISLNK(e->st.st_mode)) ||
	    !kh_kit_name_ok(e->name) || !kh_kit_walk_ok(r, e->path, e->depth))
		return 0;
	return add_kit_source(w, child, path, &e->st);
}

static int walk_visit(const struct kh_dir_entry *e, void *ctx)
{
	struct walk *w = ctx;
	char *child, *path;
	int ret;

	ret = walk_names(w, e, &child, &path);
	if (ret)
		return ret;
	if (w->kit)
		ret = kit_visit(w, e, child, path);
	else if (S_ISDIR(e->st.st_mode))
		ret = w->skip_dir && !strcmp(child, w->skip_dir) ?
		      KH_DIR_SKIP : walk_dep(w, path);
	else if ((S_ISREG(e->st.st_mode) || S_ISLNK(e->st.st_mode)) &&
		 is_header(e->name))
		ret = add_source(w, child, path, &e->st);
	free(path);
	free(child);
	return ret;
}

static int walk_fail(const struct kh_dir_entry *e, enum kh_dir_op op,
		     int code, void *ctx)
{
	struct walk *w = ctx;
	char *child, *path;
	int ret;

	ret = walk_names(w, e, &child, &path);
	if (ret)
		return ret;
	switch (op) {
	case KH_DIR_STAT:
		ret = kh_err_sys_at(w->err, code, path, "cannot stat '%s'",
				    path);
		break;
	case KH_DIR_OPEN:
		ret = kh_err_sys_at(w->err, code, path,
				    "cannot open directory '%s'", path);
		break;
	case KH_DIR_READ:
		ret = kh_err_sys(w->err, code, "cannot read directory '%s'",
				 path);
		break;
	default:
		ret = kh_err_at(w->err, ELOOP, path,
				"'%s': directories nested too deeply", path);
	}
	free(path);
	free(child);
	return ret;
}

/*
 * walk_root() - walk @tree/@root (names sorted, links never followed); a
 * missing root is fine unless @must.
 */
static int walk_root(struct walk *w, const char *root, bool must)
{
	const struct kh_dir_walk dw = {
		.max_depth = WALK_MAX_DEPTH, .visit = walk_visit,
		.fail = walk_fail, .ctx = w,
	};
	char *path = kh_path_join(w->tree, root);
	int dfd, ret;

	if (!path)
		return kh_err_sys_at(w->err, ENOMEM, root,
				     "cannot walk '%s'", root);
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		ret = 0;
		if (must || errno != ENOENT)
			ret = kh_err_sys_at(w->err, errno, path,
					 "cannot open directory '%s'", path);
		free(path);
		return ret;
	}
	w->root = root;
	ret = walk_dep(w, path);
	if (!ret)
		ret = kh_dir_walk(dfd, &dw);
	close(dfd);
	free(path);
	return ret;
}

static int cmp_source_name(const void *a, const void *b)
{
	const struct kh_source *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static int cmp_source(const void *a, const void *b)
{
	const struct kh_source *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	/* Equal names: the object tree's copy sorts first and wins. */
	if (!c)
		c = (int)y->from_objtree - (int)x->from_objtree;
	return c;
}

static void sort_and_dedup(struct kh_source_list *list)
{
	size_t i, out = 0;

	if (!list->nr)
		return;
	qsort(list->v, list->nr, sizeof(*list->v), cmp_source);
	for (i = 0; i < list->nr; i++) {
		if (out && !strcmp(list->v[out - 1].name, list->v[i].name)) {
			source_release(&list->v[i]);
			list->nr_overridden++;
			continue;
		}
		list->v[out++] = list->v[i];
	}
	list->nr = out;
}

static struct kh_source *find_source(struct kh_source_list *list,
				     const char *name)
{
	struct kh_source key = { .name = (char *)name };

	if (!list->nr)
		return NULL;
	return bsearch(&key, list->v, list->nr, sizeof(*list->v), cmp_source_name);
}

static int follow_link(struct kh_source *s, struct stat *st, char **target,
		       struct kh_error *err)
{
	char buf[PATH_MAX];
	ssize_t n;

	n = readlink(s->path, buf, sizeof(buf) - 1);
	if (n < 0)
		return kh_err_sys_at(err, errno, s->path,
				     "cannot read symlink '%s'",
				  s->path);
	buf[n] = '\0';
	if (stat(s->path, st) < 0) {
		if (errno == ENOENT)
			return kh_err_at(err, ENOENT, s->path,
				      "dangling symlink '%s' -> '%s'", s->path,
				      buf);
		if (errno == ELOOP)
			return kh_err_at(err, ELOOP, s->path,
					 "symlink loop at '%s' -> '%s'",
				      s->path, buf);
		return kh_err_sys_at(err, errno, s->path,
				     "cannot follow symlink '%s'",
				  s->path);
	}
	if (!S_ISREG(st->st_mode))
		return kh_err_at(err, EINVAL, s->path,
			      "symlink '%s' -> '%s' does not point to a regular file",
			      s->path, buf);
	n = check_limits(s->path, st, err);
	if (n)
		return n;
	*target = strdup(buf);
	return *target ? 0 : kh_err_sys_at(err, ENOMEM, s->path,
					   "'%s'", s->path);
}

/*
 * Keep a link only when its lexical target is a regular file of the
 * archive and is the very file the link resolves to; dereference all others
 * (the stock script stored links to outside files, which unpack dangling).
 */
static int resolve_links(struct kh_source_list *list, struct kh_error *err)
{
	struct stat *followed;
	char **targets;
	size_t i;
	int ret = 0;

	followed = calloc(list->nr ? list->nr : 1, sizeof(*followed));
	targets = calloc(list->nr ? list->nr : 1, sizeof(*targets));
	if (!followed || !targets) {
		ret = kh_err_sys(err, ENOMEM, "cannot resolve symlinks");
		goto out;
	}
	for (i = 0; i < list->nr && !ret; i++)
		if (S_ISLNK(list->v[i].st.st_mode))
			ret = follow_link(&list->v[i], &followed[i],
					  &targets[i], err);
	for (i = 0; i < list->nr && !ret; i++) {
		struct kh_source *s = &list->v[i], *t = NULL;
		char *cand;

		if (!targets[i])
			continue;
		cand = kh_path_link_target(s->name, targets[i]);
		if (cand)
			t = find_source(list, cand);
		free(cand);
		if (t && S_ISREG(t->st.st_mode) &&
		    t->st.st_dev == followed[i].st_dev &&
		    t->st.st_ino == followed[i].st_ino) {
			s->link = targets[i];
			targets[i] = NULL;
		}
	}
	for (i = 0; i < list->nr && !ret; i++)
		if (targets[i])
			list->v[i].st = followed[i];
out:
	for (i = 0; targets && i < list->nr; i++)
		free(targets[i]);
	free(targets);
	free(followed);
	return ret;
}

/* Strip "@tree/" from a list line; NULL if the line is outside the tree. */
static const char *list_line_name(const char *line, const char *tree)
{
	size_t n = strlen(tree);

	while (n > 1 && tree[n - 1] == '/')
		n--;
	if (!strncmp(line, tree, n) && line[n] == '/')
		return line + n + 1;
	if (line[0] == '/')
		return NULL;
	while (line[0] == '.' && line[1] == '/')
		line += 2;
	return line;
}

static int read_list(struct walk *w, const char *listfile)
{
	struct kh_buf buf;
	char *line, *next, *name = NULL, *path = NULL;
	unsigned int lineno = 0;
	struct stat st;
	int ret;

	kh_buf_init(&buf);
	ret = kh_read_file(listfile, 1U << 30, &buf, w->err);
	if (ret)
		goto out;
	ret = add_dep(w->list, listfile, w->err);
	if (ret || kh_buf_append(&buf, "", 1))
		goto out_nomem;
	for (line = (char *)buf.data; *line && !ret; line = next) {
		const char *rel;

		lineno++;
		next = strchrnul(line, '\n');
		if (*next)
			*next++ = '\0';
		if (!*line)
			continue;
		rel = list_line_name(line, w->tree);
		free(name);
		name = rel ? strdup(rel) : NULL;
		if (!name || !kh_path_normalize(name) || !*name) {
			ret = kh_err_at(w->err, EINVAL, listfile,
				     "'%s' line %u: '%s' is not inside '%s'",
				     listfile, lineno, line, w->tree);
			break;
		}
		free(path);
		path = kh_path_join(w->tree, name);
		if (!path)
			goto out_nomem;
		if (lstat(path, &st) < 0) {
			ret = kh_err_sys_at(w->err, errno, path,
					    "cannot stat '%s' (%s line %u)",
					 path, listfile, lineno);
			break;
		}
		if (S_ISDIR(st.st_mode))
			continue;
		if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
			ret = kh_err_at(w->err, EINVAL, path,
					"'%s' is not a regular file",
				     path);
			break;
		}
		ret = add_source(w, name, path, &st);
	}
	goto out;

out_nomem:
	if (!ret)
		ret = kh_err_sys_at(w->err, ENOMEM, listfile,
				    "cannot read '%s'", listfile);
out:
	free(name);
	free(path);
	kh_buf_release(&buf);
	return ret;
}

static int check_tree(const char *tree, const char *what, struct kh_error *err)
{
	struct stat st;

	if (stat(tree, &st) < 0)
		return kh_err_sys(err, errno, "cannot open %s '%s'", what, tree);
	if (!S_ISDIR(st.st_mode))
		return kh_err(err, ENOTDIR, "%s '%s' is not a directory", what,
			      tree);
	return 0;
}

/*
 * The trees the archive is made of: the one definition that the walk and
 * kh_build_watch_paths() (the manifest's freshness check) both read.
 * "%s" stands for SRCARCH.  A source root skips its generated/ directory,
 * which the object tree provides; the object tree's roots may be absent
 * (an unconfigured tree has none).
 */
static const struct collect_root {
	bool objtree;
	const char *headers;	/* root for KH_PROFILE_HEADERS */
	const char *uapi;	/* root for KH_PROFILE_UAPI */
	const char *skip;	/* source roots: left to the object tree */
	const char *parent;	/* object roots: where the root appears */
} collect_roots[] = {
	{ false, "include", "include/uapi", "include/generated", NULL },
	{ false, "arch/%s/include", "arch/%s/include/uapi",
	  "arch/%s/include/generated", NULL },
	{ true, "include/generated", "include/generated/uapi", NULL,
	  "include" },
	{ true, "arch/%s/include/generated", "arch/%s/include/generated/uapi",
	  NULL, "arch/%s/include" },
};

/* @fmt with SRCARCH @arch in @out; false when it does not fit. */
static bool root_path(char *out, size_t size, const char *fmt,
		      const char *arch)
{
	int n;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	n = snprintf(out, size, fmt, arch);
#pragma GCC diagnostic pop
	return n >= 0 && (size_t)n < size;
}

static int walk_trees(const struct kh_build_opts *opts, struct walk *src,
		      struct walk *obj)
{
	bool uapi = opts->profile == KH_PROFILE_UAPI;
	char root[PATH_MAX], skip[PATH_MAX];
	const struct collect_root *r;
	struct walk *w;
	size_t i;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(collect_roots) && !ret; i++) {
		r = &collect_roots[i];
		w = r->objtree ? obj : src;
		if (!root_path(root, sizeof(root), uapi ? r->uapi : r->headers,
			       opts->arch) ||
		    (r->skip && !root_path(skip, sizeof(skip), r->skip,
					   opts->arch)))
			return kh_err_at(src->err, ENAMETOOLONG, opts->arch,
					 "architecture name '%s' too long",
					 opts->arch);
		w->skip_dir = r->skip ? skip : NULL;
		ret = walk_root(w, root, !r->objtree && !uapi);
	}
	return ret;
}

/* One file root of the kit: absent is fine here (kit_check() decides). */
static int add_kit_file(struct walk *w, const char *name)
{
	char *path = kh_path_join(w->tree, name);
	struct stat st;
	int ret = 0;

	if (!path)
		return kh_err_sys_at(w->err, ENOMEM, name, "cannot record '%s'",
				     name);
	if (lstat(path, &st) < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			ret = kh_err_sys_at(w->err, errno, path,
					    "cannot stat '%s'", path);
	} else if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
		ret = kh_err_at(w->err, EINVAL, path,
				"'%s' is not a regular file", path);
	} else {
		ret = add_kit_source(w, name, path, &st);
	}
	free(path);
	return ret;
}

/* A file named on the command line, archived as @name: it must be there. */
static int add_given_file(struct walk *w, const char *name, const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return kh_err_sys_at(w->err, errno, path, "cannot stat '%s'",
				     path);
	if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		return kh_err_at(w->err, EINVAL, path,
				 "'%s' is not a regular file", path);
	return add_kit_source(w, name, path, &st);
}

/* Whether the source tree is the object tree (an in-tree build). */
static bool same_tree(const char *srctree, const char *objtree)
{
	struct stat a, b;

	return !stat(srctree, &a) && !stat(objtree, &b) &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Every root of the kit that @cfg wants, walked or looked up. */
static int collect_kit(const struct kh_build_opts *opts,
		       const struct kh_kit_config *cfg, struct walk *src,
		       struct walk *obj)
{
	bool in_tree = same_tree(src->tree, obj->tree);
	const struct kh_kit_root *r;
	char rel[PATH_MAX];
	struct walk *w;
	size_t i;
	int ret = 0;

	for (i = 0; i < kh_kit_nr_roots && !ret; i++) {
		r = &kh_kit_roots[i];
		if (!kh_kit_root_wanted(r, cfg))
			continue;
		if (!root_path(rel, sizeof(rel), r->path, opts->arch))
			return kh_err_at(src->err, ENAMETOOLONG, opts->arch,
					 "architecture name '%s' too long",
					 opts->arch);
		w = r->objtree ? obj : src;
		w->kit = r;
		w->skip_dir = NULL;
		w->no_dir_deps = in_tree;
		if ((r->flags & KH_KIT_GIVEN) && opts->module_lds)
			ret = add_given_file(w, rel, opts->module_lds);
		else if (r->dir)
			ret = walk_root(w, rel, false);
		else
			ret = add_kit_file(w, rel);
		w->kit = NULL;
		w->no_dir_deps = false;
	}
	return ret;
}

/*
 * What makes a kit: the required roots and a module linker script; what
 * only weakens it (a host program that the kit's user cannot build without
 * the generated file, or without flex and bison) is said in one warning.
 */
static int kit_check(const struct kh_build_opts *opts,
		     const struct kh_kit_config *cfg,
		     struct kh_source_list *list, struct kh_error *err)
{
	const char *objtree = opts->objtree ? opts->objtree : opts->srctree;
	const struct kh_kit_root *r;
	char rel[PATH_MAX], missing[1024] = "";
	bool lds = false;
	size_t i, len = 0;

	for (i = 0; i < kh_kit_nr_roots; i++) {
		r = &kh_kit_roots[i];
		if (r->dir || !root_path(rel, sizeof(rel), r->path, opts->arch))
			continue;
		if (find_source(list, rel)) {
			lds |= !!(r->flags & KH_KIT_LDS);
			continue;
		}
		if (r->flags & KH_KIT_REQUIRED)
			return kh_err_at(err, ENOENT, rel,
					 "'%s' is missing from the %s tree '%s': the modules profile needs a configured, prepared kernel",
					 rel, r->objtree ? "object" : "source",
					 r->objtree ? objtree : opts->srctree);
		if (((r->flags & KH_KIT_HOSTPROG) ||
		     ((r->flags & KH_KIT_GENKSYMS) && cfg->genksyms)) &&
		    len + strlen(rel) + 3 < sizeof(missing))
			len += snprintf(missing + len, sizeof(missing) - len,
					"%s%s", len ? ", " : "", rel);
	}
	if (!lds)
		return kh_err_at(err, ENOENT, objtree,
				 "the object tree '%s' has no module linker script (scripts/module.lds): run make modules_prepare first",
				 objtree);
	if (len)
		kh_build_warn(opts, "the object tree '%s' has no %s: the kit's host programs cannot be built from it as they are (make modules_prepare makes them)",
			      objtree, missing);
	return 0;
}

static int watch_add(char ***v, size_t *nr, const char *tree,
		     const char *fmt, const char *arch)
{
	char rel[PATH_MAX], *s;
	size_t alloc = *nr;

	if (!root_path(rel, sizeof(rel), fmt, arch))
		return -ENOMEM;
	s = kh_path_join(tree, rel);
	if (!s)
		return -ENOMEM;
	if (ALLOC_GROW(*v, *nr + 1, alloc)) {
		free(s);
		return -ENOMEM;
	}
	(*v)[(*nr)++] = s;
	return 0;
}

/*
 * The kit's roots, whether or not this configuration wants them (a watched
 * path that never changes costs nothing); its walked directories only when
 * the trees are apart, as the walk records them.
 */
static int kit_watch_paths(const struct kh_build_opts *opts,
			   const char *objtree, char ***paths, size_t *nr)
{
	bool in_tree = same_tree(opts->srctree, objtree);
	const struct kh_kit_root *r;
	size_t i;
	int ret = 0;

	for (i = 0; i < kh_kit_nr_roots && !ret; i++) {
		r = &kh_kit_roots[i];
		if (r->dir && in_tree)
			continue;
		/* A given file is an input of the build, recorded as such. */
		if ((r->flags & KH_KIT_GIVEN) && opts->module_lds)
			continue;
		ret = watch_add(paths, nr, r->objtree ? objtree : opts->srctree,
				r->path, opts->arch);
	}
	return ret;
}

/*
 * The manifest watches every root of the profile, and the places where
 * the object tree's generated directories (both profiles' roots) appear
 * during a kernel build.
 */
int kh_build_watch_paths(const struct kh_build_opts *opts, char ***paths,
			 size_t *nr)
{
	const char *objtree = opts->objtree ? opts->objtree : opts->srctree;
	bool uapi = opts->profile == KH_PROFILE_UAPI;
	const struct collect_root *r;
	size_t i;
	int ret = 0;

	*paths = NULL;
	*nr = 0;
	if (!opts->arch)
		return 0;
	if (opts->profile == KH_PROFILE_MODULES)
		ret = kit_watch_paths(opts, objtree, paths, nr);
	for (i = 0; i < ARRAY_SIZE(collect_roots) && !ret && !opts->srclist;
	     i++) {
		r = &collect_roots[i];
		if (!r->objtree) {
			ret = watch_add(paths, nr, opts->srctree,
					uapi ? r->uapi : r->headers,
					opts->arch);
			continue;
		}
		ret = watch_add(paths, nr, objtree, r->parent, opts->arch);
		if (!ret)
			ret = watch_add(paths, nr, objtree, r->headers,
					opts->arch);
		if (!ret)
			ret = watch_add(paths, nr, objtree, r->uapi,
					opts->arch);
	}
	if (ret) {
		kh_build_watch_paths_free(*paths, *nr);
		*paths = NULL;
		*nr = 0;
	}
	return ret;
}

void kh_build_watch_paths_free(char **paths, size_t nr)
{
	while (nr)
		free(paths[--nr]);
	free(paths);
}

static int check_arch(const struct kh_build_opts *opts, struct kh_error *err)
{
	char path[PATH_MAX];
	struct stat st;

	if (!opts->arch || !*opts->arch || strchr(opts->arch, '/') ||
	    !strcmp(opts->arch, "..") || !strcmp(opts->arch, "."))
		return kh_err_at(err, EINVAL, opts->arch ? opts->arch : "",
				 "invalid architecture '%s'",
			      opts->arch ? opts->arch : "");
	snprintf(path, sizeof(path), "%s/arch/%s/include", opts->srctree,
		 opts->arch);
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return kh_err_at(err, ENOENT, opts->arch,
			      "unknown architecture '%s': no directory '%s'",
			      opts->arch, path);
	snprintf(path, sizeof(path), "%s/include", opts->srctree);
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return kh_err_at(err, ENOENT, opts->srctree,
			      "'%s' is not a kernel source tree: no directory '%s'",
			      opts->srctree, path);
	return 0;
}

/* Consumers (bcc) need these two to decide the headers are usable. */
static int check_required(struct kh_source_list *list, struct kh_error *err)
{
	static const char *const required[] = {
		"include/linux/kconfig.h",
		"include/generated/autoconf.h",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(required); i++)
		if (!find_source(list, required[i]))
			return kh_err_at(err, ENOENT, required[i],
				      "'%s' is missing from the trees (is the object tree configured?)",
				      required[i]);
	return 0;
}

int kh_collect(const struct kh_build_opts *opts, struct kh_source_list *list,
	       struct kh_error *err)
{
	const char *objtree = opts->objtree ? opts->objtree : opts->srctree;
	struct walk src = { .list = list, .tree = opts->srctree, .err = err };
	struct walk obj = { .list = list, .tree = objtree, .objtree = true,
			    .err = err };
	bool modules = opts->profile == KH_PROFILE_MODULES;
	struct kh_kit_config cfg;
	int ret;

	kh_source_list_init(list);
	ret = check_tree(opts->srctree, "source tree", err);
	if (!ret)
		ret = check_tree(objtree, "object tree", err);
	if (ret)
		return ret;
	if (modules) {
		ret = check_arch(opts, err);
		if (!ret)
			ret = kh_kit_config_read(objtree, &cfg, err);
		if (ret)
			return ret;
	}
	if (opts->srclist || opts->objlist) {
		if (opts->srclist)
			ret = read_list(&src, opts->srclist);
		if (!ret && opts->objlist)
			ret = read_list(&obj, opts->objlist);
	} else {
		ret = check_arch(opts, err);
		if (!ret)
			ret = walk_trees(opts, &src, &obj);
	}
	if (!ret && modules)
		ret = collect_kit(opts, &cfg, &src, &obj);
	if (ret)
		goto out_release;
	sort_and_dedup(list);
	ret = resolve_links(list, err);
	if (!ret && opts->profile != KH_PROFILE_UAPI)
		ret = check_required(list, err);
	if (!ret && modules)
		ret = kit_check(opts, &cfg, list, err);
	if (!ret)
		return 0;
out_release:
	kh_source_list_release(list);
	return ret;
}
