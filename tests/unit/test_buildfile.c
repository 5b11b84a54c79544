// SPDX-License-Identifier: GPL-2.0
/*
 * test_buildfile.c - the incremental build (buildfile.c): built, then up
 * to date; rebuilt when a setting or an input changes, or when forced;
 * outputs replaced atomically, depfile before archive, and nothing new
 * left behind by a failure.  On a copy of the fixture trees in /tmp.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kheaders.h"
#include "archtab.h"
#include "depfile.h"
#include "fixture.h"

static char dir[64], src[96], obj[96], out[96], dep[96], man[96];
static struct kh_build_opts o;
static struct kh_build_file_opts fo;
static int calls;
static char why[512];
static char note[2048];

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

static void on_rebuilding(void *ctx, const char *reason)
{
	(void)ctx;
	calls++;
	snprintf(why, sizeof(why), "%s", reason ? reason : "(forced)");
}

static void on_note(void *ctx, const char *msg)
{
	(void)ctx;
	snprintf(note, sizeof(note), "%s", msg);
}

/* Date every file of the copy in the past, then let ctime fall behind. */
static void age_trees(void)
{
	sh("find '%s' '%s' -exec touch -h -d @1000000000 {} +", src, obj);
	usleep(20000);
}

static void setup(void)
{
	strcpy(dir, "/tmp/kh-buildfile.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(src, sizeof(src), "%s/src", dir);
	snprintf(obj, sizeof(obj), "%s/obj", dir);
	snprintf(out, sizeof(out), "%s/out.tar.xz", dir);
	snprintf(dep, sizeof(dep), "%s/out.d", dir);
	snprintf(man, sizeof(man), "%s/.out.tar.xz.manifest", dir);
	sh("cp -a " FIX_SRC " '%s' && cp -a " FIX_OBJ " '%s'", src, obj);
	age_trees();
	fix_opts(&o);
	o.srctree = src;
	o.objtree = obj;
	memset(&fo, 0, sizeof(fo));
	fo.output = out;
	fo.depfile = dep;
	fo.rebuilding = on_rebuilding;
	calls = 0;
	why[0] = note[0] = '\0';
}

static void teardown(void)
{
	sh("chmod -R u+w '%s' && rm -rf '%s'", dir, dir);
}

TestSuite(buildfile, .init = setup, .fini = teardown);

/* One call; returns whether it rebuilt. */
static bool run(void)
{
	struct kh_build_file_result res;
	struct kh_error err;

	cr_assert_eq(kh_build_to_file(&o, &fo, &res, &err), 0, "%s", err.msg);
	kh_build_result_release(&res.build);
	return res.rebuilt;
}

static void slurp(const char *path, struct kh_buf *b)
{
	struct kh_error err;

	kh_buf_init(b);
	cr_assert_eq(kh_read_file(path, 1 << 30, b, &err), 0, "%s", err.msg);
}

static bool same_file(const char *path, const struct kh_buf *want)
{
	struct kh_buf b;
	bool same;

	slurp(path, &b);
	same = b.len == want->len && !memcmp(b.data, want->data, b.len);
	kh_buf_release(&b);
	return same;
}

static int count_temp_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)))
		n += strstr(e->d_name, ".tmp.") != NULL;
	closedir(d);
	return n;
}

Test(buildfile, builds_the_bytes_of_kh_build_with_depfile_and_manifest)
{
	struct kh_build_file_result res;
	struct kh_error err;
	struct kh_buf xz, want;
	struct stat st;

	cr_assert_eq(kh_build_to_file(&o, &fo, &res, &err), 0, "%s", err.msg);
	cr_assert(res.rebuilt);
	cr_assert_eq(calls, 1);
	cr_assert(strstr(why, "no manifest"), "%s", why);
	fix_build(&o, &xz);
	cr_assert(same_file(out, &xz), "the archive is kh_build()'s bytes");
	kh_buf_init(&want);
	cr_assert_eq(kh_depfile_format(&want, out, res.build.deps,
				       res.build.nr_deps, &err), 0);
	cr_assert(same_file(dep, &want), "the depfile names every input");
	cr_assert_eq(stat(out, &st), 0);
	cr_assert_eq(st.st_mtim.tv_sec, res.build.snapshot.tv_sec,
		     "the archive's mtime is the snapshot time");
	cr_assert_eq(st.st_mtim.tv_nsec, res.build.snapshot.tv_nsec);
	cr_assert_eq(access(man, F_OK), 0, "the manifest is beside it");
	cr_assert_eq(count_temp_files(), 0);
	kh_build_result_release(&res.build);
	kh_buf_release(&xz);
	kh_buf_release(&want);
}

