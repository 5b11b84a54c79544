// SPDX-License-Identifier: GPL-2.0
/*
 * fnv_collide - print 64^3 distinct lines whose 64-bit FNV-1a hashes agree
 * in their low 20 bits: the input that once turned textdiff's hash table
 * (FNV-1a, linear probing) quadratic.  The low k bits of FNV-1a depend only
 * on the low k bits of the state, so 5-byte blocks that bring the state
 * back to the offset basis (mod 2^20) can be concatenated freely.
 */
#include <stdint.h>
#include <stdio.h>

#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL
#define MASK ((1ULL << 20) - 1)

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+";

int main(void)
{
	char blocks[64][6];
	uint64_t inv = FNV_PRIME, need, s;
	unsigned int found = 0, i, j, k, c;

	for (i = 0; i < 6; i++)
		inv *= 2 - FNV_PRIME * inv;	/* FNV_PRIME^-1 mod 2^64 */
	/* The state before the last multiply must be this, mod 2^20. */
	need = (FNV_OFFSET * inv) & MASK;
	for (i = 0; found < 64 && i < 64 * 64 * 64 * 64; i++) {
		s = FNV_OFFSET;
		for (j = 0; j < 4; j++)
			s = (s ^ (unsigned char)alphabet[(i >> (6 * j)) & 63]) * FNV_PRIME;
		c = (s ^ need) & MASK;
		if (c > 255)
			continue;
		for (k = 0; k < 64 && (unsigned char)alphabet[k] != c; k++)
			;
		if (k == 64)
			continue;
		for (j = 0; j < 4; j++)
			blocks[found][j] = alphabet[(i >> (6 * j)) & 63];
		blocks[found][4] = alphabet[k];
		blocks[found][5] = '\0';
		found++;
	}
	if (found < 64) {
		fprintf(stderr, "fnv_collide: found only %u blocks\n", found);
		return 1;
	}
	for (i = 0; i < 64; i++)
		for (j = 0; j < 64; j++)
			for (k = 0; k < 64; k++)
				printf("%s%s%s\n", blocks[i], blocks[j], blocks[k]);
	return 0;
}
