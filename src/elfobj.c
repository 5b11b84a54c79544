// SPDX-License-Identifier: GPL-2.0
/*
 * elfobj.c - the object file that carries the headers archive into the
 * kernel.  kh_embed_elf() writes a relocatable ELF object for any target
 * (class, byte order, machine, flags from the target table or copied from
 * a reference object by kh_embed_target_from_object()) through libelf,
 * which converts every field to the target's byte order; the layout is
 * fixed here (ELF_F_LAYOUT) so the same input always gives the same bytes.
 * kh_embed_asm() writes the equivalent assembler source around `.incbin`
 * for toolchains that assemble everything themselves.
 */
#include <ar.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <lzma.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elfobj.h"
#include "xzread.h"
#include "error.h"

#define NOTE_GNU_STACK ".note.GNU-stack"
#define END_SUFFIX "_end"

/* Where each part of the object goes; computed before anything is written. */
struct elfobj_layout {
	size_t data_size;		/* markers + payload */
	size_t off[ELFOBJ_NR_SECTIONS];
	size_t size[ELFOBJ_NR_SECTIONS];
	size_t shoff;
	size_t word;			/* 4 or 8: symtab/shdr alignment */
	char *strtab;			/* "\0sym\0sym_end\0" */
	char *shstrtab;
	size_t name[ELFOBJ_NR_SECTIONS];	/* offsets in shstrtab */
};

static const char *const fixed_names[ELFOBJ_NR_SECTIONS] = {
	[ELFOBJ_SEC_NOTE] = NOTE_GNU_STACK,
	[ELFOBJ_SEC_SYMTAB] = ".symtab",
	[ELFOBJ_SEC_STRTAB] = ".strtab",
	[ELFOBJ_SEC_SHSTRTAB] = ".shstrtab",
};

bool elfobj_valid_symbol(const char *name)
{
	size_t i, len = strlen(name);

	if (!len || len > ELFOBJ_NAME_MAX || (name[0] >= '0' && name[0] <= '9'))
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.'))
			return false;
	}
	return true;
}

bool elfobj_valid_section(const char *name)
{
	size_t i, len = strlen(name);

	if (!len || len > ELFOBJ_NAME_MAX || name[0] == '-')
		return false;
	for (i = 0; i < ELFOBJ_NR_SECTIONS; i++)
		if (fixed_names[i] && !strcmp(name, fixed_names[i]))
			return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return true;
}

static void opts_names(const struct kh_embed_opts *opts, const char **section,
		       const char **symbol)
{
	*section = opts && opts->section ? opts->section : KH_EMBED_SECTION;
	*symbol = opts && opts->symbol ? opts->symbol : KH_EMBED_SYMBOL;
}

static int check_names(const struct kh_embed_opts *opts, struct kh_error *err)
{
	const char *section, *symbol;

	opts_names(opts, &section, &symbol);
	if (!elfobj_valid_section(section))
		return kh_err(err, EINVAL,
			      "invalid section name '%s' (letters, digits, '_', '.', '-'; not a section the object has anyway)",
			      section);
	if (!elfobj_valid_symbol(symbol) ||
	    strlen(symbol) + strlen(END_SUFFIX) > ELFOBJ_NAME_MAX)
		return kh_err(err, EINVAL,
			      "invalid symbol name '%s' (letters, digits, '_', '.'; not starting with a digit)",
			      symbol);
	return 0;
}

int kh_embed_check_payload(const void *data, size_t len, const char *name,
			   const struct kh_embed_opts *opts,
			   struct kh_error *err)
{
	int ret = check_names(opts, err);

	if (ret || (opts && opts->raw))
		return ret;
	if (!len)
		return kh_err_at(err, EINVAL, name,
			      "'%s' is empty (use --raw to embed it anyway)",
			      name);
	if (!kh_xz_stream_complete(data, len))
		return kh_err_at(err, EINVAL, name,
			      "'%s' is not a complete xz stream (use --raw to embed it anyway)",
			      name);
	return 0;
}

