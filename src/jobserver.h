/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jobserver.h - GNU make jobserver client (declared in kheaders.h, which
 * the library's users see): acquire tokens without blocking, give back
 * exactly what was taken.
 */
#ifndef KH_JOBSERVER_H
#define KH_JOBSERVER_H

#include "kheaders.h"

#endif /* KH_JOBSERVER_H */
