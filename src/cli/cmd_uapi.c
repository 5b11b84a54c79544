// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_uapi.c - "kheaders uapi": the user-space API headers, as `make
 * headers_install` writes them, from a source and object tree, or from a
 * headers archive found the way `prepare` finds it (the running kernel, an
 * image, a module or a file), unpacked into prepare's checked cache first.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char uapi_usage[] =
	"usage: kheaders uapi --srctree DIR [--objtree DIR] --arch ARCH -o DIR\n"
	"                     [--force] [--keep-going] [-v]\n"
	"       kheaders uapi --from auto|sysfs|module|image|FILE [--cache-dir DIR]\n"
	"                     -o DIR [--force] [--keep-going] [-v]\n"
	"\n"
	"Write DIR/include as 'make headers_install INSTALL_HDR_PATH=DIR' does.\n"
	"\n"
	"      --srctree DIR    the kernel source tree\n"
	"      --objtree DIR    the object tree with the generated UAPI headers\n"
	"                       ('make headers'); default: the source tree\n"
	"      --arch ARCH      the architecture (ARCH or SRCARCH)\n"
	"      --from SOURCE    a headers archive instead of trees: auto, sysfs,\n"
	"                       module, image (as 'kheaders prepare'), or a file\n"
	"                       (tar.xz, vmlinux, bzImage, module)\n"
	"      --cache-dir DIR  prepare's cache root for --from\n"
	"  -o, --output DIR     INSTALL_HDR_PATH: DIR/include is written\n"
	"      --force          replace an existing DIR/include\n"
	"      --keep-going     report every failing header, not only the first\n"
	"  -v, --verbose        say what was installed\n"
	"  -h, --help           show this help\n";

enum {
	OPT_SRCTREE = 256, OPT_OBJTREE, OPT_ARCH, OPT_FROM, OPT_CACHE_DIR,
	OPT_FORCE, OPT_KEEP_GOING,
};

static const struct option uapi_options[] = {
	{ "srctree", required_argument, NULL, OPT_SRCTREE },
	{ "objtree", required_argument, NULL, OPT_OBJTREE },
	{ "arch", required_argument, NULL, OPT_ARCH },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "keep-going", no_argument, NULL, OPT_KEEP_GOING },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct uapi_args {
	struct kh_uapi_opts opts;
	struct kh_prepare_opts prep;
	const char *from;
	bool verbose;
};

static void uapi_from(struct uapi_args *a, const char *arg)
{
	int i;

	a->from = arg;
	for (i = KH_PREPARE_AUTO; i < KH_PREPARE_FILE; i++)
		if (!strcmp(arg, kh_prepare_from_name(i))) {
			a->prep.from = i;
			return;
		}
	a->prep.from = KH_PREPARE_FILE;
	a->prep.file = arg;
}

static int uapi_option(struct uapi_args *a, int c, const char *arg)
{
	switch (c) {
	case OPT_SRCTREE:
		a->opts.srctree = arg;
		break;
	case OPT_OBJTREE:
		a->opts.objtree = arg;
		break;
	case OPT_ARCH:
		a->opts.arch = arg;
		break;
	case OPT_FROM:
		uapi_from(a, arg);
		break;
	case OPT_CACHE_DIR:
		a->prep.cache_dir = arg;
		break;
	case 'o':
		a->opts.out_dir = arg;
		break;
	case OPT_FORCE:
		a->opts.force = true;
		break;
	case OPT_KEEP_GOING:
		a->opts.keep_going = true;
		break;
	case 'v':
		a->verbose = true;
		break;
	case 'h':
		fputs(uapi_usage, stdout);
		return -1;
	default:
		fputs(uapi_usage, stderr);
		return EXIT_USAGE;
	}
	return 0;
}

static int uapi_check(const struct uapi_args *a)
{
	const struct kh_uapi_opts *o = &a->opts;

	if (!o->out_dir || !*o->out_dir)
		return cli_usage_error(uapi_usage, "missing -o DIR");
	if (a->from && (o->srctree || o->objtree || o->arch))
		return cli_usage_error(uapi_usage,
				       "--from and --srctree/--objtree/--arch are mutually exclusive");
	if (!a->from && (!o->srctree || !*o->srctree))
		return cli_usage_error(uapi_usage,
				       "missing --srctree DIR (or --from)");
	if (!a->from && (!o->arch || !*o->arch))
		return cli_usage_error(uapi_usage, "missing --arch ARCH");
	if (!a->from && a->prep.cache_dir)
		return cli_usage_error(uapi_usage,
				       "--cache-dir goes with --from");
	return 0;
}

static int uapi_parse(int argc, char **argv, struct uapi_args *a)
{
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:vh", uapi_options,
				NULL)) != -1) {
		ret = uapi_option(a, c, optarg);
		if (ret)
			return ret;
	}
	if (optind != argc)
		return cli_usage_error(uapi_usage, "too many arguments");
	return uapi_check(a);
}

static void uapi_report(void *ctx, const struct kh_error *err)
{
	cli_fail(err);
}

/* Exit 2 for input that cannot be used, 1 for headers or output. */
static int uapi_fail(const struct kh_error *err,
		     const struct kh_uapi_result *res)
{
	if (err->code == EEXIST)
		return cli_error("%s (--force replaces it)", err->msg);
	cli_fail(err);
	return res->bad_input ? EXIT_USAGE : 1;
}

/* The archive, unpacked by prepare: both trees, and its architecture. */
static int uapi_prepare(struct uapi_args *a, struct kh_prepare_result *res)
{
	struct kh_error err;

	if (kh_prepare(&a->prep, res, &err)) {
		cli_fail(&err);
		return EXIT_USAGE;
	}
	if (!res->arch) {
		cli_error("'%s' (from '%s') holds no arch/*/include",
			  res->dir, res->source);
		return EXIT_USAGE;
	}
	a->opts.srctree = res->dir;
	a->opts.arch = res->arch;
	if (a->verbose)
		fprintf(stderr, "kheaders: '%s' (%s): using '%s'\n",
			res->source, kh_prepare_from_name(res->from), res->dir);
	return 0;
}

int cmd_uapi(int argc, char **argv)
{
	struct uapi_args a = { .verbose = false };
	struct kh_prepare_result prep;
	struct kh_uapi_result res;
	struct kh_error err;
	int ret;

	kh_uapi_opts_init(&a.opts);
	kh_prepare_opts_init(&a.prep);
	kh_prepare_result_init(&prep);
	ret = uapi_parse(argc, argv, &a);
	if (ret)
		return ret < 0 ? 0 : ret;
	if (a.from) {
		a.prep.root = secure_getenv("KHEADERS_ROOT");
		a.prep.release = secure_getenv("KHEADERS_RELEASE");
		a.prep.modprobe = secure_getenv("KHEADERS_MODPROBE");
		ret = uapi_prepare(&a, &prep);
		if (ret)
			goto out_release;
	}
	a.opts.error = uapi_report;
	ret = kh_uapi(&a.opts, &res, &err) ? uapi_fail(&err, &res) : 0;
	if (!ret && a.verbose)
		fprintf(stderr,
			"kheaders: installed %zu headers of Linux %u.%u.%u (%s rules, %s) in '%s/include'\n",
			res.nr_headers, res.version_code >> 16,
			(res.version_code >> 8) & 0xff,
			res.version_code & 0xff, res.generation, res.srcarch,
			a.opts.out_dir);
out_release:
	kh_prepare_result_release(&prep);
	return ret;
}
