// SPDX-License-Identifier: GPL-2.0
/*
 * digest.c - a thin layer over libcrypto's EVP SHA-256.
 */
#include <errno.h>
#include <openssl/evp.h>

#include "digest.h"

struct kh_sha256_ctx {
	EVP_MD_CTX *md;
};

struct kh_sha256_ctx *kh_sha256_new(void)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	if (!md)
		return NULL;
	if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(md);
		return NULL;
	}
	return (struct kh_sha256_ctx *)md;
}

int kh_sha256_update(struct kh_sha256_ctx *ctx, const void *data, size_t len)
{
	return EVP_DigestUpdate((EVP_MD_CTX *)ctx, data, len) == 1 ? 0 : -EIO;
}

int kh_sha256_final(struct kh_sha256_ctx *ctx, uint8_t out[KH_SHA256_LEN])
{
	unsigned int n = 0;
	int ok = EVP_DigestFinal_ex((EVP_MD_CTX *)ctx, out, &n) == 1;

	EVP_MD_CTX_free((EVP_MD_CTX *)ctx);
	return ok && n == KH_SHA256_LEN ? 0 : -EIO;
}

int kh_sha256(const void *data, size_t len, uint8_t out[KH_SHA256_LEN])
{
	struct kh_sha256_ctx *ctx = kh_sha256_new();

	if (!ctx)
		return -ENOMEM;
	if (kh_sha256_update(ctx, data, len)) {
		kh_sha256_final(ctx, out);
		return -EIO;
	}
	return kh_sha256_final(ctx, out);
}

void kh_hex(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}
