// SPDX-License-Identifier: GPL-2.0
/*
 * extract.c - finding the headers archive in whatever the user has: the
 * tar.xz itself, an ELF vmlinux, module or object, a compressed module, or
 * a compressed kernel image.  The strategies run in a fixed order (ELF
 * symbols, IKHD markers, every embedded compressed stream decoded and
 * searched again, and last every xz stream checked for a tar of headers),
 * each candidate is proven to be a complete xz stream before it is
 * returned, and when nothing is found the error says what was tried.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decomp.h"
#include "error.h"
#include "util.h"
#include "scan.h"

#define INPUT_MAX ((size_t)4 << 30)
#define MAX_CONTAINER_TRIES 4096
#define MAX_TRIED_LISTED 4
#define XZ_DONE_MAX 64
#define XZ_SINK (64u << 10)

struct extract_ctx {
	const uint8_t *data;
	size_t len;
	const char *name;
	struct kh_buf tried;		/* "what was tried", for the error */
	size_t xz_done[XZ_DONE_MAX];	/* xz offsets already decoded */
	unsigned int nxz_done;
	struct kh_span pending;		/* a header tar seen in phase 3 */
	bool have_pending;
	unsigned int streams, listed;
	struct kh_xz_budget budget;	/* the whole search's */
	struct kh_error stop;		/* why the budget ran out, once it has */
};

static const char *const found_names[] = {
	[KH_FOUND_NONE] = "nothing",
	[KH_FOUND_XZ_FILE] = "the input itself",
	[KH_FOUND_ELF_SYMBOLS] = "ELF symbols",
	[KH_FOUND_MARKERS] = "IKHD_ST/IKHD_ED markers",
	[KH_FOUND_XZ_SCAN] = "xz stream holding a tar of headers",
};

const char *kh_found_by_name(enum kh_found_by how)
{
	if ((unsigned int)how >= ARRAY_SIZE(found_names))
		return "unknown";
	return found_names[how];
}

/*
 * After a failed decode: when it spent the budget, remember why and say
 * that the search must stop.
 */
static bool budget_stop(struct extract_ctx *c, const struct kh_error *why)
{
	struct kh_error limit;

	if (!kh_xz_budget_spent(&c->budget, &limit))
		return false;
	if (!c->stop.code)
		c->stop = why->code == EFBIG ? *why : limit;
	return true;
}

static void info_set(struct kh_extract_info *info, enum kh_found_by how,
		     const struct kh_span *span)
{
	if (!info)
		return;
	info->found_by = how;
	info->offset = span->off;
	info->size = span->len;
}

/* Append the archive at @span of @base to @out; 1 (found) or -ENOMEM. */
static int found(const uint8_t *base, const struct kh_span *span,
		 struct kh_buf *out)
{
	return kh_buf_append(out, base + span->off, span->len) ? -ENOMEM : 1;
}

/* Strategies 1 and 2 on one buffer (the input or a decoded stream). */
static enum kh_found_by search_direct(struct extract_ctx *c,
				      const uint8_t *d, size_t len,
				      struct kh_span *span, const char *where)
{
	struct kh_error why;
	int ret;

	ret = kh_scan_elf_symbols(d, len, span, &why);
	if (!ret)
		ret = kh_xz_span_valid(d, span, UINT64_MAX, &c->budget,
				       &why);
	if (!ret)
		return KH_FOUND_ELF_SYMBOLS;
	if (ret == -EFBIG && budget_stop(c, &why))
		return KH_FOUND_NONE;
	if (!where)
		kh_buf_add_item(&c->tried, "; ", "ELF symbols (%s)", why.msg);
	ret = kh_scan_markers(d, len, UINT64_MAX, &c->budget, span, &why);
	if (!ret)
		return KH_FOUND_MARKERS;
	if (ret == -EFBIG && budget_stop(c, &why))
		return KH_FOUND_NONE;
	if (!where)
		kh_buf_add_item(&c->tried, "; ", "IKHD_ST/IKHD_ED markers (%s)", why.msg);
	return KH_FOUND_NONE;
}

