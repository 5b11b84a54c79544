// SPDX-License-Identifier: GPL-2.0
/*
 * build.c - the build data path: collect -> read + strip (parallel) ->
 * tar (in order) -> xz blocks (parallel).  Everything stays in memory and
 * nothing is written: the caller decides where the archive goes.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archtab.h"
#include "build.h"
#include "cache.h"
#include "collect.h"
#include "error.h"
#include "util.h"
#include "jobserver.h"
#include "pool.h"
#include "tarball.h"
#include "xzblocks.h"

/* Largest header accepted; the archive format itself allows more. */
#define KH_MAX_HEADER_SIZE (1ULL << 31)

struct read_pool {
	const struct kh_build_opts *opts;
	struct kh_source_list *list;
	struct kh_buf *data;		/* one per source */
	size_t fail_idx;
	pthread_mutex_t lock;
	struct kh_error *err;
	int ret;
};

void kh_build_opts_init(struct kh_build_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->profile = KH_PROFILE_HEADERS;
	opts->strip_mode = KH_STRIP_COMPACT;
	opts->mtime = KH_DEFAULT_MTIME;
}

void kh_build_result_release(struct kh_build_result *res)
{
	size_t i;

	kh_buf_release(&res->xz);
	for (i = 0; i < res->nr_deps; i++)
		free(res->deps[i]);
	free(res->deps);
	memset(res, 0, sizeof(*res));
}

