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

/*
 * A message is first written whole here (a path of PATH_MAX bytes, every
 * byte of it escaped, and the sentence around it), then fitted into
 * err->msg; on the stack, so a failure never allocates.
 */
#define MSG_SCRATCH (4 * KH_ERROR_PATH_MAX + KH_ERROR_MSG_MAX)

/* A UTF-8 continuation byte: never the first or the last byte kept. */
static bool utf8_inside(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

/*
 * Copy @text into @msg; a text too long keeps its head and its tail (the
 * errno text, the cause) around "...", cut between characters.
 */
static void msg_fit(char *msg, size_t size, const char *text)
{
	static const char gap[] = "...";
	size_t len = strlen(text), head, tail;

	if (len < size) {
		memcpy(msg, text, len + 1);
		return;
	}
	tail = (size - sizeof(gap)) / 2;
	head = size - sizeof(gap) - tail;
	while (head && utf8_inside(text[head]))
		head--;
	while (tail && utf8_inside(text[len - tail]))
		tail--;
	memcpy(msg, text, head);
	memcpy(msg + head, gap, sizeof(gap) - 1);
	memcpy(msg + head + sizeof(gap) - 1, text + len - tail, tail + 1);
}

static int err_vset(struct kh_error *err, int code, bool sys,
		    const char *path, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

static int err_vset(struct kh_error *err, int code, bool sys,
		    const char *path, const char *fmt, va_list ap)
{
	char text[MSG_SCRATCH];
	size_t len;

	if (code <= 0)
		code = EINVAL;
	if (!err)
		return -code;
	err->code = code;
	err_set_path(err, path);
	vsnprintf(text, sizeof(text), fmt, ap);
	kh_one_line(text, sizeof(text));
	if (sys) {
		char tmp[256];

		len = strlen(text);
		snprintf(text + len, sizeof(text) - len, ": %s",
			 strerror_r(code, tmp, sizeof(tmp)));
	}
	msg_fit(err->msg, sizeof(err->msg), text);
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
	char text[MSG_SCRATCH];
	size_t len;
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	kh_one_line(text, sizeof(text));
	len = strlen(text);
	snprintf(text + len, sizeof(text) - len, ": %s", err->msg);
	msg_fit(err->msg, sizeof(err->msg), text);
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
