// SPDX-License-Identifier: GPL-2.0
/*
 * drift.c - "kheaders drift": copies of kernel files (tools/include/uapi,
 * libbpf's and systemd's mirrors) compared with their originals in a
 * source tree or an unpacked headers archive.  A pair is judged the way
 * tools/perf/check-headers.sh judges it with GNU diff: the changes of a
 * line diff (textdiff.c), each excused when all its lines are empty (-B)
 * or match an -I expression, or the whole unified diff filtered through
 * an ignore-hunks file.  The token comparison (comments, blanks and line
 * breaks ignored) tells a comment-only change from an ABI change and lets
 * a copy be checked against an archive whose comments were stripped.
 * Every file is opened below its root (openat2 RESOLVE_BENEATH).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "dir.h"
#include "error.h"
#include "path.h"
#include "textdiff.h"
#include "util.h"

#define DRIFT_DEFAULT_MAX_FILE ((size_t)64 << 20)

/* One root of the run: its descriptor and how its paths are shown. */
struct drift_root {
	const char *dir;
	int fd;
};

struct drift_run {
	const struct kh_drift_opts *o;
	struct drift_root copies, src, obj;
	size_t max_file;
	struct kh_error *err;
};

/* One side of a pair, read. */
struct drift_file {
	struct kh_buf data;
	struct stat st;
	char *path;		/* as shown: root/name */
	bool exists;		/* something is there */
	bool present;		/* a regular file is there, read */
};

/* The compiled rules of a pair and what the comparison works on. */
struct drift_cmp {
	const struct kh_drift_pair *pp;
	regex_t *re;
	size_t nr_re;
	struct kh_buf a, b;	/* the texts compared (stripped for archives) */
	struct kh_buf line;	/* one line, NUL-terminated, for regexec() */
	struct kh_buf unified;
};

static const char *const drift_status_names[] = {
	[KH_DRIFT_SAME] = "same",
	[KH_DRIFT_DIFFERS] = "differs",
	[KH_DRIFT_COMMENTS_ONLY] = "differs-only-in-comments",
	[KH_DRIFT_MISSING_ORIGINAL] = "missing-original",
	[KH_DRIFT_NOT_IN_REFERENCE] = "not-in-reference",
	[KH_DRIFT_NOT_CHECKABLE] = "not-checkable",
	[KH_DRIFT_MISSING_COPY] = "missing-copy",
};

const char *kh_drift_status_name(enum kh_drift_status status)
{
	if ((unsigned int)status >= ARRAY_SIZE(drift_status_names))
		return "unknown";
	return drift_status_names[status];
}

bool kh_drift_status_drifted(enum kh_drift_status status)
{
	return status == KH_DRIFT_DIFFERS || status == KH_DRIFT_MISSING_COPY;
}

/* ---- files below a root ------------------------------------------------ */

/* "@dir/@name", or @name alone when @dir is "." (what a user typed). */
static char *drift_show(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	char *s;

	if (!strcmp(dir, "."))
		return strdup(name);
	if (n && dir[n - 1] == '/' && asprintf(&s, "%s%s", dir, name) >= 0)
		return s;
	return kh_path_join(dir, name);
}

/*
 * Without openat2 (before Linux 5.6): one component at a time, never
 * through a symbolic link, which is stricter than RESOLVE_BENEATH.
 */
static int drift_open_components(int rootfd, const char *path, int flags)
{
	const char *rest = path;
	struct kh_path_comp c;
	char name[256];
	int fd = rootfd, next;

	while (kh_path_next(&rest, &c)) {
		if (kh_path_comp_self(&c))
			continue;
		if (kh_path_comp_up(&c) || c.len >= sizeof(name)) {
			next = -1;
			errno = kh_path_comp_up(&c) ? EXDEV : ENAMETOOLONG;
		} else {
			memcpy(name, c.name, c.len);
			name[c.len] = '\0';
			next = openat(fd, name, (rest ? O_PATH | O_DIRECTORY :
					  flags) | O_NOFOLLOW);
		}
		if (fd != rootfd)
			close(fd);
		if (next < 0)
			return -1;
		fd = next;
	}
	return fd == rootfd ? dup(rootfd) : fd;
}

