// SPDX-License-Identifier: GPL-2.0
/*
 * scan.c - the image scanner's searches over one buffer: the ELF symbol
 * table through libelf/gelf (32/64-bit, both byte orders; relocatable
 * objects map symbols through their section, executables through the
 * section that holds the virtual address), the IKHD_ST/IKHD_ED markers,
 * and the xz-stream checks (decoded completely and boundedly by liblzma;
 * tar content looked at by libarchive).  Nothing here trusts an offset read
 * from the input before checking it against the buffer.
 */
#include <errno.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <gelf.h>
#include <libelf.h>

#include "error.h"
#include "scan.h"
#include "tarread.h"
#include "xzread.h"

#define TAR_PROBE_ENTRIES 100000

struct elf_syms {
	GElf_Sym start, end;
	bool have_start, have_end;
};

static int elf_find_syms(Elf *elf, struct elf_syms *s, struct kh_error *why)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	Elf_Data *d;
	GElf_Sym sym;
	const char *name;
	bool have_symtab = false;
	size_t i, n;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		have_symtab = true;
		d = elf_getdata(scn, NULL);
		if (!d)
			return kh_err(why, EINVAL, "unreadable symbol table: %s",
				      elf_errmsg(-1));
		n = d->d_size / gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);
		for (i = 1; i < n; i++) {
			if (!gelf_getsym(d, i, &sym))
				break;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!name)
				continue;
			if (!strcmp(name, KH_SYM_START) && !s->have_start) {
				s->start = sym;
				s->have_start = true;
			} else if (!strcmp(name, KH_SYM_END) && !s->have_end) {
				s->end = sym;
				s->have_end = true;
			}
		}
	}
	if (!have_symtab)
		return kh_err(why, ENOENT, "no symbol table");
	if (!s->have_start && !s->have_end)
		return kh_err(why, ENOENT, "no symbol '%s'", KH_SYM_START);
	if (!s->have_start || !s->have_end)
		return kh_err(why, EINVAL, "'%s' without '%s'",
			      s->have_start ? KH_SYM_START : KH_SYM_END,
			      s->have_start ? KH_SYM_END : KH_SYM_START);
	return 0;
}

/* The section (index) holding virtual address @v, for symbols without one. */
static size_t elf_section_of_addr(Elf *elf, uint64_t v)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC) ||
		    sh.sh_type == SHT_NOBITS)
			continue;
		if (v >= sh.sh_addr && v - sh.sh_addr < sh.sh_size)
			return elf_ndxscn(scn);
	}
	return SHN_UNDEF;
}

/*
 * Map @sym to a file offset: relocatable objects hold section-relative
 * values, executables and shared objects virtual addresses.  An end symbol
 * may sit one past its section.
 */
static int elf_sym_offset(Elf *elf, const GElf_Ehdr *eh, const GElf_Sym *sym,
			  const char *name, size_t len, size_t *shndx,
			  uint64_t *off, struct kh_error *why)
{
	uint64_t rel;
	Elf_Scn *scn;
	GElf_Shdr sh;
	size_t ndx = sym->st_shndx;

	if (ndx == SHN_UNDEF || ndx >= SHN_LORESERVE) {
		if (eh->e_type == ET_REL)
			return kh_err(why, EINVAL, "'%s' is not defined in a section",
				      name);
		ndx = elf_section_of_addr(elf, sym->st_value);
	}
	scn = ndx ? elf_getscn(elf, ndx) : NULL;
	if (!scn || !gelf_getshdr(scn, &sh))
		return kh_err(why, EINVAL, "'%s' is in no readable section",
			      name);
	if (sh.sh_type == SHT_NOBITS)
		return kh_err(why, EINVAL, "'%s' is in a section without data",
			      name);
	if (eh->e_type == ET_REL)
		rel = sym->st_value;
	else if (sym->st_value >= sh.sh_addr)
		rel = sym->st_value - sh.sh_addr;
	else
		return kh_err(why, EINVAL, "'%s' lies before its section", name);
	if (rel > sh.sh_size || sh.sh_offset > len ||
	    sh.sh_size > len - sh.sh_offset)
		return kh_err(why, EINVAL, "'%s' points outside the file", name);
	*shndx = ndx;
	*off = sh.sh_offset + rel;
	return 0;
}

static int elf_symbols_span(Elf *elf, size_t len, struct kh_span *found,
			    struct kh_error *why)
{
	struct elf_syms s = { .have_start = false, .have_end = false };
	size_t ndx_start, ndx_end;
	uint64_t start, end;
	GElf_Ehdr eh;
	int ret;

