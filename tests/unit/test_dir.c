// SPDX-License-Identifier: GPL-2.0
/*
 * test_dir.c - the directory module: sorted names, the walk that never
 * follows a link, removal at a descriptor, and the one trust rule.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kheaders.h"
#include "dir.h"

static char top[64];
static int topfd = -1;

static void mk_top(void)
{
	strcpy(top, "/tmp/kh-dir.XXXXXX");
	cr_assert_not_null(mkdtemp(top));
	topfd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(topfd, 0);
}

static void rm_top(void)
{
	char cmd[256];

	close(topfd);
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s'; rm -rf '%s'", top,
		 top);
	cr_assert_eq(system(cmd), 0);
}

/* Run @cmd inside the top directory. */
static void sh(const char *cmd)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "cd '%s' && %s", top, cmd);
	cr_assert_eq(system(buf), 0, "%s", buf);
}

TestSuite(dir, .init = mk_top, .fini = rm_top);

Test(dir, names_are_sorted_bytewise_without_dots)
{
	static const char *const want[] = { ".x", "B", "a", "a.b", "b" };
	char **names;
	size_t nr, i;

	sh("touch b a B a.b .x");
	cr_assert_eq(kh_dir_names(topfd, &names, &nr), 0);
	cr_assert_eq(nr, 5);
	for (i = 0; i < nr; i++)
		cr_assert_str_eq(names[i], want[i]);
	kh_dir_names_free(names, nr);
}

Test(dir, names_of_an_empty_directory)
{
	char **names;
	size_t nr;

	cr_assert_eq(kh_dir_names(topfd, &names, &nr), 0);
	cr_assert_eq(nr, 0);
	cr_assert_null(names);
}

Test(dir, names_leave_the_descriptor_offset_alone)
{
	char **names;
	size_t nr;

	sh("touch a b");
	cr_assert_eq(kh_dir_names(topfd, &names, &nr), 0);
	kh_dir_names_free(names, nr);
	cr_assert_eq(lseek(topfd, 0, SEEK_CUR), 0);
}

struct seen {
	char log[1024];
	const char *skip;	/* path not to enter */
	int stop_at;		/* visit number that fails, 0: none */
	int n;
};

static int log_visit(const struct kh_dir_entry *e, void *ctx)
{
	struct seen *s = ctx;
	size_t len = strlen(s->log);

	snprintf(s->log + len, sizeof(s->log) - len, "%s%s:%u%c ",
		 e->path, S_ISDIR(e->st.st_mode) ? "/" : "", e->depth,
		 S_ISLNK(e->st.st_mode) ? 'l' : '-');
	if (++s->n == s->stop_at)
		return -EINTR;
	if (s->skip && !strcmp(e->path, s->skip))
		return KH_DIR_SKIP;
	return 0;
}

static int log_fail(const struct kh_dir_entry *e, enum kh_dir_op op,
		    int code, void *ctx)
{
	struct seen *s = ctx;
	size_t len = strlen(s->log);

	snprintf(s->log + len, sizeof(s->log) - len, "fail %d %s %d", op,
		 e->path, code);
	return -1000;
}

static int walk(struct seen *s, unsigned int max_depth, bool with_fail)
{
	const struct kh_dir_walk w = {
		.max_depth = max_depth, .visit = log_visit,
		.fail = with_fail ? log_fail : NULL, .ctx = s,
	};

	return kh_dir_walk(topfd, &w);
}

Test(dir, walk_is_preorder_with_sorted_names)
{
	struct seen s = { .n = 0 };

	sh("mkdir -p c a/y && touch b a/x a/y/z");
	cr_assert_eq(walk(&s, 8, true), 0);
	cr_assert_str_eq(s.log, "a/:1- a/x:2- a/y/:2- a/y/z:3- b:1- c/:1- ");
}

Test(dir, walk_never_follows_a_link)
{
	struct seen s = { .n = 0 };

	sh("mkdir real && touch real/f && ln -s real l && ln -s / root");
	cr_assert_eq(walk(&s, 8, true), 0);
	cr_assert_str_eq(s.log, "l:1l real/:1- real/f:2- root:1l ");
}

