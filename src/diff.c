// SPDX-License-Identifier: GPL-2.0
/*
 * diff.c - comparing two header sets (archives or directory trees): each
 * side is walked once into a table of entries (metadata, link target and
 * the SHA-256 of the content, computed while streaming), the tables are
 * sorted by normalised name and merged into differences and counts.  For
 * archives the decompressed tar streams are also compared byte for byte,
 * so callers can tell a recompression from a content change.  Unified
 * patches re-read only the contents they need, in passes of bounded size.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>


#include "digest.h"
#include "error.h"
#include "util.h"
#include "path.h"
#include "textdiff.h"
#include "xzread.h"

#define DIFF_MAX_ENTRY	((size_t)64 << 20)
#define DIFF_PASS_BYTES	((size_t)256 << 20)
#define DIFF_CHUNK	65536

struct diff_rec {
	char *key;		/* normalised name, owned */
	size_t seq;		/* position in the walk */
	struct kh_diff_side side;
	uint8_t digest[KH_SHA256_LEN];
};

/* What both sides may still read (struct kh_diff_opts.max_total). */
struct diff_budget {
	uint64_t max, used;
};

struct diff_set {
	const struct kh_headers_src *src;
	struct diff_rec *recs;
	size_t nr, cap;
	struct diff_budget *budget;
	struct kh_error *err;
};

/* ---- reading one side -------------------------------------------------- */

static int diff_walk(const struct kh_headers_src *src,
		     int (*fn)(const struct kh_entry *e, void *ctx), void *ctx,
		     struct kh_error *err)
{
	if (src->dir)
		return kh_dir_foreach(src->dir, fn, ctx, err);
	return kh_archive_foreach(src->xz, src->len, src->name, fn, ctx, err);
}

struct diff_hash {
	struct kh_sha256_ctx *sha;
	bool binary;
	bool failed;
};

static int diff_hash_piece(const void *data, size_t len, void *ctx)
{
	struct diff_hash *h = ctx;

	if (!h->binary && memchr(data, 0, len))
		h->binary = true;
	if (kh_sha256_update(h->sha, data, len)) {
		h->failed = true;
		return -EIO;
	}
	return 0;
}

static int diff_rec_fill(struct diff_set *set, const struct kh_entry *e,
			 struct diff_rec *r)
{
	struct diff_hash h = { .binary = false, .failed = false };
	const char *key;
	size_t klen;
	int ret;

	key = kh_name_key(e->name, &klen);
	r->key = strndup(key, klen);
	if (e->link)
		r->side.link = strdup(e->link);
	if (!r->key || (e->link && !r->side.link))
		return kh_err_sys_at(set->err, ENOMEM, set->src->name,
				     "cannot read '%s'",
				  set->src->name);
	if (e->type == KH_ENTRY_FILE) {
		if (e->size < 0 ||
		    (uint64_t)e->size > set->budget->max - set->budget->used)
			return kh_err(set->err, EFBIG,
				      "'%s': '%s' would take the content read past %llu bytes (--max-size)",
				      set->src->name, e->name,
				      (unsigned long long)set->budget->max);
		set->budget->used += e->size;
	}
	r->side.type = e->type;
	r->side.mode = e->mode;
	r->side.uid = e->uid;
	r->side.gid = e->gid;
	r->side.size = e->size;
	r->side.mtime = e->mtime;
	h.sha = kh_sha256_new();
	if (!h.sha)
		return kh_err_sys_at(set->err, ENOMEM, set->src->name,
				     "cannot read '%s'",
				  set->src->name);
	ret = kh_entry_stream(e, diff_hash_piece, &h, set->err);
	if (kh_sha256_final(h.sha, r->digest))
		h.failed = true;
	if (h.failed)
		return kh_err_at(set->err, EIO, set->src->name,
				 "'%s': cannot hash '%s'",
			      set->src->name, e->name);
	r->side.binary = h.binary;
	return ret;
}

