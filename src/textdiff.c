// SPDX-License-Identifier: GPL-2.0
/*
 * textdiff.c - the line diff behind "kheaders diff --unified" and
 * "kheaders drift": lines are numbered by content (equal lines get equal
 * ids, found by sorting), Myers' linear-space O(ND) algorithm (the "middle
 * snake", with common prefixes and suffixes stripped first) marks the
 * lines each side does not share, runs of marks are slid as diff(1) slides
 * them, and the marks are grouped into hunks with context, printed the way
 * GNU diff -u prints them so that patch(1) applies them.  Where edit
 * scripts of equal length compete, the choices are GNU diff's: drift
 * judges -B and -I per change, as diff does.  Past a cost limit the search
 * settles for a non-minimal but still exact edit script.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "textdiff.h"
#include "util.h"


struct td_side {
	struct kh_textdiff_line *lines;
	int *id;
	bool *changed;
	size_t n;
};

struct td_ctx {
	struct td_side a, b;
	long *vf, *vb;		/* room for td_middle()'s diagonals */
	long max_cost;
};

/* ---- lines and ids ----------------------------------------------------- */

static int td_split(const char *s, size_t len, struct td_side *side)
{
	size_t n = 0, i, start = 0;
	const char *nl;

	for (i = 0; i < len; i = nl - s + 1, n++) {
		nl = memchr(s + i, '\n', len - i);
		if (!nl)
			nl = s + len - 1;
	}
	side->n = n;
	side->lines = calloc(n + 1, sizeof(*side->lines));
	side->id = calloc(n + 1, sizeof(*side->id));
	side->changed = calloc(n + 1, sizeof(*side->changed));
	if (!side->lines || !side->id || !side->changed)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		nl = memchr(s + start, '\n', len - start);
		side->lines[i].s = s + start;
		side->lines[i].len = nl ? (size_t)(nl - s) + 1 - start
					: len - start;
		start += side->lines[i].len;
	}
	return 0;
}

/* Line @i of a followed by b, for td_number()'s sort. */
static const struct kh_textdiff_line *td_nth(const struct td_ctx *c, size_t i)
{
	return i < c->a.n ? &c->a.lines[i] : &c->b.lines[i - c->a.n];
}

static int td_line_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct kh_textdiff_line *a = td_nth(ctx, *(const size_t *)pa);
	const struct kh_textdiff_line *b = td_nth(ctx, *(const size_t *)pb);
	int r = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);

	if (r)
		return r;
	return (a->len > b->len) - (a->len < b->len);
}

/*
 * Give every line an id; lines with equal bytes get the same id.  The lines
 * are sorted rather than hashed: a hash table can be flooded with crafted
 * collisions, a sort costs O(n log n) comparisons whatever the input.
 */
static int td_number(struct td_ctx *c)
{
	size_t n = c->a.n + c->b.n, i;
	size_t *v;
	int next = -1;

	v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		v[i] = i;
	qsort_r(v, n, sizeof(*v), td_line_cmp, c);
	for (i = 0; i < n; i++) {
		if (!i || td_line_cmp(&v[i - 1], &v[i], c))
			next++;
		if (v[i] < c->a.n)
			c->a.id[v[i]] = next;
		else
			c->b.id[v[i] - c->a.n] = next;
	}
	free(v);
	return 0;
}

/* ---- Myers ------------------------------------------------------------- */

struct td_split {
	long x, y;		/* split a[0..n) x b[0..m) here */
	long best;		/* x + y of the furthest forward point */
};

static void td_mark(bool *changed, long off, long n)
{
	long i;

	for (i = 0; i < n; i++)
		changed[off + i] = true;
}

/*
 * The search state of td_middle(): forward and backward furthest x per
 * diagonal (index vmid + k), and how many diagonals at each end ran off
 * the edit graph.
 */
struct td_search {
	const int *a, *b;
	long n, m, delta, vmid;
	long *vf, *vb;
	long fstart, fend, bstart, bend;
};

/*
 * Forward round @d; true with the split point in @sp on overlap.  When
 * several diagonals overlap in one round, the one with the most of A
 * consumed wins, as in GNU diff (which walks the diagonals downwards):
 * equal-cost edit scripts then group lines as diff(1) does, which
 * decides its -B and -I verdicts (docs/uapi.md).
 */