Test(buildfile, nothing_changed_is_up_to_date_and_writes_nothing)
{
	struct kh_build_file_result res;
	struct kh_error err;
	struct stat a, b;

	cr_assert(run());
	cr_assert_eq(stat(out, &a), 0);
	calls = 0;
	cr_assert_eq(kh_build_to_file(&o, &fo, &res, &err), 0, "%s", err.msg);
	cr_assert_not(res.rebuilt);
	cr_assert_eq(calls, 0, "no rebuilding call when up to date");
	cr_assert_null(res.build.deps);
	cr_assert_eq(res.build.xz.len, 0);
	cr_assert_eq(stat(out, &b), 0);
	cr_assert_eq(a.st_ino, b.st_ino, "the archive was not replaced");
	cr_assert_eq(a.st_ctim.tv_nsec, b.st_ctim.tv_nsec);
}

Test(buildfile, a_changed_setting_means_rebuild)
{
	cr_assert(run());
	o.mtime++;
	cr_assert(run());
	cr_assert(strstr(why, "options"), "%s", why);
	cr_assert_not(run());
	o.strip_mode = KH_STRIP_NONE;
	cr_assert(run());
	o.block_entries = 3;
	cr_assert(run());
	o.objtree = FIX_OBJ;
	cr_assert(run(), "another tree");
	fo.depfile = NULL;
	cr_assert(run(), "no depfile any more");
	cr_assert_not(run());
}

Test(buildfile, an_arch_and_its_srcarch_are_one_setting)
{
	struct kh_build_file_result res;
	struct kh_error err;
	struct kh_buf xz;

	cr_assert_str_eq(kh_srcarch("x86_64"), "x86");
	cr_assert_str_eq(kh_srcarch("sparc32"), "sparc");
	cr_assert_str_eq(kh_srcarch("arm64"), "arm64");
	cr_assert_null(kh_srcarch(NULL));
	cr_assert(run());
	o.arch = "x86_64";
	cr_assert_not(run(), "x86_64 is SRCARCH x86: same settings");
	fo.force = true;
	cr_assert_eq(kh_build_to_file(&o, &fo, &res, &err), 0, "%s", err.msg);
	cr_assert(res.rebuilt);
	o.arch = "x86";
	fix_build(&o, &xz);
	cr_assert(same_file(out, &xz));
	kh_buf_release(&xz);
	kh_build_result_release(&res.build);
}

Test(buildfile, an_edited_or_new_header_means_rebuild)
{
	char path[160];

	cr_assert(run());
	cr_assert_not(run());
	snprintf(path, sizeof(path), "%s/include/linux/types.h", src);
	sh("echo '/* edit */' >> '%s'", path);
	cr_assert(run());
	cr_assert(strstr(why, "types.h' changed"), "%s", why);
	age_trees();
	cr_assert(run(), "every stat changed");
	cr_assert_not(run());
	snprintf(path, sizeof(path), "%s/include/linux/new.h", src);
	sh("echo '#define NEW 1' > '%s'", path);
	cr_assert(run(), "a new header in a walked directory");
}

Test(buildfile, force_rebuilds_without_a_reason)
{
	cr_assert(run());
	fo.force = true;
	cr_assert(run());
	cr_assert_str_eq(why, "(forced)");
}

Test(buildfile, a_removed_output_means_rebuild)
{
	cr_assert(run());
	cr_assert_eq(unlink(dep), 0);
	cr_assert(run());
	cr_assert_eq(access(dep, F_OK), 0);
}

