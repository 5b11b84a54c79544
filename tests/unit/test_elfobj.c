// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <elf.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>

#include "kheaders.h"
#include "archtab.h"
#include "elfobj.h"
#include "util.h"

static struct kh_buf xz_of(const char *text)
{
	size_t cap = strlen(text) + 256, pos = 0;
	struct kh_buf b;

	kh_buf_init(&b);
	cr_assert_eq(kh_buf_reserve(&b, cap), 0);
	cr_assert_eq(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL,
					     (const uint8_t *)text,
					     strlen(text), b.data, &pos, cap),
		     LZMA_OK);
	b.len = pos;
	return b;
}

static struct kh_buf embed_for(const char *target, const struct kh_buf *in,
			       const struct kh_embed_opts *opts)
{
	struct kh_embed_target t;
	struct kh_error e;
	struct kh_buf out;

	kh_buf_init(&out);
	cr_assert_eq(kh_embed_target_parse(target, &t, &e), 0, "%s", e.msg);
	cr_assert_eq(kh_embed_elf(in->data, in->len, "in.tar.xz", &t, opts,
				  &out, &e), 0, "%s", e.msg);
	return out;
}

/* Read symbol @i of @obj back through libelf. */
static void read_sym(struct kh_buf *obj, int i, GElf_Sym *sym, char **name)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	Elf *elf;

	elf_version(EV_CURRENT);
	elf = elf_memory((char *)obj->data, obj->len);
	cr_assert_not_null(elf);
	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			break;
	cr_assert_not_null(scn);
	cr_assert_not_null(gelf_getsym(elf_getdata(scn, NULL), i, sym));
	*name = strdup(elf_strptr(elf, sh.sh_link, sym->st_name));
	elf_end(elf);
}

Test(archtab, host_srcarch_is_the_kernel_arch_directory)
{
	const char *a = kh_arch_host_srcarch();

#if defined(__x86_64__) || defined(__i386__)
	cr_assert_str_eq(a, "x86");
#elif defined(__aarch64__)
	cr_assert_str_eq(a, "arm64");
#else
	cr_assert_not_null(a);
#endif
}

Test(archtab, kernel_names_follow_the_kernel_abi)
{
	struct kh_embed_target t;
	struct kh_error e;

	cr_assert_eq(kh_embed_target_parse("riscv", &t, &e), 0);
	cr_assert_str_eq(t.name, "riscv64");
	cr_assert_eq(t.elf_class, ELFCLASS64);
	cr_assert_eq(t.machine, EM_RISCV);
	cr_assert_eq(t.flags, 0, "kernel is lp64 soft-float");
	cr_assert_eq(kh_embed_target_parse("powerpc64le", &t, &e), 0);
	cr_assert_eq(t.flags & EF_PPC64_ABI, 2);
	cr_assert_eq(kh_embed_target_parse("alpha", &t, &e), 0);
	cr_assert_eq(t.machine, 0x9026);
	cr_assert_eq(kh_embed_target_parse("parisc64", &t, &e), 0);
	cr_assert_eq(t.osabi, ELFOSABI_GNU);
	cr_assert_eq(t.abiversion, 1);
}

Test(archtab, triplets_select_the_cpu)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "aarch64-linux-gnu", "arm64" },
		{ "armv7l-unknown-linux-gnueabihf", "arm" },
		{ "armv7eb-linux-gnueabi", "armeb" },
		{ "i586-pc-linux-gnu", "i386" },
		{ "mips64el-linux-gnuabi64", "mips64el" },
		{ "mipsisa32r6el-linux-gnu", "mipsr6el" },
		{ "hppa-linux-gnu", "parisc" },
		{ "riscv64-unknown-elf", "riscv64" },
		{ "sh4-linux-gnu", "sh" },
		{ "or1k-elf", "openrisc" },
		{ "x86-64", "x86_64" },
	};
	struct kh_embed_target t;
	struct kh_error e;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		cr_assert_eq(kh_embed_target_parse(cases[i].in, &t, &e), 0,
			     "%s: %s", cases[i].in, e.msg);
		cr_assert_str_eq(t.name, cases[i].out, "%s", cases[i].in);
	}
}

Test(archtab, unknown_ambiguous_and_non_elf_names_are_refused)
{
	struct kh_embed_target t;
	struct kh_error e;

	cr_assert_eq(kh_embed_target_parse("vax", &t, &e), -EINVAL);
	cr_assert(strstr(e.msg, "unknown target 'vax'"));
	cr_assert_eq(kh_embed_target_parse("x86", &t, &e), -EINVAL);
	cr_assert(strstr(e.msg, "ambiguous"));
	cr_assert_eq(kh_embed_target_parse("x86_64-w64-mingw32", &t, &e),
		     -EINVAL);
	cr_assert_eq(kh_embed_target_parse("pdp11-linux-gnu", &t, &e),
		     -EINVAL);
	cr_assert(strstr(e.msg, "unknown CPU 'pdp11'"));
	cr_assert_eq(kh_embed_target_parse("", &t, &e), -EINVAL);
}

