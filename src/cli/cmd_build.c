// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_build.c - `kheaders build`: the kernel's kheaders_data.tar.xz from
 * the source and object trees, with Kbuild's environment as defaults.  A
 * front end to kh_build_to_file(), which owns the incremental build
 * (manifest, depfile, atomic output); here: options, verbosity, make's
 * jobserver and its signals, and what is printed.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cli.h"

static const char build_usage[] =
"usage: kheaders build --srctree DIR [--objtree DIR] --arch SRCARCH -o OUT.tar.xz\n"
"                      [--depfile FILE] [--timestamp TIME] [--threads N]\n"
"                      [--strip compact|lexer|compat|none] [--srclist FILE --objlist FILE]\n"
"                      [--profile headers|uapi|modules [--module-lds FILE]]\n"
"                      [--cache DIR | --no-cache]\n"
"                      [--cache-size SIZE] [--block-entries N] [--force]\n"
"                      [-v] [-q]\n"
"\n"
"Defaults come from the environment Kbuild sets: srctree, objtree (else .),\n"
"SRCARCH (else ARCH), KBUILD_BUILD_TIMESTAMP, SOURCE_DATE_EPOCH,\n"
"KBUILD_VERBOSE / V; under make -jN, threads beyond the first take job\n"
"tokens from make's jobserver (MAKEFLAGS).\n"
"\n"
"Compressed xz blocks are cached in DIR (default: .OUT.cache beside the\n"
"output, at most SIZE bytes, default 256M); a manifest of the inputs\n"
"(.OUT.manifest) lets a call with nothing changed return at once.\n"
"--force rebuilds anyway.  --block-entries sets the average number of\n"
"entries per xz block (default 1500; the bytes depend on it).\n"
"\n"
"--profile modules adds a kit for external module builds (make -C KIT M=DIR):\n"
"Makefiles, scripts/ and objtool sources, .config, auto.conf, the module\n"
"linker script; never a host binary, Module.symvers or the randstruct seed.\n"
"--module-lds FILE archives FILE as scripts/module.lds instead of the object\n"
"tree's (Kbuild makes that one in modules_prepare, after kernel/).\n";

enum {
	OPT_DEPFILE = 256, OPT_CACHE, OPT_NO_CACHE, OPT_CACHE_SIZE, OPT_FORCE,
};

/* build's own options; the shared build options are added to them. */
static const struct option build_own_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "depfile", required_argument, NULL, OPT_DEPFILE },
	{ "cache", required_argument, NULL, OPT_CACHE },
	{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
	{ "cache-size", required_argument, NULL, OPT_CACHE_SIZE },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct build_args {
	struct cli_build_args b;	/* opts, timestamp: shared with verify */
	struct kh_build_file_opts out;	/* -o, --depfile, --force */
	bool no_cache;
	bool verbose, quiet;
};

static void print_note(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "kheaders: %s\n", msg);
}

static void print_warning(void *ctx, const char *msg)
{
	(void)ctx;
	cli_warn("%s", msg);
}

/* Kbuild style: say what is being made, once it is known to be needed. */
static void print_rebuilding(void *ctx, const char *why)
{
	const struct build_args *a = ctx;

	if (why && a->verbose)
		fprintf(stderr, "kheaders: rebuilding: %s\n", why);
	if (!a->quiet)
		printf("  GEN     %s\n", a->out.output);
	fflush(stdout);
}

static int parse_option(struct build_args *a, int c, const char *arg)
{
	int ret;

	switch (c) {
	case 'o': a->out.output = arg; break;
	case OPT_DEPFILE: a->out.depfile = arg; break;
	case 'v': a->verbose = true; break;
	case 'q': a->quiet = true; break;
	case OPT_CACHE: a->b.opts.cache_dir = arg; a->no_cache = false; break;
	case OPT_NO_CACHE: a->no_cache = true; break;
	case OPT_FORCE: a->out.force = true; break;
	case OPT_CACHE_SIZE:
		if (!cli_parse_size(arg, &a->b.opts.cache_max) ||
		    !a->b.opts.cache_max)
			return cli_usage_error(build_usage,
				"invalid --cache-size '%s': want e.g. 256M",
				arg);
		break;
	default:
		ret = cli_build_option(&a->b, c, arg, build_usage);
		return ret < 0 ? cli_usage_error(build_usage, "invalid option") : ret;
	}
	return 0;
}

