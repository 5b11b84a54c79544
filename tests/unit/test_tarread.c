// SPDX-License-Identifier: GPL-2.0
/*
 * test_tarread.c - the one libarchive opener (tarread.c): tar.xz and
 * plain tar read the same; a damaged stream fails with the xz reader's
 * reason; the budget sees the decoded bytes.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "kheaders.h"
#include "mkarchive.h"
#include "tarread.h"

static const struct mk_entry ents[] = {
	MK_DIR("./"), MK_DIR("./include/"),
	MK_FILE("./include/a.h", "int a;\n"),
	MK_LINK("./include/l.h", "a.h"),
};

static size_t count(const void *data, size_t len, struct kh_xz_budget *b)
{
	struct archive_entry *ae;
	struct kh_tar_reader t;
	struct kh_error why;
	size_t n = 0;

	cr_assert_eq(kh_tar_open(&t, data, len, b, &why), 0, "%s", why.msg);
	while (archive_read_next_header(t.ar, &ae) == ARCHIVE_OK)
		n++;
	kh_tar_close(&t);
	return n;
}

Test(tarread, xz_and_plain_tar_read_alike)
{
	struct kh_xz_budget b = { 0 };
	struct kh_error err;
	struct kh_buf xz, tar;

	mk_archive(ents, 4, 1, &xz);
	kh_buf_init(&tar);
	cr_assert_eq(kh_xz_decode(xz.data, xz.len, UINT64_MAX, &tar, SIZE_MAX,
				  NULL, NULL, &err), 0);
	cr_assert_eq(count(xz.data, xz.len, &b), 4);
	cr_assert_eq(b.decoded, tar.len, "every decoded byte is counted");
	cr_assert_eq(count(tar.data, tar.len, NULL), 4);
	kh_buf_release(&xz);
	kh_buf_release(&tar);
}

Test(tarread, damaged_stream_gives_the_xz_reason)
{
	struct archive_entry *ae;
	struct kh_tar_reader t;
	struct kh_error why;
	struct kh_buf xz;
	int r;

	mk_archive(ents, 4, 1, &xz);
	/* libarchive reads ahead: the damage shows at open or later. */
	r = kh_tar_open(&t, xz.data, xz.len / 2, NULL, &why);
	if (!r) {
		while (archive_read_next_header(t.ar, &ae) == ARCHIVE_OK)
			;
		r = kh_tar_why(&t, &why);
	}
	cr_assert_eq(r, -EINVAL);
	cr_assert(strstr(why.msg, "truncated xz data"), "%s", why.msg);
	kh_tar_close(&t);
	kh_buf_release(&xz);
}
