// SPDX-License-Identifier: GPL-2.0
/*
 * test_drift.c - the drift map's words and options, and kh_drift()'s
 * verdicts: GNU diff's -B and -I judged per change, the token comparison
 * (maximal munch, comments and layout ignored) and the textdiff edit
 * script it rests on.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kheaders.h"
#include "textdiff.h"

static int parse(const char *text, struct kh_drift_map *m,
		 struct kh_error *err)
{
	kh_drift_map_init(m);
	return kh_drift_map_parse(text, strlen(text), "m", m, err);
}

Test(drift_map, shell_quoting_as_eval_reads_it)
{
	struct kh_drift_map m;
	struct kh_error err;
	const struct kh_drift_pair *p;

	cr_assert_eq(parse("# comment\n\n'a b.h' \"c\\\"d\\x.h\" -I \"^.*\\/\\*$\" "
			   "-I'x'y -B # trailing\n", &m, &err), 0, "%s", err.msg);
	cr_assert_eq(m.nr, 1);
	p = &m.pairs[0];
	cr_assert_str_eq(p->copy, "a b.h");
	cr_assert_str_eq(p->original, "c\"d\\x.h");
	cr_assert_eq(p->nr_ignore_re, 2);
	cr_assert_str_eq(p->ignore_re[0], "^.*\\/\\*$");
	cr_assert_str_eq(p->ignore_re[1], "xy");
	cr_assert(p->ignore_blank);
	cr_assert_eq(p->line, 3);
	kh_drift_map_release(&m);
}

Test(drift_map, long_options_and_normalized_paths)
{
	struct kh_drift_map m;
	struct kh_error err;
	const struct kh_drift_pair *p;

	cr_assert_eq(parse("./x/./a.h x//b.h --ignore-sync-check "
			   "--ignore-matching-lines=^# --ignore-hunks h/a\n",
			   &m, &err), 0, "%s", err.msg);
	p = &m.pairs[0];
	cr_assert_str_eq(p->copy, "x/a.h");
	cr_assert_str_eq(p->original, "x/b.h");
	cr_assert_str_eq(p->ignore_re[0], KH_DRIFT_SYNC_CHECK_RE);
	cr_assert_str_eq(p->ignore_re[1], "^#");
	cr_assert_str_eq(p->ignore_hunks, "h/a");
	kh_drift_map_release(&m);
}

Test(drift_map, errors_name_the_line)
{
	static const char *const bad[][2] = {
		{ "a.h\n", "m:1: expected" },
		{ "\na.h b.h -Z\n", "m:2: unknown option '-Z'" },
		{ "a.h /b.h\n", "m:1: original '/b.h' is an absolute path" },
		{ "a/../../b.h b.h\n", "m:1: copy 'a/../../b.h' leaves its root" },
		{ "a.h b.h -I '\\('\n", "m:1: bad regular expression" },
		{ "a.h 'b.h\n", "m:1: unterminated quote" },
		{ "a.h b.h --ignore-hunks x --ignore-hunks y\n", "m:1: more than one" },
	};
	struct kh_drift_map m;
	struct kh_error err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(parse(bad[i][0], &m, &err), -EINVAL, "%s", bad[i][0]);
		cr_assert(strstr(err.msg, bad[i][1]), "'%s' gave '%s'",
			  bad[i][0], err.msg);
		kh_drift_map_release(&m);
	}
	kh_drift_map_init(&m);
	cr_assert_eq(kh_drift_map_parse("a b\0c\n", 6, "m", &m, &err), -EINVAL);
	cr_assert(strstr(err.msg, "NUL"));
	kh_drift_map_release(&m);
}

Test(drift_map, status_names)
{
	cr_assert_str_eq(kh_drift_status_name(KH_DRIFT_COMMENTS_ONLY),
			 "differs-only-in-comments");
	cr_assert_str_eq(kh_drift_status_name(99), "unknown");
	cr_assert(kh_drift_status_drifted(KH_DRIFT_DIFFERS));
	cr_assert(kh_drift_status_drifted(KH_DRIFT_MISSING_COPY));
	cr_assert_not(kh_drift_status_drifted(KH_DRIFT_COMMENTS_ONLY));
	cr_assert_not(kh_drift_status_drifted(KH_DRIFT_NOT_IN_REFERENCE));
}

Test(textdiff, script_names_the_changed_lines)
{
	struct kh_textdiff_script s;
	const char *a = "1\n2\n3\n4\n", *b = "1\nx\n3\n4\ny\n";

	cr_assert_eq(kh_textdiff_script(a, strlen(a), b, strlen(b), &s), 0);
	cr_assert_eq(s.na, 4);
	cr_assert_eq(s.nb, 5);
	cr_assert_eq(s.nr, 2);
	cr_assert_eq(s.ch[0].a, 1);
	cr_assert_eq(s.ch[0].alen, 1);
	cr_assert_eq(s.ch[0].blen, 1);
	cr_assert_eq(s.ch[1].a, 4);
	cr_assert_eq(s.ch[1].alen, 0);
	cr_assert_eq(s.ch[1].b, 4);
	cr_assert_eq(s.ch[1].blen, 1);
	kh_textdiff_script_release(&s);
}

/* ---- kh_drift() on one pair ------------------------------------------- */

