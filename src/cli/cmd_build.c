// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_build.c - `kheaders build`: the kernel's kheaders_data.tar.xz from
 * the source and object trees, with Kbuild's environment as defaults.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char build_usage[] =
"usage: kheaders build --srctree DIR [--objtree DIR] --arch SRCARCH -o OUT.tar.xz\n"
"                      [--depfile FILE] [--timestamp TIME] [--threads N]\n"
"                      [--strip compact|lexer|compat|none] [--srclist FILE --objlist FILE]\n"
"                      [--profile headers|uapi] [--cache DIR | --no-cache]\n"
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
"entries per xz block (default 1500; the bytes depend on it).\n";

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
	const char *output;
	const char *depfile;
	const char *cache;
	bool no_cache, force;
	bool verbose, quiet;
	char *manifest;		/* owned */
	ino_t out_inodes[2];	/* what this build wrote */
	char *default_cache;	/* owned */
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

static int parse_option(struct build_args *a, int c, const char *arg)
{
	int ret;

	switch (c) {
	case 'o': a->output = arg; break;
	case OPT_DEPFILE: a->depfile = arg; break;
	case 'v': a->verbose = true; break;
	case 'q': a->quiet = true; break;
	case OPT_CACHE: a->cache = arg; a->no_cache = false; break;
	case OPT_NO_CACHE: a->no_cache = true; break;
	case OPT_FORCE: a->force = true; break;
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

/* The output must never be one of the inputs it is made from. */
static int check_output_not_input(const char *output,
				  const struct kh_build_result *res)
{
	struct stat out, st;
	size_t i;

	if (stat(output, &out) < 0)
		return 0;
	for (i = 0; i < res->nr_deps; i++)
		if (!stat(res->deps[i], &st) && st.st_dev == out.st_dev &&
		    st.st_ino == out.st_ino)
			return cli_error("output '%s' is also an input ('%s')",
					 output, res->deps[i]);
	return 0;
}

/* The depfile goes in first: a new archive never stands without its own. */
static int write_depfile(struct build_args *a,
			 const struct kh_build_result *res, struct kh_error *err)
{
	struct kh_outfile df = { 0 };
	struct kh_buf dep;
	struct stat st;
	int ret;

	kh_buf_init(&dep);
	ret = kh_depfile_format(&dep, a->output, res->deps, res->nr_deps, err);
	if (!ret)
		ret = kh_outfile_open(&df, a->depfile, err);
	if (!ret)
		ret = kh_outfile_write(&df, dep.data, dep.len, err);
	if (!ret && !fstat(df.fd, &st))
		a->out_inodes[1] = st.st_ino;
	if (!ret)
		ret = kh_outfile_commit(&df, err);
	else if (df.path)
		kh_outfile_abort(&df);
	kh_buf_release(&dep);
	return ret;
}

static int write_outputs(struct build_args *a,
			 const struct kh_build_result *res)
{
	const struct timespec times[2] = { res->snapshot, res->snapshot };
	struct kh_outfile of = { 0 };
	struct kh_error err;
	struct stat st;

	if (kh_outfile_open(&of, a->output, &err) ||
	    kh_outfile_write(&of, res->xz.data, res->xz.len, &err))
		goto out_abort;
	if (futimens(of.fd, times) < 0)
		cli_warn("cannot set the mtime of '%s': %s", a->output,
			 strerror(errno));
	if (!fstat(of.fd, &st))
		a->out_inodes[0] = st.st_ino;
	if (a->depfile && write_depfile(a, res, &err))
		goto out_abort;
	if (kh_outfile_commit(&of, &err))
		return cli_fail(&err);
	return 0;

out_abort:
	if (of.path)
		kh_outfile_abort(&of);
	return cli_fail(&err);
}

/* "<dir of output>/.<name of output><suffix>" (malloc'd). */
static char *beside_output(const char *output, const char *suffix)
{
	char *d = strdup(output), *b = strdup(output), *s = NULL;

	if (d && b && asprintf(&s, "%s/.%s%s", dirname(d), basename(b),
			       suffix) < 0)
		s = NULL;
	free(d);
	free(b);
	return s;
}

/* Everything but the inputs' contents that decides the outputs. */
static char *settings_line(const struct build_args *a)
{
	const struct kh_build_opts *o = &a->b.opts;
	char *lib = kh_build_settings(o), *s = NULL;

	if (lib && asprintf(&s, "%s srctree=%s objtree=%s arch=%s srclist=%s objlist=%s output=%s depfile=%s",
			    lib, o->srctree, o->objtree, o->arch ? o->arch : "",
			    o->srclist ? o->srclist : "",
			    o->objlist ? o->objlist : "", a->output,
			    a->depfile ? a->depfile : "") < 0)
		s = NULL;
	free(lib);
	return s;
}

static void write_manifest(const struct build_args *a, const char *settings,
			   const struct kh_build_result *res)
{
	const char *outputs[2] = { a->output, a->depfile };
	char **inputs = NULL, **watch = NULL;
	struct kh_error err;
	size_t nr_watch = 0;

	if (kh_build_watch_paths(&a->b.opts, &watch, &nr_watch))
		goto out;
	inputs = calloc(res->nr_deps + nr_watch + 1, sizeof(*inputs));
	if (!inputs)
		goto out;
	/* memcpy() from NULL is undefined even for 0 bytes (--profile uapi). */
	if (res->nr_deps)
		memcpy(inputs, res->deps, res->nr_deps * sizeof(*inputs));
	if (nr_watch)
		memcpy(inputs + res->nr_deps, watch, nr_watch * sizeof(*inputs));
	if (kh_manifest_write(a->manifest, settings, &res->snapshot, inputs,
			      res->nr_deps + nr_watch, outputs, a->out_inodes,
			      a->depfile ? 2 : 1, &err) && a->verbose)
		fprintf(stderr, "kheaders: %s (the next call will rebuild)\n",
			err.msg);
out:
	free(inputs);
	kh_build_watch_paths_free(watch, nr_watch);
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

static int run_build(struct build_args *a, const char *settings)
{
	struct kh_jobserver *js = NULL;
	struct kh_build_result res;
	struct kh_error err;
	int ret;

	if (kh_jobserver_open(&js, getenv("MAKEFLAGS")))
		return cli_error("out of memory");
	a->b.opts.jobserver = js;
	if (js)
		catch_signals(true);
	unlink(a->manifest);
	ret = kh_build(&a->b.opts, &res, &err);
	kh_jobserver_close(js);
	if (js)
		catch_signals(false);
	if (ret)
		return cli_fail(&err);
	ret = check_output_not_input(a->output, &res);
	if (!ret)
		ret = write_outputs(a, &res);
	if (!ret && settings)
		write_manifest(a, settings, &res);
	note_peak_rss(a, &res);
	kh_build_result_release(&res);
	return ret;
}

static int prepare(struct build_args *a)
{
	a->manifest = beside_output(a->output, ".manifest");
	if (!a->manifest)
		return cli_error("out of memory");
	if (!a->no_cache && !a->cache) {
		a->default_cache = beside_output(a->output, ".cache");
		if (!a->default_cache)
			return cli_error("out of memory");
		a->cache = a->default_cache;
	}
	a->b.opts.cache_dir = a->no_cache ? NULL : a->cache;
	a->b.opts.warn = print_warning;
	if (a->verbose)
		a->b.opts.note = print_note;
	return 0;
}

static bool up_to_date(const struct build_args *a, const char *settings)
{
	const char *outputs[2] = { a->output, a->depfile };
	char why[512];

	if (a->force || !settings)
		return false;
	if (kh_manifest_fresh(a->manifest, settings, outputs,
			      a->depfile ? 2 : 1, why, sizeof(why))) {
		if (a->verbose)
			fprintf(stderr, "kheaders: '%s' is up to date\n",
				a->output);
		return true;
	}
	if (a->verbose)
		fprintf(stderr, "kheaders: rebuilding: %s\n", why);
	return false;
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
	if (!a->output)
		return cli_usage_error(build_usage, "no output: give -o OUT.tar.xz");
	apply_verbosity(a);
	ret = cli_build_finish(&a->b, build_usage);
	return ret ? ret : prepare(a);
}

int cmd_build(int argc, char **argv)
{
	struct build_args a = { 0 };
	char *settings = NULL;
	int ret;

	kh_build_opts_init(&a.b.opts);
	ret = parse_args(&a, argc, argv);
	if (ret) {
		ret = ret < 0 ? 0 : ret;
		goto out;
	}
	settings = settings_line(&a);
	if (up_to_date(&a, settings))
		goto out;
	if (!a.quiet)
		printf("  GEN     %s\n", a.output);
	fflush(stdout);
	ret = run_build(&a, settings);
out:
	free(settings);
	free(a.manifest);
	free(a.default_cache);
	return ret;
}
