// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "kheaders.h"
#include "unpack.h"
#include "util.h"

struct ent {
	const char *path;
	mode_t type;
	const char *data;	/* contents, or link target */
	int64_t size;		/* -1: strlen(data) */
};

/* Build a tar.xz in memory with libarchive. */
static size_t make_tar(const struct ent *e, size_t n, uint8_t *buf,
		       size_t cap)
{
	struct archive *a = archive_write_new();
	struct archive_entry *ae;
	size_t used = 0, i;

	archive_write_add_filter_xz(a);
	archive_write_set_format_pax_restricted(a);
	cr_assert_eq(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		ae = archive_entry_new();
		archive_entry_set_pathname(ae, e[i].path);
		archive_entry_set_perm(ae, 0644);
		if (e[i].type == 0) {
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_hardlink(ae, e[i].data);
		} else {
			archive_entry_set_filetype(ae, e[i].type);
		}
		if (e[i].type == AE_IFLNK)
			archive_entry_set_symlink(ae, e[i].data);
		if (e[i].type == AE_IFREG)
			archive_entry_set_size(ae, e[i].size < 0 ?
					       (int64_t)strlen(e[i].data) : e[i].size);
		cr_assert_eq(archive_write_header(a, ae), ARCHIVE_OK, "%s",
			     archive_error_string(a));
		if (e[i].type == AE_IFREG && e[i].size < 0)
			archive_write_data(a, e[i].data, strlen(e[i].data));
		archive_entry_free(ae);
	}
	archive_write_close(a);
	archive_write_free(a);
	return used;
}

static char top[64];
static char dir[96];

static void mk_top(void)
{
	strcpy(top, "/tmp/kh-unpack.XXXXXX");
	cr_assert_not_null(mkdtemp(top));
	snprintf(dir, sizeof(dir), "%s/d", top);
}

static void rm_top(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	cr_assert_eq(system(cmd), 0);
}

static int unpack(const struct ent *e, size_t n, uint64_t max,
		  struct kh_error *err)
{
	static uint8_t buf[1 << 16];
	struct kh_unpack_opts opts = { .max_size = max };
	size_t len = make_tar(e, n, buf, sizeof(buf));

	return kh_unpack_to_dir(buf, len, dir, &opts, err);
}

TestSuite(unpack, .init = mk_top, .fini = rm_top);

