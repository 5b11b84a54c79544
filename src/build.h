/* SPDX-License-Identifier: GPL-2.0 */
/*
 * build.h - what the build data path (build.c) gives the incremental build
 * (buildfile.c) beside the public kh_build(): the line naming everything
 * that decides the bytes, and the messages to the caller's callbacks.
 */
#ifndef KH_BUILD_H
#define KH_BUILD_H

#include "kheaders.h"

/*
 * kh_build_settings() - one line naming everything besides the inputs and
 * the trees that decides the archive's bytes (profile, strip mode, mtime,
 * block size, encoder settings, version), for the manifest.
 * Return: a malloc'd string, or NULL when out of memory.
 */
char *kh_build_settings(const struct kh_build_opts *opts);

/*
 * kh_build_note(), kh_build_warn() - format a message and pass it to the
 * @opts->note or @opts->warn callback, when there is one.
 */
void kh_build_note(const struct kh_build_opts *opts, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void kh_build_warn(const struct kh_build_opts *opts, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* KH_BUILD_H */
