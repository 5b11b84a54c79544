/* SPDX-License-Identifier: GPL-2.0 */
/*
 * diff.h - helpers of the header-set comparison that the command line
 * shares with the library (the API itself is in kheaders.h).
 */
#ifndef KH_DIFF_H
#define KH_DIFF_H

#include "kheaders.h"

/*
 * kh_diff_describe() - append what changed in @item, e.g. "content, mode"
 * or "mtime only"; nothing for entries on one side only.
 */
int kh_diff_describe(const struct kh_diff_item *item, struct kh_buf *out);

#endif /* KH_DIFF_H */
