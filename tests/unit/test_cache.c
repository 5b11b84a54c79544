// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kheaders.h"
#include "cache.h"
#include "digest.h"

static char cdir[64];

static void setup_cache(void)
{
	strcpy(cdir, "/tmp/kh-cache.XXXXXX");
	cr_assert_not_null(mkdtemp(cdir));
}

static void teardown_cache(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cdir);
	cr_assert_eq(system(cmd), 0);
}

static struct kh_cache *open_in(const char *sub, uint64_t max)
{
	struct kh_cache *c;
	struct kh_error err;
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", cdir, sub);
	cr_assert_eq(kh_cache_open(&c, path, max, &err), 0, "%s", err.msg);
	return c;
}

static void key_of(const char *s, uint8_t key[KH_SHA256_LEN])
{
	cr_assert_eq(kh_sha256(s, strlen(s), key), 0);
}

static void put_str(struct kh_cache *c, const char *k, const char *payload)
{
	struct kh_cache_rec rec = { .a = strlen(payload), .b = 7 };
	uint8_t key[KH_SHA256_LEN];

	key_of(k, key);
	rec.payload.data = (uint8_t *)payload;
	rec.payload.len = strlen(payload);
	cr_assert_eq(kh_cache_put(c, key, &rec), 0);
}

/* Return what kh_cache_get() returns; the payload goes into @out. */
static int get_str(struct kh_cache *c, const char *k, char *out, size_t n)
{
	struct kh_cache_rec rec = { 0 };
	uint8_t key[KH_SHA256_LEN];
	char why[512] = "";
	int ret;

	key_of(k, key);
	kh_buf_init(&rec.payload);
	ret = kh_cache_get(c, key, &rec, why, sizeof(why));
	if (ret == 1) {
		cr_assert_lt(rec.payload.len, n);
		memcpy(out, rec.payload.data, rec.payload.len);
		out[rec.payload.len] = '\0';
		cr_assert_eq(rec.a, rec.payload.len);
		cr_assert_eq(rec.b, 7);
	} else if (ret < 0) {
		cr_assert(strstr(why, "corrupt"), "warning text: %s", why);
	}
	kh_buf_release(&rec.payload);
	return ret;
}

static char *record_path(struct kh_cache *c, const char *k)
{
	uint8_t key[KH_SHA256_LEN];

	key_of(k, key);
	return kh_cache_path(c, key);
}

TestSuite(cache, .init = setup_cache, .fini = teardown_cache);

Test(cache, miss_then_hit_returns_the_stored_payload)
{
	struct kh_cache *c = open_in("c", 1 << 20);
	char out[64];

	cr_assert_eq(get_str(c, "k1", out, sizeof(out)), 0);
	put_str(c, "k1", "compressed bytes");
	cr_assert_eq(get_str(c, "k1", out, sizeof(out)), 1);
	cr_assert_str_eq(out, "compressed bytes");
	cr_assert_eq(get_str(c, "k2", out, sizeof(out)), 0);
	kh_cache_close(c);
}

Test(cache, creates_only_the_last_directory)
{
	struct kh_cache *c;
	struct kh_error err;
	char path[128];

	snprintf(path, sizeof(path), "%s/missing/c", cdir);
	cr_assert_eq(kh_cache_open(&c, path, 1 << 20, &err), -ENOENT);
	cr_assert(strstr(err.msg, "cannot create cache directory"));
}

static void damage(const char *path, off_t at, bool truncate_it)
{
	int fd = open(path, O_RDWR);
	char b;

	cr_assert_geq(fd, 0);
	if (truncate_it) {
		cr_assert_eq(ftruncate(fd, at), 0);
	} else {
		cr_assert_eq(pread(fd, &b, 1, at), 1);
		b ^= 0x20;
		cr_assert_eq(pwrite(fd, &b, 1, at), 1);
	}
	close(fd);
}

Test(cache, flipped_payload_byte_is_rejected_and_removed)
{
	struct kh_cache *c = open_in("c", 1 << 20);
	char out[64], *path;
	struct stat st;

	put_str(c, "k", "payload that will be damaged");
	path = record_path(c, "k");
	cr_assert_eq(stat(path, &st), 0);
	damage(path, st.st_size - 3, false);
	cr_assert_eq(get_str(c, "k", out, sizeof(out)), -EBADMSG);
	cr_assert_neq(access(path, F_OK), 0, "a bad record is removed");
	cr_assert_eq(get_str(c, "k", out, sizeof(out)), 0);
	free(path);
	kh_cache_close(c);
}

Test(cache, truncated_record_is_rejected)
{
	struct kh_cache *c = open_in("c", 1 << 20);
	char out[64], *path;

	put_str(c, "k", "payload that will be cut short");
	path = record_path(c, "k");
	damage(path, 100, true);
	cr_assert_eq(get_str(c, "k", out, sizeof(out)), -EBADMSG);
	put_str(c, "k", "payload");
	damage(path, 20, true);
	cr_assert_eq(get_str(c, "k", out, sizeof(out)), -EBADMSG);
	free(path);
	kh_cache_close(c);
}

