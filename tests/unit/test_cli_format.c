// SPDX-License-Identifier: GPL-2.0
/*
 * test_cli_format.c - the command line's text for people (src/cli/format.c)
 * and the library's UTC time format it uses.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "kheaders.h"
#include "cli/cli.h"

Test(cli_format, utf8_validation)
{
	cr_assert(cli_utf8_valid("abc", 3));
	cr_assert(cli_utf8_valid("\xc3\xa9", 2));
	cr_assert(cli_utf8_valid("\xf0\x9f\x98\x80", 4));
	cr_assert_not(cli_utf8_valid("\xe9", 1));
	cr_assert_not(cli_utf8_valid("\xc0\xaf", 2));	/* overlong */
	cr_assert_not(cli_utf8_valid("\xed\xa0\x80", 3));	/* surrogate */
	cr_assert_not(cli_utf8_valid("\xf4\x90\x80\x80", 4));	/* > U+10FFFF */
	cr_assert_not(cli_utf8_valid("\xe2\x82", 2));	/* cut short */
}

Test(cli_format, json_string_escapes_controls_and_bad_bytes)
{
	struct kh_buf b;

	kh_buf_init(&b);
	cr_assert_eq(cli_json_string(&b, "a\"b\\c\nd\x01\x7f\xc3\xa9\xe9z"), 0);
	cr_assert_str_eq((char *)b.data,
			 "\"a\\\"b\\\\c\\nd\\u0001\\u007f\xc3\xa9\\u00e9z\"");
	kh_buf_release(&b);
}

Test(cli_format, quote_name_like_gnu_tar)
{
	struct kh_buf b;

	kh_buf_init(&b);
	cr_assert_eq(cli_quote_name(&b, "a\nb\\c\td\x01\xe9"), 0);
	cr_assert_str_eq((char *)b.data, "a\\nb\\\\c\\td\\001\\351");
	kh_buf_release(&b);
}

/* Valid UTF-8 passes; C1 controls, raw or UTF-8 encoded, never do. */
Test(cli_format, quote_name_escapes_c1_controls)
{
	struct kh_buf b;

	kh_buf_init(&b);
	cr_assert_eq(cli_quote_name(&b, "\xc3\xa9\x9b[31m\xc2\x9d\xc2\xa0"), 0);
	cr_assert_str_eq((char *)b.data, "\xc3\xa9\\233[31m\\302\\235\xc2\xa0");
	kh_buf_release(&b);
}

Test(cli_format, hex_string)
{
	struct kh_buf b;

	kh_buf_init(&b);
	cr_assert_eq(cli_hex_string(&b, "a\n\xff"), 0);
	cr_assert_str_eq((char *)b.data, "610aff");
	kh_buf_release(&b);
}

Test(timestamp, format_is_utc_iso8601)
{
	char s[48];

	kh_timestamp_format(0, s);
	cr_assert_str_eq(s, "1970-01-01T00:00:00Z");
	kh_timestamp_format(1700000000, s);
	cr_assert_str_eq(s, "2023-11-14T22:13:20Z");
	kh_timestamp_format(951782400, s);
	cr_assert_str_eq(s, "2000-02-29T00:00:00Z");
	kh_timestamp_format(-1, s);
	cr_assert_str_eq(s, "1969-12-31T23:59:59Z");
	kh_timestamp_format(8589934591LL, s);
	cr_assert_str_eq(s, "2242-03-16T12:56:31Z");
}
