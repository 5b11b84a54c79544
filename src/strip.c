// SPDX-License-Identifier: GPL-2.0
/*
 * strip.c - comment removal for the headers that go into the archive.  The
 * lexer mode runs C translation phases 1-3 over a buffer (line splices,
 * string and character literals, // and block comments) in one forward
 * pass, writing at a position that never overtakes the read position, so it
 * works in place; a removed comment becomes at most one space and its
 * newlines are re-emitted after the next end of a logical line, which keeps
 * every following line at its number without ever ending a directive early.
 * The compact mode is the same lexer, but the newlines of removed comments
 * are dropped and so is every logical line that held only comments and
 * blanks: lines move, as with the stock script, and the archive is smaller.
 * The compat mode replays, byte for byte, the stock script's perl
 * substitution; none copies.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "error.h"
#include "util.h"
#include "kheaders.h"

/* What a lexer pass carries; out may equal in, and w <= r always holds. */
struct strip_lexer {
	const char *in;
	size_t len;
	size_t r;		/* next input byte */
	char *out;
	size_t w;		/* next output byte */
	size_t line;		/* raw newlines consumed so far */
	size_t lf;		/* deferred "\n" from removed comments */
	size_t crlf;		/* deferred "\r\n" from removed comments */
	size_t trim_mark;	/* output position after the last removal */
	unsigned char prev;	/* last logical output char ('\n' at start) */
	unsigned char prev_sig;	/* the same, blanks skipped; kept comments too
				 * at the start of a logical line */
	bool compact;		/* KH_STRIP_COMPACT */
	bool line_removed;	/* a comment was removed on this logical line */
	size_t line_out;	/* output position where this logical line began */
};

#define STRIP_NO_MARK SIZE_MAX

enum {
	STRIP_CODE = 1,		/* ends a plain run in code */
	STRIP_LINE = 2,		/* ends a run in a // comment */
	STRIP_DQ = 4,		/* ends a run in a string literal */
	STRIP_SQ = 8,		/* ends a run in a character literal */
	STRIP_HWS = 16,		/* horizontal whitespace */
};

static const unsigned char strip_class[256] = {
	['/'] = STRIP_CODE,
	['"'] = STRIP_CODE | STRIP_DQ,
	['\''] = STRIP_CODE | STRIP_SQ,
	['\\'] = STRIP_CODE | STRIP_LINE | STRIP_DQ | STRIP_SQ,
	['\n'] = STRIP_CODE | STRIP_LINE | STRIP_DQ | STRIP_SQ,
	['\r'] = STRIP_DQ | STRIP_SQ,
	[' '] = STRIP_HWS,
	['\t'] = STRIP_HWS,
	['\f'] = STRIP_HWS,
	['\v'] = STRIP_HWS,
};

static bool strip_is_hws(unsigned char c)
{
	return strip_class[c] & STRIP_HWS;
}

static bool strip_is_space(unsigned char c)
{
	return strip_is_hws(c) || c == '\n' || c == '\r';
}

/* Length of the line splice (backslash, blanks, newline) at @pos, or 0. */
static size_t strip_splice_len(const char *in, size_t len, size_t pos)
{
	size_t p = pos + 1;

	if (pos >= len || in[pos] != '\\')
		return 0;
	while (p < len && strip_is_hws(in[p]))
		p++;
	if (p < len && in[p] == '\n')
		return p + 1 - pos;
	if (p + 1 < len && in[p] == '\r' && in[p + 1] == '\n')
		return p + 2 - pos;
	return 0;
}

/* First position at or after @pos that does not start a line splice. */
static size_t strip_skip_splices(const char *in, size_t len, size_t pos)
{
	size_t n;

	while ((n = strip_splice_len(in, len, pos)))
		pos += n;
	return pos;
}

static void strip_copy(struct strip_lexer *lx, size_t n)
{
	if (lx->out + lx->w != lx->in + lx->r)
		memmove(lx->out + lx->w, lx->in + lx->r, n);
	lx->w += n;
	lx->r += n;
}

/*
 * Update prev and prev_sig from the output written since @from, looking
 * through line splices.
 */
static void strip_note(struct strip_lexer *lx, size_t from)
{
	const char *o = lx->out;
	size_t b = lx->w, i;
	bool have_prev = false;

	while (b > from) {
		if (o[b - 1] == '\n') {
			i = b - 1;
			if (i > from && o[i - 1] == '\r')
				i--;
			while (i > from && strip_is_hws(o[i - 1]))
				i--;
			if (i > from && o[i - 1] == '\\') {
				b = i - 1;
				continue;
			}
		}
		if (!have_prev) {
			lx->prev = o[b - 1];
			have_prev = true;
		}
		if (!strip_is_hws(o[b - 1])) {
			lx->prev_sig = o[b - 1];
			return;
		}
		b--;
	}
}

