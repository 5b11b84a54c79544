// SPDX-License-Identifier: GPL-2.0
/*
 * test_util.c - ARRAY_SIZE and ALLOC_GROW (util.h).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "kheaders.h"
#include "util.h"

Test(util, array_size)
{
	static const int v[7];
	char s[] = "abc";

	cr_assert_eq(ARRAY_SIZE(v), 7);
	cr_assert_eq(ARRAY_SIZE(s), 4);
}

Test(util, alloc_grow_keeps_contents_and_grows_geometrically)
{
	size_t nr = 0, alloc = 0, grows = 0, last = 0, i;
	int *v = NULL;

	for (i = 0; i < 100000; i++) {
		cr_assert_eq(ALLOC_GROW(v, nr + 1, alloc), 0);
		cr_assert_geq(alloc, nr + 1);
		if (alloc != last)
			grows++;
		last = alloc;
		v[nr++] = (int)i;
	}
	for (i = 0; i < nr; i++)
		cr_assert_eq(v[i], (int)i);
	cr_assert_lt(grows, 40, "%zu reallocations", grows);
	free(v);
}

Test(util, alloc_grow_refuses_overflow)
{
	size_t alloc = 0;
	uint64_t *v = NULL;

	cr_assert_eq(ALLOC_GROW(v, SIZE_MAX / 4, alloc), -ENOMEM);
	cr_assert_null(v);
	cr_assert_eq(alloc, 0);
}
