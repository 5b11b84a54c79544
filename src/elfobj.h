/* SPDX-License-Identifier: GPL-2.0 */
/*
 * elfobj.h - internals of the object writer shared with its tests: the
 * fixed section and symbol order of the objects kh_embed_elf() writes.
 * The public interface is the "embed" section of kheaders.h.
 */
#ifndef KH_ELFOBJ_H
#define KH_ELFOBJ_H

#include "kheaders.h"

/* Section header indices, in file order. */
enum elfobj_section {
	ELFOBJ_SEC_NULL,
	ELFOBJ_SEC_DATA,	/* .rodata (or --section) */
	ELFOBJ_SEC_NOTE,	/* .note.GNU-stack, empty */
	ELFOBJ_SEC_SYMTAB,
	ELFOBJ_SEC_STRTAB,
	ELFOBJ_SEC_SHSTRTAB,
	ELFOBJ_NR_SECTIONS,
};

/* Symbol table indices: locals first, then the two globals. */
enum elfobj_symbol {
	ELFOBJ_SYM_NULL,
	ELFOBJ_SYM_SECTION,	/* STT_SECTION for the data section */
	ELFOBJ_SYM_START,	/* <symbol> */
	ELFOBJ_SYM_END,		/* <symbol>_end */
	ELFOBJ_NR_SYMBOLS,
};

/* Longest section or symbol base name accepted. */
#define ELFOBJ_NAME_MAX 200

/* elfobj_valid_symbol() - @name is an identifier every assembler takes. */
bool elfobj_valid_symbol(const char *name);

/* elfobj_valid_section() - @name is a section name we may write. */
bool elfobj_valid_section(const char *name);

#endif /* KH_ELFOBJ_H */
