// SPDX-License-Identifier: GPL-2.0
/*
 * prepare.c - kh_prepare(): the running kernel's headers for a tracer in
 * one call, and kh_prepare_gc().  The orchestration: find the archive
 * (prepare_source.c), hash it, reuse its cache entry or make it under the
 * root's lock (prepare_cache.c, which unpacks once per archive content),
 * and give the caller the entry's directory and bcc's compiler flags;
 * gc drops what no installed kernel has any more.  Replaces "tar xf" into
 * a shared temporary directory (bcc's CVE-2024-2314).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "error.h"
#include "path.h"
#include "util.h"
#include "prepare.h"
#include "prepare_cache.h"
#include "prepare_source.h"

#define STALE_AGE (24 * 60 * 60)

void kh_prepare_opts_init(struct kh_prepare_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->from = KH_PREPARE_AUTO;
}

void kh_prepare_result_init(struct kh_prepare_result *res)
{
	memset(res, 0, sizeof(*res));
}

void kh_prepare_result_release(struct kh_prepare_result *res)
{
	size_t i;

	free(res->dir);
	free(res->arch);
	free(res->source);
	for (i = 0; i < res->nr_flags; i++)
		free(res->flags[i]);
	free(res->flags);
	kh_prepare_result_init(res);
}

void kh_prepare_note(const struct kh_prepare_opts *o, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!o->note)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kh_one_line(msg, sizeof(msg));
	o->note(o->note_ctx, msg);
}

/* ---- the entry ---------------------------------------------------------- */

static int make_entry(struct kh_prepare_source *c, int rootfd, const char *rootpath,
		      struct kh_prepare_result *res, struct kh_error *err)
{
	struct kh_prepare_made made;
	int ret;

	ret = kh_prepare_entry_make(c->o, rootfd, rootpath, &c->xz, NULL,
				    &c->m, &made, err);
	res->unpacked = made.unpacked;
	res->replaced = made.replaced;
	if (!ret && made.found.arch[0] && !(res->arch = strdup(made.found.arch)))
		ret = kh_err_sys(err, ENOMEM, "cannot prepare");
	return ret;
}

/* Append one flag, formatted, keeping the list NULL-terminated. */
static int add_flag(struct kh_prepare_result *res, size_t *alloc,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int add_flag(struct kh_prepare_result *res, size_t *alloc,
		    const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ALLOC_GROW(res->flags, res->nr_flags + 2, *alloc))
		return -ENOMEM;
	va_start(ap, fmt);
	n = vasprintf(&res->flags[res->nr_flags], fmt, ap);
	va_end(ap);
	if (n < 0) {
		res->flags[res->nr_flags] = NULL;
		return -ENOMEM;
	}
	res->flags[++res->nr_flags] = NULL;
	return 0;
}

/* bcc's order: -include kconfig.h, -D__KERNEL__, arch, generated, uapi. */
static int make_flags(struct kh_prepare_result *res)
{
	static const struct {
		bool arch;
		const char *dir;
	} dirs[] = {
		{ true, "include" }, { true, "include/generated" },
		{ false, "include" }, { true, "include/uapi" },
		{ true, "include/generated/uapi" }, { false, "include/uapi" },
		{ false, "include/generated/uapi" },
	};
	size_t i, alloc = 0;
	int ret;

	ret = add_flag(res, &alloc, "-include");
	if (!ret)
		ret = add_flag(res, &alloc, "%s/include/linux/kconfig.h",
			       res->dir);
	if (!ret)
		ret = add_flag(res, &alloc, "-D__KERNEL__");
	for (i = 0; !ret && i < ARRAY_SIZE(dirs); i++) {
		if (dirs[i].arch && !res->arch)
			continue;
		ret = add_flag(res, &alloc, "-I%s/%s%s%s%s", res->dir,
			       dirs[i].arch ? "arch/" : "",
			       dirs[i].arch ? res->arch : "",
			       dirs[i].arch ? "/" : "", dirs[i].dir);
	}
	return ret;
}

