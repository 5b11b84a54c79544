/* SPDX-License-Identifier: GPL-2.0 */
/*
 * textdiff.h - line diff of two texts in memory (Myers' O(ND) algorithm,
 * linear-space variant) and its output as unified ("diff -u") hunks.
 */
#ifndef KH_TEXTDIFF_H
#define KH_TEXTDIFF_H

#include "kheaders.h"

/*
 * kh_textdiff_unified() - append to @out the unified diff that turns @a
 * into @b: "--- @aname", "+++ @bname", then hunks with @context lines of
 * context ("\ No newline at end of file" where a last line lacks one).
 * Appends nothing when the texts are equal.  Lines are split at '\n' only.
 * Return: 0 or -ENOMEM.
 */
int kh_textdiff_unified(const char *a, size_t alen, const char *b, size_t blen,
			const char *aname, const char *bname,
			unsigned int context, struct kh_buf *out);

#endif /* KH_TEXTDIFF_H */
