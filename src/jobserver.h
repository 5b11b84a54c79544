/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jobserver.h - the token side of the make jobserver client: the build's
 * worker pool takes and gives back tokens itself, so a library user only
 * opens and closes the client (kheaders.h).
 */
#ifndef KH_JOBSERVER_H
#define KH_JOBSERVER_H

#include "kheaders.h"

/*
 * kh_jobserver_acquire() - take up to @want tokens without ever blocking.
 * Return: the number taken (the caller now holds kh_jobserver_held()).
 */
unsigned int kh_jobserver_acquire(struct kh_jobserver *js, unsigned int want);

/* kh_jobserver_held() - the tokens @js holds now (0 for NULL). */
unsigned int kh_jobserver_held(const struct kh_jobserver *js);

/* kh_jobserver_release() - give back every token held. */
void kh_jobserver_release(struct kh_jobserver *js);

#endif /* KH_JOBSERVER_H */
