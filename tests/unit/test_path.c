// SPDX-License-Identifier: GPL-2.0
/*
 * test_path.c - the one path module: the component walker and what the
 * collector, the safe unpacker and the listings build on it.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kheaders.h"
#include "path.h"
#include "util.h"

Test(path, next_walks_every_component_including_empty_ones)
{
	const char *rest = "a//b/./../c/";
	static const char *const want[] = { "a", "", "b", ".", "..", "c", "" };
	struct kh_path_comp c;
	size_t i = 0;

	while (kh_path_next(&rest, &c)) {
		cr_assert_lt(i, 7);
		cr_assert_eq(c.len, strlen(want[i]));
		cr_assert(!strncmp(c.name, want[i], c.len));
		i++;
	}
	cr_assert_eq(i, 7);
	cr_assert_null(rest);
}

Test(path, comp_kinds)
{
	struct kh_path_comp self = { ".", 1 }, empty = { "", 0 },
			    up = { "..", 2 }, name = { "...", 3 };

	cr_assert(kh_path_comp_self(&self));
	cr_assert(kh_path_comp_self(&empty));
	cr_assert_not(kh_path_comp_self(&up));
	cr_assert(kh_path_comp_up(&up));
	cr_assert_not(kh_path_comp_up(&name));
	cr_assert_not(kh_path_comp_self(&name));
}

Test(path, link_target_is_resolved_from_the_links_directory)
{
	char *t;

	t = kh_path_link_target("include/linux/a.h", "../uapi/linux/a.h");
	cr_assert_str_eq(t, "include/uapi/linux/a.h");
	free(t);
	t = kh_path_link_target("top.h", "include/x.h");
	cr_assert_str_eq(t, "include/x.h");
	free(t);
	cr_assert_null(kh_path_link_target("include/a.h", "../../x.h"));
	cr_assert_null(kh_path_link_target("include/a.h", "/usr/x.h"));
}

Test(path, split_refuses_too_deep_and_join_rebuilds)
{
	char deep[KH_PATH_MAX_DEPTH * 2 + 3];
	const char *why = NULL;
	struct kh_path p;
	char *j;
	size_t i;

	for (i = 0; i < KH_PATH_MAX_DEPTH + 1; i++) {
		deep[2 * i] = 'd';
		deep[2 * i + 1] = '/';
	}
	deep[2 * i - 1] = '\0';
	cr_assert_eq(kh_path_split(&p, deep, &why), -EPERM);
	cr_assert_str_eq(why, "too deeply nested");
	kh_path_release(&p);
	cr_assert_eq(kh_path_split(&p, "./a//b/c/", &why), 0);
	j = kh_path_prefix(&p, p.n);
	cr_assert_str_eq(j, "a/b/c");
	free(j);
	j = kh_path_prefix(&p, 0);
	cr_assert_str_eq(j, "");
	free(j);
	kh_path_release(&p);
}

Test(path, normalize)
{
	char a[] = "include/linux/../uapi/./x.h", b[] = "../x.h",
	     c[] = "/abs.h", d[] = "a//b/";

	cr_assert(kh_path_normalize(a));
	cr_assert_str_eq(a, "include/uapi/x.h");
	cr_assert_not(kh_path_normalize(b));
	cr_assert_not(kh_path_normalize(c));
	cr_assert(kh_path_normalize(d));
	cr_assert_str_eq(d, "a/b");
}

Test(path, name_key_strips_dot_slash_and_trailing_slash)
{
	size_t len;
	const char *k;

	k = kh_name_key("./include/linux/", &len);
	cr_assert_eq(len, 13);
	cr_assert(!strncmp(k, "include/linux", len));
	k = kh_name_key("./", &len);
	cr_assert_eq(len, 0);
	k = kh_name_key(".", &len);
	cr_assert_eq(len, 0);
	k = kh_name_key("include/x.h", &len);
	cr_assert_eq(len, 11);
	k = kh_name_key("././/a", &len);
	cr_assert(!strncmp(k, "a", len) && len == 1);
	k = kh_name_key("./.config", &len);
	cr_assert(!strncmp(k, ".config", len) && len == 7);
}

Test(path, path_split_drops_dots_and_refuses_escapes)
{
	struct kh_path p;
	const char *why = NULL;

	cr_assert_eq(kh_path_split(&p, ".//include/./linux/x.h", &why), 0);
	cr_assert_eq(p.n, 3);
	cr_assert_str_eq(p.comp[2], "x.h");
	kh_path_release(&p);
	cr_assert_eq(kh_path_split(&p, "a/../../b", &why), -EPERM);
	cr_assert_str_eq(why, "'..' component");
	kh_path_release(&p);
	cr_assert_eq(kh_path_split(&p, "/etc/passwd", &why), -EPERM);
	cr_assert_str_eq(why, "absolute path");
	kh_path_release(&p);
}

Test(path, link_targets_must_stay_inside)
{
	struct kh_path p;
	const char *why;

	cr_assert_eq(kh_path_split(&p, "include/linux/a.h", &why), 0);
	cr_assert(kh_link_target_inside(&p, "b.h", &why));
	cr_assert(kh_link_target_inside(&p, "../../arch/x.h", &why));
	cr_assert_not(kh_link_target_inside(&p, "../../../x.h", &why));
	cr_assert_not(kh_link_target_inside(&p, "/x.h", &why));
	cr_assert_not(kh_link_target_inside(&p, "", &why));
	kh_path_release(&p);
}

Test(path, join_puts_one_slash_between)
{
	char *s = kh_path_join("a/b", "c/d.h");

	cr_assert_str_eq(s, "a/b/c/d.h");
	free(s);
	s = kh_path_join("/home/u/", ".cache/kheaders");
	cr_assert_str_eq(s, "/home/u//.cache/kheaders", "joined as given");
	free(s);
}

Test(path, absolute_resolves_dots_lexically)
{
	static const char *const cases[][3] = {
		{ "/home/u", "cache", "/home/u/cache" },
		{ "/home/u", "./a/../b//c/", "/home/u/b/c" },
		{ "/home/u", "../../../x", "/x" },
		{ "/ignored", "/abs/./p/..", "/abs" },
		{ "/", ".", "/" },
		{ "", "/..", "/" },
	};
	size_t i;
	char *s;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		s = kh_path_absolute(cases[i][0], cases[i][1]);
		cr_assert_str_eq(s, cases[i][2], "'%s' + '%s'", cases[i][0],
				 cases[i][1]);
		free(s);
	}
}