static bool td_forward(struct td_search *s, long d, struct td_split *sp)
{
	long k, x, y, *vf = s->vf + s->vmid, *vb = s->vb + s->vmid, kb;
	long fx = 0, fy = 0;
	bool found = false;

	for (k = -d + s->fstart; k <= d - s->fend; k += 2) {
		if (k == -d || (k != d && vf[k - 1] < vf[k + 1]))
			x = vf[k + 1];
		else
			x = vf[k - 1] + 1;
		y = x - k;
		while (x < s->n && y < s->m && s->a[x] == s->b[y])
			x++, y++;
		vf[k] = x;
		if (x > s->n) {
			s->fend += 2;
			continue;
		}
		if (y > s->m) {
			s->fstart += 2;
			continue;
		}
		if (x + y > sp->best && x + y < s->n + s->m) {
			sp->best = x + y;
			sp->x = x;
			sp->y = y;
		}
		kb = s->delta - k;
		if ((s->delta & 1) && kb >= -s->vmid && kb < s->vmid &&
		    vb[kb] != -1 && x >= s->n - vb[kb]) {
			fx = x;
			fy = y;
			found = true;
		}
	}
	if (found) {
		sp->x = fx;
		sp->y = fy;
	}
	return found;
}

/* Backward round @d, on the reversed sequences. */
static bool td_backward(struct td_search *s, long d, struct td_split *sp)
{
	long k, x, y, *vf = s->vf + s->vmid, *vb = s->vb + s->vmid, kf;

	for (k = -d + s->bstart; k <= d - s->bend; k += 2) {
		if (k == -d || (k != d && vb[k - 1] < vb[k + 1]))
			x = vb[k + 1];
		else
			x = vb[k - 1] + 1;
		y = x - k;
		while (x < s->n && y < s->m &&
		       s->a[s->n - 1 - x] == s->b[s->m - 1 - y])
			x++, y++;
		vb[k] = x;
		if (x > s->n) {
			s->bend += 2;
			continue;
		}
		if (y > s->m) {
			s->bstart += 2;
			continue;
		}
		kf = s->delta - k;
		if (!(s->delta & 1) && kf >= -s->vmid && kf < s->vmid &&
		    vf[kf] != -1 && vf[kf] >= s->n - x) {
			sp->x = vf[kf];
			sp->y = vf[kf] - kf;
			return true;
		}
	}
	return false;
}

/*
 * Find where to split a[0..n) x b[0..m) (both non-empty, first and last
 * lines differing) on a shortest edit path, or past the cost limit on the
 * furthest forward point; false means "mark everything changed".
 */
static bool td_middle(struct td_ctx *c, const int *a, const int *b, long n,
		      long m, struct td_split *sp)
{
	struct td_search s = {
		.a = a, .b = b, .n = n, .m = m, .delta = n - m,
		.vmid = (n + m + 1) / 2, .vf = c->vf, .vb = c->vb,
	};
	long d, i;

	for (i = 0; i < 2 * s.vmid + 2; i++)
		c->vf[i] = c->vb[i] = -1;
	c->vf[s.vmid + 1] = 0;
	c->vb[s.vmid + 1] = 0;
	sp->best = 0;
	for (d = 0; d < s.vmid; d++) {
		if (td_forward(&s, d, sp) || td_backward(&s, d, sp))
			return true;
		if (d >= c->max_cost)
			return sp->best > 0;
	}
	return false;
}

static void td_compare(struct td_ctx *c, long aoff, long n, long boff, long m)
{
	const int *a = c->a.id, *b = c->b.id;
	struct td_split sp;

	while (n && m && a[aoff] == b[boff])
		aoff++, boff++, n--, m--;
	while (n && m && a[aoff + n - 1] == b[boff + m - 1])
		n--, m--;
	if (!n || !m) {
		td_mark(c->a.changed, aoff, n);
		td_mark(c->b.changed, boff, m);
		return;
	}
	if (!td_middle(c, a + aoff, b + boff, n, m, &sp) ||
	    (sp.x == 0 && sp.y == 0) || (sp.x == n && sp.y == m)) {
		td_mark(c->a.changed, aoff, n);
		td_mark(c->b.changed, boff, m);
		return;
	}
	td_compare(c, aoff, sp.x, boff, sp.y);
	td_compare(c, aoff + sp.x, n - sp.x, boff + sp.y, m - sp.y);
}

/* ---- sliding runs of changes ------------------------------------------ */

