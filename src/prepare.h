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
#include "prepare_source.h"

/*
 * kh_prepare_note() - tell @o's note callback (if any) something worth
 * knowing that is not an error, as one line.
 */
void kh_prepare_note(const struct kh_prepare_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * kh_prepare_opts_or_defaults() - @opts, or @defaults initialised by
 * kh_prepare_opts_init() when @opts is NULL.
 */
const struct kh_prepare_opts *
kh_prepare_opts_or_defaults(const struct kh_prepare_opts *opts,
			    struct kh_prepare_opts *defaults);

/*
 * kh_prepare_headers() - kh_prepare() in the cache root open at @rootfd
 * (@rootpath): find the archive with @c (which the caller releases with
 * kh_prepare_source_release() in every case; on success @c->xz holds the
 * archive) and make its entry valid.
 * Return: 0, or a negative errno value with @err set and @res released.
 */
int kh_prepare_headers(const struct kh_prepare_opts *opts, int rootfd,
		       const char *rootpath, struct kh_prepare_source *c,
		       struct kh_prepare_result *res, struct kh_error *err);

#endif /* KH_PREPARE_H */
