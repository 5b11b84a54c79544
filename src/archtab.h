/* SPDX-License-Identifier: GPL-2.0 */
/*
 * archtab.h - what the architecture table (archtab.c) tells the rest of
 * the library beyond the embed targets of kheaders.h: the host's kernel
 * architecture, for prepare to pick an unpacked tree's arch/ directory.
 */
#ifndef KH_ARCHTAB_H
#define KH_ARCHTAB_H

/*
 * kh_arch_host_srcarch() - the kernel's SRCARCH (the directory under arch/,
 * "x86" for x86_64 and i386) of the architecture this library was compiled
 * for; "" when it is not in the table.
 */
const char *kh_arch_host_srcarch(void);

#endif /* KH_ARCHTAB_H */
