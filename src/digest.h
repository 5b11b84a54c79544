/* SPDX-License-Identifier: GPL-2.0 */
/*
 * digest.h - SHA-256 (through libcrypto) for archive identities, the block
 * cache and verify's report.
 */
#ifndef KH_DIGEST_H
#define KH_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define KH_SHA256_LEN 32
#define KH_SHA256_HEX (2 * KH_SHA256_LEN + 1)

struct kh_sha256_ctx;

/* kh_sha256() - digest of @len bytes; 0 or -ENOMEM. */
int kh_sha256(const void *data, size_t len, uint8_t out[KH_SHA256_LEN]);

/* Incremental use: new, update..., final (frees the context). */
struct kh_sha256_ctx *kh_sha256_new(void);
int kh_sha256_update(struct kh_sha256_ctx *ctx, const void *data, size_t len);
int kh_sha256_final(struct kh_sha256_ctx *ctx, uint8_t out[KH_SHA256_LEN]);

/* kh_hex() - @len bytes as lowercase hex into @out (2 * @len + 1 bytes). */
void kh_hex(const uint8_t *in, size_t len, char *out);

#endif /* KH_DIGEST_H */