/* Copy the splice at r if there is one; return whether there was. */
static bool strip_copy_splice(struct strip_lexer *lx)
{
	size_t n = strip_splice_len(lx->in, lx->len, lx->r);

	if (!n)
		return false;
	strip_copy(lx, n);
	lx->line++;
	return true;
}

/* Copy bytes up to the next one of class @stop (or the end). */
static void strip_copy_run(struct strip_lexer *lx, unsigned char stop)
{
	size_t p = lx->r;

	while (p < lx->len && !(strip_class[(unsigned char)lx->in[p]] & stop))
		p++;
	strip_copy(lx, p - lx->r);
}

/*
 * A string or character literal: up to the matching unescaped quote, or up
 * to (not including) an unspliced newline or the end of the input.
 */
static void strip_literal(struct strip_lexer *lx)
{
	unsigned char quote = lx->in[lx->r];
	unsigned char stop = quote == '"' ? STRIP_DQ : STRIP_SQ;
	size_t from = lx->w;
	char c;

	strip_copy(lx, 1);
	for (;;) {
		strip_copy_run(lx, stop);
		if (lx->r >= lx->len)
			break;
		c = lx->in[lx->r];
		if (c == '\n' || c == '\r')
			break;
		if (c == quote) {
			strip_copy(lx, 1);
			break;
		}
		if (strip_copy_splice(lx))
			continue;
		strip_copy(lx, 1);		/* backslash of an escape */
		while (strip_copy_splice(lx))
			;
		if (lx->r < lx->len && lx->in[lx->r] != '\n' &&
		    lx->in[lx->r] != '\r')
			strip_copy(lx, 1);
	}
	strip_note(lx, from);
}

/* A // comment: copied up to (not including) the unspliced newline. */
static void strip_line_comment(struct strip_lexer *lx)
{
	size_t from = lx->w;

	for (;;) {
		strip_copy_run(lx, STRIP_LINE);
		if (lx->r >= lx->len || lx->in[lx->r] == '\n')
			break;
		if (!strip_copy_splice(lx))
			strip_copy(lx, 1);
	}
	strip_note(lx, from);
}

/* Position just after the block comment whose body starts at @p, or 0. */
static size_t strip_comment_end(const char *in, size_t len, size_t p)
{
	const char *star;
	size_t q;

	while (p < len) {
		star = memchr(in + p, '*', len - p);
		if (!star)
			return 0;
		p = star - in + 1;
		q = strip_skip_splices(in, len, p);
		if (q < len && in[q] == '/')
			return q + 1;
	}
	return 0;
}

/* Whether "SPDX" appears in @s (@n bytes) once line splices are removed. */
static bool strip_has_spdx(const char *s, size_t n)
{
	static const char key[] = "SPDX";
	size_t i, k, p;

	if (memmem(s, n, key, 4))
		return true;
	if (!memchr(s, '\\', n))
		return false;
	for (i = 0; i < n; i++) {
		for (k = 0, p = i; k < 4; k++, p++) {
			p = strip_skip_splices(s, n, p);
			if (p >= n || s[p] != key[k])
				break;
		}
		if (k == 4)
			return true;
	}
	return false;
}

/* Count raw newlines of @s into *@lf and *@crlf. */
static void strip_count_newlines(const char *s, size_t n, size_t *lf,
				 size_t *crlf)
{
	const char *p = s, *end = s + n, *nl;

	while ((nl = memchr(p, '\n', end - p))) {
		if (nl > s && nl[-1] == '\r')
			(*crlf)++;
		else
			(*lf)++;
		p = nl + 1;
	}
}

/*
 * Whether removing the comment that ends at @end could leave a backslash
 * followed by blanks and a newline: the output ends with a backslash and
 * blanks, and the input goes on with blanks then a newline, the end of the
 * input or something that may be another comment.
 */
static bool strip_would_splice(const struct strip_lexer *lx, size_t end)
{
	char c;

	if (lx->prev_sig != '\\')
		return false;
	while (end < lx->len && strip_is_hws(lx->in[end]))
		end++;
	if (end >= lx->len)
		return true;
	c = lx->in[end];
	return c == '\n' || c == '\r' || c == '/' || c == '\\';
}

