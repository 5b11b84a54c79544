// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_prepare.c - the cache check behind kh_prepare() on damaged entries.
 * The first byte picks the shape: even, the rest is a completion marker
 * for the parser (a parsed marker must format and parse back to the same
 * fields); odd, the rest is a list of edits (truncate, append, chmod,
 * replace by a link or a FIFO, add a file, rewrite the marker with fuzz
 * bytes) applied to a freshly sealed entry.  Invariants: no crash; a
 * failed check says why; an entry the check accepts still has exactly
 * the paths, types and sizes it was sealed with and a marker naming it.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lzma.h>

#include "digest.h"
#include "kheaders.h"
#include "prepare_cache.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A ustar archive of three files, written once with tar's layout. */
static const char *const files[] = {
	"include/linux/kconfig.h", "include/linux/types.h",
	"arch/x86/include/asm/page.h",
};

static char scratch[64], root[80];
static struct kh_buf xz;
static char sha[65];
static int rootfd = -1;

static void tar_header(uint8_t *h, const char *name, char type, size_t size)
{
	unsigned int sum = 0, i;

	memset(h, 0, 512);
	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "%07o", type == '5' ? 0755 : 0644);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011zo", size);
	snprintf((char *)h + 136, 12, "%011o", 0);
	h[156] = type;
	memcpy(h + 257, "ustar\0" "00", 8);
	memset(h + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
}

static void make_archive(void)
{
	static const char *const dirs[] = {
		"include/", "include/linux/", "arch/", "arch/x86/",
		"arch/x86/include/", "arch/x86/include/asm/",
	};
	uint8_t tar[16384], d[KH_SHA256_LEN];
	size_t len = 0, i, n, pos = 0;

	for (i = 0; i < ARRAY_SIZE(dirs); i++, len += 512)
		tar_header(tar + len, dirs[i], '5', 0);
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		n = strlen(files[i]);
		tar_header(tar + len, files[i], '0', n);
		len += 512;
		memset(tar + len, 0, 512);
		memcpy(tar + len, files[i], n);
		len += 512;
	}
	memset(tar + len, 0, 1024);
	len += 1024;
	kh_buf_init(&xz);
	assert(!kh_buf_reserve(&xz, len + 4096));
	assert(lzma_easy_buffer_encode(0, LZMA_CHECK_CRC32, NULL, tar, len,
				       xz.data, &pos, len + 4096) == LZMA_OK);
	xz.len = pos;
	assert(!kh_sha256(xz.data, xz.len, d));
	kh_hex(d, sizeof(d), sha);
}

static void setup(void)
{
	struct kh_error err;

	snprintf(scratch, sizeof(scratch), "%s/kh-fuzz-prepare.XXXXXX",
		 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
	assert(mkdtemp(scratch));
	snprintf(root, sizeof(root), "%s/cache", scratch);
	rootfd = kh_prepare_root_open(root, true, &err);
	assert(rootfd >= 0);
	make_archive();
}

static void fuzz_marker(const uint8_t *data, size_t size)
{
	struct kh_prepare_marker m, back;
	const char *why = NULL;
	struct kh_buf text;

	if (kh_prepare_marker_parse((const char *)data, size, &m, &why)) {
		assert(why && *why);
		return;
	}
	assert(kh_prepare_name_valid(m.sha256));
	assert(kh_prepare_name_valid(m.manifest));
	kh_buf_init(&text);
	assert(!kh_prepare_marker_format(&m, &text));
	assert(!kh_prepare_marker_parse((char *)text.data, text.len, &back,
					&why));
	assert(!strcmp(m.sha256, back.sha256));
	assert(!strcmp(m.manifest, back.manifest));
	assert(m.entries == back.entries && m.bytes == back.bytes);
	assert(!strcmp(m.arch, back.arch));
	assert(m.have_stat == back.have_stat);
	kh_buf_release(&text);
}

/* Apply one edit of 3 bytes (op, target, argument) inside the entry. */
static void edit(int efd, const uint8_t *e, const uint8_t *rest, size_t len)
{
	const char *f = files[e[1] % 3];
	int fd;

	switch (e[0] % 8) {
	case 0:
		fd = openat(efd, f, O_WRONLY | O_NONBLOCK | O_NOFOLLOW);
		if (fd >= 0) {
			if (ftruncate(fd, e[2]))
				perror("truncate");
			close(fd);
		}
		break;
	case 1:
		fd = openat(efd, f, O_WRONLY | O_APPEND | O_NONBLOCK |
			    O_NOFOLLOW);
		if (fd >= 0) {
			if (write(fd, e, 1 + e[2] % 2) < 0)
				perror("append");
			close(fd);
		}
		break;
	case 2:
		fchmodat(efd, e[1] & 1 ? "include/linux" : f,
			 0600 | (e[2] & 0177), 0);
		break;
	case 3:
		unlinkat(efd, f, 0);
		symlinkat("types.h", efd, f);
		break;
	case 4:
		unlinkat(efd, f, 0);
		mkfifoat(efd, f, 0644);
		break;
	case 5:
		fd = openat(efd, e[2] & 1 ? "include/new.h" : "extra",
			    O_WRONLY | O_CREAT | O_NONBLOCK | O_NOFOLLOW,
			    0644);
		if (fd >= 0)
			close(fd);
		break;
	case 6:
		fd = openat(efd, KH_PREPARE_MARKER,
			    O_WRONLY | O_TRUNC | O_NONBLOCK | O_NOFOLLOW);
		if (fd >= 0) {
			if (write(fd, rest, len) < 0)
				perror("marker");
			close(fd);
		}
		break;
	default:
		unlinkat(efd, f, 0);
		break;
	}
}

static void fuzz_entry(const uint8_t *data, size_t size)
{
	char why[KH_PREPARE_WHY_MAX], path[160];
	struct kh_prepare_marker m, sealed, found;
	struct kh_error err;
	size_t i;
	int efd, ret;

	memset(&m, 0, sizeof(m));
	memcpy(m.sha256, sha, sizeof(sha));
	assert(!kh_prepare_entry_create(rootfd, root, xz.data, xz.len, NULL,
					&m, &err));
	sealed = m;
	snprintf(path, sizeof(path), "%s/%s", root, sha);
	efd = open(path, O_RDONLY | O_DIRECTORY);
	assert(efd >= 0);
	for (i = 0; i + 3 <= size && i < 3 * 8; i += 3)
		edit(efd, data + i, data + i + 3, size - i - 3);
	close(efd);
	why[0] = '\0';
	ret = kh_prepare_entry_check(rootfd, sha, &found, why);
	if (ret) {
		assert(ret == -EUCLEAN && why[0]);
	} else {
		assert(!strcmp(found.sha256, sha));
		memset(&m, 0, sizeof(m));
		efd = open(path, O_RDONLY | O_DIRECTORY);
		assert(efd >= 0);
		assert(!kh_prepare_manifest(efd, &m, why));
		close(efd);
		assert(!strcmp(m.manifest, sealed.manifest));
	}
	assert(!kh_prepare_entry_remove(rootfd, root, sha, &err));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (rootfd < 0)
		setup();
	if (!size)
		return 0;
	if (data[0] & 1)
		fuzz_entry(data + 1, size - 1);
	else
		fuzz_marker(data + 1, size - 1);
	return 0;
}
