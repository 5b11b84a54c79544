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
#include "collect.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[512], cmd[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	cr_assert_eq(system(cmd), 0);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static void link_to(const char *target, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	cr_assert_eq(symlink(target, path), 0);
}

static void setup_tree(void)
{
	strcpy(root, "/tmp/kh-collect.XXXXXX");
	cr_assert_not_null(mkdtemp(root));
	put("src/include/linux/kconfig.h", "k\n");
	put("src/include/linux/b.h", "b\n");
	put("src/include/linux/a.h", "a\n");
	put("src/include/linux/notes.txt", "not a header\n");
	put("src/include/generated/autoconf.h", "stale, in srctree\n");
	put("src/include/uapi/linux/u.h", "u\n");
	put("src/arch/x86/include/asm/x.h", "x\n");
	put("src/arch/x86/include/generated/asm/stale.h", "stale\n");
	put("src/arch/arm/include/asm/arm.h", "arm\n");
	put("obj/include/generated/autoconf.h", "fresh\n");
	put("obj/include/generated/utsversion.h", "never\n");
	put("obj/include/generated/uapi/linux/version.h", "v\n");
	put("obj/arch/x86/include/generated/asm/gen.h", "gen\n");
	put("obj/Module.symvers", "never\n");
}

static void teardown_tree(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	(void)!system(cmd);
}

static int collect(struct kh_source_list *list, struct kh_error *err,
		   enum kh_profile profile)
{
	struct kh_build_opts o;
	char src[128], obj[128];

	kh_build_opts_init(&o);
	snprintf(src, sizeof(src), "%s/src", root);
	snprintf(obj, sizeof(obj), "%s/obj", root);
	o.srctree = src;
	o.objtree = obj;
	o.arch = "x86";
	o.profile = profile;
	return kh_collect(&o, list, err);
}

static const char *names_of(struct kh_source_list *list)
{
	static char buf[4096];
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < list->nr; i++) {
		strcat(buf, list->v[i].name);
		strcat(buf, list->v[i].link ? "@ " : " ");
	}
	return buf;
}

TestSuite(collect, .init = setup_tree, .fini = teardown_tree);

Test(collect, rules_and_byte_order)
{
	struct kh_source_list list;
	struct kh_error err;

	cr_assert_eq(collect(&list, &err, KH_PROFILE_HEADERS), 0, "%s", err.msg);
	cr_assert_str_eq(names_of(&list),
		"arch/x86/include/asm/x.h "
		"arch/x86/include/generated/asm/gen.h "
		"include/generated/autoconf.h "
		"include/generated/uapi/linux/version.h "
		"include/linux/a.h include/linux/b.h include/linux/kconfig.h "
		"include/uapi/linux/u.h ");
	cr_assert(list.v[2].from_objtree, "objtree's autoconf.h wins");
	kh_source_list_release(&list);
}

Test(collect, uapi_profile)
{
	struct kh_source_list list;
	struct kh_error err;

	cr_assert_eq(collect(&list, &err, KH_PROFILE_UAPI), 0, "%s", err.msg);
	cr_assert_str_eq(names_of(&list),
		"include/generated/uapi/linux/version.h "
		"include/uapi/linux/u.h ");
	kh_source_list_release(&list);
}

Test(collect, symlink_inside_kept_outside_dereferenced)
{
	struct kh_source_list list;
	struct kh_error err;
	size_t i;

	link_to("a.h", "src/include/linux/in.h");
	put("src/outside/o.h", "outside\n");
	link_to("../../outside/o.h", "src/include/linux/out.h");
	cr_assert_eq(collect(&list, &err, KH_PROFILE_HEADERS), 0, "%s", err.msg);
	for (i = 0; i < list.nr; i++) {
		if (!strcmp(list.v[i].name, "include/linux/in.h"))
			cr_assert_str_eq(list.v[i].link, "a.h");
		if (!strcmp(list.v[i].name, "include/linux/out.h")) {
			cr_assert_null(list.v[i].link);
			cr_assert(S_ISREG(list.v[i].st.st_mode));
			cr_assert_eq(list.v[i].st.st_size, 8);
		}
	}
	kh_source_list_release(&list);
}

Test(collect, absolute_symlink_dereferenced)
{
	struct kh_source_list list;
	struct kh_error err;
	char target[256];
	size_t i;

	snprintf(target, sizeof(target), "%s/src/include/linux/a.h", root);
	link_to(target, "src/include/linux/abs.h");
	cr_assert_eq(collect(&list, &err, KH_PROFILE_HEADERS), 0, "%s", err.msg);
	for (i = 0; i < list.nr; i++)
		if (!strcmp(list.v[i].name, "include/linux/abs.h"))
			cr_assert_null(list.v[i].link);
	kh_source_list_release(&list);
}

