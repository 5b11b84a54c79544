/* SPDX-License-Identifier: GPL-2.0 */
/*
 * manifest.h - the record, kept beside an output, of what it was built
 * from: the settings line (options, encoder, versions, working directory),
 * the stat of every input (files, walked directories, absent paths whose
 * appearance would matter) and of the outputs themselves, and the snapshot
 * time.  A later call that finds everything identical skips the build;
 * any doubt means rebuild.
 */
#ifndef KH_MANIFEST_H
#define KH_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "kheaders.h"

/*
 * kh_manifest_write() - stat @inputs and @outputs now and write the
 * manifest at @path atomically.  Inputs changed since @snapshot are
 * recorded as they are: their times then fail kh_manifest_fresh()'s racy
 * check.  @out_inodes (if not NULL) are the inodes this build wrote: an
 * output that is another file by now (a concurrent build) is not recorded
 * (-EAGAIN).  Return: 0 or -errno (-EINVAL for a path with a newline).
 */
int kh_manifest_write(const char *path, const char *settings,
		      const struct timespec *snapshot,
		      char *const *inputs, size_t nr_inputs,
		      const char *const *outputs, const ino_t *out_inodes,
		      size_t nr_outputs, struct kh_error *err);

/*
 * kh_manifest_fresh() - true if the manifest at @path exists, has the same
 * @settings and @outputs, every input and output has the very stat it
 * recorded, and no input's mtime or ctime is at or after the snapshot time
 * (git's "racily clean" rule).  Otherwise false, with the first reason in
 * @why (@why_size bytes).
 */
bool kh_manifest_fresh(const char *path, const char *settings,
		       const char *const *outputs, size_t nr_outputs,
		       char *why, size_t why_size);

#endif /* KH_MANIFEST_H */