static int check_target(const struct kh_embed_target *t, struct kh_error *err)
{
	if ((t->elf_class != ELFCLASS32 && t->elf_class != ELFCLASS64) ||
	    (t->data != ELFDATA2LSB && t->data != ELFDATA2MSB))
		return kh_err(err, EINVAL,
			      "target '%s': invalid ELF class %u or byte order %u",
			      t->name ? t->name : "?", t->elf_class, t->data);
	return 0;
}

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static void layout_release(struct elfobj_layout *l)
{
	free(l->strtab);
	free(l->shstrtab);
	l->strtab = NULL;
	l->shstrtab = NULL;
}

static int layout_strings(struct elfobj_layout *l, const char *section,
			  const char *symbol)
{
	size_t symlen = strlen(symbol), i, off = 1;
	char *p;

	l->size[ELFOBJ_SEC_STRTAB] = 1 + 2 * (symlen + 1) + strlen(END_SUFFIX);
	l->strtab = calloc(1, l->size[ELFOBJ_SEC_STRTAB]);
	if (!l->strtab)
		return -ENOMEM;
	sprintf(l->strtab + 1, "%s", symbol);
	sprintf(l->strtab + 2 + symlen, "%s" END_SUFFIX, symbol);

	l->size[ELFOBJ_SEC_SHSTRTAB] = 1 + strlen(section) + 1;
	for (i = ELFOBJ_SEC_NOTE; i < ELFOBJ_NR_SECTIONS; i++)
		l->size[ELFOBJ_SEC_SHSTRTAB] += strlen(fixed_names[i]) + 1;
	l->shstrtab = p = calloc(1, l->size[ELFOBJ_SEC_SHSTRTAB]);
	if (!p)
		return -ENOMEM;
	l->name[ELFOBJ_SEC_DATA] = off;
	off += sprintf(p + off, "%s", section) + 1;
	for (i = ELFOBJ_SEC_NOTE; i < ELFOBJ_NR_SECTIONS; i++) {
		l->name[i] = off;
		off += sprintf(p + off, "%s", fixed_names[i]) + 1;
	}
	return 0;
}

/*
 * Header, data section, empty note, then the symbol table aligned to the
 * word size, the two string tables, and the section headers.
 */
static int layout_compute(struct elfobj_layout *l, Elf *elf, size_t len,
			  const struct kh_embed_opts *opts)
{
	const char *section, *symbol;
	size_t off, i;
	int ret;

	opts_names(opts, &section, &symbol);
	ret = layout_strings(l, section, symbol);
	if (ret)
		return ret;
	l->word = gelf_getclass(elf) == ELFCLASS64 ? 8 : 4;
	l->data_size = 2 * KH_EMBED_MARKER_LEN + len;
	l->size[ELFOBJ_SEC_DATA] = l->data_size;
	l->size[ELFOBJ_SEC_SYMTAB] =
		gelf_fsize(elf, ELF_T_SYM, ELFOBJ_NR_SYMBOLS, EV_CURRENT);
	off = gelf_fsize(elf, ELF_T_EHDR, 1, EV_CURRENT);
	for (i = ELFOBJ_SEC_DATA; i < ELFOBJ_NR_SECTIONS; i++) {
		if (i == ELFOBJ_SEC_SYMTAB)
			off = align_up(off, l->word);
		l->off[i] = off;
		off += l->size[i];
	}
	l->shoff = align_up(off, l->word);
	return 0;
}

static int add_data(Elf_Scn *scn, void *buf, size_t size, size_t off,
		    Elf_Type type, size_t align)
{
	Elf_Data *d = elf_newdata(scn);

	if (!d)
		return -1;
	d->d_buf = buf;
	d->d_type = type;
	d->d_size = size;
	d->d_off = off;
	d->d_align = align;
	d->d_version = EV_CURRENT;
	return 0;
}

static int add_section(Elf *elf, const struct elfobj_layout *l, size_t idx,
		       GElf_Shdr *shdr, Elf_Scn **out)
{
	Elf_Scn *scn = elf_newscn(elf);
	GElf_Shdr cur;

	if (!scn || !gelf_getshdr(scn, &cur))
		return -1;
	shdr->sh_name = l->name[idx];
	shdr->sh_offset = l->off[idx];
	shdr->sh_size = l->size[idx];
	if (!gelf_update_shdr(scn, shdr))
		return -1;
	*out = scn;
	return 0;
}

