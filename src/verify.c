// SPDX-License-Identifier: GPL-2.0
/*
 * verify.c - rebuild the archive from the trees, in memory, and compare it
 * with one found in an image: byte for byte first, then entry by entry so
 * that a difference is explained (and a compression-only difference is
 * named as such).
 */
#include <errno.h>
#include <string.h>

#include "digest.h"
#include "error.h"

void kh_verify_result_init(struct kh_verify_result *res)
{
	memset(res, 0, sizeof(*res));
	kh_buf_init(&res->built);
	kh_diff_result_init(&res->diff);
}

void kh_verify_result_release(struct kh_verify_result *res)
{
	kh_buf_release(&res->built);
	kh_diff_result_release(&res->diff);
	kh_verify_result_init(res);
}

static int sha_hex(const void *data, size_t len, char *hex,
		   struct kh_error *err)
{
	uint8_t d[KH_SHA256_LEN];

	if (kh_sha256(data, len, d))
		return kh_err_sys(err, ENOMEM, "cannot hash the archive");
	kh_hex(d, sizeof(d), hex);
	return 0;
}

int kh_verify(const struct kh_build_opts *opts, const void *xz, size_t len,
	      struct kh_verify_result *res, struct kh_error *err)
{
	struct kh_headers_src a = { .name = "rebuilt" };
	struct kh_headers_src b = { .name = "input", .xz = xz, .len = len };
	struct kh_build_result built;
	int ret;

	ret = kh_build(opts, &built, err);
	if (ret)
		return ret;
	/* Keep only the archive of the build result. */
	res->built = built.xz;
	kh_buf_init(&built.xz);
	kh_build_result_release(&built);
	ret = sha_hex(res->built.data, res->built.len, res->sha_built, err);
	if (!ret)
		ret = sha_hex(xz, len, res->sha_input, err);
	if (ret)
		return ret;
	res->identical = res->built.len == len &&
			 !memcmp(res->built.data, xz, len);
	if (res->identical)
		return 0;
	a.xz = res->built.data;
	a.len = res->built.len;
	return kh_diff(&a, &b, NULL, &res->diff, err);
}

struct first_mtime {
	int64_t mtime;
	bool found;
};

static int take_first_mtime(const struct kh_entry *e, void *ctx)
{
	struct first_mtime *fm = ctx;

	fm->mtime = e->mtime;
	fm->found = true;
	return 1;
}

int kh_archive_mtime(const void *xz, size_t len, int64_t *mtime,
		     struct kh_error *err)
{
	struct first_mtime fm = { 0, false };
	int ret;

	ret = kh_archive_foreach(xz, len, "input", take_first_mtime, &fm, err);
	if (ret < 0)
		return ret;
	if (!fm.found)
		return kh_err(err, ENOENT, "the input archive has no entries");
	*mtime = fm.mtime;
	return 0;
}
