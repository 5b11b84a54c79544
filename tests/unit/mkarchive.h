/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mkarchive.h - build small tar.xz archives in memory for the list and
 * diff unit tests (libarchive writer, ustar or pax, xz at a chosen preset).
 */
#ifndef KH_TEST_MKARCHIVE_H
#define KH_TEST_MKARCHIVE_H

#include <archive.h>
#include <archive_entry.h>
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "kheaders.h"

struct mk_entry {
	const char *name;
	char type;		/* 'f' file, 'd' dir, 'l' symlink, 'h' hardlink */
	const char *data;	/* content, or link target */
	unsigned int mode;
	long uid, gid;
	long long mtime;
	size_t len;		/* content length; 0: strlen(data) */
};

#define MK_FILE(n, d) { (n), 'f', (d), 0644, 0, 0, 1700000000, 0 }
#define MK_DIR(n) { (n), 'd', NULL, 0755, 0, 0, 1700000000, 0 }
#define MK_LINK(n, t) { (n), 'l', (t), 0777, 0, 0, 1700000000, 0 }

/* mk_archive() - @nr entries as a pax tar, xz preset @level, into @out. */
static inline void mk_archive(const struct mk_entry *e, size_t nr, int level,
			      struct kh_buf *out)
{
	size_t cap = 1 << 20, used = 0, i, len;
	struct archive *a = archive_write_new();
	struct archive_entry *ae;
	char opt[32];

	kh_buf_init(out);
	cr_assert_eq(kh_buf_reserve(out, cap), 0);
	snprintf(opt, sizeof(opt), "xz:compression-level=%d", level);
	cr_assert_eq(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	cr_assert_eq(archive_write_add_filter_xz(a), ARCHIVE_OK);
	cr_assert_eq(archive_write_set_options(a, opt), ARCHIVE_OK);
	cr_assert_eq(archive_write_open_memory(a, out->data, cap, &used),
		     ARCHIVE_OK);
	for (i = 0; i < nr; i++) {
		len = e[i].type == 'f' && e[i].data ? strlen(e[i].data) : 0;
		if (e[i].len)
			len = e[i].len;
		ae = archive_entry_new();
		archive_entry_set_pathname(ae, e[i].name);
		archive_entry_set_perm(ae, e[i].mode);
		archive_entry_set_uid(ae, e[i].uid);
		archive_entry_set_gid(ae, e[i].gid);
		archive_entry_set_mtime(ae, e[i].mtime, 0);
		archive_entry_set_filetype(ae, e[i].type == 'd' ? AE_IFDIR :
					   e[i].type == 'l' ? AE_IFLNK :
					   AE_IFREG);
		if (e[i].type == 'l')
			archive_entry_set_symlink(ae, e[i].data);
		if (e[i].type == 'h')
			archive_entry_set_hardlink(ae, e[i].data);
		archive_entry_set_size(ae, len);
		cr_assert_eq(archive_write_header(a, ae), ARCHIVE_OK);
		if (len)
			cr_assert_eq(archive_write_data(a, e[i].data, len),
				     (la_ssize_t)len);
		archive_entry_free(ae);
	}
	cr_assert_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	out->len = used;
}

#endif /* KH_TEST_MKARCHIVE_H */
