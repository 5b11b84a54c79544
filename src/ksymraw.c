// SPDX-License-Identifier: GPL-2.0
/*
 * ksymraw.c - the export tables of a raw arm64 or RISC-V Image
 * (arch/{arm64,riscv}/boot/Image: vmlinux through objcopy -O binary, no
 * ELF, no section headers), a flat copy of the kernel from its first byte.
 * arm64 writes every struct kernel_symbol field as a 32-bit offset from the
 * field itself (HAVE_ARCH_PREL32_RELOCATIONS), so a name's offset in the
 * file is its field's plus the value.  RISC-V writes 64-bit addresses, so
 * the address of the file's first byte (the base) must be found too.  The
 * tables are accepted only where the linker script's layout
 * (include/asm-generic/vmlinux.lds.h) holds to the byte: the entries, in
 * one run sorted by name (7.2) or two (__ksymtab, __ksymtab_gpl: the
 * linker SORT()s each), followed at once by the CRC tables when there are
 * any, by 7.2's flag bytes (0 or 1) when there are any, and then by
 * __ksymtab_strings, whose first byte is the lowest string any entry
 * points at (for RISC-V, that equation gives the base, which every entry
 * must then confirm).  Anything else, including two places that would
 * both fit, is refused: never a guess.  A relocatable RISC-V kernel
 * (CONFIG_RELOCATABLE) leaves its pointers 0 for relocation at boot: no
 * place fits, and it is refused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "ksymtab.h"
#include "util.h"

/* arm64_image_header.magic and riscv_image_header.magic2 */
#define RAW_MAGIC_OFF	56
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
	unsigned int field;	/* 4: offsets (arm64), 8: addresses (RISC-V) */
	uint64_t base;		/* the address of byte 0 (RISC-V) */
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

static bool raw_is_arm64(const uint8_t *data, size_t len)
{
	return len >= RAW_HEADER &&
	       !memcmp(data + RAW_MAGIC_OFF, "ARM\x64", 4);
}

static bool raw_is_riscv(const uint8_t *data, size_t len)
{
	return len >= RAW_HEADER &&
	       !memcmp(data + RAW_MAGIC_OFF, "RSC\x05", 4);
}

bool kh_ksymtab_is_raw(const uint8_t *data, size_t len)
{
	return raw_is_arm64(data, len) || raw_is_riscv(data, len);
}

static uint64_t raw_u64(const struct raw *r, size_t at)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < 8; i++)
		v |= (uint64_t)r->d[at + i] << (8 * (r->big ? 7 - i : i));
	return v;
}

static int32_t raw_s32(const struct raw *r, size_t at)
{
	const uint8_t *p = r->d + at;
	uint32_t v = r->big ?
		(uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3] :
		(uint32_t)p[3] << 24 | p[2] << 16 | p[1] << 8 | p[0];

	return (int32_t)v;
}

/*
 * The offset of the string a field at @at points at (an address less the
 * base for RISC-V), or RAW_NONE for a null field.
 */
