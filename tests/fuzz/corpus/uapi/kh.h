/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#ifndef _UAPI_LINUX_KH_H
#define _UAPI_LINUX_KH_H
#include <linux/compiler.h>
struct kh { int a; } __packed;
int kh_read(void __user *p);
static inline int f(void) { asm volatile(""); return 0; }
#ifdef __KERNEL__
int k;
#else
int u;
#endif
#if 0
int z;
#endif
#endif /* _UAPI_LINUX_KH_H */
