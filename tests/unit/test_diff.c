// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kheaders.h"
#include "cli/cli.h"
#include "textdiff.h"
#include "mkarchive.h"

/* ---- a tiny patch(1) to check that hunks apply ------------------------- */

struct pline {
	char tag;
	const char *s;
	size_t len;
	bool nl;
};

/* Split @s into lines; each keeps its '\n' (the last may lack one). */
static size_t split_lines(const char *s, size_t len, const char ***lines,
			  size_t **lens)
{
	size_t n = 0, i, start = 0;

	*lines = calloc(len + 1, sizeof(**lines));
	*lens = calloc(len + 1, sizeof(**lens));
	for (i = 0; i < len; i++) {
		if (s[i] == '\n' || i == len - 1) {
			(*lines)[n] = s + start;
			(*lens)[n++] = i + 1 - start;
			start = i + 1;
		}
	}
	return n;
}

static unsigned long parse_range(const char **p, unsigned long *count)
{
	char *end;
	unsigned long start = strtoul(*p, &end, 10);

	*count = 1;
	if (*end == ',')
		*count = strtoul(end + 1, &end, 10);
	*p = end;
	return start;
}

static void parse_hunk_header(const char *l, unsigned long *s1,
			      unsigned long *c1, unsigned long *s2,
			      unsigned long *c2)
{
	cr_assert(!strncmp(l, "@@ -", 4), "bad hunk header: %.20s", l);
	l += 4;
	*s1 = parse_range(&l, c1);
	cr_assert(!strncmp(l, " +", 2), "bad hunk header");
	l += 2;
	*s2 = parse_range(&l, c2);
	cr_assert(!strncmp(l, " @@\n", 4), "bad hunk header");
}

/*
 * Apply unified @patch to @a (in memory) and return the result; fails the
 * test on any context mismatch or wrong hunk count.
 */
static char *apply(const char *a, size_t alen, const char *patch,
		   size_t *outlen)
{
	const char **al, **pl;
	size_t *alens, *plens, na, np, i, ai = 0, o = 0;
	char *out = malloc(alen + strlen(patch) + 1);
	unsigned long s1, c1, s2, c2, got1, got2;

	na = split_lines(a, alen, &al, &alens);
	np = split_lines(patch, strlen(patch), &pl, &plens);
	cr_assert(np == 0 || !strncmp(pl[0], "--- ", 4));
	for (i = 2; i < np;) {
		parse_hunk_header(pl[i], &s1, &c1, &s2, &c2);
		s1 = c1 ? s1 - 1 : s1;
		cr_assert_geq(s1, ai);
		while (ai < s1) {
			memcpy(out + o, al[ai], alens[ai]);
			o += alens[ai++];
		}
		got1 = got2 = 0;
		for (i++; i < np && pl[i][0] != '@'; i++) {
			struct pline p = { pl[i][0], pl[i] + 1, plens[i] - 1,
					   true };

			if (i + 1 < np && pl[i + 1][0] == '\\') {
				p.len--;
				p.nl = false;
			}
			if (p.tag == '\\')
				continue;
			if (p.tag == ' ' || p.tag == '-') {
				cr_assert_lt(ai, na);
				cr_assert_eq(alens[ai], p.len);
				cr_assert(!memcmp(al[ai], p.s, p.len));
				got1++;
			}
			if (p.tag == ' ' || p.tag == '+') {
				memcpy(out + o, p.s, p.len);
				o += p.len;
				got2++;
			}
			if (p.tag == ' ' || p.tag == '-')
				ai++;
			cr_assert(p.tag == ' ' || p.tag == '-' || p.tag == '+');
		}
		cr_assert_eq(got1, c1);
		cr_assert_eq(got2, c2);
	}
	while (ai < na) {
		memcpy(out + o, al[ai], alens[ai]);
		o += alens[ai++];
	}
	free(al);
	free(alens);
	free(pl);
	free(plens);
	*outlen = o;
	return out;
}

static char *udiff(const char *a, const char *b, unsigned int ctx)
{
	struct kh_buf out;
	char *s;

	kh_buf_init(&out);
	cr_assert_eq(kh_textdiff_unified(a, strlen(a), b, strlen(b), "a/f",
					 "b/f", ctx, &out), 0);
	s = strndup(out.data ? (char *)out.data : "", out.len);
	kh_buf_release(&out);
	return s;
}

