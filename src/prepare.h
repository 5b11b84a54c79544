/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prepare.h - what the orchestration of kh_prepare() (prepare.c; the
 * public calls are in kheaders.h) lends to its sources and its cache: the
 * caller's note callback.  The sources are in prepare_source.h, the cache
 * in prepare_cache.h, an entry's seal in prepare_marker.h.
 */
#ifndef KH_PREPARE_H
#define KH_PREPARE_H

#include "kheaders.h"

/*
 * kh_prepare_note() - tell @o's note callback (if any) something worth
 * knowing that is not an error, as one line.
 */
void kh_prepare_note(const struct kh_prepare_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* KH_PREPARE_H */