/* Kbuild's verbosity: KBUILD_VERBOSE=1 or V=1 means -v. */
static void apply_verbosity(struct build_args *a)
{
	const char *v = getenv("KBUILD_VERBOSE");

	if (!v || !*v)
		v = getenv("V");
	if (v && strchr(v, '1') && !a->quiet)
		a->verbose = true;
}

static struct sigaction old_actions[3];
static const int token_signals[3] = { SIGINT, SIGTERM, SIGHUP };

/* Give make its tokens back, then do what main() asked for. */
static void on_signal_tokens(int sig)
{
	size_t i;

	kh_jobserver_release_all();
	for (i = 0; i < 3; i++)
		if (token_signals[i] == sig)
			sigaction(sig, &old_actions[i], NULL);
	raise(sig);
}

static void catch_signals(bool on)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal_tokens;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 3; i++) {
		if (on)
			sigaction(token_signals[i], &sa, &old_actions[i]);
		else
			sigaction(token_signals[i], &old_actions[i], NULL);
	}
}

static void note_peak_rss(const struct build_args *a,
			  const struct kh_build_result *res)
{
	struct rusage ru;

	if (!a->verbose || getrusage(RUSAGE_SELF, &ru))
		return;
	fprintf(stderr, "kheaders: %u threads; peak RSS %ld MiB\n",
		res->threads, ru.ru_maxrss / 1024);
}

static int run_build(struct build_args *a)
{
	struct kh_build_file_result res;
	struct kh_jobserver *js = NULL;
	struct kh_error err;
	int ret;

	if (kh_jobserver_open(&js, getenv("MAKEFLAGS")))
		return cli_error("out of memory");
	a->b.opts.jobserver = js;
	if (js)
		catch_signals(true);
	ret = kh_build_to_file(&a->b.opts, &a->out, &res, &err);
	kh_jobserver_close(js);
	if (js)
		catch_signals(false);
	if (ret)
		ret = cli_fail(&err);
	else if (!res.rebuilt && a->verbose)
		fprintf(stderr, "kheaders: '%s' is up to date\n",
			a->out.output);
	if (res.rebuilt)
		note_peak_rss(a, &res.build);
	kh_build_result_release(&res.build);
	return ret;
}

static void prepare(struct build_args *a)
{
	if (a->no_cache)
		a->b.opts.cache_dir = NULL;
	a->out.cache_beside = !a->no_cache;
	a->out.rebuilding = print_rebuilding;
	a->out.rebuilding_ctx = a;
	a->b.opts.warn = print_warning;
	if (a->verbose)
		a->b.opts.note = print_note;
}

static int parse_args(struct build_args *a, int argc, char **argv)
{
	int c, ret;

	const struct option *opts = cli_build_options_with(build_own_options);

	while ((c = getopt_long(argc, argv, "o:vqh", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(build_usage, stdout);
			return -1;
		}
		if (c == '?')
			return cli_usage_error(build_usage, "invalid option");
		ret = parse_option(a, c, optarg);
		if (ret)
			return ret;
	}
	if (optind < argc)
		return cli_usage_error(build_usage, "unexpected argument '%s'",
				       argv[optind]);
	if (!a->out.output)
		return cli_usage_error(build_usage, "no output: give -o OUT.tar.xz");
	apply_verbosity(a);
	ret = cli_build_finish(&a->b, build_usage);
	if (!ret)
		prepare(a);
	return ret;
}

int cmd_build(int argc, char **argv)
{
	struct build_args a = { 0 };
	int ret;

	kh_build_opts_init(&a.b.opts);
	ret = parse_args(&a, argc, argv);
	if (ret)
		return ret < 0 ? 0 : ret;
	return run_build(&a);
}
