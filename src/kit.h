/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kit.h - the module kit of the modules profile (KH_PROFILE_MODULES): what
 * an external module build (`make -C KIT M=DIR`) reads beside the headers,
 * as a table of roots in the source and object trees, and the rules that
 * keep a host binary, Module.symvers and the randstruct seed out of it.
 * collect.c walks the roots; the rules live here.
 */
#ifndef KH_KIT_H
#define KH_KIT_H

#include <stdbool.h>
#include <stddef.h>

#include "kheaders.h"

/*
 * struct kh_kit_config - what the kit depends on in the kernel's
 * configuration (the object tree's include/config/auto.conf).
 * @objtool: CONFIG_OBJTOOL: the module build runs objtool, so the kit
 *	carries its sources
 * @genksyms: symbol versions through genksyms, whose generated parser
 *	the kit needs
 * @gendwarfksyms: symbol versions through gendwarfksyms (from 6.14)
 * @recordmcount: the module build runs scripts/recordmcount (C version)
 * @modversions: CONFIG_MODVERSIONS
 * @clang: built with Clang (CONFIG_CC_IS_CLANG), else GCC
 * @lto: Clang LTO (CONFIG_LTO_CLANG)
 * @cfi: Clang CFI (CONFIG_CFI_CLANG, CONFIG_CFI from 6.18): a module built
 *	by another compiler loads, then traps at its first indirect call
 * @gcc_plugins: CONFIG_GCC_PLUGINS
 * @gcc_plugin: the first plugin modules are built with
 *	(CONFIG_GCC_PLUGIN_STACKLEAK, ...), "" for none: the plugin must come
 *	from the very GCC version that built the kernel
 * @cc_version_text: CONFIG_CC_VERSION_TEXT, "" when absent
 */
struct kh_kit_config {
	bool objtool;
	bool genksyms;
	bool gendwarfksyms;
	bool recordmcount;
	bool modversions;
	bool clang;
	bool lto;
	bool cfi;
	bool gcc_plugins;
	char gcc_plugin[64];
	char cc_version_text[256];
};

/* Flags of a kit root. */
#define KH_KIT_REQUIRED	(1U << 0)	/* missing: no kit */
#define KH_KIT_OBJTOOL	(1U << 1)	/* only when the build runs objtool */
#define KH_KIT_HOSTPROG	(1U << 2)	/* generated input of a host program */
#define KH_KIT_GENKSYMS	(1U << 3)	/* generated genksyms parser */
#define KH_KIT_LDS	(1U << 4)	/* a module linker script */
#define KH_KIT_ARCH_TOP	(1U << 5)	/* Makefile* on top, platforms below */
#define KH_KIT_SHALLOW	(1U << 6)	/* the root's own files only */
#define KH_KIT_GIVEN	(1U << 7)	/* replaced by a file given by name */

/*
 * struct kh_kit_root - one file or directory of the kit.
 * @objtree: in the object tree (else the source tree)
 * @dir: a directory walked (else one file)
 * @path: from the tree's top; "%s" stands for SRCARCH
 * @flags: KH_KIT_*
 * @prune: for a directory, NULL-terminated subdirectories (from @path)
 *	that are not entered, or NULL
 */
struct kh_kit_root {
	bool objtree;
	bool dir;
	const char *path;
	unsigned int flags;
	const char *const *prune;
};

extern const struct kh_kit_root kh_kit_roots[];
extern const size_t kh_kit_nr_roots;

/**
 * kh_kit_config_read() - read what the kit depends on from @objtree's
 * include/config/auto.conf, and refuse a kernel whose modules need a secret.
 * @objtree: the object tree
 * @cfg: filled on success
 * @err: filled on failure
 *
 * Return: 0; -ENOENT when the tree has no auto.conf; -EPERM for a
 * CONFIG_RANDSTRUCT kernel (a module must be built with its layout seed,
 * which a world-readable archive must not publish); other -errno.
 */
int kh_kit_config_read(const char *objtree, struct kh_kit_config *cfg,
		       struct kh_error *err);

/* kh_kit_root_wanted() - whether @r belongs in the kit of @cfg. */
bool kh_kit_root_wanted(const struct kh_kit_root *r,
			const struct kh_kit_config *cfg);

/*
 * kh_kit_name_ok() - whether a file named @base (no directory) may go into
 * the kit: no hidden files (Kbuild's .*.cmd name the build host's paths),
 * no objects, archives or libraries, no Module.symvers and no seed.
 */
bool kh_kit_name_ok(const char *base);

/* kh_kit_dir_ok() - whether a walk enters a directory named @base. */
bool kh_kit_dir_ok(const char *base);

/*
 * kh_kit_walk_ok() - whether a file at @rel (from the root, @depth 1 for
 * the root's own files) belongs to root @r, by its place.
 */
bool kh_kit_walk_ok(const struct kh_kit_root *r, const char *rel,
		    unsigned int depth);

/**
 * kh_kit_is_elf() - whether the file at @path starts with the ELF magic:
 * a host program, which must never go into an archive that may serve a
 * host of another architecture.
 * @path: the file (a link is followed)
 * @err: filled on failure
 *
 * Return: 1 for ELF, 0 for anything else, or -errno.
 */
int kh_kit_is_elf(const char *path, struct kh_error *err);

#endif /* KH_KIT_H */
