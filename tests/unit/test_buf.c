// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kheaders.h"
#include "error.h"

Test(buf, append_grows_and_keeps_bytes)
{
	struct kh_buf b;
	int i;

	kh_buf_init(&b);
	for (i = 0; i < 10000; i++)
		cr_assert_eq(kh_buf_append(&b, "abc", 3), 0);
	cr_assert_eq(b.len, 30000);
	cr_assert(!memcmp(b.data + 29997, "abc", 3));
	kh_buf_release(&b);
	cr_assert_null(b.data);
}

Test(error, sys_message_has_strerror)
{
	struct kh_error e;

	cr_assert_eq(kh_err_sys(&e, ENOENT, "cannot open '%s'", "x.h"), -ENOENT);
	cr_assert_str_eq(e.msg, "cannot open 'x.h': No such file or directory");
	kh_err_prefix(&e, "build");
	cr_assert_str_eq(e.msg, "build: cannot open 'x.h': No such file or directory");
}

Test(fileio, atomic_write_replaces_whole_file)
{
	char dir[] = "/tmp/kh-unit.XXXXXX", path[64], tmpl[80];
	struct kh_buf b;
	struct kh_error e;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out", dir);
	cr_assert_eq(kh_write_file_atomic(path, "old", 3, &e), 0);
	cr_assert_eq(kh_write_file_atomic(path, "newer", 5, &e), 0);
	kh_buf_init(&b);
	cr_assert_eq(kh_read_file(path, 100, &b, &e), 0);
	cr_assert_eq(b.len, 5);
	cr_assert(!memcmp(b.data, "newer", 5));
	kh_buf_release(&b);
	snprintf(tmpl, sizeof(tmpl), "rm -rf %s", dir);
	cr_assert_eq(system(tmpl), 0);
}

Test(fileio, read_refuses_over_limit)
{
	struct kh_buf b;
	struct kh_error e;

	kh_buf_init(&b);
	cr_assert_eq(kh_read_file("/etc/passwd", 3, &b, &e), -EFBIG);
	cr_assert(strstr(e.msg, "/etc/passwd"));
	kh_buf_release(&b);
}

#include "digest.h"

Test(digest, sha256_known_answer)
{
	uint8_t d[KH_SHA256_LEN];
	char hex[KH_SHA256_HEX];

	cr_assert_eq(kh_sha256("abc", 3, d), 0);
	kh_hex(d, sizeof(d), hex);
	cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
