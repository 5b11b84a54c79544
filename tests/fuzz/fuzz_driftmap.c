// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_driftmap.c - any bytes as a "kheaders drift" map.  Invariants:
 * success, or -EINVAL/-ENOMEM with a message that starts with the map's
 * name and a line number; every path of a parsed pair is relative, non-empty,
 * normalized and never climbs ("..") out of its root; every expression
 * compiles; and the pairs, written back with every word single-quoted,
 * parse again to the very same pairs (the quoting has one meaning).
 */
#include <assert.h>
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "kheaders.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_path(const char *p)
{
	size_t n = strlen(p);

	assert(n && p[0] != '/' && p[n - 1] != '/');
	assert(strcmp(p, ".") && strcmp(p, "..") && strncmp(p, "./", 2));
	assert(strncmp(p, "../", 3) && !strstr(p, "/../") && !strstr(p, "//"));
	assert(!strstr(p, "/./") && (n < 2 || strcmp(p + n - 2, "/.")));
	assert(n < 3 || strcmp(p + n - 3, "/.."));
}

/* @w single-quoted as the shell would: ' becomes '\'' */
static void quote(struct kh_buf *out, const char *w)
{
	assert(!kh_buf_addstr(out, " '"));
	for (; *w; w++)
		assert(!(*w == '\'' ? kh_buf_addstr(out, "'\\''") :
			 kh_buf_append(out, w, 1)));
	assert(!kh_buf_addstr(out, "'"));
}

static void write_back(const struct kh_drift_map *m, struct kh_buf *out)
{
	const struct kh_drift_pair *pp;
	size_t i, k;

	for (i = 0; i < m->nr; i++) {
		pp = &m->pairs[i];
		quote(out, pp->copy);
		quote(out, pp->original);
		if (pp->ignore_blank)
			assert(!kh_buf_addstr(out, " -B"));
		for (k = 0; k < pp->nr_ignore_re; k++) {
			assert(!kh_buf_addstr(out, " -I"));
			quote(out, pp->ignore_re[k]);
		}
		if (pp->ignore_hunks) {
			assert(!kh_buf_addstr(out, " --ignore-hunks"));
			quote(out, pp->ignore_hunks);
		}
		assert(!kh_buf_addstr(out, "\n"));
	}
}

static void same_pairs(const struct kh_drift_map *a,
		       const struct kh_drift_map *b)
{
	const struct kh_drift_pair *x, *y;
	size_t i, k;

	assert(a->nr == b->nr);
	for (i = 0; i < a->nr; i++) {
		x = &a->pairs[i];
		y = &b->pairs[i];
		assert(!strcmp(x->copy, y->copy));
		assert(!strcmp(x->original, y->original));
		assert(x->ignore_blank == y->ignore_blank);
		assert(x->nr_ignore_re == y->nr_ignore_re);
		for (k = 0; k < x->nr_ignore_re; k++)
			assert(!strcmp(x->ignore_re[k], y->ignore_re[k]));
		assert(!x->ignore_hunks == !y->ignore_hunks);
		assert(!x->ignore_hunks ||
		       !strcmp(x->ignore_hunks, y->ignore_hunks));
		assert(y->line == i + 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kh_error err;
	struct kh_drift_map map, again;
	struct kh_buf text;
	regex_t re;
	size_t i, k;
	int ret;

	kh_drift_map_init(&map);
	kh_drift_map_init(&again);
	err.msg[0] = '\0';
	ret = kh_drift_map_parse((const char *)data, size, "m", &map, &err);
	if (ret) {
		assert(ret == -EINVAL || ret == -ENOMEM);
		assert(!strncmp(err.msg, "m:", 2) || ret == -ENOMEM);
		kh_drift_map_release(&map);
		return 0;
	}
	for (i = 0; i < map.nr; i++) {
		check_path(map.pairs[i].copy);
		check_path(map.pairs[i].original);
		if (map.pairs[i].ignore_hunks)
			check_path(map.pairs[i].ignore_hunks);
		for (k = 0; k < map.pairs[i].nr_ignore_re; k++) {
			assert(!regcomp(&re, map.pairs[i].ignore_re[k],
					REG_NOSUB));
			regfree(&re);
		}
	}
	kh_buf_init(&text);
	write_back(&map, &text);
	assert(!kh_drift_map_parse(kh_buf_str(&text), text.len, "m", &again,
				   &err));
	same_pairs(&map, &again);
	kh_buf_release(&text);
	kh_drift_map_release(&again);
	kh_drift_map_release(&map);
	return 0;
}