/*
 * Open @path below @rootfd for reading: -1 with errno EXDEV when it would
 * leave the root (through "..", an absolute path or a symbolic link).
 * O_NONBLOCK keeps a FIFO from blocking the open; only regular files are
 * read.
 */
static int drift_open_beneath(int rootfd, const char *path)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		fd = drift_open_components(rootfd, path, how.flags);
	return fd;
}

/*
 * Read @name of @root into @f when it is a regular file there.
 * Return: 0 (@f->present says whether it was), or -errno: -EXDEV for a
 * path leaving the root, a failed read.
 */
static int drift_read(struct drift_run *r, const struct drift_root *root,
		      const char *name, struct drift_file *f)
{
	int fd, ret = 0;

	free(f->path);
	f->path = drift_show(root->dir, name);
	f->exists = f->present = false;
	kh_buf_setlen(&f->data, 0);
	if (!f->path)
		return kh_err(r->err, ENOMEM, "out of memory");
	fd = drift_open_beneath(root->fd, name);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		if (errno == EXDEV)
			return kh_err_at(r->err, EXDEV, f->path,
					 "'%s' leaves '%s'", f->path, root->dir);
		return kh_err_sys_at(r->err, errno, f->path, "cannot open '%s'",
				     f->path);
	}
	f->exists = true;
	if (fstat(fd, &f->st))
		ret = kh_err_sys_at(r->err, errno, f->path, "cannot stat '%s'",
				    f->path);
	else if (S_ISREG(f->st.st_mode))
		ret = kh_read_fd(fd, f->path, r->max_file, &f->data, r->err);
	if (!ret)
		f->present = S_ISREG(f->st.st_mode);
	close(fd);
	return ret;
}

/*
 * With an archive as the reference, whether it could hold @name at all:
 * include/, and arch/ARCH/include/ of the architecture it has.
 */
static bool drift_archive_holds(const struct drift_run *r, const char *name)
{
	const char *slash;
	char dir[300];
	struct stat st;

	if (!strncmp(name, "include/", 8))
		return true;
	if (strncmp(name, "arch/", 5))
		return false;
	slash = strchr(name + 5, '/');
	if (!slash || strncmp(slash, "/include/", 9) ||
	    (size_t)(slash - name) >= sizeof(dir))
		return false;
	memcpy(dir, name, slash - name);
	dir[slash - name] = '\0';
	return !fstatat(r->src.fd, dir, &st, AT_SYMLINK_NOFOLLOW) &&
	       S_ISDIR(st.st_mode);
}

/* ---- tokens ------------------------------------------------------------ */

/* The punctuators of C that are longer than one character, longest first. */
static const char *const drift_puncts[] = {
	"%:%:", "...", "<<=", ">>=", "->", "++", "--", "<<", ">>", "<=",
	">=", "==", "!=", "&&", "||", "*=", "/=", "%=", "+=", "-=", "&=",
	"^=", "|=", "##", "<:", ":>", "<%", "%>", "%:",
};

