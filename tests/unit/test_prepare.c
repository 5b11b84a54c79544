// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "kheaders.h"
#include "mkarchive.h"
#include "prepare_cache.h"
#include "util.h"

static char top[64];
static char root[96];

static void mk_top(void)
{
	strcpy(top, "/tmp/kh-prepare.XXXXXX");
	cr_assert_not_null(mkdtemp(top));
	snprintf(root, sizeof(root), "%s/cache", top);
}

static void rm_top(void)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s'; rm -rf '%s'", top, top);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(prepare, .init = mk_top, .fini = rm_top);

static const struct mk_entry headers[] = {
	MK_DIR("./"),
	MK_DIR("./include/"),
	MK_DIR("./include/linux/"),
	MK_FILE("./include/linux/kconfig.h", "#define KCONFIG 1\n"),
	MK_FILE("./include/linux/types.h", "typedef int kh_t;\n"),
	MK_DIR("./arch/"),
	MK_DIR("./arch/x86/"),
	MK_DIR("./arch/x86/include/"),
	MK_FILE("./arch/x86/include/page.h", "#define PAGE 4096\n"),
};

static void sha_of(const struct kh_buf *xz, char hex[65])
{
	uint8_t d[KH_SHA256_LEN];

	cr_assert_eq(kh_sha256(xz->data, xz->len, d), 0);
	kh_hex(d, sizeof(d), hex);
}

/* A root with one entry made from @headers; the archive in @xz. */
static int make_root_entry(struct kh_buf *xz, struct kh_prepare_marker *m)
{
	struct kh_error err;
	int rootfd;

	mk_archive(headers, ARRAY_SIZE(headers), 0, xz);
	rootfd = kh_prepare_root_open(root, true, &err);
	cr_assert_geq(rootfd, 0, "%s", err.msg);
	memset(m, 0, sizeof(*m));
	sha_of(xz, m->sha256);
	m->from = KH_PREPARE_FILE;
	strcpy(m->source, "/test/a.tar.xz");
	cr_assert_eq(kh_prepare_entry_create(rootfd, root, xz->data, xz->len,
					     NULL, m, &err), 0, "%s", err.msg);
	return rootfd;
}

static void path_of(char *buf, size_t size, const char *sha, const char *rel)
{
	snprintf(buf, size, "%s/%s%s%s", root, sha, rel ? "/" : "",
		 rel ? rel : "");
}

Test(prepare, entry_names_are_64_lowercase_hex_digits)
{
	char good[65], s[70];

	memset(good, 'a', 64);
	good[64] = '\0';
	cr_assert(kh_prepare_name_valid(good));
	strcpy(s, good);
	s[3] = 'A';
	cr_assert_not(kh_prepare_name_valid(s));
	s[3] = 'g';
	cr_assert_not(kh_prepare_name_valid(s));
	strcpy(s, good);
	strcat(s, "0");
	cr_assert_not(kh_prepare_name_valid(s));
	cr_assert_not(kh_prepare_name_valid("abc"));
	cr_assert_not(kh_prepare_name_valid(".lock"));
}

Test(prepare, marker_round_trips_and_escapes_control_characters)
{
	struct kh_prepare_marker m, back;
	const char *why = NULL;
	struct kh_buf text;

	memset(&m, 0, sizeof(m));
	memset(m.sha256, 'b', 64);
	memset(m.manifest, 'c', 64);
	m.entries = 6692;
	m.bytes = 26460513;
	strcpy(m.arch, "x86");
	m.from = KH_PREPARE_IMAGE;
	strcpy(m.source, "/boot/vmlinuz-6.1\nsha256 evil");
	m.have_stat = true;
	m.src_dev = 1;
	m.src_ino = 2;
	m.src_size = 3;
	m.src_mtime_ns = 1700000000123456789;
	kh_buf_init(&text);
	cr_assert_eq(kh_prepare_marker_format(&m, &text), 0);
	cr_assert_eq(kh_prepare_marker_parse((char *)text.data, text.len,
					     &back, &why), 0, "%s", why);
	cr_assert_str_eq(back.sha256, m.sha256);
	cr_assert_str_eq(back.manifest, m.manifest);
	cr_assert_eq(back.entries, 6692);
	cr_assert_eq(back.bytes, 26460513);
	cr_assert_str_eq(back.arch, "x86");
	cr_assert_eq(back.from, KH_PREPARE_IMAGE);
	cr_assert_str_eq(back.source, "/boot/vmlinuz-6.1?sha256 evil");
	cr_assert(back.have_stat);
	cr_assert_eq(back.src_mtime_ns, 1700000000123456789);
	kh_buf_release(&text);
}

