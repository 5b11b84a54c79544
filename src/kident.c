// SPDX-License-Identifier: GPL-2.0
/*
 * kident.c - a kernel's release and build ID, from its banner and its ELF
 * notes.  init/version-timestamp.c (6.x; init/version.c before) writes the
 * banner as "Linux version " UTS_RELEASE " (" LINUX_COMPILE_BY "@" ...;
 * the build ID is the NT_GNU_BUILD_ID note the linker writes (--build-id)
 * and the kernel serves again as /sys/kernel/notes.  Every length read from
 * the input is checked against the buffer.
 */
#include <string.h>

#include <gelf.h>
#include <libelf.h>

#include "digest.h"
#include "kident.h"

#define BANNER "Linux version "
#define NOTE_GNU_BUILD_ID 3

/* Whether @c may be part of a release string (printable, no blank). */
static int release_char(uint8_t c)
{
	return c > ' ' && c < 0x7f;
}

/*
 * The release after a banner at @p (@end bounds it): non-blank printable
 * characters up to " (" and an "@" before the end of the line.
 */
static size_t banner_release(const uint8_t *p, const uint8_t *end,
			     char *out)
{
	const uint8_t *r = p + strlen(BANNER), *q = r;

	while (q < end && release_char(*q) && q - r < KH_KIDENT_RELEASE_MAX - 1)
		q++;
	if (q == r || end - q < 2 || q[0] != ' ' || q[1] != '(')
		return 0;
	if (!memchr(q, '@', end - q < 256 ? (size_t)(end - q) : 256))
		return 0;
	memcpy(out, r, q - r);
	out[q - r] = '\0';
	return q - r;
}

static void find_release(const uint8_t *data, size_t len, char *out)
{
	const uint8_t *p = data, *end = data + len;

	while ((p = memmem(p, end - p, BANNER, strlen(BANNER)))) {
		if (banner_release(p, end, out))
			return;
		p++;
	}
}

/* @n bytes as hex into @out, when they fit (KH_KIDENT_BUILD_ID_MAX). */
static void hex(const uint8_t *d, size_t n, char *out)
{
	if (n <= (KH_KIDENT_BUILD_ID_MAX - 1) / 2)
		kh_hex(d, n, out);
}

/* The build ID of the notes in an ELF section or segment's data. */
static void elf_notes(Elf_Data *d, char *out)
{
	GElf_Nhdr nh;
	size_t off = 0, next, name, desc;

	while (!out[0] && (next = gelf_getnote(d, off, &nh, &name, &desc)) > 0) {
		if (nh.n_type == NOTE_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    !memcmp((const char *)d->d_buf + name, "GNU", 4) &&
		    nh.n_descsz > 0)
			hex((const uint8_t *)d->d_buf + desc, nh.n_descsz, out);
		off = next;
	}
}

static void find_build_id(const uint8_t *data, size_t len, char *out)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	Elf *elf;

	if (len < 4 || memcmp(data, ELFMAG, SELFMAG) ||
	    elf_version(EV_CURRENT) == EV_NONE)
		return;
	elf = elf_memory((char *)data, len);
	if (!elf)
		return;
	while (!out[0] && (scn = elf_nextscn(elf, scn))) {
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		d = elf_getdata(scn, NULL);
		if (d && d->d_buf)
			elf_notes(d, out);
	}
	elf_end(elf);
}

void kh_kident_read(const uint8_t *data, size_t len, struct kh_kident *id)
{
	memset(id, 0, sizeof(*id));
	find_release(data, len, id->release);
	find_build_id(data, len, id->build_id);
}

/* 4-byte aligned, as the kernel writes its notes. */
static size_t note_align(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

void kh_kident_notes(const uint8_t *data, size_t len, char *out)
{
	size_t off = 0, namesz, descsz, type, name, desc;
	uint32_t w[3];

	out[0] = '\0';
	while (len - off >= sizeof(w)) {
		memcpy(w, data + off, sizeof(w));
		namesz = w[0];
		descsz = w[1];
		type = w[2];
		name = off + sizeof(w);
		if (namesz > len - name)
			return;
		desc = name + note_align(namesz);
		if (desc > len || descsz > len - desc)
			return;
		if (type == NOTE_GNU_BUILD_ID && namesz == 4 &&
		    !memcmp(data + name, "GNU", 4) && descsz > 0) {
			hex(data + desc, descsz, out);
			return;
		}
		off = desc + note_align(descsz);
		if (off > len)
			return;
	}
}
