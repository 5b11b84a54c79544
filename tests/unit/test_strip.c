// SPDX-License-Identifier: GPL-2.0
/*
 * test_strip.c - the comment stripper: one case per lexer rule, the perl
 * emulation against outputs recorded from the real perl one-liner, and the
 * buffer contract (in place, never longer, errors).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kheaders.h"

/*
 * Strip @in (@len bytes) with @mode twice, into a fresh buffer and in
 * place, check both agree and are no longer than the input, and compare
 * with @want (@want_len bytes).
 */
static void check_mode_n(enum kh_strip_mode mode, const char *in, size_t len,
			 const char *want, size_t want_len)
{
	struct kh_error err;
	char *out = malloc(len + 1), *inplace = malloc(len + 1);
	size_t n = 12345, m = 12345;

	cr_assert_not_null(out);
	cr_assert_not_null(inplace);
	memcpy(inplace, in, len);
	cr_assert_eq(kh_strip(mode, in, len, out, &n, "t.h", &err), 0,
		     "kh_strip failed: %s", err.msg);
	cr_assert_eq(kh_strip(mode, inplace, len, inplace, &m, "t.h", &err),
		     0, "in-place kh_strip failed: %s", err.msg);
	cr_assert_leq(n, len, "output longer than input");
	cr_assert_eq(n, m, "in-place length %zu differs from %zu", m, n);
	cr_assert(!memcmp(out, inplace, n), "in-place output differs");
	out[n] = '\0';
	cr_assert(n == want_len && !memcmp(out, want, n),
		  "input:\n[%s]\ngot:\n[%s]\nwant:\n[%s]", in, out, want);
	free(out);
	free(inplace);
}

static void check_mode(enum kh_strip_mode mode, const char *in,
		       const char *want)
{
	check_mode_n(mode, in, strlen(in), want, strlen(want));
}

static void lex(const char *in, const char *want)
{
	check_mode(KH_STRIP_LEXER, in, want);
}

static void compact(const char *in, const char *want)
{
	check_mode(KH_STRIP_COMPACT, in, want);
}

static void compat(const char *in, const char *want)
{
	check_mode(KH_STRIP_COMPAT, in, want);
}

/* ---- lexer: basic removal and spacing ----------------------------------- */

Test(strip_lexer, comment_between_tokens_becomes_one_space)
{
	lex("a/**/b", "a b");
	lex("a/* x */b\n", "a b\n");
}

Test(strip_lexer, no_space_added_next_to_whitespace)
{
	lex("a /* x */b", "a b");
	lex("a/* x */ b", "a b");
	lex("a /* x */ b", "a  b");
}

Test(strip_lexer, adjacent_comments_give_one_space)
{
	lex("a/**//**/b", "a b");
}

Test(strip_lexer, function_like_macro_stays_object_like)
{
	lex("#define FOO/**/(x)\n", "#define FOO (x)\n");
}

Test(strip_lexer, comment_after_hash_keeps_directive)
{
	lex("#/**/define X\n", "# define X\n");
}

Test(strip_lexer, comment_at_start_of_line_leaves_nothing)
{
	lex("/* c */int a;\n", "int a;\n");
}

Test(strip_lexer, trailing_blanks_before_removed_comment_trimmed)
{
	lex("int a;   /* c */\n", "int a;\n");
	lex("int a; /* c */  \n", "int a;\n");
}

Test(strip_lexer, blanks_without_removed_comment_untouched)
{
	lex("int a;   \n", "int a;   \n");
	lex("/* c */ int a;   \n", " int a;   \n");
}

Test(strip_lexer, whole_comment_line_becomes_empty_line)
{
	lex("a\n/* c */\nb\n", "a\n\nb\n");
}

Test(strip_lexer, slash_star_slash_does_not_close)
{
	lex("/*/ a */b", "b");
	lex("/***/x", "x");
	lex("/* **/x", "x");
}

Test(strip_lexer, division_is_not_a_comment)
{
	lex("a / b /c\n", "a / b /c\n");
	lex("a /\n*b*/\n", "a /\n*b*/\n");
}

Test(strip_lexer, comment_does_not_nest)
{
	lex("/* a /* b */ c */\n", " c */\n");
}

/* ---- lexer: // comments and literals ------------------------------------ */

