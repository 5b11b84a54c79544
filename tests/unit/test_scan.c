// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gelf.h>
#include <libelf.h>
#include <lzma.h>

#include "kheaders.h"
#include "scan.h"

#define PAD 40

/* A small valid xz stream (its content does not matter to the scanner). */
static size_t make_xz(uint8_t *out, size_t cap)
{
	static const char text[] = "not a tar, just bytes for the xz stream";
	size_t n = 0;

	cr_assert_eq(lzma_easy_buffer_encode(0, LZMA_CHECK_CRC32, NULL,
			(const uint8_t *)text, sizeof(text), out, &n, cap),
		     LZMA_OK);
	return n;
}

static Elf_Scn *add_section(Elf *e, uint32_t name, uint32_t type,
			    uint64_t flags, void *buf, size_t size,
			    Elf_Type dtype)
{
	Elf_Scn *scn = elf_newscn(e);
	Elf_Data *d = elf_newdata(scn);
	GElf_Shdr sh;

	d->d_buf = buf;
	d->d_size = size;
	d->d_type = dtype;
	d->d_align = 1;
	d->d_version = EV_CURRENT;
	gelf_getshdr(scn, &sh);
	sh.sh_name = name;
	sh.sh_type = type;
	sh.sh_flags = flags;
	gelf_update_shdr(scn, &sh);
	return scn;
}

/*
 * Write an ELF file of class @cls and byte order @order with .rodata
 * holding PAD bytes, @xz, PAD bytes, and symbols around @xz.  For ET_EXEC
 * the section gets address 0x400000.  @value_delta shifts the start
 * symbol's value (to make it point elsewhere).  Returns a malloc'd image.
 */
static uint8_t *make_elf(int cls, int order, int type, const uint8_t *xz,
			 size_t xzlen, uint64_t value_delta, size_t *len)
{
	static const char shstr[] = "\0.rodata\0.symtab\0.strtab\0.shstrtab";
	static const char str[] = "\0kernel_headers_data\0kernel_headers_data_end";
	uint64_t base = type == ET_EXEC ? 0x400000 : 0;
	uint8_t *rodata = calloc(1, xzlen + 2 * PAD), *img, *symbuf;
	GElf_Sym sym[3];
	GElf_Shdr sh;
	GElf_Ehdr eh;
	Elf_Scn *ro, *st, *ss;
	Elf_Data *d;
	size_t symsz;
	int fd, i;
	Elf *e;

	memcpy(rodata + PAD, xz, xzlen);
	cr_assert_neq(elf_version(EV_CURRENT), EV_NONE);
	fd = memfd_create("elf", 0);
	cr_assert_geq(fd, 0);
	e = elf_begin(fd, ELF_C_WRITE, NULL);
	cr_assert_not_null(e);
	gelf_newehdr(e, cls);
	gelf_getehdr(e, &eh);
	eh.e_ident[EI_DATA] = order;
	eh.e_type = type;
	eh.e_machine = cls == ELFCLASS32 ? EM_PPC : EM_S390;
	eh.e_version = EV_CURRENT;
	gelf_update_ehdr(e, &eh);
	ro = add_section(e, 1, SHT_PROGBITS, SHF_ALLOC, rodata,
			 xzlen + 2 * PAD, ELF_T_BYTE);
	gelf_getshdr(ro, &sh);
	sh.sh_addr = base;
	gelf_update_shdr(ro, &sh);
	symsz = gelf_fsize(e, ELF_T_SYM, 3, EV_CURRENT);
	symbuf = calloc(1, symsz);
	st = add_section(e, 9, SHT_SYMTAB, 0, symbuf, symsz, ELF_T_SYM);
	ss = add_section(e, 17, SHT_STRTAB, 0, (void *)str, sizeof(str),
			 ELF_T_BYTE);
	add_section(e, 25, SHT_STRTAB, 0, (void *)shstr, sizeof(shstr),
		    ELF_T_BYTE);
	gelf_getshdr(st, &sh);
	sh.sh_link = elf_ndxscn(ss);
	sh.sh_info = 1;
	sh.sh_entsize = gelf_fsize(e, ELF_T_SYM, 1, EV_CURRENT);
	gelf_update_shdr(st, &sh);
	memset(sym, 0, sizeof(sym));
	for (i = 1; i < 3; i++) {
		sym[i].st_name = i == 1 ? 1 : 21;
		sym[i].st_info = GELF_ST_INFO(STB_GLOBAL, STT_NOTYPE);
		sym[i].st_shndx = elf_ndxscn(ro);
		sym[i].st_value = base + PAD + (i == 2 ? xzlen : 0);
	}
	sym[1].st_value += value_delta;
	d = elf_getdata(st, NULL);
	for (i = 0; i < 3; i++)
		gelf_update_sym(d, i, &sym[i]);
	gelf_getehdr(e, &eh);
	eh.e_shstrndx = 4;
	gelf_update_ehdr(e, &eh);
	cr_assert_geq(elf_update(e, ELF_C_WRITE), 0, "%s", elf_errmsg(-1));
	elf_end(e);
	*len = lseek(fd, 0, SEEK_END);
	img = malloc(*len);
	cr_assert_eq(pread(fd, img, *len, 0), (ssize_t)*len);
	close(fd);
	free(symbuf);
	free(rodata);
	return img;
}

