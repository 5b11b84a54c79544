// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_strip.c - `kheaders strip`: remove comments from header files exactly
 * as `build` does, one file to standard output (or -o), several into an
 * output directory where each keeps the relative path it was named by.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

#define STRIP_MAX_INPUT (1024UL * 1024 * 1024)

static const char strip_usage[] =
	"usage: kheaders strip [--mode compact|lexer|compat|none] FILE [-o OUT]\n"
	"   or: kheaders strip [--mode MODE] --output-dir DIR FILE...\n"
	"\n"
	"  -m, --mode MODE        compact (default): C lexer, keeps SPDX comments,\n"
	"                         never merges tokens; lines that held only\n"
	"                         comments go;\n"
	"                         lexer: the same, but every line keeps its number;\n"
	"                         compat: byte for byte the stock perl substitution;\n"
	"                         none: copy\n"
	"  -o, --output OUT       write the one FILE's result to OUT (default: stdout)\n"
	"  -d, --output-dir DIR   write each FILE to DIR/FILE (leading '/' dropped)\n"
	"  -h, --help             show this help\n"
	"FILE may be '-' (standard input) when writing to stdout or -o.\n";

static const struct option strip_options[] = {
	{ "mode", required_argument, NULL, 'm' },
	{ "output", required_argument, NULL, 'o' },
	{ "output-dir", required_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct strip_opts {
	enum kh_strip_mode mode;
	const char *output;
	const char *output_dir;
};

/* Read @path ("-": stdin) and strip it in place into @buf. */
static int strip_load(const struct strip_opts *o, const char *path,
		      struct kh_buf *buf, struct kh_error *err)
{
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	size_t len;
	int ret;

	if (strcmp(path, "-"))
		ret = kh_read_file(path, STRIP_MAX_INPUT, buf, err);
	else
		ret = kh_read_fd(0, name, STRIP_MAX_INPUT, buf, err);
	if (ret)
		return ret;
	ret = kh_strip(o->mode, (char *)buf->data, buf->len, (char *)buf->data,
		       &len, name, err);
	if (ret)
		return ret;
	kh_buf_setlen(buf, len);
	return 0;
}

/* Create every missing parent directory of @path. */
static int strip_mkparents(char *path)
{
	char *p;

	for (p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0777) && errno != EEXIST) {
			cli_error("cannot create directory '%s': %s", path,
				  strerror(errno));
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

static bool strip_path_escapes(const char *rel)
{
	const char *p = rel;

	while (*p) {
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || !p[2]))
			return true;
		p = strchrnul(p, '/');
		while (*p == '/')
			p++;
	}
	return false;
}

/* Destination of @path under the output directory (malloc'd) or NULL. */
static char *strip_dest(const struct strip_opts *o, const char *path)
{
	const char *rel = path;
	char *dest;

	while (*rel == '/')
		rel++;
	if (!*rel || strip_path_escapes(rel)) {
		cli_error("'%s': cannot place this path under '%s'", path,
			  o->output_dir);
		return NULL;
	}
	if (asprintf(&dest, "%s/%s", o->output_dir, rel) < 0) {
		cli_error("'%s': out of memory", path);
		return NULL;
	}
	if (strip_mkparents(dest)) {
		free(dest);
		return NULL;
	}
	return dest;
}

static int strip_one(const struct strip_opts *o, const char *path)
{
	struct kh_error err;
	struct kh_buf buf;
	char *dest = NULL;
	int status = 1;

	kh_buf_init(&buf);
	if (strip_load(o, path, &buf, &err)) {
		cli_fail(&err);
		goto out_release;
	}
	if (o->output_dir) {
		dest = strip_dest(o, path);
		if (!dest)
			goto out_release;
	}
	if (dest || o->output) {
		if (kh_write_file_atomic(dest ? dest : o->output, buf.data,
					 buf.len, &err)) {
			cli_fail(&err);
			goto out_free_dest;
		}
	} else if (buf.len && fwrite(buf.data, buf.len, 1, stdout) != 1) {
		cli_error("cannot write to standard output: %s",
			  strerror(errno));
		goto out_free_dest;
	}
	status = 0;
out_free_dest:
	free(dest);
out_release:
	kh_buf_release(&buf);
	return status;
}

static int strip_parse(int argc, char **argv, struct strip_opts *o)
{
	int c, mode;

	optind = 1;
	while ((c = getopt_long(argc, argv, "m:o:d:h", strip_options,
				NULL)) != -1) {
		switch (c) {
		case 'm':
			mode = kh_strip_mode_parse(optarg);
			if (mode < 0)
				return cli_usage_error(strip_usage,
					"unknown strip mode '%s'", optarg);
			o->mode = mode;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'd':
			o->output_dir = optarg;
			break;
		case 'h':
			fputs(strip_usage, stdout);
			return -1;
		default:
			fputs(strip_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return cli_usage_error(strip_usage, "no FILE given");
	if (o->output && o->output_dir)
		return cli_usage_error(strip_usage,
			"--output and --output-dir exclude each other");
	if (argc - optind > 1 && !o->output_dir)
		return cli_usage_error(strip_usage,
			"several files need --output-dir");
	return 0;
}

int cmd_strip(int argc, char **argv)
{
	struct strip_opts o = { .mode = KH_STRIP_COMPACT };
	int i, ret, status = 0;

	ret = strip_parse(argc, argv, &o);
	if (ret)
		return ret < 0 ? 0 : ret;
	for (i = optind; i < argc; i++) {
		if (o.output_dir && !strcmp(argv[i], "-")) {
			status = cli_usage_error(strip_usage,
				"'-' cannot be used with --output-dir");
			break;
		}
		if (strip_one(&o, argv[i]))
			status = 1;
	}
	return status;
}
