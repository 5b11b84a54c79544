// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_image.c - any bytes as the "vmlinux" given to `kheaders extract`:
 * the whole search (ELF symbols, markers, every compressed stream, xz
 * scan).  Invariants: success or a message; what is found is a complete
 * xz stream that lies in the input or in something decoded from it.
 */
#include <assert.h>
#include <string.h>

#include "kheaders.h"
#include "xzread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kh_extract_opts eo = { .data = data, .len = size,
				      .name = "fuzz-image" };
	static struct kh_error err;
	struct kh_extract_info info;
	struct kh_buf out;
	int ret;

	kh_buf_init(&out);
	err.msg[0] = '\0';
	ret = kh_extract(&eo, &out, &info, &err);
	if (ret) {
		assert(ret < 0 && err.msg[0]);
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
