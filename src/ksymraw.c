// SPDX-License-Identifier: GPL-2.0
/*
 * ksymraw.c - the export tables of a raw arm64 Image (arch/arm64/boot/Image:
 * vmlinux through objcopy -O binary, no ELF, no section headers).  The
 * Image is a flat copy of the kernel from its first byte, and arm64 writes
 * every struct kernel_symbol field as a 32-bit offset from the field itself
 * (HAVE_ARCH_PREL32_RELOCATIONS), so a name's offset in the file is its
 * field's plus the value: no load address is needed.  What is left is
 * finding the tables, and that is accepted only when the linker script's
 * layout (include/asm-generic/vmlinux.lds.h) holds to the byte: one or two
 * runs of valid entries sorted by name (the linker SORT()s them), followed
 * at once by the CRC tables when there are any, by 7.2's flag bytes (0 or
 * 1) when there are any, and then by __ksymtab_strings, whose first byte
 * is the lowest string any entry points at.  Anything else, including two
 * places that would both fit, is refused: never a guess.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "ksymtab.h"
#include "util.h"

#define RAW_MAGIC_OFF	56		/* arm64_image_header.magic */
#define RAW_FLAGS_OFF	24		/* arm64_image_header.flags */
#define RAW_HEADER	64
#define RAW_MIN_RUN	16		/* fewer sorted entries: not a table */
#define RAW_NAME_MAX	512		/* KSYM_NAME_LEN */
#define RAW_MAX_RUNS	64
#define RAW_NONE	UINT64_MAX	/* a null namespace field */

struct raw_run {
	size_t start;
	size_t n;
};

struct raw {
	const uint8_t *d;
	size_t len;
	bool big;
	struct raw_run run[RAW_MAX_RUNS];
	size_t nrun;
};

/* The layout found: the tables, their CRCs and flags, the strings. */
struct raw_layout {
	size_t start;		/* __ksymtab */
	size_t n_plain, n_gpl;	/* entries; n_gpl: before 7.2 */
	size_t crc;		/* first CRC, 0: none */
	size_t flags;		/* 7.2's flags, 0: none */
};

bool kh_ksymtab_is_raw_arm64(const uint8_t *data, size_t len)
{
	return len >= RAW_HEADER &&
	       !memcmp(data + RAW_MAGIC_OFF, "ARM\x64", 4);
}

static int32_t raw_s32(const struct raw *r, size_t at)
{
	const uint8_t *p = r->d + at;
	uint32_t v = r->big ?
		(uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3] :
		(uint32_t)p[3] << 24 | p[2] << 16 | p[1] << 8 | p[0];

	return (int32_t)v;
}

/* The string a field at @at points at, or RAW_NONE for a null field. */
static uint64_t raw_target(const struct raw *r, size_t at, bool may_be_null)
{
	int32_t v = raw_s32(r, at);

	if (!v && may_be_null)
		return RAW_NONE;
	return (uint64_t)at + (uint64_t)(int64_t)v;
}

/* A NUL-terminated string at @off, no longer than a symbol name. */
static const char *raw_string(const struct raw *r, uint64_t off, bool name)
{
	const char *s;
	size_t max;

	if (off >= r->len)
		return NULL;
	s = (const char *)r->d + off;
	max = r->len - off < RAW_NAME_MAX ? r->len - off : RAW_NAME_MAX;
	if (!memchr(s, '\0', max) || !kh_ksym_text_ok(s, !name))
		return NULL;
	return s;
}

/* The name of the entry at @at, when the entry is a plausible one. */
static const char *raw_entry(const struct raw *r, size_t at)
{
	uint64_t ns = raw_target(r, at + 8, true);
	const char *name = raw_string(r, raw_target(r, at + 4, false), true);

	if (!name || (ns != RAW_NONE && !raw_string(r, ns, false)))
		return NULL;
	return name;
}

static int raw_add_run(struct raw *r, size_t start, size_t n,
		       struct kh_error *why)
{
	if (n < RAW_MIN_RUN)
		return 0;
	if (r->nrun == RAW_MAX_RUNS)
		return kh_err(why, EINVAL, "more than %d runs of sorted entries: no telling the export tables",
			      RAW_MAX_RUNS);
	r->run[r->nrun].start = start;
	r->run[r->nrun++].n = n;
	return 0;
}

/* Every maximal run of valid entries sorted by name, in each phase of 12. */
static int raw_find_runs(struct raw *r, struct kh_error *why)
{
	const char *name, *prev;
	size_t phase, at, start, n;
	int ret;

	for (phase = 0; phase < 12; phase += 4) {
		prev = NULL;
		n = 0;
		start = 0;
		for (at = RAW_HEADER + phase; at + 12 <= r->len; at += 12) {
			name = raw_entry(r, at);
			if (name && prev && strcmp(prev, name) < 0) {
				n++;
			} else {
				ret = raw_add_run(r, start, n, why);
				if (ret)
					return ret;
				start = at;
				n = name ? 1 : 0;
			}
			prev = name;
		}
		ret = raw_add_run(r, start, n, why);
		if (ret)
			return ret;
	}
	return 0;
}

