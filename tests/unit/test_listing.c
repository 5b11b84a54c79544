// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kheaders.h"
#include "mkarchive.h"

struct seen {
	char names[16][64];
	struct kh_entry meta[16];
	char content[16][64];
	char links[16][64];
	size_t nr;
	size_t read_max;
	int read_ret[16];
};

static int remember(const struct kh_entry *e, void *ctx)
{
	struct seen *s = ctx;
	struct kh_error err;
	struct kh_buf b;

	cr_assert_lt(s->nr, 16);
	snprintf(s->names[s->nr], 64, "%s", e->name);
	s->meta[s->nr] = *e;
	if (e->link)
		snprintf(s->links[s->nr], 64, "%s", e->link);
	kh_buf_init(&b);
	s->read_ret[s->nr] = kh_entry_read(e, s->read_max ? s->read_max : 64,
					   &b, &err);
	if (b.len)
		snprintf(s->content[s->nr], 64, "%.*s", (int)b.len,
			 (char *)b.data);
	kh_buf_release(&b);
	s->nr++;
	return 0;
}

Test(listing, archive_entries_in_order_with_metadata)
{
	struct mk_entry ents[] = {
		MK_DIR("./"),
		MK_DIR("./include/"),
		{ "./include/a.h", 'f', "int a;\n", 0600, 12, 34, 1234567890, 0 },
		MK_LINK("./include/l.h", "a.h"),
	};
	struct seen s = { .nr = 0 };
	struct kh_error err;
	struct kh_buf xz;

	mk_archive(ents, 4, 6, &xz);
	cr_assert_eq(kh_archive_foreach(xz.data, xz.len, "t.tar.xz", remember,
					&s, &err), 0);
	cr_assert_eq(s.nr, 4);
	cr_assert_str_eq(s.names[0], "./");
	cr_assert_eq(s.meta[1].type, KH_ENTRY_DIR);
	cr_assert_str_eq(s.names[2], "./include/a.h");
	cr_assert_eq(s.meta[2].type, KH_ENTRY_FILE);
	cr_assert_eq(s.meta[2].mode, 0600);
	cr_assert_eq(s.meta[2].uid, 12);
	cr_assert_eq(s.meta[2].gid, 34);
	cr_assert_eq(s.meta[2].size, 7);
	cr_assert_eq(s.meta[2].mtime, 1234567890);
	cr_assert_str_eq(s.content[2], "int a;\n");
	cr_assert_eq(s.meta[3].type, KH_ENTRY_SYMLINK);
	cr_assert_str_eq(s.links[3], "a.h");
	cr_assert_eq(s.meta[3].size, 0);
	kh_buf_release(&xz);
}

Test(listing, entry_read_stops_at_limit)
{
	struct mk_entry ents[] = { MK_FILE("big.h", "0123456789abcdef") };
	struct seen s = { .read_max = 8 };
	struct kh_error err;
	struct kh_buf xz;

	mk_archive(ents, 1, 0, &xz);
	cr_assert_eq(kh_archive_foreach(xz.data, xz.len, "t", remember, &s,
					&err), 0);
	cr_assert_eq(s.read_ret[0], -EFBIG);
	kh_buf_release(&xz);
}

static int stop_at_second(const struct kh_entry *e, void *ctx)
{
	int *n = ctx;

	return ++*n == 2 ? 42 : 0;
}

Test(listing, callback_return_stops_the_walk)
{
	struct mk_entry ents[] = {
		MK_FILE("a", "1"), MK_FILE("b", "2"), MK_FILE("c", "3"),
	};
	struct kh_error err;
	struct kh_buf xz;
	int n = 0;

	mk_archive(ents, 3, 0, &xz);
	cr_assert_eq(kh_archive_foreach(xz.data, xz.len, "t", stop_at_second,
					&n, &err), 42);
	cr_assert_eq(n, 2);
	kh_buf_release(&xz);
}

Test(listing, corrupt_archive_names_input_and_cause)
{
	struct mk_entry ents[] = { MK_FILE("a.h", "int a;\n") };
	struct seen s = { .nr = 0 };
	struct kh_error err;
	struct kh_buf xz;

	mk_archive(ents, 1, 0, &xz);
	xz.data[xz.len / 2] ^= 0x55;
	cr_assert_lt(kh_archive_foreach(xz.data, xz.len, "bad.tar.xz",
					remember, &s, &err), 0);
	cr_assert(strstr(err.msg, "'bad.tar.xz'"), "%s", err.msg);
	cr_assert(strstr(err.msg, "corrupt"), "%s", err.msg);
	kh_buf_release(&xz);
}

Test(listing, truncated_archive_is_an_error)
{
	struct mk_entry ents[] = { MK_FILE("a.h", "int a;\n") };
	struct seen s = { .nr = 0 };
	struct kh_error err;
	struct kh_buf xz;

	mk_archive(ents, 1, 0, &xz);
	cr_assert_lt(kh_archive_foreach(xz.data, xz.len - 20, "cut", remember,
					&s, &err), 0);
	cr_assert(strstr(err.msg, "'cut'"), "%s", err.msg);
	kh_buf_release(&xz);
}

Test(listing, dir_walk_sorted_no_follow)
{
	char top[] = "/tmp/kh-unit-list.XXXXXX", p[128];
	struct seen s = { .nr = 0 };
	struct kh_error err;
	FILE *f;

	cr_assert(mkdtemp(top));
	snprintf(p, sizeof(p), "%s/sub", top);
	cr_assert_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/sub/z.h", top);
	f = fopen(p, "w");
	fputs("zz\n", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/b.h", top);
	f = fopen(p, "w");
	fputs("bb\n", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/a-link", top);
	cr_assert_eq(symlink("/etc/passwd", p), 0);
	cr_assert_eq(kh_dir_foreach(top, remember, &s, &err), 0, "%s", err.msg);
	cr_assert_eq(s.nr, 5);
	cr_assert_str_eq(s.names[0], "./");
	cr_assert_str_eq(s.names[1], "./a-link");
	cr_assert_eq(s.meta[1].type, KH_ENTRY_SYMLINK);
	cr_assert_str_eq(s.links[1], "/etc/passwd");
	cr_assert_str_eq(s.content[1], "");
	cr_assert_str_eq(s.names[2], "./b.h");
	cr_assert_str_eq(s.content[2], "bb\n");
	cr_assert_str_eq(s.names[3], "./sub/");
	cr_assert_str_eq(s.names[4], "./sub/z.h");
	cr_assert_str_eq(s.content[4], "zz\n");
	snprintf(p, sizeof(p), "rm -rf '%s'", top);
	cr_assert_eq(system(p), 0);
}

Test(listing, dir_walk_of_missing_dir_fails)
{
	struct seen s = { .nr = 0 };
	struct kh_error err;

	cr_assert_eq(kh_dir_foreach("/nonexistent/kh", remember, &s, &err),
		     -ENOENT);
	cr_assert_str_eq(err.msg, "cannot open '/nonexistent/kh': No such file or directory");
}

Test(listing, type_names)
{
	cr_assert_str_eq(kh_entry_type_name(KH_ENTRY_FILE), "file");
	cr_assert_str_eq(kh_entry_type_name(KH_ENTRY_HARDLINK), "hardlink");
	cr_assert_str_eq(kh_entry_type_name((enum kh_entry_type)99), "unknown");
}