	if (!gelf_getehdr(elf, &eh))
		return kh_err(why, EINVAL, "unreadable ELF header: %s",
			      elf_errmsg(-1));
	ret = elf_find_syms(elf, &s, why);
	if (ret)
		return ret;
	ret = elf_sym_offset(elf, &eh, &s.start, KH_SYM_START, len,
			     &ndx_start, &start, why);
	if (!ret)
		ret = elf_sym_offset(elf, &eh, &s.end, KH_SYM_END, len,
				     &ndx_end, &end, why);
	if (ret)
		return ret;
	if (ndx_start != ndx_end || end <= start)
		return kh_err(why, EINVAL, "'%s' does not follow '%s' in its section",
			      KH_SYM_END, KH_SYM_START);
	found->off = start;
	found->len = end - start;
	return 0;
}

int kh_scan_elf_symbols(const uint8_t *data, size_t len,
			struct kh_span *found, struct kh_error *why)
{
	Elf *elf;
	size_t shnum;
	int ret;

	if (len < EI_NIDENT || memcmp(data, ELFMAG, SELFMAG))
		return kh_err(why, ENOENT, "not an ELF file");
	if (elf_version(EV_CURRENT) == EV_NONE)
		return kh_err(why, EINVAL, "libelf: %s", elf_errmsg(-1));
	/* ELF_C_READ: libelf copies before converting, @data stays intact. */
	elf = elf_memory((char *)data, len);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		ret = kh_err(why, EINVAL, "unreadable ELF file: %s",
			     elf_errmsg(-1));
		goto out_end;
	}
	if (elf_getshdrnum(elf, &shnum)) {
		ret = kh_err(why, EINVAL, "unreadable section table: %s",
			     elf_errmsg(-1));
		goto out_end;
	}
	ret = elf_symbols_span(elf, len, found, why);
out_end:
	elf_end(elf);
	return ret;
}

int kh_xz_span_valid(const uint8_t *data, const struct kh_span *span,
		     uint64_t max_decoded, struct kh_xz_budget *budget,
		     struct kh_error *why)
{
	size_t slen = 0;
	int ret;

	ret = kh_xz_decode(data + span->off, span->len, max_decoded, NULL, 0,
			   &slen, budget, why);
	if (ret)
		return ret;
	if (!kh_xz_padding_only(data + span->off + slen, span->len - slen))
		return kh_err(why, EBADMSG,
			      "the xz stream ends %zu bytes before the archive's end",
			      span->len - slen);
	return 0;
}

int kh_scan_markers(const uint8_t *data, size_t len, uint64_t max_decoded,
		    struct kh_xz_budget *budget, struct kh_span *found,
		    struct kh_error *why)
{
	const uint8_t *p;
	size_t pos = 0, start, slen;
	unsigned int seen = 0;
	struct kh_error e;

	while (pos < len) {
		p = memmem(data + pos, len - pos, KH_MARK_START, KH_MARK_LEN);
		if (!p)
			break;
		seen++;
		start = p - data + KH_MARK_LEN;
		pos = start;
		if (kh_xz_decode(data + start, len - start, max_decoded, NULL,
				 0, &slen, budget, &e)) {
			if (kh_xz_budget_spent(budget, why))
				return -EFBIG;
			continue;
		}
		if (len - start - slen < KH_MARK_LEN ||
		    memcmp(data + start + slen, KH_MARK_END, KH_MARK_LEN))
			continue;
		found->off = start;
		found->len = slen;
		return 0;
	}
	if (!seen)
		return kh_err(why, ENOENT, "no %s marker", KH_MARK_START);
	return kh_err(why, ENOENT,
		      "%u %s marker(s), none followed by an xz stream and %s",
		      seen, KH_MARK_START, KH_MARK_END);
}

bool kh_tar_looks_like(const uint8_t *tar, size_t len)
{
	return len >= 512 && !memcmp(tar + 257, "ustar", 5);
}

static bool tar_path_is_header(const char *path)
{
	if (!path)
		return false;
	if (!strncmp(path, "./", 2))
		path += 2;
	return !strncmp(path, "include/", 8) && path[8];
}

bool kh_tar_has_headers(const uint8_t *tar, size_t len)
{
	struct archive_entry *ae;
	struct kh_tar_reader t;
	struct kh_error why;
	bool found = false;
	int i;

	if (!kh_tar_looks_like(tar, len))
		return false;
	if (kh_tar_open(&t, tar, len, NULL, &why))
		goto out_close;
	for (i = 0; i < TAR_PROBE_ENTRIES && !found; i++) {
		if (archive_read_next_header(t.ar, &ae) != ARCHIVE_OK)
			break;
		found = tar_path_is_header(archive_entry_pathname(ae));
	}
out_close:
	kh_tar_close(&t);
	return found;
}
