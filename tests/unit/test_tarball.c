// SPDX-License-Identifier: GPL-2.0
/*
 * test_tarball.c - the tar writer (tarball.c): ustar headers busybox can
 * read, fixed owners, modes and mtime, offsets at entry headers, pax only
 * for names ustar cannot hold.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kheaders.h"
#include "tarball.h"

static const struct kh_tar_entry three[] = {
	{ .name = "./", .type = KH_TAR_DIR },
	{ .name = "./include/", .type = KH_TAR_DIR },
	{ .name = "./include/a.h", .type = KH_TAR_FILE, .data = "#define A\n",
	  .size = 10 },
	{ .name = "./include/b.h", .type = KH_TAR_SYMLINK, .link = "a.h" },
};

static unsigned long octal(const uint8_t *p, size_t n)
{
	char s[16];

	memcpy(s, p, n);
	s[n] = '\0';
	return strtoul(s, NULL, 8);
}

Test(tarball, ustar_headers_with_fixed_metadata_and_offsets)
{
	size_t off[5], i;
	struct kh_error err;
	struct kh_buf tar;
	const uint8_t *h;

	kh_buf_init(&tar);
	cr_assert_eq(kh_tar_write(three, 4, 1767225600, &tar, off, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(off[0], 0);
	cr_assert_eq(tar.len % 512, 0);
	for (i = 0; i < 4; i++) {
		h = tar.data + off[i];
		cr_assert(!memcmp(h + 257, "ustar", 5), "entry %zu is ustar", i);
		cr_assert_str_eq((const char *)h, three[i].name);
		cr_assert_eq(octal(h + 108, 7), 0, "uid 0");
		cr_assert_eq(octal(h + 116, 7), 0, "gid 0");
		cr_assert_eq(h[265], 0, "no user name");
		cr_assert_eq(octal(h + 136, 11), 1767225600);
	}
	cr_assert_eq(octal(tar.data + off[1] + 100, 7), 0755);
	cr_assert_eq(octal(tar.data + off[2] + 100, 7), 0644);
	cr_assert_eq(octal(tar.data + off[3] + 100, 7), 0777);
	cr_assert(!memcmp(tar.data + off[2] + 512, "#define A\n", 10));
	cr_assert_str_eq((const char *)tar.data + off[3] + 157, "a.h");
	cr_assert_eq(off[4] + 1024, tar.len, "end-of-archive marker last");
	kh_buf_release(&tar);
}

Test(tarball, same_entries_same_bytes)
{
	struct kh_buf a, b;
	struct kh_error err;

	kh_buf_init(&a);
	kh_buf_init(&b);
	cr_assert_eq(kh_tar_write(three, 4, 1, &a, NULL, &err), 0);
	cr_assert_eq(kh_tar_write(three, 4, 1, &b, NULL, &err), 0);
	cr_assert_eq(a.len, b.len);
	cr_assert(!memcmp(a.data, b.data, a.len));
	kh_buf_release(&a);
	kh_buf_release(&b);
}

static int count_entry(const struct kh_entry *e, void *ctx)
{
	size_t *n = ctx;

	if (*n == 1)
		cr_assert_eq(strlen(e->name), 220);
	(*n)++;
	return 0;
}

Test(tarball, long_names_get_a_pax_header_and_read_back)
{
	struct kh_tar_entry e[2] = {
		{ .name = "./", .type = KH_TAR_DIR },
		{ .type = KH_TAR_FILE, .data = "x", .size = 1 },
	};
	char name[221];
	struct kh_error err;
	struct kh_buf tar;
	size_t n = 0;

	memset(name, 'n', 220);
	memcpy(name, "./", 2);
	name[220] = '\0';
	e[1].name = name;
	kh_buf_init(&tar);
	cr_assert_eq(kh_tar_write(e, 2, 1, &tar, NULL, &err), 0);
	cr_assert_eq(kh_archive_foreach(tar.data, tar.len, "t.tar",
					count_entry, &n, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(n, 2);
	kh_buf_release(&tar);
}
