// SPDX-License-Identifier: GPL-2.0
/*
 * version.c - what a reproducibility claim names: this library's version
 * and the liblzma it runs with (the bytes of an xz stream depend on both).
 */
#include <lzma.h>

#include "kheaders.h"

const char *kh_version(void)
{
	return KH_VERSION;
}

const char *kh_lzma_version(void)
{
	return lzma_version_string();
}