static int write_header(Elf *elf, const struct kh_embed_target *t,
			const struct elfobj_layout *l)
{
	GElf_Ehdr eh;

	if (!gelf_getehdr(elf, &eh))
		return -1;
	eh.e_ident[EI_DATA] = t->data;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = t->osabi;
	eh.e_ident[EI_ABIVERSION] = t->abiversion;
	eh.e_type = ET_REL;
	eh.e_machine = t->machine;
	eh.e_version = EV_CURRENT;
	eh.e_entry = 0;
	eh.e_phoff = 0;
	eh.e_shoff = l->shoff;
	eh.e_flags = t->flags;
	eh.e_ehsize = gelf_fsize(elf, ELF_T_EHDR, 1, EV_CURRENT);
	eh.e_phentsize = 0;
	eh.e_phnum = 0;
	eh.e_shentsize = gelf_fsize(elf, ELF_T_SHDR, 1, EV_CURRENT);
	eh.e_shnum = ELFOBJ_NR_SECTIONS;
	eh.e_shstrndx = ELFOBJ_SEC_SHSTRTAB;
	return gelf_update_ehdr(elf, &eh) ? 0 : -1;
}

static int write_data_section(Elf *elf, const struct elfobj_layout *l,
			      const void *data, size_t len)
{
	GElf_Shdr sh = { .sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC,
			 .sh_addralign = 1 };
	Elf_Scn *scn;

	if (add_section(elf, l, ELFOBJ_SEC_DATA, &sh, &scn) ||
	    add_data(scn, KH_EMBED_START_MARKER, KH_EMBED_MARKER_LEN, 0,
		     ELF_T_BYTE, 1) ||
	    add_data(scn, (void *)data, len, KH_EMBED_MARKER_LEN,
		     ELF_T_BYTE, 1) ||
	    add_data(scn, KH_EMBED_END_MARKER, KH_EMBED_MARKER_LEN,
		     KH_EMBED_MARKER_LEN + len, ELF_T_BYTE, 1))
		return -1;
	sh = (GElf_Shdr){ .sh_type = SHT_PROGBITS, .sh_addralign = 1 };
	return add_section(elf, l, ELFOBJ_SEC_NOTE, &sh, &scn);
}

static int fill_symbols(Elf_Data *d, size_t len, size_t symlen)
{
	GElf_Sym sym[ELFOBJ_NR_SYMBOLS] = {
		[ELFOBJ_SYM_SECTION] = {
			.st_info = GELF_ST_INFO(STB_LOCAL, STT_SECTION),
			.st_shndx = ELFOBJ_SEC_DATA,
		},
		[ELFOBJ_SYM_START] = {
			.st_name = 1,
			.st_info = GELF_ST_INFO(STB_GLOBAL, STT_OBJECT),
			.st_shndx = ELFOBJ_SEC_DATA,
			.st_value = KH_EMBED_MARKER_LEN,
			.st_size = len,
		},
		[ELFOBJ_SYM_END] = {
			.st_name = 2 + symlen,
			.st_info = GELF_ST_INFO(STB_GLOBAL, STT_OBJECT),
			.st_shndx = ELFOBJ_SEC_DATA,
			.st_value = KH_EMBED_MARKER_LEN + len,
		},
	};
	int i;

	for (i = 0; i < ELFOBJ_NR_SYMBOLS; i++)
		if (!gelf_update_sym(d, i, &sym[i]))
			return -1;
	return 0;
}

static int write_tables(Elf *elf, const struct elfobj_layout *l,
			void *symbuf, size_t len)
{
	GElf_Shdr sh = { .sh_type = SHT_SYMTAB, .sh_link = ELFOBJ_SEC_STRTAB,
			 .sh_info = ELFOBJ_SYM_START,
			 .sh_addralign = l->word };
	Elf_Scn *scn;

	sh.sh_entsize = gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);
	if (add_section(elf, l, ELFOBJ_SEC_SYMTAB, &sh, &scn) ||
	    add_data(scn, symbuf, l->size[ELFOBJ_SEC_SYMTAB], 0, ELF_T_SYM,
		     l->word) ||
	    fill_symbols(elf_getdata(scn, NULL), len,
			 strlen(l->strtab + 1)))
		return -1;
	sh = (GElf_Shdr){ .sh_type = SHT_STRTAB, .sh_addralign = 1 };
	if (add_section(elf, l, ELFOBJ_SEC_STRTAB, &sh, &scn) ||
	    add_data(scn, l->strtab, l->size[ELFOBJ_SEC_STRTAB], 0,
		     ELF_T_BYTE, 1))
		return -1;
	sh = (GElf_Shdr){ .sh_type = SHT_STRTAB, .sh_addralign = 1 };
	if (add_section(elf, l, ELFOBJ_SEC_SHSTRTAB, &sh, &scn) ||
	    add_data(scn, l->shstrtab, l->size[ELFOBJ_SEC_SHSTRTAB], 0,
		     ELF_T_BYTE, 1))
		return -1;
	return 0;
}

