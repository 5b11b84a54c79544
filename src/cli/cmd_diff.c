// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_diff.c - "kheaders diff": compare two header sets (archives in any
 * input "extract" understands, or unpacked directory trees), print what is
 * only in A, only in B and changed (with which aspects), optionally as
 * unified patches that apply with "patch -p1", and a summary line.  Exit
 * status 0 when equal, 1 when not, 2 on error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

#define DIFF_EXIT_ERROR 2

static const char diff_usage[] =
	"usage: kheaders diff [--unified] [--quiet] [--ignore=LIST] [--max-size BYTES] A B\n"
	"\n"
	"Compare two header sets.  A and B are headers archives (a tar.xz, a\n"
	"kernel image, module or object file, '-' for standard input) or\n"
	"directories holding an unpacked header tree.\n"
	"\n"
	"  -u, --unified      add diff -u hunks for changed text files\n"
	"                     (applies with patch -p1 in a copy of A)\n"
	"  -q, --quiet        print nothing; the exit status tells\n"
	"      --ignore=LIST  do not compare these aspects, comma-separated:\n"
	"                     content, type, mode, owner, mtime, link\n"
	"      --max-size BYTES bound the content read from A and B together,\n"
	"                     declared sizes counted (default 1G)\n"
	CLI_SEARCH_USAGE
	"  -h, --help         show this help\n"
	"\n"
	"Exit status: 0 equal, 1 different, 2 error.\n";

struct diff_side {
	struct kh_headers_src src;
	struct kh_buf xz;
};

struct diff_cli {
	bool unified, quiet;
	struct kh_diff_opts opts;
	struct kh_extract_opts search;
	const struct kh_diff_result *res;
	struct kh_buf line;
	size_t printed;		/* items already reported */
};

static bool diff_parse_ignore(const char *list, unsigned int *mask)
{
	static const struct {
		const char *name;
		unsigned int bit;
	} names[] = {
		{ "content", KH_DIFF_CONTENT }, { "type", KH_DIFF_TYPE },
		{ "mode", KH_DIFF_MODE }, { "owner", KH_DIFF_OWNER },
		{ "mtime", KH_DIFF_MTIME }, { "link", KH_DIFF_LINK },
	};
	const char *p = list;
	size_t len, i;

	while (*p) {
		len = strcspn(p, ",");
		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (strlen(names[i].name) == len &&
			    !strncmp(names[i].name, p, len))
				break;
		if (i == ARRAY_SIZE(names))
			return false;
		*mask |= names[i].bit;
		p += len + (p[len] == ',');
	}
	return true;
}

static int diff_open_side(const struct diff_cli *dc, const char *path,
			  struct diff_side *s, struct kh_error *err)
{
	struct kh_extract_opts eo = dc->search;
	struct stat st;

	eo.path = path;
	memset(&s->src, 0, sizeof(s->src));
	s->src.name = path;
	if (strcmp(path, "-") && !stat(path, &st) && S_ISDIR(st.st_mode)) {
		s->src.dir = path;
		return 0;
	}
	if (kh_extract(&eo, &s->xz, NULL, err))
		return -1;
	s->src.xz = s->xz.data;
	s->src.len = s->xz.len;
	return 0;
}

static void diff_print_item(struct diff_cli *dc, size_t idx)
{
	const struct kh_diff_item *it = &dc->res->items[idx];
	static const char *const kinds[] = {
		[KH_DIFF_ONLY_A] = "only in A: ",
		[KH_DIFF_ONLY_B] = "only in B: ",
		[KH_DIFF_CHANGED] = "changed: ",
	};
	int ret;

	kh_buf_setlen(&dc->line, 0);
	ret = kh_buf_addstr(&dc->line, kinds[it->kind]);
	ret = ret ? ret : cli_quote_name(&dc->line, it->path);
	if (!ret && it->kind == KH_DIFF_CHANGED) {
		ret = kh_buf_addstr(&dc->line, " (");
		ret = ret ? ret : cli_diff_describe(it, &dc->line);
		ret = ret ? ret : kh_buf_addstr(&dc->line, ")");
	}
	if (ret)
		fprintf(stdout, "%s%s (out of memory)\n", kinds[it->kind],
			it->path);
	else
		printf("%s\n", (const char *)dc->line.data);
}

