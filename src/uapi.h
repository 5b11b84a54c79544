/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uapi.h - the pieces of kh_uapi(): the knowledge of each kernel
 * generation (uapi_gen.c), headers_install.sh's text steps and checks
 * (uapi_sed.c) and its unifdef step (uapi_unifdef.c).  Each works on one
 * header in memory and never touches a file, so the transform can be
 * fuzzed and tested alone.
 */
#ifndef KH_UAPI_H
#define KH_UAPI_H

#include <stdbool.h>
#include <stddef.h>

#include "kheaders.h"

/*
 * struct kh_uapi_gen - what differs between kernel generations in
 * `make headers_install` (scripts/headers_install.sh and the top Makefile).
 * @name: "6.1"
 * @version, @patchlevel: LINUX_VERSION_CODE's first two parts
 * @drop_compiler_types: "#include <linux/compiler_types.h>" is removed as
 *	well as <linux/compiler.h>
 * @leak_ignores: "path:CONFIG_X" pairs whose CONFIG_ reference is not an
 *	error (a path of the tree, matched as the end of the header's path),
 *	NULL-terminated; NULL for none
 * @um_subarch: ARCH=um exports the headers of its SUBARCH (the host's)
 *	instead of failing with "Headers not exportable for UML"
 */
struct kh_uapi_gen {
	const char *name;
	unsigned int version;
	unsigned int patchlevel;
	bool drop_compiler_types;
	const char *const *leak_ignores;
	bool um_subarch;
};

/*
 * kh_uapi_gen_find() - the generation of a kernel whose LINUX_VERSION_CODE
 * is @code, or NULL when kheaders does not know it.
 */
const struct kh_uapi_gen *kh_uapi_gen_find(unsigned int code);

/*
 * kh_uapi_version_code() - LINUX_VERSION_CODE from the text of
 * linux/version.h (@len bytes at @text).  Return: 0 or -EINVAL.
 */
int kh_uapi_version_code(const char *text, size_t len, unsigned int *code);

/*
 * kh_uapi_spdx_ok() - false when a line of the header names a GPL licence
 * in an SPDX-License-Identifier without "WITH Linux-syscall-note".
 */
bool kh_uapi_spdx_ok(const char *in, size_t len);

/*
 * kh_uapi_sed() - append to @out the header with headers_install.sh's sed
 * expressions applied line by line (__user/__force/__iomem and
 * __attribute_const__ removed, <linux/compiler.h> dropped, __packed and
 * inline/asm/volatile rewritten, the _UAPI guard prefix removed).
 * Return: 0 or -ENOMEM.
 */
int kh_uapi_sed(const struct kh_uapi_gen *gen, const char *in, size_t len,
		struct kh_buf *out);

/*
 * kh_uapi_unifdef() - append to @out what the kernel's unifdef 2.5 prints
 * for "-U__KERNEL__ -D__EXPORTED_HEADERS__" on @len bytes at @in.
 * @name: for messages
 * Return: 0, or -EINVAL where unifdef fails (the message says why and on
 * which line, as unifdef does), or -ENOMEM.
 */
int kh_uapi_unifdef(const char *in, size_t len, const char *name,
		    struct kh_buf *out, struct kh_error *err);

/*
 * kh_uapi_config_leak() - the first CONFIG_ word headers_install.sh finds
 * outside comments of the transformed header @in that @gen does not
 * excuse for @path; copied into @word (NUL-terminated, cut at @size - 1).
 * Return: 1 when there is one, 0 when not, -ENOMEM.
 */
int kh_uapi_config_leak(const struct kh_uapi_gen *gen, const char *path,
			 const char *in, size_t len, char *word, size_t size);

#endif /* KH_UAPI_H */
