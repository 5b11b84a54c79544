// SPDX-License-Identifier: GPL-2.0
/*
 * test_pool.c - the one worker pool: every item once, a failure stops the
 * hand-out, thread counts are capped.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "kheaders.h"
#include "pool.h"
#include "util.h"

struct count {
	unsigned int seen[1000];
	size_t fail_at;
};

static int count_item(void *ctx, size_t i)
{
	struct count *c = ctx;

	__atomic_fetch_add(&c->seen[i], 1, __ATOMIC_RELAXED);
	return i == c->fail_at;
}

Test(pool, every_item_exactly_once_whatever_the_threads)
{
	static const unsigned int threads[] = { 0, 1, 2, 7, 1000 };
	struct count c;
	size_t t, i;

	for (t = 0; t < ARRAY_SIZE(threads); t++) {
		memset(&c, 0, sizeof(c));
		c.fail_at = SIZE_MAX;
		kh_pool_run(threads[t], 1000, count_item, &c);
		for (i = 0; i < 1000; i++)
			cr_assert_eq(c.seen[i], 1, "item %zu, %u threads", i,
				     threads[t]);
	}
}

Test(pool, threads_are_capped_by_items_and_the_limit)
{
	struct count c = { .fail_at = SIZE_MAX };

	cr_assert_leq(kh_pool_run(8, 3, count_item, &c), 3);
	cr_assert_leq(kh_pool_run(1000, 1000, count_item, &c),
		      KH_POOL_MAX_THREADS);
	cr_assert_eq(kh_pool_run(4, 0, count_item, &c), 1,
		     "the caller alone, no work");
}

Test(pool, a_failure_stops_the_hand_out)
{
	struct count c;
	size_t i, done = 0;

	memset(&c, 0, sizeof(c));
	c.fail_at = 10;
	kh_pool_run(1, 1000, count_item, &c);
	for (i = 0; i < 1000; i++)
		done += c.seen[i];
	cr_assert_eq(done, 11, "one thread stops right after item 10");
	memset(&c, 0, sizeof(c));
	c.fail_at = 10;
	kh_pool_run(4, 1000, count_item, &c);
	for (i = 0; i < 1000; i++)
		cr_assert_leq(c.seen[i], 1, "item %zu taken twice", i);
	cr_assert_eq(c.seen[10], 1);
}
