// SPDX-License-Identifier: GPL-2.0
/*
 * test_verify.c - rebuild and compare (verify.c): identical, different
 * entries, and only the compression differing.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <lzma.h>

#include "kheaders.h"
#include "fixture.h"
#include "xzread.h"

Test(verify, the_same_build_is_identical)
{
	struct kh_verify_result res;
	struct kh_build_opts o;
	struct kh_error err;
	struct kh_buf xz;
	int64_t mtime;

	fix_opts(&o);
	fix_build(&o, &xz);
	cr_assert_eq(kh_archive_mtime(xz.data, xz.len, &mtime, &err), 0);
	cr_assert_eq(mtime, o.mtime);
	kh_verify_result_init(&res);
	cr_assert_eq(kh_verify(&o, xz.data, xz.len, &res, &err), 0, "%s",
		     err.msg);
	cr_assert(res.identical);
	cr_assert_str_eq(res.sha_built, res.sha_input);
	kh_verify_result_release(&res);
	kh_buf_release(&xz);
}

Test(verify, another_mtime_differs_entry_by_entry)
{
	struct kh_verify_result res;
	struct kh_build_opts o;
	struct kh_error err;
	struct kh_buf xz;

	fix_opts(&o);
	fix_build(&o, &xz);
	o.mtime += 60;
	kh_verify_result_init(&res);
	cr_assert_eq(kh_verify(&o, xz.data, xz.len, &res, &err), 0, "%s",
		     err.msg);
	cr_assert_not(res.identical);
	cr_assert_not(res.diff.tar_identical);
	cr_assert_gt(res.diff.changed, 0);
	cr_assert_eq(res.diff.only_a + res.diff.only_b, 0);
	kh_verify_result_release(&res);
	kh_buf_release(&xz);
}

Test(verify, recompressed_archive_differs_only_in_compression)
{
	struct kh_verify_result res;
	struct kh_build_opts o;
	struct kh_error err;
	struct kh_buf xz, tar;
	uint8_t *again;
	size_t pos = 0, cap;

	fix_opts(&o);
	fix_build(&o, &xz);
	kh_buf_init(&tar);
	cr_assert_eq(kh_xz_decode(xz.data, xz.len, UINT64_MAX, &tar, SIZE_MAX,
				  NULL, NULL, &err), 0);
	cap = tar.len + 65536;
	again = malloc(cap);
	cr_assert_eq(lzma_easy_buffer_encode(0, LZMA_CHECK_CRC32, NULL,
					     tar.data, tar.len, again, &pos,
					     cap), LZMA_OK);
	kh_verify_result_init(&res);
	cr_assert_eq(kh_verify(&o, again, pos, &res, &err), 0, "%s", err.msg);
	cr_assert_not(res.identical);
	cr_assert(res.diff.tar_identical);
	cr_assert(kh_diff_equal(&res.diff));
	kh_verify_result_release(&res);
	free(again);
	kh_buf_release(&tar);
	kh_buf_release(&xz);
}

Test(verify, a_corrupt_input_is_an_error)
{
	struct kh_verify_result res;
	struct kh_build_opts o;
	struct kh_error err;
	struct kh_buf xz;

	fix_opts(&o);
	fix_build(&o, &xz);
	kh_verify_result_init(&res);
	cr_assert_lt(kh_verify(&o, xz.data, xz.len / 2, &res, &err), 0);
	cr_assert(strstr(err.msg, "'input'"), "%s", err.msg);
	kh_verify_result_release(&res);
	kh_buf_release(&xz);
}