static int diff_collect(const struct kh_entry *e, void *ctx)
{
	struct diff_set *set = ctx;
	if (ALLOC_GROW(set->recs, set->nr + 1, set->cap))
		return kh_err_sys_at(set->err, ENOMEM, set->src->name,
				     "cannot read '%s'", set->src->name);
	memset(&set->recs[set->nr], 0, sizeof(set->recs[0]));
	set->recs[set->nr].seq = set->nr;
	return diff_rec_fill(set, e, &set->recs[set->nr++]);
}

static int diff_rec_cmp(const void *pa, const void *pb)
{
	const struct diff_rec *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);

	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void diff_rec_release(struct diff_rec *r)
{
	free(r->key);
	free(r->side.link);
}

/* Sort by name; of a name stored more than once keep the last. */
static void diff_set_sort(struct diff_set *set)
{
	size_t i, out = 0;

	if (!set->nr)
		return;		/* recs is NULL: qsort() must not see it */
	qsort(set->recs, set->nr, sizeof(*set->recs), diff_rec_cmp);
	for (i = 0; i < set->nr; i++) {
		if (i + 1 < set->nr &&
		    !strcmp(set->recs[i].key, set->recs[i + 1].key)) {
			diff_rec_release(&set->recs[i]);
			continue;
		}
		set->recs[out++] = set->recs[i];
	}
	set->nr = out;
}

static void diff_set_release(struct diff_set *set)
{
	size_t i;

	for (i = 0; i < set->nr; i++)
		diff_rec_release(&set->recs[i]);
	free(set->recs);
}

static int diff_read_set(const struct kh_headers_src *src,
			 struct diff_set *set, struct diff_budget *budget,
			 struct kh_error *err)
{
	int ret;

	memset(set, 0, sizeof(*set));
	set->src = src;
	set->budget = budget;
	set->err = err;
	ret = diff_walk(src, diff_collect, set, err);
	if (ret)
		return ret < 0 ? ret : -EINVAL;
	diff_set_sort(set);
	return 0;
}

/* ---- merging ----------------------------------------------------------- */

static unsigned int diff_aspects(const struct diff_rec *a,
				 const struct diff_rec *b, unsigned int ignore)
{
	const struct kh_diff_side *x = &a->side, *y = &b->side;
	unsigned int what = 0;

	if (x->type != y->type) {
		what |= KH_DIFF_TYPE;
	} else if (x->type == KH_ENTRY_FILE) {
		if (x->size != y->size ||
		    memcmp(a->digest, b->digest, sizeof(a->digest)))
			what |= KH_DIFF_CONTENT;
	} else if (x->link && y->link && strcmp(x->link, y->link)) {
		what |= KH_DIFF_LINK;
	}
	if (x->mode != y->mode && x->type == y->type &&
	    x->type != KH_ENTRY_SYMLINK)
		what |= KH_DIFF_MODE;
	if (x->uid != y->uid || x->gid != y->gid)
		what |= KH_DIFF_OWNER;
	if (x->mtime != y->mtime)
		what |= KH_DIFF_MTIME;
	return what & ~ignore;
}

static void diff_side_move(struct kh_diff_side *to, struct diff_rec *r)
{
	*to = r->side;
	r->side.link = NULL;
}

static int diff_add(struct kh_diff_result *res, size_t *cap,
		    enum kh_diff_kind kind, unsigned int what,
		    struct diff_rec *a, struct diff_rec *b)
{
	const char *key = a ? a->key : b->key;
	struct kh_diff_item *it;

	if (ALLOC_GROW(res->items, res->nr_items + 1, *cap))
		return -ENOMEM;
	it = &res->items[res->nr_items];
	memset(it, 0, sizeof(*it));
	it->path = malloc(strlen(key) + 3);
	if (!it->path)
		return -ENOMEM;
	strcpy(it->path, "./");
	strcat(it->path, key);
	it->kind = kind;
	it->what = what;
	if (a)
		diff_side_move(&it->a, a);
	if (b)
		diff_side_move(&it->b, b);
	res->nr_items++;
	return 0;
}

