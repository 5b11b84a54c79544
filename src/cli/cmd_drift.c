// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_drift.c - "kheaders drift": report the copies of kernel headers a
 * project carries (perf's tools/include, libbpf's, systemd's) that differ
 * from their originals in a kernel tree, an archive or the running
 * kernel.  The report has check-headers.sh's form, so a build that greps
 * perf's warning reads ours; --json gives one record per pair.  Exit
 * status 0 nothing drifted, 1 drift (0 with --warn-only), 2 error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define DRIFT_EXIT_ERROR 2
#define DRIFT_MAX_MAP ((size_t)16 << 20)

static const char drift_usage[] =
	"usage: kheaders drift COPIES (--srctree DIR [--objtree DIR] | --from SOURCE)\n"
	"                      [--map FILE] [--tokens] [--unified] [--json] [--warn-only]\n"
	"\n"
	"Compare copies of kernel files with their originals.  Without --map,\n"
	"COPIES mirrors the kernel's layout: every regular file below it is\n"
	"compared with the same path of the reference.  A map has one\n"
	"'COPY ORIGINAL [-B] [-I REGEX]... [--ignore-sync-check]\n"
	"[--ignore-hunks FILE]' per line (COPY below COPIES, ORIGINAL below the\n"
	"reference, FILE below COPIES; shell quoting; '#' comments).\n"
	"\n"
	"      --srctree DIR    the reference: a kernel source tree\n"
	"      --objtree DIR    where originals the source tree lacks are looked for\n"
	"      --from SOURCE    the reference: the headers archive of auto, sysfs,\n"
	"                       module, image or a file (as 'prepare'); implies\n"
	"                       --tokens: an archive holds headers without comments\n"
	"      --cache-dir DIR  where --from unpacks (as 'prepare')\n"
	"  -m, --map FILE       the pairs and their rules\n"
	"  -t, --tokens         compare token streams too: tell changes in\n"
	"                       comments only from changes of the ABI\n"
	"  -u, --unified        add the diff -u of each pair that differs\n"
	"  -j, --json           one JSON record per pair (JSON Lines)\n"
	"  -w, --warn-only      exit 0 even when something drifted\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 nothing drifted, 1 drift, 2 error.\n";

enum { OPT_SRCTREE = 256, OPT_OBJTREE, OPT_FROM, OPT_CACHE_DIR };

static const struct option drift_options[] = {
	{ "srctree", required_argument, NULL, OPT_SRCTREE },
	{ "objtree", required_argument, NULL, OPT_OBJTREE },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
	{ "map", required_argument, NULL, 'm' },
	{ "tokens", no_argument, NULL, 't' },
	{ "unified", no_argument, NULL, 'u' },
	{ "json", no_argument, NULL, 'j' },
	{ "warn-only", no_argument, NULL, 'w' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct drift_cli {
	struct kh_drift_opts opts;
	struct kh_prepare_opts prep;
	const char *from, *map_path;
	bool json, warn_only;
	size_t drifted;
	/* the report's three lists, printed at the end */
	struct kh_buf abi, comments, unchecked;
	struct kh_buf line;
};

static void drift_from(struct drift_cli *dc, const char *arg)
{
	int i;

	dc->from = arg;
	for (i = KH_PREPARE_AUTO; i < KH_PREPARE_FILE; i++)
		if (!strcmp(arg, kh_prepare_from_name(i))) {
			dc->prep.from = i;
			return;
		}
	dc->prep.from = KH_PREPARE_FILE;
	dc->prep.file = arg;
}

static int drift_parse(int argc, char **argv, struct drift_cli *dc)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "m:tujwh", drift_options,
				NULL)) != -1) {
		switch (c) {
		case OPT_SRCTREE:
			dc->opts.srctree = optarg;
			break;
		case OPT_OBJTREE:
			dc->opts.objtree = optarg;
			break;
		case OPT_FROM:
			drift_from(dc, optarg);
			break;
		case OPT_CACHE_DIR:
			dc->prep.cache_dir = optarg;
			break;
		case 'm':
			dc->map_path = optarg;
			break;
		case 't':
			dc->opts.tokens = true;
			break;
		case 'u':
			dc->opts.unified = true;
			break;
		case 'j':
			dc->json = true;
			break;
		case 'w':
			dc->warn_only = true;
			break;
		case 'h':
			fputs(drift_usage, stdout);
			return -1;
		default:
			fputs(drift_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(drift_usage,
				       "drift takes one COPIES directory");
	dc->opts.copies = argv[optind];
	if (!dc->opts.srctree == !dc->from)
		return cli_usage_error(drift_usage,
				       "give one reference: --srctree or --from");
	if (dc->from && dc->opts.objtree)
		return cli_usage_error(drift_usage,
				       "--objtree goes with --srctree, not --from");
	return 0;
}

/* "COPY ORIGINAL" of @it, shell-quoted only if it must be. */
static int drift_pair_words(struct kh_buf *out, const struct kh_drift_item *it)
{
	int ret = cli_quote_name(out, it->copy_path);

	ret = ret ? ret : kh_buf_addstr(out, " ");
	return ret ? ret : cli_quote_name(out, it->original_path);
}

static int drift_text(struct drift_cli *dc, const struct kh_drift_item *it)
{
	struct kh_buf *to;
	int ret;

	switch (it->status) {
	case KH_DRIFT_DIFFERS:
	case KH_DRIFT_MISSING_COPY:
		to = &dc->abi;
		break;
	case KH_DRIFT_COMMENTS_ONLY:
		to = &dc->comments;
		break;
	case KH_DRIFT_NOT_CHECKABLE:
		to = &dc->unchecked;
		break;
	default:
		return 0;
	}
	ret = kh_buf_addstr(to, "  diff -u ");
	ret = ret ? ret : drift_pair_words(to, it);
	ret = ret ? ret : kh_buf_addstr(to, "\n");
	if (!ret && it->unified)
		ret = kh_buf_append(to, it->unified, it->unified_len);
	return ret;
}

static int drift_json(struct drift_cli *dc, const struct kh_drift_item *it)
{
	struct kh_buf *out = &dc->line;
	int ret;

	kh_buf_setlen(out, 0);
	ret = kh_buf_addstr(out, "{\"copy\":");
	ret = ret ? ret : cli_json_string(out, it->copy_path);
	ret = ret ? ret : kh_buf_addstr(out, ",\"original\":");
	ret = ret ? ret : cli_json_string(out, it->original_path);
	ret = ret ? ret : kh_buf_addf(out, ",\"status\":\"%s\"",
				      kh_drift_status_name(it->status));
	ret = ret ? ret : kh_buf_addf(out, ",\"line\":%u", it->pair->line);
	if (!ret && it->unified) {
		ret = kh_buf_addstr(out, ",\"diff\":");
		ret = ret ? ret : cli_json_string(out, it->unified);
	}
	ret = ret ? ret : kh_buf_addstr(out, "}\n");
	if (!ret && fwrite(out->data, 1, out->len, stdout) != out->len)
		return -EIO;
	return ret;
}

static int drift_on_item(const struct kh_drift_item *it, void *ctx)
{
	struct drift_cli *dc = ctx;

	if (kh_drift_status_drifted(it->status))
		dc->drifted++;
	if (dc->json)
		return drift_json(dc, it);
	return drift_text(dc, it);
}

/* check-headers.sh's yellow "Warning" on a terminal, plain otherwise. */
static void drift_heading(const char *word, const char *rest, bool color)
{
	if (color)
		printf("\033[0;33m%s\033[0m: %s\n", word, rest);
	else
		printf("%s: %s\n", word, rest);
}

static void drift_report(const struct drift_cli *dc)
{
	bool color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");

	if (dc->abi.len) {
		drift_heading("Warning", "Kernel ABI header differences:", color);
		fputs(kh_buf_str(&dc->abi), stdout);
	}
	if (dc->comments.len) {
		drift_heading("Note", "differences in comments only:", false);
		fputs(kh_buf_str(&dc->comments), stdout);
	}
	if (dc->unchecked.len) {
		drift_heading("Note",
			      "not checkable here (the rules need comments the reference lacks):",
			      false);
		fputs(kh_buf_str(&dc->unchecked), stdout);
	}
}

static int drift_load_map(struct drift_cli *dc, struct kh_drift_map *map,
			  struct kh_error *err)
{
	struct kh_buf text;
	int ret;

	kh_buf_init(&text);
	ret = kh_read_file(dc->map_path, DRIFT_MAX_MAP, &text, err);
	if (!ret)
		ret = kh_drift_map_parse(kh_buf_str(&text), text.len,
					 dc->map_path, map, err);
	kh_buf_release(&text);
	return ret;
}

static int drift_run(struct drift_cli *dc, struct kh_prepare_result *prep,
		     struct kh_drift_map *map)
{
	struct kh_error err = { 0 };
	int ret;

	if (dc->map_path) {
		if (drift_load_map(dc, map, &err))
			goto out_fail;
		dc->opts.map = map;
	}
	if (dc->from) {
		dc->prep.root = secure_getenv("KHEADERS_ROOT");
		dc->prep.release = secure_getenv("KHEADERS_RELEASE");
		dc->prep.modprobe = secure_getenv("KHEADERS_MODPROBE");
		if (kh_prepare(&dc->prep, prep, &err))
			goto out_fail;
		dc->opts.srctree = prep->dir;
		dc->opts.archive = true;
		dc->opts.tokens = true;
	}
	ret = kh_drift(&dc->opts, drift_on_item, dc, &err);
	if (ret == -EIO)
		return DRIFT_EXIT_ERROR;
	if (ret)
		goto out_fail;
	if (!dc->json)
		drift_report(dc);
	return dc->drifted && !dc->warn_only ? 1 : 0;
out_fail:
	cli_fail(&err);
	return DRIFT_EXIT_ERROR;
}

int cmd_drift(int argc, char **argv)
{
	struct drift_cli dc = { .json = false };
	struct kh_prepare_result prep;
	struct kh_drift_map map;
	int ret;

	kh_prepare_opts_init(&dc.prep);
	ret = drift_parse(argc, argv, &dc);
	if (ret)
		return ret < 0 ? 0 : ret;
	kh_buf_init(&dc.abi);
	kh_buf_init(&dc.comments);
	kh_buf_init(&dc.unchecked);
	kh_buf_init(&dc.line);
	kh_drift_map_init(&map);
	kh_prepare_result_init(&prep);
	ret = drift_run(&dc, &prep, &map);
	kh_prepare_result_release(&prep);
	kh_drift_map_release(&map);
	kh_buf_release(&dc.abi);
	kh_buf_release(&dc.comments);
	kh_buf_release(&dc.unchecked);
	kh_buf_release(&dc.line);
	return ret;
}