/* Build the whole object on @fd; -1 means "see elf_errmsg()". */
static int elfobj_write(int fd, const void *data, size_t len,
			const struct kh_embed_target *t,
			const struct kh_embed_opts *opts, int *sys)
{
	struct elfobj_layout l = { 0 };
	void *symbuf = NULL;
	Elf *elf;
	int ret = -1;

	elf = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!elf)
		return -1;
	if (!gelf_newehdr(elf, t->elf_class))
		goto out_layout;
	if (layout_compute(&l, elf, len, opts)) {
		*sys = ENOMEM;
		goto out_layout;
	}
	symbuf = calloc(1, l.size[ELFOBJ_SEC_SYMTAB]);
	if (!symbuf) {
		*sys = ENOMEM;
		goto out_layout;
	}
	elf_flagelf(elf, ELF_C_SET, ELF_F_LAYOUT);
	if (write_header(elf, t, &l) ||
	    write_data_section(elf, &l, data, len) ||
	    write_tables(elf, &l, symbuf, len))
		goto out_layout;
	if (elf_update(elf, ELF_C_WRITE) < 0)
		goto out_layout;
	ret = 0;
out_layout:
	elf_end(elf);
	layout_release(&l);
	free(symbuf);
	return ret;
}

static int elfobj_too_big(const struct kh_embed_target *t, size_t len)
{
	uint64_t limit = t->elf_class == ELFCLASS32 ? UINT32_MAX : INT64_MAX;

	return (uint64_t)len > limit - 4096;
}

int kh_embed_elf(const void *data, size_t len, const char *name,
		 const struct kh_embed_target *t,
		 const struct kh_embed_opts *opts,
		 struct kh_buf *out, struct kh_error *err)
{
	int fd, ret, sys = 0;

	ret = kh_embed_check_payload(data, len, name, opts, err);
	if (!ret)
		ret = check_target(t, err);
	if (ret)
		return ret;
	if (elfobj_too_big(t, len))
		return kh_err_at(err, EFBIG, name,
			      "'%s' is too large for a %d-bit ELF object",
			      name, t->elf_class == ELFCLASS32 ? 32 : 64);
	if (elf_version(EV_CURRENT) == EV_NONE)
		return kh_err(err, EINVAL, "libelf: %s", elf_errmsg(-1));
	fd = memfd_create("kheaders-embed", MFD_CLOEXEC);
	if (fd < 0)
		return kh_err_sys_at(err, errno, name,
				  "cannot make the object for '%s'", name);
	if (elfobj_write(fd, data, len, t, opts, &sys)) {
		ret = sys ? kh_err_sys_at(err, sys, name,
					  "cannot make the object for '%s'", name)
			  : kh_err_at(err, EIO, name,
				      "cannot make the object for '%s': libelf: %s",
				   name, elf_errmsg(-1));
		goto out_close;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		ret = kh_err_sys_at(err, errno, name,
				    "cannot read back the object for '%s'",
				 name);
		goto out_close;
	}
	ret = kh_read_fd(fd, "object", SIZE_MAX / 2, out, err);
out_close:
	close(fd);
	return ret;
}

static const char *elf_type_name(unsigned int type)
{
	switch (type) {
	case ET_EXEC:
		return "an executable";
	case ET_DYN:
		return "a shared object or PIE";
	case ET_CORE:
		return "a core dump";
	default:
		return "not a relocatable object";
	}
}

static int like_header(Elf *elf, const char *name, struct kh_embed_target *t,
		       struct kh_error *err)
{
	GElf_Ehdr eh;

