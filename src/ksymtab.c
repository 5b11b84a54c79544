// SPDX-License-Identifier: GPL-2.0
/*
 * ksymtab.c - reading a kernel's export tables back from its ELF file, for
 * `kheaders symvers`.  The layouts, from include/linux/export-internal.h,
 * include/asm-generic/vmlinux.lds.h and scripts/module.lds.S of 6.1 to 7.2:
 * struct kernel_symbol is three 32-bit offsets from each field where the
 * architecture selects HAVE_ARCH_PREL32_RELOCATIONS (x86, arm64), else
 * three absolute pointers (value, name, namespace); the linker sorts the
 * ___ksymtab+NAME, ___kcrctab+NAME and ___kflagstab+NAME pieces by name
 * into __ksymtab (and, before 7.2, __ksymtab_gpl), __kcrctab (and
 * __kcrctab_gpl: one 32-bit CRC per entry, only with MODVERSIONS) and, from
 * 7.2 on, __kflagstab (one byte per entry, KSYM_FLAG_GPL_ONLY), so slot i
 * of each belongs to entry i.  Names and namespaces ("" for none) are
 * strings in __ksymtab_strings.  Table contents are read with explicit
 * byte-order helpers; symbols and relocations through gelf.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <gelf.h>
#include <libelf.h>

#include "error.h"
#include "ksymtab.h"
#include "util.h"

#ifndef EM_AARCH64
#define EM_AARCH64 183
#endif

enum ksec_id {
	KSEC_TAB,
	KSEC_TAB_GPL,
	KSEC_CRC,
	KSEC_CRC_GPL,
	KSEC_FLAGS,
	KSEC_STR,
	KSEC_MODINFO,
	KSEC_NR,
};

static const char *const ksec_names[KSEC_NR] = {
	[KSEC_TAB] = "__ksymtab",
	[KSEC_TAB_GPL] = "__ksymtab_gpl",
	[KSEC_CRC] = "__kcrctab",
	[KSEC_CRC_GPL] = "__kcrctab_gpl",
	[KSEC_FLAGS] = "__kflagstab",
	[KSEC_STR] = "__ksymtab_strings",
	[KSEC_MODINFO] = ".modinfo",
};

#define KSYM_FLAG_GPL_ONLY 0x1

struct ksec {
	bool have;
	size_t ndx;
	uint64_t addr;
	uint64_t size;
	const uint8_t *p;
};

/* A __crc_NAME symbol: which CRC table, which byte of it. */
struct klabel {
	const char *name;	/* NAME, in the file's string table */
	enum ksec_id sec;
	uint64_t off;
};

/* One relocation of the table being read: where, against what, plus what. */
struct krel {
	uint64_t off;
	size_t sym;
	int64_t addend;
	bool rela;
};

struct kreader {
	const uint8_t *data;
	size_t len;
	Elf *elf;
	GElf_Ehdr eh;
	bool big;
	bool prel;
	unsigned int field;	/* bytes of one field */
	struct ksec sec[KSEC_NR];
	struct krel *rel;	/* the table's relocations (relocatable), or
				 * the dynamic ones (linked), sorted */
	size_t nrel, rel_alloc;
	size_t symtab;		/* the section the relocations refer to */
	struct klabel *crc;	/* the __crc_* labels, sorted by name */
	size_t ncrc, crc_alloc;
};

static uint64_t get_uint(const struct kreader *r, const uint8_t *p,
			 unsigned int n)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[r->big ? n - 1 - i : i] << (8 * i);
	return v;
}

/* The field's value, sign-extended (an offset or an in-place addend). */
static int64_t get_sint(const struct kreader *r, const uint8_t *p,
			unsigned int n)
{
	uint64_t v = get_uint(r, p, n);

	if (n == 4)
		return (int32_t)(uint32_t)v;
	return (int64_t)v;
}

bool kh_ksymtab_is_elf(const uint8_t *data, size_t len)
{
	return len >= SELFMAG && !memcmp(data, ELFMAG, SELFMAG);
}