/* Strategy 4 on one buffer: the first xz stream whose tar has include/. */
static bool search_xz_tars(struct extract_ctx *c, const uint8_t *d,
			   size_t len, bool top, struct kh_span *span,
			   unsigned int *checked)
{
	struct kh_error why;
	struct kh_buf tar;
	size_t pos, slen;
	unsigned int i;
	bool hit;

	for (pos = kh_xz_find(d, len, 0); pos < len && !c->stop.code;
	     pos = kh_xz_find(d, len, pos + 1)) {
		for (i = 0; top && i < c->nxz_done; i++)
			if (c->xz_done[i] == pos)
				break;
		if (top && i < c->nxz_done)
			continue;
		(*checked)++;
		kh_buf_init(&tar);
		hit = !kh_xz_decode(d + pos, len - pos, UINT64_MAX,
				    &tar, SIZE_MAX, &slen, &c->budget, &why) &&
		      kh_tar_has_headers(tar.data, tar.len);
		kh_buf_release(&tar);
		if (!hit)
			budget_stop(c, &why);
		if (hit) {
			span->off = pos;
			span->len = slen;
			return true;
		}
	}
	return false;
}

/* Search a decoded stream; true when the archive was found in it. */
static bool search_decoded(struct extract_ctx *c, const struct kh_buf *dec,
			   enum kh_comp fmt, size_t at, struct kh_span *span,
			   enum kh_found_by *how)
{
	unsigned int checked = 0;

	*how = search_direct(c, dec->data, dec->len, span, "inside");
	if (*how != KH_FOUND_NONE)
		return true;
	if (search_xz_tars(c, dec->data, dec->len, false, span, &checked)) {
		*how = KH_FOUND_XZ_SCAN;
		return true;
	}
	if (c->listed < MAX_TRIED_LISTED) {
		kh_buf_add_item(&c->tried, "; ", "%s stream at offset %zu decoded to %zu bytes: no symbols, markers or header tar in it (xz streams checked: %u)",
		      kh_comp_name(fmt), at, dec->len, checked);
		c->listed++;
	}
	return false;
}

static void note_xz(struct extract_ctx *c, enum kh_comp fmt, size_t at,
		    const struct kh_buf *dec, size_t consumed, bool complete)
{
	if (fmt != KH_COMP_XZ)
		return;
	if (c->nxz_done < XZ_DONE_MAX)
		c->xz_done[c->nxz_done++] = at;
	if (complete && !c->have_pending &&
	    kh_tar_has_headers(dec->data, dec->len)) {
		c->pending.off = at;
		c->pending.len = consumed;
		c->have_pending = true;
	}
}

/* "none of gzip, xz, ... found": every format decomp.c knows, in order. */
static void tried_no_streams(struct extract_ctx *c)
{
	struct kh_buf names;
	enum kh_comp f;

	kh_buf_init(&names);
	for (f = 0; f < KH_COMP_COUNT; f++)
		kh_buf_addf(&names, "%s%s", f ? ", " : "", kh_comp_name(f));
	kh_buf_add_item(&c->tried, "; ", "compressed streams (none of %s found)", kh_buf_str(&names));
	kh_buf_release(&names);
}

struct container_ctx {
	struct extract_ctx *c;
	struct kh_buf *out;
	struct kh_extract_info *info;
};