	if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh))
		return kh_err_at(err, EINVAL, name,
			      "'%s' is not a relocatable ELF object", name);
	if (eh.e_type != ET_REL)
		return kh_err_at(err, EINVAL, name,
			      "'%s' is %s, not a relocatable ELF object (ELF type %u)",
			      name, elf_type_name(eh.e_type), eh.e_type);
	t->name = name;
	t->elf_class = eh.e_ident[EI_CLASS];
	t->data = eh.e_ident[EI_DATA];
	t->osabi = eh.e_ident[EI_OSABI];
	t->abiversion = eh.e_ident[EI_ABIVERSION];
	t->machine = eh.e_machine;
	t->flags = eh.e_flags;
	return check_target(t, err);
}

int kh_embed_target_from_object(const void *data, size_t len,
				const char *name, struct kh_embed_target *t,
				struct kh_error *err)
{
	char *copy;
	Elf *elf;
	int ret;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return kh_err(err, EINVAL, "libelf: %s", elf_errmsg(-1));
	if (len >= SARMAG && !memcmp(data, ARMAG, SARMAG))
		return kh_err_at(err, EINVAL, name,
			      "'%s' is an ar archive, not a relocatable ELF object",
			      name);
	if (len < EI_NIDENT || memcmp(data, ELFMAG, SELFMAG))
		return kh_err_at(err, EINVAL, name,
			      "'%s' is not a relocatable ELF object (no ELF header)",
			      name);
	copy = malloc(len);
	if (!copy)
		return kh_err_sys_at(err, ENOMEM, name,
				     "cannot read '%s'", name);
	memcpy(copy, data, len);
	elf = elf_memory(copy, len);
	if (!elf) {
		ret = kh_err_at(err, EINVAL, name,
			     "'%s' is not a relocatable ELF object: %s",
			     name, elf_errmsg(-1));
		goto out_free;
	}
	ret = like_header(elf, name, t, err);
	elf_end(elf);
out_free:
	free(copy);
	return ret;
}

/*
 * Append @s as a GNU as string literal: quotes, backslashes and bytes
 * outside printable ASCII as octal escapes.
 */
static int asm_quote(struct kh_buf *out, const char *s)
{
	char esc[8];
	int ret = kh_buf_append(out, "\"", 1);

	for (; !ret && *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\' || c < 0x20 || c > 0x7e) {
			snprintf(esc, sizeof(esc), "\\%03o", c);
			ret = kh_buf_append(out, esc, 4);
		} else {
			ret = kh_buf_append(out, s, 1);
		}
	}
	return ret ? ret : kh_buf_append(out, "\"", 1);
}

static int asm_printf(struct kh_buf *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int asm_printf(struct kh_buf *out, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n, ret;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	ret = kh_buf_append(out, s, n);
	free(s);
	return ret;
}

int kh_embed_asm(const char *incbin_path, const struct kh_embed_opts *opts,
		 struct kh_buf *out, struct kh_error *err)
{
	const char *section, *sym;
	int ret;

	ret = check_names(opts, err);
	if (ret)
		return ret;
	if (!incbin_path || !*incbin_path)
		return kh_err(err, EINVAL, "no archive path for .incbin");
	opts_names(opts, &section, &sym);
	ret = asm_printf(out,
		"/* Generated by kheaders embed: the archive between the " KH_EMBED_START_MARKER " and\n"
		" * " KH_EMBED_END_MARKER " markers, as described in docs/format.md. */\n"
		"\t.section %s, \"a\", %%progbits\n"
		"\t.ascii \"" KH_EMBED_START_MARKER "\"\n"
		"\t.globl %s\n\t.type %s, %%object\n%s:\n\t.incbin ",
		section, sym, sym, sym);
	if (!ret)
		ret = asm_quote(out, incbin_path);
	if (!ret)
		ret = asm_printf(out,
			"\n\t.globl %s" END_SUFFIX "\n\t.type %s" END_SUFFIX ", %%object\n"
			"%s" END_SUFFIX ":\n"
			"\t.size %s, %s" END_SUFFIX " - %s\n"
			"\t.size %s" END_SUFFIX ", 0\n"
			"\t.ascii \"" KH_EMBED_END_MARKER "\"\n"
			"\t.section " NOTE_GNU_STACK ", \"\", %%progbits\n",
			sym, sym, sym, sym, sym, sym, sym);
	if (ret)
		return kh_err_sys_at(err, ENOMEM, incbin_path,
				     "cannot write the assembler source for '%s'",
				  incbin_path);
	return 0;
}
