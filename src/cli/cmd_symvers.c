// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_symvers.c - "kheaders symvers": Module.symvers rebuilt from a kernel
 * image (vmlinux, bzImage, ...) and optionally its modules (files or an
 * installed /lib/modules/RELEASE tree), sorted, written to standard output
 * or atomically to -o FILE.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char symvers_usage[] =
	"usage: kheaders symvers IMAGE [MODULE|DIR...] [-o FILE] [-v]\n"
	"\n"
	"Write Module.symvers (modpost's format, sorted by symbol) from the export\n"
	"tables of a kernel image and, optionally, of its modules.\n"
	"\n"
	"IMAGE: a vmlinux (stripped or not) or a file holding one in a compressed\n"
	"stream (an x86 bzImage, a vmlinuz); '-' is standard input.\n"
	"MODULE: a .ko, .ko.xz, .ko.gz or .ko.zst, named by its file name.\n"
	"DIR: /lib/modules/RELEASE (modules named by their path below kernel/, as\n"
	"modpost names them, e.g. drivers/net/dummy) or any directory of modules.\n"
	"\n"
	"  -o, --output FILE    write there (atomically) instead of standard output\n"
	CLI_SEARCH_USAGE
	"  -v, --verbose        say how many exports and modules were read\n"
	"  -h, --help           show this help\n";

static const struct option symvers_options[] = {
	{ "output", required_argument, NULL, 'o' },
	CLI_SEARCH_OPTIONS,
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct symvers_args {
	const char *output;
	struct kh_extract_opts search;
	bool verbose;
	int first;	/* argv index of IMAGE */
};

static int symvers_parse(int argc, char **argv, struct symvers_args *args)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:vh", symvers_options,
				NULL)) != -1) {
		switch (c) {
		case 'o':
			args->output = optarg;
			break;
		case CLI_OPT_MAX_DECODED:
		case CLI_OPT_MAX_STREAMS:
			if (cli_search_option(&args->search, c, optarg,
					      symvers_usage))
				return EXIT_USAGE;
			break;
		case 'v':
			args->verbose = true;
			break;
		case 'h':
			fputs(symvers_usage, stdout);
			return -1;
		default:
			fputs(symvers_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return cli_usage_error(symvers_usage, "missing IMAGE");
	args->first = optind;
	return 0;
}

static int symvers_gather(int argc, char **argv,
			  const struct symvers_args *args,
			  struct kh_symvers *sv, struct kh_error *err)
{
	struct kh_extract_opts in = args->search;
	int i, ret;

	in.path = argv[args->first];
	ret = kh_symvers_add_image(sv, &in, err);
	for (i = args->first + 1; !ret && i < argc; i++)
		ret = kh_symvers_add_modules(sv, argv[i], &args->search, err);
	return ret;
}

static int symvers_output(const struct symvers_args *args,
			  const struct kh_buf *text, struct kh_error *err)
{
	if (args->output && strcmp(args->output, "-"))
		return kh_write_file_atomic(args->output, text->data,
					    text->len, err) ? cli_fail(err) : 0;
	if (fwrite(text->data, 1, text->len, stdout) != text->len ||
	    fflush(stdout))
		return cli_error("cannot write to standard output: %m");
	return 0;
}

int cmd_symvers(int argc, char **argv)
{
	struct symvers_args args = { .verbose = false };
	struct kh_symvers sv;
	struct kh_error err;
	struct kh_buf text;
	int ret;

	ret = symvers_parse(argc, argv, &args);
	if (ret)
		return ret < 0 ? 0 : ret;
	kh_symvers_init(&sv);
	kh_buf_init(&text);
	ret = symvers_gather(argc, argv, &args, &sv, &err);
	if (ret) {
		cli_fail(&err);
		ret = EXIT_USAGE;
		goto out_release;
	}
	kh_symvers_sort(&sv);
	if (kh_symvers_format(&sv, &text)) {
		ret = cli_error("out of memory");
		goto out_release;
	}
	if (args.verbose)
		fprintf(stderr, "kheaders: %zu exports from the image and %zu module file(s)\n",
			sv.nr, sv.modules);
	ret = symvers_output(&args, &text, &err) ? EXIT_USAGE : 0;
out_release:
	kh_buf_release(&text);
	kh_symvers_release(&sv);
	return ret;
}
