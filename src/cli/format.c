// SPDX-License-Identifier: GPL-2.0
/*
 * format.c - text for people, the command line's alone: names quoted as
 * GNU tar quotes them, JSON strings that keep every byte, and the words
 * for what changed in a diff item.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "cli.h"

/* Length of the well-formed UTF-8 sequence at @s (0 if ill-formed). */
static size_t utf8_len(const unsigned char *s, size_t left)
{
	unsigned int c = s[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > left)
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

bool cli_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		n = utf8_len(p + i, len - i);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

int cli_quote_name(struct kh_buf *out, const char *s)
{
	static const char ctl[] = "\aa\bb\tt\nn\vv\ff\rr";
	const unsigned char *p = (const unsigned char *)s;
	const char *m;
	int ret = 0;
	size_t n;

	for (; *p && !ret; p++) {
		n = *p >= 0x80 ? utf8_len(p, 4) : 0;	/* stops at the NUL */
		/* Valid UTF-8 passes, but not the C1 controls (U+0080-U+009F). */
		if (n && !(p[0] == 0xc2 && p[1] < 0xa0)) {
			ret = kh_buf_append(out, p, n);
			p += n - 1;
		} else if (*p == '\\')
			ret = kh_buf_addstr(out, "\\\\");
		else if (*p >= 0x20 && *p < 0x7f)
			ret = kh_buf_append(out, p, 1);
		else if ((m = memchr(ctl, *p, sizeof(ctl) - 1)) &&
			 (m - ctl) % 2 == 0)
			ret = kh_buf_addf(out, "\\%c", m[1]);
		else
			ret = kh_buf_addf(out, "\\%03o", *p);
	}
	return ret ? ret : kh_buf_addstr(out, "");
}

static int json_byte(struct kh_buf *out, unsigned char c)
{
	switch (c) {
	case '"':
		return kh_buf_addstr(out, "\\\"");
	case '\\':
		return kh_buf_addstr(out, "\\\\");
	case '\b':
		return kh_buf_addstr(out, "\\b");
	case '\f':
		return kh_buf_addstr(out, "\\f");
	case '\n':
		return kh_buf_addstr(out, "\\n");
	case '\r':
		return kh_buf_addstr(out, "\\r");
	case '\t':
		return kh_buf_addstr(out, "\\t");
	}
	if (c < 0x20 || c >= 0x7f)
		return kh_buf_addf(out, "\\u%04x", c);
	return kh_buf_append(out, &c, 1);
}

int cli_json_string(struct kh_buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), n;
	int ret = kh_buf_addstr(out, "\"");

	while (left && !ret) {
		n = *p >= 0x80 ? utf8_len(p, left) : 0;
		if (n)
			ret = kh_buf_append(out, p, n);
		else
			ret = json_byte(out, *p), n = 1;
		p += n;
		left -= n;
	}
	return ret ? ret : kh_buf_addstr(out, "\"");
}

int cli_hex_string(struct kh_buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int ret = kh_buf_addstr(out, "");

	for (; *p && !ret; p++)
		ret = kh_buf_addf(out, "%02x", *p);
	return ret;
}

int cli_diff_describe(const struct kh_diff_item *item, struct kh_buf *out)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} aspects[] = {
		{ KH_DIFF_TYPE, "type" },
		{ KH_DIFF_CONTENT, "content" },
		{ KH_DIFF_LINK, "link target" },
		{ KH_DIFF_MODE, "mode" },
		{ KH_DIFF_OWNER, "owner" },
		{ KH_DIFF_MTIME, "mtime" },
	};
	const char *sep = "";
	size_t i;
	int ret = kh_buf_addstr(out, "");

	if (item->kind != KH_DIFF_CHANGED)
		return ret;
	if (item->what == KH_DIFF_MTIME)
		return kh_buf_addstr(out, "mtime only");
	for (i = 0; !ret && i < ARRAY_SIZE(aspects); i++) {
		if (!(item->what & aspects[i].bit))
			continue;
		ret = kh_buf_addf(out, "%s%s", sep, aspects[i].name);
		sep = ", ";
	}
	return ret;
}
