// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kheaders.h"
#include "timestamp.h"

static int64_t parse_ok(const char *s)
{
	struct kh_error err;
	int64_t t = -1;

	cr_assert_eq(kh_timestamp_parse(s, &t, &err), 0, "'%s': %s", s, err.msg);
	return t;
}

static void parse_bad(const char *s)
{
	struct kh_error err;
	int64_t t;

	cr_assert_eq(kh_timestamp_parse(s, &t, &err), -EINVAL, "'%s' parsed", s);
	cr_assert(strstr(err.msg, s), "message names the input: %s", err.msg);
}

Test(timestamp, at_seconds)
{
	cr_assert_eq(parse_ok("@0"), 0);
	cr_assert_eq(parse_ok("@1767225600"), 1767225600);
	cr_assert_eq(parse_ok("@-1"), -1);
}

Test(timestamp, iso8601_forms)
{
	cr_assert_eq(parse_ok("2026-01-01 00:00:00 UTC"), 1767225600);
	cr_assert_eq(parse_ok("2026-01-01T00:00:00Z"), 1767225600);
	cr_assert_eq(parse_ok("2026-01-01T00:00:00"), 1767225600);
	cr_assert_eq(parse_ok("2026-01-01 00:00"), 1767225600);
	cr_assert_eq(parse_ok("2026-01-01"), 1767225600);
	cr_assert_eq(parse_ok("2026-01-01T01:00:00+01:00"), 1767225600);
	cr_assert_eq(parse_ok("2025-12-31 19:00:00 -0500"), 1767225600);
	cr_assert_eq(parse_ok("2026-01-01T00:00:00.123456Z"), 1767225600);
}

Test(timestamp, date_default_output)
{
	cr_assert_eq(parse_ok("Sun Nov 22 10:29:29 UTC 2026"), 1795343369);
	cr_assert_eq(parse_ok("Thu Jan  1 00:00:00 UTC 1970"), 0);
	cr_assert_eq(parse_ok("Nov 22 10:29:29 2026"), 1795343369);
	cr_assert_eq(parse_ok("Sun Nov 22 11:29:29 +0100 2026"), 1795343369);
}

Test(timestamp, leap_day_and_year_end)
{
	cr_assert_eq(parse_ok("2024-02-29 12:00:00 UTC"), 1709208000);
	cr_assert_eq(parse_ok("1999-12-31T23:59:59Z"), 946684799);
}

Test(timestamp, independent_of_tz)
{
	int64_t a, b;

	setenv("TZ", "America/New_York", 1);
	tzset();
	a = parse_ok("Sun Nov 22 10:29:29 2026");
	setenv("TZ", "Asia/Kolkata", 1);
	tzset();
	b = parse_ok("Sun Nov 22 10:29:29 2026");
	cr_assert_eq(a, b);
	cr_assert_eq(a, 1795343369);
}

Test(timestamp, rejects_garbage)
{
	parse_bad("");
	parse_bad("yesterday");
	parse_bad("@");
	parse_bad("@12x");
	parse_bad("2026-02-30 00:00:00");
	parse_bad("2026-13-01");
	parse_bad("2026-01-01 25:00:00");
	parse_bad("2026-01-01 00:00:00 PST");
	parse_bad("Sun Foo 22 10:29:29 UTC 2026");
	parse_bad("Sun Nov 22 10:29:29 UTC");
}

Test(timestamp, days_from_civil)
{
	cr_assert_eq(kh_days_from_civil(1970, 1, 1), 0);
	cr_assert_eq(kh_days_from_civil(2000, 3, 1), 11017);
	cr_assert_eq(kh_days_from_civil(1969, 12, 31), -1);
}