static int diff_on_patch(size_t idx, const char *text, size_t len, void *ctx)
{
	struct diff_cli *dc = ctx;

	diff_print_item(dc, idx);
	dc->printed = idx + 1;
	if (text && fwrite(text, 1, len, stdout) != len)
		return -EIO;
	return 0;
}

static void diff_print_summary(const struct kh_diff_result *res)
{
	printf("%zu only in A, %zu only in B, %zu changed, %zu identical\n",
	       res->only_a, res->only_b, res->changed, res->identical);
	if (res->tar_identical && !res->bytes_identical)
		printf("the tar streams are identical: only the compression differs\n");
}

static int diff_report(struct diff_cli *dc, struct diff_side *a,
		       struct diff_side *b, struct kh_error *err)
{
	size_t i;
	int ret = 0;

	if (dc->unified)
		ret = kh_diff_unified(&a->src, &b->src, dc->res, &dc->opts,
				      diff_on_patch, dc, err);
	if (ret == -EIO)
		return DIFF_EXIT_ERROR;
	if (ret) {
		cli_fail(err);
		return DIFF_EXIT_ERROR;
	}
	for (i = dc->printed; i < dc->res->nr_items; i++)
		diff_print_item(dc, i);
	diff_print_summary(dc->res);
	return 0;
}

int cli_diff_print(const struct kh_headers_src *a,
		   const struct kh_headers_src *b,
		   const struct kh_diff_result *res, bool unified)
{
	struct diff_cli dc = { .unified = unified, .res = res };
	struct diff_side sa = { .src = *a }, sb = { .src = *b };
	struct kh_error err = { 0 };
	int ret;

	kh_buf_init(&dc.line);
	ret = diff_report(&dc, &sa, &sb, &err);
	kh_buf_release(&dc.line);
	return ret;
}

static int diff_run(struct diff_cli *dc, const char *pa, const char *pb)
{
	struct kh_error err = { 0 };
	struct kh_diff_result res;
	struct diff_side a, b;
	int status = DIFF_EXIT_ERROR;

	kh_diff_result_init(&res);
	kh_buf_init(&a.xz);
	kh_buf_init(&b.xz);
	dc->res = &res;
	if (diff_open_side(dc, pa, &a, &err) ||
	    diff_open_side(dc, pb, &b, &err) ||
	    kh_diff(&a.src, &b.src, &dc->opts, &res, &err)) {
		cli_fail(&err);
		goto out_release;
	}
	status = kh_diff_equal(&res) ? 0 : 1;
	if (!dc->quiet && diff_report(dc, &a, &b, &err))
		status = DIFF_EXIT_ERROR;
out_release:
	kh_buf_release(&a.xz);
	kh_buf_release(&b.xz);
	kh_diff_result_release(&res);
	return status;
}

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "unified", no_argument, NULL, 'u' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "ignore", required_argument, NULL, 'I' },
		{ "max-size", required_argument, NULL, 'M' },
		CLI_SEARCH_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct diff_cli dc = { 0 };
	int c, ret;

	while ((c = getopt_long(argc, argv, "uqh", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			dc.unified = true;
			break;
		case 'q':
			dc.quiet = true;
			break;
		case 'I':
			if (!diff_parse_ignore(optarg, &dc.opts.ignore))
				return cli_usage_error(diff_usage,
					"bad --ignore list '%s'", optarg);
			break;
		case 'M':
			if (!cli_parse_size(optarg, &dc.opts.max_total) ||
			    !dc.opts.max_total)
				return cli_usage_error(diff_usage,
					"invalid --max-size '%s'", optarg);
			break;
		case CLI_OPT_MAX_DECODED:
		case CLI_OPT_MAX_STREAMS:
			if (cli_search_option(&dc.search, c, optarg, diff_usage))
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(diff_usage, stdout);
			return 0;
		default:
			return cli_usage_error(diff_usage, "bad option");
		}
	}
	if (argc - optind != 2)
		return cli_usage_error(diff_usage, "diff takes two inputs, A and B");
	if (!strcmp(argv[optind], "-") && !strcmp(argv[optind + 1], "-"))
		return cli_usage_error(diff_usage,
				       "only one of A and B can be '-'");
	kh_buf_init(&dc.line);
	ret = diff_run(&dc, argv[optind], argv[optind + 1]);
	kh_buf_release(&dc.line);
	return ret;
}
