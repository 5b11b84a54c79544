/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cache.h - a directory of content-addressed records (compressed xz blocks
 * keyed by the SHA-256 of their input and encoder settings), bounded in
 * size, shared safely by concurrent builds, and never trusted blindly: a
 * record whose sizes or payload digest do not check out is reported and
 * treated as a miss.
 */
#ifndef KH_CACHE_H
#define KH_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "digest.h"
#include "kheaders.h"

#define KH_CACHE_DEFAULT_MAX (256ULL << 20)

struct kh_cache;

/*
 * struct kh_cache_rec - one record: two numbers the caller defines (for xz
 * blocks: uncompressed and unpadded sizes) and a payload.
 */
struct kh_cache_rec {
	uint64_t a, b;
	struct kh_buf payload;
};

/*
 * kh_cache_open() - use (creating it if needed, not its parent) @dir,
 * holding at most @max_bytes after kh_cache_trim().  *@cache is freed with
 * kh_cache_close().  Return: 0 or -errno with @err set.
 */
int kh_cache_open(struct kh_cache **cache, const char *dir,
		  uint64_t max_bytes, struct kh_error *err);
void kh_cache_close(struct kh_cache *cache);

/* kh_cache_dir() - the directory given to kh_cache_open(). */
const char *kh_cache_dir(const struct kh_cache *cache);

/*
 * kh_cache_get() - look @key up.  Thread-safe.
 * @rec: filled on a hit (the payload is appended to rec->payload)
 * @why: on a corrupt record, a message for a warning; @why_size bytes
 * Return: 1 hit, 0 miss, -EBADMSG corrupt record (removed; @why set).
 */
int kh_cache_get(struct kh_cache *cache, const uint8_t key[KH_SHA256_LEN],
		 struct kh_cache_rec *rec, char *why, size_t why_size);

/*
 * kh_cache_put() - store @rec under @key (temporary file + rename, so
 * readers never see a partial record).  Thread-safe.
 * Return: 0 or -errno (the caller may ignore it: the cache is optional).
 */
int kh_cache_put(struct kh_cache *cache, const uint8_t key[KH_SHA256_LEN],
		 const struct kh_cache_rec *rec);

/*
 * kh_cache_trim() - remove the least recently used records until the
 * cache holds at most its maximum; records another process removes at the
 * same time are fine.  Also removes temporary files older than an hour.
 * @removed: if not NULL, the number of records removed.
 */
int kh_cache_trim(struct kh_cache *cache, size_t *removed);

/* kh_cache_path() - the file of @key, for messages and tests (malloc'd). */
char *kh_cache_path(const struct kh_cache *cache,
		    const uint8_t key[KH_SHA256_LEN]);

#endif /* KH_CACHE_H */
