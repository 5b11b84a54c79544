// SPDX-License-Identifier: GPL-2.0
/*
 * buf.c - growable byte buffers, the currency between pipeline stages,
 * with git strbuf's promise: once anything has been added, data[len] is a
 * NUL byte, so text in a buffer is a C string without a copy.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kheaders.h"
#include "util.h"

void kh_buf_init(struct kh_buf *buf)
{
	buf->data = NULL;
	buf->len = 0;
	buf->alloc = 0;
}

void kh_buf_release(struct kh_buf *buf)
{
	free(buf->data);
	kh_buf_init(buf);
}

int kh_buf_reserve(struct kh_buf *buf, size_t extra)
{
	size_t want, alloc;
	uint8_t *p;

	if (extra >= SIZE_MAX - buf->len)
		return -ENOMEM;
	want = buf->len + extra + 1;
	if (want <= buf->alloc)
		return 0;
	alloc = buf->alloc ? buf->alloc : 4096;
	while (alloc < want)
		alloc = alloc > SIZE_MAX / 2 ? want : alloc * 2;
	p = realloc(buf->data, alloc);
	if (!p)
		return -ENOMEM;
	buf->data = p;
	buf->alloc = alloc;
	buf->data[buf->len] = 0;
	return 0;
}

void kh_buf_setlen(struct kh_buf *buf, size_t len)
{
	if (!buf->alloc)
		return;
	buf->len = len < buf->alloc ? len : buf->alloc - 1;
	buf->data[buf->len] = 0;
}

int kh_buf_append(struct kh_buf *buf, const void *data, size_t len)
{
	int ret;

	if (!len)
		return kh_buf_reserve(buf, 0);
	ret = kh_buf_reserve(buf, len);
	if (ret)
		return ret;
	memcpy(buf->data + buf->len, data, len);
	kh_buf_setlen(buf, buf->len + len);
	return 0;
}

int kh_buf_addstr(struct kh_buf *buf, const char *s)
{
	return kh_buf_append(buf, s, strlen(s));
}

int kh_buf_vaddf(struct kh_buf *buf, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	if (n < 0)
		return -EINVAL;
	if (kh_buf_reserve(buf, (size_t)n))
		return -ENOMEM;
	vsnprintf((char *)buf->data + buf->len, (size_t)n + 1, fmt, ap);
	buf->len += n;
	return 0;
}

int kh_buf_addf(struct kh_buf *buf, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = kh_buf_vaddf(buf, fmt, ap);
	va_end(ap);
	return ret;
}

const char *kh_buf_str(const struct kh_buf *buf)
{
	return buf->alloc ? (const char *)buf->data : "";
}

int kh_buf_add_item(struct kh_buf *buf, const char *sep, const char *fmt, ...)
{
	va_list ap;
	int ret;

	if (buf->len && kh_buf_addstr(buf, sep))
		return -ENOMEM;
	va_start(ap, fmt);
	ret = kh_buf_vaddf(buf, fmt, ap);
	va_end(ap);
	return ret;
}