static void strip_flush_newlines(struct strip_lexer *lx)
{
	for (; lx->crlf; lx->crlf--) {
		lx->out[lx->w++] = '\r';
		lx->out[lx->w++] = '\n';
	}
	for (; lx->lf; lx->lf--)
		lx->out[lx->w++] = '\n';
}

/*
 * The block comment [lx->r, @end): keep it, or replace it by at most one
 * space.  Its newlines go out at once when only blanks and comments
 * precede it on its logical line (nothing can be cut short there),
 * otherwise after the end of that logical line.  A kept comment leaves a
 * line as blank as it found it.
 */
static void strip_block_comment(struct strip_lexer *lx, size_t end)
{
	const char *s = lx->in + lx->r;
	size_t n = end - lx->r, from = lx->w, next;
	size_t lf = 0, crlf = 0;
	bool at_start;

	strip_count_newlines(s, n, &lf, &crlf);
	lx->line += lf + crlf;
	if (strip_has_spdx(s, n) || strip_would_splice(lx, end)) {
		at_start = lx->prev_sig == '\n';
		strip_copy(lx, n);
		strip_note(lx, from);
		if (at_start)
			lx->prev = lx->prev_sig = '\n';
		return;
	}
	if (lx->compact) {
		lx->line_removed = true;
	} else {
		lx->lf += lf;
		lx->crlf += crlf;
		if (lx->prev_sig == '\n')
			strip_flush_newlines(lx);
	}
	next = strip_skip_splices(lx->in, lx->len, end);
	lx->r = end;
	if (!strip_is_space(lx->prev) && next < lx->len &&
	    !strip_is_space(lx->in[next])) {
		lx->out[lx->w++] = ' ';
		lx->prev = ' ';
	}
	lx->trim_mark = lx->w;
}

/*
 * Drop the blanks a removed comment left at the end of the line that ends
 * at output position @e, unless a literal or other text follows the
 * removal or the blanks follow a backslash.
 */
static void strip_trim(struct strip_lexer *lx, size_t e)
{
	char *o = lx->out;
	size_t m = lx->trim_mark, s, i;

	if (m == STRIP_NO_MARK)
		return;
	lx->trim_mark = STRIP_NO_MARK;
	for (i = m; i < e; i++)
		if (!strip_is_hws(o[i]))
			return;
	for (s = m; s > 0 && strip_is_hws(o[s - 1]); s--)
		;
	if (s == e || (s > 0 && o[s - 1] == '\\'))
		return;
	memmove(o + s, o + e, lx->w - e);
	lx->w -= e - s;
}

/*
 * Compact mode (only it sets line_removed): whether the logical line now
 * ending held only removed comments and blanks (a '\r' of a CRLF
 * included).  A line with a splice or a kept comment stays.
 */
static bool strip_line_is_empty(const struct strip_lexer *lx)
{
	size_t i, end = lx->w;

	if (!lx->line_removed)
		return false;
	if (end > lx->line_out && lx->out[end - 1] == '\r')
		end--;
	for (i = lx->line_out; i < end; i++)
		if (!strip_is_hws(lx->out[i]))
			return false;
	return true;
}

/* An unspliced newline outside any comment: the end of a logical line. */
static void strip_newline(struct strip_lexer *lx)
{
	size_t e = lx->w;

	if (e > 0 && lx->out[e - 1] == '\r')
		e--;
	strip_trim(lx, e);
	if (strip_line_is_empty(lx)) {
		lx->w = lx->line_out;
		lx->r++;
	} else {
		strip_copy(lx, 1);
	}
	lx->line++;
	strip_flush_newlines(lx);
	lx->prev = lx->prev_sig = '\n';
	lx->line_out = lx->w;
	lx->line_removed = false;
}

static void strip_end_of_input(struct strip_lexer *lx)
{
	strip_trim(lx, lx->w);
	if (strip_line_is_empty(lx))
		lx->w = lx->line_out;
	if (lx->prev_sig == '\\') {
		lx->lf = lx->crlf = 0;
		return;
	}
	strip_flush_newlines(lx);
}

/* A slash in code: a comment opener, or just a slash. */
static int strip_slash(struct strip_lexer *lx, const char *name,
		       struct kh_error *err)
{
	size_t q = strip_skip_splices(lx->in, lx->len, lx->r + 1);
	size_t end, from = lx->w;

