// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_verify.c - `kheaders verify`: rebuild the archive from the trees, in
 * memory, and compare it with the one in INPUT (archive, vmlinux, module,
 * image).  Exit 0 only when byte-identical; 1 when different (with the
 * reason); 2 on error.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define VERIFY_EXIT_ERROR 2

static const char verify_usage[] =
"usage: kheaders verify INPUT [--srctree DIR] [--objtree DIR] [--arch SRCARCH]\n"
"                       [--timestamp TIME] [--strip compact|lexer|compat|none]\n"
"                       [--srclist FILE --objlist FILE] [--profile headers|uapi|modules]\n"
"                       [--block-entries N] [--threads N] [--unified] [-q]\n"
"\n"
"Rebuild the headers archive from the trees with the given build options\n"
"(defaults from the environment, as for build; without a timestamp, the\n"
"input's own mtime is used) and compare it with the one found in INPUT.\n"
"Exit status: 0 byte-identical, 1 different, 2 error.\n";

enum { OPT_UNIFIED = 2000 };

static const struct option verify_own_options[] = {
	{ "unified", no_argument, NULL, OPT_UNIFIED },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void print_difference(const struct kh_verify_result *res,
			     const struct kh_buf *input, bool unified)
{
	struct kh_headers_src a = {
		.name = "rebuilt", .xz = res->built.data, .len = res->built.len,
	};
	struct kh_headers_src b = {
		.name = "input", .xz = input->data, .len = input->len,
	};
	char filters[256];

	printf("different\n");
	printf("rebuilt: sha256 %s (%zu bytes)\n", res->sha_built,
	       res->built.len);
	printf("input:   sha256 %s (%zu bytes)\n", res->sha_input, input->len);
	cli_diff_print(&a, &b, &res->diff, unified);
	if (res->diff.tar_identical) {
		kh_build_compression(filters, sizeof(filters));
		printf("this build compresses with %s\n",
		       filters);
	}
}

static int verify_run(struct cli_build_args *a, const char *input,
		      bool unified, bool quiet)
{
	struct kh_extract_opts eo = { .path = input };
	struct kh_verify_result res;
	struct kh_error err;
	struct kh_buf xz;
	int status = VERIFY_EXIT_ERROR;

	kh_buf_init(&xz);
	kh_verify_result_init(&res);
	if (kh_extract(&eo, &xz, NULL, &err))
		goto out_fail;
	if (!a->have_timestamp && kh_archive_mtime(xz.data, xz.len,
						   &a->opts.mtime, &err))
		goto out_fail;
	if (kh_verify(&a->opts, xz.data, xz.len, &res, &err))
		goto out_fail;
	status = res.identical ? 0 : 1;
	if (quiet)
		goto out;
	if (res.identical)
		printf("identical: sha256 %s (%zu bytes, liblzma %s)\n",
		       res.sha_built, res.built.len, kh_lzma_version());
	else
		print_difference(&res, &xz, unified);
	goto out;

out_fail:
	cli_fail(&err);
out:
	kh_verify_result_release(&res);
	kh_buf_release(&xz);
	return status;
}

int cmd_verify(int argc, char **argv)
{
	struct cli_build_args a = { 0 };
	bool unified = false, quiet = false;
	const struct option *opts = cli_build_options_with(verify_own_options);
	int c, ret;

	kh_build_opts_init(&a.opts);
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(verify_usage, stdout);
			return 0;
		case 'q':
			quiet = true;
			break;
		case OPT_UNIFIED:
			unified = true;
			break;
		case '?':
			return cli_usage_error(verify_usage, "invalid option");
		default:
			ret = cli_build_option(&a, c, optarg, verify_usage);
			if (ret)
				return ret < 0 ? EXIT_USAGE : ret;
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(verify_usage,
				       "verify takes one INPUT");
	ret = cli_build_finish(&a, verify_usage);
	if (ret)
		return ret;
	return verify_run(&a, argv[optind], unified, quiet);
}
