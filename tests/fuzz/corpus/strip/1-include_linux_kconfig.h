/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FIXTURE_KCONFIG_H
#define _FIXTURE_KCONFIG_H

#include <generated/autoconf.h>

/* IS_ENABLED(): true if the option is y or m (fixture version). */
#define IS_ENABLED(option) (option + 0)

#endif
