/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksymtab.h - the export tables of one kernel ELF file held in memory (a
 * vmlinux, stripped or not, or a module): what modpost wrote into
 * Module.symvers, read back from __ksymtab, __ksymtab_gpl, __kcrctab,
 * __kcrctab_gpl, __kflagstab and __ksymtab_strings.  Buffer in, one
 * callback per export out; every offset read from the input is checked.
 * Reasons go to @why as a short phrase without the path.
 */
#ifndef KH_KSYMTAB_H
#define KH_KSYMTAB_H

#include <stdbool.h>

#include "kheaders.h"

/*
 * struct kh_ksym - one export, valid during the callback only.
 * @name: the symbol; printable, no blank (checked)
 * @ns: its namespace, "" for none; printable, no blank (checked)
 * @crc: its CRC from __kcrctab*, 0 in a kernel without MODVERSIONS
 * @gpl: EXPORT_SYMBOL_GPL (its table, or KSYM_FLAG_GPL_ONLY in __kflagstab)
 */
struct kh_ksym {
	const char *name;
	const char *ns;
	uint32_t crc;
	bool gpl;
};

/*
 * struct kh_ksymtab_info - what kh_ksymtab_read() found.
 * @module: the file is relocatable (a module), not a linked kernel
 * @modversions: it has CRC tables
 * @nr: exports passed to the callback
 */
struct kh_ksymtab_info {
	bool module;
	bool modversions;
	size_t nr;
};

/*
 * kh_ksymtab_read() - call @fn for every export of the ELF file in @data,
 * table by table (__ksymtab, then __ksymtab_gpl), in table order.
 *
 * A linked kernel's entries are read as the kernel reads them: 32-bit
 * offsets from the field (CONFIG_HAVE_ARCH_PREL32_RELOCATIONS: x86, arm64)
 * or absolute addresses (every other architecture), mapped into
 * __ksymtab_strings through the section addresses, so section headers are
 * enough (a bzImage's stripped payload).  A module's entries are read
 * through their relocations (symbol plus addend, REL or RELA), never from
 * the unrelocated fields.  The CRC and flags of entry i are slot i of the
 * tables beside it, as the kernel's find_symbol() pairs them; where the
 * symbol table is kept, a __crc_NAME label must name that very slot.
 *
 * Return: 0 (a module without exports passes nothing); -ENOENT when @data
 * is not ELF, is a linked file without __ksymtab, or a relocatable file
 * without .modinfo (no module); -EINVAL for malformed tables; -ENOMEM;
 * or the non-zero value @fn returned.
 */
int kh_ksymtab_read(const uint8_t *data, size_t len,
		    int (*fn)(const struct kh_ksym *sym, void *ctx),
		    void *ctx, struct kh_ksymtab_info *info,
		    struct kh_error *why);

/* kh_ksymtab_is_elf() - @data starts with the ELF magic. */
bool kh_ksymtab_is_elf(const uint8_t *data, size_t len);

/*
 * kh_ksym_text_ok() - @s is printable without blanks (and not empty unless
 * @may_be_empty): a name or namespace that cannot split or forge a line of
 * Module.symvers.
 */
bool kh_ksym_text_ok(const char *s, bool may_be_empty);

/* kh_ksymtab_is_raw() - @data starts with an arm64 or RISC-V Image header. */
bool kh_ksymtab_is_raw(const uint8_t *data, size_t len);

/*
 * kh_ksymtab_read_raw() - kh_ksymtab_read() for a raw arm64 or RISC-V
 * Image (no ELF, no section headers): the tables are found by their layout
 * alone, and only where exactly one place fits it to the byte (ksymraw.c).
 * Return: 0; -ENOENT when @data is no such Image or no place fits;
 * -EINVAL when more than one does; -ENOMEM; or @fn's non-zero value.
 */
int kh_ksymtab_read_raw(const uint8_t *data, size_t len,
			int (*fn)(const struct kh_ksym *sym, void *ctx),
			void *ctx, struct kh_ksymtab_info *info,
			struct kh_error *why);

#endif /* KH_KSYMTAB_H */
