// SPDX-License-Identifier: GPL-2.0
/*
 * depfile.c - writing what the archive was made from in the syntax make and
 * Kbuild's fixdep read, escaped the way gcc -MD escapes.
 */
#include <errno.h>
#include <string.h>

#include "depfile.h"
#include "error.h"

int kh_depfile_escape(struct kh_buf *out, const char *path)
{
	size_t backslashes = 0;
	const char *p;
	int ret = 0;

	for (p = path; *p && !ret; p++) {
		switch (*p) {
		case '\n':
		case '\r':
			return -EINVAL;
		case ' ':
		case '\t':
			while (backslashes-- && !ret)
				ret = kh_buf_append(out, "\\", 1);
			if (!ret)
				ret = kh_buf_append(out, "\\", 1);
			break;
		case '#':
		case ':':
			ret = kh_buf_append(out, "\\", 1);
			break;
		case '$':
			ret = kh_buf_append(out, "$", 1);
			break;
		}
		backslashes = *p == '\\' ? backslashes + 1 : 0;
		if (!ret)
			ret = kh_buf_append(out, p, 1);
	}
	return ret;
}

static int dep_line(struct kh_buf *out, const char *pre, const char *path,
		    const char *post, struct kh_error *err)
{
	int ret;

	ret = kh_buf_append(out, pre, strlen(pre));
	if (!ret)
		ret = kh_depfile_escape(out, path);
	if (!ret)
		ret = kh_buf_append(out, post, strlen(post));
	if (ret == -EINVAL)
		return kh_err_at(err, EINVAL, path,
			      "cannot write a depfile: make cannot name '%s'",
			      path);
	if (ret)
		return kh_err_sys(err, ENOMEM, "cannot write a depfile");
	return 0;
}

int kh_depfile_format(struct kh_buf *out, const char *target,
		      char *const *deps, size_t nr, struct kh_error *err)
{
	size_t i;
	int ret;

	ret = dep_line(out, "", target, ":", err);
	for (i = 0; i < nr && !ret; i++)
		ret = dep_line(out, " \\\n  ", deps[i], "", err);
	if (!ret)
		ret = dep_line(out, "", "", "\n", err);
	for (i = 0; i < nr && !ret; i++)
		ret = dep_line(out, "\n", deps[i], ":\n", err);
	return ret;
}
