// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_unpack.c - the safe unpacker on any bytes.  The first byte picks
 * the shape: even, the rest is given as the tar.xz; odd, the rest is a tar
 * compressed here first (so that mutations reach the tar reader past the
 * xz checksums).  Everything is unpacked into a box inside a scratch
 * directory.  Invariants: success or a message naming the reason; nothing
 * appears beside the box; inside it only directories, regular files and
 * symbolic links whose targets stay inside the box.
 */
#include <assert.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kheaders.h"
#include "fuzz_xz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char scratch[64];
static char box[80];
static size_t box_len;

static int remove_one(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	remove(path);
	return 0;
}

/* The lexical target of a link at @path (inside the box) stays inside. */
static void check_link(const char *path, const struct stat *st)
{
	char target[4096], joined[8192];
	const char *rel = path + box_len + 1;
	const char *slash = strrchr(rel, '/');
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	int depth = 0;
	char *tok, *save;

	assert(n >= 0);
	target[n] = '\0';
	assert(target[0] != '/');
	snprintf(joined, sizeof(joined), "%.*s%s",
		 slash ? (int)(slash - rel) + 1 : 0, rel, target);
	for (tok = strtok_r(joined, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, ".."))
			depth--;
		else if (strcmp(tok, "."))
			depth++;
		assert(depth >= 0);
	}
}

static int check_one(const char *path, const struct stat *st, int type,
		     struct FTW *ftw)
{
	assert(type == FTW_F || type == FTW_D || type == FTW_SL ||
	       type == FTW_DNR);
	if (type == FTW_SL)
		check_link(path, st);
	else if (type == FTW_F)
		assert(S_ISREG(st->st_mode));
	return 0;
}

static void check_scratch(void)
{
	struct dirent *de;
	DIR *d = opendir(scratch);
	int n = 0;

	assert(d);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		assert(!strcmp(de->d_name, "box"));
		n++;
	}
	closedir(d);
	assert(n <= 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kh_error err;
	struct kh_unpack_opts opts = { .max_size = 16u << 20 };
	uint8_t *xz = NULL;
	size_t len;
	int ret;

	if (!box[0]) {
		snprintf(scratch, sizeof(scratch), "%s/%s.XXXXXX",
			 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm", "kh-fuzz-unpack");
		assert(mkdtemp(scratch));
		snprintf(box, sizeof(box), "%s/box", scratch);
		box_len = strlen(box);
	}
	if (!size)
		return 0;
	if (data[0] & 1)
		xz = fuzz_xz_compress(data + 1, size - 1, &len);
	err.msg[0] = '\0';
	ret = kh_unpack_to_dir(xz ? xz : data + 1, xz ? len : size - 1, box,
			       &opts, &err);
	if (ret)
		assert(ret < 0 && err.msg[0]);
	check_scratch();
	nftw(box, check_one, 16, FTW_PHYS);
	nftw(box, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	free(xz);
	return 0;
}
