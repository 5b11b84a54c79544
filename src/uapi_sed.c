// SPDX-License-Identifier: GPL-2.0
/*
 * uapi_sed.c - the text steps of the kernel's scripts/headers_install.sh,
 * written out in C with the semantics of GNU sed in the C locale: the
 * SPDX check on the input, the six substitutions applied to each line
 * (leftmost match first; with /g the search goes on after the text a match
 * consumed, so "asm volatile" only becomes "__asm__ volatile", and "^" only
 * matches at the start of the line), and the search for CONFIG_ words
 * outside comments in the output, which replays the script's own comment
 * remover: it knows no string literals, joins lines while a comment is
 * open, and at the end of the input prints what is left.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "uapi.h"

static bool sed_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool sed_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static bool sed_word(unsigned char c)
{
	return sed_alnum(c) || c == '_';
}

static bool sed_at(const char *s, size_t n, size_t i, const char *w)
{
	size_t l = strlen(w);

	return i <= n && n - i >= l && !memcmp(s + i, w, l);
}

/* The word of @words at @i, or NULL. */
static const char *sed_one_of(const char *s, size_t n, size_t i,
			      const char *const *words)
{
	for (; *words; words++)
		if (sed_at(s, n, i, *words))
			return *words;
	return NULL;
}

/* s/([[:space:](])(__user|__force|__iomem)[[:space:]]/\1/g */
static int sed_user(const char *s, size_t n, struct kh_buf *o)
{
	static const char *const words[] = {
		"__user", "__force", "__iomem", NULL
	};
	const char *w;
	size_t i, e, from = 0;

	for (i = 0; i + 1 < n; i++) {
		if (s[i + 1] != '_' || !(sed_space(s[i]) || s[i] == '('))
			continue;
		w = sed_one_of(s, n, i + 1, words);
		if (!w)
			continue;
		e = i + 1 + strlen(w);
		if (e < n && sed_space(s[e])) {
			if (kh_buf_append(o, s + from, i + 1 - from))
				return -ENOMEM;
			from = e + 1;
			i = e;
		}
	}
	if (!from)
		return 0;	/* no match: nothing written */
	return kh_buf_append(o, s + from, n - from) ? -ENOMEM : 1;
}

/* s/__attribute_const__([[:space:]]|$)/\1/g */
static int sed_attr_const(const char *s, size_t n, struct kh_buf *o)
{
	static const char w[] = "__attribute_const__";
	size_t i, e, from = 0;

	for (i = 0; i < n; i++) {
		e = i + sizeof(w) - 1;
		if (s[i] != '_' || !sed_at(s, n, i, w) ||
		    (e != n && !sed_space(s[e])))
			continue;
		if (kh_buf_append(o, s + from, i - from))
			return -ENOMEM;
		from = e;
		i = e;	/* the blank after it is kept, and not matched again */
	}
	if (!from)
		return 0;	/* no match: nothing written */
	return kh_buf_append(o, s + from, n - from) ? -ENOMEM : 1;
}

/*
 * s@^#include <linux/compiler.h>@@, or with compiler(|_types).h before
 * 7.0 ('.' is any character).  Return: how many bytes it removes.
 */
static size_t sed_compiler(const struct kh_uapi_gen *gen, const char *s,
			   size_t n)
{
	static const char head[] = "#include <linux/compiler";
	size_t h = sizeof(head) - 1;

	if (!sed_at(s, n, 0, head))
		return 0;
	if (n >= h + 3 && s[h + 1] == 'h' && s[h + 2] == '>')
		return h + 3;
	if (gen->drop_compiler_types && sed_at(s, n, h, "_types") &&
	    n >= h + 9 && s[h + 7] == 'h' && s[h + 8] == '>')
		return h + 9;
	return 0;
}