static void check_applies(const char *a, size_t alen, const char *b,
			  size_t blen, unsigned int ctx, size_t *changes)
{
	struct kh_buf out;
	size_t rlen, i;
	char *patch, *r;

	kh_buf_init(&out);
	cr_assert_eq(kh_textdiff_unified(a, alen, b, blen, "a/f", "b/f", ctx,
					 &out), 0);
	patch = strndup(out.data ? (char *)out.data : "", out.len);
	r = apply(a, alen, patch, &rlen);
	cr_assert_eq(rlen, blen, "patch:\n%s", patch);
	cr_assert(!memcmp(r, b, blen), "patch:\n%s", patch);
	if (changes) {
		*changes = 0;
		for (i = 0; i < out.len; i++)
			if ((i == 0 || patch[i - 1] == '\n') &&
			    (patch[i] == '-' || patch[i] == '+') &&
			    strncmp(patch + i, "--- ", 4) &&
			    strncmp(patch + i, "+++ ", 4))
				(*changes)++;
	}
	free(patch);
	free(r);
	kh_buf_release(&out);
}

static char *seq_text(int from, int to, const char *tail)
{
	struct kh_buf b;
	int i;

	kh_buf_init(&b);
	for (i = from; i <= to; i++) {
		char l[32];

		snprintf(l, sizeof(l), "%d\n", i);
		kh_buf_append(&b, l, strlen(l));
	}
	kh_buf_append(&b, tail, strlen(tail) + 1);
	return (char *)b.data;
}

/* ---- text diff --------------------------------------------------------- */

Test(textdiff, equal_texts_give_no_output)
{
	char *d = udiff("a\nb\n", "a\nb\n", 3);

	cr_assert_str_eq(d, "");
	free(d);
	d = udiff("", "", 3);
	cr_assert_str_eq(d, "");
	free(d);
}

Test(textdiff, empty_to_one_line_and_back)
{
	char *d = udiff("", "x\n", 3);

	cr_assert_str_eq(d, "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+x\n");
	free(d);
	d = udiff("x\ny\n", "", 3);
	cr_assert_str_eq(d, "--- a/f\n+++ b/f\n@@ -1,2 +0,0 @@\n-x\n-y\n");
	free(d);
}

Test(textdiff, missing_final_newline_is_marked)
{
	char *d = udiff("a\nb", "a\nb\n", 3);

	cr_assert_str_eq(d, "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n"
			 "\\ No newline at end of file\n+b\n");
	free(d);
	d = udiff("a\nb", "a\nc", 3);
	cr_assert_str_eq(d, "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n"
			 "\\ No newline at end of file\n+c\n"
			 "\\ No newline at end of file\n");
	free(d);
}

Test(textdiff, unchanged_last_line_without_newline_as_context)
{
	char *d = udiff("a\nb\nc", "A\nb\nc", 3);

	cr_assert_str_eq(d, "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n-a\n+A\n b\n"
			 " c\n\\ No newline at end of file\n");
	free(d);
}

Test(textdiff, insert_at_start_has_context_after_only)
{
	char *a = seq_text(1, 10, ""), *b = seq_text(0, 10, "");
	char *d = udiff(a, b, 3);

	cr_assert_str_eq(d, "--- a/f\n+++ b/f\n@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n");
	free(a);
	free(b);
	free(d);
}

Test(textdiff, delete_at_end_has_context_before_only)
{
	char *a = seq_text(1, 10, ""), *b = seq_text(1, 9, "");
	char *d = udiff(a, b, 3);

	cr_assert_str_eq(d, "--- a/f\n+++ b/f\n@@ -7,4 +7,3 @@\n 7\n 8\n 9\n-10\n");
	free(a);
	free(b);
	free(d);
}