static char top[64];

static void put(const char *dir, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/f.h", top, dir);
	f = fopen(path, "w");
	cr_assert(f);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	char path[128];

	snprintf(top, sizeof(top), "/tmp/kh-drift.XXXXXX");
	cr_assert(mkdtemp(top));
	snprintf(path, sizeof(path), "%s/c", top);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/k", top);
	mkdir(path, 0755);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	cr_assert_eq(system(cmd), 0);
}

static int keep_status(const struct kh_drift_item *it, void *ctx)
{
	*(enum kh_drift_status *)ctx = it->status;
	return 0;
}

/* The status of c/f.h against k/f.h under the map line "f.h f.h @opts". */
static enum kh_drift_status judge(const char *copy, const char *orig,
				  const char *opts, bool tokens)
{
	enum kh_drift_status st = 99;
	struct kh_drift_opts o = { .tokens = tokens };
	struct kh_drift_map m;
	struct kh_error err;
	char line[256], c[96], k[96];

	put("c", copy);
	put("k", orig);
	snprintf(line, sizeof(line), "f.h f.h %s\n", opts);
	cr_assert_eq(parse(line, &m, &err), 0, "%s", err.msg);
	snprintf(c, sizeof(c), "%s/c", top);
	snprintf(k, sizeof(k), "%s/k", top);
	o.copies = c;
	o.srctree = k;
	o.map = &m;
	cr_assert_eq(kh_drift(&o, keep_status, &st, &err), 0, "%s", err.msg);
	kh_drift_map_release(&m);
	return st;
}

TestSuite(drift, .init = setup, .fini = teardown);

Test(drift, blank_rule_excuses_a_change_of_empty_lines_only)
{
	cr_assert_eq(judge("a\nb\n", "a\n\n\nb\n", "-B", false), KH_DRIFT_SAME);
	cr_assert_eq(judge("a\nb\n", "a\n\n\nb\n", "", false), KH_DRIFT_DIFFERS);
	/* one change holding a blank and a real line: not excused */
	cr_assert_eq(judge("a\nb\n", "a\n\nx\nb\n", "-B", false),
		     KH_DRIFT_DIFFERS);
	/* a line of blanks is not empty, as for GNU diff -B */
	cr_assert_eq(judge("a\nb\n", "a\n \nb\n", "-B", false),
		     KH_DRIFT_DIFFERS);
}

Test(drift, matching_rule_needs_every_line_of_the_change)
{
	cr_assert_eq(judge("#include <a.h>\nint x;\n",
			   "#include <b.h>\nint x;\n", "-I '^#include'", false),
		     KH_DRIFT_SAME);
	cr_assert_eq(judge("#include <a.h>\nint x;\n",
			   "int y;\nint x;\n", "-I '^#include'", false),
		     KH_DRIFT_DIFFERS);
	cr_assert_eq(judge("int a; /* __ignore_sync_check__ */\n",
			   "int b; /* __ignore_sync_check__ */\n",
			   "--ignore-sync-check", false), KH_DRIFT_SAME);
	cr_assert_eq(judge("a\nb\n", "a\n\nb\n", "-I '^#' -B", false),
		     KH_DRIFT_SAME);
}

Test(drift, tokens_tell_comments_from_abi)
{
	cr_assert_eq(judge("/* old */\nint x=-1;\n", "int x = - 1; // new\n",
			   "", true), KH_DRIFT_COMMENTS_ONLY);
	cr_assert_eq(judge("a -= 1;\n", "a - = 1;\n", "", true),
		     KH_DRIFT_DIFFERS);
	cr_assert_eq(judge("#define A \\\n 1\n", "#define A 1\n", "", true),
		     KH_DRIFT_COMMENTS_ONLY);
	cr_assert_eq(judge("char *s = \"a  b\";\n", "char *s = \"a b\";\n",
			   "", true), KH_DRIFT_DIFFERS);
	cr_assert_eq(judge("x = 1.5e+3;\n", "x = 1.5e + 3;\n", "", true),
		     KH_DRIFT_DIFFERS);
	cr_assert_eq(judge("same\n", "same\n", "", true), KH_DRIFT_SAME);
}

Test(drift, tokens_leave_out_excused_lines)
{
	cr_assert_eq(judge("#include <a.h>\nint y;\n/* x */ int x;\n",
			   "#include <b.h>\nint y;\nint x; /* y */\n",
			   "-I '^#include'", true), KH_DRIFT_COMMENTS_ONLY);
	/* next to it, the include is part of an unexcused change */
	cr_assert_eq(judge("#include <a.h>\n/* x */ int x;\n",
			   "#include <b.h>\nint x; /* y */\n",
			   "-I '^#include'", true), KH_DRIFT_DIFFERS);
}