static int find_one(struct kreader *r, Elf_Scn *scn, const GElf_Shdr *sh,
		    const char *name, struct kh_error *why)
{
	struct ksec *s;
	enum ksec_id k;

	for (k = 0; k < KSEC_NR; k++)
		if (!strcmp(name, ksec_names[k]))
			break;
	if (k == KSEC_NR)
		return 0;
	s = &r->sec[k];
	if (s->have)
		return kh_err(why, EINVAL, "two '%s' sections", name);
	if (sh->sh_type == SHT_NOBITS || sh->sh_offset > r->len ||
	    sh->sh_size > r->len - sh->sh_offset)
		return kh_err(why, EINVAL, "section '%s' lies outside the file",
			      name);
	s->have = true;
	s->ndx = elf_ndxscn(scn);
	s->addr = sh->sh_addr;
	s->size = sh->sh_size;
	s->p = r->data + sh->sh_offset;
	return 0;
}

static int find_sections(struct kreader *r, struct kh_error *why)
{
	Elf_Scn *scn = NULL;
	const char *name;
	size_t shstrndx;
	GElf_Shdr sh;
	int ret;

	if (elf_getshdrstrndx(r->elf, &shstrndx))
		return kh_err(why, EINVAL, "unreadable section table: %s",
			      elf_errmsg(-1));
	while ((scn = elf_nextscn(r->elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			return kh_err(why, EINVAL, "unreadable section header: %s",
				      elf_errmsg(-1));
		name = elf_strptr(r->elf, shstrndx, sh.sh_name);
		if (!name)
			continue;
		ret = find_one(r, scn, &sh, name, why);
		if (ret)
			return ret;
	}
	return 0;
}

static int cmp_krel(const void *a, const void *b)
{
	const struct krel *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/*
 * The symbol of a relocation.  64-bit little-endian MIPS lays r_info out
 * as a 32-bit symbol, then ssym, type3, type2 and type bytes (modpost's
 * own fix-up): a libelf that does not convert it leaves the type in the
 * top byte, where no symbol index of a standard r_info reaches.
 */
static size_t rel_sym(const struct kreader *r, uint64_t info)
{
	if (r->eh.e_machine == EM_MIPS && !r->big &&
	    gelf_getclass(r->elf) == ELFCLASS64 && info >> 56)
		return info & 0xffffffff;
	return GELF_R_SYM(info);
}

static int add_rels(struct kreader *r, Elf_Scn *scn, const GElf_Shdr *sh,
		    struct kh_error *why)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	bool rela = sh->sh_type == SHT_RELA;
	size_t i, n, ent;
	struct krel *k;
	GElf_Rela ra;
	GElf_Rel rl;

	ent = gelf_fsize(r->elf, rela ? ELF_T_RELA : ELF_T_REL, 1, EV_CURRENT);
	if (!d || !ent)
		return kh_err(why, EINVAL, "unreadable relocations: %s",
			      elf_errmsg(-1));
	if (r->symtab && r->symtab != sh->sh_link)
		return kh_err(why, EINVAL, "relocations against two symbol tables");
	r->symtab = sh->sh_link;
	n = d->d_size / ent;
	for (i = 0; i < n; i++) {
		if (ALLOC_GROW(r->rel, r->nrel + 1, r->rel_alloc))
			return kh_err(why, ENOMEM, "out of memory");
		k = &r->rel[r->nrel];
		if (rela ? !gelf_getrela(d, i, &ra) : !gelf_getrel(d, i, &rl))
			return kh_err(why, EINVAL, "unreadable relocation: %s",
				      elf_errmsg(-1));
		k->off = rela ? ra.r_offset : rl.r_offset;
		k->sym = rel_sym(r, rela ? ra.r_info : rl.r_info);
		k->addend = rela ? ra.r_addend : 0;
		k->rela = rela;
		r->nrel++;
	}
	return 0;
}

/*
 * The relocations of the REL/RELA sections that apply to section @target
 * (a relocatable file: a table's section index), or of every allocated one
 * when @target is 0 (a linked file's dynamic relocations), sorted by the
 * offset or address they fill.
 */
static int load_rel_sections(struct kreader *r, size_t target,
			     struct kh_error *why)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	int ret;

	r->nrel = 0;
	r->symtab = 0;
	while ((scn = elf_nextscn(r->elf, scn))) {
		if (!gelf_getshdr(scn, &sh) ||
		    (sh.sh_type != SHT_RELA && sh.sh_type != SHT_REL))
			continue;
		if (target ? sh.sh_info != target : !(sh.sh_flags & SHF_ALLOC))
			continue;
		ret = add_rels(r, scn, &sh, why);
		if (ret)
			return ret;
	}
	if (r->nrel)
		qsort(r->rel, r->nrel, sizeof(*r->rel), cmp_krel);
	return 0;
}

/* A relocatable file: the relocations of table @t, sorted by offset. */
static int load_rels(struct kreader *r, enum ksec_id t, struct kh_error *why)
{
	size_t i;
	int ret = load_rel_sections(r, r->sec[t].ndx, why);

	if (ret)
		return ret;
	for (i = 1; i < r->nrel; i++)
		if (r->rel[i].off == r->rel[i - 1].off)
			return kh_err(why, EINVAL, "two relocations at offset %llu of '%s'",
				      (unsigned long long)r->rel[i].off,
				      ksec_names[t]);
	return 0;
}

static const struct krel *find_rel(const struct kreader *r, uint64_t off)
{
	size_t lo = 0, hi = r->nrel, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r->rel[mid].off == off)
			return &r->rel[mid];
		if (r->rel[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Relocatable: the field at @fo of table @t points at S + A, the addend
 * being the field's content for REL, and for SuperH's RELA both (its
 * R_SH_DIR32 adds r_addend to what is there: arch/sh/kernel/module.c).
 */
static int rel_target(const struct kreader *r, enum ksec_id t, uint64_t fo,
		      uint64_t *str_off, struct kh_error *why)
{
	const struct krel *k = find_rel(r, fo);
	Elf_Scn *scn;
	Elf_Data *d;
	GElf_Sym sym;
	int64_t addend;

	if (!k)
		return kh_err(why, EINVAL, "no relocation at offset %llu of '%s'",
			      (unsigned long long)fo, ksec_names[t]);
	scn = elf_getscn(r->elf, r->symtab);
	d = scn ? elf_getdata(scn, NULL) : NULL;
	if (!d || !gelf_getsym(d, k->sym, &sym))
		return kh_err(why, EINVAL, "relocation at offset %llu of '%s' names no symbol",
			      (unsigned long long)fo, ksec_names[t]);
	if (sym.st_shndx != r->sec[KSEC_STR].ndx)
		return kh_err(why, EINVAL, "entry at offset %llu of '%s' points outside '%s'",
			      (unsigned long long)fo, ksec_names[t],
			      ksec_names[KSEC_STR]);
	addend = k->rela ? k->addend : 0;
	if (!k->rela || r->eh.e_machine == EM_SH)
		addend += get_sint(r, r->sec[t].p + fo, r->field);
	*str_off = sym.st_value + (uint64_t)addend;
	return 0;
}

/* The address a dynamic relocation @k writes: S + A (S 0 for RELATIVE). */
static uint64_t dyn_value(const struct kreader *r, const struct krel *k)
{
	Elf_Scn *scn = elf_getscn(r->elf, r->symtab);
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
	GElf_Sym sym;

	if (!k->sym)
		return (uint64_t)k->addend;
	if (!d || !gelf_getsym(d, k->sym, &sym))
		return 0;
	return sym.st_value + (uint64_t)k->addend;
}

/*
 * Linked: the field at @fo of table @t holds an offset or an address; a
 * pointer left 0 for a dynamic relocation holds what that relocation
 * writes there.
 */
static void abs_target(const struct kreader *r, enum ksec_id t, uint64_t fo,
		       uint64_t *addr)
{
	const uint8_t *p = r->sec[t].p + fo;
	const struct krel *k;

	if (r->prel) {
		*addr = r->sec[t].addr + fo + (uint64_t)get_sint(r, p, 4);
		return;
	}
	*addr = get_uint(r, p, r->field);
	k = *addr ? NULL : find_rel(r, r->sec[t].addr + fo);
	if (k)
		*addr = dyn_value(r, k);
}

bool kh_ksym_text_ok(const char *s, bool may_be_empty)
{
	if (!*s)
		return may_be_empty;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

/*
 * A null namespace field: no namespace (6.1's assembly exports write a
 * literal 0 there, which kernel_symbol_namespace() reads as NULL): a field
 * that holds 0 and that no relocation fills.
 */
static bool field_null(const struct kreader *r, enum ksec_id t, uint64_t fo)
{
	if (get_uint(r, r->sec[t].p + fo, r->field))
		return false;
	return !find_rel(r, r->eh.e_type == ET_REL ? fo :
			 r->sec[t].addr + fo);
}

/* The string that field @k of entry @i of table @t points at. */
static int field_string(const struct kreader *r, enum ksec_id t, size_t i,
			unsigned int k, const char **out, struct kh_error *why)
{
	const struct ksec *str = &r->sec[KSEC_STR];
	uint64_t fo = i * 3 * r->field + k * r->field, off = 0, addr;
	const char *s;
	int ret;

	if (k == 2 && field_null(r, t, fo)) {
		*out = "";
		return 0;
	}
	if (r->eh.e_type == ET_REL) {
		ret = rel_target(r, t, fo, &off, why);
		if (ret)
			return ret;
	} else {
		abs_target(r, t, fo, &addr);
		off = addr - str->addr;
		if (addr < str->addr)
			off = UINT64_MAX;
	}
	if (!str->have || off >= str->size ||
	    !memchr(str->p + off, '\0', str->size - off))
		return kh_err(why, EINVAL, "entry %zu of '%s' points outside '%s'",
			      i, ksec_names[t], ksec_names[KSEC_STR]);
	s = (const char *)str->p + off;
	if (!kh_ksym_text_ok(s, k == 2))
		return kh_err(why, EINVAL, "entry %zu of '%s' has a malformed %s",
			      i, ksec_names[t], k == 2 ? "namespace" : "name");
	*out = s;
	return 0;
}

static int cmp_klabel(const void *a, const void *b)
{
	return strcmp(((const struct klabel *)a)->name,
		      ((const struct klabel *)b)->name);
}

/* @sym as a __crc_ label of a CRC table, if it is one. */
static int add_label(struct kreader *r, const GElf_Sym *sym, const char *name,
		     struct kh_error *why)
{
	enum ksec_id k = sym->st_shndx == r->sec[KSEC_CRC].ndx ? KSEC_CRC :
			 KSEC_CRC_GPL;
	const struct ksec *c = &r->sec[k];
	struct klabel *l;

	if (strncmp(name, "__crc_", 6) || !c->have || sym->st_shndx != c->ndx)
		return 0;
	if (ALLOC_GROW(r->crc, r->ncrc + 1, r->crc_alloc))
		return kh_err(why, ENOMEM, "out of memory");
	l = &r->crc[r->ncrc++];
	l->name = name + 6;
	l->sec = k;
	l->off = sym->st_value - (r->eh.e_type == ET_REL ? 0 : c->addr);
	return 0;
}

/*
 * The __crc_NAME labels of a file that kept its symbol table, to check
 * that slot i of a CRC table is the one its entry's label names.
 */
static int load_labels(struct kreader *r, struct kh_error *why)
{
	Elf_Scn *scn = NULL;
	const char *name;
	Elf_Data *d;
	GElf_Shdr sh;
	GElf_Sym sym;
	size_t i, n;
	int ret;

	while ((scn = elf_nextscn(r->elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB ||
		    !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		n = d ? d->d_size / sh.sh_entsize : 0;
		for (i = 1; i < n; i++) {
			if (!gelf_getsym(d, i, &sym))
				break;
			name = elf_strptr(r->elf, sh.sh_link, sym.st_name);
			ret = name ? add_label(r, &sym, name, why) : 0;
			if (ret)
				return ret;
		}
	}
	if (r->ncrc)
		qsort(r->crc, r->ncrc, sizeof(*r->crc), cmp_klabel);
	return 0;
}

/* Slot @i of table @crc holds the CRC of @name, by its label if it has one. */
static int check_label(const struct kreader *r, enum ksec_id crc, size_t i,
		       const char *name, struct kh_error *why)
{
	struct klabel key = { .name = name };
	const struct klabel *l;

	l = r->ncrc ? bsearch(&key, r->crc, r->ncrc, sizeof(*r->crc),
			      cmp_klabel) : NULL;
	if (!l || (l->sec == crc && l->off == 4 * (uint64_t)i))
		return 0;
	return kh_err(why, EINVAL, "'__crc_%s' labels byte %llu of '%s', not the slot of its entry %zu",
		      name, (unsigned long long)l->off, ksec_names[l->sec], i);
}

/* Check the sizes of table @t and its CRC and flag tables: @n entries. */
static int table_size(const struct kreader *r, enum ksec_id t, enum ksec_id crc,
		      size_t *n, struct kh_error *why)
{
	uint64_t ent = 3 * r->field;
	const struct ksec *f = &r->sec[KSEC_FLAGS];

	if (r->sec[t].size % ent)
		return kh_err(why, EINVAL, "'%s' is %llu bytes, not a multiple of its %llu-byte entries",
			      ksec_names[t],
			      (unsigned long long)r->sec[t].size,
			      (unsigned long long)ent);
	*n = r->sec[t].size / ent;
	if (r->sec[crc].have && r->sec[crc].size != (uint64_t)*n * 4)
		return kh_err(why, EINVAL, "'%s' holds %llu bytes for the %zu entries of '%s'",
			      ksec_names[crc],
			      (unsigned long long)r->sec[crc].size, *n,
			      ksec_names[t]);
	if (t == KSEC_TAB && f->have && f->size != *n)
		return kh_err(why, EINVAL, "'%s' holds %llu flags for the %zu entries of '%s'",
			      ksec_names[KSEC_FLAGS],
			      (unsigned long long)f->size, *n, ksec_names[t]);
	return 0;
}

static int read_table(struct kreader *r, enum ksec_id t,
		      int (*fn)(const struct kh_ksym *sym, void *ctx),
		      void *ctx, struct kh_ksymtab_info *info,
		      struct kh_error *why)
{
	enum ksec_id crc = t == KSEC_TAB ? KSEC_CRC : KSEC_CRC_GPL;
	struct kh_ksym sym;
	size_t i, n = 0;
	int ret;

	if (!r->sec[t].have)
		return 0;
	ret = table_size(r, t, crc, &n, why);
	if (!ret && r->eh.e_type == ET_REL)
		ret = load_rels(r, t, why);
	for (i = 0; !ret && i < n; i++) {
		ret = field_string(r, t, i, 1, &sym.name, why);
		if (!ret)
			ret = field_string(r, t, i, 2, &sym.ns, why);
		if (!ret && r->sec[crc].have)
			ret = check_label(r, crc, i, sym.name, why);
		if (ret)
			break;
		sym.crc = r->sec[crc].have ?
			  (uint32_t)get_uint(r, r->sec[crc].p + 4 * i, 4) : 0;
		sym.gpl = t == KSEC_TAB_GPL ||
			  (r->sec[KSEC_FLAGS].have &&
			   (r->sec[KSEC_FLAGS].p[i] & KSYM_FLAG_GPL_ONLY));
		ret = fn(&sym, ctx);
		info->nr++;
	}
	return ret;
}

/* The layout of an entry: PREL32 (x86, arm64) or three pointers. */
static int entry_layout(struct kreader *r, struct kh_error *why)
{
	int class = gelf_getclass(r->elf);

	if (class != ELFCLASS32 && class != ELFCLASS64)
		return kh_err(why, EINVAL, "unknown ELF class %d", class);
	r->big = r->eh.e_ident[EI_DATA] == ELFDATA2MSB;
	r->prel = r->eh.e_machine == EM_X86_64 ||
		  r->eh.e_machine == EM_386 ||
		  r->eh.e_machine == EM_AARCH64;
	r->field = r->prel || class == ELFCLASS32 ? 4 : 8;
	return 0;
}

/* libelf sees no section at all past the end: say it is truncated. */
static int check_headers(struct kreader *r, struct kh_error *why)
{
	uint64_t need = (uint64_t)(r->eh.e_shnum ? r->eh.e_shnum : 1) *
			r->eh.e_shentsize;
	size_t shnum;

	if (r->eh.e_shoff && (r->eh.e_shoff > r->len ||
			      need > r->len - r->eh.e_shoff))
		return kh_err(why, EINVAL, "truncated: its section headers lie past the end (%zu bytes)",
			      r->len);
	if (elf_getshdrnum(r->elf, &shnum))
		return kh_err(why, EINVAL, "unreadable section table: %s",
			      elf_errmsg(-1));
	if (!r->eh.e_shoff || !shnum)
		return kh_err(why, EINVAL, "no section headers");
	return 0;
}

static int check_kind(struct kreader *r, struct kh_ksymtab_info *info,
		      struct kh_error *why)
{
	bool tables = r->sec[KSEC_TAB].have || r->sec[KSEC_TAB_GPL].have;

	info->module = r->eh.e_type == ET_REL;
	info->modversions = r->sec[KSEC_CRC].have || r->sec[KSEC_CRC_GPL].have;
	if (r->eh.e_type != ET_REL && r->eh.e_type != ET_EXEC &&
	    r->eh.e_type != ET_DYN)
		return kh_err(why, ENOENT, "an ELF file of type %u, neither a kernel nor a module",
			      r->eh.e_type);
	if (info->module && !r->sec[KSEC_MODINFO].have)
		return kh_err(why, ENOENT, "a relocatable file without .modinfo, not a kernel module");
	if (!info->module && !tables)
		return kh_err(why, ENOENT, "no export table (__ksymtab): not a kernel with CONFIG_MODULES");
	if (tables && !r->sec[KSEC_STR].have)
		return kh_err(why, EINVAL, "export tables without '%s'",
			      ksec_names[KSEC_STR]);
	return 0;
}

int kh_ksymtab_read(const uint8_t *data, size_t len,
		    int (*fn)(const struct kh_ksym *sym, void *ctx),
		    void *ctx, struct kh_ksymtab_info *info,
		    struct kh_error *why)
{
	struct kreader r;
	int ret;

	memset(info, 0, sizeof(*info));
	memset(&r, 0, sizeof(r));
	r.data = data;
	r.len = len;
	if (!kh_ksymtab_is_elf(data, len))
		return kh_err(why, ENOENT, "not an ELF file");
	if (elf_version(EV_CURRENT) == EV_NONE)
		return kh_err(why, EINVAL, "libelf: %s", elf_errmsg(-1));
	/* ELF_C_READ: libelf copies before converting, @data stays intact. */
	r.elf = elf_memory((char *)data, len);
	if (!r.elf || elf_kind(r.elf) != ELF_K_ELF ||
	    !gelf_getehdr(r.elf, &r.eh)) {
		ret = kh_err(why, EINVAL, "unreadable ELF file: %s",
			     elf_errmsg(-1));
		goto out_end;
	}
	ret = entry_layout(&r, why);
	if (!ret)
		ret = check_headers(&r, why);
	if (!ret)
		ret = find_sections(&r, why);
	if (!ret)
		ret = check_kind(&r, info, why);
	if (!ret && info->modversions)
		ret = load_labels(&r, why);
	/*
	 * A relocatable kernel (RISC-V's CONFIG_RELOCATABLE) leaves its
	 * pointers 0 and has .rela.dyn fill them at boot.
	 */
	if (!ret && !info->module && !r.prel)
		ret = load_rel_sections(&r, 0, why);
	if (!ret)
		ret = read_table(&r, KSEC_TAB, fn, ctx, info, why);
	if (!ret)
		ret = read_table(&r, KSEC_TAB_GPL, fn, ctx, info, why);
out_end:
	free(r.crc);
	free(r.rel);
	elf_end(r.elf);
	return ret;
}