Test(unpack, good_archive_gets_sane_modes_and_a_private_directory)
{
	static const struct ent e[] = {
		{ "./include/linux/a.h", AE_IFREG, "#define A 1\n", -1 },
		{ "include/linux/b.h", AE_IFLNK, "a.h", 0 },
		{ "include/linux/c.h", 0, "include/linux/a.h", 0 },
	};
	struct kh_error err;
	struct stat st;
	char p[160];

	cr_assert_eq(unpack(e, 3, 0, &err), 0, "%s", err.msg);
	cr_assert_eq(stat(dir, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0700);
	snprintf(p, sizeof(p), "%s/include/linux/a.h", dir);
	cr_assert_eq(stat(p, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0644);
	cr_assert_eq(st.st_nlink, 2);
	snprintf(p, sizeof(p), "%s/include/linux/b.h", dir);
	cr_assert_eq(lstat(p, &st), 0);
	cr_assert(S_ISLNK(st.st_mode));
}

Test(unpack, refusals_name_the_entry_and_touch_nothing_outside)
{
	static const struct ent cases[][1] = {
		{ { "../escape", AE_IFREG, "x", -1 } },
		{ { "l", AE_IFLNK, "/", 0 } },
		{ { "h", 0, "../escape", 0 } },
		{ { "dev/null", AE_IFCHR, "", 0 } },
		{ { "p", AE_IFIFO, "", 0 } },
	};
	static const char *const why[] = {
		"'..' component", "absolute path", "'..' component",
		"device node", "FIFO",
	};
	struct kh_error err;
	char p[160];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(why); i++) {
		cr_assert_eq(unpack(cases[i], 1, 0, &err), -EPERM, "case %zu", i);
		cr_assert(strstr(err.msg, cases[i][0].path), "%s", err.msg);
		cr_assert(strstr(err.msg, why[i]), "%s", err.msg);
	}
	snprintf(p, sizeof(p), "%s/escape", top);
	cr_assert_neq(access(p, F_OK), 0);
}

Test(unpack, size_bound_refuses_before_writing)
{
	static const struct ent e[] = {
		{ "huge", AE_IFREG, NULL, 10ll << 30 },
	};
	struct kh_error err;
	char p[160];

	cr_assert_eq(unpack(e, 1, 0, &err), -EFBIG);
	cr_assert(strstr(err.msg, "'huge'"), "%s", err.msg);
	snprintf(p, sizeof(p), "%s/huge", dir);
	cr_assert_neq(access(p, F_OK), 0);
}

Test(unpack, directory_that_is_a_symlink_is_refused)
{
	static const struct ent e[] = { { "a.h", AE_IFREG, "x", -1 } };
	struct kh_error err;
	char p[160];

	cr_assert_eq(symlink(top, dir), 0);
	cr_assert_eq(unpack(e, 1, 0, &err), -EPERM);
	cr_assert(strstr(err.msg, "symbolic link"), "%s", err.msg);
	snprintf(p, sizeof(p), "%s/a.h", top);
	cr_assert_neq(access(p, F_OK), 0);
}

Test(unpack, directory_writable_by_our_own_group_is_refused)
{
	static const struct ent e[] = { { "a.h", AE_IFREG, "x", -1 } };
	struct kh_error err;
	char p[160];

	cr_assert_eq(mkdir(dir, 0770), 0);
	cr_assert_eq(chmod(dir, 0770), 0);
	cr_assert_eq(unpack(e, 1, 0, &err), -EPERM);
	cr_assert(strstr(err.msg, "writable by group or others (mode 0770)"),
		  "%s", err.msg);
	snprintf(p, sizeof(p), "%s/a.h", dir);
	cr_assert_neq(access(p, F_OK), 0);
}

Test(unpack, group_writable_subdirectory_is_refused)
{
	static const struct ent e[] = {
		{ "include/a.h", AE_IFREG, "x", -1 },
	};
	struct kh_error err;
	char p[160];

	cr_assert_eq(mkdir(dir, 0700), 0);
	snprintf(p, sizeof(p), "%s/include", dir);
	cr_assert_eq(mkdir(p, 0770), 0);
	cr_assert_eq(chmod(p, 0770), 0);
	cr_assert_eq(unpack(e, 1, 0, &err), -EPERM);
	cr_assert(strstr(err.msg, "not yours or is writable by group or others"),
		  "%s", err.msg);
}

Test(unpack, at_writes_through_the_callers_descriptor)
{
	static const struct ent e[] = { { "a.h", AE_IFREG, "x", -1 } };
	static uint8_t buf[1 << 16];
	size_t len = make_tar(e, 1, buf, sizeof(buf));
	struct kh_error err;
	struct stat st;
	int dfd;

	cr_assert_eq(mkdir(dir, 0700), 0);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	cr_assert_geq(dfd, 0);
	cr_assert_eq(kh_unpack_at(dfd, "label", buf, len, NULL, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(fstatat(dfd, "a.h", &st, 0), 0);
	cr_assert_eq(fstat(dfd, &st), 0, "the descriptor stays open");
	close(dfd);
}

Test(unpack, at_refuses_a_shared_directory_and_names_the_label)
{
	static const struct ent e[] = { { "a.h", AE_IFREG, "x", -1 } };
	static uint8_t buf[1 << 16];
	size_t len = make_tar(e, 1, buf, sizeof(buf));
	struct kh_error err;
	int dfd;

	cr_assert_eq(mkdir(dir, 0700), 0);
	cr_assert_eq(chmod(dir, 0757), 0);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	cr_assert_geq(dfd, 0);
	cr_assert_eq(kh_unpack_at(dfd, "label", buf, len, NULL, &err), -EPERM);
	cr_assert(strstr(err.msg, "refusing to unpack into 'label': it is writable by group or others"),
		  "%s", err.msg);
	close(dfd);
}
