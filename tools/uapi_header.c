// SPDX-License-Identifier: GPL-2.0
/*
 * uapi_header.c - one header through kh_uapi_header(), for the tests that
 * hold the transform against the kernel's own scripts/headers_install.sh:
 *	uapi_header VERSION_CODE PATH OUT
 * reads PATH, writes OUT (nothing on failure), exit 0, or 1 with the
 * message on standard error.  Built by the tests against libkheaders.
 */
#include <stdio.h>
#include <stdlib.h>

#include <kheaders.h>

int main(int argc, char **argv)
{
	struct kh_buf in, out;
	struct kh_error err;
	FILE *f;

	if (argc != 4) {
		fprintf(stderr, "usage: uapi_header VERSION_CODE PATH OUT\n");
		return 2;
	}
	kh_buf_init(&in);
	kh_buf_init(&out);
	if (kh_read_file(argv[2], 64 << 20, &in, &err) ||
	    kh_uapi_header(strtoul(argv[1], NULL, 0), argv[2], in.data, in.len,
			   &out, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	f = fopen(argv[3], "wb");
	if (!f || fwrite(out.data, 1, out.len, f) != out.len || fclose(f)) {
		perror(argv[3]);
		return 1;
	}
	kh_buf_release(&in);
	kh_buf_release(&out);
	return 0;
}
