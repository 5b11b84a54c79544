/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kident.h - which kernel a file is: the release string of its banner
 * ("Linux version RELEASE (...") and its GNU build ID.  Used to check that
 * a kernel image and a headers archive are the same kernel before a module
 * kit pairs them (prepare_kit.c), on a vmlinux, a raw Image, or the
 * running kernel's /sys/kernel/notes.
 */
#ifndef KH_KIDENT_H
#define KH_KIDENT_H

#include <stddef.h>
#include <stdint.h>

#define KH_KIDENT_RELEASE_MAX	128
#define KH_KIDENT_BUILD_ID_MAX	129	/* 64 bytes as hex, and the NUL */

/*
 * struct kh_kident - a kernel's identity; an empty string where the file
 * does not say.
 */
struct kh_kident {
	char release[KH_KIDENT_RELEASE_MAX];
	char build_id[KH_KIDENT_BUILD_ID_MAX];
};

/*
 * kh_kident_read() - the identity of the kernel in @data: the release of
 * the first well-formed banner, and (for an ELF file) the build ID of its
 * note sections or segments.  Never fails: @id's fields stay empty when
 * nothing is found.
 */
void kh_kident_read(const uint8_t *data, size_t len, struct kh_kident *id);

/*
 * kh_kident_notes() - the build ID in a raw sequence of ELF notes (the
 * format of /sys/kernel/notes, native byte order), as lowercase hex into
 * @hex (KH_KIDENT_BUILD_ID_MAX bytes; "" when there is none).
 */
void kh_kident_notes(const uint8_t *data, size_t len, char *hex);

#endif /* KH_KIDENT_H */
