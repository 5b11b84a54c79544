// SPDX-License-Identifier: GPL-2.0
/*
 * test_build.c - the build pipeline (build.c) on the fixture trees: what
 * the result holds, and the bytes that must not depend on threads.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kheaders.h"
#include "build.h"
#include "collect.h"
#include "fixture.h"

static bool has(char *const *v, size_t n, const char *suffix)
{
	size_t i, l = strlen(suffix);

	for (i = 0; i < n; i++)
		if (strlen(v[i]) >= l && !strcmp(v[i] + strlen(v[i]) - l, suffix))
			return true;
	return false;
}

Test(build, result_counts_deps_and_one_xz_stream)
{
	struct kh_build_opts o;
	struct kh_build_result res;
	struct kh_error err;

	fix_opts(&o);
	cr_assert_eq(kh_build(&o, &res, &err), 0, "%s", err.msg);
	cr_assert_gt(res.nr_files, 2);
	cr_assert_gt(res.nr_dirs, 2);
	cr_assert_geq(res.nr_blocks, 1);
	cr_assert_gt(res.tar_size, res.xz.len);
	cr_assert(!memcmp(res.xz.data, "\xfd" "7zXZ", 6));
	cr_assert(has(res.deps, res.nr_deps, "/include/linux/kconfig.h"));
	cr_assert(has(res.deps, res.nr_deps, "/include/generated/autoconf.h"));
	kh_build_result_release(&res);
}

Test(build, threads_never_change_the_bytes)
{
	struct kh_build_opts o;
	struct kh_buf one, four;

	fix_opts(&o);
	fix_build(&o, &one);
	o.threads = 4;
	o.block_entries = 2;	/* many blocks for the workers */
	fix_build(&o, &four);
	o.threads = 1;
	kh_buf_release(&one);
	fix_build(&o, &one);
	cr_assert_eq(one.len, four.len);
	cr_assert(!memcmp(one.data, four.data, one.len));
	kh_buf_release(&one);
	kh_buf_release(&four);
}

Test(build, options_that_shape_bytes_change_them)
{
	struct kh_build_opts o;
	struct kh_buf a, b;

	fix_opts(&o);
	fix_build(&o, &a);
	o.mtime++;
	fix_build(&o, &b);
	cr_assert(a.len != b.len || memcmp(a.data, b.data, a.len));
	kh_buf_release(&b);
	o.mtime--;
	o.strip_mode = KH_STRIP_NONE;
	fix_build(&o, &b);
	cr_assert_gt(b.len, 0);
	cr_assert(a.len != b.len || memcmp(a.data, b.data, a.len));
	kh_buf_release(&a);
	kh_buf_release(&b);
}

Test(build, missing_tree_names_it)
{
	struct kh_build_opts o;
	struct kh_build_result res;
	struct kh_error err;

	fix_opts(&o);
	o.srctree = "/nonexistent/kh-src";
	cr_assert_lt(kh_build(&o, &res, &err), 0);
	cr_assert(strstr(err.msg, "/nonexistent/kh-src"), "%s", err.msg);
}

Test(build, settings_name_what_decides_the_bytes)
{
	struct kh_build_opts o;
	char *s, comp[256];

	fix_opts(&o);
	s = kh_build_settings(&o);
	cr_assert_not_null(s);
	cr_assert(strstr(s, "strip=compact"), "%s", s);
	cr_assert(strstr(s, "mtime=1767225600"), "%s", s);
	kh_build_compression(comp, sizeof(comp));
	cr_assert(strstr(s, "xz=lzma2:"), "%s", s);
	cr_assert(!strncmp(comp, "lzma2:", 6), "%s", comp);
	free(s);
}

Test(build, watch_paths_are_the_walked_roots)
{
	struct kh_build_opts o;
	char **v;
	size_t n;

	fix_opts(&o);
	cr_assert_eq(kh_build_watch_paths(&o, &v, &n), 0);
	cr_assert(has(v, n, FIX_SRC "/include"));
	cr_assert(has(v, n, FIX_SRC "/arch/x86/include"));
	cr_assert(has(v, n, FIX_OBJ "/include/generated"));
	cr_assert(has(v, n, FIX_OBJ "/arch/x86/include/generated/uapi"));
	kh_build_watch_paths_free(v, n);
	o.profile = KH_PROFILE_UAPI;
	cr_assert_eq(kh_build_watch_paths(&o, &v, &n), 0);
	cr_assert(has(v, n, FIX_SRC "/include/uapi"));
	cr_assert_not(has(v, n, FIX_SRC "/include"));
	kh_build_watch_paths_free(v, n);
	o.srclist = o.objlist = "list";
	cr_assert_eq(kh_build_watch_paths(&o, &v, &n), 0);
	cr_assert_eq(n, 0, "hermetic builds walk nothing");
	kh_build_watch_paths_free(v, n);
}
