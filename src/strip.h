/* SPDX-License-Identifier: GPL-2.0 */
/*
 * strip.h - removing comments from C headers, buffer in, buffer out.
 *
 * KH_STRIP_LEXER: a C lexer (phases 1-3: line splices, string and character
 *   literals, // and block comments) removes block comments, except those
 *   containing "SPDX"; never merges tokens, never adds a newline inside a
 *   logical line, keeps line numbers of the lines that follow (rules in
 *   docs/strip.md).
 * KH_STRIP_COMPACT: the same lexer, but the newlines inside removed comments
 *   are dropped, and so is every logical line that held only removed
 *   comments and blanks (lines move, as with the stock script; blank lines
 *   of the source stay).  The default: the smallest archive.
 * KH_STRIP_COMPAT: byte for byte what the stock gen_kheaders.sh's perl
 *   substitution s/\/\*((?!SPDX).)*?\*\///smg does to a whole file.
 * KH_STRIP_NONE: a copy.
 */
#ifndef KH_STRIP_H
#define KH_STRIP_H

#include <stddef.h>

#include "kheaders.h"

enum kh_strip_mode {
	KH_STRIP_COMPACT,
	KH_STRIP_LEXER,
	KH_STRIP_COMPAT,
	KH_STRIP_NONE,
};

/*
 * kh_strip() - strip comments from one header held in memory.
 * @mode: see above
 * @in: the header's bytes (need not be NUL terminated); @len bytes
 * @out: caller's buffer of at least @len bytes; may equal @in (in place)
 * @out_len: set to the number of bytes written (never more than @len)
 * @name: the header's name, for error messages
 * @err: filled on failure
 *
 * Pure: no allocation, no I/O; linear in @len.
 *
 * Return: 0, or -EINVAL for an unterminated block comment (lexer mode),
 * with @err saying "'<name>': unterminated comment at line N".  On failure
 * the contents of @out (so of @in, in place) are unspecified.
 */
int kh_strip(enum kh_strip_mode mode, const char *in, size_t len, char *out,
	     size_t *out_len, const char *name, struct kh_error *err);

/*
 * kh_strip_mode_parse() - "compact", "lexer", "compat", "none"; -1 if
 * unknown.
 */
int kh_strip_mode_parse(const char *s);

/* kh_strip_mode_name() - the name kh_strip_mode_parse() takes. */
const char *kh_strip_mode_name(enum kh_strip_mode mode);

#endif /* KH_STRIP_H */