Test(textdiff, close_changes_merge_into_one_hunk)
{
	char *a = seq_text(1, 20, "");
	char *b = strdup(a), *d;

	/* lines 2 and 9: 6 lines apart, within 2 * 3 of context */
	b[strstr(b, "2\n") - b] = 'X';
	b[strstr(b, "\n9\n") - b + 1] = 'Y';
	d = udiff(a, b, 3);
	cr_assert_str_eq(d, "--- a/f\n+++ b/f\n@@ -1,12 +1,12 @@\n 1\n-2\n+X\n"
			 " 3\n 4\n 5\n 6\n 7\n 8\n-9\n+Y\n 10\n 11\n 12\n");
	free(d);
	free(b);
	free(a);
}

Test(textdiff, distant_changes_make_two_hunks)
{
	char *a = seq_text(1, 20, "");
	char *b = strdup(a), *d;

	b[strstr(b, "2\n") - b] = 'X';
	b[strstr(b, "\n10\n") - b + 1] = 'Y';
	d = udiff(a, b, 3);
	cr_assert_str_eq(d, "--- a/f\n+++ b/f\n@@ -1,5 +1,5 @@\n 1\n-2\n+X\n"
			 " 3\n 4\n 5\n@@ -7,7 +7,7 @@\n 7\n 8\n 9\n-10\n+Y0\n"
			 " 11\n 12\n 13\n");
	free(d);
	free(b);
	free(a);
}

Test(textdiff, zero_context)
{
	char *d = udiff("a\nb\nc\n", "a\nB\nc\n", 0);

	cr_assert_str_eq(d, "--- a/f\n+++ b/f\n@@ -2 +2 @@\n-b\n+B\n");
	free(d);
	d = udiff("a\nc\n", "a\nb\nc\n", 0);
	cr_assert_str_eq(d, "--- a/f\n+++ b/f\n@@ -1,0 +2 @@\n+b\n");
	free(d);
}

Test(textdiff, header_names_are_used)
{
	struct kh_buf out;

	kh_buf_init(&out);
	cr_assert_eq(kh_textdiff_unified("a\n", 2, "", 0, "a/x.h", "/dev/null",
					 3, &out), 0);
	cr_assert(!strncmp((char *)out.data, "--- a/x.h\n+++ /dev/null\n", 24));
	kh_buf_release(&out);
}

/* Length of a longest common subsequence of lines, by dynamic programming. */
static size_t lcs_lines(const char *a, size_t alen, const char *b,
			size_t blen)
{
	const char **al, **bl;
	size_t *alens, *blens, na, nb, i, j, *row, *prev, r;

	na = split_lines(a, alen, &al, &alens);
	nb = split_lines(b, blen, &bl, &blens);
	row = calloc(nb + 1, sizeof(*row));
	prev = calloc(nb + 1, sizeof(*prev));
	for (i = 1; i <= na; i++) {
		for (j = 1; j <= nb; j++) {
			if (alens[i - 1] == blens[j - 1] &&
			    !memcmp(al[i - 1], bl[j - 1], alens[i - 1]))
				row[j] = prev[j - 1] + 1;
			else
				row[j] = row[j - 1] > prev[j] ? row[j - 1]
							      : prev[j];
		}
		memcpy(prev, row, (nb + 1) * sizeof(*row));
	}
	r = prev[nb];
	free(row);
	free(prev);
	free(al);
	free(alens);
	free(bl);
	free(blens);
	return r;
}

static size_t random_text(char *buf, unsigned int *seed, size_t lines,
			  int alphabet)
{
	size_t i, o = 0;

	for (i = 0; i < lines; i++) {
		buf[o++] = 'a' + rand_r(seed) % alphabet;
		buf[o++] = '\n';
	}
	if (o && rand_r(seed) % 4 == 0)
		o--;
	return o;
}

Test(textdiff, random_edits_apply_and_are_minimal)
{
	static char a[1024], b[1024];
	unsigned int seed = 12345;
	size_t alen, blen, changes, lcs, na, nb;
	int iter;

	for (iter = 0; iter < 3000; iter++) {
		na = rand_r(&seed) % 60;
		nb = rand_r(&seed) % 60;
		alen = random_text(a, &seed, na, 2 + iter % 5);
		blen = random_text(b, &seed, nb, 2 + iter % 5);
		check_applies(a, alen, b, blen, iter % 4, &changes);
		lcs = lcs_lines(a, alen, b, blen);
		na = alen ? (alen + 1) / 2 : 0;
		nb = blen ? (blen + 1) / 2 : 0;
		cr_assert_eq(changes, na + nb - 2 * lcs,
			     "iteration %d: %zu changed lines, optimum %zu",
			     iter, changes, na + nb - 2 * lcs);
	}
}

