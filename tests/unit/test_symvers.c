// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of symvers: the export-table reader (ksymtab.c) on linked
 * images built here with libelf, field by field in the kernel's layouts
 * (PREL32 little-endian 64-bit, pointers big-endian 32-bit, 7.2's
 * __kflagstab, 6.1's null namespace), its refusals, the walk over
 * compressed streams (decomp.c), and the library's sort, format and
 * all-or-nothing adds.  The relocatable side and real binutils output are
 * tests/cli/t_symvers.sh's; real kernels, tests/corpus/t_symvers_*.sh's.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gelf.h>
#include <libelf.h>
#include <zlib.h>

#include "decomp.h"
#include "kheaders.h"
#include "ksymtab.h"

#define STR_ADDR 0x3000
#define TAB_ADDR 0x1000

struct tsec {
	const char *name;
	uint64_t addr;
	uint8_t buf[256];
	size_t len;
};

struct timage {
	int cls, order, machine;
	bool be;
	struct tsec sec[6];
	size_t nsec;
};

static struct tsec *tsec_add(struct timage *t, const char *name,
			     uint64_t addr)
{
	struct tsec *s = &t->sec[t->nsec++];

	s->name = name;
	s->addr = addr;
	s->len = 0;
	return s;
}

static void put(const struct timage *t, struct tsec *s, uint64_t v,
		unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		s->buf[s->len + i] = v >> (8 * (t->be ? n - 1 - i : i));
	s->len += n;
}

static uint64_t put_str(struct tsec *s, const char *str)
{
	uint64_t at = s->addr + s->len;

	memcpy(s->buf + s->len, str, strlen(str) + 1);
	s->len += strlen(str) + 1;
	return at;
}

/* The linked ELF file of @t, malloc'd. */
static uint8_t *timage_write(const struct timage *t, size_t *len)
{
	char shstr[256] = "";
	size_t shlen = 1, i, names[8];
	Elf_Scn *scn;
	Elf_Data *d;
	GElf_Shdr sh;
	GElf_Ehdr eh;
	uint8_t *img;
	Elf *e;
	int fd;

	cr_assert_neq(elf_version(EV_CURRENT), EV_NONE);
	fd = memfd_create("elf", 0);
	e = elf_begin(fd, ELF_C_WRITE, NULL);
	gelf_newehdr(e, t->cls);
	gelf_getehdr(e, &eh);
	eh.e_ident[EI_DATA] = t->order;
	eh.e_type = ET_EXEC;
	eh.e_machine = t->machine;
	eh.e_version = EV_CURRENT;
	gelf_update_ehdr(e, &eh);
	for (i = 0; i <= t->nsec; i++) {
		names[i] = shlen;
		strcpy(shstr + shlen, i < t->nsec ? t->sec[i].name : ".shstrtab");
		shlen += strlen(shstr + shlen) + 1;
	}
	for (i = 0; i <= t->nsec; i++) {
		scn = elf_newscn(e);
		d = elf_newdata(scn);
		d->d_buf = i < t->nsec ? (void *)t->sec[i].buf : shstr;
		d->d_size = i < t->nsec ? t->sec[i].len : shlen;
		d->d_type = ELF_T_BYTE;
		d->d_align = 1;
		d->d_version = EV_CURRENT;
		gelf_getshdr(scn, &sh);
		sh.sh_name = names[i];
		sh.sh_type = i < t->nsec ? SHT_PROGBITS : SHT_STRTAB;
		sh.sh_flags = i < t->nsec ? SHF_ALLOC : 0;
		sh.sh_addr = i < t->nsec ? t->sec[i].addr : 0;
		gelf_update_shdr(scn, &sh);
	}
	gelf_getehdr(e, &eh);
	eh.e_shstrndx = t->nsec + 1;
	gelf_update_ehdr(e, &eh);
	cr_assert_geq(elf_update(e, ELF_C_WRITE), 0, "%s", elf_errmsg(-1));
	elf_end(e);
	*len = lseek(fd, 0, SEEK_END);
	img = malloc(*len);
	cr_assert_eq(pread(fd, img, *len, 0), (ssize_t)*len);
	close(fd);
	return img;
}

/* Entry @i of @tab pointing at @name and @ns (0: a null field). */
static void put_entry(const struct timage *t, struct tsec *tab, bool prel,
		      unsigned int word, uint64_t name, uint64_t ns)
{
	uint64_t at = tab->addr + tab->len;

	if (prel) {
		put(t, tab, 0, 4);
		put(t, tab, (uint32_t)(name - (at + 4)), 4);
		put(t, tab, ns ? (uint32_t)(ns - (at + 8)) : 0, 4);
	} else {
		put(t, tab, 0, word);
		put(t, tab, name, word);
		put(t, tab, ns, word);
	}
}

struct got {
	char line[8][128];
	size_t n;
};

static int collect(const struct kh_ksym *s, void *ctx)
{
	struct got *g = ctx;

	cr_assert_lt(g->n, 8);
	snprintf(g->line[g->n++], sizeof(g->line[0]), "%08x %s %s %d",
		 s->crc, s->name, s->ns, s->gpl);
	return 0;
}

/* x86_64 as 6.1 lays it out: PREL32, _gpl tables, CRCs, a null ns. */
static uint8_t *image_61_x86_64(size_t *len, bool crcs)
{
	struct timage t = { .cls = ELFCLASS64, .order = ELFDATA2LSB,
			    .machine = EM_X86_64 };
	struct tsec *tab, *gpl, *str, *crc = NULL, *crc_gpl = NULL;
	uint8_t *img;

	tab = tsec_add(&t, "__ksymtab", TAB_ADDR);
	gpl = tsec_add(&t, "__ksymtab_gpl", TAB_ADDR + 0x100);
	str = tsec_add(&t, "__ksymtab_strings", STR_ADDR);
	if (crcs) {
		crc = tsec_add(&t, "__kcrctab", 0x2000);
		crc_gpl = tsec_add(&t, "__kcrctab_gpl", 0x2100);
	}
	put_entry(&t, tab, true, 4, put_str(str, "alpha"), put_str(str, ""));
	put_entry(&t, tab, true, 4, put_str(str, "asm_beta"), 0);
	put_entry(&t, gpl, true, 4, put_str(str, "gamma"), put_str(str, "NS_G"));
	if (crcs) {
		put(&t, crc, 0xa1a1a1a1, 4);
		put(&t, crc, 0xb2b2b2b2, 4);
		put(&t, crc_gpl, 0x0000c3c3, 4);
	}
	img = timage_write(&t, len);
	return img;
}

Test(ksymtab, prel32_le64_image_as_6_1)
{
	struct kh_ksymtab_info info;
	struct got g = { .n = 0 };
	struct kh_error why;
	size_t len;
	uint8_t *img = image_61_x86_64(&len, true);

	cr_assert_eq(kh_ksymtab_read(img, len, collect, &g, &info, &why), 0,
		     "%s", why.msg);
	cr_assert_eq(g.n, 3);
	cr_assert_eq(info.nr, 3);
	cr_assert(info.modversions && !info.module);
	cr_assert_str_eq(g.line[0], "a1a1a1a1 alpha  0");
	cr_assert_str_eq(g.line[1], "b2b2b2b2 asm_beta  0");
	cr_assert_str_eq(g.line[2], "0000c3c3 gamma NS_G 1");
	free(img);
}

Test(ksymtab, no_crc_tables_read_as_zero)
{
	struct kh_ksymtab_info info;
	struct got g = { .n = 0 };
	struct kh_error why;
	size_t len;
	uint8_t *img = image_61_x86_64(&len, false);

	cr_assert_eq(kh_ksymtab_read(img, len, collect, &g, &info, &why), 0,
		     "%s", why.msg);
	cr_assert(!info.modversions);
	cr_assert_str_eq(g.line[2], "00000000 gamma NS_G 1");
	free(img);
}

/* 32-bit big-endian pointers with 7.2's flags: one table, GPL by flag. */
Test(ksymtab, pointers_be32_image_as_7_2)
{
	struct timage t = { .cls = ELFCLASS32, .order = ELFDATA2MSB,
			    .machine = EM_PPC, .be = true };
	struct tsec *tab, *str, *crc, *flags;
	struct kh_ksymtab_info info;
	struct got g = { .n = 0 };
	struct kh_error why;
	uint8_t *img;
	size_t len;

	tab = tsec_add(&t, "__ksymtab", TAB_ADDR);
	str = tsec_add(&t, "__ksymtab_strings", STR_ADDR);
	crc = tsec_add(&t, "__kcrctab", 0x2000);
	flags = tsec_add(&t, "__kflagstab", 0x2100);
	put_entry(&t, tab, false, 4, put_str(str, "one"), put_str(str, ""));
	put_entry(&t, tab, false, 4, put_str(str, "two"),
		  put_str(str, "module:kvm"));
	put(&t, crc, 0x01020304, 4);
	put(&t, crc, 0xfffffffe, 4);
	put(&t, flags, 0, 1);
	put(&t, flags, 1, 1);
	img = timage_write(&t, &len);
	cr_assert_eq(kh_ksymtab_read(img, len, collect, &g, &info, &why), 0,
		     "%s", why.msg);
	cr_assert_str_eq(g.line[0], "01020304 one  0");
	cr_assert_str_eq(g.line[1], "fffffffe two module:kvm 1");
	free(img);
}

static void expect_refusal(struct timage *t, const char *want)
{
	struct kh_ksymtab_info info;
	struct got g = { .n = 0 };
	struct kh_error why;
	uint8_t *img;
	size_t len;
	int ret;

	img = timage_write(t, &len);
	ret = kh_ksymtab_read(img, len, collect, &g, &info, &why);
	cr_assert_lt(ret, 0);
	cr_assert(strstr(why.msg, want), "'%s' lacks '%s'", why.msg, want);
	free(img);
}

Test(ksymtab, refuses_a_name_outside_the_strings)
{
	struct timage t = { .cls = ELFCLASS64, .order = ELFDATA2LSB,
			    .machine = EM_X86_64 };
	struct tsec *tab, *str;

	tab = tsec_add(&t, "__ksymtab", TAB_ADDR);
	str = tsec_add(&t, "__ksymtab_strings", STR_ADDR);
	put_str(str, "x");
	put_entry(&t, tab, true, 4, STR_ADDR + 0x80, 0);
	expect_refusal(&t, "entry 0 of '__ksymtab' points outside '__ksymtab_strings'");
}

Test(ksymtab, refuses_a_name_without_its_nul)
{
	struct timage t = { .cls = ELFCLASS64, .order = ELFDATA2LSB,
			    .machine = EM_X86_64 };
	struct tsec *tab, *str;

	tab = tsec_add(&t, "__ksymtab", TAB_ADDR);
	str = tsec_add(&t, "__ksymtab_strings", STR_ADDR);
	memcpy(str->buf, "abc", 3);
	str->len = 3;
	put_entry(&t, tab, true, 4, STR_ADDR, 0);
	expect_refusal(&t, "points outside");
}

Test(ksymtab, refuses_a_name_that_would_split_the_line)
{
	struct timage t = { .cls = ELFCLASS64, .order = ELFDATA2LSB,
			    .machine = EM_X86_64 };
	struct tsec *tab, *str;

	tab = tsec_add(&t, "__ksymtab", TAB_ADDR);
	str = tsec_add(&t, "__ksymtab_strings", STR_ADDR);
	put_entry(&t, tab, true, 4, put_str(str, "evil\tname"), 0);
	expect_refusal(&t, "malformed name");
}

Test(ksymtab, refuses_crc_and_flag_tables_of_another_length)
{
	struct timage t = { .cls = ELFCLASS64, .order = ELFDATA2LSB,
			    .machine = EM_X86_64 };
	struct tsec *tab, *str, *crc, *flags;

	tab = tsec_add(&t, "__ksymtab", TAB_ADDR);
	str = tsec_add(&t, "__ksymtab_strings", STR_ADDR);
	crc = tsec_add(&t, "__kcrctab", 0x2000);
	put_entry(&t, tab, true, 4, put_str(str, "a"), 0);
	put(&t, crc, 1, 4);
	put(&t, crc, 2, 4);
	expect_refusal(&t, "'__kcrctab' holds 8 bytes for the 1 entries");
	crc->len = 4;
	flags = tsec_add(&t, "__kflagstab", 0x2100);
	put(&t, flags, 0, 1);
	put(&t, flags, 0, 1);
	expect_refusal(&t, "'__kflagstab' holds 2 flags for the 1 entries");
}

Test(ksymtab, not_elf_and_no_tables_are_enoent)
{
	struct timage t = { .cls = ELFCLASS64, .order = ELFDATA2LSB,
			    .machine = EM_X86_64 };
	struct kh_ksymtab_info info;
	struct got g = { .n = 0 };
	struct kh_error why;
	uint8_t *img;
	size_t len;

	cr_assert_eq(kh_ksymtab_read((const uint8_t *)"text", 4, collect, &g,
				     &info, &why), -ENOENT);
	tsec_add(&t, ".text", TAB_ADDR)->len = 4;
	img = timage_write(&t, &len);
	cr_assert_eq(kh_ksymtab_read(img, len, collect, &g, &info, &why),
		     -ENOENT);
	cr_assert(strstr(why.msg, "no export table"));
	free(img);
}

/* gzip @in into @out (a caller-sized buffer); returns the length. */
static size_t gzip_buf(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	z_stream zs;
	size_t n;

	memset(&zs, 0, sizeof(zs));
	cr_assert_eq(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
				  Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)in;
	zs.avail_in = len;
	zs.next_out = out;
	zs.avail_out = cap;
	cr_assert_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
	n = zs.total_out;
	deflateEnd(&zs);
	return n;
}

struct walk_seen {
	size_t at[4];
	size_t n;
	int stop_at;
};

static int walk_note(const struct kh_comp_stream *s, void *ctx)
{
	struct walk_seen *w = ctx;

	w->at[w->n++] = s->at;
	cr_assert(s->complete);
	return (int)w->n == w->stop_at ? 7 : 0;
}

Test(comp_walk, every_stream_in_order_until_the_callback_stops)
{
	uint8_t plain[4096], buf[3 * 8192];
	struct walk_seen w = { .n = 0, .stop_at = 0 };
	struct kh_comp_walk walk;
	struct kh_error err;
	size_t n1, n2;

	memset(plain, 'k', sizeof(plain));
	memset(buf, 'S', 100);
	n1 = gzip_buf(plain, sizeof(plain), buf + 100, 8192);
	memset(buf + 100 + n1, 'S', 50);
	n2 = gzip_buf(plain, sizeof(plain), buf + 150 + n1, 8192);
	cr_assert_eq(kh_comp_walk(buf, 150 + n1 + n2, "t", 16, NULL,
				  walk_note, &w, &walk, &err), 0);
	cr_assert_eq(w.n, 2);
	cr_assert_eq(w.at[0], 100);
	cr_assert_eq(w.at[1], 150 + n1);
	cr_assert_eq(walk.streams, 2);
	w.n = 0;
	w.stop_at = 1;
	cr_assert_eq(kh_comp_walk(buf, 150 + n1 + n2, "t", 16, NULL,
				  walk_note, &w, &walk, &err), 7);
	cr_assert_eq(w.n, 1);
}

Test(symvers, image_in_a_gzip_stream_and_a_failed_add_adds_nothing)
{
	struct kh_extract_opts in = { .name = "img" };
	uint8_t *img, *boot;
	struct kh_symvers sv;
	struct kh_error err;
	size_t len, n;

	img = image_61_x86_64(&len, true);
	boot = calloc(1, len + 4096);
	memset(boot, 'S', 600);
	n = gzip_buf(img, len, boot + 600, len + 3000);
	kh_symvers_init(&sv);
	in.data = boot;
	in.len = 600 + n;
	cr_assert_eq(kh_symvers_add_image(&sv, &in, &err), 0, "%s", err.msg);
	cr_assert_eq(sv.nr, 3);
	cr_assert_str_eq(sv.v[2].module, "vmlinux");
	/* the same image cut short: an error, and nothing more added */
	in.data = img;
	in.len = 300;
	cr_assert_lt(kh_symvers_add_image(&sv, &in, &err), 0);
	cr_assert(strstr(err.msg, "'img': "), "%s", err.msg);
	cr_assert_eq(sv.nr, 3);
	kh_symvers_release(&sv);
	free(boot);
	free(img);
}

static void add_entry(struct kh_symvers *sv, const char *sym,
		      const char *mod, const char *ns, bool gpl, uint32_t crc)
{
	struct kh_symvers_entry *e;

	sv->v = realloc(sv->v, (sv->nr + 1) * sizeof(*sv->v));
	sv->alloc = sv->nr + 1;
	e = &sv->v[sv->nr++];
	e->symbol = strdup(sym);
	e->module = strdup(mod);
	e->ns = strdup(ns);
	e->gpl = gpl;
	e->crc = crc;
}

Test(symvers, sorted_by_symbol_then_module_in_modpost_format)
{
	struct kh_symvers sv;
	struct kh_buf out;

	kh_symvers_init(&sv);
	kh_buf_init(&out);
	add_entry(&sv, "zeta", "vmlinux", "", false, 0x1);
	add_entry(&sv, "alpha", "vmlinux", "NS", true, 0xdeadbeef);
	add_entry(&sv, "alpha", "drivers/net/dummy", "", false, 0);
	kh_symvers_sort(&sv);
	cr_assert_eq(kh_symvers_format(&sv, &out), 0);
	cr_assert_str_eq(kh_buf_str(&out),
			 "0x00000000\talpha\tdrivers/net/dummy\tEXPORT_SYMBOL\t\n"
			 "0xdeadbeef\talpha\tvmlinux\tEXPORT_SYMBOL_GPL\tNS\n"
			 "0x00000001\tzeta\tvmlinux\tEXPORT_SYMBOL\t\n");
	kh_buf_release(&out);
	kh_symvers_release(&sv);
	cr_assert_eq(sv.nr, 0);
}
