// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_uapi.c - any bytes as a header for the headers_install transform
 * (kh_uapi_header()); the first byte picks the generation (6.1, 6.12,
 * 7.2, or one kheaders does not know) and the path (whose end decides the
 * CONFIG leak exceptions).  Invariants: deterministic (a second run gives
 * the same result and bytes); a failure says why, names the path and
 * leaves the output buffer as it was (its earlier contents untouched);
 * an unknown generation always fails; the steps agree with the whole
 * (the sed step then unifdef gives the output whenever the header passes).
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kheaders.h"
#include "uapi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned int codes[] = {
	(6 << 16) + (1 << 8) + 192, (6 << 16) + (12 << 8) + 118,
	(7 << 16) + (2 << 8) + 13, (6 << 16) + (5 << 8),
};

static const char *const paths[] = {
	"tree/include/uapi/linux/fuzz.h",
	"tree/arch/x86/include/uapi/asm/auxvec.h",
	"tree/arch/arc/include/uapi/asm/page.h",
	"tree/include/uapi/linux/eventpoll.h",
};

/* kh_uapi_sed() then kh_uapi_unifdef(): the two text steps alone. */
static void check_steps(unsigned int code, const char *path, const char *in,
			size_t len, const struct kh_buf *whole)
{
	const struct kh_uapi_gen *gen = kh_uapi_gen_find(code);
	struct kh_buf mid, out;
	struct kh_error err;

	kh_buf_init(&mid);
	kh_buf_init(&out);
	assert(gen);
	assert(!kh_uapi_sed(gen, in, len, &mid));
	assert(!kh_uapi_unifdef(kh_buf_str(&mid), mid.len, path, &out, &err));
	assert(out.len == whole->len &&
	       !memcmp(kh_buf_str(&out), kh_buf_str(whole), out.len));
	kh_buf_release(&mid);
	kh_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kh_error err, err2;
	struct kh_buf out, out2;
	unsigned int code;
	const char *path;
	char *in;
	size_t len;
	int r1, r2;

	if (!size)
		return 0;
	code = codes[data[0] & 3];
	path = paths[(data[0] >> 2) & 3];
	len = size - 1;
	in = malloc(len ? len : 1);	/* exact size: ASan sees overruns */
	assert(in);
	memcpy(in, data + 1, len);
	kh_buf_init(&out);
	kh_buf_init(&out2);
	assert(!kh_buf_addstr(&out, "keep"));
	err.msg[0] = '\0';
	r1 = kh_uapi_header(code, path, in, len, &out, &err);
	r2 = kh_uapi_header(code, path, in, len, &out2, &err2);
	assert(r1 == r2);
	assert(!memcmp(in, data + 1, len));
	if (r1) {
		assert(r1 < 0 && err.msg[0] && !strcmp(err.msg, err2.msg));
		assert(out.len == 4 && !memcmp(out.data, "keep", 4));
		assert(r1 == -ENOMEM || (data[0] & 3) == 3 ||
		       strstr(err.msg, path));
	} else {
		assert((data[0] & 3) != 3);
		assert(out.len == out2.len + 4 &&
		       !memcmp(out.data + 4, kh_buf_str(&out2), out2.len));
		check_steps(code, path, in, len, &out2);
	}
	kh_buf_release(&out);
	kh_buf_release(&out2);
	free(in);
	return 0;
}
