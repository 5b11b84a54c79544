// SPDX-License-Identifier: GPL-2.0
/*
 * util.c - array growth for ALLOC_GROW() (util.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "util.h"

int kh_alloc_grow(void **v, size_t elem, size_t nr, size_t *alloc)
{
	size_t want;
	void *p;

	if (nr <= *alloc)
		return 0;
	want = *alloc < SIZE_MAX / 3 - 16 ? (*alloc + 16) * 3 / 2 : nr;
	if (want < nr)
		want = nr;
	if (!elem || want > SIZE_MAX / elem)
		return -ENOMEM;
	p = realloc(*v, want * elem);
	if (!p)
		return -ENOMEM;
	*v = p;
	*alloc = want;
	return 0;
}
