/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli.h - what the subcommands share: the entry points dispatched from
 * main.c and the few helpers that turn library errors into output.
 * Only the CLI prints; exit status is 0 success, 1 failure, 2 usage.
 */
#ifndef KH_CLI_H
#define KH_CLI_H

#include <getopt.h>

#include <kheaders.h>

#define EXIT_USAGE 2

/* The command line's own copy: it sees kheaders.h alone, not util.h. */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

int cmd_build(int argc, char **argv);
int cmd_embed(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_strip(int argc, char **argv);
int cmd_prepare(int argc, char **argv);
int cmd_symvers(int argc, char **argv);
int cmd_uapi(int argc, char **argv);
int cmd_drift(int argc, char **argv);

/*
 * The search budget that every command reading an input takes
 * (struct kh_extract_opts.max_decoded and .max_streams).
 */
enum { CLI_OPT_MAX_DECODED = 900, CLI_OPT_MAX_STREAMS };
#define CLI_SEARCH_OPTIONS \
	{ "max-decoded", required_argument, NULL, CLI_OPT_MAX_DECODED }, \
	{ "max-streams", required_argument, NULL, CLI_OPT_MAX_STREAMS }
#define CLI_SEARCH_USAGE \
	"      --max-decoded BYTES  give up the search after decoding this\n" \
	"                           much, every stream together (2G)\n" \
	"      --max-streams N      give up the search after N candidate\n" \
	"                           streams and markers (16384)\n"

/*
 * cli_search_option() - apply search option @c (a CLI_OPT_MAX_* value).
 * Return: 0, EXIT_USAGE after printing @usage, or -1 if @c is not one.
 */
int cli_search_option(struct kh_extract_opts *eo, int c, const char *arg,
		      const char *usage);

/* Build options shared by the subcommands that build an archive. */
enum {
	CLI_OPT_SRCTREE = 1000, CLI_OPT_OBJTREE, CLI_OPT_ARCH,
	CLI_OPT_TIMESTAMP, CLI_OPT_THREADS, CLI_OPT_STRIP, CLI_OPT_SRCLIST,
	CLI_OPT_OBJLIST, CLI_OPT_PROFILE, CLI_OPT_BLOCK_ENTRIES,
	CLI_OPT_MODULE_LDS,
};

struct cli_build_args {
	struct kh_build_opts opts;	/* kh_build_opts_init() first */
	const char *timestamp;		/* --timestamp as given */
	bool have_timestamp;		/* from the option or the environment */
};

/* The getopt_long entries of the build options, NULL-terminated. */
extern const struct option cli_build_options[];

/*
 * cli_build_options_with() - a subcommand's own options (NULL-terminated,
 * at most 32) followed by the build options, in a static table.
 */
const struct option *cli_build_options_with(const struct option *own);

/*
 * cli_build_option() - apply build option @c (a CLI_OPT_* value).
 * Return: 0, EXIT_USAGE after printing @usage, or -1 if @c is not one.
 */
int cli_build_option(struct cli_build_args *a, int c, const char *arg,
		     const char *usage);

/*
 * cli_build_finish() - fill what the options left out from the environment
 * Kbuild sets (srctree, objtree, SRCARCH/ARCH, KBUILD_BUILD_TIMESTAMP,
 * SOURCE_DATE_EPOCH) and parse the timestamp.  Return: 0 or EXIT_USAGE.
 */
int cli_build_finish(struct cli_build_args *a, const char *usage);

/*
 * cli_diff_print() - print a header-set comparison the way `kheaders diff`
 * does (items, optional unified hunks, summary line).  Return: 0, or 2 on
 * an error (already printed).
 */
int cli_diff_print(const struct kh_headers_src *a,
		   const struct kh_headers_src *b,
		   const struct kh_diff_result *res, bool unified);

/* ---- format.c: text for people ---------------------------------------- */

/* cli_utf8_valid() - @len bytes at @s are well-formed UTF-8. */
bool cli_utf8_valid(const char *s, size_t len);

/*
 * cli_quote_name() - append @s for a line of text: backslash as "\\",
 * \a \b \t \n \v \f \r as such, other control bytes and DEL as "\ooo";
 * everything else (including non-ASCII bytes) as is.
 */
int cli_quote_name(struct kh_buf *out, const char *s);

/*
 * cli_json_string() - append @s as a quoted JSON string.  Well-formed UTF-8
 * is copied; control characters, '"' and '\' are escaped; each byte that
 * is not part of well-formed UTF-8 becomes "\u00XX" (its value).
 */
int cli_json_string(struct kh_buf *out, const char *s);

/* cli_hex_string() - append @s as lowercase hex, two digits per byte. */
int cli_hex_string(struct kh_buf *out, const char *s);

/*
 * cli_diff_describe() - append what changed in @item, e.g. "content, mode"
 * or "mtime only"; nothing for entries on one side only.
 */
int cli_diff_describe(const struct kh_diff_item *item, struct kh_buf *out);

/* cli_fail() - print "kheaders: <msg>" from @err; return 1. */
int cli_fail(const struct kh_error *err);

/* cli_error() - print "kheaders: <formatted>"; return 1. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* cli_usage_error() - print the problem and @usage to stderr; return 2. */
int cli_usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* cli_warn() - print "kheaders: warning: <formatted>". */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* cli_parse_size() - parse "123", "4K", "16M", "1G"; false if invalid. */
bool cli_parse_size(const char *s, uint64_t *out);

#endif /* KH_CLI_H */
