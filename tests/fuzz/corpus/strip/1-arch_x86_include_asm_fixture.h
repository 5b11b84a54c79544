/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_FIXTURE_H
#define _ASM_X86_FIXTURE_H
#include <asm/unistd.h>
#define CC_SET(c) "\n\t/* output condition code " #c "*/\n"
#endif