Test(cache, record_under_another_key_is_rejected)
{
	struct kh_cache *c = open_in("c", 1 << 20);
	char out[64], *a, *b, cmd[512];

	put_str(c, "a", "payload of a");
	a = record_path(c, "a");
	b = record_path(c, "b");
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", a, b);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(get_str(c, "b", out, sizeof(out)), -EBADMSG);
	cr_assert_eq(get_str(c, "a", out, sizeof(out)), 1);
	free(a);
	free(b);
	kh_cache_close(c);
}

Test(cache, trim_removes_least_recently_used_first)
{
	struct kh_cache *c = open_in("c", 3 * 1200);
	char payload[1001], out[1100], name[8];
	struct timespec t[2] = { { 1000000, 0 }, { 1000000, 0 } };
	size_t removed = 0;
	int i;
	char *path;

	memset(payload, 'x', 1000);
	payload[1000] = '\0';
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "k%d", i);
		put_str(c, name, payload);
		path = record_path(c, name);
		t[0].tv_sec = t[1].tv_sec = 1000000 + i;
		cr_assert_eq(utimensat(AT_FDCWD, path, t, 0), 0);
		free(path);
	}
	/* k0 is used now: it becomes the newest. */
	cr_assert_eq(get_str(c, "k0", out, sizeof(out)), 1);
	cr_assert_eq(kh_cache_trim(c, &removed), 0);
	cr_assert_eq(removed, 2);
	cr_assert_eq(get_str(c, "k1", out, sizeof(out)), 0);
	cr_assert_eq(get_str(c, "k2", out, sizeof(out)), 0);
	cr_assert_eq(get_str(c, "k0", out, sizeof(out)), 1);
	cr_assert_eq(get_str(c, "k3", out, sizeof(out)), 1);
	cr_assert_eq(get_str(c, "k4", out, sizeof(out)), 1);
	kh_cache_close(c);
}

Test(cache, trim_drops_stale_temporary_files_only)
{
	struct kh_cache *c = open_in("c", 1 << 20);
	struct timespec old[2] = { { 1000, 0 }, { 1000, 0 } };
	char stale[128], live[128];
	int fd;

	snprintf(stale, sizeof(stale), "%s/c/.tmp-1-1-dead", cdir);
	snprintf(live, sizeof(live), "%s/c/.tmp-2-1-live", cdir);
	fd = open(stale, O_CREAT | O_WRONLY, 0666);
	close(fd);
	fd = open(live, O_CREAT | O_WRONLY, 0666);
	close(fd);
	cr_assert_eq(utimensat(AT_FDCWD, stale, old, 0), 0);
	cr_assert_eq(kh_cache_trim(c, NULL), 0);
	cr_assert_neq(access(stale, F_OK), 0);
	cr_assert_eq(access(live, F_OK), 0);
	kh_cache_close(c);
}

struct hammer {
	struct kh_cache *c;
	int id;
	int bad;
};

/* Writers, readers and trimmers at once: a reader sees the record or
 * nothing, never a mix. */
static void *hammer_fn(void *arg)
{
	struct hammer *h = arg;
	struct kh_cache_rec rec = { 0 };
	uint8_t key[KH_SHA256_LEN];
	char payload[4096], name[16], why[512];
	int i, k, ret;

	for (i = 0; i < 300; i++) {
		k = (i * 7 + h->id) % 10;
		snprintf(name, sizeof(name), "key%d", k);
		key_of(name, key);
		memset(payload, 'a' + k, sizeof(payload));
		rec.a = sizeof(payload);
		rec.b = k;
		rec.payload.data = (uint8_t *)payload;
		rec.payload.len = sizeof(payload);
		if (i % 3 == 0) {
			kh_cache_put(h->c, key, &rec);
			continue;
		}
		if (i % 17 == 0) {
			kh_cache_trim(h->c, NULL);
			continue;
		}
		memset(&rec, 0, sizeof(rec));
		kh_buf_init(&rec.payload);
		ret = kh_cache_get(h->c, key, &rec, why, sizeof(why));
		if (ret < 0 || (ret == 1 && (rec.payload.len != sizeof(payload) ||
			memcmp(rec.payload.data, payload, sizeof(payload)) ||
			rec.b != (uint64_t)k)))
			h->bad++;
		kh_buf_release(&rec.payload);
	}
	return NULL;
}

Test(cache, concurrent_writers_readers_and_trims_never_see_a_torn_record)
{
	struct kh_cache *c[4];
	struct hammer h[4];
	pthread_t t[4];
	int i, bad = 0;

	/* Separate handles on one directory, as separate builds have;
	 * small enough that trims really evict. */
	for (i = 0; i < 4; i++) {
		c[i] = open_in("shared", 5 * 4200);
		h[i] = (struct hammer){ c[i], i, 0 };
		cr_assert_eq(pthread_create(&t[i], NULL, hammer_fn, &h[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		bad += h[i].bad;
		kh_cache_close(c[i]);
	}
	cr_assert_eq(bad, 0);
}
