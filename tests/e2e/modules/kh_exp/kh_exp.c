// SPDX-License-Identifier: GPL-2.0
/*
 * kh_exp - the exporting half of the external module pair the module cells
 * build from a kit (tests/e2e/lib-modload.sh).  Its export gets a version
 * from genksyms run out of the kit, which kh_use's __versions must then
 * carry for the guest kernel to resolve it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>
#include "kh_exp.h"

int kh_exp_answer(int x)
{
	return 42 ^ x;
}
EXPORT_SYMBOL_GPL(kh_exp_answer);

static int __init kh_exp_init(void)
{
	pr_warn("exports kh_exp_answer\n");
	return 0;
}
module_init(kh_exp_init);

static void __exit kh_exp_exit(void)
{
}
module_exit(kh_exp_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kheaders e2e: an external module that exports a symbol");
