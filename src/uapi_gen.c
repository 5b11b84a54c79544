// SPDX-License-Identifier: GPL-2.0
/*
 * uapi_gen.c - what `make headers_install` does differently from one kernel
 * generation to the next, as data: an archive holds no scripts, so kheaders
 * carries this knowledge and picks it by the LINUX_VERSION_CODE of the
 * headers' own linux/version.h.  Learnt from each release's
 * scripts/headers_install.sh and top Makefile (6.1.192, 6.12.118, 7.2.13);
 * a generation not listed here is refused, never guessed.  Which headers
 * are exported (include/uapi/Kbuild: linux/a.out.h, linux/kvm.h and
 * linux/kvm_para.h only where the architecture has its asm/ counterpart)
 * is the same in all of them and lives in uapi.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "util.h"
#include "uapi.h"

/* config_leak_ignores of 6.1's scripts/headers_install.sh */
static const char *const leaks_6_1[] = {
	"arch/arc/include/uapi/asm/page.h:CONFIG_ARC_PAGE_SIZE_16K",
	"arch/arc/include/uapi/asm/page.h:CONFIG_ARC_PAGE_SIZE_4K",
	"arch/arc/include/uapi/asm/swab.h:CONFIG_ARC_HAS_SWAPE",
	"arch/arm/include/uapi/asm/ptrace.h:CONFIG_CPU_ENDIAN_BE8",
	"arch/hexagon/include/uapi/asm/ptrace.h:CONFIG_HEXAGON_ARCH_VERSION",
	"arch/hexagon/include/uapi/asm/user.h:CONFIG_HEXAGON_ARCH_VERSION",
	"arch/ia64/include/uapi/asm/cmpxchg.h:CONFIG_IA64_DEBUG_CMPXCHG",
	"arch/m68k/include/uapi/asm/ptrace.h:CONFIG_COLDFIRE",
	"arch/nios2/include/uapi/asm/swab.h:CONFIG_NIOS2_CI_SWAB_NO",
	"arch/nios2/include/uapi/asm/swab.h:CONFIG_NIOS2_CI_SWAB_SUPPORT",
	"arch/x86/include/uapi/asm/auxvec.h:CONFIG_IA32_EMULATION",
	"arch/x86/include/uapi/asm/auxvec.h:CONFIG_X86_64",
	"arch/x86/include/uapi/asm/mman.h:CONFIG_X86_INTEL_MEMORY_PROTECTION_KEYS",
	"include/uapi/linux/atmdev.h:CONFIG_COMPAT",
	"include/uapi/linux/eventpoll.h:CONFIG_PM_SLEEP",
	"include/uapi/linux/hw_breakpoint.h:CONFIG_HAVE_MIXED_BREAKPOINTS_REGS",
	"include/uapi/linux/pktcdvd.h:CONFIG_CDROM_PKTCDVD_WCACHE",
	NULL
};

/* ... and of 6.12's */
static const char *const leaks_6_12[] = {
	"arch/arc/include/uapi/asm/page.h:CONFIG_ARC_PAGE_SIZE_16K",
	"arch/arc/include/uapi/asm/page.h:CONFIG_ARC_PAGE_SIZE_4K",
	"arch/arc/include/uapi/asm/swab.h:CONFIG_ARC_HAS_SWAPE",
	"arch/arm/include/uapi/asm/ptrace.h:CONFIG_CPU_ENDIAN_BE8",
	"arch/nios2/include/uapi/asm/swab.h:CONFIG_NIOS2_CI_SWAB_NO",
	"arch/nios2/include/uapi/asm/swab.h:CONFIG_NIOS2_CI_SWAB_SUPPORT",
	"arch/x86/include/uapi/asm/auxvec.h:CONFIG_IA32_EMULATION",
	"arch/x86/include/uapi/asm/auxvec.h:CONFIG_X86_64",
	NULL
};

static const struct kh_uapi_gen uapi_gens[] = {
	{
		.name = "6.1", .version = 6, .patchlevel = 1,
		.drop_compiler_types = true,
		.leak_ignores = leaks_6_1,
	},
	{
		.name = "6.12", .version = 6, .patchlevel = 12,
		.drop_compiler_types = true,
		.leak_ignores = leaks_6_12,
	},
	{
		.name = "7.2", .version = 7, .patchlevel = 2,
		.um_subarch = true,
	},
};

const struct kh_uapi_gen *kh_uapi_gen_find(unsigned int code)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(uapi_gens); i++)
		if ((code >> 16) == uapi_gens[i].version &&
		    ((code >> 8) & 0xff) == uapi_gens[i].patchlevel)
			return &uapi_gens[i];
	return NULL;
}

int kh_uapi_version_code(const char *text, size_t len, unsigned int *code)
{
	static const char def[] = "#define LINUX_VERSION_CODE";
	const char *p = memmem(text, len, def, sizeof(def) - 1);
	const char *end = text + len;
	unsigned long v = 0;

	if (!p)
		return -EINVAL;
	p += sizeof(def) - 1;
	if (p == end || (*p != ' ' && *p != '\t'))
		return -EINVAL;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p < '0' || *p > '9')
		return -EINVAL;
	while (p < end && *p >= '0' && *p <= '9' && v <= 0xffffff)
		v = v * 10 + (*p++ - '0');
	if (v > 0xffffff || (p < end && *p != '\n' && *p != ' ' &&
			     *p != '\t' && *p != '\r'))
		return -EINVAL;
	*code = v;
	return 0;
}
