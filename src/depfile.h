/* SPDX-License-Identifier: GPL-2.0 */
/*
 * depfile.h - make-syntax dependency files: the target, every input, and a
 * phony rule per input so that a deleted header does not break make.
 */
#ifndef KH_DEPFILE_H
#define KH_DEPFILE_H

#include "kheaders.h"

/*
 * kh_depfile_escape() - append @path escaped for a make rule to @out:
 * space and tab as "\ " (backslashes before them doubled), '#' as "\#",
 * ':' as "\:", '$' as "$$".  Return: 0, -EINVAL for a newline (make
 * cannot name such a file), -ENOMEM.
 */
int kh_depfile_escape(struct kh_buf *out, const char *path);

/**
 * kh_depfile_format() - append a make depfile to @out: the target, every
 * input, and a phony rule per input so that a deleted header does not
 * break make.
 * @out: receives the text
 * @target: the rule's target
 * @deps: the inputs (kh_build_result.deps)
 * @nr: their number
 * @err: filled on failure
 *
 * Return: 0, -EINVAL for a path make cannot name (a newline), -ENOMEM.
 */
int kh_depfile_format(struct kh_buf *out, const char *target,
		      char *const *deps, size_t nr, struct kh_error *err);

#endif /* KH_DEPFILE_H */
