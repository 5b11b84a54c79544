// SPDX-License-Identifier: GPL-2.0
/*
 * Serve the kernel headers archive as /sys/kernel/kheaders.tar.xz, for
 * building eBPF tracing programs and the like against the running kernel.
 *
 * The archive is not part of this file: kheaders writes it into
 * kheaders_data.o, between the symbols kernel_headers_data and
 * kernel_headers_data_end, and Kbuild links both objects into kheaders.o
 * (built in, or the module kheaders.ko).  Installed into a kernel tree as
 * kernel/kheaders_sysfs.c by kheaders' kbuild/install-into-tree.
 *
 * The binary attribute's read callback changed type twice (6.13 added a
 * const read_new, 6.17 made read itself const).  Kernels that have
 * __BIN_ATTR_SIMPLE_RO (6.10 and later) get sysfs' own buffer reader,
 * whose type always matches the kernel it is built for; older ones get
 * kheaders_read() below.  Either way every read is bounded by the archive
 * size: sysfs clamps offset and length to attr->size before calling back.
 */

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/kobject.h>
#include <linux/init.h>
#include <linux/string.h>
#include <linux/sysfs.h>

/* Arrays, not chars: FORTIFY_SOURCE must see the bounds of what is read. */
extern const char kernel_headers_data[];
extern const char kernel_headers_data_end[];

static size_t kheaders_size(void)
{
	return kernel_headers_data_end - kernel_headers_data;
}

#ifdef __BIN_ATTR_SIMPLE_RO

static struct bin_attribute kheaders_attr __ro_after_init =
	__BIN_ATTR_SIMPLE_RO(kheaders.tar.xz, 0444);

#else /* before 6.10: our own reader, with the read signature of its day */

static ssize_t kheaders_read(struct file *file, struct kobject *kobj,
			     struct bin_attribute *bin_attr,
			     char *buf, loff_t off, size_t len)
{
	size_t size = kheaders_size();

	if (off < 0 || (u64)off >= size)
		return 0;
	len = min_t(size_t, len, size - off);
	memcpy(buf, kernel_headers_data + off, len);
	return len;
}

static struct bin_attribute kheaders_attr __ro_after_init = {
	.attr = {
		.name = "kheaders.tar.xz",
		.mode = 0444,
	},
	.read = &kheaders_read,
};

#endif

static int __init kheaders_init(void)
{
	/* sysfs_bin_attr_simple_read() reads from .private */
	kheaders_attr.private = (void *)kernel_headers_data;
	kheaders_attr.size = kheaders_size();
	return sysfs_create_bin_file(kernel_kobj, &kheaders_attr);
}

static void __exit kheaders_exit(void)
{
	sysfs_remove_bin_file(kernel_kobj, &kheaders_attr);
}

module_init(kheaders_init);
module_exit(kheaders_exit);

MODULE_LICENSE("GPL v2");
MODULE_AUTHOR("Joel Fernandes");
MODULE_DESCRIPTION("Echo the kernel header artifacts used to build the kernel");
