/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unpack.h - the lexical checks behind kh_unpack_to_dir() (declared in
 * kheaders.h), exposed for the unit tests.
 */
#ifndef KH_UNPACK_H
#define KH_UNPACK_H

#include <stdbool.h>

#include "kheaders.h"

/*
 * The path checks kh_unpack_to_dir() rests on (kh_path_split(),
 * kh_link_target_inside()) are in path.h.
 */
#include "path.h"

#endif /* KH_UNPACK_H */