Test(strip_lexer, line_comment_kept_and_opener_inside_is_inert)
{
	lex("a // b /* c\nd */ e\n", "a // b /* c\nd */ e\n");
}

Test(strip_lexer, opener_inside_string_is_text)
{
	lex("char *s = \"/* x */\";\n", "char *s = \"/* x */\";\n");
}

Test(strip_lexer, escaped_quote_does_not_end_string)
{
	lex("\"a\\\" /* x */\" /* y */ z\n", "\"a\\\" /* x */\"  z\n");
}

Test(strip_lexer, escaped_backslash_ends_string)
{
	lex("\"\\\\\" /* x */\n", "\"\\\\\"\n");
}

Test(strip_lexer, double_quote_in_char_literal)
{
	lex("'\"' /* x */ \"/*\"\n", "'\"'  \"/*\"\n");
}

Test(strip_lexer, escaped_quote_in_char_literal)
{
	lex("'\\'' /* x */ y\n", "'\\''  y\n");
}

Test(strip_lexer, unterminated_char_literal_runs_to_end_of_line)
{
	lex("#error don't /* x */\nint a; /* y */\n",
	    "#error don't /* x */\nint a;\n");
}

Test(strip_lexer, unterminated_string_runs_to_end_of_line)
{
	lex("\"abc /* x */\n/* y */b\n", "\"abc /* x */\nb\n");
}

Test(strip_lexer, unterminated_literal_at_end_of_input)
{
	lex("/* a */ 'b /* c */", " 'b /* c */");
}

Test(strip_lexer, literal_blanks_never_trimmed)
{
	lex("/* c */\"abc   \n", "\"abc   \n");
	lex("/* c */ \"abc   ", " \"abc   ");
}

Test(strip_lexer, prefixed_literals)
{
	lex("L\"/*\" u8'/*' U\"*/\" /* x */\n", "L\"/*\" u8'/*' U\"*/\"\n");
}

/* ---- lexer: SPDX ------------------------------------------------------- */

Test(strip_lexer, spdx_comment_kept_as_is)
{
	lex("/* SPDX-License-Identifier: GPL-2.0 */\n/* other */\nx\n",
	    "/* SPDX-License-Identifier: GPL-2.0 */\n\nx\n");
}

Test(strip_lexer, spdx_anywhere_in_comment_keeps_it)
{
	lex("a /* see\n SPDX\n */ b\n", "a /* see\n SPDX\n */ b\n");
}

Test(strip_lexer, spdx_split_by_splice_keeps_comment)
{
	lex("/* SP\\\nDX */\n", "/* SP\\\nDX */\n");
}

Test(strip_lexer, spdx_outside_comment_does_not_matter)
{
	lex("SPDX /* x */ y\n", "SPDX  y\n");
}

/* ---- lexer: newlines ---------------------------------------------------- */

Test(strip_lexer, multiline_comment_in_directive_keeps_directive)
{
	lex("#define A /* x\n y */ 1\nint b;\n", "#define A  1\n\nint b;\n");
}

Test(strip_lexer, deferred_newlines_follow_end_of_line)
{
	lex("a /* 1\n2\n3 */ b\nc\n", "a  b\n\n\nc\n");
}

Test(strip_lexer, deferred_newlines_wait_for_spliced_directive_end)
{
	lex("#define A /* x\n*/ 1 \\\n 2\nint b;\n",
	    "#define A  1 \\\n 2\n\nint b;\n");
}

Test(strip_lexer, deferred_newlines_after_line_comment)
{
	lex("a /* x\n */ b // c\nd\n", "a  b // c\n\nd\n");
}

Test(strip_lexer, deferred_newlines_at_end_of_input)
{
	lex("a /* x\n */", "a\n");
}

Test(strip_lexer, comment_opening_a_line_keeps_newlines_in_place)
{
	lex("/* a\n * b\n */ int x;\n#define Y 1\n",
	    "\n\n int x;\n#define Y 1\n");
	lex("a\n  /* x\n */ b\n", "a\n  \n b\n");
	lex("a\n/* x\r\n*/\tb\n", "a\n\r\n\tb\n");
}

Test(strip_lexer, kept_comment_leaves_line_start_blank)
{
	lex("/* SPDX */ /* a\n */ x\n", "/* SPDX */ \n x\n");
	lex("/* SPDX */ x /* a\n */ y\n", "/* SPDX */ x  y\n\n");
}

