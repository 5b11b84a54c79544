// SPDX-License-Identifier: GPL-2.0
/*
 * archtab.c - the kernel architectures `kheaders embed --target` knows: for
 * each, the ELF class, byte order, machine, OS ABI and header flags that a
 * data-only object must carry to link into that architecture's kernel
 * without a flag-mismatch error or warning.  Targets are named the way the
 * kernel names them (ARCH/SRCARCH, with a suffix where the kernel needs
 * CONFIG_64BIT or CONFIG_CPU_BIG_ENDIAN to decide) or by a GNU triplet,
 * whose first field selects the CPU.  Flags follow the kernel's ABI, not the
 * userland default of a toolchain: RISC-V and LoongArch kernels are built
 * soft-float, whatever the triplet says.  The build's ARCH to SRCARCH map
 * lives here too.
 */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "archtab.h"
#include "error.h"
#include "util.h"

#ifndef EM_ARC_COMPACT2
#define EM_ARC_COMPACT2 195
#endif
#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif

#define ARC_OSABI_V4	0x400	/* E_ARC_OSABI_V4 */
#define ARC_CPU_ARC700	0x3	/* E_ARC_MACH_ARC700 */
#define ARC_CPU_HS	0x6	/* EF_ARC_CPU_ARCV2HS */
#define LOONGARCH_LP64S	0x41	/* soft-float base ABI, object ABI v1 */
#define PARISC_1_0	0x020b	/* EFA_PARISC_1_0 */
#define PARISC_2_0_WIDE	0x90214	/* PA 2.0 | EF_PARISC_WIDE | TRAPNIL */
#define SH_SH1		0x1	/* EF_SH1: nothing beyond SH-1 */
#define MIPS_ABI_O32	0x1000	/* E_MIPS_ABI_O32 */
#define MIPS_32R6	0x90000400	/* mips32r6 | EF_MIPS_NAN2008 */
#define MIPS_64R6	0xa0000400	/* mips64r6 | EF_MIPS_NAN2008 */

