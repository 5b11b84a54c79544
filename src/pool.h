/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pool.h - the one worker pool: the build's read-and-strip stage and the
 * xz block encoder hand out work items from a shared counter to a few
 * threads, the caller's among them.  Which thread does what never changes
 * a byte of the output: results go to per-item slots.
 */
#ifndef KH_POOL_H
#define KH_POOL_H

#include <stddef.h>

#define KH_POOL_MAX_THREADS 64

/*
 * kh_pool_run() - call @fn(@ctx, i) once for every i in [0, @nr), taken in
 * increasing order by up to @threads threads (capped at
 * KH_POOL_MAX_THREADS and at @nr; the calling thread is one of them).
 * A non-zero return from @fn stops the hand-out: items already taken
 * finish, no new one starts.  A thread that cannot be started leaves its
 * share to the others.
 * Return: the number of threads that ran.
 */
unsigned int kh_pool_run(unsigned int threads, size_t nr,
			 int (*fn)(void *ctx, size_t i), void *ctx);

/* kh_online_cpus() - usable CPUs, at least 1. */
unsigned int kh_online_cpus(void);

#endif /* KH_POOL_H */