/* Run the symbol scan on a read-only mapping: the scanner must not write. */
static int scan_ro(const uint8_t *img, size_t len, struct kh_span *span,
		   struct kh_error *why)
{
	uint8_t *ro = mmap(NULL, len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ret;

	cr_assert_neq(ro, MAP_FAILED);
	memcpy(ro, img, len);
	mprotect(ro, len, PROT_READ);
	ret = kh_scan_elf_symbols(ro, len, span, why);
	munmap(ro, len);
	return ret;
}

static void check_class(int cls, int order, int type)
{
	uint8_t xz[512], *img;
	struct kh_span span;
	struct kh_error why;
	size_t xzlen = make_xz(xz, sizeof(xz)), len;

	img = make_elf(cls, order, type, xz, xzlen, 0, &len);
	cr_assert_eq(scan_ro(img, len, &span, &why), 0, "%s", why.msg);
	cr_assert_eq(span.len, xzlen);
	cr_assert(!memcmp(img + span.off, xz, xzlen));
	cr_assert_eq(kh_xz_span_valid(img, &span, 1 << 20, NULL, &why), 0, "%s",
		     why.msg);
	free(img);
}

Test(scan, elf64_little_endian_relocatable) { check_class(ELFCLASS64, ELFDATA2LSB, ET_REL); }
Test(scan, elf64_big_endian_relocatable) { check_class(ELFCLASS64, ELFDATA2MSB, ET_REL); }
Test(scan, elf32_little_endian_relocatable) { check_class(ELFCLASS32, ELFDATA2LSB, ET_REL); }
Test(scan, elf32_big_endian_relocatable) { check_class(ELFCLASS32, ELFDATA2MSB, ET_REL); }
Test(scan, elf64_big_endian_executable_maps_addresses) { check_class(ELFCLASS64, ELFDATA2MSB, ET_EXEC); }
Test(scan, elf32_little_endian_executable_maps_addresses) { check_class(ELFCLASS32, ELFDATA2LSB, ET_EXEC); }

Test(scan, symbol_outside_the_file_is_an_error)
{
	uint8_t xz[512], *img;
	struct kh_span span;
	struct kh_error why;
	size_t xzlen = make_xz(xz, sizeof(xz)), len;

	img = make_elf(ELFCLASS64, ELFDATA2LSB, ET_REL, xz, xzlen,
		       1ull << 40, &len);
	cr_assert_eq(kh_scan_elf_symbols(img, len, &span, &why), -EINVAL);
	cr_assert_str_eq(why.msg, "'kernel_headers_data' points outside the file");
	free(img);
}

Test(scan, not_elf_and_no_symtab_are_not_found)
{
	static const uint8_t junk[64] = "just some bytes";
	struct kh_span span;
	struct kh_error why;

	cr_assert_eq(kh_scan_elf_symbols(junk, sizeof(junk), &span, &why),
		     -ENOENT);
	cr_assert_str_eq(why.msg, "not an ELF file");
}

Test(scan, every_truncation_of_an_elf_file_is_handled)
{
	uint8_t xz[512], *img;
	struct kh_span span;
	struct kh_error why;
	size_t xzlen = make_xz(xz, sizeof(xz)), len, cut;
	int ret;

	img = make_elf(ELFCLASS32, ELFDATA2MSB, ET_REL, xz, xzlen, 0, &len);
	for (cut = 0; cut < len; cut++) {
		uint8_t *c = malloc(cut + 1);

		memcpy(c, img, cut);
		ret = kh_scan_elf_symbols(c, cut, &span, &why);
		if (!ret)
			cr_assert_leq(span.off + span.len, cut);
		else
			cr_assert(ret == -ENOENT || ret == -EINVAL, "%d", ret);
		free(c);
	}
	free(img);
}

Test(scan, markers_need_a_whole_xz_stream_between_them)
{
	uint8_t buf[1024], xz[512];
	size_t xzlen = make_xz(xz, sizeof(xz)), n = 0;
	struct kh_span span;
	struct kh_error why;

	memcpy(buf, "IKHD_ST garbage IKHD_ED", 23);
	n = 23;
	memcpy(buf + n, "IKHD_ST", 7);
	memcpy(buf + n + 7, xz, xzlen);
	memcpy(buf + n + 7 + xzlen, "IKHD_ED", 7);
	cr_assert_eq(kh_scan_markers(buf, n + 14 + xzlen, 1 << 20, NULL, &span,
				     &why), 0, "%s", why.msg);
	cr_assert_eq(span.off, n + 7);
	cr_assert_eq(span.len, xzlen);
	buf[n + 7 + xzlen] = 'X';
	cr_assert_eq(kh_scan_markers(buf, n + 14 + xzlen, 1 << 20, NULL, &span,
				     &why), -ENOENT);
	cr_assert(strstr(why.msg, "2 IKHD_ST marker(s)"), "%s", why.msg);
}

Test(scan, xz_check_bounds_and_rejects_trailing_junk_in_a_span)
{
	uint8_t xz[600];
	size_t xzlen = make_xz(xz, 512), slen;
	struct kh_span span = { 0, xzlen + 4 };
	struct kh_error why;

	cr_assert_eq(kh_xz_decode(xz, xzlen, 10, NULL, 0, &slen, NULL, &why), -EFBIG);
	cr_assert_eq(kh_xz_decode(xz, xzlen - 1, 1 << 20, NULL, 0, &slen, NULL, &why),
		     -EBADMSG);
	memset(xz + xzlen, 0, 4);
	cr_assert_eq(kh_xz_span_valid(xz, &span, 1 << 20, NULL, &why), 0);
	xz[xzlen + 1] = 1;
	cr_assert_eq(kh_xz_span_valid(xz, &span, 1 << 20, NULL, &why), -EBADMSG);
}

Test(scan, header_tar_needs_an_include_entry)
{
	uint8_t tar[2048];

	memset(tar, 0, sizeof(tar));
	strcpy((char *)tar, "./include/linux/kconfig.h");
	memcpy(tar + 100, "0000644", 7);
	memcpy(tar + 124, "00000000000", 11);
	memcpy(tar + 136, "00000000000", 11);
	tar[156] = '0';
	memcpy(tar + 257, "ustar\00000", 8);
	{
		unsigned int sum = 0, i;

		memset(tar + 148, ' ', 8);
		for (i = 0; i < 512; i++)
			sum += tar[i];
		snprintf((char *)tar + 148, 8, "%06o", sum);
	}
	cr_assert(kh_tar_looks_like(tar, sizeof(tar)));
	cr_assert(kh_tar_has_headers(tar, sizeof(tar)));
	memcpy(tar, "./lib/x.h\0", 10);
	cr_assert_not(kh_tar_has_headers(tar, sizeof(tar)));
}
