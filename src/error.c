// SPDX-License-Identifier: GPL-2.0
/*
 * error.c - the one place where library failures become messages, and
 * where they are kept to one line: a control character in a path (a
 * newline in a file name) is shown escaped.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <lzma.h>

#include "error.h"

/* Bytes the escaped form of @c takes: 1, 2 ("\\n", "\\t") or 4 ("\\xNN"). */
static size_t one_line_width(unsigned char c)
{
	if (c >= 0x20 && c != 0x7f)
		return 1;
	return c == '\n' || c == '\t' ? 2 : 4;
}

/* Write the escaped form of @c so that it ends just before @end. */
static char *one_line_put(char *end, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	switch (one_line_width(c)) {
	case 1:
		*--end = c;
		break;
	case 2:
		*--end = c == '\n' ? 'n' : 't';
		*--end = '\\';
		break;
	default:
		*--end = hex[c & 15];
		*--end = hex[c >> 4];
		*--end = 'x';
		*--end = '\\';
	}
	return end;
}

/*
 * Escape in place, back to front (the escaped text is never shorter), so
 * no second buffer is needed whatever @size is.  What does not fit is cut
 * at a character boundary.
 */
void kh_one_line(char *msg, size_t size)
{
	size_t len, need = 0, w, i;
	char *end;

	if (!size)
		return;
	len = strnlen(msg, size - 1);
	for (i = 0; i < len; i++) {
		w = one_line_width(msg[i]);
		if (need + w > size - 1)
			break;
		need += w;
	}
	end = msg + need;
	*end = '\0';
	while (i--)
		end = one_line_put(end, msg[i]);
}

static void err_set_path(struct kh_error *err, const char *path)
{
	if (!path) {
		err->path[0] = '\0';
		return;
	}
	snprintf(err->path, sizeof(err->path), "%s", path);
	kh_one_line(err->path, sizeof(err->path));
}

static int err_vset(struct kh_error *err, int code, bool sys,
		    const char *path, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

static int err_vset(struct kh_error *err, int code, bool sys,
		    const char *path, const char *fmt, va_list ap)
{
	size_t len;

	if (code <= 0)
		code = EINVAL;
	if (!err)
		return -code;
	err->code = code;
	err_set_path(err, path);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (sys) {
		char tmp[256];

		len = strlen(err->msg);
		snprintf(err->msg + len, sizeof(err->msg) - len, ": %s",
			 strerror_r(code, tmp, sizeof(tmp)));
	}
	kh_one_line(err->msg, sizeof(err->msg));
	return -code;
}

int kh_err(struct kh_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = err_vset(err, code, false, NULL, fmt, ap);
	va_end(ap);
	return ret;
}

int kh_err_sys(struct kh_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = err_vset(err, code, true, NULL, fmt, ap);
	va_end(ap);
	return ret;
}

int kh_err_at(struct kh_error *err, int code, const char *path,
	      const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = err_vset(err, code, false, path, fmt, ap);
	va_end(ap);
	return ret;
}

int kh_err_sys_at(struct kh_error *err, int code, const char *path,
		  const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = err_vset(err, code, true, path, fmt, ap);
	va_end(ap);
	return ret;
}

void kh_err_prefix(struct kh_error *err, const char *fmt, ...)
{
	char old[sizeof(err->msg)];
	size_t len;
	va_list ap;

	if (!err)
		return;
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", old);
	kh_one_line(err->msg, sizeof(err->msg));
}

const char *kh_lzma_strerror(int lzma_ret_code)
{
	switch ((lzma_ret)lzma_ret_code) {
	case LZMA_MEM_ERROR:
		return "out of memory";
	case LZMA_MEMLIMIT_ERROR:
		return "needs more than 1 GiB of memory to decode";
	case LZMA_FORMAT_ERROR:
		return "not an xz stream";
	case LZMA_OPTIONS_ERROR:
		return "unsupported xz options";
	case LZMA_DATA_ERROR:
		return "corrupt xz data";
	case LZMA_BUF_ERROR:
		return "truncated xz data";
	default:
		return "internal liblzma error";
	}
}