	if (q < lx->len && lx->in[q] == '/') {
		strip_line_comment(lx);
		return 0;
	}
	if (q >= lx->len || lx->in[q] != '*') {
		strip_copy(lx, 1);
		strip_note(lx, from);
		return 0;
	}
	end = strip_comment_end(lx->in, lx->len, q + 1);
	if (!end)
		return kh_err_at(err, EINVAL, name,
				 "'%s': unterminated comment at line %zu",
			      name, lx->line + 1);
	strip_block_comment(lx, end);
	return 0;
}

static int strip_lexer_run(struct strip_lexer *lx, const char *name,
			   struct kh_error *err)
{
	size_t from;
	int ret;

	while (lx->r < lx->len) {
		from = lx->w;
		strip_copy_run(lx, STRIP_CODE);
		if (lx->w != from)
			strip_note(lx, from);
		if (lx->r >= lx->len)
			break;
		switch (lx->in[lx->r]) {
		case '\n':
			strip_newline(lx);
			break;
		case '"':
		case '\'':
			strip_literal(lx);
			break;
		case '/':
			ret = strip_slash(lx, name, err);
			if (ret)
				return ret;
			break;
		default:	/* backslash */
			if (!strip_copy_splice(lx)) {
				from = lx->w;
				strip_copy(lx, 1);
				strip_note(lx, from);
			}
			break;
		}
	}
	strip_end_of_input(lx);
	return 0;
}

static size_t strip_compat_find(const char *in, size_t len, size_t pos,
				const char *key, size_t klen)
{
	const char *p;

	if (pos >= len)
		return SIZE_MAX;
	p = memmem(in + pos, len - pos, key, klen);
	return p ? (size_t)(p - in) : SIZE_MAX;
}

/*
 * s/\/\*((?!SPDX).)*?\*\///smg on the whole buffer: an opener at i matches
 * up to the first closer at j >= i + 2 unless "SPDX" starts in [i + 2, j);
 * a failed opener is retried one byte later, a match resumes after it.
 * The closer and SPDX positions are cached, so the pass is linear.
 */
static size_t strip_compat(const char *in, size_t len, char *out)
{
	size_t r = 0, w = 0, s = 0, i, j = 0, k = 0;
	bool have_j = false, have_k = false;

	while ((i = strip_compat_find(in, len, s, "/*", 2)) != SIZE_MAX) {
		if (!have_j || j < i + 2) {
			j = strip_compat_find(in, len, i + 2, "*/", 2);
			have_j = true;
		}
		if (j == SIZE_MAX)
			break;
		if (!have_k || k < i + 2) {
			k = strip_compat_find(in, len, i + 2, "SPDX", 4);
			have_k = true;
		}
		if (k < j) {
			s = k - 1;
			continue;
		}
		memmove(out + w, in + r, i - r);
		w += i - r;
		r = s = j + 2;
	}
	memmove(out + w, in + r, len - r);
	return w + len - r;
}

static const char *const strip_mode_names[] = {
	[KH_STRIP_COMPACT] = "compact",
	[KH_STRIP_LEXER] = "lexer",
	[KH_STRIP_COMPAT] = "compat",
	[KH_STRIP_NONE] = "none",
};

const char *kh_strip_mode_name(enum kh_strip_mode mode)
{
	if ((unsigned int)mode >= ARRAY_SIZE(strip_mode_names))
		return "unknown";
	return strip_mode_names[mode];
}

int kh_strip_mode_parse(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(strip_mode_names); i++)
		if (!strcmp(s, strip_mode_names[i]))
			return (int)i;
	return -1;
}

int kh_strip(enum kh_strip_mode mode, const char *in, size_t len, char *out,
	     size_t *out_len, const char *name, struct kh_error *err)
{
	struct strip_lexer lx = {
		.in = in, .len = len, .out = out,
		.trim_mark = STRIP_NO_MARK, .prev = '\n', .prev_sig = '\n',
	};
	int ret;

	switch (mode) {
	case KH_STRIP_COMPACT:
		lx.compact = true;
		/* fall through */
	case KH_STRIP_LEXER:
		ret = strip_lexer_run(&lx, name, err);
		if (ret)
			return ret;
		*out_len = lx.w;
		return 0;
	case KH_STRIP_COMPAT:
		*out_len = strip_compat(in, len, out);
		return 0;
	case KH_STRIP_NONE:
		if (out != in)
			memmove(out, in, len);
		*out_len = len;
		return 0;
	}
	return kh_err_at(err, EINVAL, name, "'%s': unknown strip mode %d", name,
		      (int)mode);
}