Test(archtab, every_name_and_alias_is_unique_and_parses_to_its_entry)
{
	const struct kh_embed_arch *a, *b;
	struct kh_embed_target t;
	struct kh_error e;
	size_t i, j;

	for (i = 0; (a = kh_embed_arch_at(i)); i++) {
		cr_assert_eq(kh_embed_target_parse(a->target.name, &t, &e), 0);
		cr_assert_eq(memcmp(&t, &a->target, sizeof(t)), 0);
		for (j = i + 1; (b = kh_embed_arch_at(j)); j++)
			cr_assert_str_neq(a->target.name, b->target.name);
	}
	cr_assert_geq(i, 25);
}

Test(elfobj, layout_is_fixed_for_little_endian_64)
{
	struct kh_buf in = xz_of("hello kernel headers"), out;
	const uint8_t *p;

	out = embed_for("x86_64", &in, NULL);
	p = out.data;
	cr_assert_eq(memcmp(p, ELFMAG, SELFMAG), 0);
	cr_assert_eq(p[EI_CLASS], ELFCLASS64);
	cr_assert_eq(p[EI_DATA], ELFDATA2LSB);
	cr_assert_eq(p[16], ET_REL);
	cr_assert_eq(p[18], EM_X86_64);
	cr_assert_eq(memcmp(p + 64, "IKHD_ST", 7), 0);
	cr_assert_eq(memcmp(p + 71, in.data, in.len), 0);
	cr_assert_eq(memcmp(p + 71 + in.len, "IKHD_ED", 7), 0);
	kh_buf_release(&out);
	kh_buf_release(&in);
}

Test(elfobj, big_endian_fields_are_written_big_endian)
{
	struct kh_buf in = xz_of("big endian"), out;
	char *name;
	GElf_Sym s;

	out = embed_for("s390x", &in, NULL);
	cr_assert_eq(out.data[EI_DATA], ELFDATA2MSB);
	cr_assert_eq(out.data[18], 0);
	cr_assert_eq(out.data[19], EM_S390);
	read_sym(&out, ELFOBJ_SYM_START, &s, &name);
	cr_assert_str_eq(name, "kernel_headers_data");
	cr_assert_eq(s.st_value, 7);
	cr_assert_eq(s.st_size, in.len);
	cr_assert_eq(GELF_ST_TYPE(s.st_info), STT_OBJECT);
	cr_assert_eq(GELF_ST_BIND(s.st_info), STB_GLOBAL);
	free(name);
	read_sym(&out, ELFOBJ_SYM_END, &s, &name);
	cr_assert_str_eq(name, "kernel_headers_data_end");
	cr_assert_eq(s.st_value, 7 + in.len);
	cr_assert_eq(s.st_size, 0);
	free(name);
	kh_buf_release(&out);
	kh_buf_release(&in);
}

Test(elfobj, elf32_targets_get_32_bit_headers)
{
	struct kh_buf in = xz_of("thirty-two"), out;
	const uint8_t *p;

	out = embed_for("sparc", &in, NULL);
	p = out.data;
	cr_assert_eq(p[EI_CLASS], ELFCLASS32);
	cr_assert_eq(p[19], EM_SPARC);
	cr_assert_eq(memcmp(p + 52, "IKHD_ST", 7), 0, "data right after the 52-byte header");
	kh_buf_release(&out);
	kh_buf_release(&in);
}

Test(elfobj, same_input_same_bytes)
{
	struct kh_buf in = xz_of("deterministic"), a, b;

	a = embed_for("mips64", &in, NULL);
	b = embed_for("mips64", &in, NULL);
	cr_assert_eq(a.len, b.len);
	cr_assert_eq(memcmp(a.data, b.data, a.len), 0);
	kh_buf_release(&a);
	kh_buf_release(&b);
	kh_buf_release(&in);
}

Test(elfobj, like_copies_the_header_fields)
{
	struct kh_buf in = xz_of("like"), ref, out;
	struct kh_embed_target want, got;
	struct kh_error e;

	cr_assert_eq(kh_embed_target_parse("parisc64", &want, &e), 0);
	ref = embed_for("parisc64", &in, NULL);
	cr_assert_eq(kh_embed_target_from_object(ref.data, ref.len, "ref.o",
						 &got, &e), 0, "%s", e.msg);
	cr_assert_str_eq(got.name, "ref.o");
	cr_assert_eq(got.elf_class, want.elf_class);
	cr_assert_eq(got.data, want.data);
	cr_assert_eq(got.osabi, want.osabi);
	cr_assert_eq(got.abiversion, want.abiversion);
	cr_assert_eq(got.machine, want.machine);
	cr_assert_eq(got.flags, want.flags);
	kh_buf_init(&out);
	cr_assert_eq(kh_embed_elf(in.data, in.len, "in", &got, NULL, &out, &e),
		     0);
	cr_assert_eq(out.len, ref.len);
	cr_assert_eq(memcmp(out.data, ref.data, ref.len), 0);
	kh_buf_release(&out);
	kh_buf_release(&ref);
	kh_buf_release(&in);
}