Test(textdiff, large_file_with_few_changes_is_fast)
{
	char *a = seq_text(1, 200000, ""), *b = seq_text(1, 200000, "");
	size_t changes;
	clock_t t0 = clock();

	memcpy(strstr(b, "\n1000\n") + 1, "XXXX", 4);
	memcpy(strstr(b, "\n150000\n") + 1, "YYYYYY", 6);
	check_applies(a, strlen(a), b, strlen(b), 3, &changes);
	cr_assert_eq(changes, 4);
	cr_assert_lt((double)(clock() - t0) / CLOCKS_PER_SEC, 5.0);
	free(a);
	free(b);
}

Test(textdiff, completely_different_large_files_still_apply)
{
	char *a = seq_text(1, 30000, ""), *b = seq_text(40001, 70000, "");
	size_t changes;
	clock_t t0 = clock();

	check_applies(a, strlen(a), b, strlen(b), 3, &changes);
	cr_assert_eq(changes, 60000);
	cr_assert_lt((double)(clock() - t0) / CLOCKS_PER_SEC, 20.0);
	free(a);
	free(b);
}

Test(textdiff, interleaved_large_files_past_cost_limit_still_apply)
{
	struct kh_buf a, b;
	unsigned int seed = 7;
	int i;

	kh_buf_init(&a);
	kh_buf_init(&b);
	for (i = 0; i < 40000; i++) {
		char l[32];

		snprintf(l, sizeof(l), "%d\n", rand_r(&seed) % 50);
		kh_buf_append(&a, l, strlen(l));
		snprintf(l, sizeof(l), "%d\n", rand_r(&seed) % 50);
		kh_buf_append(&b, l, strlen(l));
	}
	check_applies((char *)a.data, a.len, (char *)b.data, b.len, 3, NULL);
	kh_buf_release(&a);
	kh_buf_release(&b);
}

/* ---- header sets ------------------------------------------------------- */

static const struct kh_diff_item *find_item(const struct kh_diff_result *r,
					    const char *path)
{
	size_t i;

	for (i = 0; i < r->nr_items; i++)
		if (!strcmp(r->items[i].path, path))
			return &r->items[i];
	return NULL;
}

static void diff2(const struct mk_entry *ea, size_t na, int la,
		  const struct mk_entry *eb, size_t nb, int lb,
		  const struct kh_diff_opts *opts, struct kh_diff_result *res)
{
	struct kh_headers_src a = { .name = "a.tar.xz" }, b = { .name = "b.tar.xz" };
	struct kh_buf xa, xb;
	struct kh_error err;

	mk_archive(ea, na, la, &xa);
	mk_archive(eb, nb, lb, &xb);
	a.xz = xa.data;
	a.len = xa.len;
	b.xz = xb.data;
	b.len = xb.len;
	kh_diff_result_init(res);
	cr_assert_eq(kh_diff(&a, &b, opts, res, &err), 0, "%s", err.msg);
	kh_buf_release(&xa);
	kh_buf_release(&xb);
}

static const struct mk_entry base[] = {
	MK_DIR("./"),
	MK_DIR("./include/"),
	MK_FILE("./include/a.h", "int a;\n"),
	MK_FILE("./include/b.h", "int b;\n"),
	MK_LINK("./include/l.h", "a.h"),
};

Test(diff, recompressed_archive_is_equal_and_tar_identical)
{
	struct kh_diff_result r;

	diff2(base, 5, 0, base, 5, 9, NULL, &r);
	cr_assert(kh_diff_equal(&r));
	cr_assert_eq(r.identical, 5);
	cr_assert(r.tar_identical);
	cr_assert_not(r.bytes_identical);
	kh_diff_result_release(&r);
	diff2(base, 5, 6, base, 5, 6, NULL, &r);
	cr_assert(r.bytes_identical && r.tar_identical);
	kh_diff_result_release(&r);
}

