// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kident.c (which kernel a file is) and run.c (kh_run()):
 * the banner's release, its refusals and bounds; build IDs from an ELF
 * file (this test program's own) and from raw notes as /sys/kernel/notes
 * serves them, truncated ones ignored; a program's status, output,
 * directory and environment.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kheaders.h"
#include "kident.h"
#include "run.h"

/* (a macro: the literals hold NULs, as an image's .rodata does) */
#define read_text(text, id) \
	kh_kident_read((const uint8_t *)(text), sizeof(text) - 1, (id))

Test(kident, banner_release)
{
	struct kh_kident id;

	read_text("xx\0Linux version 6.1.0-57-amd64 (debian-kernel@lists.debian.org) (gcc-12) #1 SMP\n", &id);
	cr_assert_str_eq(id.release, "6.1.0-57-amd64");
	cr_assert_str_eq(id.build_id, "");
}

Test(kident, first_wellformed_banner_wins)
{
	struct kh_kident id;

	/* a format string and a bare mention come before the real one */
	read_text("Linux version %s (%s)\0Linux version \0Linux version 7.2.0 (u@h) #1\n", &id);
	cr_assert_str_eq(id.release, "%s");
	read_text("Linux version 6.12 no paren\0Linux version 6.12.1 (u@h)", &id);
	cr_assert_str_eq(id.release, "6.12.1");
}

Test(kident, malformed_banners_give_nothing)
{
	static const char *const bad[] = {
		"Linux version ",
		"Linux version 6.1",
		"Linux version 6.1 (",
		"Linux version 6.1 (no at sign)",
		"Linux version  (u@h)",
		"linux version 6.1 (u@h)",
	};
	struct kh_kident id;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		kh_kident_read((const uint8_t *)bad[i], strlen(bad[i]), &id);
		cr_assert_str_eq(id.release, "", "%s", bad[i]);
	}
}

Test(kident, overlong_release_refused)
{
	char text[400];
	struct kh_kident id;

	memset(text, 'x', sizeof(text));
	memcpy(text, "Linux version ", 14);
	memcpy(text + 300, " (u@h)", 7);
	kh_kident_read((const uint8_t *)text, strlen(text), &id);
	cr_assert_str_eq(id.release, "");
}

/* A note: namesz, descsz, type, name padded to 4, desc padded to 4. */
static size_t note(uint8_t *p, uint32_t type, const char *name,
		   const uint8_t *desc, uint32_t descsz)
{
	uint32_t namesz = strlen(name) + 1, h[3] = { namesz, descsz, type };
	size_t off = sizeof(h);

	memcpy(p, h, sizeof(h));
	memset(p + off, 0, (namesz + 3) & ~3U);
	memcpy(p + off, name, namesz);
	off += (namesz + 3) & ~3U;
	memset(p + off, 0, (descsz + 3) & ~3U);
	memcpy(p + off, desc, descsz);
	return off + ((descsz + 3) & ~3U);
}

Test(kident, notes_build_id)
{
	static const uint8_t id[20] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3 };
	uint8_t buf[256];
	char hex[KH_KIDENT_BUILD_ID_MAX];
	size_t n;

	n = note(buf, 6, "Xen", (const uint8_t *)"abcdef", 6);
	n += note(buf + n, 3, "GNU", id, sizeof(id));
	kh_kident_notes(buf, n, hex);
	cr_assert_str_eq(hex, "deadbeef01020300000000000000000000000000");
}

Test(kident, truncated_notes_ignored)
{
	static const uint8_t id[20] = { 0xaa };
	uint8_t buf[256];
	char hex[KH_KIDENT_BUILD_ID_MAX];
	size_t n, cut;

	n = note(buf, 3, "GNU", id, sizeof(id));
	for (cut = 0; cut < n; cut++) {
		kh_kident_notes(buf, cut, hex);
		cr_assert_str_eq(hex, "", "cut at %zu", cut);
	}
	kh_kident_notes(buf, n, hex);
	cr_assert_eq(strlen(hex), 40);
	/* a huge descsz must not be believed */
	((uint32_t *)buf)[1] = 0xfffffff0U;
	kh_kident_notes(buf, n, hex);
	cr_assert_str_eq(hex, "");
}

Test(kident, elf_build_id_of_this_program)
{
	struct kh_kident id;
	struct kh_buf b;
	struct kh_error err;
	char cmd[256], want[KH_KIDENT_BUILD_ID_MAX] = "";
	FILE *f;

	kh_buf_init(&b);
	cr_assert_eq(kh_read_file("/proc/self/exe", (size_t)1 << 30, &b, &err), 0);
	kh_kident_read(b.data, b.len, &id);
	kh_buf_release(&b);
	snprintf(cmd, sizeof(cmd),
		 "readelf -n /proc/%d/exe | sed -n 's/^ *Build ID: //p'",
		 (int)getpid());
	f = popen(cmd, "r");
	cr_assert_not_null(f);
	if (!fgets(want, sizeof(want), f))
		want[0] = '\0';
	pclose(f);
	want[strcspn(want, "\n")] = '\0';
	if (!want[0])
		cr_skip_test("this program has no build ID");
	cr_assert_str_eq(id.build_id, want);
}

Test(run, status_output_dir_env)
{
	char *argv[] = { "sh", "-c", "echo out; echo err >&2; pwd; echo \"$KH_RUN_TEST\"; exit 3", NULL };
	char *env[] = { "KH_RUN_TEST=set", NULL };
	struct kh_buf out;

	kh_buf_init(&out);
	cr_assert_eq(kh_run(argv, "/", env, &out), 3);
	cr_assert_str_eq(kh_buf_str(&out), "out\nerr\n/\nset\n");
	kh_buf_release(&out);
}

Test(run, missing_program_and_signal)
{
	char *missing[] = { "kh-no-such-program", NULL };
	char *killed[] = { "sh", "-c", "kill -9 $$", NULL };

	cr_assert_eq(kh_run(missing, NULL, NULL, NULL), -ENOENT);
	cr_assert_eq(kh_run(killed, NULL, NULL, NULL), 128 + 9);
}