/* Keep the outputs of a first build to compare with after a failure. */
static void first_build(struct kh_buf *xz, struct kh_buf *d)
{
	cr_assert(run());
	slurp(out, xz);
	slurp(dep, d);
	o.mtime += 3600;	/* a new build would change the archive */
}

Test(buildfile, depfile_failure_keeps_the_previous_archive)
{
	struct kh_build_file_result res;
	struct kh_error err;
	struct kh_buf xz, d;

	first_build(&xz, &d);
	cr_assert_eq(unlink(dep), 0);
	cr_assert_eq(mkdir(dep, 0755), 0);
	cr_assert_lt(kh_build_to_file(&o, &fo, &res, &err), 0);
	cr_assert(res.rebuilt, "built, then could not be written");
	cr_assert(strstr(err.msg, "refusing to replace"), "%s", err.msg);
	cr_assert(same_file(out, &xz), "the previous archive is untouched");
	cr_assert_eq(count_temp_files(), 0);
	cr_assert_neq(access(man, F_OK), 0, "no manifest: the next call builds");
	kh_build_result_release(&res.build);
	kh_buf_release(&xz);
	kh_buf_release(&d);
}

Test(buildfile, unwritable_directory_keeps_both_outputs)
{
	struct kh_build_file_result res;
	struct kh_error err;
	struct kh_buf xz, d;

	if (!geteuid())
		cr_skip_test("root writes anywhere");
	first_build(&xz, &d);
	cr_assert_eq(chmod(dir, 0555), 0);
	cr_assert_lt(kh_build_to_file(&o, &fo, &res, &err), 0);
	cr_assert(strstr(err.msg, "cannot create output"), "%s", err.msg);
	cr_assert(same_file(out, &xz));
	cr_assert(same_file(dep, &d));
	kh_build_result_release(&res.build);
	kh_buf_release(&xz);
	kh_buf_release(&d);
}

Test(buildfile, failed_build_writes_nothing)
{
	struct kh_build_file_result res;
	struct kh_error err;

	o.srctree = "/nonexistent/kh-src";
	cr_assert_lt(kh_build_to_file(&o, &fo, &res, &err), 0);
	cr_assert_not(res.rebuilt);
	cr_assert(strstr(err.msg, "/nonexistent/kh-src"), "%s", err.msg);
	cr_assert_neq(access(out, F_OK), 0);
	cr_assert_neq(access(dep, F_OK), 0);
	cr_assert_neq(access(man, F_OK), 0);
	cr_assert_eq(count_temp_files(), 0);
}

Test(buildfile, output_that_is_an_input_is_refused)
{
	struct kh_build_file_result res;
	struct kh_error err;
	char path[160];
	struct kh_buf before;

	snprintf(path, sizeof(path), "%s/include/linux/types.h", src);
	slurp(path, &before);
	fo.output = path;
	fo.depfile = NULL;
	cr_assert_eq(kh_build_to_file(&o, &fo, &res, &err), -EINVAL);
	cr_assert(strstr(err.msg, "is also an input"), "%s", err.msg);
	cr_assert(same_file(path, &before));
	kh_build_result_release(&res.build);
	kh_buf_release(&before);
}

Test(buildfile, manifest_failure_is_a_note_not_an_error)
{
	o.note = on_note;
	fo.manifest = "/nonexistent/kh-dir/manifest";
	cr_assert(run());
	cr_assert(strstr(note, "(the next call will rebuild)"), "%s", note);
	cr_assert(run(), "no manifest: built again");
}

Test(buildfile, cache_beside_the_output_when_asked)
{
	char cache[128];

	snprintf(cache, sizeof(cache), "%s/.out.tar.xz.cache", dir);
	cr_assert(run());
	cr_assert_neq(access(cache, F_OK), 0, "no cache unless asked");
	fo.cache_beside = true;
	fo.force = true;
	cr_assert(run());
	cr_assert_eq(access(cache, F_OK), 0);
}

Test(buildfile, no_output_is_an_error)
{
	struct kh_build_file_result res;
	struct kh_error err;

	fo.output = NULL;
	cr_assert_eq(kh_build_to_file(&o, &fo, &res, &err), -EINVAL);
	cr_assert_not(res.rebuilt);
}