/* s/(^|[^a-zA-Z0-9])__packed([^a-zA-Z0-9_]|$)/\1__attribute__((packed))\2/g */
static int sed_packed(const char *s, size_t n, struct kh_buf *o)
{
	static const char w[] = "__packed";
	size_t i, at, e, from = 0;

	for (i = 0; i < n; i++) {
		/* "^" only where the line starts, else one character before */
		at = i == 0 && s[0] == '_' && sed_at(s, n, 0, w) ? 0 : i + 1;
		if (at >= n || s[at] != '_' || (at && sed_alnum(s[i])) ||
		    !sed_at(s, n, at, w))
			continue;
		e = at + sizeof(w) - 1;
		if (e < n && sed_word(s[e]))
			continue;
		if (kh_buf_append(o, s + from, at - from) ||
		    kh_buf_addstr(o, "__attribute__((packed))"))
			return -ENOMEM;
		from = e;
		i = e;	/* the character after it is consumed by the match */
	}
	if (!from)
		return 0;	/* no match: nothing written */
	return kh_buf_append(o, s + from, n - from) ? -ENOMEM : 1;
}

/* s/(^|[[:space:](])(inline|asm|volatile)([[:space:](]|$)/\1__\2__\3/g */
static int sed_keywords(const char *s, size_t n, struct kh_buf *o)
{
	static const char *const words[] = {
		"inline", "asm", "volatile", NULL
	};
	const char *w;
	size_t i, at, e, from = 0;

	for (i = 0; i < n; i++) {
		if (sed_space(s[i]) || s[i] == '(')
			at = i + 1;
		else if (i == 0)
			at = 0;
		else
			continue;
		if (at >= n || (s[at] != 'i' && s[at] != 'a' && s[at] != 'v'))
			continue;
		w = sed_one_of(s, n, at, words);
		if (!w)
			continue;
		e = at + strlen(w);
		if (e < n && !sed_space(s[e]) && s[e] != '(')
			continue;
		if (kh_buf_append(o, s + from, at - from) ||
		    kh_buf_addf(o, "__%s__", w))
			return -ENOMEM;
		from = e;
		i = e;	/* the character after it is consumed by the match */
	}
	if (!from)
		return 0;	/* no match: nothing written */
	return kh_buf_append(o, s + from, n - from) ? -ENOMEM : 1;
}

/* s@#(ifndef|define|endif[[:space:]]*\/[*])[[:space:]]*_UAPI@#\1 @ */
static int sed_guard(const char *s, size_t n, struct kh_buf *o)
{
	size_t i, j, k;

	for (i = 0; i < n; i++) {
		if (s[i] != '#')
			continue;
		j = i + 1;
		if (sed_at(s, n, j, "ifndef") || sed_at(s, n, j, "define")) {
			j += 6;
		} else if (sed_at(s, n, j, "endif")) {
			for (j += 5; j < n && sed_space(s[j]); j++)
				;
			if (!sed_at(s, n, j, "/*"))
				continue;
			j += 2;
		} else {
			continue;
		}
		for (k = j; k < n && sed_space(s[k]); k++)
			;
		if (!sed_at(s, n, k, "_UAPI"))
			continue;
		if (kh_buf_append(o, s, j) || kh_buf_addstr(o, " ") ||
		    kh_buf_append(o, s + k + 5, n - k - 5))
			return -ENOMEM;
		return 0;
	}
	return kh_buf_append(o, s, n);
}

/*
 * What a line may need: "__" (__user, __force, __iomem,
 * __attribute_const__, __packed), an i, a or v where a keyword may start,
 * a '#'.  A pass with nothing to do is not run.
 */
#define SED_UNDERSCORES	1
#define SED_KEYWORDS	2
#define SED_HASH	4

static unsigned int sed_needs(const char *s, size_t n)
{
	unsigned int need = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '_':
			if (i + 1 < n && s[i + 1] == '_')
				need |= SED_UNDERSCORES;
			break;
		case 'i':
		case 'a':
		case 'v':
			if (!i || sed_space(s[i - 1]) || s[i - 1] == '(')
				need |= SED_KEYWORDS;
			break;
		case '#':
			need |= SED_HASH;
			break;
		}
	}
	return need;
}

/*
 * A pass appends the line as it rewrites it to @o and returns 1, or
 * returns 0 with nothing written when no expression matched; -ENOMEM.
 */
typedef int (*sed_pass)(const char *s, size_t n, struct kh_buf *o);