/*
 * Where a run of changed lines could equally sit one line higher or lower
 * (the line before it equals its last line, or the line after it equals
 * its first), the edit script is the same length either way.  diff(1)
 * slides every run as far down as it goes, merging it with the runs it
 * meets, then back up to end where a run of the other side ends, if it
 * passed one; doing the same gives its hunks, which ignore-hunks files
 * are written against.  @j follows the line of @o that is paired with
 * line @i of @s (unchanged lines pair up in order).
 */
struct td_slide {
	struct td_side *s;
	const struct td_side *o;
	size_t start, i, j, corresponding;
};

/* One step up: the run's last line unchanged, the line before it changed. */
static void td_slide_up(struct td_slide *t)
{
	bool *ch = t->s->changed;
	const bool *och = t->o->changed;

	ch[--t->start] = true;
	ch[--t->i] = false;
	while (t->start > 0 && ch[t->start - 1])
		t->start--;
	while (t->j > 0 && och[--t->j])
		;
}

/* Slide the run [start, i) up and down until it stops growing. */
static void td_slide_run(struct td_slide *t)
{
	bool *ch = t->s->changed;
	const bool *och = t->o->changed;
	const int *id = t->s->id;
	size_t n = t->s->n, len;

	do {
		len = t->i - t->start;
		while (t->start > 0 && id[t->start - 1] == id[t->i - 1])
			td_slide_up(t);
		t->corresponding = t->j > 0 && och[t->j - 1] ? t->i : n;
		while (t->i < n && id[t->start] == id[t->i]) {
			ch[t->start++] = false;
			ch[t->i++] = true;
			while (t->i < n && ch[t->i])
				t->i++;
			while (och[++t->j])
				t->corresponding = t->i;
		}
	} while (len != t->i - t->start);
	while (t->corresponding < t->i)
		td_slide_up(t);
}

static void td_shift(struct td_side *s, const struct td_side *o)
{
	struct td_slide t = { .s = s, .o = o };

	for (;;) {
		while (t.i < s->n && !s->changed[t.i]) {
			while (o->changed[t.j])
				t.j++;
			t.j++;
			t.i++;
		}
		if (t.i == s->n)
			break;
		t.start = t.i;
		while (t.i < s->n && s->changed[t.i])
			t.i++;
		while (o->changed[t.j])
			t.j++;
		td_slide_run(&t);
	}
}

/* ---- hunks ------------------------------------------------------------- */

static int td_line_out(struct kh_buf *out, char tag,
		       const struct kh_textdiff_line *l)
{
	int ret = kh_buf_append(out, &tag, 1);

	if (!ret)
		ret = kh_buf_append(out, l->s, l->len);
	if (!ret && (!l->len || l->s[l->len - 1] != '\n'))
		ret = kh_buf_addstr(out, "\n\\ No newline at end of file\n");
	return ret;
}

static int td_range(struct kh_buf *out, char tag, size_t start, size_t len)
{
	if (len == 1)
		return kh_buf_addf(out, " %c%zu", tag, start + 1);
	return kh_buf_addf(out, " %c%zu,%zu", tag, len ? start + 1 : start,
			      len);
}

/* Print the hunk made of changes @ch[0..nr). */
static int td_hunk(struct td_ctx *c, const struct kh_textdiff_change *ch,
		   size_t nr, size_t context, struct kh_buf *out)
{
	const struct kh_textdiff_change *last = &ch[nr - 1];
	size_t lead = ch->a < context ? ch->a : context;
	size_t a0 = ch->a - lead, b0 = ch->b - lead;
	size_t a1 = last->a + last->alen, b1 = last->b + last->blen, i, j, k;
	int ret;

	a1 = a1 + context < c->a.n ? a1 + context : c->a.n;
	b1 = b1 + (a1 - last->a - last->alen);
	ret = kh_buf_addstr(out, "@@");
	ret = ret ? ret : td_range(out, '-', a0, a1 - a0);
	ret = ret ? ret : td_range(out, '+', b0, b1 - b0);
	ret = ret ? ret : kh_buf_addstr(out, " @@\n");
	for (i = a0, j = b0, k = 0; !ret && (i < a1 || j < b1);) {
		if (k < nr && i == ch[k].a) {
			for (; !ret && i < ch[k].a + ch[k].alen; i++)
				ret = td_line_out(out, '-', &c->a.lines[i]);
			for (; !ret && j < ch[k].b + ch[k].blen; j++)
				ret = td_line_out(out, '+', &c->b.lines[j]);
			k++;
			continue;
		}
		ret = td_line_out(out, ' ', &c->a.lines[i]);
		i++, j++;
	}
	return ret;
}