/* One decoded stream of strategy 3: 1 and the archive when found in it. */
static int search_container(const struct kh_comp_stream *s, void *ctx)
{
	struct container_ctx *cc = ctx;
	struct extract_ctx *c = cc->c;
	enum kh_found_by how = KH_FOUND_NONE;
	struct kh_span span;

	note_xz(c, s->fmt, s->at, s->dec, s->consumed, s->complete);
	if (!kh_tar_looks_like(s->dec->data, s->dec->len) &&
	    search_decoded(c, s->dec, s->fmt, s->at, &span, &how) &&
	    !c->stop.code) {
		info_set(cc->info, how, &span);
		if (cc->info) {
			cc->info->container = kh_comp_name(s->fmt);
			cc->info->container_offset = s->at;
		}
		return found(s->dec->data, &span, cc->out);
	}
	return c->stop.code ? -EFBIG : 0;
}

/*
 * Strategy 3: decode every embedded compressed stream and search it; on a
 * hit the archive is appended to @out.  A decoded stream that is itself a
 * tar is not searched (it is no kernel); a header tar among them is
 * remembered for strategy 4.
 */
static int search_containers(struct extract_ctx *c, struct kh_buf *out,
			     struct kh_extract_info *info)
{
	struct container_ctx cc = { c, out, info };
	struct kh_comp_walk walk;
	struct kh_error why;
	int ret;

	ret = kh_comp_walk(c->data, c->len, c->name, MAX_CONTAINER_TRIES,
			   &c->budget, search_container, &cc, &walk, &why);
	c->streams += walk.streams;
	if (ret == -EFBIG && !c->stop.code)
		c->stop = why;
	if (ret)
		return ret;
	if (!c->streams)
		tried_no_streams(c);
	else if (c->streams > c->listed)
		kh_buf_add_item(&c->tried, "; ", "%u compressed stream(s) decoded in all", c->streams);
	if (walk.tries > MAX_CONTAINER_TRIES)
		kh_buf_add_item(&c->tried, "; ", "stopped after %d candidate streams", MAX_CONTAINER_TRIES);
	return 0;
}

/* Decode the rest of @r; true when the stream ends cleanly. */
static bool xz_drain(struct kh_xz_reader *r, struct kh_error *why)
{
	uint8_t *sink;
	size_t got;
	int ret = 0;

	sink = malloc(XZ_SINK);
	if (!sink)
		return false;
	while (!ret && !kh_xz_reader_done(r))
		ret = kh_xz_read(r, sink, XZ_SINK, &got, why);
	free(sink);
	return !ret;
}

/*
 * The input is the archive itself: one xz stream holding a tar (stream
 * padding allowed after it).  Decoded once: its first block says whether
 * it holds a tar at all, the rest that it is whole.
 */
static bool is_xz_file(struct extract_ctx *c, struct kh_span *span)
{
	struct kh_xz_reader r;
	struct kh_error why;
	uint8_t head[512];
	size_t got = 0;
	bool whole;

	if (!kh_comp_magic_at(KH_COMP_XZ, c->data, c->len) ||
	    kh_xz_reader_init(&r, c->data, c->len, 0, UINT64_MAX,
			      &c->budget, &why))
		return false;
	whole = !kh_xz_read(&r, head, sizeof(head), &got, &why) &&
		kh_tar_looks_like(head, got) && xz_drain(&r, &why);
	if (!whole)
		budget_stop(c, &why);
	span->off = 0;
	span->len = kh_xz_reader_in(&r);
	kh_xz_reader_end(&r);
	if (!whole)
		return false;
	if (kh_xz_padding_only(c->data + span->len, c->len - span->len))
		span->len = c->len;
	return true;
}

static int search_all(struct extract_ctx *c, struct kh_buf *out,
		      struct kh_extract_info *info)
{
	enum kh_found_by how;
	unsigned int checked = 0;
	struct kh_span span;
	int ret;

