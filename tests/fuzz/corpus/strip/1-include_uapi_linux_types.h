/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#ifndef _UAPI_FIXTURE_TYPES_H
#define _UAPI_FIXTURE_TYPES_H
typedef unsigned int __fixture_u32;	/* 32 bits */
#endif
