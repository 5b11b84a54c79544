// SPDX-License-Identifier: GPL-2.0
/*
 * timestamp.c - a small, locale- and TZ-free parser for the timestamps the
 * kernel build passes around.  mktime() and strptime() depend on TZ and the
 * locale, which is exactly what a reproducible build must not.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "timestamp.h"

static const char *const month_names[12] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec",
};

static const char *const day_names[7] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat",
};

int64_t kh_days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void kh_civil_from_days(int64_t days, int64_t *y, unsigned int *m,
			unsigned int *d)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	*d = (unsigned int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

void kh_timestamp_format(int64_t t, char out[48])
{
	int64_t days = t / 86400, secs = t % 86400, y;
	unsigned int m, d;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	kh_civil_from_days(days, &y, &m, &d);
	snprintf(out, 48, "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)y, m,
		 d, (unsigned int)(secs / 3600), (unsigned int)(secs / 60 % 60),
		 (unsigned int)(secs % 60));
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned int days_in_month(int64_t y, unsigned int m)
{
	static const unsigned char mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

/* Parse exactly @n digits (n > 0) or, with n == 0, one or more. */
static bool parse_num(const char **p, int n, long *out)
{
	const char *s = *p;
	long v = 0;
	int i = 0;

	while (isdigit((unsigned char)s[i]) && (n == 0 || i < n)) {
		if (v > 100000000L)
			return false;
		v = v * 10 + (s[i] - '0');
		i++;
	}
	if (i == 0 || (n && i != n))
		return false;
	*p = s + i;
	*out = v;
	return true;
}

static void skip_spaces(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

/* Zone: "", Z, UTC, GMT, UT, +HH, +HHMM, +HH:MM (and UTC+HHMM). */
static bool parse_zone(const char **p, long *offset)
{
	const char *s = *p;
	long hh = 0, mm = 0;
	int sign;

	*offset = 0;
	if (*s == 'Z' || *s == 'z') {
		*p = s + 1;
		return true;
	}
	if (!strncasecmp(s, "UTC", 3) || !strncasecmp(s, "GMT", 3))
		s += 3;
	else if (!strncasecmp(s, "UT", 2))
		s += 2;
	if (*s != '+' && *s != '-') {
		*p = s;
		return true;
	}
	sign = *s == '-' ? -1 : 1;
	s++;
	if (!parse_num(&s, 2, &hh))
		return false;
	if (*s == ':')
		s++;
	if (isdigit((unsigned char)*s) && !parse_num(&s, 2, &mm))
		return false;
	if (hh > 23 || mm > 59)
		return false;
	*offset = sign * (hh * 3600 + mm * 60);
	*p = s;
	return true;
}

struct civil {
	long year, month, day, hour, min, sec, zone;
};

static bool civil_valid(const struct civil *c)
{
	return c->month >= 1 && c->month <= 12 && c->day >= 1 &&
	       c->day <= (long)days_in_month(c->year, c->month) &&
	       c->hour <= 23 && c->min <= 59 && c->sec <= 60;
}

static int64_t civil_to_epoch(const struct civil *c)
{
	return kh_days_from_civil(c->year, c->month, c->day) * 86400 +
	       c->hour * 3600 + c->min * 60 + c->sec - c->zone;
}

/* HH:MM[:SS][.fraction] */
static bool parse_clock(const char **p, struct civil *c)
{
	const char *s = *p;

	if (!parse_num(&s, 2, &c->hour) || *s++ != ':' ||
	    !parse_num(&s, 2, &c->min))
		return false;
	c->sec = 0;
	if (*s == ':') {
		s++;
		if (!parse_num(&s, 2, &c->sec))
			return false;
		if (*s == '.' || *s == ',') {
			s++;
			while (isdigit((unsigned char)*s))
				s++;
		}
	}
	*p = s;
	return true;
}

static bool parse_iso(const char *s, struct civil *c)
{
	memset(c, 0, sizeof(*c));
	if (!parse_num(&s, 4, &c->year) || *s++ != '-' ||
	    !parse_num(&s, 2, &c->month) || *s++ != '-' ||
	    !parse_num(&s, 2, &c->day))
		return false;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		s++;
		skip_spaces(&s);
		if (!parse_clock(&s, c))
			return false;
		skip_spaces(&s);
		if (!parse_zone(&s, &c->zone))
			return false;
	}
	skip_spaces(&s);
	return *s == '\0';
}

static int lookup_name(const char *s, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strncasecmp(s, names[i], 3) && !isalpha((unsigned char)s[3]))
			return i;
	return -1;
}

/* date(1): "Sun Nov 22 10:29:29 UTC 2026"; the weekday is optional. */
static bool parse_date_output(const char *s, struct civil *c)
{
	int month;

	memset(c, 0, sizeof(*c));
	if (lookup_name(s, day_names, 7) >= 0) {
		s += 3;
		if (*s == ',')
			s++;
		skip_spaces(&s);
	}
	month = lookup_name(s, month_names, 12);
	if (month < 0)
		return false;
	c->month = month + 1;
	s += 3;
	skip_spaces(&s);
	if (!parse_num(&s, 0, &c->day))
		return false;
	skip_spaces(&s);
	if (!parse_clock(&s, c))
		return false;
	skip_spaces(&s);
	if (!isdigit((unsigned char)*s)) {
		if (!parse_zone(&s, &c->zone))
			return false;
		skip_spaces(&s);
	}
	if (!parse_num(&s, 4, &c->year))
		return false;
	skip_spaces(&s);
	return *s == '\0';
}

static bool parse_seconds(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!*s || isspace((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

int kh_timestamp_parse(const char *s, int64_t *out, struct kh_error *err)
{
	struct civil c;
	const char *p = s;

	skip_spaces(&p);
	if (*p == '@') {
		if (parse_seconds(p + 1, out))
			return 0;
	} else if ((parse_iso(p, &c) || parse_date_output(p, &c)) &&
		   civil_valid(&c)) {
		*out = civil_to_epoch(&c);
		return 0;
	}
	return kh_err(err, EINVAL,
		      "invalid timestamp '%s' (want @SECONDS, ISO 8601 or date(1) output)",
		      s);
}