Test(dir, walk_skip_does_not_enter_a_directory)
{
	struct seen s = { .skip = "a" };

	sh("mkdir a b && touch a/x b/y");
	cr_assert_eq(walk(&s, 8, true), 0);
	cr_assert_str_eq(s.log, "a/:1- b/:1- b/y:2- ");
}

Test(dir, walk_refuses_a_directory_past_the_depth_bound)
{
	struct seen s = { .n = 0 };

	sh("mkdir -p a/b/c");
	cr_assert_eq(walk(&s, 1, true), -1000);
	cr_assert_str_eq(s.log, "a/:1- a/b/:2- fail 3 a/b 40");
}

Test(dir, walk_without_fail_returns_the_errno)
{
	struct seen s = { .n = 0 };

	sh("mkdir -p a/b");
	cr_assert_eq(walk(&s, 1, false), -ELOOP);
}

Test(dir, walk_reports_a_directory_it_cannot_open)
{
	struct seen s = { .n = 0 };

	if (!geteuid())
		cr_skip_test("root opens a directory of mode 0");
	sh("mkdir a && chmod 0 a");
	cr_assert_eq(walk(&s, 8, true), -1000);
	cr_assert_str_eq(s.log, "a/:1- fail 1 a 13");
}

Test(dir, walk_stops_at_a_visit_error)
{
	struct seen s = { .stop_at = 2 };

	sh("touch a b c");
	cr_assert_eq(walk(&s, 8, true), -EINTR);
	cr_assert_str_eq(s.log, "a:1- b:1- ");
}

Test(dir, remove_tree_at_never_follows_a_link)
{
	char outside[128], cmd[512];
	struct stat st;

	snprintf(outside, sizeof(outside), "%s.out", top);
	cr_assert_eq(mkdir(outside, 0700), 0);
	snprintf(cmd, sizeof(cmd), "touch '%s/keep' && mkdir -p t/a/b && touch t/a/b/f && ln -s '%s' t/a/l && chmod 0 t/a/b",
		 outside, outside);
	sh(cmd);
	cr_assert_eq(kh_dir_remove_tree_at(topfd, "t"), 0);
	cr_assert_neq(fstatat(topfd, "t", &st, AT_SYMLINK_NOFOLLOW), 0);
	snprintf(cmd, sizeof(cmd), "%s/keep", outside);
	cr_assert_eq(stat(cmd, &st), 0, "the link's target was removed");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", outside);
	cr_assert_eq(system(cmd), 0);
}

Test(dir, remove_tree_at_of_a_missing_name_is_fine)
{
	cr_assert_eq(kh_dir_remove_tree_at(topfd, "absent"), 0);
}

Test(dir, empty_at_keeps_the_directory)
{
	char **names;
	size_t nr;

	sh("mkdir -p a/b && touch c a/b/d && ln -s a e");
	cr_assert_eq(kh_dir_empty_at(topfd), 0);
	cr_assert_eq(kh_dir_names(topfd, &names, &nr), 0);
	cr_assert_eq(nr, 0);
	cr_assert_eq(access(top, F_OK), 0);
}

static enum kh_dir_trust trust(uid_t uid, gid_t gid, mode_t mode)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_uid = uid;
	st.st_gid = gid;
	st.st_mode = S_IFDIR | mode;
	return kh_dir_trust(&st);
}

Test(dir, trust_wants_ours_and_writable_by_nobody_else)
{
	cr_assert_eq(trust(geteuid(), getegid(), 0755), KH_DIR_TRUSTED);
	cr_assert_eq(trust(geteuid(), getegid(), 0700), KH_DIR_TRUSTED);
	cr_assert_eq(trust(geteuid(), getegid(), 0757), KH_DIR_SHARED);
	cr_assert_eq(trust(geteuid() + 1, getegid(), 0755), KH_DIR_FOREIGN);
}

Test(dir, trust_refuses_a_group_writable_directory_even_of_our_group)
{
	cr_assert_eq(trust(geteuid(), getegid(), 0775), KH_DIR_SHARED);
	cr_assert_eq(trust(geteuid(), getegid() + 1, 0770), KH_DIR_SHARED);
	cr_assert_eq(trust(geteuid(), getegid(), 01777), KH_DIR_SHARED);
}
