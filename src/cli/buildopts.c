// SPDX-License-Identifier: GPL-2.0
/*
 * buildopts.c - the options that say how an archive is built, shared by
 * the subcommands that build one (`verify`, and `build`): their getopt
 * entries, parsing, and the defaults Kbuild's environment gives.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct option cli_build_options[] = {
	{ "srctree", required_argument, NULL, CLI_OPT_SRCTREE },
	{ "objtree", required_argument, NULL, CLI_OPT_OBJTREE },
	{ "arch", required_argument, NULL, CLI_OPT_ARCH },
	{ "timestamp", required_argument, NULL, CLI_OPT_TIMESTAMP },
	{ "threads", required_argument, NULL, CLI_OPT_THREADS },
	{ "strip", required_argument, NULL, CLI_OPT_STRIP },
	{ "srclist", required_argument, NULL, CLI_OPT_SRCLIST },
	{ "objlist", required_argument, NULL, CLI_OPT_OBJLIST },
	{ "profile", required_argument, NULL, CLI_OPT_PROFILE },
	{ "block-entries", required_argument, NULL, CLI_OPT_BLOCK_ENTRIES },
	{ "module-lds", required_argument, NULL, CLI_OPT_MODULE_LDS },
	{ NULL, 0, NULL, 0 },
};

const struct option *cli_build_options_with(const struct option *own)
{
	static struct option all[48];
	size_t n = 0, i;

	for (i = 0; own[i].name && n < 32; i++)
		all[n++] = own[i];
	for (i = 0; cli_build_options[i].name; i++)
		all[n++] = cli_build_options[i];
	memset(&all[n], 0, sizeof(all[n]));
	return all;
}

static int parse_count(const char *opt, const char *arg, long max, long *n,
		       const char *usage)
{
	char *end;

	errno = 0;
	*n = strtol(arg, &end, 10);
	if (errno || *end || *n < 1 || *n > max)
		return cli_usage_error(usage, "invalid --%s '%s': want 1 to %ld",
				       opt, arg, max);
	return 0;
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

int cli_build_option(struct cli_build_args *a, int c, const char *arg,
		     const char *usage)
{
	long n;

	switch (c) {
	case CLI_OPT_SRCTREE: a->opts.srctree = arg; break;
	case CLI_OPT_OBJTREE: a->opts.objtree = arg; break;
	case CLI_OPT_ARCH: a->opts.arch = arg; break;
	case CLI_OPT_TIMESTAMP: a->timestamp = arg; break;
	case CLI_OPT_SRCLIST: a->opts.srclist = arg; break;
	case CLI_OPT_OBJLIST: a->opts.objlist = arg; break;
	case CLI_OPT_MODULE_LDS: a->opts.module_lds = arg; break;
	case CLI_OPT_THREADS:
		if (parse_count("threads", arg, 1024, &n, usage))
			return EXIT_USAGE;
		a->opts.threads = n;
		break;
	case CLI_OPT_BLOCK_ENTRIES:
		if (parse_count("block-entries", arg, 1L << 24, &n, usage))
			return EXIT_USAGE;
		a->opts.block_entries = n;
		break;
	case CLI_OPT_STRIP:
		n = kh_strip_mode_parse(arg);
		if (n < 0)
			return cli_usage_error(usage,
				"invalid --strip '%s': want compact, lexer, compat or none",
				arg);
		a->opts.strip_mode = n;
		break;
	case CLI_OPT_PROFILE:
		if (!strcmp(arg, "headers"))
			a->opts.profile = KH_PROFILE_HEADERS;
		else if (!strcmp(arg, "uapi"))
			a->opts.profile = KH_PROFILE_UAPI;
		else if (!strcmp(arg, "modules"))
			a->opts.profile = KH_PROFILE_MODULES;
		else
			return cli_usage_error(usage,
				"invalid --profile '%s': want headers, uapi or modules",
				arg);
		break;
	default:
		return -1;
	}
	return 0;
}

int cli_build_finish(struct cli_build_args *a, const char *usage)
{
	struct kh_error err;
	const char *ts = a->timestamp;
	char *epoch = NULL;
	int ret = 0;

	if (!a->opts.srctree)
		a->opts.srctree = env("srctree") ? env("srctree") : ".";
	if (!a->opts.objtree)
		a->opts.objtree = env("objtree") ? env("objtree") : ".";
	if (!a->opts.arch)
		a->opts.arch = env("SRCARCH") ? env("SRCARCH") : env("ARCH");
	if (!!a->opts.srclist != !!a->opts.objlist)
		return cli_usage_error(usage,
				       "--srclist and --objlist go together");
	if (a->opts.module_lds && a->opts.profile != KH_PROFILE_MODULES)
		return cli_usage_error(usage,
				       "--module-lds goes with --profile modules");
	if (!a->opts.arch && !a->opts.srclist)
		return cli_usage_error(usage,
				       "no architecture: give --arch or set SRCARCH");
	if (!ts)
		ts = env("KBUILD_BUILD_TIMESTAMP");
	if (!ts && env("SOURCE_DATE_EPOCH")) {
		if (asprintf(&epoch, "@%s", env("SOURCE_DATE_EPOCH")) < 0)
			return cli_error("out of memory");
		ts = epoch;
	}
	a->have_timestamp = ts != NULL;
	if (ts && kh_timestamp_parse(ts, &a->opts.mtime, &err))
		ret = cli_usage_error(usage, "%s", err.msg);
	free(epoch);
	return ret;
}
