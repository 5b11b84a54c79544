/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostprogs.h - the host programs an external module build runs, built
 * into an unpacked module kit from the kit's own sources with the local
 * compiler: fixdep, modpost, genksyms or gendwarfksyms, the C recordmcount
 * and objtool, as the kernel's configuration asks.  The kit never carries
 * a binary (it may serve a host of another architecture), so every host
 * builds its own, the way the kernel's packaging rebuilds them for the
 * machine a headers package is installed on.
 */
#ifndef KH_HOSTPROGS_H
#define KH_HOSTPROGS_H

#include "kheaders.h"
#include "kit.h"

/*
 * struct kh_hostprogs_opts - how to build them.
 * @hostcc: the host's C compiler ("cc" when NULL)
 * @srcarch: the kernel's directory under arch/ ("x86"), for objtool
 * @cfg: what the kernel's configuration asks for
 */
struct kh_hostprogs_opts {
	const char *hostcc;
	const char *srcarch;
	const struct kh_kit_config *cfg;
};

/*
 * kh_hostprogs_build() - build the host programs into the kit at @kit (an
 * absolute path), reading each program's objects and flags from the kit's
 * own Makefiles ("modpost-objs := ...", HOSTCFLAGS_*, HOSTLDLIBS_*), and
 * objtool with the kit's tools/ Makefiles.  Never runs the kernel's top
 * Makefile (which could run syncconfig and rewrite auto.conf).
 *
 * Return: 0; -ENOENT when the compiler or make is missing; -ENOEXEC when a
 * program did not build, the message naming it and the first error, or
 * the missing host library and the package that has it; -errno.
 */
int kh_hostprogs_build(const char *kit, const struct kh_hostprogs_opts *o,
		       struct kh_error *err);

/*
 * kh_hostprogs_missing() - the host library a compiler or make @output
 * says is missing, as "libelf (Debian: libelf-dev)", or NULL.
 */
const char *kh_hostprogs_missing(const char *output);

#endif /* KH_HOSTPROGS_H */
