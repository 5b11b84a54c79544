// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_extract.c - "kheaders extract": get the headers archive out of a
 * tar.xz, /sys/kernel/kheaders.tar.xz, a vmlinux, a module or a compressed
 * kernel image, and write it byte for byte (-o, or standard output when it
 * is not a terminal) or unpack it safely into a directory (-C).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char extract_usage[] =
	"usage: kheaders extract INPUT [-o OUT.tar.xz | -C DIR] [--max-size BYTES] [-v]\n"
	"\n"
	"INPUT: a kheaders tar.xz, /sys/kernel/kheaders.tar.xz, '-' (stdin), a vmlinux,\n"
	"a module (.ko, .ko.xz, .ko.gz, .ko.zst) or a compressed kernel image.\n"
	"\n"
	"  -o, --output FILE    write the archive, byte for byte as embedded\n"
	"  -C, --directory DIR  unpack it safely into DIR (created 0700 if missing)\n"
	"      --max-size BYTES bound the unpacked size (default 1G)\n"
	CLI_SEARCH_USAGE
	"  -v, --verbose        say how and where the archive was found\n"
	"  -h, --help           show this help\n";

enum { OPT_MAX_SIZE = 256 };

static const struct option extract_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "directory", required_argument, NULL, 'C' },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	CLI_SEARCH_OPTIONS,
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct extract_args {
	const char *input, *output, *dir;
	struct kh_unpack_opts unpack;
	struct kh_extract_opts search;
	bool verbose;
};

static int extract_parse(int argc, char **argv, struct extract_args *args)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:C:vh", extract_options,
				NULL)) != -1) {
		switch (c) {
		case 'o':
			args->output = optarg;
			break;
		case 'C':
			args->dir = optarg;
			break;
		case OPT_MAX_SIZE:
			if (!cli_parse_size(optarg, &args->unpack.max_size) ||
			    !args->unpack.max_size)
				return cli_usage_error(extract_usage,
						       "invalid --max-size '%s'",
						       optarg);
			break;
		case CLI_OPT_MAX_DECODED:
		case CLI_OPT_MAX_STREAMS:
			if (cli_search_option(&args->search, c, optarg,
					      extract_usage))
				return EXIT_USAGE;
			break;
		case 'v':
			args->verbose = true;
			break;
		case 'h':
			fputs(extract_usage, stdout);
			return -1;
		default:
			fputs(extract_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1)
		return cli_usage_error(extract_usage, optind < argc ?
				       "too many arguments" : "missing INPUT");
	args->input = argv[optind];
	if (args->output && args->dir)
		return cli_usage_error(extract_usage,
				       "-o and -C are mutually exclusive");
	if (!args->output && !args->dir && isatty(STDOUT_FILENO))
		return cli_usage_error(extract_usage,
				       "refusing to write the archive to a terminal; use -o or -C");
	return 0;
}

static void extract_report(const char *input, const struct kh_extract_info *info)
{
	if (info->container)
		fprintf(stderr,
			"kheaders: '%s': strategy: %s; offset %llu in the %s stream at offset %llu; %llu bytes\n",
			input, kh_found_by_name(info->found_by),
			(unsigned long long)info->offset, info->container,
			(unsigned long long)info->container_offset,
			(unsigned long long)info->size);
	else
		fprintf(stderr,
			"kheaders: '%s': strategy: %s; offset %llu; %llu bytes\n",
			input, kh_found_by_name(info->found_by),
			(unsigned long long)info->offset,
			(unsigned long long)info->size);
}

static int extract_stdout(const struct kh_buf *xz)
{
	if (fwrite(xz->data, 1, xz->len, stdout) != xz->len || fflush(stdout))
		return cli_error("cannot write to standard output: %m");
	return 0;
}

int cmd_extract(int argc, char **argv)
{
	struct extract_args args = { .verbose = false };
	struct kh_extract_opts eo;
	struct kh_extract_info info;
	struct kh_error err;
	struct kh_buf xz;
	int ret;

	ret = extract_parse(argc, argv, &args);
	if (ret)
		return ret < 0 ? 0 : ret;
	kh_buf_init(&xz);
	eo = args.search;
	eo.path = args.input;
	if (args.output && strcmp(args.output, "-"))
		eo.out_path = args.output;
	ret = kh_extract(&eo, &xz, &info, &err);
	if (ret) {
		ret = cli_fail(&err);
		goto out_release;
	}
	if (args.verbose)
		extract_report(args.input, &info);
	if (args.dir)
		ret = kh_unpack_to_dir(xz.data, xz.len, args.dir, &args.unpack,
				       &err) ? cli_fail(&err) : 0;
	else if (!args.output || !strcmp(args.output, "-"))
		ret = extract_stdout(&xz);
out_release:
	kh_buf_release(&xz);
	return ret;
}