/* The lowest string the entries of @l point at. */
static uint64_t raw_lowest(const struct raw *r, const struct raw_layout *l)
{
	uint64_t low = UINT64_MAX, t;
	size_t i, at;

	for (i = 0; i < l->n_plain + l->n_gpl; i++) {
		at = l->start + 12 * i;
		t = raw_target(r, at + 4, false);
		low = t < low ? t : low;
		t = raw_target(r, at + 8, true);
		low = t < low ? t : low;
	}
	return low;
}

static bool raw_flags_ok(const struct raw *r, size_t at, size_t n)
{
	size_t i;

	if (at > r->len || n > r->len - at)
		return false;
	for (i = 0; i < n; i++)
		if (r->d[at + i] > 1)
			return false;
	return true;
}

/*
 * Whether the tables may start with run @a (and go on with run @b, the
 * GPL table before 7.2, when @b is not NULL) in one of the four layouts.
 * Return: how many layouts fit (@l set to the last).
 */
static int raw_fit(const struct raw *r, const struct raw_run *a,
		   const struct raw_run *b, struct raw_layout *l)
{
	size_t end = a->start + 12 * (a->n + (b ? b->n : 0));
	size_t n = a->n + (b ? b->n : 0);
	struct raw_layout t = { a->start, a->n, b ? b->n : 0, 0, 0 };
	uint64_t low = raw_lowest(r, &t);
	int fits = 0;

	if (b && low == end + 4 * n) {		/* 6.x, MODVERSIONS */
		t.crc = end;
		*l = t;
		fits++;
	}
	if (b && low == end) {			/* 6.x */
		*l = t;
		fits++;
	}
	if (!b && low == end + 5 * n && raw_flags_ok(r, end + 4 * n, n)) {
		t.crc = end;			/* 7.2, MODVERSIONS */
		t.flags = end + 4 * n;
		*l = t;
		fits++;
	}
	if (!b && low == end + n && raw_flags_ok(r, end, n)) {
		t.crc = 0;			/* 7.2 */
		t.flags = end;
		*l = t;
		fits++;
	}
	return fits;
}

static int raw_locate(const struct raw *r, struct raw_layout *l,
		      struct kh_error *why)
{
	const struct raw_run *a, *b;
	size_t i, j;
	int fits = 0;

	for (i = 0; i < r->nrun; i++) {
		a = &r->run[i];
		fits += raw_fit(r, a, NULL, l);
		for (j = 0; j < r->nrun; j++) {
			b = &r->run[j];
			if (b->start == a->start + 12 * a->n)
				fits += raw_fit(r, a, b, l);
		}
	}
	if (!fits)
		return kh_err(why, ENOENT, "no export tables laid out as the kernel's linker script lays them (%zu run(s) of sorted entries)",
			      r->nrun);
	if (fits > 1)
		return kh_err(why, EINVAL, "%d places could hold the export tables: no telling which",
			      fits);
	return 0;
}

static int raw_emit(const struct raw *r, const struct raw_layout *l,
		    int (*fn)(const struct kh_ksym *sym, void *ctx),
		    void *ctx, struct kh_ksymtab_info *info)
{
	size_t i, n = l->n_plain + l->n_gpl, at;
	struct kh_ksym sym;
	uint64_t ns;
	int ret = 0;

	info->modversions = l->crc != 0;
	for (i = 0; !ret && i < n; i++) {
		at = l->start + 12 * i;
		sym.name = raw_string(r, raw_target(r, at + 4, false), true);
		ns = raw_target(r, at + 8, true);
		sym.ns = ns == RAW_NONE ? "" : raw_string(r, ns, false);
		sym.crc = l->crc ? (uint32_t)raw_s32(r, l->crc + 4 * i) : 0;
		sym.gpl = l->flags ? r->d[l->flags + i] & 1 : i >= l->n_plain;
		ret = fn(&sym, ctx);
		info->nr++;
	}
	return ret;
}

int kh_ksymtab_read_raw(const uint8_t *data, size_t len,
			int (*fn)(const struct kh_ksym *sym, void *ctx),
			void *ctx, struct kh_ksymtab_info *info,
			struct kh_error *why)
{
	struct raw_layout l;
	struct raw *r;
	int ret;

	memset(info, 0, sizeof(*info));
	if (!kh_ksymtab_is_raw_arm64(data, len))
		return kh_err(why, ENOENT, "not a raw arm64 Image");
	r = calloc(1, sizeof(*r));
	if (!r)
		return kh_err(why, ENOMEM, "out of memory");
	r->d = data;
	r->len = len;
	r->big = data[RAW_FLAGS_OFF] & 1;	/* ARM64_IMAGE_FLAG_BE */
	ret = raw_find_runs(r, why);
	if (!ret)
		ret = raw_locate(r, &l, why);
	if (!ret)
		ret = raw_emit(r, &l, fn, ctx, info);
	free(r);
	return ret;
}
