// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_list.c - "kheaders list": print the entries of a headers archive
 * found in any input "extract" understands, one per line (names quoted as
 * GNU tar quotes them), with --long metadata, or as one JSON document.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char list_usage[] =
	"usage: kheaders list [--long | --json] INPUT\n"
	"\n"
	"Print the entries of the headers archive in INPUT (a tar.xz, a\n"
	"kernel image, module or object file, '-' for standard input).\n"
	"\n"
	"  -l, --long   type, mode, uid/gid, size, mtime (UTC) and name\n"
	"  -j, --json   one JSON document (non-UTF-8 bytes as \\u00XX, plus\n"
	"               \"name_hex\" with the exact bytes)\n"
	CLI_SEARCH_USAGE
	"  -h, --help   show this help\n";

enum list_format { LIST_NAMES, LIST_LONG, LIST_JSON };

struct list_ctx {
	struct kh_extract_opts search;
	enum list_format format;
	struct kh_buf line;
	size_t count;
};

static int list_long(struct list_ctx *lc, const struct kh_entry *e)
{
	char when[48];
	int ret;

	kh_timestamp_format(e->mtime, when);
	ret = kh_buf_addf(&lc->line, "%-8s %04o %lld/%lld %10lld %s ",
			     kh_entry_type_name(e->type), (unsigned int)e->mode,
			     (long long)e->uid, (long long)e->gid,
			     (long long)e->size, when);
	ret = ret ? ret : cli_quote_name(&lc->line, e->name);
	if (!ret && e->link) {
		ret = kh_buf_addstr(&lc->line, " -> ");
		ret = ret ? ret : cli_quote_name(&lc->line, e->link);
	}
	return ret;
}

static int list_json_name(struct kh_buf *out, const char *key,
			  const char *s)
{
	int ret = kh_buf_addf(out, "\"%s\": ", key);

	ret = ret ? ret : cli_json_string(out, s);
	if (!ret && !cli_utf8_valid(s, strlen(s))) {
		ret = kh_buf_addf(out, ", \"%s_hex\": \"", key);
		ret = ret ? ret : cli_hex_string(out, s);
		ret = ret ? ret : kh_buf_addstr(out, "\"");
	}
	return ret;
}

static int list_json(struct list_ctx *lc, const struct kh_entry *e)
{
	struct kh_buf *out = &lc->line;
	char when[48];
	int ret;

	kh_timestamp_format(e->mtime, when);
	ret = kh_buf_addstr(out, lc->count ? ",\n    { " : "\n    { ");
	ret = ret ? ret : list_json_name(out, "name", e->name);
	ret = ret ? ret : kh_buf_addf(out,
		", \"type\": \"%s\", \"mode\": \"%04o\", \"uid\": %lld, \"gid\": %lld, \"size\": %lld, \"mtime\": %lld, \"mtime_utc\": \"%s\"",
		kh_entry_type_name(e->type), (unsigned int)e->mode,
		(long long)e->uid, (long long)e->gid, (long long)e->size,
		(long long)e->mtime, when);
	if (!ret && e->link) {
		ret = kh_buf_addstr(out, ", ");
		ret = ret ? ret : list_json_name(out, "link", e->link);
	}
	return ret ? ret : kh_buf_addstr(out, " }");
}

static int list_entry(const struct kh_entry *e, void *ctx)
{
	struct list_ctx *lc = ctx;
	int ret;

	kh_buf_setlen(&lc->line, 0);
	if (lc->format == LIST_JSON)
		ret = list_json(lc, e);
	else if (lc->format == LIST_LONG)
		ret = list_long(lc, e);
	else
		ret = cli_quote_name(&lc->line, e->name);
	if (!ret && lc->format != LIST_JSON)
		ret = kh_buf_addstr(&lc->line, "\n");
	if (ret)
		return ret;
	lc->count++;
	return fwrite(lc->line.data, 1, lc->line.len, stdout) == lc->line.len ?
	       0 : -EIO;
}

static int list_run(const char *input, struct list_ctx *lc)
{
	struct kh_extract_opts eo = lc->search;
	struct kh_error err = { 0 };
	struct kh_buf xz;
	int ret;

	kh_buf_init(&xz);
	eo.path = input;
	ret = kh_extract(&eo, &xz, NULL, &err);
	if (ret)
		goto out_fail;
	if (lc->format == LIST_JSON) {
		kh_buf_setlen(&lc->line, 0);
		if (kh_buf_addstr(&lc->line, "{\n  ") ||
		    list_json_name(&lc->line, "input", input) ||
		    kh_buf_addstr(&lc->line, ",\n  \"entries\": ["))
			goto out_nomem;
		fwrite(lc->line.data, 1, lc->line.len, stdout);
	}
	ret = kh_archive_foreach(xz.data, xz.len, input, list_entry, lc, &err);
	if (ret == -ENOMEM)
		goto out_nomem;
	if (ret == -EIO)
		goto out_release;
	if (ret)
		goto out_fail;
	if (lc->format == LIST_JSON)
		printf("%s]\n}\n", lc->count ? "\n  " : "");
	goto out_release;
out_nomem:
	ret = cli_error("cannot list '%s': %s", input, strerror(ENOMEM));
	goto out_release;
out_fail:
	ret = cli_fail(&err);
out_release:
	kh_buf_release(&xz);
	return ret ? 1 : 0;
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "long", no_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		CLI_SEARCH_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_ctx lc = { .format = LIST_NAMES };
	int c, ret;

	while ((c = getopt_long(argc, argv, "ljh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
		case 'j':
			if (lc.format != LIST_NAMES)
				return cli_usage_error(list_usage,
					"--long and --json exclude each other");
			lc.format = c == 'l' ? LIST_LONG : LIST_JSON;
			break;
		case CLI_OPT_MAX_DECODED:
		case CLI_OPT_MAX_STREAMS:
			if (cli_search_option(&lc.search, c, optarg, list_usage))
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(list_usage, stdout);
			return 0;
		default:
			return cli_usage_error(list_usage, "bad option");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(list_usage,
				       "list takes exactly one INPUT");
	kh_buf_init(&lc.line);
	ret = list_run(argv[optind], &lc);
	kh_buf_release(&lc.line);
	return ret;
}
