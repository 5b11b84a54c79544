// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_image.c - any bytes as the "vmlinux" given to `kheaders extract`:
 * the whole search (ELF symbols, markers, every compressed stream, xz
 * scan).  Invariants: success or a message; what is found is a complete
 * xz stream that lies in the input or in something decoded from it.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "kheaders.h"
#include "xzread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The search budget: small, so that bombs cost little (FUZZ_FAST: tiny). */
#ifdef KH_FUZZ_FAST
#define FUZZ_MAX_DECODED (16u << 20)
#else
#define FUZZ_MAX_DECODED (128u << 20)
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kh_extract_opts eo = { .data = data, .len = size,
				      .name = "fuzz-image",
				      .max_decoded = FUZZ_MAX_DECODED };
	static struct kh_error err;
	struct kh_extract_info info;
	struct kh_buf out;
	int ret;

	kh_buf_init(&out);
	err.msg[0] = '\0';
	ret = kh_extract(&eo, &out, &info, &err);
	if (ret) {
		assert(ret < 0 && err.msg[0]);
		/* a budget that ran out is named, never "nothing found" */
		assert(ret != -EFBIG || strstr(err.msg, "gave up searching"));
	} else {
		assert(out.len >= 32 && kh_xz_magic_at(out.data, out.len));
		assert(info.size == out.len);
		if (!info.container)
			assert(info.offset + info.size <= size &&
			       !memcmp(data + info.offset, out.data, out.len));
	}
	kh_buf_release(&out);
	return 0;
}