/* Run @pass on (*@s, *@n), into the one of @a and @b not being read. */
static int sed_run(sed_pass pass, const char **s, size_t *n,
		   struct kh_buf *a, struct kh_buf *b)
{
	const char *ad = (char *)a->data;
	struct kh_buf *o = *s >= ad && *s <= ad + a->len ? b : a;
	int r;

	kh_buf_setlen(o, 0);
	r = pass(*s, *n, o);
	if (r > 0) {
		*s = (char *)o->data;
		*n = o->len;
	}
	return r < 0 ? r : 0;
}

/* Whether @w occurs in the @n bytes at @s (short lines: no memmem setup). */
static bool sed_has(const char *s, size_t n, const char *w, size_t len)
{
	const char *p = s, *end = s + n;

	while (end - p >= (ptrdiff_t)len && (p = memchr(p, w[0], end - p))) {
		if (end - p >= (ptrdiff_t)len && !memcmp(p, w, len))
			return true;
		p++;
	}
	return false;
}

/* The six expressions on one line (no newline), appended to @out. */
static int sed_line(const struct kh_uapi_gen *gen, const char *s, size_t n,
		    struct kh_buf *a, struct kh_buf *b, struct kh_buf *out)
{
	unsigned int need = sed_needs(s, n);
	size_t cut;

	if ((need & SED_UNDERSCORES) && sed_run(sed_user, &s, &n, a, b))
		return -ENOMEM;
	if ((need & SED_UNDERSCORES) && sed_has(s, n, "__attribute_const__", 19) &&
	    sed_run(sed_attr_const, &s, &n, a, b))
		return -ENOMEM;
	cut = need & SED_HASH ? sed_compiler(gen, s, n) : 0;
	s += cut;
	n -= cut;
	if ((need & SED_UNDERSCORES) && sed_has(s, n, "__packed", 8) &&
	    sed_run(sed_packed, &s, &n, a, b))
		return -ENOMEM;
	if ((need & SED_KEYWORDS) && sed_run(sed_keywords, &s, &n, a, b))
		return -ENOMEM;
	if (need & SED_HASH)
		return sed_guard(s, n, out);
	return kh_buf_append(out, s, n);
}

int kh_uapi_sed(const struct kh_uapi_gen *gen, const char *in, size_t len,
		struct kh_buf *out)
{
	struct kh_buf a, b;
	const char *nl;
	size_t pos = 0, n;
	int ret = 0;

	kh_buf_init(&a);
	kh_buf_init(&b);
	if (kh_buf_reserve(&a, 256) || kh_buf_reserve(&b, 256)) {
		ret = -ENOMEM;
		goto out_release;
	}
	while (pos < len && !ret) {
		nl = memchr(in + pos, '\n', len - pos);
		n = nl ? (size_t)(nl - in) - pos : len - pos;
		ret = sed_line(gen, in + pos, n, &a, &b, out);
		if (!ret && nl)
			ret = kh_buf_append(out, "\n", 1);
		pos += n + !!nl;
	}
out_release:
	kh_buf_release(&a);
	kh_buf_release(&b);
	return ret;
}

static const char *sed_find(const char *s, size_t n, const char *w)
{
	return memmem(s, n, w, strlen(w));
}

bool kh_uapi_spdx_ok(const char *in, size_t len)
{
	static const char tag[] = "SPDX-License-Identifier:";
	const char *end = in + len, *t = in, *line, *nl;
	size_t n;

	while ((t = sed_find(t, end - t, tag))) {
		for (line = t; line > in && line[-1] != '\n'; line--)
			;
		nl = memchr(t, '\n', end - t);
		n = (nl ? nl : end) - line;
		t += sizeof(tag) - 1;
		if (sed_find(t, line + n - t, "GPL-") &&
		    !sed_find(line, n, "WITH Linux-syscall-note"))
			return false;
		t = line + n;
	}
	return true;
}

/*
 * The CONFIG_ search: a pattern space (@ps from @start to its end) fed
 * line by line from @in.
 */
struct sed_config {
	const char *in;
	size_t len;
	size_t pos;
	struct kh_buf ps;
	size_t start;
	const char *next_word;		/* the next "CONFIG_", or NULL */
	const char *next_comment;	/* the next comment opener, or NULL */
	int open_at_end;		/* cfg_open_at_end(), once known (-1) */
};

