// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_listfile.c - any bytes as the --srclist and --objlist files of a
 * hermetic build (split at the first NUL; the first byte picks the
 * profile), collected against the fixture trees.  Invariants: success or
 * a message; every collected name is relative, normalized and non-empty,
 * read from inside its tree, and the list is strictly sorted.
 */
#include <assert.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static char srclist[96], objlist[96];

static void write_list(const char *path, const uint8_t *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert(fd >= 0);
	assert(write(fd, data, len) == (ssize_t)len);
	close(fd);
}

static void check_name(const struct kh_source *s, const char *tree)
{
	size_t n = strlen(tree);

	assert(s->name[0] && s->name[0] != '/');
	assert(!strstr(s->name, "//") && strcmp(s->name, ".."));
	assert(strncmp(s->name, "../", 3) && !strstr(s->name, "/../"));
	assert(strncmp(s->name, "./", 2) && !strstr(s->name, "/./"));
	assert(!strncmp(s->path, tree, n) && s->path[n] == '/');
	assert(!strcmp(s->path + n + 1, s->name));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kh_error err;
	struct kh_build_opts opts;
	struct kh_source_list list;
	const uint8_t *nul;
	size_t i;

	if (!srclist[0]) {
		/* tmpfs when there is one: this harness is bound by file I/O */
		snprintf(dir, sizeof(dir), "%s/%s.XXXXXX",
			 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm", "kh-fuzz-list");
		assert(mkdtemp(dir));
		snprintf(srclist, sizeof(srclist), "%s/src.list", dir);
		snprintf(objlist, sizeof(objlist), "%s/obj.list", dir);
	}
	if (!size)
		return 0;
	kh_build_opts_init(&opts);
	opts.profile = data[0] & 1 ? KH_PROFILE_UAPI : KH_PROFILE_HEADERS;
	data++;
	size--;
	nul = memchr(data, 0, size);
	write_list(srclist, data, nul ? (size_t)(nul - data) : size);
	write_list(objlist, nul ? nul + 1 : data,
		   nul ? size - (nul + 1 - data) : 0);
	opts.srctree = KH_FUZZ_FIXTURES "/linux";
	opts.objtree = KH_FUZZ_FIXTURES "/linux-obj";
	opts.srclist = srclist;
	opts.objlist = objlist;
	err.msg[0] = '\0';
	if (kh_collect(&opts, &list, &err)) {
		assert(err.msg[0]);
		return 0;
	}
	for (i = 0; i < list.nr; i++) {
		check_name(&list.v[i], list.v[i].from_objtree ? opts.objtree :
			   opts.srctree);
		assert(!i || strcmp(list.v[i - 1].name, list.v[i].name) < 0);
	}
	kh_source_list_release(&list);
	return 0;
}