static int parse(const char *text, const char **why)
{
	struct kh_prepare_marker m;

	return kh_prepare_marker_parse(text, strlen(text), &m, why);
}

#define SHA64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

Test(prepare, marker_parser_refuses_what_we_never_write)
{
	const char *why = NULL;

	cr_assert_eq(parse("kheaders-prepare 1\nsha256 " SHA64 "\nmanifest " SHA64 " 1 2\n", &why), 0);
	cr_assert_eq(parse("kheaders-prepare 1\nsha256 " SHA64 "\nmanifest " SHA64 " 1 2\nfuture x\n", &why), 0,
		     "an unknown field is a later version's");
	cr_assert_eq(parse("kheaders-prepare 2\nsha256 " SHA64 "\nmanifest " SHA64 " 1 2\n", &why), -EINVAL);
	cr_assert_eq(parse("kheaders-prepare 1\nsha256 " SHA64 "\n", &why), -EINVAL);
	cr_assert_str_eq(why, "sha256 or manifest missing");
	cr_assert_eq(parse("kheaders-prepare 1\nsha256 " SHA64 "\nmanifest " SHA64 " 1 2", &why), -EINVAL);
	cr_assert_str_eq(why, "unterminated line");
	cr_assert_eq(parse("kheaders-prepare 1\nsha256 " SHA64 "\nsha256 " SHA64 "\nmanifest " SHA64 " 1 2\n", &why), -EINVAL);
	cr_assert_str_eq(why, "repeated field");
	cr_assert_eq(parse("kheaders-prepare 1\nsha256 " SHA64 "\nmanifest " SHA64 " 1 -2\n", &why), -EINVAL);
	cr_assert_eq(parse("kheaders-prepare 1\nsha256 " SHA64 "\nmanifest " SHA64 " 1 2 3\n", &why), -EINVAL);
	cr_assert_eq(parse("kheaders-prepare 1\nsha256 " SHA64 "\nmanifest " SHA64 " 1 2\narch ../x\n", &why), -EINVAL);
	cr_assert_eq(parse("kheaders-prepare 1\nsha256 " SHA64 "X\nmanifest " SHA64 " 1 2\n", &why), -EINVAL);
	cr_assert_eq(kh_prepare_marker_parse("kheaders-prepare 1\n\0", 20,
			&(struct kh_prepare_marker){ 0 }, &why), -EINVAL);
}