static bool cfg_read(struct sed_config *c, const char **line, size_t *n)
{
	const char *nl;

	if (c->pos >= c->len)
		return false;
	*line = c->in + c->pos;
	nl = memchr(*line, '\n', c->len - c->pos);
	*n = nl ? (size_t)(nl - *line) : c->len - c->pos;
	c->pos += *n + !!nl;
	return true;
}

/* Replace @n bytes at @at of the pattern space with @len bytes of @with. */
static void cfg_replace(struct sed_config *c, size_t at, size_t n,
			const char *with, size_t len)
{
	char *s = (char *)c->ps.data;

	memmove(s + at + len, s + at + n, c->ps.len - at - n);
	memcpy(s + at, with, len);
	kh_buf_setlen(&c->ps, c->ps.len - n + len);
}

/* s:/\*[^*][^*]*:/\*: */
static bool cfg_open_run(struct sed_config *c)
{
	const char *s = (char *)c->ps.data;
	size_t i, j, end = c->ps.len;

	for (i = c->start; i + 2 < end; i++) {
		if (s[i] != '/' || s[i + 1] != '*' || s[i + 2] == '*')
			continue;
		for (j = i + 3; j < end && s[j] != '*'; j++)
			;
		cfg_replace(c, i, j - i, "/*", 2);
		return true;
	}
	return false;
}

/* s:/\*\*\**\([^/]\):/\*\1: */
static bool cfg_stars(struct sed_config *c)
{
	const char *s = (char *)c->ps.data;
	size_t i, k, end = c->ps.len;
	char with[3] = "/*";

	for (i = c->start; i + 2 < end; i++) {
		if (s[i] != '/' || s[i + 1] != '*' || s[i + 2] != '*')
			continue;
		for (k = i + 3; k < end && s[k] == '*'; k++)
			;
		if (k < end && s[k] != '/') {
			with[2] = s[k];
			cfg_replace(c, i, k + 1 - i, with, 3);
			return true;
		}
		if (k > i + 3) {
			with[2] = '*';
			cfg_replace(c, i, k - i, with, 3);
			return true;
		}
	}
	return false;
}

/* s:/\*\*\/: : */
static bool cfg_empty(struct sed_config *c)
{
	const char *s = (char *)c->ps.data + c->start;
	const char *m = memmem(s, c->ps.len - c->start, "/**/", 4);

	if (!m)
		return false;
	cfg_replace(c, m - (char *)c->ps.data, 4, " ", 1);
	return true;
}

/* Drop the leading run of word (or of other) characters. */
static bool cfg_strip(struct sed_config *c, bool word)
{
	const char *s = (char *)c->ps.data;
	size_t i = c->start;

	while (i < c->ps.len && sed_word(s[i]) == word)
		i++;
	if (i == c->start)
		return false;
	c->start = i;
	return true;
}

static void cfg_word(const char *s, size_t n, char *word, size_t size)
{
	if (n >= size)
		n = size - 1;
	memcpy(word, s, n);
	word[n] = '\0';
}

static bool cfg_excused(const struct kh_uapi_gen *gen, const char *path,
			const char *word)
{
	const char *const *ig;
	size_t lp = strlen(path), lw = strlen(word), li;

	for (ig = gen->leak_ignores; ig && *ig; ig++) {
		li = strlen(*ig);
		/* "$INFILE:$c" ends with the entry */
		if (li > lp + 1 + lw || li < lw + 1)
			continue;
		if (!strcmp(*ig + li - lw, word) && (*ig)[li - lw - 1] == ':' &&
		    !memcmp(path + lp - (li - lw - 1), *ig, li - lw - 1))
			return true;
	}
	return false;
}

/*
 * One cycle from :comment with the pattern space set.  Return: 1 when a
 * word was found (in @word), 0 for the next line, 2 at the end of the
 * input, -ENOMEM.
 */