Test(strip_lexer, comment_after_spliced_line_start_is_deferred)
{
	lex("a \\\n/* x\n */ b\nc\n", "a \\\n b\n\nc\n");
}

Test(strip_lexer, newlines_inside_kept_comment_not_deferred)
{
	lex("/* SPDX\n */ a /* b\n */ c\nd\n",
	    "/* SPDX\n */ a  c\n\nd\n");
}

/* ---- lexer: line splices ----------------------------------------------- */

Test(strip_lexer, splice_inside_opener_and_closer)
{
	lex("a /\\\n* x *\\\n/ b\n", "a  b\n\n\n");
}

Test(strip_lexer, splice_continues_line_comment)
{
	lex("// a \\\n/* b */ c\nd /* e */\n", "// a \\\n/* b */ c\nd\n");
}

Test(strip_lexer, splice_with_blanks_continues_line_comment)
{
	lex("// a \\  \n/* b */\n", "// a \\  \n/* b */\n");
	lex("// a \\\t\f\v\n/* b */\n", "// a \\\t\f\v\n/* b */\n");
}

Test(strip_lexer, splice_between_slashes_makes_line_comment)
{
	lex("a /\\\n/ b /* c */\n", "a /\\\n/ b /* c */\n");
}

Test(strip_lexer, splice_continues_string)
{
	lex("\"a\\\n/* b */\"\n", "\"a\\\n/* b */\"\n");
}

Test(strip_lexer, escape_then_splice_escapes_next_char)
{
	lex("\"\\\\\n\" /* x */\"\n", "\"\\\\\n\" /* x */\"\n");
}

Test(strip_lexer, splice_after_comment_still_separates_tokens)
{
	lex("a/**/\\\nb\n", "a \\\nb\n");
}

Test(strip_lexer, splice_before_comment_still_separates_tokens)
{
	lex("a\\\n/**/b\n", "a\\\n b\n");
}

Test(strip_lexer, splice_newlines_inside_comment_deferred)
{
	lex("#define A /* x \\\n y */ 1\nz\n", "#define A  1\n\nz\n");
}

Test(strip_lexer, backslash_without_newline_is_no_splice)
{
	lex("a \\ b /* c */ d\n", "a \\ b  d\n");
}

/* ---- lexer: never create a splice -------------------------------------- */

Test(strip_lexer, comment_kept_when_removal_would_splice)
{
	lex("#define A 1 \\ /* c */\nint b;\n",
	    "#define A 1 \\ /* c */\nint b;\n");
	lex("x \\/* c */  \n", "x \\/* c */  \n");
}

Test(strip_lexer, comment_kept_after_backslash_at_end_of_input)
{
	lex("a \\ /* x\n*/", "a \\ /* x\n*/");
}

Test(strip_lexer, comment_removed_after_backslash_when_token_follows)
{
	lex("a \\ /* c */ b\n", "a \\  b\n");
}

Test(strip_lexer, deferred_newlines_dropped_after_final_backslash)
{
	lex("a /* x\n*/ \\", "a  \\");
}

/* ---- lexer: CRLF -------------------------------------------------------- */

Test(strip_lexer, crlf_file_keeps_crlf_and_line_numbers)
{
	lex("int a; /* c */\r\n#define X /* a\r\n b */ 1\r\nint c;\r\n",
	    "int a;\r\n#define X  1\r\n\r\nint c;\r\n");
}

Test(strip_lexer, crlf_splice)
{
	lex("// a \\\r\n/* b */\r\n", "// a \\\r\n/* b */\r\n");
	lex("a /\\\r\n* x */b\r\n", "a b\r\n\r\n");
}

Test(strip_lexer, crlf_ends_unterminated_literal)
{
	lex("'a /* x */\r\n/* y */b\r\n", "'a /* x */\r\nb\r\n");
}

/* ---- lexer: buffer contract and errors ---------------------------------- */

Test(strip_lexer, empty_input)
{
	lex("", "");
	check_mode(KH_STRIP_COMPAT, "", "");
	check_mode(KH_STRIP_NONE, "", "");
}

Test(strip_lexer, input_without_comments_is_unchanged)
{
	static const char src[] =
		"#ifndef X_H\n#define X_H\nstruct x { int a; };\n#endif\n";

	lex(src, src);
}

