// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_timestamp.c - any bytes as a --timestamp / KBUILD_BUILD_TIMESTAMP
 * value.  Invariants: no crash or undefined behaviour; the parse is
 * deterministic; a failure fills the message; "@N" round-trips.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kheaders.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kh_error err;
	char *s = malloc(size + 1);
	char again[32];
	int64_t t1 = 0, t2 = 0, t3 = 0;
	int r1, r2;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	err.msg[0] = '\0';
	r1 = kh_timestamp_parse(s, &t1, &err);
	r2 = kh_timestamp_parse(s, &t2, NULL);
	assert(r1 == r2);
	if (r1) {
		assert(r1 == -EINVAL && err.msg[0]);
	} else {
		assert(t1 == t2);
		snprintf(again, sizeof(again), "@%" PRId64, t1);
		assert(!kh_timestamp_parse(again, &t3, NULL) && t3 == t1);
	}
	free(s);
	return 0;
}
