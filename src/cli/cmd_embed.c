// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_embed.c - `kheaders embed`: wrap the headers archive in an object
 * file (or an assembler source) that the kernel links in, between the
 * IKHD_ST and IKHD_ED markers, for a named target or for the target of a
 * reference object made by the kernel's compiler.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define EMBED_INPUT_MAX ((size_t)1 << 32)

static const char embed_usage[] =
	"usage: kheaders embed IN.tar.xz -o OUT.o [--target ARCH | --like REF.o]\n"
	"                      [--format elf|asm] [--section NAME] [--symbol NAME] [--raw]\n"
	"       kheaders embed --list-targets\n"
	"\n"
	"   -o, --output FILE    object (or assembler source) to write; '-' is stdout\n"
	"   -t, --target ARCH    kernel architecture (arm64, riscv, mips64el, ...),\n"
	"                        GNU triplet (aarch64-linux-gnu) or 'host' (default)\n"
	"   -l, --like REF.o     copy class, byte order, machine and flags from REF.o\n"
	"   -f, --format FMT     'elf' (default): write the object; 'asm': write\n"
	"                        assembler source that uses .incbin \"IN.tar.xz\"\n"
	"       --section NAME   section to use (default .rodata)\n"
	"       --symbol NAME    symbol base name (default kernel_headers_data)\n"
	"       --raw            embed IN even if it is not an xz stream, or empty\n"
	"       --list-targets   print the known targets and exit\n"
	"   -h, --help           show this help\n";

enum { OPT_SECTION = 256, OPT_SYMBOL, OPT_RAW, OPT_LIST };

static const struct option embed_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "target", required_argument, NULL, 't' },
	{ "like", required_argument, NULL, 'l' },
	{ "format", required_argument, NULL, 'f' },
	{ "section", required_argument, NULL, OPT_SECTION },
	{ "symbol", required_argument, NULL, OPT_SYMBOL },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "list-targets", no_argument, NULL, OPT_LIST },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct embed_args {
	const char *input;
	const char *output;
	const char *target;
	const char *like;
	bool asm_format;
	bool list;
	struct kh_embed_opts opts;
};

static const char *class_name(const struct kh_embed_target *t)
{
	return t->elf_class == 2 ? "64" : "32";
}

static int embed_list_targets(void)
{
	const struct kh_embed_arch *a;
	size_t i;

	for (i = 0; (a = kh_embed_arch_at(i)); i++) {
		const struct kh_embed_target *t = &a->target;

		printf("%-13s ELF%s %s machine %-5u flags 0x%08x  %s%s%s%s\n",
		       t->name, class_name(t), t->data == 2 ? "BE" : "LE",
		       t->machine, t->flags, a->about,
		       a->aliases ? " [" : "", a->aliases ? a->aliases : "",
		       a->aliases ? "]" : "");
	}
	return 0;
}

static int embed_parse(int argc, char **argv, struct embed_args *a)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:t:l:f:h", embed_options,
				NULL)) != -1) {
		switch (c) {
		case 'o':
			a->output = optarg;
			break;
		case 't':
			a->target = optarg;
			break;
		case 'l':
			a->like = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "elf") && strcmp(optarg, "asm"))
				return cli_usage_error(embed_usage,
					"unknown format '%s' (elf or asm)", optarg);
			a->asm_format = !strcmp(optarg, "asm");
			break;
		case OPT_SECTION:
			a->opts.section = optarg;
			break;
		case OPT_SYMBOL:
			a->opts.symbol = optarg;
			break;
		case OPT_RAW:
			a->opts.raw = true;
			break;
		case OPT_LIST:
			a->list = true;
			break;
		case 'h':
			fputs(embed_usage, stdout);
			return -1;
		default:
			return EXIT_USAGE;
		}
	}
	if (a->list)
		return 0;
	if (optind != argc - 1)
		return cli_usage_error(embed_usage,
				       "embed needs exactly one input archive");
	a->input = argv[optind];
	if (!a->output)
		return cli_usage_error(embed_usage, "embed needs -o OUT");
	if (a->target && a->like)
		return cli_usage_error(embed_usage,
				       "--target and --like exclude each other");
	if (a->asm_format && !strcmp(a->input, "-"))
		return cli_usage_error(embed_usage,
				       "--format asm needs a file name to .incbin, not '-'");
	return 0;
}

static int embed_target(const struct embed_args *a, struct kh_buf *ref,
			struct kh_embed_target *t, struct kh_error *err)
{
	int ret;

	if (!a->like)
		return kh_embed_target_parse(a->target ? a->target : "host",
					     t, err);
	ret = kh_read_file(a->like, 1 << 30, ref, err);
	if (ret)
		return ret;
	return kh_embed_target_from_object(ref->data, ref->len, a->like, t,
					   err);
}

static int embed_output(const char *path, const struct kh_buf *out,
			struct kh_error *err)
{
	if (strcmp(path, "-"))
		return kh_write_file_atomic(path, out->data, out->len, err);
	if (out->len && fwrite(out->data, out->len, 1, stdout) != 1) {
		err->code = errno ? errno : EIO;
		snprintf(err->msg, sizeof(err->msg),
			 "cannot write to standard output: %s",
			 strerror(err->code));
		return -err->code;
	}
	return 0;
}

static int embed_run(const struct embed_args *a, struct kh_error *err)
{
	struct kh_buf in, ref, out;
	struct kh_embed_target t;
	int ret;

	kh_buf_init(&in);
	kh_buf_init(&ref);
	kh_buf_init(&out);
	ret = embed_target(a, &ref, &t, err);
	if (ret)
		goto out_release;
	if (!strcmp(a->input, "-"))
		ret = kh_read_fd(0, "<stdin>", EMBED_INPUT_MAX, &in, err);
	else
		ret = kh_read_file(a->input, EMBED_INPUT_MAX, &in, err);
	if (ret)
		goto out_release;
	if (a->asm_format) {
		ret = kh_embed_check_payload(in.data, in.len, a->input,
					     &a->opts, err);
		if (!ret)
			ret = kh_embed_asm(a->input, &a->opts, &out, err);
	} else {
		ret = kh_embed_elf(in.data, in.len, a->input, &t, &a->opts,
				   &out, err);
	}
	if (!ret)
		ret = embed_output(a->output, &out, err);
out_release:
	kh_buf_release(&in);
	kh_buf_release(&ref);
	kh_buf_release(&out);
	return ret;
}

int cmd_embed(int argc, char **argv)
{
	struct embed_args a = { 0 };
	struct kh_error err;
	int ret;

	ret = embed_parse(argc, argv, &a);
	if (ret)
		return ret < 0 ? 0 : ret;
	if (a.list)
		return embed_list_targets();
	ret = embed_run(&a, &err);
	return ret ? cli_fail(&err) : 0;
}
