// SPDX-License-Identifier: GPL-2.0
/*
 * cache.c - the block cache: one file per record, named by the hex key, in
 * one directory.  A record is a fixed little-endian header (magic, key, two
 * caller numbers, payload length, payload SHA-256) and the payload.  Writes
 * go to a temporary file renamed into place; reads check every size and the
 * payload digest, so a truncated or damaged record is a miss, never data.
 * The modification time of a record is its last use: kh_cache_trim()
 * removes the oldest first.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "dir.h"
#include "error.h"
#include "util.h"

#define CACHE_MAGIC "KHBLK\0\0\1"
#define CACHE_HDR (8 + KH_SHA256_LEN + 8 + 8 + 8 + KH_SHA256_LEN)
#define CACHE_MAX_PAYLOAD (1ULL << 32)
#define CACHE_TMP_PREFIX ".tmp-"
#define CACHE_TMP_MAX_AGE 3600

struct kh_cache {
	char *dir;
	int dfd;
	uint64_t max_bytes;
	unsigned long seq;	/* atomic: temporary file names */
};

static void put_le64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Backup tools skip a directory holding this (bford.info/cachedir). */
static void write_tag(int dfd)
{
	static const char tag[] =
		"Signature: 8a477f597d28d172789f06886806bc55\n"
		"# This is the kheaders block cache; it can be deleted.\n";
	int fd;

	fd = openat(dfd, "CACHEDIR.TAG", O_WRONLY | O_CREAT | O_EXCL |
		    O_CLOEXEC, 0666);
	if (fd < 0)
		return;
	if (write(fd, tag, sizeof(tag) - 1) < 0) {
		/* best effort: the tag is a courtesy */
	}
	close(fd);
}

int kh_cache_open(struct kh_cache **cache, const char *dir,
		  uint64_t max_bytes, struct kh_error *err)
{
	struct kh_cache *c;
	int ret;

	*cache = NULL;
	/* Only the last component: a missing parent is the caller's error. */
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		return kh_err_sys_at(err, errno, dir,
				  "cannot create cache directory '%s'", dir);
	c = calloc(1, sizeof(*c));
	if (!c || !(c->dir = strdup(dir))) {
		free(c);
		return kh_err_sys_at(err, ENOMEM, dir,
				     "cannot open cache '%s'", dir);
	}
	c->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->dfd < 0) {
		ret = kh_err_sys_at(err, errno, dir,
				    "cannot open cache directory '%s'",
				 dir);
		free(c->dir);
		free(c);
		return ret;
	}
	c->max_bytes = max_bytes;
	write_tag(c->dfd);
	*cache = c;
	return 0;
}

void kh_cache_close(struct kh_cache *cache)
{
	if (!cache)
		return;
	close(cache->dfd);
	free(cache->dir);
	free(cache);
}

const char *kh_cache_dir(const struct kh_cache *cache)
{
	return cache->dir;
}

static void key_name(const uint8_t key[KH_SHA256_LEN], char name[KH_SHA256_HEX])
{
	kh_hex(key, KH_SHA256_LEN, name);
}

char *kh_cache_path(const struct kh_cache *cache,
		    const uint8_t key[KH_SHA256_LEN])
{
	char name[KH_SHA256_HEX], *path;

	key_name(key, name);
	if (asprintf(&path, "%s/%s", cache->dir, name) < 0)
		return NULL;
	return path;
}

/* Check a whole record held in @buf; NULL if good, else why not. */
static const char *record_check(const uint8_t *buf, size_t len,
				const uint8_t key[KH_SHA256_LEN])
{
	uint8_t digest[KH_SHA256_LEN];
	uint64_t plen;

	if (len < CACHE_HDR)
		return "truncated header";
	if (memcmp(buf, CACHE_MAGIC, 8))
		return "bad magic";
	if (memcmp(buf + 8, key, KH_SHA256_LEN))
		return "record is for another key";
	plen = get_le64(buf + 8 + KH_SHA256_LEN + 16);
	if (plen > CACHE_MAX_PAYLOAD || plen != len - CACHE_HDR)
		return "payload size does not match the file size";
	if (kh_sha256(buf + CACHE_HDR, plen, digest))
		return "cannot compute the payload digest";
	if (memcmp(digest, buf + CACHE_HDR - KH_SHA256_LEN, KH_SHA256_LEN))
		return "payload digest mismatch";
	return NULL;
}

int kh_cache_get(struct kh_cache *cache, const uint8_t key[KH_SHA256_LEN],
		 struct kh_cache_rec *rec, char *why, size_t why_size)
{
	char name[KH_SHA256_HEX];
	const char *bad;
	struct kh_buf buf;
	struct kh_error err;
	int fd, ret;

