/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dir.h - the one directory module: the names in a directory in bytewise
 * order, a walk below a directory descriptor that never follows a link,
 * removal of a tree at a descriptor, and the one rule for a directory we
 * write into (kh_dir_trust()).  Everything here works on descriptors:
 * collect, listing, unpack and prepare's cache open their top once and
 * never name a path below it again.
 */
#ifndef KH_DIR_H
#define KH_DIR_H

#include <stddef.h>
#include <sys/stat.h>

/*
 * kh_dir_names() - the names in the directory open at @dfd ("." and ".."
 * left out), sorted bytewise with strcmp(), never in readdir order.  The
 * directory is read through a descriptor of its own, so @dfd's offset is
 * not moved.  Free *@names with kh_dir_names_free().
 * Return: 0, or a negative errno value (-ENOMEM) with nothing to free.
 */
int kh_dir_names(int dfd, char ***names, size_t *nr);
void kh_dir_names_free(char **names, size_t nr);

/* What kh_dir_trust() finds wrong with a directory (or a node below one). */
enum kh_dir_trust {
	KH_DIR_TRUSTED,		/* ours, writable by nobody else */
	KH_DIR_FOREIGN,		/* owned by another user */
	KH_DIR_SHARED,		/* writable by its group or by others */
};

/*
 * kh_dir_trust() - the one rule for a directory we write into, and for
 * every node of a tree we sealed: owned by the effective uid and writable
 * by neither group nor others (@st from fstat() of the open descriptor,
 * or fstatat() with AT_SYMLINK_NOFOLLOW).  Anyone else who can write
 * there could swap a name between our check and our use of it, or change
 * a tree after we checked it.
 */
enum kh_dir_trust kh_dir_trust(const struct stat *st);

/* One node met by kh_dir_walk(). */
struct kh_dir_entry {
	int dfd;		/* the directory holding it */
	const char *name;	/* its name there ("." for the top) */
	const char *path;	/* from the top: "a/b/name"; "" for the top */
	unsigned int depth;	/* 1 for the top's entries; 0 for the top */
	struct stat st;		/* fstatat(AT_SYMLINK_NOFOLLOW) */
};

/* What kh_dir_walk() could not do, given to @fail. */
enum kh_dir_op {
	KH_DIR_STAT,		/* fstatat() of an entry */
	KH_DIR_OPEN,		/* openat() of a directory entry */
	KH_DIR_READ,		/* reading a directory's names (or no memory) */
	KH_DIR_DEEP,		/* a directory deeper than @max_depth */
};

/* kh_dir_walk's visit() return value: do not descend into this one. */
#define KH_DIR_SKIP 1

/*
 * struct kh_dir_walk - how kh_dir_walk() reports.
 * @max_depth: a directory entry deeper than this is not opened (KH_DIR_DEEP)
 * @visit: called for each entry in pre-order, names sorted bytewise; 0 goes
 *	on (into a directory), KH_DIR_SKIP does not enter it, a negative
 *	value stops the walk and is returned
 * @fail: called when @op failed on @e with errno @code; returns the
 *	negative value the walk returns (NULL: -@code)
 * @ctx: passed to both
 */
struct kh_dir_walk {
	unsigned int max_depth;
	int (*visit)(const struct kh_dir_entry *e, void *ctx);
	int (*fail)(const struct kh_dir_entry *e, enum kh_dir_op op, int code,
		    void *ctx);
	void *ctx;
};

/*
 * kh_dir_walk() - visit everything below the directory open at @dfd (which
 * stays the caller's), opening each subdirectory with openat(O_NOFOLLOW |
 * O_DIRECTORY): a symbolic link is an entry, never a way down.
 * Return: 0, or the first negative value of @visit or @fail.
 */
int kh_dir_walk(int dfd, const struct kh_dir_walk *w);

/*
 * kh_dir_remove_tree_at() - delete @name of the directory open at @dfd and
 * everything below it, never following a link (a directory of ours that we
 * cannot enter is opened up to 0700 first).  Goes on past failures.
 * Return: 0 (also when @name is absent), or the first negative errno value.
 */
int kh_dir_remove_tree_at(int dfd, const char *name);

/*
 * kh_dir_empty_at() - kh_dir_remove_tree_at() for every entry of the
 * directory open at @dfd, which stays.
 */
int kh_dir_empty_at(int dfd);

#endif /* KH_DIR_H */