static int cfg_cycle(struct sed_config *c, const struct kh_uapi_gen *gen,
		     const char *path, char *word, size_t size)
{
	const char *s, *line;
	bool opened, starred, stripped;
	size_t n;

	for (;;) {
		/* both substitutions run before "t comment" looks */
		opened = cfg_open_run(c);
		starred = cfg_stars(c);
		if (opened || starred || cfg_empty(c))
			continue;
		s = (char *)c->ps.data + c->start;
		if (!memmem(s, c->ps.len - c->start, "/*", 2))
			break;
		if (!cfg_read(c, &line, &n)) {
			/*
			 * GNU sed's N at the end prints the pattern space:
			 * its first word is what the shell loop sees.
			 */
			n = c->ps.len - c->start;
			while (n && sed_space(*s))
				s++, n--;
			for (n = 0; s + n < (char *)c->ps.data + c->ps.len &&
			     !sed_space(s[n]); n++)
				;
			cfg_word(s, n, word, size);
			return n ? 1 : 2;
		}
		if (kh_buf_append(&c->ps, "\n", 1) ||
		    kh_buf_append(&c->ps, line, n))
			return -ENOMEM;
	}
	for (;;) {
		s = (char *)c->ps.data + c->start;
		if (sed_at(s, c->ps.len - c->start, 0, "CONFIG_")) {
			for (n = 7; c->start + n < c->ps.len && sed_word(s[n]);
			     n++)
				;
			c->start += n;
			cfg_word(s, n, word, size);
			if (!cfg_excused(gen, path, word))
				return 1;
			return 3;	/* the rest, from :comment again */
		}
		stripped = cfg_strip(c, true);
		if (!cfg_strip(c, false) && !stripped)
			return 0;
	}
}

/* The next @w (CONFIG_ or a comment opener) from the read position on. */
static const char *cfg_next(const struct sed_config *c, const char **cache,
			    const char *w)
{
	const char *from = c->in + c->pos;

	if (*cache && *cache < from)
		*cache = memmem(from, c->len - c->pos, w, strlen(w));
	return *cache;
}

/*
 * Whether a comment is still open at the end of the input, from the read
 * position (where none is): the script's comment remover pairs each
 * opener with the next closer after it, knowing no literals.
 */
static bool cfg_open_at_end(const struct sed_config *c)
{
	const char *p = c->in + c->pos, *end = c->in + c->len;

	while ((p = memmem(p, end - p, "/*", 2))) {
		p = memmem(p + 2, end - p - 2, "*/", 2);
		if (!p)
			return true;
		p += 2;
	}
	return false;
}

/*
 * Move the read position to the next line holding a CONFIG_ word or a
 * comment: the script prints nothing for the others and joins none.  With
 * no CONFIG_ word left, only a comment open at the end prints anything.
 * Return: false when nothing more can be printed.
 */
static bool cfg_skip(struct sed_config *c)
{
	const char *w = cfg_next(c, &c->next_word, "CONFIG_");
	const char *m = cfg_next(c, &c->next_comment, "/*");
	const char *at = !w || (m && m < w) ? m : w;

	if (!w && c->open_at_end < 0)
		c->open_at_end = cfg_open_at_end(c);
	if (!at || (!w && !c->open_at_end))
		return false;
	while (at > c->in + c->pos && at[-1] != '\n')
		at--;
	c->pos = at - c->in;
	return true;
}

int kh_uapi_config_leak(const struct kh_uapi_gen *gen, const char *path,
			const char *in, size_t len, char *word, size_t size)
{
	struct sed_config c = {
		.in = in, .len = len,
		.next_word = memmem(in, len, "CONFIG_", 7),
		.next_comment = memmem(in, len, "/*", 2),
		.open_at_end = -1,
	};
	const char *line;
	size_t n;
	int r = 0;

	kh_buf_init(&c.ps);
	if (kh_buf_reserve(&c.ps, 256))
		return -ENOMEM;
	while (r != 1 && r != 2 && cfg_skip(&c) && cfg_read(&c, &line, &n)) {
		kh_buf_setlen(&c.ps, 0);
		c.start = 0;
		if (kh_buf_append(&c.ps, line, n)) {
			r = -ENOMEM;
			break;
		}
		do {
			r = cfg_cycle(&c, gen, path, word, size);
		} while (r == 3);
	}
	kh_buf_release(&c.ps);
	if (r == 1 && !cfg_excused(gen, path, word))
		return 1;
	return r < 0 ? r : 0;
}
