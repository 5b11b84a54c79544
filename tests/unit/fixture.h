/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fixture.h - build options for the small kernel trees in tests/fixtures
 * (the unit tests run from tests/unit).
 */
#ifndef KH_TEST_FIXTURE_H
#define KH_TEST_FIXTURE_H

#include <criterion/criterion.h>

#include "kheaders.h"

#define FIX_SRC "../fixtures/linux"
#define FIX_OBJ "../fixtures/linux-obj"

static inline void fix_opts(struct kh_build_opts *o)
{
	kh_build_opts_init(o);
	o->srctree = FIX_SRC;
	o->objtree = FIX_OBJ;
	o->arch = "x86";
	o->mtime = 1767225600;
	o->threads = 1;
}

/* fix_build() - the fixture archive, built with @o (fix_opts() + edits). */
static inline void fix_build(const struct kh_build_opts *o, struct kh_buf *xz)
{
	struct kh_build_result res;
	struct kh_error err;

	cr_assert_eq(kh_build(o, &res, &err), 0, "%s", err.msg);
	*xz = res.xz;
	kh_buf_init(&res.xz);
	kh_build_result_release(&res);
}

#endif /* KH_TEST_FIXTURE_H */