Test(diff, every_aspect_is_reported)
{
	struct mk_entry b[] = {
		MK_DIR("./"),
		{ "./include/", 'd', NULL, 0700, 0, 0, 1700000000, 0 },
		{ "./include/a.h", 'f', "int A;\n", 0644, 0, 0, 1700000000, 0 },
		{ "./include/b.h", 'f', "int b;\n", 0644, 1, 2, 1700000001, 0 },
		MK_LINK("./include/l.h", "b.h"),
		MK_FILE("./include/new.h", "new\n"),
	};
	struct kh_diff_result r;
	struct kh_buf d;

	diff2(base, 5, 0, b, 6, 0, NULL, &r);
	cr_assert_not(kh_diff_equal(&r));
	cr_assert_not(r.tar_identical);
	cr_assert_eq(r.only_a, 0);
	cr_assert_eq(r.only_b, 1);
	cr_assert_eq(r.changed, 4);
	cr_assert_eq(r.identical, 1);
	cr_assert_eq(find_item(&r, "./include")->what, KH_DIFF_MODE);
	cr_assert_eq(find_item(&r, "./include/a.h")->what, KH_DIFF_CONTENT);
	cr_assert_eq(find_item(&r, "./include/b.h")->what,
		     KH_DIFF_OWNER | KH_DIFF_MTIME);
	cr_assert_eq(find_item(&r, "./include/l.h")->what, KH_DIFF_LINK);
	cr_assert_eq(find_item(&r, "./include/new.h")->kind, KH_DIFF_ONLY_B);
	kh_buf_init(&d);
	cli_diff_describe(find_item(&r, "./include/b.h"), &d);
	cr_assert_str_eq((char *)d.data, "owner, mtime");
	kh_buf_release(&d);
	kh_diff_result_release(&r);
}

Test(diff, mtime_only_is_described_as_such)
{
	struct mk_entry b[] = {
		MK_DIR("./"), MK_DIR("./include/"),
		{ "./include/a.h", 'f', "int a;\n", 0644, 0, 0, 1, 0 },
		MK_FILE("./include/b.h", "int b;\n"),
		MK_LINK("./include/l.h", "a.h"),
	};
	struct kh_diff_result r;
	struct kh_buf d;

	diff2(base, 5, 0, b, 5, 0, NULL, &r);
	cr_assert_eq(r.nr_items, 1);
	kh_buf_init(&d);
	cli_diff_describe(&r.items[0], &d);
	cr_assert_str_eq((char *)d.data, "mtime only");
	kh_buf_release(&d);
	kh_diff_result_release(&r);
}

Test(diff, ignored_aspects_are_not_compared)
{
	struct mk_entry b[] = {
		MK_DIR("./"), MK_DIR("./include/"),
		{ "./include/a.h", 'f', "int a;\n", 0600, 5, 5, 1, 0 },
		MK_FILE("./include/b.h", "int b;\n"),
		MK_LINK("./include/l.h", "a.h"),
	};
	struct kh_diff_opts o = {
		.ignore = KH_DIFF_MTIME | KH_DIFF_OWNER | KH_DIFF_MODE,
	};
	struct kh_diff_result r;

	diff2(base, 5, 0, b, 5, 0, &o, &r);
	cr_assert(kh_diff_equal(&r));
	kh_diff_result_release(&r);
}

Test(diff, type_change_and_only_in_a)
{
	struct mk_entry b[] = {
		MK_DIR("./"), MK_DIR("./include/"),
		MK_LINK("./include/a.h", "b.h"),
		MK_FILE("./include/b.h", "int b;\n"),
	};
	struct kh_diff_result r;

	diff2(base, 5, 0, b, 4, 0, NULL, &r);
	cr_assert_eq(find_item(&r, "./include/a.h")->what, KH_DIFF_TYPE);
	cr_assert_eq(find_item(&r, "./include/l.h")->kind, KH_DIFF_ONLY_A);
	cr_assert_eq(r.only_a, 1);
	kh_diff_result_release(&r);
}