	if (is_xz_file(c, &span)) {
		info_set(info, KH_FOUND_XZ_FILE, &span);
		return found(c->data, &span, out);
	}
	if (c->stop.code)
		return -EFBIG;
	how = search_direct(c, c->data, c->len, &span, NULL);
	if (how != KH_FOUND_NONE) {
		info_set(info, how, &span);
		return found(c->data, &span, out);
	}
	if (c->stop.code)
		return -EFBIG;
	ret = search_containers(c, out, info);
	if (ret)
		return ret;
	if (c->have_pending) {
		info_set(info, KH_FOUND_XZ_SCAN, &c->pending);
		return found(c->data, &c->pending, out);
	}
	if (search_xz_tars(c, c->data, c->len, true, &span, &checked)) {
		info_set(info, KH_FOUND_XZ_SCAN, &span);
		return found(c->data, &span, out);
	}
	if (c->stop.code)
		return -EFBIG;
	kh_buf_add_item(&c->tried, "; ", "xz streams holding a tar of include/ (%u more checked, none)",
	      checked);
	return 0;
}

/* @msg without a leading "'@name': ", which the caller says once. */
static const char *unprefixed(const char *msg, const char *name)
{
	size_t n = strlen(name);

	if (msg[0] == '\'' && !strncmp(msg + 1, name, n) &&
	    !strncmp(msg + 1 + n, "': ", 3))
		return msg + n + 4;
	return msg;
}

static int extract_mem(const struct kh_extract_opts *opts,
		       const void *data, size_t len, const char *name,
		       struct kh_buf *out, struct kh_extract_info *info,
		       struct kh_error *err)
{
	struct extract_ctx c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.data = data;
	c.len = len;
	c.name = name;
	c.budget.max_decoded = opts->max_decoded ? opts->max_decoded :
			       KH_EXTRACT_DEFAULT_MAX_DECODED;
	c.budget.max_streams = opts->max_streams ? opts->max_streams :
			       KH_EXTRACT_DEFAULT_MAX_STREAMS;
	kh_buf_init(&c.tried);
	if (info) {
		memset(info, 0, sizeof(*info));
		info->found_by = KH_FOUND_NONE;
	}
	ret = search_all(&c, out, info);
	if (ret == -EFBIG && c.stop.code)
		ret = kh_err_at(err, EFBIG, name,
				"'%s': gave up searching: %s", name,
				unprefixed(c.stop.msg, name));
	else if (ret == -ENOMEM)
		ret = kh_err_sys_at(err, ENOMEM, name, "cannot search '%s'",
				    name);
	else if (ret == 0)
		ret = kh_err_at(err, ENOENT, name,
				"'%s': no headers archive found; tried %s; a kernel with CONFIG_IKHEADERS=m keeps it in kheaders.ko",
				name, kh_buf_str(&c.tried));
	else
		ret = 0;
	kh_buf_release(&c.tried);
	return ret;
}

static const char *extract_name(const struct kh_extract_opts *opts)
{
	if (opts->name)
		return opts->name;
	if (!opts->path)
		return "<memory>";
	return strcmp(opts->path, "-") ? opts->path : "<stdin>";
}

int kh_extract(const struct kh_extract_opts *opts, struct kh_buf *out,
	       struct kh_extract_info *info, struct kh_error *err)
{
	const char *name = extract_name(opts);
	struct kh_buf in, own;
	const void *data = opts->data;
	size_t len = opts->len, start;
	int ret = 0;

	kh_buf_init(&in);
	kh_buf_init(&own);
	if (!out && !opts->out_path)
		return kh_err(err, EINVAL, "'%s': nowhere to put the archive",
			      name);
	if (!out)
		out = &own;
	start = out->len;
	if (opts->path && !strcmp(opts->path, "-"))
		ret = kh_read_fd(0, name, INPUT_MAX, &in, err);
	else if (opts->path)
		ret = kh_read_file(opts->path, INPUT_MAX, &in, err);
	if (!ret && opts->path) {
		data = in.data;
		len = in.len;
	}
	if (!ret)
		ret = extract_mem(opts, data, len, name, out, info, err);
	kh_buf_release(&in);
	if (!ret && opts->out_path)
		ret = kh_write_file_atomic(opts->out_path, out->data + start,
					   out->len - start, err);
	kh_buf_release(&own);
	return ret;
}
