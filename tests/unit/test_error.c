// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "kheaders.h"
#include "error.h"

Test(error, message_names_path_and_errno_text)
{
	struct kh_error err;

	cr_assert_eq(kh_err_sys(&err, ENOENT, "cannot open '%s'", "a.h"),
		     -ENOENT);
	cr_assert_eq(err.code, ENOENT);
	cr_assert_str_eq(err.msg, "cannot open 'a.h': No such file or directory");
}

Test(error, newline_in_a_path_is_escaped_to_keep_one_line)
{
	struct kh_error err;

	kh_err(&err, EINVAL, "bad '%s'", "new\nline\r.h");
	cr_assert_str_eq(err.msg, "bad 'new\\nline\\x0d.h'");
}

Test(error, tab_escape_and_delete_are_escaped)
{
	struct kh_error err;

	kh_err(&err, EINVAL, "'%s'", "a\tb\033[31mc\177");
	cr_assert_str_eq(err.msg, "'a\\tb\\x1b[31mc\\x7f'");
}

Test(error, non_utf8_bytes_are_kept)
{
	struct kh_error err;

	kh_err(&err, EINVAL, "'%s'", "bin\377\376.h");
	cr_assert_str_eq(err.msg, "'bin\377\376.h'");
}

Test(error, prefix_keeps_one_line)
{
	struct kh_error err;

	kh_err(&err, EIO, "inner");
	kh_err_prefix(&err, "outer '%s'", "x\ny");
	cr_assert_str_eq(err.msg, "outer 'x\\ny': inner");
}

Test(error, null_error_only_returns_the_code)
{
	cr_assert_eq(kh_err(NULL, EPERM, "x"), -EPERM);
	cr_assert_eq(kh_err(NULL, 0, "x"), -EINVAL);
}

Test(error, very_long_message_is_truncated_not_overrun)
{
	static char path[3 * KH_ERROR_MSG_MAX];
	struct kh_error err;

	memset(path, '\n', sizeof(path) - 1);
	kh_err(&err, EINVAL, "'%s'", path);
	cr_assert_lt(strlen(err.msg), sizeof(err.msg));
	cr_assert_null(strchr(err.msg, '\n'));
}

Test(error, long_path_whole_in_path_message_keeps_head_and_cause)
{
	static char path[KH_ERROR_PATH_MAX];
	struct kh_error err;
	size_t n;

	memset(path, 'd', sizeof(path) - 1);
	path[0] = '/';
	memcpy(path + sizeof(path) - 8, "/deep.h", 8);
	kh_err_sys_at(&err, ENAMETOOLONG, path, "cannot archive '%s'", path);
	cr_assert_str_eq(err.path, path);
	n = strlen(err.msg);
	cr_assert_eq(n, sizeof(err.msg) - 1);
	cr_assert_eq(strncmp(err.msg, "cannot archive '/ddd", 20), 0);
	cr_assert_not_null(strstr(err.msg, "d...d"));
	cr_assert_str_eq(err.msg + n - strlen("/deep.h': File name too long"),
			 "/deep.h': File name too long");
}

Test(error, shortened_message_is_cut_between_utf8_characters)
{
	static char text[2 * KH_ERROR_MSG_MAX];
	struct kh_error err;
	size_t i, n;

	for (i = 0; i + 2 < sizeof(text); i += 2)
		memcpy(text + i, "\xc3\xa9", 2);	/* U+00E9, two bytes */
	kh_err(&err, EINVAL, "x%s", text);
	n = strlen(err.msg);
	cr_assert_lt(n, sizeof(err.msg));
	for (i = 0; i + 3 <= n; i++)
		if (!memcmp(err.msg + i, "...", 3))
			break;
	cr_assert_lt(i + 3, n + 1);
	cr_assert_neq((unsigned char)err.msg[i + 3] & 0xc0, 0x80);
	cr_assert_eq((i - 1) % 2, 0, "the head ends after a whole character");
}

Test(error, the_struct_is_small)
{
	cr_assert_leq(sizeof(struct kh_error), KH_ERROR_PATH_MAX + 1024 + 64);
}