Test(diff, names_match_with_or_without_dot_slash_and_top_dir)
{
	struct mk_entry b[] = {
		MK_DIR("include"),
		MK_FILE("include/a.h", "int a;\n"),
		MK_FILE("include/b.h", "int b;\n"),
		MK_LINK("include/l.h", "a.h"),
	};
	struct kh_diff_result r;

	diff2(base, 5, 0, b, 4, 0, NULL, &r);
	cr_assert(kh_diff_equal(&r), "%zu items, first %s", r.nr_items,
		  r.nr_items ? r.items[0].path : "");
	cr_assert_eq(r.identical, 4);
	kh_diff_result_release(&r);
}

Test(diff, last_of_duplicate_names_counts)
{
	struct mk_entry a[] = {
		MK_FILE("./x.h", "old\n"), MK_FILE("./x.h", "new\n"),
	};
	struct mk_entry b[] = { MK_FILE("./x.h", "new\n") };
	struct kh_diff_result r;

	diff2(a, 2, 0, b, 1, 0, NULL, &r);
	cr_assert(kh_diff_equal(&r));
	cr_assert_eq(r.identical, 1);
	kh_diff_result_release(&r);
}

Test(diff, corrupt_side_fails_with_its_name)
{
	struct kh_diff_result r;
	struct kh_error err;
	struct kh_buf xa;

	mk_archive(base, 5, 0, &xa);
	kh_diff_result_init(&r);
	struct kh_headers_src a = { .name = "good", .xz = xa.data,
				    .len = xa.len };
	struct kh_headers_src b = { .name = "half.tar.xz", .xz = xa.data,
				    .len = xa.len / 2 };
	cr_assert_lt(kh_diff(&a, &b, NULL, &r, &err), 0);
	cr_assert(strstr(err.msg, "'half.tar.xz'"), "%s", err.msg);
	cr_assert_eq(r.nr_items, 0);
	kh_buf_release(&xa);
}

struct patches {
	struct kh_buf all;
	size_t calls;
};

static int collect_patch(size_t idx, const char *text, size_t len, void *ctx)
{
	struct patches *p = ctx;

	cr_assert_eq(idx, p->calls);
	p->calls++;
	if (text)
		kh_buf_append(&p->all, text, len);
	return 0;
}

Test(diff, unified_patches_for_changed_added_removed_binary)
{
	struct mk_entry a[] = {
		MK_FILE("./c.h", "1\n2\n3\n"),
		MK_FILE("./gone.h", "bye\n"),
		{ "./bin", 'f', "a\0b", 0644, 0, 0, 1700000000, 3 },
		MK_FILE("./m.h", "same\n"),
	};
	struct mk_entry b[] = {
		MK_FILE("./c.h", "1\n2\nthree\n"),
		MK_FILE("./new.h", "hi\n"),
		{ "./bin", 'f', "a\0c", 0644, 0, 0, 1700000000, 3 },
		{ "./m.h", 'f', "same\n", 0600, 0, 0, 1700000000, 0 },
	};
	struct kh_headers_src sa = { .name = "a" }, sb = { .name = "b" };
	struct patches p = { .calls = 0 };
	struct kh_diff_result r;
	struct kh_buf xa, xb;
	struct kh_error err;

	mk_archive(a, 4, 0, &xa);
	mk_archive(b, 4, 0, &xb);
	sa.xz = xa.data;
	sa.len = xa.len;
	sb.xz = xb.data;
	sb.len = xb.len;
	kh_diff_result_init(&r);
	cr_assert_eq(kh_diff(&sa, &sb, NULL, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.nr_items, 5);
	kh_buf_init(&p.all);
	cr_assert_eq(kh_diff_unified(&sa, &sb, &r, NULL, collect_patch, &p,
				     &err), 0, "%s", err.msg);
	cr_assert_eq(p.calls, 5);
	kh_buf_append(&p.all, "", 1);
	cr_assert_str_eq((char *)p.all.data,
			 "Binary files a/bin and b/bin differ\n"
			 "--- a/c.h\n+++ b/c.h\n@@ -1,3 +1,3 @@\n 1\n 2\n-3\n+three\n"
			 "--- a/gone.h\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n"
			 "--- /dev/null\n+++ b/new.h\n@@ -0,0 +1 @@\n+hi\n");
	kh_buf_release(&p.all);
	kh_diff_result_release(&r);
	kh_buf_release(&xa);
	kh_buf_release(&xb);
}
