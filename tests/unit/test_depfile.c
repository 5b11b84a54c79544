// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "kheaders.h"
#include "depfile.h"

static void escaped(const char *in, const char *want)
{
	struct kh_buf b;

	kh_buf_init(&b);
	cr_assert_eq(kh_depfile_escape(&b, in), 0);
	kh_buf_append(&b, "", 1);
	cr_assert_str_eq((char *)b.data, want, "escape('%s')", in);
	kh_buf_release(&b);
}

Test(depfile, plain_path_unchanged)
{
	escaped("include/linux/sched.h", "include/linux/sched.h");
}

Test(depfile, spaces_hash_colon_dollar)
{
	escaped("a b.h", "a\\ b.h");
	escaped("a\tb.h", "a\\\tb.h");
	escaped("a#b.h", "a\\#b.h");
	escaped("a:b.h", "a\\:b.h");
	escaped("a$b.h", "a$$b.h");
}

Test(depfile, backslash_before_space_doubled)
{
	escaped("a\\ b", "a\\\\\\ b");
	escaped("a\\b", "a\\b");
}

Test(depfile, newline_refused)
{
	struct kh_buf b;

	kh_buf_init(&b);
	cr_assert_eq(kh_depfile_escape(&b, "a\nb"), -EINVAL);
	kh_buf_release(&b);
}

Test(depfile, format_has_target_deps_and_phony_rules)
{
	char *deps[] = { "x/a.h", "x/b c.h" };
	struct kh_error err;
	struct kh_buf b;

	kh_buf_init(&b);
	cr_assert_eq(kh_depfile_format(&b, "out.tar.xz", deps, 2, &err), 0);
	kh_buf_append(&b, "", 1);
	cr_assert_str_eq((char *)b.data,
			 "out.tar.xz: \\\n  x/a.h \\\n  x/b\\ c.h\n"
			 "\nx/a.h:\n\nx/b\\ c.h:\n");
	kh_buf_release(&b);
}

Test(depfile, format_names_unrepresentable_path)
{
	char *deps[] = { "x/a\nb.h" };
	struct kh_error err;
	struct kh_buf b;

	kh_buf_init(&b);
	cr_assert_eq(kh_depfile_format(&b, "out", deps, 1, &err), -EINVAL);
	cr_assert(strstr(err.msg, "x/a\\nb.h"));
	kh_buf_release(&b);
}
