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

/* kh_depfile_format() is public (kheaders.h). */

#endif /* KH_DEPFILE_H */