static bool drift_is_word(unsigned char c)
{
	return c == '_' || c == '$' || c >= 0x80 || (c >= '0' && c <= '9') ||
	       ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Line splices removed, as the preprocessor's phase 2 (blanks allowed). */
static int drift_unsplice(const char *s, size_t len, struct kh_buf *out)
{
	size_t i, j;

	kh_buf_setlen(out, 0);
	if (kh_buf_reserve(out, len))
		return -ENOMEM;
	for (i = 0; i < len; i++) {
		if (s[i] == '\\') {
			for (j = i + 1; j < len && (s[j] == ' ' || s[j] == '\t' ||
						   s[j] == '\r'); j++)
				;
			if (j < len && s[j] == '\n') {
				i = j;
				continue;
			}
		}
		out->data[out->len++] = s[i];
	}
	kh_buf_setlen(out, out->len);
	return 0;
}

/* Length of the token at @s (@n > 0 bytes left, not a blank or comment). */
static size_t drift_token_len(const char *s, size_t n)
{
	size_t i = 1, k, l;

	if (*s == '"' || *s == '\'') {
		for (; i < n && s[i] != *s && s[i] != '\n'; i++)
			if (s[i] == '\\' && i + 1 < n)
				i++;
		return i < n && s[i] == *s ? i + 1 : i;
	}
	if ((*s >= '0' && *s <= '9') ||
	    (*s == '.' && n > 1 && s[1] >= '0' && s[1] <= '9')) {
		for (; i < n; i++) {
			if ((s[i] == '+' || s[i] == '-') &&
			    ((s[i - 1] | 0x20) == 'e' || (s[i - 1] | 0x20) == 'p'))
				continue;
			if (s[i] != '.' && !drift_is_word(s[i]))
				break;
		}
		return i;
	}
	if (drift_is_word(*s)) {
		while (i < n && drift_is_word(s[i]))
			i++;
		return i;
	}
	for (k = 0; k < ARRAY_SIZE(drift_puncts); k++) {
		l = strlen(drift_puncts[k]);
		if (l <= n && !memcmp(s, drift_puncts[k], l))
			return l;
	}
	return 1;
}

/*
 * The C tokens of @text, one per line, into @out (@tmp is scratch):
 * comments, blanks and line breaks gone, splices joined, punctuators cut
 * by maximal munch ("=-" is two tokens, "-=" one).  Two texts with equal
 * results differ only in comments and layout.
 */
static int drift_tokens(const char *text, size_t len, struct kh_buf *tmp,
			struct kh_buf *out)
{
	const char *s, *end, *q;
	size_t n;
	int ret = drift_unsplice(text, len, tmp);

	kh_buf_setlen(out, 0);
	s = (const char *)tmp->data;
	end = s + tmp->len;
	while (!ret && s < end) {
		if (strchr(" \t\n\r\f\v", *s) && *s) {
			s++;
		} else if (end - s > 1 && s[0] == '/' && s[1] == '*') {
			q = memmem(s + 2, end - s - 2, "*/", 2);
			s = q ? q + 2 : end;
		} else if (end - s > 1 && s[0] == '/' && s[1] == '/') {
			q = memchr(s, '\n', end - s);
			s = q ? q : end;
		} else {
			n = drift_token_len(s, end - s);
			ret = kh_buf_append(out, s, n);
			if (!ret)
				ret = kh_buf_append(out, "\n", 1);
			s += n;
		}
	}
	return ret;
}

/* ---- line rules -------------------------------------------------------- */

static void drift_cmp_release(struct drift_cmp *c)
{
	size_t i;

	for (i = 0; i < c->nr_re; i++)
		regfree(&c->re[i]);
	free(c->re);
	c->re = NULL;
	c->nr_re = 0;
}

static int drift_cmp_compile(struct drift_run *r, struct drift_cmp *c,
			     const struct kh_drift_pair *pp)
{
	size_t i;

	c->pp = pp;
	c->re = calloc(pp->nr_ignore_re + 1, sizeof(*c->re));
	if (!c->re)
		return kh_err(r->err, ENOMEM, "out of memory");
	for (i = 0; i < pp->nr_ignore_re; i++, c->nr_re++)
		if (regcomp(&c->re[i], pp->ignore_re[i], REG_NOSUB))
			return kh_err(r->err, EINVAL,
				      "bad regular expression '%s'",
				      pp->ignore_re[i]);
	return 0;
}

/* Whether line @l (without its newline) matches one of @re[0..@nr). */
static int drift_line_matches(struct kh_buf *tmp, const regex_t *re, size_t nr,
			      const struct kh_textdiff_line *l, bool *match)
{
	size_t len = l->len, i;

	if (len && l->s[len - 1] == '\n')
		len--;
	kh_buf_setlen(tmp, 0);
	if (kh_buf_append(tmp, l->s, len))
		return -ENOMEM;
	*match = false;
	for (i = 0; i < nr && !*match; i++)
		*match = !regexec(&re[i], kh_buf_str(tmp), 0, NULL, 0);
	return 0;
}

/* GNU diff's analyze_hunk(): every line of @ch is empty (-B) or matches. */
static int drift_excused(struct drift_cmp *c,
			 const struct kh_textdiff_script *s,
			 const struct kh_textdiff_change *ch, bool *excused)
{
	const struct kh_textdiff_line *l;
	size_t i, n = ch->alen + ch->blen;
	bool match;

	*excused = c->pp->ignore_blank || c->nr_re;
	for (i = 0; i < n && *excused; i++) {
		l = i < ch->alen ? &s->a[ch->a + i] : &s->b[ch->b + i - ch->alen];
		if (c->pp->ignore_blank && l->len == 1 && l->s[0] == '\n')
			continue;
		if (drift_line_matches(&c->line, c->re, c->nr_re, l, &match))
			return -ENOMEM;
		*excused = match;
	}
	return 0;
}

/*
 * @out = the lines of @lines[0..@n) not dropped (@drop[i]: line i was in
 * an excused change): the text the tokens are taken of.
 */
static int drift_keep_lines(const struct kh_textdiff_line *lines, size_t n,
			    const bool *drop, struct kh_buf *out)
{
	size_t i;

	kh_buf_setlen(out, 0);
	for (i = 0; i < n; i++)
		if (!drop[i] && kh_buf_append(out, lines[i].s, lines[i].len))
			return -ENOMEM;
	return 0;
}

/*
 * The line verdict under -B and -I: *@differs when a change is not
 * excused; with tokens, the lines of excused changes are dropped from
 * @ta and @tb, the texts whose tokens are compared next.
 */
static int drift_line_rules(struct drift_cmp *c, bool *differs,
			    struct kh_buf *ta, struct kh_buf *tb)
{
	struct kh_textdiff_script s;
	bool *drop_a = NULL, *drop_b = NULL, excused;
	size_t i, k;
	int ret;

	*differs = false;
	ret = kh_textdiff_script((const char *)c->a.data, c->a.len,
				 (const char *)c->b.data, c->b.len, &s);
	if (!ret) {
		drop_a = calloc(s.na + 1, sizeof(*drop_a));
		drop_b = calloc(s.nb + 1, sizeof(*drop_b));
		if (!drop_a || !drop_b)
			ret = -ENOMEM;
	}
	for (i = 0; !ret && i < s.nr; i++) {
		ret = drift_excused(c, &s, &s.ch[i], &excused);
		if (!excused)
			*differs = true;
		for (k = 0; excused && k < s.ch[i].alen; k++)
			drop_a[s.ch[i].a + k] = true;
		for (k = 0; excused && k < s.ch[i].blen; k++)
			drop_b[s.ch[i].b + k] = true;
	}
	if (!ret)
		ret = drift_keep_lines(s.a, s.na, drop_a, ta);
	if (!ret)
		ret = drift_keep_lines(s.b, s.nb, drop_b, tb);
	free(drop_a);
	free(drop_b);
	kh_textdiff_script_release(&s);
	return ret;
}

/* GNU diff's "--- NAME\tYYYY-MM-DD HH:MM:SS.NNNNNNNNN +0000" (in UTC). */
static int drift_label(const struct drift_file *f, struct kh_buf *out)
{
	struct tm tm;
	char when[64];
	time_t t = f->st.st_mtim.tv_sec;

	kh_buf_setlen(out, 0);
	if (!gmtime_r(&t, &tm) ||
	    !strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(when, sizeof(when), "%s", "1970-01-01 00:00:00");
	return kh_buf_addf(out, "%s\t%s.%09ld +0000", f->path, when,
			   (long)f->st.st_mtim.tv_nsec);
}

/* The next line of [*@p, @end) into @l; false at the end. */
static bool drift_next_line(const char **p, const char *end,
			    struct kh_textdiff_line *l)
{
	const char *nl;

	if (*p >= end)
		return false;
	nl = memchr(*p, '\n', end - *p);
	l->s = *p;
	l->len = nl ? (size_t)(nl + 1 - *p) : (size_t)(end - *p);
	*p += l->len;
	return true;
}

/* grep -f's patterns: one a line, basic syntax, "" matching every line. */
struct drift_patterns {
	regex_t *re;
	size_t nr;
};

static void drift_patterns_release(struct drift_patterns *pt)
{
	size_t i;

	for (i = 0; i < pt->nr; i++)
		regfree(&pt->re[i]);
	free(pt->re);
}

static int drift_patterns_compile(struct drift_run *r, struct drift_cmp *c,
				  const struct drift_file *f,
				  struct drift_patterns *pt)
{
	const char *p = (const char *)f->data.data, *end = p + f->data.len;
	struct kh_textdiff_line l;
	size_t alloc = 0;
	bool unused;

	memset(pt, 0, sizeof(*pt));
	while (drift_next_line(&p, end, &l)) {
		if (ALLOC_GROW(pt->re, pt->nr + 1, alloc) ||
		    drift_line_matches(&c->line, NULL, 0, &l, &unused))
			return kh_err(r->err, ENOMEM, "out of memory");
		if (regcomp(&pt->re[pt->nr], kh_buf_str(&c->line), REG_NOSUB))
			return kh_err_at(r->err, EINVAL, f->path,
					 "'%s': bad pattern on line %zu",
					 f->path, pt->nr + 1);
		pt->nr++;
	}
	return 0;
}

/*
 * check-headers.sh's check_ignore_some_hunks: "diff -u COPY ORIGINAL |
 * grep -vf HUNKS" must print nothing.  The labels carry GNU diff's time
 * stamps (in UTC), for patterns that would look at them.
 */
static int drift_hunks_rule(struct drift_run *r, struct drift_cmp *c,
			    const struct drift_file *fa,
			    const struct drift_file *fb,
			    const struct drift_file *hunks, bool *differs)
{
	struct drift_patterns pt;
	struct kh_textdiff_line l;
	struct kh_buf la, lb;
	const char *p, *end;
	bool match = true;
	int ret;

	kh_buf_init(&la);
	kh_buf_init(&lb);
	ret = drift_patterns_compile(r, c, hunks, &pt);
	if (!ret && (drift_label(fa, &la) || drift_label(fb, &lb)))
		ret = kh_err(r->err, ENOMEM, "out of memory");
	kh_buf_setlen(&c->unified, 0);
	if (!ret && kh_textdiff_unified((const char *)c->a.data, c->a.len,
					(const char *)c->b.data, c->b.len,
					kh_buf_str(&la), kh_buf_str(&lb), 3,
					&c->unified))
		ret = kh_err(r->err, ENOMEM, "out of memory");
	p = (const char *)c->unified.data;
	end = p + c->unified.len;
	while (!ret && match && drift_next_line(&p, end, &l))
		if (drift_line_matches(&c->line, pt.re, pt.nr, &l, &match))
			ret = kh_err(r->err, ENOMEM, "out of memory");
	*differs = !match;
	drift_patterns_release(&pt);
	kh_buf_release(&la);
	kh_buf_release(&lb);
	return ret;
}

/* ---- one pair ---------------------------------------------------------- */

struct drift_state {
	struct drift_file copy, orig, hunks;
	struct drift_cmp c;
	struct kh_buf ta, tb, toka, tokb, tmp;
};

/*
 * Against an archive: whether an -I rule of the pair sees a line of the
 * copy differently once comments are gone (the __ignore_sync_check__
 * marker is a comment).  Such a rule cannot be applied to an original
 * whose comments were stripped.
 */
static int drift_needs_comments(struct drift_state *ds, bool *needs)
{
	const struct kh_buf *raw = &ds->copy.data;
	struct kh_textdiff_line la, lb;
	const char *pa, *ea, *pb, *eb;
	size_t len;
	bool ma, mb;

	*needs = false;
	if (!ds->c.nr_re)
		return 0;
	kh_buf_setlen(&ds->tmp, 0);
	if (kh_buf_reserve(&ds->tmp, raw->len))
		return -ENOMEM;
	*needs = true;	/* unless the comparison below says otherwise */
	if (kh_strip(KH_STRIP_LEXER, (const char *)raw->data, raw->len,
		     (char *)ds->tmp.data, &len, ds->copy.path, NULL))
		return 0;
	kh_buf_setlen(&ds->tmp, len);
	pa = (const char *)raw->data;
	ea = pa + raw->len;
	pb = (const char *)ds->tmp.data;
	eb = pb + ds->tmp.len;
	while (drift_next_line(&pa, ea, &la)) {
		if (!drift_next_line(&pb, eb, &lb))
			lb.len = 0;
		if (drift_line_matches(&ds->c.line, ds->c.re, ds->c.nr_re, &la,
				       &ma) ||
		    drift_line_matches(&ds->c.line, ds->c.re, ds->c.nr_re, &lb,
				       &mb))
			return -ENOMEM;
		if (ma != mb)
			return 0;
	}
	*needs = false;
	return 0;
}

/* @dst = @src.  Return: 0 or -ENOMEM. */
static int drift_set(struct kh_buf *dst, const struct kh_buf *src)
{
	kh_buf_setlen(dst, 0);
	if (kh_buf_reserve(dst, src->len))
		return -ENOMEM;
	return kh_buf_append(dst, src->data, src->len);
}

/*
 * @out = @in without comments (compact), the way the archive's headers
 * were stripped; as it is when it cannot be (an unterminated comment).
 */
static int drift_strip(const struct kh_buf *in, const char *name,
		       struct kh_buf *out)
{
	size_t len;

	if (drift_set(out, in))
		return -ENOMEM;
	if (!kh_strip(KH_STRIP_COMPACT, (const char *)out->data, out->len,
		      (char *)out->data, &len, name, NULL)) {
		kh_buf_setlen(out, len);
		return 0;
	}
	return drift_set(out, in);
}

/* The verdict on a pair whose two files were read. */
static int drift_judge(struct drift_run *r, struct drift_state *ds,
		       enum kh_drift_status *status)
{
	struct drift_cmp *c = &ds->c;
	bool differs, needs;
	int ret = 0;

	if (r->o->archive) {
		needs = c->pp->ignore_hunks != NULL;
		if (!needs && drift_needs_comments(ds, &needs))
			return -ENOMEM;
		if (needs) {
			*status = KH_DRIFT_NOT_CHECKABLE;
			return 0;
		}
		if (drift_strip(&ds->copy.data, ds->copy.path, &c->a) ||
		    drift_strip(&ds->orig.data, ds->orig.path, &c->b))
			return -ENOMEM;
	} else if (drift_set(&c->a, &ds->copy.data) ||
		   drift_set(&c->b, &ds->orig.data)) {
		return -ENOMEM;
	}
	*status = KH_DRIFT_SAME;
	if (c->a.len == c->b.len && !memcmp(c->a.data, c->b.data, c->a.len))
		return 0;
	if (c->pp->ignore_hunks) {
		ret = drift_hunks_rule(r, c, &ds->copy, &ds->orig, &ds->hunks,
				       &differs);
		if (!ret && (drift_set(&ds->ta, &c->a) ||
			     drift_set(&ds->tb, &c->b)))
			ret = -ENOMEM;
	} else {
		ret = drift_line_rules(c, &differs, &ds->ta, &ds->tb);
	}
	if (ret || !differs)
		return ret;
	*status = KH_DRIFT_DIFFERS;
	if (!r->o->tokens && !r->o->archive)
		return 0;
	if (drift_tokens((const char *)ds->ta.data, ds->ta.len, &ds->tmp,
			 &ds->toka) ||
	    drift_tokens((const char *)ds->tb.data, ds->tb.len, &ds->tmp,
			 &ds->tokb))
		return -ENOMEM;
	if (ds->toka.len == ds->tokb.len &&
	    !memcmp(ds->toka.data, ds->tokb.data, ds->toka.len))
		*status = r->o->archive ? KH_DRIFT_SAME : KH_DRIFT_COMMENTS_ONLY;
	return 0;
}

static void drift_state_release(struct drift_state *ds)
{
	struct kh_buf *bufs[] = {
		&ds->copy.data, &ds->orig.data, &ds->hunks.data, &ds->c.a,
		&ds->c.b, &ds->c.line, &ds->c.unified, &ds->ta, &ds->tb,
		&ds->toka, &ds->tokb, &ds->tmp,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bufs); i++)
		kh_buf_release(bufs[i]);
	free(ds->copy.path);
	free(ds->orig.path);
	free(ds->hunks.path);
	drift_cmp_release(&ds->c);
}

/* Every buffer allocated once, so that kh_buf_setlen() may reset it. */
static int drift_state_init(struct drift_state *ds)
{
	struct kh_buf *bufs[] = {
		&ds->copy.data, &ds->orig.data, &ds->hunks.data, &ds->c.a,
		&ds->c.b, &ds->c.line, &ds->c.unified, &ds->ta, &ds->tb,
		&ds->toka, &ds->tokb, &ds->tmp,
	};
	size_t i;

	memset(ds, 0, sizeof(*ds));
	for (i = 0; i < ARRAY_SIZE(bufs); i++)
		if (kh_buf_reserve(bufs[i], 0))
			return -ENOMEM;
	return 0;
}

/* Read both sides; a status when the pair cannot be compared. */
static int drift_load(struct drift_run *r, struct drift_state *ds,
		      const struct kh_drift_pair *pp, bool *settled,
		      enum kh_drift_status *status)
{
	int ret;

	*settled = true;
	ret = drift_read(r, &r->src, pp->original, &ds->orig);
	if (!ret && !ds->orig.present && r->obj.fd >= 0)
		ret = drift_read(r, &r->obj, pp->original, &ds->orig);
	if (ret)
		return ret;
	if (!ds->orig.present) {
		*status = r->o->archive && !drift_archive_holds(r, pp->original) ?
			  KH_DRIFT_NOT_IN_REFERENCE : KH_DRIFT_MISSING_ORIGINAL;
		return drift_read(r, &r->copies, pp->copy, &ds->copy);
	}
	ret = drift_read(r, &r->copies, pp->copy, &ds->copy);
	if (ret)
		return ret;
	if (ds->copy.exists && !ds->copy.present)
		return kh_err_at(r->err, EISDIR, ds->copy.path,
				 "'%s' is not a regular file", ds->copy.path);
	if (!ds->copy.present) {
		*status = KH_DRIFT_MISSING_COPY;
		return 0;
	}
	if (pp->ignore_hunks && !r->o->archive) {
		ret = drift_read(r, &r->copies, pp->ignore_hunks, &ds->hunks);
		if (!ret && !ds->hunks.present)
			return kh_err_at(r->err, ENOENT, ds->hunks.path,
					 "ignore-hunks file '%s' not found",
					 ds->hunks.path);
	}
	*settled = false;
	return ret;
}

static int drift_pair(struct drift_run *r, struct drift_state *ds,
		      const struct kh_drift_pair *pp,
		      int (*fn)(const struct kh_drift_item *, void *),
		      void *ctx)
{
	struct kh_drift_item it = { .pair = pp };
	bool settled;
	int ret;

	drift_cmp_release(&ds->c);
	ret = drift_load(r, ds, pp, &settled, &it.status);
	if (!ret && !settled)
		ret = drift_cmp_compile(r, &ds->c, pp);
	if (!ret && !settled)
		ret = drift_judge(r, ds, &it.status);
	if (!ret && r->o->unified && (it.status == KH_DRIFT_DIFFERS ||
				      it.status == KH_DRIFT_COMMENTS_ONLY)) {
		kh_buf_setlen(&ds->c.unified, 0);
		ret = kh_textdiff_unified((const char *)ds->c.a.data,
					  ds->c.a.len,
					  (const char *)ds->c.b.data,
					  ds->c.b.len, ds->copy.path,
					  ds->orig.path, 3, &ds->c.unified);
		it.unified = kh_buf_str(&ds->c.unified);
		it.unified_len = ds->c.unified.len;
	}
	if (ret == -ENOMEM)
		return kh_err(r->err, ENOMEM, "'%s': out of memory", pp->copy);
	if (ret)
		return ret;
	it.copy_path = ds->copy.path;
	it.original_path = ds->orig.path;
	return fn(&it, ctx);
}

/* ---- the run ----------------------------------------------------------- */

struct drift_walk {
	struct drift_run *r;
	struct kh_drift_map *map;
};

/*
 * Without a map: every regular file below the copies is a pair.  A
 * symbolic link is no copy (the kernel's own tools/ links into kernel/):
 * what it points to inside the copies is compared where it lies.
 */
static int drift_walk_visit(const struct kh_dir_entry *e, void *ctx)
{
	struct drift_walk *w = ctx;
	struct kh_drift_pair *pp;

	if (!S_ISREG(e->st.st_mode))
		return 0;
	if (ALLOC_GROW(w->map->pairs, w->map->nr + 1, w->map->alloc))
		return -ENOMEM;
	pp = &w->map->pairs[w->map->nr];
	memset(pp, 0, sizeof(*pp));
	pp->copy = strdup(e->path);
	pp->original = strdup(e->path);
	w->map->nr++;
	return pp->copy && pp->original ? 0 : -ENOMEM;
}

static int drift_walk_fail(const struct kh_dir_entry *e, enum kh_dir_op op,
			   int code, void *ctx)
{
	struct drift_walk *w = ctx;

	return kh_err_sys_at(w->r->err, code, e->path, "cannot read '%s/%s'",
			     w->r->copies.dir, e->path);
}

static int drift_pair_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kh_drift_pair *)a)->copy,
		      ((const struct kh_drift_pair *)b)->copy);
}

