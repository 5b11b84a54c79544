/* SPDX-License-Identifier: GPL-2.0 */
/*
 * archtab.h - what the architecture table (archtab.c) tells the rest of
 * the library beyond the embed targets of kheaders.h: the ARCH to SRCARCH
 * map the build uses, and the host's kernel architecture, for prepare to
 * pick an unpacked tree's arch/ directory.
 */
#ifndef KH_ARCHTAB_H
#define KH_ARCHTAB_H

/*
 * kh_srcarch() - the SRCARCH of the kernel's ARCH @arch, as the top-level
 * Makefile maps them (i386 and x86_64 to x86, sparc32 and sparc64 to
 * sparc, parisc64 to parisc, sh64 to sh), and of the embed targets that
 * name a width or byte order (riscv64, mips64el, ...); any other name,
 * and NULL, as given.
 */
const char *kh_srcarch(const char *arch);

/*
 * kh_arch_host_srcarch() - the kernel's SRCARCH (the directory under arch/,
 * "x86" for x86_64 and i386) of the architecture this library was compiled
 * for; "" when it is not in the table.
 */
const char *kh_arch_host_srcarch(void);

#endif /* KH_ARCHTAB_H */