Test(elfobj, like_refuses_what_is_not_a_relocatable_object)
{
	struct kh_buf in = xz_of("x"), ref;
	struct kh_embed_target t;
	struct kh_error e;

	cr_assert_eq(kh_embed_target_from_object("hello", 5, "t.txt", &t, &e),
		     -EINVAL);
	cr_assert(strstr(e.msg, "'t.txt' is not a relocatable ELF object"));
	cr_assert_eq(kh_embed_target_from_object("!<arch>\nxx", 10, "l.a", &t,
						 &e), -EINVAL);
	cr_assert(strstr(e.msg, "ar archive"));
	ref = embed_for("x86_64", &in, NULL);
	ref.data[16] = ET_EXEC;
	cr_assert_eq(kh_embed_target_from_object(ref.data, ref.len, "a.out",
						 &t, &e), -EINVAL);
	cr_assert(strstr(e.msg, "'a.out' is an executable"), "%s", e.msg);
	kh_buf_release(&ref);
	kh_buf_release(&in);
}

Test(elfobj, payload_must_be_a_complete_xz_stream_unless_raw)
{
	struct kh_embed_opts raw = { .raw = true };
	struct kh_buf in = xz_of("payload");
	struct kh_error e;
	uint8_t padded[512];

	cr_assert_eq(kh_embed_check_payload(in.data, in.len, "a", NULL, &e), 0);
	cr_assert_eq(kh_embed_check_payload("", 0, "e", NULL, &e), -EINVAL);
	cr_assert(strstr(e.msg, "'e' is empty"));
	cr_assert_eq(kh_embed_check_payload("", 0, "e", &raw, &e), 0);
	cr_assert_eq(kh_embed_check_payload("text", 4, "t", NULL, &e), -EINVAL);
	cr_assert(strstr(e.msg, "not a complete xz stream"));
	cr_assert_eq(kh_embed_check_payload(in.data, in.len - 1, "c", NULL, &e),
		     -EINVAL);
	cr_assert_leq(in.len + 8, sizeof(padded));
	memcpy(padded, in.data, in.len);
	memset(padded + in.len, 0, 8);
	cr_assert_eq(kh_embed_check_payload(padded, in.len + 8, "p", NULL, &e),
		     0, "stream padding is part of the format");
	kh_buf_release(&in);
}

Test(elfobj, names_are_checked)
{
	struct kh_embed_opts o = { .symbol = "9lives" };
	struct kh_buf in = xz_of("n"), out;
	struct kh_embed_target t;
	struct kh_error e;

	cr_assert(elfobj_valid_symbol("kernel_headers_data"));
	cr_assert(elfobj_valid_symbol("_x.y"));
	cr_assert_not(elfobj_valid_symbol("a b"));
	cr_assert_not(elfobj_valid_symbol(""));
	cr_assert(elfobj_valid_section(".rodata.kheaders"));
	cr_assert_not(elfobj_valid_section(".note.GNU-stack"));
	cr_assert_not(elfobj_valid_section(".rodata,\"awx\""));
	kh_embed_target_parse("arm64", &t, &e);
	kh_buf_init(&out);
	cr_assert_eq(kh_embed_elf(in.data, in.len, "in", &t, &o, &out, &e),
		     -EINVAL);
	cr_assert_eq(out.len, 0);
	kh_buf_release(&in);
}

Test(elfobj, asm_source_quotes_the_path_and_names_the_symbols)
{
	struct kh_embed_opts o = { .section = ".kh", .symbol = "blob" };
	struct kh_buf out;
	struct kh_error e;
	char *s;

	kh_buf_init(&out);
	cr_assert_eq(kh_embed_asm("a \"b\"\\c\n.xz", &o, &out, &e), 0);
	cr_assert_eq(kh_buf_append(&out, "", 1), 0);
	s = (char *)out.data;
	cr_assert(strstr(s, "\t.incbin \"a \\042b\\042\\134c\\012.xz\"\n"), "%s", s);
	cr_assert(strstr(s, "\t.section .kh, \"a\", %progbits\n"));
	cr_assert(strstr(s, "\t.ascii \"IKHD_ST\"\n\t.globl blob\n"));
	cr_assert(strstr(s, "\t.size blob, blob_end - blob\n"));
	cr_assert(strstr(s, "\t.size blob_end, 0\n\t.ascii \"IKHD_ED\"\n"));
	cr_assert(strstr(s, ".note.GNU-stack"));
	kh_buf_release(&out);
}
