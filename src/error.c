// SPDX-License-Identifier: GPL-2.0
/*
 * error.c - the one place where library failures become messages, and
 * where they are kept to one line: a control character in a path (a
 * newline in a file name) is shown escaped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <lzma.h>

#include "error.h"

/* kh_one_line() - escape control characters of @msg in place. */
void kh_one_line(char *msg, size_t size)
{
	char tmp[KH_ERROR_MSG_MAX];
	size_t i, o = 0;

	for (i = 0; msg[i] && o + 5 < sizeof(tmp); i++) {
		unsigned char c = msg[i];

		if (c >= 0x20 && c != 0x7f)
			tmp[o++] = c;
		else if (c == '\n')
			o += snprintf(tmp + o, sizeof(tmp) - o, "\\n");
		else if (c == '\t')
			o += snprintf(tmp + o, sizeof(tmp) - o, "\\t");
		else
			o += snprintf(tmp + o, sizeof(tmp) - o, "\\x%02x", c);
	}
	tmp[o] = '\0';
	snprintf(msg, size, "%s", tmp);
}

static int err_vset(struct kh_error *err, int code, bool sys,
		    const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static int err_vset(struct kh_error *err, int code, bool sys,
		    const char *fmt, va_list ap)
{
	size_t len;

	if (code <= 0)
		code = EINVAL;
	if (!err)
		return -code;
	err->code = code;
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
	ret = err_vset(err, code, false, fmt, ap);
	va_end(ap);
	return ret;
}

int kh_err_sys(struct kh_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = err_vset(err, code, true, fmt, ap);
	va_end(ap);
	return ret;
}

void kh_err_prefix(struct kh_error *err, const char *fmt, ...)
{
	char old[KH_ERROR_MSG_MAX];
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
