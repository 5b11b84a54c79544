// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_depfile.c - any bytes as the paths of a depfile (split at NUL: the
 * target, then the inputs).  Invariants: a path with a newline is refused
 * with a message; any other path is escaped so that it decodes back to
 * itself (the escaping is injective, as make must be able to tell paths
 * apart), the escaped form has no bare space, tab, '#', ':' or '$', and
 * the whole depfile has exactly the structural newlines.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "depfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decode gcc -MD escaping: 2n+1 backslashes before a blank are n and the
 * blank; "\#", "\:" and "$$" are the character. */
static size_t unescape(const char *in, size_t len, char *out)
{
	size_t i = 0, o = 0, k;

	while (i < len) {
		if (in[i] == '$') {
			assert(i + 1 < len && in[i + 1] == '$');
			out[o++] = '$';
			i += 2;
			continue;
		}
		if (in[i] != '\\') {
			assert(in[i] != ' ' && in[i] != '\t' && in[i] != '#' &&
			       in[i] != ':' && in[i] != '\n');
			out[o++] = in[i++];
			continue;
		}
		for (k = 0; i + k < len && in[i + k] == '\\'; k++)
			;
		if (i + k < len && (in[i + k] == ' ' || in[i + k] == '\t')) {
			assert(k % 2 == 1);
			memset(out + o, '\\', k / 2);
			o += k / 2;
			out[o++] = in[i + k];
			i += k + 1;
		} else if (i + k < len && (in[i + k] == '#' || in[i + k] == ':')) {
			memset(out + o, '\\', k - 1);
			o += k - 1;
			out[o++] = in[i + k];
			i += k + 1;
		} else {
			memset(out + o, '\\', k);
			o += k;
			i += k;
		}
	}
	return o;
}

static void check_path(const char *path)
{
	struct kh_buf b;
	char *dec;
	size_t n;
	int ret;

	kh_buf_init(&b);
	ret = kh_depfile_escape(&b, path);
	if (strchr(path, '\n') || strchr(path, '\r')) {
		assert(ret == -EINVAL);
	} else {
		assert(ret == 0);
		dec = malloc(b.len + 1);
		assert(dec);
		n = unescape((const char *)b.data, b.len, dec);
		assert(n == strlen(path) && !memcmp(dec, path, n));
		free(dec);
	}
	kh_buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kh_error err;
	char *s = malloc(size + 1), **deps = NULL, *p;
	size_t nr = 0, i, lines;
	struct kh_buf out;
	bool bad = false;
	int ret;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (p = s; p < s + size + 1; p += strlen(p) + 1) {
		deps = realloc(deps, (nr + 1) * sizeof(*deps));
		assert(deps);
		deps[nr++] = p;
		check_path(p);
		bad |= strchr(p, '\n') || strchr(p, '\r');
	}
	kh_buf_init(&out);
	ret = kh_depfile_format(&out, deps[0], deps + 1, nr - 1, &err);
	if (bad) {
		assert(ret == -EINVAL && err.msg[0]);
	} else {
		assert(ret == 0);
		for (i = 0, lines = 0; i < out.len; i++)
			lines += out.data[i] == '\n';
		/* the rule: one line per input and one; two per phony rule */
		assert(lines == 1 + 3 * (nr - 1));
	}
	kh_buf_release(&out);
	free(deps);
	free(s);
	return 0;
}
