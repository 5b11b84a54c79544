// SPDX-License-Identifier: GPL-2.0
/*
 * kh_use - the importing half of the external module pair the module cells
 * build from a kit (tests/e2e/lib-modload.sh): it calls kh_exp's export and
 * one of vmlinux's, so loading it checks both symbol versions its
 * __versions records, and prints a line whose value needs both calls.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/printk.h>
#include "kh_exp.h"

static int __init kh_use_init(void)
{
	int n, ret;

	ret = kstrtoint("7", 10, &n);
	if (ret)
		return ret;
	pr_warn("kh_exp_answer(%d) = %d\n", n, kh_exp_answer(n));
	return 0;
}
module_init(kh_use_init);

static void __exit kh_use_exit(void)
{
}
module_exit(kh_use_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kheaders e2e: an external module that uses kh_exp and vmlinux");
