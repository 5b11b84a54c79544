// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - the kheaders command: dispatch to one subcommand per file
 * (cmd_<name>.c), the only layer that prints.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

struct cmd_struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct cmd_struct commands[] = {
	{ "build", cmd_build, "build the headers archive from kernel trees" },
	{ "embed", cmd_embed, "wrap an archive in an object file with markers" },
	{ "extract", cmd_extract, "get the archive out of an image, module or file" },
	{ "list", cmd_list, "list the entries of an archive" },
	{ "diff", cmd_diff, "compare two header sets" },
	{ "verify", cmd_verify, "rebuild from trees and compare with an image" },
	{ "strip", cmd_strip, "strip comments from headers the way build does" },
	{ "prepare", cmd_prepare, "unpack the running kernel's headers for tracers" },
	{ "symvers", cmd_symvers, "write Module.symvers from a kernel image and modules" },
	{ "uapi", cmd_uapi, "install the user-space API headers (headers_install)" },
	{ "drift", cmd_drift, "report copies of kernel headers that differ from them" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: kheaders <command> [options]\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "   %-9s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n'kheaders <command> --help' shows a command's options.\n");
}

int cli_fail(const struct kh_error *err)
{
	fprintf(stderr, "kheaders: %s\n", err->msg);
	return 1;
}

/* Print "kheaders: <prefix><message>" as one line (see kh_one_line()). */
static void cli_vprint(const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void cli_vprint(const char *prefix, const char *fmt, va_list ap)
{
	char msg[8192];	/* the CLI's own lines may name two long paths */

	vsnprintf(msg, sizeof(msg), fmt, ap);
	kh_one_line(msg, sizeof(msg));
	fprintf(stderr, "kheaders: %s%s\n", prefix, msg);
}

int cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vprint("", fmt, ap);
	va_end(ap);
	return 1;
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vprint("warning: ", fmt, ap);
	va_end(ap);
}

int cli_usage_error(const char *usage_text, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vprint("", fmt, ap);
	va_end(ap);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

bool cli_parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	}
	if (*end == 'i' && shift)
		end++;
	if ((*end == 'B' || *end == 'b') && shift)
		end++;
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return false;
	*out = (uint64_t)v << shift;
	return true;
}

int cli_search_option(struct kh_extract_opts *eo, int c, const char *arg,
		      const char *usage)
{
	uint64_t *to;

	if (c == CLI_OPT_MAX_DECODED)
		to = &eo->max_decoded;
	else if (c == CLI_OPT_MAX_STREAMS)
		to = &eo->max_streams;
	else
		return -1;
	if (!cli_parse_size(arg, to) || !*to)
		return cli_usage_error(usage, "invalid --%s '%s'",
				       c == CLI_OPT_MAX_DECODED ? "max-decoded" :
				       "max-streams", arg);
	return 0;
}

/*
 * Remove the temporary outputs (the previous outputs stay as they were),
 * say so in one line, and die of the signal so that make sees it.
 */
static void on_signal(int sig)
{
	static const char *const msgs[] = {
		[SIGINT] = "kheaders: interrupted by SIGINT, temporary files removed\n",
		[SIGTERM] = "kheaders: terminated by SIGTERM, temporary files removed\n",
		[SIGHUP] = "kheaders: hangup (SIGHUP), temporary files removed\n",
		[SIGPIPE] = "kheaders: broken pipe (SIGPIPE), temporary files removed\n",
	};
	const char *msg = sig < (int)ARRAY_SIZE(msgs) ?
			  msgs[sig] : NULL;

	kh_outfile_cleanup_all();
	if (msg && write(STDERR_FILENO, msg, strlen(msg)) < 0)
		msg = NULL;
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_signal_cleanup(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

static int finish(int status)
{
	if (fflush(stdout) || ferror(stdout) || fclose(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "kheaders: cannot write to standard output: %s\n",
				strerror(errno));
		return status ? status : 1;
	}
	return status;
}

int main(int argc, char **argv)
{
	const char *name;
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") ||
	    !strcmp(name, "help")) {
		usage(stdout);
		return finish(0);
	}
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("kheaders %s (liblzma %s)\n", kh_version(),
		       kh_lzma_version());
		return finish(0);
	}
	install_signal_cleanup();
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(name, commands[i].name))
			return finish(commands[i].fn(argc - 1, argv + 1));
	fprintf(stderr, "kheaders: '%s' is not a kheaders command\n", name);
	usage(stderr);
	return EXIT_USAGE;
}