/* One step of the merge; *ia and *ib advance past what was consumed. */
static int diff_step(struct diff_set *sa, struct diff_set *sb, size_t *ia,
		     size_t *ib, unsigned int ignore,
		     struct kh_diff_result *res, size_t *cap)
{
	struct diff_rec *a = *ia < sa->nr ? &sa->recs[*ia] : NULL;
	struct diff_rec *b = *ib < sb->nr ? &sb->recs[*ib] : NULL;
	unsigned int what;
	int c;

	c = !a ? 1 : !b ? -1 : strcmp(a->key, b->key);
	if (c < 0) {
		(*ia)++;
		if (!*a->key)
			return 0;
		res->only_a++;
		return diff_add(res, cap, KH_DIFF_ONLY_A, 0, a, NULL);
	}
	if (c > 0) {
		(*ib)++;
		if (!*b->key)
			return 0;
		res->only_b++;
		return diff_add(res, cap, KH_DIFF_ONLY_B, 0, NULL, b);
	}
	(*ia)++;
	(*ib)++;
	what = diff_aspects(a, b, ignore);
	if (!what) {
		res->identical++;
		return 0;
	}
	res->changed++;
	return diff_add(res, cap, KH_DIFF_CHANGED, what, a, b);
}

/* ---- tar streams ------------------------------------------------------- */

static int diff_stream_init(struct kh_xz_reader *r,
			    const struct kh_headers_src *src,
			    struct kh_error *err)
{
	struct kh_error why;

	if (kh_xz_reader_init(r, src->xz, src->len,
			      KH_XZ_PLAIN_OK | KH_XZ_CONCATENATED, UINT64_MAX,
			      NULL, &why))
		return kh_err_sys_at(err, ENOMEM, src->name,
				     "cannot decompress '%s'",
				  src->name);
	return 0;
}

/* Fill @buf with up to @want bytes of the tar stream; *@got says how many. */
static int diff_stream_read(struct kh_xz_reader *r, const char *name,
			    uint8_t *buf, size_t want, size_t *got,
			    struct kh_error *err)
{
	struct kh_error why;

	if (kh_xz_read(r, buf, want, got, &why))
		return kh_err_at(err, EINVAL, name,
				 "'%s': corrupt xz stream (%s)",
			      name, why.msg);
	return 0;
}

static int diff_tar_equal(const struct kh_headers_src *a,
			  const struct kh_headers_src *b, bool *equal,
			  struct kh_error *err)
{
	struct kh_xz_reader sa, sb;
	uint8_t *ba, *bb;
	size_t na, nb;
	int ret;

	*equal = false;
	ba = malloc(2 * DIFF_CHUNK);
	if (!ba)
		return kh_err_sys_at(err, ENOMEM, a->name,
				     "cannot compare '%s'", a->name);
	bb = ba + DIFF_CHUNK;
	ret = diff_stream_init(&sa, a, err);
	if (ret)
		goto out_free;
	ret = diff_stream_init(&sb, b, err);
	if (ret)
		goto out_end_a;
	do {
		ret = diff_stream_read(&sa, a->name, ba, DIFF_CHUNK, &na, err);
		if (!ret)
			ret = diff_stream_read(&sb, b->name, bb, DIFF_CHUNK,
					       &nb, err);
		if (ret || na != nb || memcmp(ba, bb, na))
			break;
		*equal = na == 0;
	} while (na);
	kh_xz_reader_end(&sb);
out_end_a:
	kh_xz_reader_end(&sa);
out_free:
	free(ba);
	return ret;
}

/* ---- the public comparison --------------------------------------------- */

void kh_diff_result_init(struct kh_diff_result *res)
{
	memset(res, 0, sizeof(*res));
}

void kh_diff_result_release(struct kh_diff_result *res)
{
	size_t i;

	for (i = 0; i < res->nr_items; i++) {
		free(res->items[i].path);
		free(res->items[i].a.link);
		free(res->items[i].b.link);
	}
	free(res->items);
	kh_diff_result_init(res);
}

