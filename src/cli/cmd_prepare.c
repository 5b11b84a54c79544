// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_prepare.c - "kheaders prepare": the running kernel's headers,
 * unpacked once into a checked cache, for tracers (bcc, bpftrace, ...).
 * Prints the directory, or the compiler flags that use it; --gc removes
 * the trees no installed kernel has any more.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char prepare_usage[] =
	"usage: kheaders prepare [--from auto|sysfs|module|image|FILE] [--cache-dir DIR]\n"
	"                        [--print-flags] [-v]\n"
	"       kheaders prepare --modules [--from SOURCE] [--kernel-image FILE]\n"
	"                        [--kernel-modules DIR|none] [--cache-dir DIR] [-v]\n"
	"       kheaders prepare --gc [--cache-dir DIR] [-v]\n"
	"\n"
	"Unpack the running kernel's headers archive once into DIR/<sha256> and\n"
	"print that directory.  Sources, in order: /sys/kernel/kheaders.tar.xz;\n"
	"'modprobe kheaders' (unloaded again afterwards); /boot/vmlinuz-$(uname -r),\n"
	"/lib/modules/$(uname -r)/vmlinuz and its kheaders.ko.\n"
	"\n"
	"      --from SOURCE    auto (default), sysfs, module, image, or a file\n"
	"                       (tar.xz, vmlinux, bzImage, module) to take it from\n"
	"      --cache-dir DIR  cache root (default: /var/cache/kheaders for root,\n"
	"                       else $XDG_CACHE_HOME/kheaders or ~/.cache/kheaders)\n"
	"      --print-flags    print the clang flags instead: -include kconfig.h,\n"
	"                       -D__KERNEL__, the arch, generated and uapi dirs\n"
	"      --modules        prepare a kit to build modules with (the archive must\n"
	"                       be of the modules profile): its host programs built\n"
	"                       with $HOSTCC (cc), Module.symvers from the kernel\n"
	"                       image; print its directory, for make -C DIR M=$PWD\n"
	"      --kernel-image FILE  the image for Module.symvers (default: the source\n"
	"                       when it is an image, else /boot/vmlinuz-R or\n"
	"                       /lib/modules/R/vmlinuz for the archive's release R)\n"
	"      --kernel-modules DIR  modules whose exports join (default: /lib/modules/R\n"
	"                       with an installed image; 'none' for none)\n"
	"      --gc             remove cached trees no installed kernel has\n"
	"  -v, --verbose        say where the archive came from and what was done\n"
	"  -h, --help           show this help\n";

enum {
	OPT_FROM = 256, OPT_CACHE_DIR, OPT_PRINT_FLAGS, OPT_GC, OPT_MODULES,
	OPT_KERNEL_IMAGE, OPT_KERNEL_MODULES,
};