Test(prepare, created_entry_is_valid_private_and_complete)
{
	struct kh_prepare_marker m, found;
	char why[KH_PREPARE_WHY_MAX], path[256];
	struct kh_buf xz;
	struct stat st;
	int rootfd = make_root_entry(&xz, &m);

	cr_assert_eq(kh_prepare_entry_check(rootfd, m.sha256, &found, why), 0,
		     "%s", why);
	cr_assert_str_eq(found.arch, "x86");
	cr_assert_eq(found.entries, 8, "7 entries below ./ and ./ itself is not one: %llu",
		     (unsigned long long)found.entries);
	path_of(path, sizeof(path), m.sha256, NULL);
	cr_assert_eq(lstat(path, &st), 0);
	cr_assert(S_ISDIR(st.st_mode));
	cr_assert_eq(st.st_mode & 07777, 0755);
	cr_assert_eq(stat(root, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0755);
	close(rootfd);
	kh_buf_release(&xz);
}

Test(prepare, a_second_create_loses_the_rename_and_leaves_nothing)
{
	struct kh_prepare_marker m, m2;
	struct kh_error err;
	struct kh_buf xz;
	char cmd[256];
	int rootfd = make_root_entry(&xz, &m);

	m2 = m;
	cr_assert_eq(kh_prepare_entry_create(rootfd, root, xz.data, xz.len,
					     NULL, &m2, &err), -EEXIST);
	snprintf(cmd, sizeof(cmd), "test $(ls -A '%s' | wc -l) = 1", root);
	cr_assert_eq(system(cmd), 0, "no temporary directory left");
	close(rootfd);
	kh_buf_release(&xz);
}

/* Damage the entry with @cmd (run in it) and expect a refusal naming @what. */
static void expect_damaged(const char *cmd, const char *what)
{
	struct kh_prepare_marker m, found;
	char why[KH_PREPARE_WHY_MAX], path[256], sh[1024];
	struct kh_buf xz;
	int rootfd = make_root_entry(&xz, &m);

	path_of(path, sizeof(path), m.sha256, NULL);
	snprintf(sh, sizeof(sh), "cd '%s' && %s", path, cmd);
	cr_assert_eq(system(sh), 0, "%s", sh);
	cr_assert_eq(kh_prepare_entry_check(rootfd, m.sha256, &found, why),
		     -EUCLEAN, "%s: not refused", cmd);
	cr_assert(strstr(why, what), "%s: '%s' does not say '%s'", cmd, why,
		  what);
	close(rootfd);
	kh_buf_release(&xz);
}

Test(prepare, truncated_file_is_damage)
{
	expect_damaged(": > include/linux/types.h", "differs from its manifest");
}

Test(prepare, same_size_rename_is_damage)
{
	expect_damaged("mv include/linux/types.h include/linux/typez.h",
		       "differs from its manifest");
}

Test(prepare, extra_file_is_damage)
{
	expect_damaged("touch include/x.h", "differs from its manifest");
}

Test(prepare, missing_marker_is_damage)
{
	expect_damaged("rm .kheaders-prepared", "no completion marker");
}

Test(prepare, truncated_marker_is_damage)
{
	expect_damaged("truncate -s 60 .kheaders-prepared", "completion marker damaged");
}

Test(prepare, marker_that_is_a_link_is_damage)
{
	expect_damaged("cp .kheaders-prepared /tmp/kh-prepare-m.$$ && rm .kheaders-prepared && ln -s /tmp/kh-prepare-m.$$ .kheaders-prepared",
		       "no completion marker");
}

Test(prepare, group_writable_directory_is_damage)
{
	expect_damaged("chmod g+w include/linux", "writable by group or others");
}

Test(prepare, group_writable_entry_is_damage)
{
	expect_damaged("chmod g+w .", "it is writable by group or others");
}

Test(prepare, group_writable_marker_is_damage)
{
	expect_damaged("chmod g+w .kheaders-prepared",
		       "completion marker is not a plain file of ours");
}

Test(prepare, foreign_owner_is_damage)
{
	if (geteuid())
		cr_skip_test("needs root to chown");
	expect_damaged("chown 65534 include/linux/kconfig.h", "owned by uid 65534");
}

Test(prepare, fifo_is_damage)
{
	expect_damaged("mkfifo include/p", "not a file, directory or link");
}

Test(prepare, absent_link_and_file_entries)
{
	char why[KH_PREPARE_WHY_MAX], target[256], link[256];
	struct kh_prepare_marker m;
	struct kh_error err;
	int rootfd = kh_prepare_root_open(root, true, &err);

	cr_assert_geq(rootfd, 0, "%s", err.msg);
	cr_assert_eq(kh_prepare_entry_check(rootfd, SHA64, &m, why), -ENOENT);
	snprintf(target, sizeof(target), "%s/elsewhere", top);
	cr_assert_eq(mkdir(target, 0755), 0);
	snprintf(link, sizeof(link), "%s/%s", root, SHA64);
	cr_assert_eq(symlink(target, link), 0);
	cr_assert_eq(kh_prepare_entry_check(rootfd, SHA64, &m, why), -EUCLEAN);
	cr_assert_str_eq(why, "it is a symbolic link");
	cr_assert_eq(kh_prepare_entry_remove(rootfd, root, SHA64, &err), 0);
	cr_assert_eq(access(link, F_OK), -1);
	cr_assert_eq(access(target, F_OK), 0, "the link's target survives");
	close(rootfd);
}

Test(prepare, unsafe_roots_are_refused)
{
	struct kh_error err;
	char path[256], link[256];

	cr_assert_eq(kh_prepare_root_open("relative/cache", true, &err), -EINVAL);
	cr_assert_eq(mkdir(root, 0775), 0);
	cr_assert_eq(chmod(root, 0775), 0);
	cr_assert_eq(kh_prepare_root_open(root, true, &err), -EPERM);
	cr_assert(strstr(err.msg, "writable by group or others"), "%s", err.msg);
	snprintf(link, sizeof(link), "%s/link", top);
	cr_assert_eq(chmod(root, 0755), 0);
	cr_assert_eq(symlink(root, link), 0);
	cr_assert_eq(kh_prepare_root_open(link, true, &err), -EPERM);
	cr_assert(strstr(err.msg, "it is a symbolic link"), "%s", err.msg);
	snprintf(path, sizeof(path), "%s/open", top);
	cr_assert_eq(mkdir(path, 0777), 0);
	cr_assert_eq(chmod(path, 0777), 0);
	snprintf(path, sizeof(path), "%s/open/cache", top);
	cr_assert_eq(kh_prepare_root_open(path, true, &err), -EPERM);
	cr_assert(strstr(err.msg, "above it is writable"), "%s", err.msg);
	snprintf(path, sizeof(path), "%s/new/deeper/cache", top);
	cr_assert_eq(kh_prepare_root_open(path, false, &err), -ENOENT);
}

Test(prepare, missing_root_is_created_with_private_parents)
{
	struct kh_error err;
	char path[160];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/home/.cache/kheaders", top);
	fd = kh_prepare_root_open(path, true, &err);
	cr_assert_geq(fd, 0, "%s", err.msg);
	close(fd);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0755);
	snprintf(path, sizeof(path), "%s/home/.cache", top);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0077, 0, "parents are private");
}