bool kh_diff_equal(const struct kh_diff_result *res)
{
	return !res->nr_items;
}

static int diff_compare_archives(const struct kh_headers_src *a,
				 const struct kh_headers_src *b,
				 struct kh_diff_result *res,
				 struct kh_error *err)
{
	if (a->dir || b->dir)
		return 0;
	res->bytes_identical = a->len == b->len &&
			       !memcmp(a->xz, b->xz, a->len);
	if (res->bytes_identical) {
		res->tar_identical = true;
		return 0;
	}
	return diff_tar_equal(a, b, &res->tar_identical, err);
}

int kh_diff(const struct kh_headers_src *a, const struct kh_headers_src *b,
	    const struct kh_diff_opts *opts, struct kh_diff_result *res,
	    struct kh_error *err)
{
	unsigned int ignore = opts ? opts->ignore : 0;
	struct diff_budget budget = {
		.max = opts && opts->max_total ? opts->max_total :
		       KH_DIFF_DEFAULT_MAX_TOTAL,
	};
	struct diff_set sa, sb;
	size_t ia = 0, ib = 0, cap = 0;
	int ret;

	kh_diff_result_release(res);
	ret = diff_read_set(a, &sa, &budget, err);
	if (ret)
		goto out_release_a;
	ret = diff_read_set(b, &sb, &budget, err);
	if (ret)
		goto out_release;
	while (!ret && (ia < sa.nr || ib < sb.nr))
		ret = diff_step(&sa, &sb, &ia, &ib, ignore, res, &cap);
	if (ret) {
		ret = kh_err_sys_at(err, ENOMEM, a->name,
				    "cannot compare '%s' and '%s'",
				 a->name, b->name);
		goto out_release;
	}
	ret = diff_compare_archives(a, b, res, err);
out_release:
	diff_set_release(&sb);
out_release_a:
	diff_set_release(&sa);
	if (ret)
		kh_diff_result_release(res);
	return ret;
}

/* ---- unified patches --------------------------------------------------- */

struct diff_fetch {
	const struct kh_diff_result *res;
	size_t lo, hi;		/* the items of this pass */
	struct kh_buf *bufs;	/* content per item of the pass */
	bool *too_big;
	bool side_b;
	size_t max;
	struct kh_error *err;
};

/* Does @it get a patch: a regular file changed, added or removed? */
static bool diff_needs_patch(const struct kh_diff_item *it)
{
	switch (it->kind) {
	case KH_DIFF_ONLY_A:
		return it->a.type == KH_ENTRY_FILE;
	case KH_DIFF_ONLY_B:
		return it->b.type == KH_ENTRY_FILE;
	default:
		return it->what & KH_DIFF_CONTENT;
	}
}

/* Does the patch of @it need the content of side B (or A)? */
static bool diff_wants(const struct kh_diff_item *it, bool side_b)
{
	const struct kh_diff_side *s = side_b ? &it->b : &it->a;

	if (!diff_needs_patch(it))
		return false;
	if (it->kind == (side_b ? KH_DIFF_ONLY_A : KH_DIFF_ONLY_B))
		return false;
	return s->type == KH_ENTRY_FILE && !s->binary;
}

static int diff_fetch_one(const struct kh_entry *e, void *ctx)
{
	struct diff_fetch *f = ctx;
	size_t lo = f->lo, hi = f->hi, mid, klen, i;
	const char *key = kh_name_key(e->name, &klen);
	const char *path;
	int c, ret;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		path = f->res->items[mid].path + 2;
		c = strncmp(key, path, klen);
		if (!c)
			c = path[klen] ? -1 : 0;
		if (!c)
			break;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (lo >= hi || !diff_wants(&f->res->items[mid], f->side_b))
		return 0;
	i = mid - f->lo;
	kh_buf_setlen(&f->bufs[i], 0);
	f->too_big[i] = false;
	if (e->type != KH_ENTRY_FILE)
		return 0;
	ret = kh_entry_read(e, f->max, &f->bufs[i], f->err);
	if (ret == -EFBIG) {
		f->too_big[i] = true;
		ret = 0;
	}
	return ret;
}

