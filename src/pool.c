// SPDX-License-Identifier: GPL-2.0
/*
 * pool.c - the one worker pool (see pool.h): threads pull item indices
 * from an atomic counter until the items run out or one fails.
 */
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "pool.h"

struct pool {
	int (*fn)(void *ctx, size_t i);
	void *ctx;
	size_t nr;
	size_t next;		/* atomic */
	int stop;		/* atomic */
};

static void *pool_worker(void *arg)
{
	struct pool *p = arg;
	size_t i;

	while (!__atomic_load_n(&p->stop, __ATOMIC_SEQ_CST)) {
		i = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED);
		if (i >= p->nr)
			break;
		if (p->fn(p->ctx, i))
			__atomic_store_n(&p->stop, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

unsigned int kh_pool_run(unsigned int threads, size_t nr,
			 int (*fn)(void *ctx, size_t i), void *ctx)
{
	struct pool p = { .fn = fn, .ctx = ctx, .nr = nr };
	unsigned int i, started = 0;
	pthread_t *tid = NULL;

	if (threads > KH_POOL_MAX_THREADS)
		threads = KH_POOL_MAX_THREADS;
	if (threads > nr)
		threads = nr;
	if (threads > 1)
		tid = calloc(threads - 1, sizeof(*tid));
	for (i = 1; tid && i < threads; i++)
		if (!pthread_create(&tid[started], NULL, pool_worker, &p))
			started++;
	pool_worker(&p);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	free(tid);
	return started + 1;
}

unsigned int kh_online_cpus(void)
{
	cpu_set_t set;
	long n;

	if (!sched_getaffinity(0, sizeof(set), &set) && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? n : 1;
}
