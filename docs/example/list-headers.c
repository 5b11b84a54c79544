// SPDX-License-Identifier: GPL-2.0
/*
 * list-headers.c - print the header file names in the kernel's headers
 * archive, using the installed libkheaders: /sys/kernel/kheaders.tar.xz by
 * default, or any input kheaders understands (a tar.xz, a vmlinux or
 * module, '-' for standard input).
 *
 * Build: cc list-headers.c $(pkg-config --cflags --libs kheaders)
 *    or: cc list-headers.c $(pkg-config --static --cflags --libs kheaders) -static
 */
#include <stdio.h>
#include <string.h>

#include <kheaders.h>

static int print_header(const struct kh_entry *e, void *ctx)
{
	size_t len = strlen(e->name), *count = ctx;

	if (e->type != KH_ENTRY_FILE || len < 2 || strcmp(e->name + len - 2, ".h"))
		return 0;
	(*count)++;
	return puts(e->name) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	const char *input = argc > 1 ? argv[1] : "/sys/kernel/kheaders.tar.xz";
	struct kh_extract_opts eo = { .path = input };
	struct kh_error err;
	struct kh_buf xz;
	size_t count = 0;
	int ret;

	kh_buf_init(&xz);
	ret = kh_extract(&eo, &xz, NULL, &err);
	if (!ret)
		ret = kh_archive_foreach(xz.data, xz.len, input, print_header,
					 &count, &err);
	kh_buf_release(&xz);
	if (ret) {
		fprintf(stderr, "list-headers: %s\n",
			ret == -1 ? "cannot write output" : err.msg);
		return 1;
	}
	fprintf(stderr, "list-headers: %zu headers in '%s'\n", count, input);
	return 0;
}