static const struct option prepare_options[] = {
	{ "from", required_argument, NULL, OPT_FROM },
	{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
	{ "print-flags", no_argument, NULL, OPT_PRINT_FLAGS },
	{ "gc", no_argument, NULL, OPT_GC },
	{ "modules", no_argument, NULL, OPT_MODULES },
	{ "kernel-image", required_argument, NULL, OPT_KERNEL_IMAGE },
	{ "kernel-modules", required_argument, NULL, OPT_KERNEL_MODULES },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct prepare_args {
	struct kh_prepare_opts opts;
	struct kh_prepare_modules_opts mo;
	bool print_flags, gc, verbose, modules;
};

static void prepare_from(struct prepare_args *a, const char *arg)
{
	int i;

	for (i = KH_PREPARE_AUTO; i < KH_PREPARE_FILE; i++)
		if (!strcmp(arg, kh_prepare_from_name(i))) {
			a->opts.from = i;
			return;
		}
	a->opts.from = KH_PREPARE_FILE;
	a->opts.file = arg;
}

static int prepare_parse(int argc, char **argv, struct prepare_args *a)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "vh", prepare_options,
				NULL)) != -1) {
		switch (c) {
		case OPT_FROM:
			prepare_from(a, optarg);
			break;
		case OPT_CACHE_DIR:
			a->opts.cache_dir = optarg;
			break;
		case OPT_PRINT_FLAGS:
			a->print_flags = true;
			break;
		case OPT_GC:
			a->gc = true;
			break;
		case OPT_MODULES:
			a->modules = true;
			break;
		case OPT_KERNEL_IMAGE:
			a->mo.kernel_image = optarg;
			break;
		case OPT_KERNEL_MODULES:
			a->mo.modules = strcmp(optarg, "none") ? optarg : "";
			break;
		case 'v':
			a->verbose = true;
			break;
		case 'h':
			fputs(prepare_usage, stdout);
			return -1;
		default:
			fputs(prepare_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc)
		return cli_usage_error(prepare_usage, "too many arguments");
	if (a->gc + a->print_flags + a->modules > 1)
		return cli_usage_error(prepare_usage,
				       "--gc, --print-flags and --modules are mutually exclusive");
	if (!a->modules && (a->mo.kernel_image || a->mo.modules))
		return cli_usage_error(prepare_usage,
				       "--kernel-image and --kernel-modules need --modules");
	return 0;
}

/* The fake roots of the tests (and of a system image mounted elsewhere). */
static void prepare_env(struct kh_prepare_opts *o)
{
	o->root = secure_getenv("KHEADERS_ROOT");
	o->release = secure_getenv("KHEADERS_RELEASE");
	o->modprobe = secure_getenv("KHEADERS_MODPROBE");
}

/* The compilers, as make would take them from the environment. */
static void prepare_modules_env(struct kh_prepare_modules_opts *mo)
{
	mo->hostcc = secure_getenv("HOSTCC");
	mo->cc = secure_getenv("CC");
	mo->cross_compile = secure_getenv("CROSS_COMPILE");
}

static void prepare_note(void *ctx, const char *msg)
{
	if (*(bool *)ctx)
		fprintf(stderr, "kheaders: %s\n", msg);
}

static int prepare_gc(struct prepare_args *a)
{
	struct kh_prepare_gc_result res;
	struct kh_error err;

	if (kh_prepare_gc(&a->opts, &res, &err))
		return cli_fail(&err);
	printf("removed %zu cached tree(s), kept %zu, left %zu unrecognised\n",
	       res.removed, res.kept, res.foreign);
	return 0;
}

static void prepare_print(const struct prepare_args *a,
			  const struct kh_prepare_result *res)
{
	size_t i;

	if (a->verbose)
		fprintf(stderr, "kheaders: '%s' (%s, sha256 %.12s): %s '%s'\n",
			res->source, kh_prepare_from_name(res->from), res->sha256,
			res->unpacked ? "unpacked into" : "using", res->dir);
	if (res->replaced)
		cli_warn("replaced a damaged or foreign cache entry at '%s'",
			 res->dir);
	if (!a->print_flags) {
		printf("%s\n", res->dir);
		return;
	}
	for (i = 0; i < res->nr_flags; i++)
		printf("%s%s", i ? " " : "", res->flags[i]);
	printf("\n");
}

static void modules_print(const struct prepare_args *a,
			  const struct kh_prepare_modules_result *res)
{
	if (a->verbose)
		fprintf(stderr, "kheaders: kit for %s (ARCH=%s, kernel compiled by %s%s%s%s), Module.symvers %zu symbols from '%s' and %zu module file(s): %s '%s'\n",
			res->release, res->arch, res->cc_version_text,
			res->clang ? ", Clang" : "", res->lto ? ", LTO" : "",
			res->cfi ? ", CFI" : "", res->symbols,
			res->image ? res->image : "(none)", res->modules,
			res->unpacked ? "made" : "using", res->dir);
	if (res->replaced)
		cli_warn("replaced a damaged or foreign cache entry at '%s'",
			 res->dir);
	if (!res->image)
		cli_warn("no kernel image of %s found (give --kernel-image): the kit has no Module.symvers, so modules get no symbol versions and modpost warns",
			 res->release);
	if (res->clang && a->verbose)
		fprintf(stderr, "kheaders: a Clang kernel: build with make LLVM=1\n");
	printf("%s\n", res->dir);
}

static int prepare_modules(struct prepare_args *a)
{
	struct kh_prepare_modules_result res;
	struct kh_error err;

	prepare_modules_env(&a->mo);
	kh_prepare_modules_result_init(&res);
	if (kh_prepare_modules(&a->opts, &a->mo, &res, &err))
		return cli_fail(&err);
	modules_print(a, &res);
	kh_prepare_modules_result_release(&res);
	return 0;
}

int cmd_prepare(int argc, char **argv)
{
	struct prepare_args a = { .print_flags = false };
	struct kh_prepare_result res;
	struct kh_error err;
	int ret;

	kh_prepare_opts_init(&a.opts);
	kh_prepare_modules_opts_init(&a.mo);
	ret = prepare_parse(argc, argv, &a);
	if (ret)
		return ret < 0 ? 0 : ret;
	prepare_env(&a.opts);
	a.opts.note = prepare_note;
	a.opts.note_ctx = &a.verbose;
	if (a.gc)
		return prepare_gc(&a);
	if (a.modules)
		return prepare_modules(&a);
	kh_prepare_result_init(&res);
	if (kh_prepare(&a.opts, &res, &err))
		return cli_fail(&err);
	if (a.print_flags && !res.arch)
		cli_warn("'%s' has no arch/*/include: flags without arch directories",
			 res.dir);
	prepare_print(&a, &res);
	kh_prepare_result_release(&res);
	return 0;
}
