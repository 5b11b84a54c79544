/* SPDX-License-Identifier: GPL-2.0 */
/*
 * manifest.h - the record of what an output was built from, kept beside it
 * (".OUT.manifest"), so that a call with nothing changed returns at once:
 * the settings line, the snapshot time, and the stat of every output and
 * input.  kh_build_to_file() is its one user.
 */
#ifndef KH_MANIFEST_H
#define KH_MANIFEST_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "kheaders.h"

/**
 * kh_manifest_write() - record what an output was built from, beside it.
 * @path: the manifest, written atomically
 * @settings: the line naming everything besides the inputs that decides
 *	the outputs
 * @snapshot: kh_build_result.snapshot
 * @inputs: paths to stat now: kh_build_result.deps and
 *	kh_build_watch_paths()
 * @nr_inputs: their number
 * @outputs: the outputs
 * @out_inodes: the inodes this build wrote, or NULL: an output that is
 *	another file by now (a concurrent build) is not recorded (-EAGAIN)
 * @nr_outputs: their number
 * @err: filled on failure
 *
 * Inputs changed since @snapshot are recorded as they are: their times then
 * fail kh_manifest_fresh()'s racy check.
 * Return: 0 or -errno (-EINVAL for a path with a newline).
 */
int kh_manifest_write(const char *path, const char *settings,
		      const struct timespec *snapshot,
		      char *const *inputs, size_t nr_inputs,
		      const char *const *outputs, const ino_t *out_inodes,
		      size_t nr_outputs, struct kh_error *err);

/**
 * kh_manifest_fresh() - whether the outputs recorded at @path are up to
 * date.
 * @path: the manifest
 * @settings: as given to kh_manifest_write()
 * @outputs: as given to kh_manifest_write()
 * @nr_outputs: their number
 * @why: receives the first reason for a rebuild
 * @why_size: size of @why
 *
 * Return: true if the manifest exists, has the same @settings and
 * @outputs, every input and output has the very stat it recorded, and no
 * input's mtime or ctime is at or after the snapshot time (git's "racily
 * clean" rule); any doubt means false.
 */
bool kh_manifest_fresh(const char *path, const char *settings,
		       const char *const *outputs, size_t nr_outputs,
		       char *why, size_t why_size);

#endif /* KH_MANIFEST_H */
