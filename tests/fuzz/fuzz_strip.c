// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_strip.c - any bytes as a header for the comment stripper, in every
 * mode (the first byte picks it).  Invariants: the output is never longer
 * than the input; every "SPDX" of the input is still there (a comment
 * holding one is kept, nothing else removes text); stripping in place
 * gives the same bytes as into a separate buffer; a failure says why;
 * compact differs from lexer only in whitespace (it drops lines and the
 * newlines of comments, never a token).
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "kheaders.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t count_spdx(const char *s, size_t len)
{
	size_t n = 0, i;

	for (i = 0; i + 4 <= len; i++)
		n += !memcmp(s + i, "SPDX", 4);
	return n;
}

/* @s without its whitespace, in place; returns the new length. */
static size_t squeeze(char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (!strchr(" \t\n\r\f\v", s[i]) || !s[i])
			s[n++] = s[i];
	return n;
}

/* Compact and lexer agree on everything but whitespace. */
static void check_compact(const char *in, size_t len, int r, char *out,
			  size_t out_len)
{
	char *lex = malloc(len ? len : 1);
	size_t lex_len = 0, a, b;
	int rl;

	assert(lex);
	rl = kh_strip(KH_STRIP_LEXER, in, len, lex, &lex_len, "fuzz.h", NULL);
	assert(rl == r);
	if (!r) {
		assert(out_len <= lex_len);
		a = squeeze(out, out_len);
		b = squeeze(lex, lex_len);
		assert(a == b && !memcmp(out, lex, a));
	}
	free(lex);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum kh_strip_mode modes[] = {
		KH_STRIP_COMPACT, KH_STRIP_LEXER, KH_STRIP_COMPAT,
		KH_STRIP_NONE,
	};
	static struct kh_error err;
	enum kh_strip_mode mode;
	size_t len, out_len = (size_t)-1, in_len = (size_t)-1;
	char *in, *out, *inplace;
	int r1, r2;

	if (!size)
		return 0;
	mode = modes[data[0] % 4];
	data++;
	len = size - 1;
	/* exact-size heap copies so ASan sees any overrun */
	in = malloc(len ? len : 1);
	out = malloc(len ? len : 1);
	inplace = malloc(len ? len : 1);
	assert(in && out && inplace);
	memcpy(in, data, len);
	memcpy(inplace, data, len);
	err.msg[0] = '\0';
	r1 = kh_strip(mode, in, len, out, &out_len, "fuzz.h", &err);
	r2 = kh_strip(mode, inplace, len, inplace, &in_len, "fuzz.h", NULL);
	assert(r1 == r2);
	assert(!memcmp(in, data, len));
	if (r1) {
		assert(r1 < 0 && err.msg[0]);
	} else {
		assert(out_len <= len);
		assert(in_len == out_len && !memcmp(out, inplace, out_len));
		assert(count_spdx(out, out_len) >= count_spdx(in, len));
		if (mode == KH_STRIP_NONE)
			assert(out_len == len && !memcmp(out, in, len));
	}
	if (mode == KH_STRIP_COMPACT)
		check_compact(in, len, r1, out, out_len);
	free(in);
	free(out);
	free(inplace);
	return 0;
}