static int drift_walk(struct drift_run *r, struct kh_drift_map *map)
{
	struct drift_walk w = { .r = r, .map = map };
	struct kh_dir_walk dw = {
		.max_depth = KH_PATH_MAX_DEPTH, .visit = drift_walk_visit,
		.fail = drift_walk_fail, .ctx = &w,
	};
	int ret = kh_dir_walk(r->copies.fd, &dw);

	if (ret == -ENOMEM)
		return kh_err(r->err, ENOMEM, "out of memory");
	if (!ret)
		qsort(map->pairs, map->nr, sizeof(*map->pairs), drift_pair_cmp);
	return ret;
}

static int drift_open_root(struct drift_run *r, struct drift_root *root,
			   const char *dir)
{
	root->dir = dir;
	root->fd = -1;
	if (!dir)
		return 0;
	root->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root->fd < 0)
		return kh_err_sys_at(r->err, errno, dir, "cannot open '%s'", dir);
	return 0;
}

int kh_drift(const struct kh_drift_opts *opts,
	     int (*fn)(const struct kh_drift_item *item, void *ctx),
	     void *ctx, struct kh_error *err)
{
	struct drift_run r = { .o = opts, .err = err };
	struct kh_drift_map walked;
	const struct kh_drift_map *map = opts->map;
	struct drift_state ds;
	size_t i;
	int ret;

	if (!opts->copies || !opts->srctree)
		return kh_err(err, EINVAL, "drift needs the copies and a reference");
	r.max_file = opts->max_file ? opts->max_file : DRIFT_DEFAULT_MAX_FILE;
	kh_drift_map_init(&walked);
	r.copies.fd = r.src.fd = r.obj.fd = -1;
	ret = drift_state_init(&ds);
	if (ret)
		ret = kh_err(err, ENOMEM, "out of memory");
	if (!ret)
		ret = drift_open_root(&r, &r.copies, opts->copies);
	if (!ret)
		ret = drift_open_root(&r, &r.src, opts->srctree);
	if (!ret)
		ret = drift_open_root(&r, &r.obj, opts->objtree);
	if (!ret && !map) {
		ret = drift_walk(&r, &walked);
		map = &walked;
	}
	for (i = 0; !ret && i < map->nr; i++)
		ret = drift_pair(&r, &ds, &map->pairs[i], fn, ctx);
	drift_state_release(&ds);
	kh_drift_map_release(&walked);
	if (r.copies.fd >= 0)
		close(r.copies.fd);
	if (r.src.fd >= 0)
		close(r.src.fd);
	if (r.obj.fd >= 0)
		close(r.obj.fd);
	return ret;
}