/*
 * patch(1) writes where a header names: an entry the unpacker would refuse
 * (absolute, or with a ".." component) must never reach one.
 */
static int diff_check_patch_name(const char *path, struct kh_error *err)
{
	struct kh_path p;
	const char *why = NULL;
	int ret = kh_path_split(&p, path, &why);

	kh_path_release(&p);
	if (ret == -EPERM)
		return kh_err(err, EPERM,
			      "refusing to write a patch for '%s': %s (compare without --unified)",
			      path, why);
	if (ret)
		return kh_err_sys(err, -ret, "cannot compare '%s'", path);
	return 0;
}

/* Append a/@path (or /dev/null) as patch(1) reads file names. */
static int diff_patch_name(struct kh_buf *out, const char *prefix,
			   const char *path)
{
	const unsigned char *p = (const unsigned char *)path;
	bool quote = false;
	int ret;

	if (!path)
		return kh_buf_addstr(out, "/dev/null");
	for (; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '"' || *p == '\\')
			quote = true;
	if (!quote)
		return kh_buf_addf(out, "%s%s", prefix, path);
	ret = kh_buf_addf(out, "\"%s", prefix);
	for (p = (const unsigned char *)path; !ret && *p; p++) {
		if (*p == '"' || *p == '\\')
			ret = kh_buf_addf(out, "\%c", *p);
		else if (*p < ' ' || *p >= 0x7f)
			ret = kh_buf_addf(out, "\%03o", *p);
		else
			ret = kh_buf_append(out, p, 1);
	}
	return ret ? ret : kh_buf_addstr(out, "\"");
}

struct diff_texts {
	const struct kh_buf *a, *b;
	bool too_big;
	struct kh_buf aname, bname;
};

static int diff_item_patch(const struct kh_diff_item *it,
			   struct diff_texts *t, unsigned int context,
			   struct kh_buf *out)
{
	const char *path = it->path + 2;
	bool has_a = it->kind != KH_DIFF_ONLY_B;
	bool has_b = it->kind != KH_DIFF_ONLY_A;
	const char *an, *bn;
	int ret;

	kh_buf_setlen(&t->aname, 0);
	kh_buf_setlen(&t->bname, 0);
	ret = diff_patch_name(&t->aname, "a/", has_a ? path : NULL);
	if (!ret)
		ret = diff_patch_name(&t->bname, "b/", has_b ? path : NULL);
	if (ret)
		return ret;
	an = (const char *)t->aname.data;
	bn = (const char *)t->bname.data;
	if ((has_a && it->a.binary) || (has_b && it->b.binary))
		return kh_buf_addf(out, "Binary files %s and %s differ\n",
				      an, bn);
	if (t->too_big)
		return kh_buf_addf(out, "Files %s and %s differ (too large to show)\n",
				      an, bn);
	return kh_textdiff_unified((const char *)t->a->data, t->a->len,
				   (const char *)t->b->data, t->b->len, an, bn,
				   context, out);
}

struct diff_pass {
	const struct kh_headers_src *a, *b;
	const struct kh_diff_result *res;
	size_t max;
	unsigned int context;
	struct kh_error *err;
};

static size_t diff_min_size(int64_t size, size_t max)
{
	if (size < 0)
		return 0;
	return (uint64_t)size < max ? (size_t)size : max;
}

/* Where the pass starting at @lo ends: contents of bounded total size. */
static size_t diff_pass_end(const struct diff_pass *p, size_t lo)
{
	size_t hi = lo, total = 0, sz;
	const struct kh_diff_item *it;

	for (; hi < p->res->nr_items; hi++) {
		it = &p->res->items[hi];
		sz = 0;
		if (diff_wants(it, false))
			sz += diff_min_size(it->a.size, p->max);
		if (diff_wants(it, true))
			sz += diff_min_size(it->b.size, p->max);
		if (hi > lo && total + sz > DIFF_PASS_BYTES)
			break;
		total += sz;
	}
	return hi;
}

