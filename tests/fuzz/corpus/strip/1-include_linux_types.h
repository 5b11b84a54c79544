/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FIXTURE_TYPES_H
#define _FIXTURE_TYPES_H
#include <uapi/linux/types.h>	/* the user-visible part */

/*
 * A multi-line comment that the stripper removes,
 * keeping the line numbers below.
 */
typedef unsigned long fixture_size_t;

#define FIXTURE_STR "/* not a comment */"	// a line comment /* kept
#define FIXTURE_MAX(a, b) /* inside a directive
				   spanning lines */ ((a) > (b) ? (a) : (b))
#endif /* _FIXTURE_TYPES_H */