static uint64_t raw_target(const struct raw *r, size_t at, bool may_be_null)
{
	uint64_t a;
	int32_t v;

	if (r->field == 8) {
		a = raw_u64(r, at);
		return !a && may_be_null ? RAW_NONE : a - r->base;
	}
	v = raw_s32(r, at);
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
	uint64_t ns = raw_target(r, at + 2 * r->field, true);
	const char *name = raw_string(r, raw_target(r, at + r->field, false),
				      true);

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
		at = l->start + 3 * r->field * i;
		t = raw_target(r, at + r->field, false);
		low = t < low ? t : low;
		t = raw_target(r, at + 2 * r->field, true);
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

/*
 * RISC-V: runs of 16 or more address triples (value, name, namespace or
 * 0) sharing their upper 32 bits, as a kernel's addresses do.
 */
static bool raw_ptr_entry(const struct raw *r, size_t at, uint32_t *hi)
{
	uint64_t v = raw_u64(r, at), n = raw_u64(r, at + 8);
	uint64_t ns = raw_u64(r, at + 16);

	if (!v || !n || v >> 32 != n >> 32 || (ns && ns >> 32 != n >> 32))
		return false;
	*hi = n >> 32;
	return true;
}

static int raw_find_ptr_runs(struct raw *r, struct kh_error *why)
{
	size_t phase, at, start, n;
	uint32_t hi = 0, run_hi = 0;
	bool ok;
	int ret;

	for (phase = 0; phase < 24; phase += 8) {
		n = 0;
		start = 0;
		for (at = RAW_HEADER + phase; at + 24 <= r->len; at += 24) {
			ok = raw_ptr_entry(r, at, &hi);
			if (ok && n && hi == run_hi) {
				n++;
				continue;
			}
			ret = raw_add_run(r, start, n, why);
			if (ret)
				return ret;
			start = at;
			n = ok;
			run_hi = hi;
		}
		ret = raw_add_run(r, start, n, why);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Under r->base: every entry of @l valid, names sorted in one run, or in
 * two (@two, then @l->n_plain is where the second starts).
 */
static bool raw_check(const struct raw *r, struct raw_layout *l, bool two)
{
	size_t i, n = l->n_plain, breaks = 0;
	const char *prev = NULL, *name;

	for (i = 0; i < n; i++) {
		name = raw_entry(r, l->start + 24 * i);
		if (!name)
			return false;
		if (prev && strcmp(prev, name) >= 0) {
			if (!two || breaks++)
				return false;
			l->n_plain = i;
		}
		prev = name;
	}
	if (two && breaks != 1)
		return false;
	if (two)
		l->n_gpl = n - l->n_plain;
	return true;
}

/* The bytes after the entries, in each layout: CRCs, flags. */
static const struct {
	bool two, crc, flags;
} raw_layouts[] = {
	{ true, true, false },		/* 6.x, MODVERSIONS */
	{ true, false, false },		/* 6.x */
	{ false, true, true },		/* 7.2, MODVERSIONS */
	{ false, false, true },		/* 7.2 */
};

/*
 * One RISC-V run from its @k-th entry on, in layout @j: the base the
 * equation gives, then every entry must agree.  1 when it fits.
 */
static int raw_fit_abs(struct raw *r, const struct raw_run *run, size_t k,
		       size_t j, uint64_t low, struct raw_layout *l)
{
	size_t n = run->n - k, end = run->start + 24 * run->n;
	size_t tail = (raw_layouts[j].crc ? 4 * n : 0) +
		      (raw_layouts[j].flags ? n : 0);
	struct raw_layout t = { run->start + 24 * k, n, 0, 0, 0 };

	if (end + tail >= r->len || low == UINT64_MAX)
		return 0;
	if (raw_layouts[j].crc)
		t.crc = end;
	if (raw_layouts[j].flags) {
		t.flags = end + (raw_layouts[j].crc ? 4 * n : 0);
		if (!raw_flags_ok(r, t.flags, n))
			return 0;
	}
	r->base = low - (end + tail);
	if (!raw_check(r, &t, raw_layouts[j].two))
		return 0;
	*l = t;
	return 1;
}

/* The lowest address entries @k.. of @run point at, for each @k. */
static uint64_t *raw_suffix_low(struct raw *r, const struct raw_run *run)
{
	uint64_t *low = malloc((run->n + 1) * sizeof(*low)), t;
	size_t i, at;

	if (!low)
		return NULL;
	r->base = 0;
	low[run->n] = UINT64_MAX;
	for (i = run->n; i-- > 0;) {
		at = run->start + 24 * i;
		low[i] = low[i + 1];
		t = raw_target(r, at + 8, false);
		low[i] = t < low[i] ? t : low[i];
		t = raw_target(r, at + 16, true);
		low[i] = t < low[i] ? t : low[i];
	}
	return low;
}

static int raw_locate_abs(struct raw *r, struct raw_layout *l,
			  struct kh_error *why)
{
	uint64_t *low, base = 0;
	size_t i, j, k;
	int fits = 0, fit;

	for (i = 0; i < r->nrun; i++) {
		low = raw_suffix_low(r, &r->run[i]);
		if (!low)
			return kh_err(why, ENOMEM, "out of memory");
		/*
		 * Entries that precede the tables but read as valid ones
		 * start the run early: per layout, the longest fit (the
		 * least @k) is the one; without CRCs or flags a shorter
		 * one would fit with the same base.
		 */
		for (j = 0; j < ARRAY_SIZE(raw_layouts); j++)
			for (k = 0; r->run[i].n - k >= RAW_MIN_RUN; k++) {
				fit = raw_fit_abs(r, &r->run[i], k, j, low[k], l);
				if (!fit)
					continue;
				base = r->base;
				fits++;
				break;
			}
		free(low);
	}
	r->base = base;
	if (!fits)
		return kh_err(why, ENOENT, "no export tables laid out as the kernel's linker script lays them (%zu run(s) of addresses; a relocatable kernel leaves them 0)",
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
		at = l->start + 3 * r->field * i;
		sym.name = raw_string(r, raw_target(r, at + r->field, false),
				      true);
		ns = raw_target(r, at + 2 * r->field, true);
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
	if (!kh_ksymtab_is_raw(data, len))
		return kh_err(why, ENOENT, "not a raw arm64 or RISC-V Image");
	r = calloc(1, sizeof(*r));
	if (!r)
		return kh_err(why, ENOMEM, "out of memory");
	r->d = data;
	r->len = len;
	r->field = raw_is_arm64(data, len) ? 4 : 8;
	/* ARM64_IMAGE_FLAG_BE; RISC-V kernels are little-endian */
	r->big = r->field == 4 && (data[RAW_FLAGS_OFF] & 1);
	if (r->field == 4)
		ret = raw_find_runs(r, why);
	else
		ret = raw_find_ptr_runs(r, why);
	if (!ret && r->field == 4)
		ret = raw_locate(r, &l, why);
	else if (!ret)
		ret = raw_locate_abs(r, &l, why);
	if (!ret)
		ret = raw_emit(r, &l, fn, ctx, info);
	free(r);
	return ret;
}
