/* SPDX-License-Identifier: GPL-2.0 */
/*
 * timestamp.h - times the way kernel users pass them, independent of TZ
 * and locale.  kh_timestamp_parse() and kh_timestamp_format() are public
 * (kheaders.h); the calendar conversions are shared here.
 */
#ifndef KH_TIMESTAMP_H
#define KH_TIMESTAMP_H

#include <stdint.h>

#include "kheaders.h"

/* kh_days_from_civil() - days since 1970-01-01 of a proleptic date. */
int64_t kh_days_from_civil(int64_t y, unsigned int m, unsigned int d);

/* kh_civil_from_days() - the proleptic date @days after 1970-01-01. */
void kh_civil_from_days(int64_t days, int64_t *y, unsigned int *m,
			unsigned int *d);

#endif /* KH_TIMESTAMP_H */
