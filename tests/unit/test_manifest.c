// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kheaders.h"
#include "manifest.h"


static char mdir[64], man[128], out[128], hdr[128], sub[128], absent[128];
static char *inputs[3];
static const char *outputs[1] = { out };
static char why[512];

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

/* Every file dated well before now: not racy. */
static void age(const char *path)
{
	struct timespec t[2] = { { 1000000000, 123 }, { 1000000000, 123 } };

	cr_assert_eq(utimensat(AT_FDCWD, path, t, 0), 0);
}

static void setup_manifest(void)
{
	strcpy(mdir, "/tmp/kh-manifest.XXXXXX");
	cr_assert_not_null(mkdtemp(mdir));
	snprintf(man, sizeof(man), "%s/.out.manifest", mdir);
	snprintf(out, sizeof(out), "%s/out.tar.xz", mdir);
	snprintf(sub, sizeof(sub), "%s/include", mdir);
	snprintf(hdr, sizeof(hdr), "%s/include/a.h", mdir);
	snprintf(absent, sizeof(absent), "%s/generated", mdir);
	cr_assert_eq(mkdir(sub, 0777), 0);
	put(hdr, "#define A 1\n");
	put(out, "archive");
	inputs[0] = hdr;
	inputs[1] = sub;
	inputs[2] = absent;
}

static void teardown_manifest(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", mdir);
	cr_assert_eq(system(cmd), 0);
}

/* A manifest written after a build whose snapshot was "now". */
static void record(void)
{
	struct kh_error err;
	struct timespec now;

	/* Inputs older than the snapshot; ctime cannot be set, so wait. */
	age(hdr);
	age(sub);
	usleep(20000);
	clock_gettime(CLOCK_REALTIME, &now);
	cr_assert_eq(kh_manifest_write(man, "settings A", &now, inputs, 3,
				       outputs, NULL, 1, &err), 0, "%s", err.msg);
}

static bool fresh(const char *settings)
{
	return kh_manifest_fresh(man, settings, outputs, 1, why, sizeof(why));
}

TestSuite(manifest, .init = setup_manifest, .fini = teardown_manifest);

Test(manifest, nothing_changed_is_fresh)
{
	record();
	cr_assert(fresh("settings A"), "%s", why);
}

Test(manifest, missing_manifest_means_rebuild)
{
	cr_assert_not(fresh("settings A"));
	cr_assert(strstr(why, "no manifest"));
}

Test(manifest, other_settings_mean_rebuild)
{
	record();
	cr_assert_not(fresh("settings B"));
	cr_assert(strstr(why, "options"));
}

Test(manifest, same_size_edit_in_the_same_second_is_seen)
{
	struct timespec t[2] = { { 1000000000, 456 }, { 1000000000, 456 } };

	record();
	put(hdr, "#define A 2\n");
	/* Same size, same second: only the nanoseconds differ. */
	cr_assert_eq(utimensat(AT_FDCWD, hdr, t, 0), 0);
	cr_assert_not(fresh("settings A"));
	cr_assert(strstr(why, "a.h"), "%s", why);
}

Test(manifest, touch_back_to_the_same_mtime_is_still_seen_by_ctime)
{
	record();
	put(hdr, "#define A 3\n");
	age(hdr);
	cr_assert_not(fresh("settings A"));
}

Test(manifest, new_file_in_a_walked_directory_is_seen)
{
	char path[160];

	record();
	snprintf(path, sizeof(path), "%s/b.h", sub);
	put(path, "#define B 1\n");
	cr_assert_not(fresh("settings A"));
}

Test(manifest, absent_path_that_appears_is_seen)
{
	record();
	cr_assert_eq(mkdir(absent, 0777), 0);
	cr_assert_not(fresh("settings A"));
	cr_assert(strstr(why, "appeared"), "%s", why);
}

Test(manifest, output_replaced_or_removed_means_rebuild)
{
	record();
	put(out, "archivE");
	cr_assert_not(fresh("settings A"));
	record();
	cr_assert(fresh("settings A"), "%s", why);
	unlink(out);
	cr_assert_not(fresh("settings A"));
}

Test(manifest, input_changed_at_or_after_the_snapshot_is_racy)
{
	struct kh_error err;
	struct timespec then = { 1000000000, 0 };

	/* The inputs' ctime is now, after this snapshot: maybe changed
	 * after they were read. */
	cr_assert_eq(kh_manifest_write(man, "settings A", &then, inputs, 3,
				       outputs, NULL, 1, &err), 0);
	cr_assert_not(fresh("settings A"));
	cr_assert(strstr(why, "too close"), "%s", why);
}

Test(manifest, damaged_manifest_means_rebuild)
{
	record();
	cr_assert_eq(truncate(man, 60), 0);
	cr_assert_not(fresh("settings A"));
}

Test(manifest, output_replaced_by_another_build_is_not_recorded)
{
	struct kh_error err;
	struct timespec now;
	ino_t ino = 1;

	clock_gettime(CLOCK_REALTIME, &now);
	cr_assert_eq(kh_manifest_write(man, "settings A", &now, inputs, 3,
				       outputs, &ino, 1, &err), -EAGAIN);
	cr_assert_neq(access(man, F_OK), 0);
}