const struct kh_prepare_opts *
kh_prepare_opts_or_defaults(const struct kh_prepare_opts *opts,
		 struct kh_prepare_opts *defaults)
{
	if (opts)
		return opts;
	kh_prepare_opts_init(defaults);
	return defaults;
}

int kh_prepare_headers(const struct kh_prepare_opts *opts, int rootfd,
		       const char *rootpath, struct kh_prepare_source *c,
		       struct kh_prepare_result *res, struct kh_error *err)
{
	uint8_t digest[KH_SHA256_LEN];
	int ret;

	ret = kh_prepare_source_init(c, opts, rootfd, err);
	if (!ret)
		ret = kh_prepare_source_find(c, err);
	if (!ret && c->valid && c->found.arch[0] &&
	    !(res->arch = strdup(c->found.arch)))
		ret = kh_err_sys(err, ENOMEM, "cannot prepare");
	if (!ret && !c->valid && kh_sha256(c->xz.data, c->xz.len, digest))
		ret = kh_err_sys(err, ENOMEM, "cannot hash the archive");
	if (!ret && !c->valid) {
		kh_hex(digest, sizeof(digest), c->m.sha256);
		ret = make_entry(c, rootfd, rootpath, res, err);
	}
	if (!ret) {
		memcpy(res->sha256, c->m.sha256, sizeof(res->sha256));
		res->from = c->m.from;
		res->source = strdup(c->m.source);
		res->dir = kh_path_join(rootpath, c->m.sha256);
		if (!res->source || !res->dir || make_flags(res))
			ret = kh_err_sys(err, ENOMEM, "cannot prepare");
	}
	if (ret)
		kh_prepare_result_release(res);
	return ret;
}

int kh_prepare(const struct kh_prepare_opts *opts,
	       struct kh_prepare_result *res, struct kh_error *err)
{
	struct kh_prepare_opts defaults;
	struct kh_prepare_source c;
	char *rootpath;
	int rootfd, ret;

	opts = kh_prepare_opts_or_defaults(opts, &defaults);
	rootfd = kh_prepare_cache_open(opts, true, &rootpath, err);
	if (rootfd < 0)
		return rootfd;
	ret = kh_prepare_headers(opts, rootfd, rootpath, &c, res, err);
	kh_prepare_source_release(&c);
	close(rootfd);
	free(rootpath);
	return ret;
}

int kh_prepare_gc(const struct kh_prepare_opts *opts,
		  struct kh_prepare_gc_result *res, struct kh_error *err)
{
	struct kh_prepare_installed in = { 0 };
	struct kh_prepare_opts defaults;
	struct kh_prepare_source c;
	char *rootpath;
	int rootfd, lock, ret;

	memset(res, 0, sizeof(*res));
	opts = kh_prepare_opts_or_defaults(opts, &defaults);
	rootfd = kh_prepare_cache_open(opts, false, &rootpath, err);
	if (rootfd == -ENOENT)
		return 0;	/* no cache yet: nothing to collect */
	if (rootfd < 0)
		return rootfd;
	ret = kh_prepare_source_init(&c, opts, rootfd, err);
	lock = ret ? -1 : kh_prepare_lock(rootfd, err);
	if (!ret && lock < 0 && lock != -ENOLCK)
		ret = lock;
	if (!ret) {
		kh_prepare_remove_stale(rootfd, STALE_AGE);
		ret = kh_prepare_installed_init(&in, &c, err);
	}
	if (!ret)
		ret = kh_prepare_cache_gc(rootfd, rootpath, opts,
					  kh_prepare_installed_keep, &in, res,
					  err);
	kh_prepare_installed_release(&in);
	if (lock >= 0)
		close(lock);
	kh_prepare_source_release(&c);
	close(rootfd);
	free(rootpath);
	return ret;
}