#define T(n, c, d, m, f)						\
	.target = { .name = n, .elf_class = ELFCLASS##c,		\
		    .data = ELFDATA2##d, .machine = m, .flags = f }

static const struct kh_embed_arch archtab[] = {
	{ T("x86_64", 64, LSB, EM_X86_64, 0), .aliases = "amd64 x86-64",
	  .about = "x86 with CONFIG_64BIT" },
	{ T("i386", 32, LSB, EM_386, 0),
	  .aliases = "x86_32 i486 i586 i686",
	  .about = "x86 without CONFIG_64BIT" },
	{ T("arm64", 64, LSB, EM_AARCH64, 0), .aliases = "aarch64",
	  .about = "little-endian arm64" },
	{ T("arm64be", 64, MSB, EM_AARCH64, 0), .aliases = "aarch64_be",
	  .about = "big-endian arm64 (CONFIG_CPU_BIG_ENDIAN)" },
	{ T("arm", 32, LSB, EM_ARM, EF_ARM_EABI_VER5),
	  .aliases = "armel armhf",
	  .about = "little-endian 32-bit ARM, AEABI (EABI version 5)" },
	{ T("armeb", 32, MSB, EM_ARM, EF_ARM_EABI_VER5),
	  .about = "big-endian 32-bit ARM, AEABI (EABI version 5)" },
	{ T("riscv64", 64, LSB, EM_RISCV, 0), .aliases = "riscv",
	  .about = "64-bit RISC-V, kernel ABI lp64 (soft-float)" },
	{ T("riscv32", 32, LSB, EM_RISCV, 0),
	  .about = "32-bit RISC-V, kernel ABI ilp32 (soft-float)" },
	{ T("powerpc", 32, MSB, EM_PPC, 0), .aliases = "ppc powerpc32",
	  .about = "32-bit big-endian PowerPC" },
	{ T("powerpc64", 64, MSB, EM_PPC64, 0), .aliases = "ppc64",
	  .about = "64-bit big-endian PowerPC, ELF ABI v1 or v2 (left open)" },
	{ T("powerpc64le", 64, LSB, EM_PPC64, 2),
	  .aliases = "ppc64le ppc64el",
	  .about = "64-bit little-endian PowerPC, ELF ABI v2" },
	{ T("s390x", 64, MSB, EM_S390, 0), .aliases = "s390",
	  .about = "64-bit s390 (the kernel has no 31-bit build)" },
	{ T("mips", 32, MSB, EM_MIPS, MIPS_ABI_O32),
	  .aliases = "mips32 mipseb",
	  .about = "32-bit big-endian MIPS, o32, non-PIC" },
	{ T("mipsel", 32, LSB, EM_MIPS, MIPS_ABI_O32),
	  .aliases = "mips32el",
	  .about = "32-bit little-endian MIPS, o32, non-PIC" },
	{ T("mips64", 64, MSB, EM_MIPS, EF_MIPS_ARCH_3),
	  .about = "64-bit big-endian MIPS, n64, MIPS III base ISA" },
	{ T("mips64el", 64, LSB, EM_MIPS, EF_MIPS_ARCH_3),
	  .about = "64-bit little-endian MIPS, n64, MIPS III base ISA" },
	{ T("mipsr6", 32, MSB, EM_MIPS, MIPS_ABI_O32 | MIPS_32R6),
	  .aliases = "mipsisa32r6",
	  .about = "32-bit big-endian MIPS Release 6, o32, nan2008" },
	{ T("mipsr6el", 32, LSB, EM_MIPS, MIPS_ABI_O32 | MIPS_32R6),
	  .aliases = "mipsisa32r6el",
	  .about = "32-bit little-endian MIPS Release 6, o32, nan2008" },
	{ T("mips64r6", 64, MSB, EM_MIPS, MIPS_64R6),
	  .aliases = "mipsisa64r6",
	  .about = "64-bit big-endian MIPS Release 6, n64, nan2008" },
	{ T("mips64r6el", 64, LSB, EM_MIPS, MIPS_64R6),
	  .aliases = "mipsisa64r6el",
	  .about = "64-bit little-endian MIPS Release 6, n64, nan2008" },
	{ T("sparc", 32, MSB, EM_SPARC, 0), .aliases = "sparc32",
	  .about = "32-bit SPARC (V8)" },
	{ T("sparc64", 64, MSB, EM_SPARCV9, EF_SPARCV9_RMO),
	  .aliases = "sparcv9",
	  .about = "64-bit SPARC V9, RMO memory model" },
	{ T("parisc", 32, MSB, EM_PARISC, PARISC_1_0), .aliases = "hppa",
	  .target.osabi = ELFOSABI_GNU,
	  .about = "32-bit PA-RISC (PA 1.0 base), GNU OS ABI" },
	{ T("parisc64", 64, MSB, EM_PARISC, PARISC_2_0_WIDE),
	  .aliases = "hppa64", .target.osabi = ELFOSABI_GNU,
	  .target.abiversion = 1,
	  .about = "64-bit PA-RISC 2.0 (wide), GNU OS ABI version 1" },
	{ T("alpha", 64, LSB, EM_ALPHA, 0),
	  .aliases = "alphaev4 alphaev5 alphaev56 alphaev6 alphaev67",
	  .about = "Alpha (machine 0x9026)" },
	{ T("m68k", 32, MSB, EM_68K, 0),
	  .about = "Motorola 68000 family and ColdFire" },
	{ T("sh", 32, LSB, EM_SH, SH_SH1), .aliases = "sh4 sh3 sh2 superh",
	  .about = "little-endian SuperH (SH-1 base flags)" },
	{ T("sheb", 32, MSB, EM_SH, SH_SH1), .aliases = "sh4eb sh3eb",
	  .about = "big-endian SuperH (SH-1 base flags)" },
	{ T("arc", 32, LSB, EM_ARC_COMPACT2, ARC_OSABI_V4 | ARC_CPU_HS),
	  .aliases = "arcv2 archs",
	  .about = "ARCv2 (HS), ARC OS ABI v4" },
	{ T("arcompact", 32, LSB, EM_ARC_COMPACT,
	    ARC_OSABI_V4 | ARC_CPU_ARC700),
	  .aliases = "arc700",
	  .about = "ARCompact (ARC700), ARC OS ABI v4" },
	{ T("ia64", 64, LSB, EM_IA_64, EF_IA_64_ABI64),
	  .about = "Itanium, 64-bit ABI" },
	{ T("loongarch64", 64, LSB, EM_LOONGARCH, LOONGARCH_LP64S),
	  .aliases = "loongarch",
	  .about = "64-bit LoongArch, kernel ABI lp64s (untested here)" },
	{ T("openrisc", 32, MSB, EM_OPENRISC, 0), .aliases = "or1k",
	  .about = "OpenRISC 1000" },
	{ T("microblaze", 32, MSB, EM_MICROBLAZE, 0),
	  .about = "big-endian MicroBlaze (untested here)" },
	{ T("microblazeel", 32, LSB, EM_MICROBLAZE, 0),
	  .about = "little-endian MicroBlaze (untested here)" },
	{ T("nios2", 32, LSB, EM_ALTERA_NIOS2, 0),
	  .about = "Nios II (untested here)" },
};

#define ARCHTAB_LEN ARRAY_SIZE(archtab)

/* Names that need CONFIG_64BIT or the byte order to mean one target. */
static const struct {
	const char *name;
	const char *choices;
} ambiguous[] = {
	{ "x86", "x86_64 or i386" },
	{ "um", "the host architecture's name" },
};

/* Triplet operating systems whose objects are not ELF. */
static const char *const non_elf_os[] = {
	"mingw", "cygwin", "msys", "windows", "darwin", "macos", "msdos",
	"aix",
};

/* The architecture this program was compiled for, named as in archtab[]. */
static const char *archtab_host(void)
{
#if defined(__x86_64__) && !defined(__ILP32__)
	return "x86_64";
#elif defined(__i386__)
	return "i386";
#elif defined(__aarch64__) && defined(__AARCH64EB__)
	return "arm64be";
#elif defined(__aarch64__)
	return "arm64";
#elif defined(__arm__) && defined(__ARMEB__)
	return "armeb";
#elif defined(__arm__)
	return "arm";
#elif defined(__riscv) && __riscv_xlen == 64
	return "riscv64";
#elif defined(__riscv)
	return "riscv32";
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
	return "powerpc64le";
#elif defined(__powerpc64__)
	return "powerpc64";
#elif defined(__powerpc__)
	return "powerpc";
#elif defined(__s390x__)
	return "s390x";
#elif defined(__mips__) && defined(__mips64) && defined(__MIPSEL__)
	return "mips64el";
#elif defined(__mips__) && defined(__mips64)
	return "mips64";
#elif defined(__mips__) && defined(__MIPSEL__)
	return "mipsel";
#elif defined(__mips__)
	return "mips";
#elif defined(__sparc__) && defined(__arch64__)
	return "sparc64";
#elif defined(__sparc__)
	return "sparc";
#elif defined(__hppa__) && defined(__LP64__)
	return "parisc64";
#elif defined(__hppa__)
	return "parisc";
#elif defined(__alpha__)
	return "alpha";
#elif defined(__m68k__)
	return "m68k";
#elif defined(__sh__) && defined(__BIG_ENDIAN__)
	return "sheb";
#elif defined(__sh__)
	return "sh";
#elif defined(__ia64__)
	return "ia64";
#elif defined(__loongarch__) && __loongarch_grlen == 64
	return "loongarch64";
#else
	return NULL;
#endif
}

/*
 * Names whose kernel SRCARCH (directory under arch/) differs: the ARCH
 * values the top-level Makefile maps (i386 … sh64), then the embed targets
 * that name a width or byte order (riscv64 … loongarch64).
 */
static const char *const srcarch_map[][2] = {
	{ "i386", "x86" }, { "x86_64", "x86" },
	{ "sparc32", "sparc" }, { "sparc64", "sparc" },
	{ "parisc64", "parisc" }, { "sh64", "sh" },
	{ "arm64be", "arm64" }, { "armeb", "arm" },
	{ "riscv64", "riscv" }, { "riscv32", "riscv" },
	{ "powerpc64le", "powerpc" }, { "powerpc64", "powerpc" },
	{ "s390x", "s390" }, { "mips64el", "mips" }, { "mips64", "mips" },
	{ "mipsel", "mips" }, { "sheb", "sh" }, { "loongarch64", "loongarch" },
};

const char *kh_srcarch(const char *arch)
{
	size_t i;

	for (i = 0; arch && i < ARRAY_SIZE(srcarch_map); i++)
		if (!strcmp(arch, srcarch_map[i][0]))
			return srcarch_map[i][1];
	return arch;
}

const char *kh_arch_host_srcarch(void)
{
	const char *name = archtab_host();

	return name ? kh_srcarch(name) : "";
}

const struct kh_embed_arch *kh_embed_arch_at(size_t i)
{
	return i < ARCHTAB_LEN ? &archtab[i] : NULL;
}

static bool in_word_list(const char *list, const char *word, size_t len)
{
	const char *p = list;

	while (p && *p) {
		size_t n = strcspn(p, " ");

		if (n == len && !strncmp(p, word, len))
			return true;
		p += n;
		p += strspn(p, " ");
	}
	return false;
}

static const struct kh_embed_arch *archtab_find(const char *word, size_t len)
{
	size_t i;

	for (i = 0; i < ARCHTAB_LEN; i++) {
		const struct kh_embed_arch *a = &archtab[i];

		if ((strlen(a->target.name) == len &&
		     !strncmp(a->target.name, word, len)) ||
		    in_word_list(a->aliases, word, len))
			return a;
	}
	return NULL;
}

/* GNU CPU fields with a version inside: armv7l, armv6eb, i686, ... */
static const char *archtab_cpu_family(const char *cpu, size_t len)
{
	if (len == 4 && cpu[0] == 'i' && cpu[1] >= '3' && cpu[1] <= '9' &&
	    !strncmp(cpu + 2, "86", 2))
		return "i386";
	if (len > 3 && !strncmp(cpu, "arm", 3) && strncmp(cpu, "arm64", 5)) {
		if (len > 5 && !strncmp(cpu + len - 2, "eb", 2))
			return "armeb";
		return "arm";
	}
	return NULL;
}

static int archtab_triplet(const char *name, struct kh_embed_target *t,
			   struct kh_error *err)
{
	const struct kh_embed_arch *a;
	const char *family;
	size_t len = strcspn(name, "-");
	size_t i;

	for (i = 0; i < ARRAY_SIZE(non_elf_os); i++)
		if (strstr(name + len, non_elf_os[i]))
			return kh_err(err, EINVAL,
				      "target '%s' does not use ELF objects",
				      name);
	a = archtab_find(name, len);
	if (!a) {
		family = archtab_cpu_family(name, len);
		if (family)
			a = archtab_find(family, strlen(family));
	}
	if (!a)
		return kh_err(err, EINVAL,
			      "unknown CPU '%.*s' in target '%s' (see 'kheaders embed --list-targets')",
			      (int)len, name, name);
	*t = a->target;
	return 0;
}

int kh_embed_target_parse(const char *name, struct kh_embed_target *t,
			  struct kh_error *err)
{
	const struct kh_embed_arch *a;
	size_t i;

	if (!name || !*name)
		return kh_err(err, EINVAL, "empty target name");
	if (!strcmp(name, "host")) {
		name = archtab_host();
		if (!name)
			return kh_err(err, EINVAL,
				      "this host's architecture is not in the target table: use --target or --like");
	}
	for (i = 0; i < ARRAY_SIZE(ambiguous); i++)
		if (!strcmp(name, ambiguous[i].name))
			return kh_err(err, EINVAL,
				      "target '%s' is ambiguous: say %s",
				      name, ambiguous[i].choices);
	if (strchr(name, '-') && strcmp(name, "x86-64"))
		return archtab_triplet(name, t, err);
	a = archtab_find(name, strlen(name));
	if (!a)
		return kh_err(err, EINVAL,
			      "unknown target '%s' (see 'kheaders embed --list-targets')",
			      name);
	*t = a->target;
	return 0;
}