/* Format a message for a caller's callback @fn, if there is one. */
static void say(void (*fn)(void *ctx, const char *msg), void *ctx,
		const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void say(void (*fn)(void *ctx, const char *msg), void *ctx,
		const char *fmt, va_list ap)
{
	char msg[KH_ERROR_MSG_MAX + 256];

	if (!fn)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	fn(ctx, msg);
}

void kh_build_warn(const struct kh_build_opts *opts, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(opts->warn, opts->warn_ctx, fmt, ap);
	va_end(ap);
}

void kh_build_note(const struct kh_build_opts *opts, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(opts->note, opts->note_ctx, fmt, ap);
	va_end(ap);
}

static bool same_file_state(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/*
 * Usually one read(2): asking for size + 1 bytes and getting exactly the
 * size the snapshot saw is the whole file (the size was checked just
 * before); anything else is looked at more closely.
 */
static int read_exact(int fd, const char *path, off_t size, struct kh_buf *out,
		      struct kh_error *err)
{
	size_t want = (size_t)size + 1;
	ssize_t n;

	if ((uint64_t)size > KH_MAX_HEADER_SIZE)
		return kh_err_at(err, EFBIG, path,
				 "'%s' is larger than %llu bytes", path,
			      KH_MAX_HEADER_SIZE);
	if (kh_buf_reserve(out, want))
		return kh_err_sys_at(err, ENOMEM, path,
				     "cannot read '%s'", path);
	for (;;) {
		n = read(fd, out->data + out->len, want - out->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kh_err_sys_at(err, errno, path,
					     "cannot read '%s'", path);
		kh_buf_setlen(out, out->len + n);
		if (out->len == (size_t)size || n == 0 || out->len == want)
			break;
	}
	if (out->len != (size_t)size)
		return kh_err_at(err, EAGAIN, path,
				 "'%s' changed while being archived",
			      path);
	return 0;
}

/* Read one snapshotted file; it must still be what the walk saw. */
static int read_source(const struct kh_source *s, struct kh_buf *out,
		       struct kh_error *err)
{
	struct stat st;
	int fd, ret;

	fd = open(s->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kh_err_sys_at(err, errno, s->path,
				     "cannot open '%s'", s->path);
	if (fstat(fd, &st) < 0) {
		ret = kh_err_sys_at(err, errno, s->path,
				    "cannot stat '%s'", s->path);
		goto out;
	}
	if (!same_file_state(&st, &s->st)) {
		ret = kh_err_at(err, EAGAIN, s->path,
				"'%s' changed while being archived",
			     s->path);
		goto out;
	}
	ret = read_exact(fd, s->path, st.st_size, out, err);
out:
	close(fd);
	return ret;
}

static int load_one(struct read_pool *pool, size_t i, struct kh_error *err)
{
	const struct kh_source *s = &pool->list->v[i];
	struct kh_buf *b = &pool->data[i];
	size_t len;
	int ret;

	if (s->link)
		return 0;
	ret = read_source(s, b, err);
	if (ret || s->kit)
		return ret;
	ret = kh_strip(pool->opts->strip_mode, (char *)b->data, b->len,
		       (char *)b->data, &len, s->path, err);
	kh_buf_setlen(b, len);
	return ret;
}

/* One header: read and strip; the first failure in name order is kept. */
static int read_item(void *ctx, size_t i)
{
	struct read_pool *pool = ctx;
	struct kh_error err;
	int ret;

	ret = load_one(pool, i, &err);
	if (!ret)
		return 0;
	pthread_mutex_lock(&pool->lock);
	if (!pool->ret || i < pool->fail_idx) {
		pool->fail_idx = i;
		pool->ret = ret;
		*pool->err = err;
	}
	pthread_mutex_unlock(&pool->lock);
	return ret;
}

static int read_all(const struct kh_build_opts *opts,
		    struct kh_source_list *list, struct kh_buf *data,
		    unsigned int threads, struct kh_error *err)
{
	struct read_pool pool = {
		.opts = opts, .list = list, .data = data, .err = err,
	};

	pthread_mutex_init(&pool.lock, NULL);
	kh_pool_run(threads, list->nr, read_item, &pool);
	pthread_mutex_destroy(&pool.lock);
	return pool.ret;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct kh_tar_entry *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every ancestor directory of every source, "./" and "./include/" style. */
static int collect_dirs(const struct kh_source_list *list, char ***dirs,
			size_t *nr_dirs)
{
	size_t n = 1, alloc = 1024, i, out;
	char **v = malloc(alloc * sizeof(*v));

	if (!v || !(v[0] = strdup("./")))
		goto out_nomem;
	for (i = 0; i < list->nr; i++) {
		const char *name = list->v[i].name, *p;

		for (p = strchr(name, '/'); p; p = strchr(p + 1, '/')) {
			if (ALLOC_GROW(v, n + 1, alloc))
				goto out_nomem;
			if (asprintf(&v[n], "./%.*s/", (int)(p - name), name) < 0)
				goto out_nomem;
			n++;
		}
	}
	qsort(v, n, sizeof(*v), cmp_str);
	for (i = 0, out = 0; i < n; i++) {
		if (out && !strcmp(v[out - 1], v[i])) {
			free(v[i]);
			continue;
		}
		v[out++] = v[i];
	}
	*dirs = v;
	*nr_dirs = out;
	return 0;

out_nomem:
	while (v && n > 0)
		free(v[--n]);
	free(v);
	return -ENOMEM;
}

static int make_entries(const struct kh_source_list *list, struct kh_buf *data,
			char **dirs, size_t nr_dirs, char **names,
			struct kh_tar_entry *e)
{
	size_t i, n = 0;

	for (i = 0; i < nr_dirs; i++)
		e[n++] = (struct kh_tar_entry){ .name = dirs[i],
						.type = KH_TAR_DIR };
	for (i = 0; i < list->nr; i++) {
		const struct kh_source *s = &list->v[i];

		if (asprintf(&names[i], "./%s", s->name) < 0) {
			names[i] = NULL;
			return -ENOMEM;
		}
		e[n] = (struct kh_tar_entry){ .name = names[i] };
		if (s->link) {
			e[n].type = KH_TAR_SYMLINK;
			e[n].link = s->link;
		} else {
			e[n].type = KH_TAR_FILE;
			e[n].data = data[i].data;
			e[n].size = data[i].len;
			e[n].exec = s->kit && (s->st.st_mode & S_IXUSR);
		}
		n++;
	}
	qsort(e, n, sizeof(*e), cmp_entry);
	return 0;
}

static int take_deps(struct kh_source_list *list, struct kh_build_result *res)
{
	size_t n = list->nr + list->nr_deps, i, k = 0;

	res->deps = calloc(n ? n : 1, sizeof(*res->deps));
	if (!res->deps)
		return -ENOMEM;
	for (i = 0; i < list->nr; i++) {
		res->deps[k++] = list->v[i].path;
		list->v[i].path = NULL;
	}
	for (i = 0; i < list->nr_deps; i++) {
		res->deps[k++] = list->deps[i];
		list->deps[i] = NULL;
	}
	res->nr_deps = k;
	return 0;
}

struct archive_parts {
	struct kh_buf *data;
	char **dirs, **names;
	size_t nr_dirs, nr;		/* directories; all entries */
	struct kh_tar_entry *entries;
	size_t *offsets, *cuts;
};

/* The file contents once they are in the tar: halves the peak memory. */
static void parts_free_data(struct archive_parts *p, size_t nr_sources)
{
	size_t i;

	for (i = 0; p->data && i < nr_sources; i++)
		kh_buf_release(&p->data[i]);
}

static void parts_release(struct archive_parts *p, size_t nr_sources)
{
	size_t i;

	parts_free_data(p, nr_sources);
	for (i = 0; p->names && i < nr_sources; i++)
		free(p->names[i]);
	for (i = 0; p->dirs && i < p->nr_dirs; i++)
		free(p->dirs[i]);
	free(p->data);
	free(p->names);
	free(p->dirs);
	free(p->entries);
	free(p->offsets);
	free(p->cuts);
}

static void xz_opts_for(const struct kh_build_opts *opts,
			struct kh_xz_opts *xz)
{
	kh_xz_opts_init(xz);
	xz->warn = opts->warn;
	xz->warn_ctx = opts->warn_ctx;
}

char *kh_build_settings(const struct kh_build_opts *opts)
{
	struct kh_xz_opts xz;
	char filters[256], *s;

	xz_opts_for(opts, &xz);
	kh_xz_filter_string(&xz, 0, filters, sizeof(filters));
	if (asprintf(&s, "kheaders=%s profile=%d strip=%s mtime=%lld blocks=%u xz=%s",
		     kh_version(), (int)opts->profile,
		     kh_strip_mode_name(opts->strip_mode),
		     (long long)opts->mtime,
		     opts->block_entries ? opts->block_entries : KH_BLOCK_ENTRIES,
		     filters) < 0)
		return NULL;
	return s;
}

void kh_build_compression(char *buf, size_t size)
{
	struct kh_xz_opts xz;

	kh_xz_opts_init(&xz);
	kh_xz_filter_string(&xz, 8 << 20, buf, size);
}

/* More threads for the compressor if make has freed tokens meanwhile. */
static unsigned int top_up(const struct kh_build_opts *opts,
			   unsigned int threads, unsigned int want)
{
	if (!opts->jobserver || threads >= want)
		return threads;
	kh_jobserver_acquire(opts->jobserver, want - threads);
	return 1 + kh_jobserver_held(opts->jobserver);
}

/* Milliseconds since @t0 by the process's CPU clock and the wall clock. */
struct phase_clock {
	struct timespec wall, cpu;
};

static void phase_start(struct phase_clock *c)
{
	clock_gettime(CLOCK_MONOTONIC, &c->wall);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c->cpu);
}

static void phase_note(const struct kh_build_opts *opts, struct phase_clock *c,
		       const char *what)
{
	struct phase_clock now;

	if (!opts->note)
		return;
	phase_start(&now);
	kh_build_note(opts, "%s: %.0f ms wall, %.0f ms CPU", what,
	     (now.wall.tv_sec - c->wall.tv_sec) * 1e3 +
	     (now.wall.tv_nsec - c->wall.tv_nsec) / 1e6,
	     (now.cpu.tv_sec - c->cpu.tv_sec) * 1e3 +
	     (now.cpu.tv_nsec - c->cpu.tv_nsec) / 1e6);
	*c = now;
}

static void note_blocks(const struct kh_build_opts *opts,
			const struct kh_xz_stats *st, const size_t *cuts,
			size_t nr_blocks, size_t tar_len)
{
	char sizes[256];
	size_t i, len = 0;

	for (i = 0; i < nr_blocks && len + 16 < sizeof(sizes); i++) {
		size_t end = i + 1 < nr_blocks ? cuts[i + 1] : tar_len;

		len += snprintf(sizes + len, sizeof(sizes) - len, "%s%.1f",
				i ? " " : "", (end - cuts[i]) / 1e6);
	}
	kh_build_note(opts, "xz blocks (MB): %s; %zu from the cache, %zu compressed (%llu bytes)",
	     sizes, st->hits, st->encoded,
	     (unsigned long long)st->encoded_bytes);
	if (st->store_failed)
		kh_build_note(opts, "%zu blocks could not be stored in the cache",
		     st->store_failed);
}

/*
 * Stage 3, tarball.c: the directories derived from the paths, then every
 * entry in name order into one tar stream (entry offsets kept for the
 * block cuts).  The loaded contents are freed once archived.
 */
static int tar_stage(const struct kh_build_opts *opts,
		     struct kh_source_list *list, struct archive_parts *p,
		     struct kh_buf *tar, struct kh_error *err)
{
	if (collect_dirs(list, &p->dirs, &p->nr_dirs))
		return kh_err_sys(err, ENOMEM, "cannot build the archive");
	p->nr = p->nr_dirs + list->nr;
	p->names = calloc(list->nr + 1, sizeof(*p->names));
	p->entries = calloc(p->nr, sizeof(*p->entries));
	p->offsets = calloc(p->nr + 1, sizeof(*p->offsets));
	p->cuts = calloc(p->nr + 1, sizeof(*p->cuts));
	if (!p->names || !p->entries || !p->offsets || !p->cuts ||
	    make_entries(list, p->data, p->dirs, p->nr_dirs, p->names,
			 p->entries))
		return kh_err_sys(err, ENOMEM, "cannot build the archive");
	return kh_tar_write(p->entries, p->nr, opts->mtime, tar, p->offsets,
			    err);
}

/*
 * Stage 4, xzblocks.c: blocks cut where the rule says, encoded on the
 * pool (or taken from the cache), laid out as one xz stream.
 */
static int xz_stage(const struct kh_build_opts *opts, struct archive_parts *p,
		    const struct kh_buf *tar, unsigned int threads,
		    struct kh_cache *cache, struct kh_build_result *res,
		    struct kh_error *err)
{
	struct kh_xz_stats st = { 0 };
	struct kh_xz_opts xz;
	size_t nr_blocks;
	int ret;

	nr_blocks = kh_block_cuts_every(p->entries, p->offsets, p->nr,
					opts->block_entries, p->cuts);
	xz_opts_for(opts, &xz);
	if (opts->note) {
		char filters[256];

		kh_xz_filter_string(&xz, 0, filters, sizeof(filters));
		kh_build_note(opts, "xz settings: %s", filters);
	}
	xz.threads = threads;
	xz.cache = cache;
	xz.stats = &st;
	ret = kh_xz_encode(tar->data, tar->len, p->cuts, nr_blocks, &xz,
			   &res->xz, err);
	res->nr_dirs = p->nr_dirs;
	res->tar_size = tar->len;
	res->nr_blocks = nr_blocks;
	res->cache_hits = st.hits;
	kh_build_note(opts, "archived %zu entries (%zu directories), %zu bytes of tar in %zu xz blocks: %zu bytes",
	     p->nr, p->nr_dirs, tar->len, nr_blocks, res->xz.len);
	if (!ret)
		note_blocks(opts, &st, p->cuts, nr_blocks, tar->len);
	return ret;
}

static void note_collected(const struct kh_build_opts *opts,
			   const struct kh_source_list *list)
{
	size_t i, links = 0;

	for (i = 0; i < list->nr; i++)
		links += list->v[i].link != NULL;
	kh_build_note(opts, "collected %zu headers: %zu from the source tree, %zu from the object tree (%zu paths overridden by it)",
	     list->nr, list->nr_src, list->nr_obj, list->nr_overridden);
	kh_build_note(opts, "skipped %zu files that never go in (utsversion.h, Module.symvers); %zu symlinks kept as links",
	     list->nr_skipped, links);
	if (opts->profile == KH_PROFILE_MODULES)
		kh_build_note(opts, "module kit: %zu files; %zu host binaries left out",
			      list->nr_kit, list->nr_binaries);
}

/* Threads for this build: as asked, capped by make's free job tokens. */
static unsigned int build_threads(const struct kh_build_opts *opts,
				  unsigned int *want)
{
	unsigned int threads = opts->threads ? opts->threads : kh_online_cpus();

	if (threads > KH_POOL_MAX_THREADS)
		threads = KH_POOL_MAX_THREADS;
	*want = threads;
	if (!opts->jobserver || threads == 1)
		return threads;
	kh_jobserver_acquire(opts->jobserver, threads - 1);
	return 1 + kh_jobserver_held(opts->jobserver);
}

/* The cache is an accelerator: when it cannot be used, say so and go on. */
static struct kh_cache *open_cache(const struct kh_build_opts *opts)
{
	struct kh_cache *cache = NULL;
	struct kh_error err;

	if (!opts->cache_dir)
		return NULL;
	if (kh_cache_open(&cache, opts->cache_dir, opts->cache_max ?
			  opts->cache_max : KH_CACHE_DEFAULT_MAX, &err)) {
		kh_build_warn(opts, "not using the cache: %s", err.msg);
		return NULL;
	}
	return cache;
}

static void close_cache(const struct kh_build_opts *opts,
			struct kh_cache *cache)
{
	size_t removed = 0;

	if (!cache)
		return;
	if (kh_cache_trim(cache, &removed))
		kh_build_warn(opts, "cannot trim the cache '%s'", kh_cache_dir(cache));
	else if (removed)
		kh_build_note(opts, "cache: removed %zu old blocks", removed);
	kh_cache_close(cache);
}

static void take_snapshot_time(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME_COARSE, ts);
	/* An edit within the same clock tick must still look newer. */
	if (ts->tv_nsec) {
		ts->tv_nsec--;
	} else {
		ts->tv_sec--;
		ts->tv_nsec = 999999999;
	}
}

/*
 * The pipeline of docs/design.md: collect (collect.c) -> read and strip
 * (strip.c, on the pool) -> tar (tarball.c) -> xz blocks (xzblocks.c).
 */
int kh_build(const struct kh_build_opts *given, struct kh_build_result *res,
	     struct kh_error *err)
{
	struct kh_build_opts o = *given;
	const struct kh_build_opts *opts = &o;
	struct archive_parts parts;
	struct kh_source_list list;
	struct kh_cache *cache = NULL;
	struct phase_clock clk;
	unsigned int threads, want;
	struct kh_buf tar;
	size_t i;
	int ret;

	o.arch = kh_srcarch(given->arch);
	memset(res, 0, sizeof(*res));
	memset(&parts, 0, sizeof(parts));
	kh_buf_init(&tar);
	take_snapshot_time(&res->snapshot);
	phase_start(&clk);
	ret = kh_collect(opts, &list, err);
	if (ret)
		return ret;
	note_collected(opts, &list);
	phase_note(opts, &clk, "walk");
	threads = build_threads(opts, &want);
	parts.data = calloc(list.nr ? list.nr : 1, sizeof(*parts.data));
	if (!parts.data) {
		ret = kh_err_sys(err, ENOMEM, "cannot build the archive");
		goto out;
	}
	ret = read_all(opts, &list, parts.data, threads, err);
	if (ret)
		goto out;
	phase_note(opts, &clk, "read + strip");
	ret = tar_stage(opts, &list, &parts, &tar, err);
	if (ret)
		goto out;
	phase_note(opts, &clk, "tar");
	parts_free_data(&parts, list.nr);
	threads = top_up(opts, threads, want);
	res->threads = threads;
	cache = open_cache(opts);
	ret = xz_stage(opts, &parts, &tar, threads, cache, res, err);
	phase_note(opts, &clk, "xz");
	if (ret)
		goto out;
	for (i = 0; i < list.nr; i++) {
		if (list.v[i].link)
			res->nr_links++;
		else
			res->nr_files++;
	}
	if (take_deps(&list, res))
		ret = kh_err_sys(err, ENOMEM, "cannot record dependencies");
out:
	kh_buf_release(&tar);
	kh_jobserver_release(opts->jobserver);
	close_cache(opts, cache);
	parts_release(&parts, list.nr);
	kh_source_list_release(&list);
	if (ret)
		kh_build_result_release(res);
	return ret;
}