	key_name(key, name);
	fd = openat(cache->dfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	kh_buf_init(&buf);
	ret = kh_read_fd(fd, name, CACHE_HDR + CACHE_MAX_PAYLOAD, &buf, &err);
	close(fd);
	if (ret) {
		kh_buf_release(&buf);
		return 0;
	}
	bad = record_check(buf.data, buf.len, key);
	if (bad) {
		snprintf(why, why_size, "ignoring corrupt cache entry '%s/%s': %s",
			 cache->dir, name, bad);
		unlinkat(cache->dfd, name, 0);
		kh_buf_release(&buf);
		return -EBADMSG;
	}
	rec->a = get_le64(buf.data + 8 + KH_SHA256_LEN);
	rec->b = get_le64(buf.data + 8 + KH_SHA256_LEN + 8);
	ret = kh_buf_append(&rec->payload, buf.data + CACHE_HDR,
			    buf.len - CACHE_HDR);
	kh_buf_release(&buf);
	if (ret)
		return 0;
	/* Mark it used, for kh_cache_trim(). */
	utimensat(cache->dfd, name, NULL, 0);
	return 1;
}

static int write_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= n;
	}
	return 0;
}

int kh_cache_put(struct kh_cache *cache, const uint8_t key[KH_SHA256_LEN],
		 const struct kh_cache_rec *rec)
{
	uint8_t hdr[CACHE_HDR];
	char name[KH_SHA256_HEX], tmp[96];
	unsigned long seq;
	int fd, ret;

	memcpy(hdr, CACHE_MAGIC, 8);
	memcpy(hdr + 8, key, KH_SHA256_LEN);
	put_le64(hdr + 8 + KH_SHA256_LEN, rec->a);
	put_le64(hdr + 8 + KH_SHA256_LEN + 8, rec->b);
	put_le64(hdr + 8 + KH_SHA256_LEN + 16, rec->payload.len);
	ret = kh_sha256(rec->payload.data, rec->payload.len,
			hdr + CACHE_HDR - KH_SHA256_LEN);
	if (ret)
		return ret;
	key_name(key, name);
	seq = __atomic_fetch_add(&cache->seq, 1, __ATOMIC_RELAXED);
	snprintf(tmp, sizeof(tmp), CACHE_TMP_PREFIX "%ld-%lu-%.16s",
		 (long)getpid(), seq, name);
	fd = openat(cache->dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0666);
	if (fd < 0)
		return -errno;
	ret = write_all(fd, hdr, sizeof(hdr));
	if (!ret)
		ret = write_all(fd, rec->payload.data, rec->payload.len);
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (!ret && renameat(cache->dfd, tmp, cache->dfd, name) < 0)
		ret = -errno;
	if (ret)
		unlinkat(cache->dfd, tmp, 0);
	return ret;
}

struct cache_file {
	char name[KH_SHA256_HEX];
	struct timespec used;
	uint64_t size;
};

static bool is_record_name(const char *s)
{
	size_t i;

	for (i = 0; i < KH_SHA256_HEX - 1; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[i] == '\0';
}

static int cmp_used(const void *a, const void *b)
{
	const struct cache_file *x = a, *y = b;

	if (x->used.tv_sec != y->used.tv_sec)
		return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
	if (x->used.tv_nsec != y->used.tv_nsec)
		return x->used.tv_nsec < y->used.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Old temporary files are left by killed builds; young ones are live. */
static void drop_stale_tmp(struct kh_cache *cache, const char *name,
			   const struct stat *st)
{
	if (time(NULL) - st->st_mtim.tv_sec > CACHE_TMP_MAX_AGE)
		unlinkat(cache->dfd, name, 0);
}

static int list_records(struct kh_cache *cache, struct cache_file **files,
			size_t *nr, uint64_t *total)
{
	struct cache_file *v = NULL;
	size_t n = 0, alloc = 0, nnames, i;
	struct stat st;
	char **names;
	int ret;

	ret = kh_dir_names(cache->dfd, &names, &nnames);
	if (ret)
		return ret;
	*total = 0;
	for (i = 0; i < nnames; i++) {
		const char *name = names[i];
		bool tmp = !strncmp(name, CACHE_TMP_PREFIX,
				    strlen(CACHE_TMP_PREFIX));

		if (!tmp && !is_record_name(name))
			continue;
		if (fstatat(cache->dfd, name, &st, AT_SYMLINK_NOFOLLOW))
			continue;	/* removed meanwhile */
		if (tmp) {
			drop_stale_tmp(cache, name, &st);
			continue;
		}
		if (ALLOC_GROW(v, n + 1, alloc)) {
			ret = -ENOMEM;
			goto out_free_names;
		}
		memcpy(v[n].name, name, KH_SHA256_HEX);
		v[n].used = st.st_mtim;
		v[n].size = st.st_size;
		*total += st.st_size;
		n++;
	}
	*files = v;
	*nr = n;
	v = NULL;
out_free_names:
	free(v);
	kh_dir_names_free(names, nnames);
	return ret;
}

int kh_cache_trim(struct kh_cache *cache, size_t *removed)
{
	struct cache_file *v = NULL;
	uint64_t total = 0;
	size_t n = 0, i, gone = 0;
	int ret;

	ret = list_records(cache, &v, &n, &total);
	if (ret)
		return ret;
	if (total > cache->max_bytes)
		qsort(v, n, sizeof(*v), cmp_used);
	for (i = 0; i < n && total > cache->max_bytes; i++) {
		/* Another build may have removed it first: fine. */
		if (!unlinkat(cache->dfd, v[i].name, 0))
			gone++;
		total -= v[i].size;
	}
	free(v);
	if (removed)
		*removed = gone;
	return 0;
}