static void write_file(const char *path, const struct kh_buf *b)
{
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f);
	cr_assert_eq(fwrite(b->data, 1, b->len, f), b->len);
	cr_assert_eq(fclose(f), 0);
}

Test(prepare, library_call_unpacks_once_then_reuses)
{
	struct kh_prepare_result res;
	struct kh_prepare_opts o;
	struct kh_error err;
	char file[160], sha[65], want[256];
	struct kh_buf xz;

	mk_archive(headers, ARRAY_SIZE(headers), 0, &xz);
	sha_of(&xz, sha);
	snprintf(file, sizeof(file), "%s/a.tar.xz", top);
	write_file(file, &xz);
	kh_prepare_opts_init(&o);
	o.from = KH_PREPARE_FILE;
	o.file = file;
	o.cache_dir = root;
	kh_prepare_result_init(&res);
	cr_assert_eq(kh_prepare(&o, &res, &err), 0, "%s", err.msg);
	cr_assert(res.unpacked);
	cr_assert_not(res.replaced);
	cr_assert_str_eq(res.sha256, sha);
	snprintf(want, sizeof(want), "%s/%s", root, sha);
	cr_assert_str_eq(res.dir, want);
	cr_assert_str_eq(res.arch, "x86");
	cr_assert_eq(res.from, KH_PREPARE_FILE);
	cr_assert_eq(res.nr_flags, 10);
	cr_assert_str_eq(res.flags[0], "-include");
	cr_assert_str_eq(res.flags[2], "-D__KERNEL__");
	cr_assert_null(res.flags[10]);
	kh_prepare_result_release(&res);
	cr_assert_eq(kh_prepare(&o, &res, &err), 0, "%s", err.msg);
	cr_assert_not(res.unpacked);
	cr_assert_str_eq(res.arch, "x86");
	kh_prepare_result_release(&res);
	kh_buf_release(&xz);
}

Test(prepare, nothing_found_says_what_was_tried)
{
	struct kh_prepare_result res;
	struct kh_prepare_opts o;
	struct kh_error err;

	kh_prepare_opts_init(&o);
	o.cache_dir = root;
	o.root = top;
	o.release = "9.9.9-none";
	o.modprobe = "";
	kh_prepare_result_init(&res);
	cr_assert_eq(kh_prepare(&o, &res, &err), -ENOENT);
	cr_assert(strstr(err.msg, "no headers archive for kernel 9.9.9-none: tried '"),
		  "%s", err.msg);
	cr_assert(strstr(err.msg, "loading the kheaders module (disabled)"),
		  "%s", err.msg);
	cr_assert(strstr(err.msg, "/boot/vmlinuz-9.9.9-none' (No such file"),
		  "%s", err.msg);
	cr_assert_null(strchr(err.msg, '\n'));
	cr_assert_null(res.dir);
}

Test(prepare, gc_removes_only_our_unreferenced_entries)
{
	struct kh_prepare_gc_result gc;
	struct kh_prepare_marker m;
	struct kh_prepare_opts o;
	struct kh_error err;
	char path[256];
	struct kh_buf xz;
	int rootfd = make_root_entry(&xz, &m);

	snprintf(path, sizeof(path), "%s/%s", root, SHA64);
	cr_assert_eq(mkdir(path, 0755), 0);
	kh_prepare_opts_init(&o);
	o.cache_dir = root;
	o.root = top;
	cr_assert_eq(kh_prepare_gc(&o, &gc, &err), 0, "%s", err.msg);
	cr_assert_eq(gc.removed, 1);
	cr_assert_eq(gc.kept, 0);
	cr_assert_eq(gc.foreign, 1);
	cr_assert_eq(access(path, F_OK), 0, "a foreign entry stays");
	path_of(path, sizeof(path), m.sha256, NULL);
	cr_assert_eq(access(path, F_OK), -1);
	close(rootfd);
	kh_buf_release(&xz);
}
