/* SPDX-License-Identifier: GPL-2.0 */
/*
 * listing.h - what the list and diff code share inside the library: where
 * an entry's content comes from (an archive positioned on it, or a file of
 * a directory walk).
 */
#ifndef KH_LISTING_H
#define KH_LISTING_H

#include "kheaders.h"

struct archive;

/*
 * struct kh_entry_src - private part of struct kh_entry: an archive
 * positioned on the entry, or the file's path in a directory walk.
 */
struct kh_entry_src {
	struct archive *ar;
	const char *path;
	const char *label;
};

#endif /* KH_LISTING_H */
