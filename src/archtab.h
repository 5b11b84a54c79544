/* SPDX-License-Identifier: GPL-2.0 */
/*
 * archtab.h - the kernel's architecture names: the embed target table is
 * public (kheaders.h); the ARCH to SRCARCH map the build uses is here.
 */
#ifndef KH_ARCHTAB_H
#define KH_ARCHTAB_H

/*
 * kh_srcarch() - the SRCARCH of the kernel's ARCH @arch, as the top-level
 * Makefile maps them (i386 and x86_64 to x86, sparc32 and sparc64 to
 * sparc, parisc64 to parisc, sh64 to sh); any other name, and NULL, as
 * given.
 */
const char *kh_srcarch(const char *arch);

#endif /* KH_ARCHTAB_H */