static int diff_pass_emit(const struct diff_pass *p, size_t lo, size_t hi,
			  struct kh_buf *bufs, bool *too_big,
			  int (*fn)(size_t idx, const char *text, size_t len,
				    void *ctx),
			  void *ctx)
{
	const struct kh_diff_item *it;
	struct diff_texts t;
	struct kh_buf out;
	size_t i, n = hi - lo;
	int ret = 0;

	kh_buf_init(&out);
	kh_buf_init(&t.aname);
	kh_buf_init(&t.bname);
	for (i = 0; !ret && i < n; i++) {
		it = &p->res->items[lo + i];
		if (!diff_needs_patch(it)) {
			ret = fn(lo + i, NULL, 0, ctx);
			continue;
		}
		t.a = &bufs[i];
		t.b = &bufs[n + i];
		t.too_big = too_big[i] || too_big[n + i];
		ret = diff_check_patch_name(it->path, p->err);
		if (ret)
			break;
		kh_buf_setlen(&out, 0);
		ret = diff_item_patch(it, &t, p->context, &out);
		if (ret) {
			ret = kh_err_sys_at(p->err, ENOMEM, it->path,
					    "cannot compare '%s'",
					 it->path);
			break;
		}
		ret = fn(lo + i, out.len ? (char *)out.data : NULL, out.len,
			 ctx);
	}
	kh_buf_release(&out);
	kh_buf_release(&t.aname);
	kh_buf_release(&t.bname);
	return ret;
}

static int diff_pass_run(const struct diff_pass *p, size_t lo, size_t hi,
			 int (*fn)(size_t idx, const char *text, size_t len,
				   void *ctx),
			 void *ctx)
{
	size_t n = hi - lo, i;
	struct diff_fetch f = {
		.res = p->res, .lo = lo, .hi = hi, .max = p->max,
		.err = p->err,
	};
	int ret;

	f.bufs = calloc(2 * n, sizeof(*f.bufs));
	f.too_big = calloc(2 * n, sizeof(*f.too_big));
	if (!f.bufs || !f.too_big) {
		ret = kh_err_sys_at(p->err, ENOMEM, p->a->name,
				    "cannot compare '%s'",
				 p->a->name);
		goto out_free;
	}
	for (i = lo; i < hi; i++)
		if (diff_wants(&p->res->items[i], false) ||
		    diff_wants(&p->res->items[i], true))
			break;
	ret = i < hi ? diff_walk(p->a, diff_fetch_one, &f, p->err) : 0;
	if (!ret && i < hi) {
		f.bufs += n;
		f.too_big += n;
		f.side_b = true;
		ret = diff_walk(p->b, diff_fetch_one, &f, p->err);
		f.bufs -= n;
		f.too_big -= n;
	}
	if (!ret)
		ret = diff_pass_emit(p, lo, hi, f.bufs, f.too_big, fn, ctx);
	for (i = 0; i < 2 * n; i++)
		kh_buf_release(&f.bufs[i]);
out_free:
	free(f.bufs);
	free(f.too_big);
	return ret;
}

int kh_diff_unified(const struct kh_headers_src *a,
		    const struct kh_headers_src *b,
		    const struct kh_diff_result *res,
		    const struct kh_diff_opts *opts,
		    int (*fn)(size_t idx, const char *text, size_t len,
			      void *ctx),
		    void *ctx, struct kh_error *err)
{
	struct diff_pass p = { .a = a, .b = b, .res = res, .err = err };
	size_t lo = 0, hi;
	int ret = 0;

	p.max = opts && opts->max_entry ? opts->max_entry : DIFF_MAX_ENTRY;
	p.context = 3;
	if (opts && opts->no_context)
		p.context = 0;
	else if (opts && opts->context)
		p.context = opts->context;
	while (!ret && lo < res->nr_items) {
		hi = diff_pass_end(&p, lo);
		ret = diff_pass_run(&p, lo, hi, fn, ctx);
		lo = hi;
	}
	return ret;
}
