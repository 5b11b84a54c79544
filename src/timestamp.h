/* SPDX-License-Identifier: GPL-2.0 */
/*
 * timestamp.h - parsing the archive mtime the way kernel users pass it
 * (KBUILD_BUILD_TIMESTAMP, SOURCE_DATE_EPOCH, --timestamp), independent of
 * TZ and locale.
 */
#ifndef KH_TIMESTAMP_H
#define KH_TIMESTAMP_H

#include <stdint.h>

#include "kheaders.h"

/* The mtime used when nothing is given: 2000-01-01 00:00:00 UTC. */
#define KH_DEFAULT_MTIME 946684800LL

/*
 * kh_timestamp_parse() - parse @s into seconds since the epoch, UTC.
 * Accepts "@SECONDS"; ISO 8601 "YYYY-MM-DD[ T]HH:MM[:SS][.frac][ ]
 * [Z|UTC|GMT|+HH[:]MM|-HH[:]MM]" (no zone means UTC); date(1)'s default
 * "Sun Nov 22 10:29:29 UTC 2026" (zone UTC/GMT/+hhmm or none); a bare date
 * "YYYY-MM-DD".  Return: 0, or -EINVAL with @err naming @s.
 */
int kh_timestamp_parse(const char *s, int64_t *out, struct kh_error *err);

/* kh_days_from_civil() - days since 1970-01-01 of a proleptic date. */
int64_t kh_days_from_civil(int64_t y, unsigned int m, unsigned int d);

#endif /* KH_TIMESTAMP_H */