Test(strip_lexer, nul_bytes_are_plain_bytes)
{
	check_mode_n(KH_STRIP_LEXER, "a\0/**/b\"\0\"", 11, "a\0 b\"\0\"", 8);
}

Test(strip_lexer, unterminated_comment_names_file_and_line)
{
	static const char src[] = "a\nb\\\nc\n d /* x\ny";
	struct kh_error err;
	char out[sizeof(src)];
	size_t n;

	cr_assert_eq(kh_strip(KH_STRIP_LEXER, src, strlen(src), out, &n,
			      "include/x.h", &err), -EINVAL);
	cr_assert_eq(err.code, EINVAL);
	cr_assert_str_eq(err.msg,
			 "'include/x.h': unterminated comment at line 4");
}

Test(strip_lexer, unterminated_comment_after_removed_ones_counts_lines)
{
	static const char src[] = "/* a\n\n*/ x\n\"\\\n\" /* b\n";
	struct kh_error err;
	char buf[sizeof(src)];
	size_t n;

	memcpy(buf, src, sizeof(src));
	cr_assert_eq(kh_strip(KH_STRIP_LEXER, buf, strlen(src), buf, &n,
			      "y.h", &err), -EINVAL);
	cr_assert_str_eq(err.msg, "'y.h': unterminated comment at line 5");
}

Test(strip_lexer, lone_opener_is_unterminated)
{
	struct kh_error err;
	char out[4];
	size_t n;

	cr_assert_eq(kh_strip(KH_STRIP_LEXER, "/*", 2, out, &n, "z.h", &err),
		     -EINVAL);
	cr_assert_str_eq(err.msg, "'z.h': unterminated comment at line 1");
	cr_assert_eq(kh_strip(KH_STRIP_LEXER, "/*/", 3, out, &n, "z.h", &err),
		     -EINVAL);
}

Test(strip_lexer, in_place_with_many_removals)
{
	static const char unit[] = "/* a\n b */x/**/y /* c */\n";
	char *in = malloc(sizeof(unit) * 1000), *want = malloc(8 * 1000);
	size_t i, len = 0, wl = 0;

	for (i = 0; i < 1000; i++) {
		memcpy(in + len, unit, sizeof(unit) - 1);
		len += sizeof(unit) - 1;
		memcpy(want + wl, "\nx y\n", 5);
		wl += 5;
	}
	check_mode_n(KH_STRIP_LEXER, in, len, want, wl);
	free(in);
	free(want);
}

/* ---- compat: outputs recorded from perl's s/\/\*((?!SPDX).)*?\*\///smg -- */

Test(strip_compat, merges_tokens_like_perl)
{
	compat("a/**/b", "ab");
}

Test(strip_compat, spdx_comment_kept)
{
	compat("/* SPDX */ x /* y */", "/* SPDX */ x ");
	compat("/*SPDX*/", "/*SPDX*/");
}

Test(strip_compat, failed_spdx_match_retried_inside_comment)
{
	compat("/* SPDX /* x */ y */", "/* SPDX  y */");
}

Test(strip_compat, spdx_after_closer_does_not_block)
{
	compat("/* SPDX */ /* a */ /* b SPDX */", "/* SPDX */  /* b SPDX */");
	compat("/* SPD*/X", "X");
	compat("/* x */SPDX*/", "SPDX*/");
}

Test(strip_compat, slash_star_slash_does_not_close)
{
	compat("/*/ a */b", "b");
	compat("/***/x", "x");
	compat("/**/*/", "*/");
}

Test(strip_compat, shortest_match_then_continue)
{
	compat("/* a */ */", " */");
	compat("/* a */*/", "*/");
	compat("/* a /* b */ c */", " c */");
}

Test(strip_compat, unterminated_left_alone)
{
	compat("/* unterminated", "/* unterminated");
	compat("/* x SPDX", "/* x SPDX");
}

Test(strip_compat, knows_no_strings_or_line_comments)
{
	compat("\"/* in string */\"", "\"\"");
	compat("//* x */", "/");
}

Test(strip_compat, newlines_removed_with_comment)
{
	compat("/* a\n b */\n", "\n");
}

Test(strip_compat, may_create_a_splice_like_perl)
{
	compat("#define A 1 \\ /* c */\nint b;\n", "#define A 1 \\ \nint b;\n");
}

