// SPDX-License-Identifier: GPL-2.0
/*
 * buf.c - growable byte buffers, the currency between pipeline stages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <lzma.h>

#include "kheaders.h"

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

	if (extra > SIZE_MAX - buf->len)
		return -ENOMEM;
	want = buf->len + extra;
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
	return 0;
}

int kh_buf_append(struct kh_buf *buf, const void *data, size_t len)
{
	int ret;

	if (!len)
		return 0;
	ret = kh_buf_reserve(buf, len);
	if (ret)
		return ret;
	memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	return 0;
}

const char *kh_version(void)
{
	return KH_VERSION;
}

const char *kh_lzma_version(void)
{
	return lzma_version_string();
}