static int td_changes(struct td_ctx *c, struct kh_textdiff_change **out,
		      size_t *nr)
{
	size_t i = 0, j = 0, n = 0, cap = 0;
	struct kh_textdiff_change *ch = NULL;

	while (i < c->a.n || j < c->b.n) {
		if ((i >= c->a.n || !c->a.changed[i]) &&
		    (j >= c->b.n || !c->b.changed[j])) {
			i++, j++;
			continue;
		}
		if (ALLOC_GROW(ch, n + 1, cap)) {
			free(ch);
			return -ENOMEM;
		}
		ch[n].a = i;
		ch[n].b = j;
		while (i < c->a.n && c->a.changed[i])
			i++;
		while (j < c->b.n && c->b.changed[j])
			j++;
		ch[n].alen = i - ch[n].a;
		ch[n].blen = j - ch[n].b;
		n++;
	}
	*out = ch;
	*nr = n;
	return 0;
}

static int td_output(struct td_ctx *c, const char *aname, const char *bname,
		     size_t context, struct kh_buf *out)
{
	struct kh_textdiff_change *ch;
	size_t nr, i, first;
	int ret;

	ret = td_changes(c, &ch, &nr);
	if (ret || !nr)
		return ret;
	ret = kh_buf_addf(out, "--- %s\n+++ %s\n", aname, bname);
	for (i = 1, first = 0; !ret && i <= nr; i++) {
		if (i < nr &&
		    ch[i].a - (ch[i - 1].a + ch[i - 1].alen) <= 2 * context)
			continue;
		ret = td_hunk(c, ch + first, i - first, context, out);
		first = i;
	}
	free(ch);
	return ret;
}

static void td_release(struct td_ctx *c)
{
	free(c->a.lines);
	free(c->a.id);
	free(c->a.changed);
	free(c->b.lines);
	free(c->b.id);
	free(c->b.changed);
	free(c->vf);
	free(c->vb);
}

static long td_isqrt(long v)
{
	long r = 1;

	while (r * r < v)
		r++;
	return r;
}

/* Split, number and compare: the marks of @c say which lines changed. */
static int td_run(struct td_ctx *c, const char *a, size_t alen, const char *b,
		  size_t blen)
{
	size_t nv;
	int ret;

	memset(c, 0, sizeof(*c));
	ret = td_split(a, alen, &c->a);
	if (!ret)
		ret = td_split(b, blen, &c->b);
	if (!ret)
		ret = td_number(c);
	if (ret)
		return ret;
	nv = c->a.n + c->b.n + 4;
	c->vf = calloc(nv, sizeof(*c->vf));
	c->vb = calloc(nv, sizeof(*c->vb));
	if (!c->vf || !c->vb)
		return -ENOMEM;
	c->max_cost = td_isqrt((long)(c->a.n + c->b.n)) * 4;
	if (c->max_cost < 1024)
		c->max_cost = 1024;
	td_compare(c, 0, c->a.n, 0, c->b.n);
	td_shift(&c->a, &c->b);
	td_shift(&c->b, &c->a);
	return 0;
}

int kh_textdiff_unified(const char *a, size_t alen, const char *b, size_t blen,
			const char *aname, const char *bname,
			unsigned int context, struct kh_buf *out)
{
	struct td_ctx c;
	int ret;

	ret = td_run(&c, a, alen, b, blen);
	if (!ret)
		ret = td_output(&c, aname, bname, context, out);
	td_release(&c);
	return ret;
}

int kh_textdiff_script(const char *a, size_t alen, const char *b, size_t blen,
		       struct kh_textdiff_script *s)
{
	struct td_ctx c;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = td_run(&c, a, alen, b, blen);
	if (!ret)
		ret = td_changes(&c, &s->ch, &s->nr);
	if (!ret) {
		s->a = c.a.lines;
		s->na = c.a.n;
		s->b = c.b.lines;
		s->nb = c.b.n;
		c.a.lines = c.b.lines = NULL;
	}
	td_release(&c);
	return ret;
}

void kh_textdiff_script_release(struct kh_textdiff_script *s)
{
	free(s->a);
	free(s->b);
	free(s->ch);
	memset(s, 0, sizeof(*s));
}