Test(strip_compat, works_on_bytes_not_utf8)
{
	check_mode_n(KH_STRIP_COMPAT, "\xff/* \xfe */\xff", 9, "\xff\xff", 2);
}

/* Quadratic rescanning would take minutes here. */
Test(strip_compat, many_failing_openers_stay_linear, .timeout = 20)
{
	size_t len = 1 << 20, i;
	char *in = malloc(len + 8), *out = malloc(len + 8);
	struct kh_error err;
	size_t n;

	for (i = 0; i + 8 <= len; i += 8)
		memcpy(in + i, "/*SPDX/*", 8);
	memcpy(in + len, "*/", 2);
	cr_assert_eq(kh_strip(KH_STRIP_COMPAT, in, len + 2, out, &n, "t.h",
			      &err), 0);
	cr_assert_eq(n, len - 2);	/* only the final slash-star-star-slash */
	cr_assert(!memcmp(in, out, n));
	free(in);
	free(out);
}

/* ---- compact: the lexer, comment-only lines dropped ------------------- */

Test(strip_compact, comment_only_lines_go)
{
	compact("a;\n/* x */\nb;\n", "a;\nb;\n");
	compact("a;\n\t/* x */  \nb;\n", "a;\nb;\n");
	compact("/*\n * doc\n */\nint f(void);\n", "int f(void);\n");
	compact("a;\n/* x */ /* y */\nb;\n", "a;\nb;\n");
}

Test(strip_compact, source_blank_lines_stay)
{
	compact("a;\n\n   \nb;\n", "a;\n\n   \nb;\n");
	compact("a;\n\n/* x */\n\nb;\n", "a;\n\n\nb;\n");
}

Test(strip_compact, comment_newlines_dropped_mid_line)
{
	compact("int a; /* x\n y */ int b;\n", "int a;  int b;\n");
	compact("int a; /* x\n y */\nint b;\n", "int a;\nint b;\n");
}

Test(strip_compact, directive_stays_whole)
{
	compact("#define A /* x\n y */ 1\nint b;\n", "#define A  1\nint b;\n");
	compact("/* x\n */ #define A 1\n", " #define A 1\n");
}

Test(strip_compact, kept_comments_keep_their_lines)
{
	compact("/* SPDX-License-Identifier: GPL-2.0 */\n/* x */\na;\n",
		"/* SPDX-License-Identifier: GPL-2.0 */\na;\n");
	compact("// c\n/* x */\n", "// c\n");
}

Test(strip_compact, spliced_lines_are_never_dropped)
{
	/* Dropping the comment line would splice "int d;" into the macro. */
	compact("#define B \\\n/* c */\nint d;\n", "#define B \\\n\nint d;\n");
	compact("/* a */ \\\n/* b */\nx;\n", " \\\n\nx;\n");
}

Test(strip_compact, crlf_comment_line_goes)
{
	compact("a;\r\n/* x */\r\nb;\r\n", "a;\r\nb;\r\n");
}

Test(strip_compact, last_line_without_newline)
{
	compact("a;\n/* x */", "a;\n");
	compact("/* x */", "");
	compact("a; /* x */", "a;");
}

Test(strip_compact, literals_untouched)
{
	compact("s = \"/* x */\";\n/* y */\n", "s = \"/* x */\";\n");
}

/* ---- none and mode names ----------------------------------------------- */

Test(strip_none, copies_everything)
{
	check_mode(KH_STRIP_NONE, "a/**/b // c\n", "a/**/b // c\n");
}

Test(strip_mode, names_parse)
{
	cr_assert_eq(kh_strip_mode_parse("compact"), KH_STRIP_COMPACT);
	cr_assert_eq(kh_strip_mode_parse("lexer"), KH_STRIP_LEXER);
	cr_assert_eq(kh_strip_mode_parse("compat"), KH_STRIP_COMPAT);
	cr_assert_eq(kh_strip_mode_parse("none"), KH_STRIP_NONE);
	cr_assert_eq(kh_strip_mode_parse("perl"), -1);
	cr_assert_eq(kh_strip_mode_parse(""), -1);
	cr_assert_str_eq(kh_strip_mode_name(KH_STRIP_COMPACT), "compact");
	cr_assert_str_eq(kh_strip_mode_name(KH_STRIP_NONE), "none");
}
