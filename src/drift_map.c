// SPDX-License-Identifier: GPL-2.0
/*
 * drift_map.c - the map of "kheaders drift": which copy follows which
 * kernel original, and under which of GNU diff's rules (the ones
 * tools/perf/check-headers.sh passes: -B, -I REGEX, the
 * __ignore_sync_check__ marker, an ignore-hunks file).  Words are quoted
 * as in the shell, so the option strings of a check-headers.sh call can
 * be written into a map as they stand; nothing is ever expanded.
 */
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "path.h"
#include "util.h"

/* The words of one line, each a NUL-terminated string in @buf. */
struct map_words {
	struct kh_buf buf;
	size_t *off;		/* where each word starts in @buf */
	size_t nr, alloc;
};

struct map_parser {
	const char *name;
	unsigned int line;
	struct kh_error *err;
};

static int map_fail(const struct map_parser *mp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int map_fail(const struct map_parser *mp, const char *fmt, ...)
{
	char what[KH_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return kh_err_at(mp->err, EINVAL, mp->name, "%s:%u: %s", mp->name,
			 mp->line, what);
}

static bool map_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int map_word_start(struct map_words *w)
{
	int ret = ALLOC_GROW(w->off, w->nr + 1, w->alloc);

	if (!ret)
		w->off[w->nr++] = w->buf.len;
	return ret;
}

/*
 * A double-quoted run from @p (after the quote) up to the closing quote:
 * as in the shell, a backslash escapes only $ ` " \, else it stays.
 */
static const char *map_dquote(const char *p, const char *end,
			      struct kh_buf *out, int *ret)
{
	for (; p < end && *p != '"'; p++) {
		if (*p == '\\' && p + 1 < end && strchr("$`\"\\", p[1]))
			p++;
		*ret = kh_buf_append(out, p, 1);
		if (*ret)
			return NULL;
	}
	return p < end ? p + 1 : NULL;
}

/* Split the line [@p, @end) into words; a word starting with '#' ends it. */
static int map_split(const struct map_parser *mp, const char *p,
		     const char *end, struct map_words *w)
{
	const char *q;
	bool in_word = false;
	int ret = 0;

	w->nr = 0;
	kh_buf_setlen(&w->buf, 0);
	while (p < end && !ret) {
		if (map_is_blank(*p)) {
			if (in_word)
				ret = kh_buf_append(&w->buf, "", 1);
			in_word = false;
			p++;
			continue;
		}
		if (!in_word) {
			if (*p == '#')
				break;
			ret = map_word_start(w);
			in_word = true;
			if (ret)
				break;
		}
		if (*p == '\'') {
			q = memchr(p + 1, '\'', end - p - 1);
			if (!q)
				return map_fail(mp, "unterminated quote");
			ret = kh_buf_append(&w->buf, p + 1, q - p - 1);
			p = q + 1;
		} else if (*p == '"') {
			p = map_dquote(p + 1, end, &w->buf, &ret);
			if (!p && !ret)
				return map_fail(mp, "unterminated quote");
		} else if (*p == '\\') {
			if (p + 1 >= end)
				return map_fail(mp, "backslash at the end of the line");
			ret = kh_buf_append(&w->buf, p + 1, 1);
			p += 2;
		} else {
			ret = kh_buf_append(&w->buf, p++, 1);
		}
	}
	if (!ret && in_word)
		ret = kh_buf_append(&w->buf, "", 1);
	return ret ? kh_err(mp->err, ENOMEM, "%s: out of memory", mp->name) : 0;
}

static const char *map_word(const struct map_words *w, size_t i)
{
	return (const char *)w->buf.data + w->off[i];
}

/* A copy of @path if it stays below its root: relative, no "..". */
static int map_path(const struct map_parser *mp, const char *what,
		    const char *path, char **out)
{
	const char *rest = path;
	struct kh_path_comp c;
	char *p;

	if (!*path)
		return map_fail(mp, "empty %s path", what);
	if (*path == '/')
		return map_fail(mp, "%s '%s' is an absolute path", what, path);
	while (kh_path_next(&rest, &c))
		if (kh_path_comp_up(&c))
			return map_fail(mp, "%s '%s' leaves its root ('..')",
					what, path);
	p = strdup(path);
	if (!p || !kh_path_normalize(p) || !*p) {
		free(p);
		return p ? map_fail(mp, "%s '%s' names its root", what, path) :
			   kh_err(mp->err, ENOMEM, "%s: out of memory", mp->name);
	}
	*out = p;
	return 0;
}

static int map_add_re(const struct map_parser *mp, struct kh_drift_pair *pp,
		      const char *re, size_t *alloc)
{
	char why[256];
	regex_t r;
	int rc;

	rc = regcomp(&r, re, REG_NOSUB);
	if (rc) {
		regerror(rc, &r, why, sizeof(why));
		return map_fail(mp, "bad regular expression '%s': %s", re, why);
	}
	regfree(&r);
	if (ALLOC_GROW(pp->ignore_re, pp->nr_ignore_re + 1, *alloc))
		return kh_err(mp->err, ENOMEM, "%s: out of memory", mp->name);
	pp->ignore_re[pp->nr_ignore_re] = strdup(re);
	if (!pp->ignore_re[pp->nr_ignore_re])
		return kh_err(mp->err, ENOMEM, "%s: out of memory", mp->name);
	pp->nr_ignore_re++;
	return 0;
}

/* The value of an option given as "OPT VALUE", "OPT=VALUE" or "-XVALUE". */
static const char *map_value(const struct map_words *w, size_t *i,
			     const char *opt)
{
	const char *word = map_word(w, *i);
	size_t n = strlen(opt);

	if (strncmp(word, opt, n))
		return NULL;
	if (word[n] == '=' && opt[1] == '-')
		return word + n + 1;
	if (word[n] && opt[1] != '-')
		return word + n;
	if (word[n] || *i + 1 >= w->nr)
		return NULL;
	return map_word(w, ++*i);
}

static int map_option(const struct map_parser *mp, const struct map_words *w,
		      size_t *i, struct kh_drift_pair *pp, size_t *re_alloc)
{
	const char *word = map_word(w, *i), *v;

	if (!strcmp(word, "-B") || !strcmp(word, "--ignore-blank-lines")) {
		pp->ignore_blank = true;
		return 0;
	}
	if (!strcmp(word, "--ignore-sync-check"))
		return map_add_re(mp, pp, KH_DRIFT_SYNC_CHECK_RE, re_alloc);
	v = map_value(w, i, "-I");
	if (!v)
		v = map_value(w, i, "--ignore-matching-lines");
	if (v)
		return map_add_re(mp, pp, v, re_alloc);
	v = map_value(w, i, "--ignore-hunks");
	if (v) {
		if (pp->ignore_hunks)
			return map_fail(mp, "more than one --ignore-hunks");
		return map_path(mp, "ignore-hunks file", v, &pp->ignore_hunks);
	}
	if (!strcmp(word, "-I") || !strcmp(word, "--ignore-hunks") ||
	    !strcmp(word, "--ignore-matching-lines"))
		return map_fail(mp, "option '%s' needs a value", word);
	return map_fail(mp, "unknown option '%s'", word);
}

static void map_pair_release(struct kh_drift_pair *pp)
{
	size_t i;

	free(pp->copy);
	free(pp->original);
	for (i = 0; i < pp->nr_ignore_re; i++)
		free(pp->ignore_re[i]);
	free(pp->ignore_re);
	free(pp->ignore_hunks);
	memset(pp, 0, sizeof(*pp));
}

static int map_line(const struct map_parser *mp, const struct map_words *w,
		    struct kh_drift_map *map)
{
	struct kh_drift_pair pp = { .line = mp->line };
	size_t i, re_alloc = 0;
	int ret;

	if (w->nr < 2)
		return map_fail(mp, "expected 'COPY ORIGINAL [OPTION]...'");
	ret = map_path(mp, "copy", map_word(w, 0), &pp.copy);
	if (!ret)
		ret = map_path(mp, "original", map_word(w, 1), &pp.original);
	for (i = 2; !ret && i < w->nr; i++)
		ret = map_option(mp, w, &i, &pp, &re_alloc);
	if (!ret && ALLOC_GROW(map->pairs, map->nr + 1, map->alloc))
		ret = kh_err(mp->err, ENOMEM, "%s: out of memory", mp->name);
	if (ret) {
		map_pair_release(&pp);
		return ret;
	}
	map->pairs[map->nr++] = pp;
	return 0;
}

void kh_drift_map_init(struct kh_drift_map *map)
{
	memset(map, 0, sizeof(*map));
}

void kh_drift_map_release(struct kh_drift_map *map)
{
	size_t i;

	for (i = 0; i < map->nr; i++)
		map_pair_release(&map->pairs[i]);
	free(map->pairs);
	kh_drift_map_init(map);
}

int kh_drift_map_parse(const char *text, size_t len, const char *name,
		       struct kh_drift_map *map, struct kh_error *err)
{
	struct map_parser mp = { .name = name, .err = err };
	struct map_words w = { .nr = 0 };
	const char *p = text, *end = text + len, *nl;
	int ret = 0;

	kh_buf_init(&w.buf);
	while (p < end && !ret) {
		mp.line++;
		nl = memchr(p, '\n', end - p);
		if (!nl)
			nl = end;
		if (memchr(p, '\0', nl - p))
			ret = map_fail(&mp, "NUL byte");
		if (!ret)
			ret = map_split(&mp, p, nl, &w);
		if (!ret && w.nr)
			ret = map_line(&mp, &w, map);
		p = nl + 1;
	}
	kh_buf_release(&w.buf);
	free(w.off);
	return ret;
}
