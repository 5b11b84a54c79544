// SPDX-License-Identifier: GPL-2.0
/*
 * path.c - lexical path handling shared by collect, unpack, listing, diff
 * and prepare: one component walker and what is built on it, and the
 * joining of tree paths.  Nothing here looks at the file system.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"

bool kh_path_next(const char **rest, struct kh_path_comp *c)
{
	const char *s = *rest, *e;

	if (!s)
		return false;
	e = strchrnul(s, '/');
	c->name = s;
	c->len = e - s;
	*rest = *e ? e + 1 : NULL;
	return true;
}

bool kh_path_comp_self(const struct kh_path_comp *c)
{
	return !c->len || (c->len == 1 && c->name[0] == '.');
}

bool kh_path_comp_up(const struct kh_path_comp *c)
{
	return c->len == 2 && c->name[0] == '.' && c->name[1] == '.';
}

bool kh_path_normalize(char *path)
{
	const char *rest = path;
	struct kh_path_comp c;
	char *out = path;
	size_t depth = 0;

	if (*path == '/')
		return false;
	while (kh_path_next(&rest, &c)) {
		if (kh_path_comp_self(&c))
			continue;
		if (kh_path_comp_up(&c)) {
			if (!depth)
				return false;
			depth--;
			out--;
			while (out > path && out[-1] != '/')
				out--;
			continue;
		}
		memmove(out, c.name, c.len);
		out += c.len;
		*out++ = '/';
		depth++;
	}
	if (out > path)
		out--;
	*out = '\0';
	return true;
}

char *kh_path_link_target(const char *name, const char *target)
{
	const char *slash = strrchr(name, '/');
	char *cand;

	if (target[0] == '/')
		return NULL;
	if (asprintf(&cand, "%.*s%s", slash ? (int)(slash - name) + 1 : 0,
		     name, target) < 0)
		return NULL;
	if (!kh_path_normalize(cand)) {
		free(cand);
		return NULL;
	}
	return cand;
}

const char *kh_name_key(const char *name, size_t *len)
{
	size_t n;

	for (;;) {
		if (name[0] == '/')
			name++;
		else if (name[0] == '.' && name[1] == '/')
			name += 2;
		else if (name[0] == '.' && name[1] == 0)
			name++;
		else
			break;
	}
	n = strlen(name);
	while (n && name[n - 1] == '/')
		n--;
	*len = n;
	return name;
}

char *kh_path_join(const char *dir, const char *name)
{
	char *s;

	if (asprintf(&s, "%s/%s", dir, name) < 0)
		return NULL;
	return s;
}

char *kh_path_absolute(const char *dir, const char *path)
{
	const char *rest = path;
	struct kh_path_comp c;
	char *in = NULL, *out;
	size_t len = 0;

	if (path[0] != '/') {
		in = kh_path_join(dir, path);
		if (!in)
			return NULL;
		rest = in;
	}
	out = malloc(strlen(rest) + 2);
	while (out && kh_path_next(&rest, &c)) {
		if (kh_path_comp_self(&c))
			continue;
		if (kh_path_comp_up(&c)) {
			while (len && out[--len] != '/')
				;
			continue;
		}
		out[len++] = '/';
		memcpy(out + len, c.name, c.len);
		len += c.len;
	}
	if (out) {
		if (!len)
			out[len++] = '/';
		out[len] = '\0';
	}
	free(in);
	return out;
}

void kh_path_release(struct kh_path *p)
{
	free(p->buf);
	p->buf = NULL;
	p->n = 0;
}

int kh_path_split(struct kh_path *p, const char *path, const char **why)
{
	const char *rest = path;
	struct kh_path_comp c;
	char *o;

	p->n = 0;
	p->buf = NULL;
	if (path[0] == '/') {
		*why = "absolute path";
		return -EPERM;
	}
	p->buf = malloc(strlen(path) + 1);
	if (!p->buf)
		return -ENOMEM;
	o = p->buf;
	while (kh_path_next(&rest, &c)) {
		if (kh_path_comp_self(&c))
			continue;
		if (kh_path_comp_up(&c)) {
			*why = "'..' component";
			return -EPERM;
		}
		if (p->n == KH_PATH_MAX_DEPTH) {
			*why = "too deeply nested";
			return -EPERM;
		}
		memcpy(o, c.name, c.len);
		o[c.len] = '\0';
		p->comp[p->n++] = o;
		o += c.len + 1;
	}
	return 0;
}

char *kh_path_prefix(const struct kh_path *p, unsigned int n)
{
	size_t len = 1, i;
	char *s, *o;

	for (i = 0; i < n; i++)
		len += strlen(p->comp[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	o = s;
	*o = '\0';
	for (i = 0; i < n; i++)
		o += sprintf(o, "%s%s", i ? "/" : "", p->comp[i]);
	return s;
}

bool kh_link_target_inside(const struct kh_path *link, const char *target,
			   const char **why)
{
	long depth = link->n ? (long)link->n - 1 : 0;
	const char *rest = target;
	struct kh_path_comp c;

	if (!*target || target[0] == '/') {
		*why = *target ? "symbolic link to an absolute path" :
				 "symbolic link with an empty target";
		return false;
	}
	while (kh_path_next(&rest, &c)) {
		if (kh_path_comp_self(&c))
			continue;
		if (kh_path_comp_up(&c)) {
			if (--depth < 0) {
				*why = "symbolic link pointing outside the directory";
				return false;
			}
			continue;
		}
		depth++;
	}
	return true;
}