Test(collect, dangling_symlink_is_error)
{
	struct kh_source_list list;
	struct kh_error err;

	link_to("nowhere.h", "src/include/linux/dangling.h");
	cr_assert_eq(collect(&list, &err, KH_PROFILE_HEADERS), -ENOENT);
	cr_assert(strstr(err.msg, "dangling symlink"), "%s", err.msg);
	cr_assert(strstr(err.msg, "include/linux/dangling.h"), "%s", err.msg);
}

Test(collect, symlink_loop_is_error)
{
	struct kh_source_list list;
	struct kh_error err;

	link_to("loop2.h", "src/include/linux/loop1.h");
	link_to("loop1.h", "src/include/linux/loop2.h");
	cr_assert_eq(collect(&list, &err, KH_PROFILE_HEADERS), -ELOOP);
	cr_assert(strstr(err.msg, "symlink loop"), "%s", err.msg);
}

Test(collect, unknown_arch_is_error)
{
	struct kh_build_opts o;
	struct kh_source_list list;
	struct kh_error err;
	char src[128];

	kh_build_opts_init(&o);
	snprintf(src, sizeof(src), "%s/src", root);
	o.srctree = src;
	o.arch = "vax";
	cr_assert_eq(kh_collect(&o, &list, &err), -ENOENT);
	cr_assert(strstr(err.msg, "unknown architecture 'vax'"), "%s", err.msg);
}

Test(collect, missing_autoconf_is_error)
{
	struct kh_build_opts o;
	struct kh_source_list list;
	struct kh_error err;
	char src[128];

	kh_build_opts_init(&o);
	snprintf(src, sizeof(src), "%s/src", root);
	o.srctree = src;
	o.objtree = "/nonexistent-objtree";
	o.arch = "x86";
	cr_assert_lt(kh_collect(&o, &list, &err), 0);
	cr_assert(strstr(err.msg, "/nonexistent-objtree"), "%s", err.msg);
}

Test(collect, list_files_hermetic)
{
	struct kh_build_opts o;
	struct kh_source_list list;
	struct kh_error err;
	char src[128], obj[128], sl[160], ol[160], text[512];

	kh_build_opts_init(&o);
	snprintf(src, sizeof(src), "%s/src", root);
	snprintf(obj, sizeof(obj), "%s/obj", root);
	snprintf(text, sizeof(text), "%s/include/linux/kconfig.h\ninclude/linux/a.h\n", src);
	put("src.list", text);
	put("obj.list", "include/generated/autoconf.h\nModule.symvers\n"
	    "include/generated/utsversion.h\n");
	snprintf(sl, sizeof(sl), "%s/src.list", root);
	snprintf(ol, sizeof(ol), "%s/obj.list", root);
	o.srctree = src;
	o.objtree = obj;
	o.srclist = sl;
	o.objlist = ol;
	cr_assert_eq(kh_collect(&o, &list, &err), 0, "%s", err.msg);
	cr_assert_str_eq(names_of(&list), "include/generated/autoconf.h "
			 "include/linux/a.h include/linux/kconfig.h ");
	cr_assert_eq(list.nr_skipped, 2);
	kh_source_list_release(&list);
}

Test(collect, list_line_outside_tree_refused)
{
	struct kh_build_opts o;
	struct kh_source_list list;
	struct kh_error err;
	char src[128], sl[160];

	kh_build_opts_init(&o);
	snprintf(src, sizeof(src), "%s/src", root);
	put("bad.list", "../../etc/passwd\n");
	snprintf(sl, sizeof(sl), "%s/bad.list", root);
	o.srctree = src;
	o.srclist = sl;
	cr_assert_eq(kh_collect(&o, &list, &err), -EINVAL);
	cr_assert(strstr(err.msg, "line 1"), "%s", err.msg);
}

Test(collect, linked_directory_is_not_walked_and_deps_are_sorted)
{
	struct kh_source_list list;
	struct kh_error err;
	char want[512], top[512];
	size_t i;

	put("src/include/zz/z.h", "z\n");
	put("src/include/aa/a.h", "a\n");
	link_to("../arch/x86/include/asm", "src/include/asm");
	cr_assert_eq(collect(&list, &err, KH_PROFILE_HEADERS), 0, "%s", err.msg);
	cr_assert_null(strstr(names_of(&list), " include/asm/"),
		       "%s", names_of(&list));
	snprintf(top, sizeof(top), "%s/src/include", root);
	for (i = 0; i + 1 < list.nr_deps &&
	     !strncmp(list.deps[i + 1], top, strlen(top)); i++)
		cr_assert_lt(strcmp(list.deps[i], list.deps[i + 1]), 0,
			     "'%s' before '%s'", list.deps[i], list.deps[i + 1]);
	cr_assert_eq(i, 5, "include, aa, linux, uapi, uapi/linux, zz");
	snprintf(want, sizeof(want), "%s/src/include/aa", root);
	cr_assert_str_eq(list.deps[1], want);
	kh_source_list_release(&list);
}
