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
	"      --gc             remove cached trees no installed kernel has\n"
	"  -v, --verbose        say where the archive came from and what was done\n"
	"  -h, --help           show this help\n";

enum { OPT_FROM = 256, OPT_CACHE_DIR, OPT_PRINT_FLAGS, OPT_GC };

static const struct option prepare_options[] = {
	{ "from", required_argument, NULL, OPT_FROM },
	{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
	{ "print-flags", no_argument, NULL, OPT_PRINT_FLAGS },
	{ "gc", no_argument, NULL, OPT_GC },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct prepare_args {
	struct kh_prepare_opts opts;
	bool print_flags, gc, verbose;
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
	if (a->gc && a->print_flags)
		return cli_usage_error(prepare_usage,
				       "--gc and --print-flags are mutually exclusive");
	return 0;
}

/* The fake roots of the tests (and of a system image mounted elsewhere). */
static void prepare_env(struct kh_prepare_opts *o)
{
	o->root = secure_getenv("KHEADERS_ROOT");
	o->release = secure_getenv("KHEADERS_RELEASE");
	o->modprobe = secure_getenv("KHEADERS_MODPROBE");
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

int cmd_prepare(int argc, char **argv)
{
	struct prepare_args a = { .print_flags = false };
	struct kh_prepare_result res;
	struct kh_error err;
	int ret;

	kh_prepare_opts_init(&a.opts);
	ret = prepare_parse(argc, argv, &a);
	if (ret)
		return ret < 0 ? 0 : ret;
	prepare_env(&a.opts);
	a.opts.note = prepare_note;
	a.opts.note_ctx = &a.verbose;
	if (a.gc)
		return prepare_gc(&a);
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
