// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_diff.c - two archives as `kheaders diff --unified` gets them: the
 * first two bytes say where A ends (15 bits) and, in the top bit, whether
 * the harness compresses the two tars after them with xz or passes them
 * plain (the reader takes both; mutations reach the tar reader, the entry
 * table, the hashing and the line diff).  Invariants: success or a message; A
 * against itself is equal; A against B counts every entry of the result
 * once; the unified patch names no entry that is absolute or has a ".."
 * component.
 */
#include <assert.h>
#include <stdbool.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>

#include "kheaders.h"
#include "fuzz_xz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* No header line of the patch may name a path patch(1) would leave by. */
static int on_patch(size_t idx, const char *text, size_t len, void *ctx)
{
	const char *p = text, *end, *nl;
	size_t n;

	(void)idx;
	(void)ctx;
	if (!text)	/* an entry without a patch (kheaders.h) */
		return 0;
	for (end = text + len; p < end; p = nl + 1) {
		nl = memchr(p, '\n', end - p);
		if (!nl)
			nl = end;
		n = nl - p;
		if (n < 6 || (memcmp(p, "--- ", 4) && memcmp(p, "+++ ", 4)))
			continue;
		assert(!memmem(p, n, "/../", 4) && !memmem(p, n, "a//", 3) &&
		       !memmem(p, n, "b//", 3));
	}
	return 0;
}

static void check_result(const struct kh_diff_result *res)
{
	size_t i, n[3] = { 0 };

	for (i = 0; i < res->nr_items; i++)
		n[res->items[i].kind == KH_DIFF_ONLY_A ? 0 :
		  res->items[i].kind == KH_DIFF_ONLY_B ? 1 : 2]++;
	assert(n[0] == res->only_a && n[1] == res->only_b &&
	       n[2] == res->changed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kh_error err;
	struct kh_diff_opts opts = { .max_total = 16u << 20 };
	struct kh_headers_src a = { .name = "A" }, b = { .name = "B" };
	struct kh_diff_result res;
	uint8_t *xa, *xb;
	size_t split, la, lb;
	bool xz;
	int ret;

	if (size < 2)
		return 0;
	xz = data[0] & 0x80;
	split = (size_t)(data[0] & 0x7f) << 8 | data[1];
	data += 2;
	size -= 2;
	if (split > size)
		split = size;
	if (xz) {
		xa = fuzz_xz_compress(data, split, &la);
		xb = fuzz_xz_compress(data + split, size - split, &lb);
	} else {	/* the tar reader takes plain tars too: faster */
		xa = NULL;
		xb = NULL;
		la = split;
		lb = size - split;
	}
	a.xz = xa ? xa : data;
	a.len = la;
	b.xz = xb ? xb : data + split;
	b.len = lb;
	kh_diff_result_init(&res);
	err.msg[0] = '\0';
	ret = kh_diff(&a, &a, &opts, &res, &err);
	if (ret) {
		assert(ret < 0 && err.msg[0]);
		goto out;
	}
	assert(kh_diff_equal(&res));
	ret = kh_diff(&a, &b, &opts, &res, &err);
	if (ret) {
		assert(ret < 0 && err.msg[0]);
		goto out;
	}
	check_result(&res);
	ret = kh_diff_unified(&a, &b, &res, &opts, on_patch, NULL, &err);
	assert(!ret || (ret < 0 && err.msg[0]));
out:
	kh_diff_result_release(&res);
	free(xa);
	free(xb);
	return 0;
}
