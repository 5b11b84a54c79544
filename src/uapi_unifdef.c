// SPDX-License-Identifier: GPL-2.0
/*
 * uapi_unifdef.c - the "unifdef -U__KERNEL__ -D__EXPORTED_HEADERS__" step of
 * headers_install, with the semantics of the unifdef 2.5 the kernel carries
 * in scripts/unifdef.c (not of later unifdef releases): a line is what
 * fgets() returns into a 4096-byte buffer (longer lines come in pieces),
 * so a NUL byte ends what is looked at and printed of it; an #if whose
 * expression names neither symbol ("#if 0", "#if 1") is kept as it is; an
 * #if or #elif that names one of them among unknown ones is kept verbatim
 * unless && or || decide it; an #elif that survives a removed false #if is
 * rewritten to "#if  ", a true #elif after a kept one to "#else" and the
 * directive after it to "#endif"; a directive that a comment spreads over
 * lines ("dodgy") is an error where its removal would change the output,
 * as are an unterminated literal, a comment open at the end and nesting
 * of 63 levels.  Only the options headers_install passes are implemented:
 * no ignored symbols, no -k, -b, -B, -c, -n, -e, -K.
 */
#include <errno.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "util.h"
#include "uapi.h"

#define UF_LINE_MAX	4096	/* the fgets() buffer of one line */
#define UF_SLOP		10	/* room for a rewritten keyword */
#define UF_DEPTH_MAX	64

/* What a line is: a directive of each kind, code, or the end. */
enum uf_type {
	UF_IF,			/* #if/#ifdef/#ifndef we cannot decide */
	UF_TRUE,		/* ... that is true */
	UF_FALSE,		/* ... that is false */
	UF_ELIF,		/* the same three for #elif */
	UF_ELTRUE,
	UF_ELFALSE,
	UF_ELSE,
	UF_ENDIF,
	UF_NR_DIRECTIVES,
	UF_PLAIN = UF_NR_DIRECTIVES,
	UF_EOF,
	UF_ERROR,		/* an expression that does not parse */
};

/* Where the current #if group stands. */
enum uf_state {
	US_OUTSIDE,
	US_FALSE_PREFIX,	/* only false branches so far: all dropped */
	US_TRUE_PREFIX,		/* the first decided branch was true */
	US_PASS_MIDDLE,		/* an undecided branch is being kept */
	US_FALSE_MIDDLE,	/* a false #elif after a kept branch */
	US_TRUE_MIDDLE,		/* a true #elif after a kept branch */
	US_PASS_ELSE,		/* #else after a kept branch */
	US_FALSE_ELSE,		/* #else after a true branch */
	US_TRUE_ELSE,		/* #else after only false branches */
	US_FALSE_TRAILER,	/* branches after a true one */
	US_NR,
};

/* Where the lexer is, carried from line to line. */
enum uf_lex {
	UL_CODE,
	UL_BLOCK,		/* inside a block comment */
	UL_LINE,		/* inside a // comment */
	UL_SLASH,		/* after slash, backslash, newline */
	UL_STAR,		/* after star, backslash, newline in a comment */
	UL_CHAR,		/* inside '' */
	UL_STRING,		/* inside "" */
};

/* Can the current line still be a directive? */
enum uf_pos {
	UP_START,		/* only blanks and comments so far */
	UP_HASH,		/* ... and a '#' */
	UP_DIRTY,		/* no */
};

/*
 * What each transition does to the line and the nesting: the line is
 * printed or dropped, possibly with its keyword rewritten; a new group is
 * entered or the current one left; then the group's state is set.
 */
enum uf_act {
	UA_PRINT,		/* the line, state unchanged */
	UA_DROP,
	UA_DONE,		/* end of input at the top level */
	UA_ERR_ELIF,		/* a directive where it does not belong */
	UA_ERR_ELSE,
	UA_ERR_ENDIF,
	UA_ERR_EOF,
	UA_ERR_DODGY,		/* a spread directive that decides output */
	UA_KEEP,		/* print, then the next state */
	UA_HIDE,		/* drop, then the next state */
	UA_ENTER_KEEP,		/* a new group: print, then the state */
	UA_ENTER_HIDE,		/* a new group: drop, then the state */
	UA_LEAVE_KEEP,		/* #endif printed */
	UA_LEAVE_HIDE,		/* #endif dropped */
	UA_AS_IF,		/* "elif" becomes "if  ", printed */
	UA_AS_ELSE,		/* the directive becomes "else", printed */
	UA_AS_ENDIF,		/* the directive becomes "endif", printed */
};

struct uf_cell {
	unsigned char act;
	unsigned char next;
};

#define K(s)	{ UA_KEEP, US_##s }
#define H(s)	{ UA_HIDE, US_##s }
#define EK(s)	{ UA_ENTER_KEEP, US_##s }
#define EH(s)	{ UA_ENTER_HIDE, US_##s }
#define LK	{ UA_LEAVE_KEEP, 0 }
#define LH	{ UA_LEAVE_HIDE, 0 }
#define A(a)	{ UA_##a, 0 }
#define AS(a, s) { UA_AS_##a, US_##s }

/*
 * [state][type] for a directive on one line, and for one a comment
 * spreads over several ("dodgy"); columns IF TRUE FALSE ELIF ELTRUE
 * ELFALSE ELSE ENDIF.
 */
static const struct uf_cell uf_plain[US_NR][UF_NR_DIRECTIVES] = {
	[US_OUTSIDE] = {
		EK(PASS_MIDDLE), EH(TRUE_PREFIX), EH(FALSE_PREFIX),
		A(ERR_ELIF), A(ERR_ELIF), A(ERR_ELIF),
		A(ERR_ELSE), A(ERR_ENDIF),
	},
	[US_FALSE_PREFIX] = {
		EH(FALSE_TRAILER), EH(FALSE_TRAILER), EH(FALSE_TRAILER),
		AS(IF, PASS_MIDDLE), H(TRUE_PREFIX), H(FALSE_PREFIX),
		H(TRUE_ELSE), LH,
	},
	[US_TRUE_PREFIX] = {
		EK(PASS_MIDDLE), EH(TRUE_PREFIX), EH(FALSE_PREFIX),
		H(FALSE_TRAILER), H(FALSE_TRAILER), H(FALSE_TRAILER),
		H(FALSE_ELSE), LH,
	},
	[US_PASS_MIDDLE] = {
		EK(PASS_MIDDLE), EH(TRUE_PREFIX), EH(FALSE_PREFIX),
		K(PASS_MIDDLE), AS(ELSE, TRUE_MIDDLE), H(FALSE_MIDDLE),
		K(PASS_ELSE), LK,
	},
	[US_FALSE_MIDDLE] = {
		EH(FALSE_TRAILER), EH(FALSE_TRAILER), EH(FALSE_TRAILER),
		K(PASS_MIDDLE), AS(ELSE, TRUE_MIDDLE), H(FALSE_MIDDLE),
		K(PASS_ELSE), LK,
	},
	[US_TRUE_MIDDLE] = {
		EK(PASS_MIDDLE), EH(TRUE_PREFIX), EH(FALSE_PREFIX),
		AS(ENDIF, FALSE_TRAILER), AS(ENDIF, FALSE_TRAILER), AS(ENDIF, FALSE_TRAILER),
		AS(ENDIF, FALSE_ELSE), LK,
	},
	[US_PASS_ELSE] = {
		EK(PASS_MIDDLE), EH(TRUE_PREFIX), EH(FALSE_PREFIX),
		A(ERR_ELIF), A(ERR_ELIF), A(ERR_ELIF),
		A(ERR_ELSE), LK,
	},
	[US_FALSE_ELSE] = {
		EH(FALSE_TRAILER), EH(FALSE_TRAILER), EH(FALSE_TRAILER),
		A(ERR_ELIF), A(ERR_ELIF), A(ERR_ELIF),
		A(ERR_ELSE), LH,
	},
	[US_TRUE_ELSE] = {
		EK(PASS_MIDDLE), EH(TRUE_PREFIX), EH(FALSE_PREFIX),
		A(ERR_ELIF), A(ERR_ELIF), A(ERR_ELIF),
		A(ERR_ELSE), LH,
	},
	[US_FALSE_TRAILER] = {
		EH(FALSE_TRAILER), EH(FALSE_TRAILER), EH(FALSE_TRAILER),
		H(FALSE_TRAILER), H(FALSE_TRAILER), H(FALSE_TRAILER),
		H(FALSE_ELSE), LH,
	},
};

static const struct uf_cell uf_dodgy[US_NR][UF_NR_DIRECTIVES] = {
	[US_OUTSIDE] = {
		EK(PASS_MIDDLE), A(ERR_DODGY), A(ERR_DODGY),
		A(ERR_ELIF), A(ERR_ELIF), A(ERR_ELIF),
		A(ERR_ELSE), A(ERR_ENDIF),
	},
	[US_FALSE_PREFIX] = {
		EH(FALSE_TRAILER), EH(FALSE_TRAILER), EH(FALSE_TRAILER),
		AS(IF, PASS_MIDDLE), A(ERR_DODGY), A(ERR_DODGY),
		A(ERR_DODGY), A(ERR_DODGY),
	},
	[US_TRUE_PREFIX] = {
		EK(PASS_MIDDLE), A(ERR_DODGY), A(ERR_DODGY),
		A(ERR_DODGY), A(ERR_DODGY), A(ERR_DODGY),
		A(ERR_DODGY), A(ERR_DODGY),
	},
	[US_PASS_MIDDLE] = {
		EK(PASS_MIDDLE), A(ERR_DODGY), A(ERR_DODGY),
		K(PASS_MIDDLE), A(ERR_DODGY), A(ERR_DODGY),
		K(PASS_ELSE), LK,
	},
	[US_FALSE_MIDDLE] = {
		EH(FALSE_TRAILER), EH(FALSE_TRAILER), EH(FALSE_TRAILER),
		A(ERR_DODGY), A(ERR_DODGY), A(ERR_DODGY),
		A(ERR_DODGY), A(ERR_DODGY),
	},
	[US_TRUE_MIDDLE] = {
		EK(PASS_MIDDLE), A(ERR_DODGY), A(ERR_DODGY),
		A(ERR_DODGY), A(ERR_DODGY), A(ERR_DODGY),
		A(ERR_DODGY), LK,
	},
	[US_PASS_ELSE] = {
		EK(PASS_MIDDLE), A(ERR_DODGY), A(ERR_DODGY),
		A(ERR_ELIF), A(ERR_ELIF), A(ERR_ELIF),
		A(ERR_ELSE), LK,
	},
	[US_FALSE_ELSE] = {
		EH(FALSE_TRAILER), EH(FALSE_TRAILER), EH(FALSE_TRAILER),
		A(ERR_ELIF), A(ERR_ELIF), A(ERR_ELIF),
		A(ERR_ELSE), A(ERR_DODGY),
	},
	[US_TRUE_ELSE] = {
		EK(PASS_MIDDLE), A(ERR_DODGY), A(ERR_DODGY),
		A(ERR_ELIF), A(ERR_ELIF), A(ERR_ELIF),
		A(ERR_ELSE), A(ERR_DODGY),
	},
	[US_FALSE_TRAILER] = {
		EH(FALSE_TRAILER), EH(FALSE_TRAILER), EH(FALSE_TRAILER),
		H(FALSE_TRAILER), H(FALSE_TRAILER), H(FALSE_TRAILER),
		H(FALSE_ELSE), A(ERR_DODGY),
	},
};

/* One run over one header. */
struct uf {
	const char *in;
	size_t len;
	size_t pos;
	char line[UF_LINE_MAX + UF_SLOP];
	char *kw;		/* the directive's keyword in @line */
	const char *nl;		/* "\n" or "\r\n", from the first line */
	enum uf_lex lex;
	enum uf_pos lpos;
	unsigned char state[UF_DEPTH_MAX];
	int if_line[UF_DEPTH_MAX];
	int depth;
	int lineno;
	bool constant;		/* the #if names no symbol */
	struct kh_buf *out;
	const char *name;
	struct kh_error *err;
	int ret;		/* 0, or the error that ends the run */
};

static bool uf_symchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static bool uf_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* fgets(@dst, @n) on the input, glibc's way (n == 1 reads nothing). */
static bool uf_gets(struct uf *u, char *dst, size_t n)
{
	const char *nl;
	size_t take;

	if (n == 1) {
		dst[0] = '\0';
		return true;
	}
	if (u->pos >= u->len)
		return false;
	take = u->len - u->pos;
	if (take > n - 1)
		take = n - 1;
	nl = memchr(u->in + u->pos, '\n', take);
	if (nl)
		take = nl - (u->in + u->pos) + 1;
	memcpy(dst, u->in + u->pos, take);
	dst[take] = '\0';
	u->pos += take;
	return true;
}

/* Record the first error; every later step is skipped. */
static void uf_fail(struct uf *u, const char *what)
{
	if (u->ret)
		return;
	if (u->depth)
		u->ret = kh_err_at(u->err, EINVAL, u->name,
				   "'%s': line %d: %s (#if line %d depth %d)",
				   u->name, u->lineno, what,
				   u->if_line[u->depth], u->depth);
	else
		u->ret = kh_err_at(u->err, EINVAL, u->name,
				   "'%s': line %d: %s", u->name, u->lineno,
				   what);
}

static bool uf_at(const char *p, const char *s)
{
	return !strncmp(p, s, strlen(s));
}

/* Length of a line splice at @p (backslash, [CR] LF), or 0. */
static size_t uf_splice(const char *p)
{
	if (p[0] != '\\')
		return 0;
	if (p[1] == '\n')
		return 2;
	return p[1] == '\r' && p[2] == '\n' ? 3 : 0;
}

/* One step of the lexer in code; returns NULL at a significant char. */
static const char *uf_code_step(struct uf *u, const char *p)
{
	size_t n;

	switch (*p) {
	case '/':
		n = uf_splice(p + 1);
		if (n) {
			u->lex = UL_SLASH;
			return p + 1 + n;
		}
		if (p[1] == '*' || p[1] == '/') {
			u->lex = p[1] == '*' ? UL_BLOCK : UL_LINE;
			return p + 2;
		}
		return NULL;
	case '\'':
	case '"':
		u->lex = *p == '"' ? UL_STRING : UL_CHAR;
		u->lpos = UP_DIRTY;
		return p + 1;
	case '\n':
		u->lpos = UP_START;
		return p + 1;
	case ' ':
	case '\r':
	case '\t':
		return p + 1;
	default:
		return NULL;
	}
}

static const char *uf_literal_step(struct uf *u, const char *p)
{
	if (*p == (u->lex == UL_CHAR ? '\'' : '"')) {
		u->lex = UL_CODE;
		return p + 1;
	}
	if (*p == '\\')
		return p + (p[1] ? 2 : 1);
	if (*p == '\n') {
		uf_fail(u, u->lex == UL_CHAR ? "unterminated char literal" :
			"unterminated string literal");
		/* what follows is never looked at again */
		return p + strlen(p);
	}
	return p + 1;
}

static const char *uf_comment_step(struct uf *u, const char *p)
{
	size_t n;

	switch (u->lex) {
	case UL_LINE:
		if (*p == '\n') {
			u->lex = UL_CODE;
			u->lpos = UP_START;
		}
		return p + 1;
	case UL_BLOCK:
		if (*p != '*')
			return p + 1;
		n = uf_splice(p + 1);
		if (n) {
			u->lex = UL_STAR;
			return p + 1 + n;
		}
		if (p[1] == '/') {
			u->lex = UL_CODE;
			return p + 2;
		}
		return p + 1;
	case UL_SLASH:
		if (*p == '*' || *p == '/') {
			u->lex = *p == '*' ? UL_BLOCK : UL_LINE;
			return p + 1;
		}
		u->lex = UL_CODE;
		u->lpos = UP_DIRTY;
		return p;
	default:	/* UL_STAR */
		u->lex = UL_BLOCK;
		if (*p == '/') {
			u->lex = UL_CODE;
			return p + 1;
		}
		return p;
	}
}

/*
 * Skip blanks, comments and literals from @p to the next significant
 * character (or the end of the line), carrying the lexer's state.
 */
static const char *uf_skip(struct uf *u, const char *p)
{
	const char *next;
	size_t n;

	while (*p && !u->ret) {
		n = uf_splice(p);
		if (n) {
			p += n;
			continue;
		}
		if (u->lex == UL_CODE) {
			next = uf_code_step(u, p);
			if (!next)
				return p;
			p = next;
		} else if (u->lex == UL_CHAR || u->lex == UL_STRING) {
			p = uf_literal_step(u, p);
		} else if (u->lex == UL_BLOCK && *p != '*') {
			next = strchr(p, '*');
			p = next ? next : p + strlen(p);
		} else {
			p = uf_comment_step(u, p);
		}
	}
	return p;
}

static const char *uf_skipsym(const char *p)
{
	while (uf_symchar(*p))
		p++;
	return p;
}

/*
 * The symbol at @p: 1 for __EXPORTED_HEADERS__ (defined as 1), 0 for
 * __KERNEL__ (undefined), -1 for any other or none.
 */
static int uf_symbol(const char *p)
{
	size_t n = uf_skipsym(p) - p;

	if (n == 20 && !memcmp(p, "__EXPORTED_HEADERS__", 20))
		return 1;
	if (n == 10 && !memcmp(p, "__KERNEL__", 10))
		return 0;
	return -1;
}

/* Skip a macro's argument list, if it has a balanced one. */
static const char *uf_skipargs(struct uf *u, const char *p)
{
	const char *start = p;
	int level = 0;

	p = uf_skip(u, p);
	if (*p != '(')
		return p;
	do {
		if (*p == '(')
			level++;
		if (*p == ')')
			level--;
		p = uf_skip(u, p + 1);
	} while (level && *p);
	return level ? start : p;
}

static enum uf_type uf_truth(int v)
{
	return v ? UF_TRUE : UF_FALSE;
}

static enum uf_type uf_eval(struct uf *u, int level, int *val, const char **pp);

static enum uf_type uf_defined(struct uf *u, int *val, const char **pp)
{
	const char *p = uf_skip(u, *pp + 7);
	bool paren = *p == '(';
	enum uf_type t = UF_IF;
	int sym;

	if (paren)
		p = uf_skip(u, p + 1);
	sym = uf_symbol(p);
	if (sym >= 0) {
		*val = sym;
		t = uf_truth(*val);
	}
	p = uf_skip(u, uf_skipsym(p));
	if (paren && *p++ != ')')
		return UF_ERROR;
	u->constant = false;
	*pp = p;
	return t;
}

static enum uf_type uf_name(struct uf *u, int *val, const char **pp)
{
	int sym = uf_symbol(*pp);
	const char *p = uf_skipsym(*pp);
	enum uf_type t;

	u->constant = false;
	if (sym < 0) {
		t = UF_IF;
		p = uf_skipargs(u, p);
	} else if (!sym) {
		*val = 0;
		t = UF_FALSE;
	} else {
		*val = 1;
		t = UF_TRUE;
		p = uf_skipargs(u, p);
	}
	*pp = p;
	return t;
}

/* !x, (x), a number, defined(X), a symbol (with arguments). */
static enum uf_type uf_unary(struct uf *u, int *val, const char **pp)
{
	const char *p = uf_skip(u, *pp);
	enum uf_type t;

	if (*p == '!') {
		p++;
		t = uf_unary(u, val, &p);
		if (t == UF_ERROR)
			return t;
		if (t != UF_IF) {
			*val = !*val;
			t = uf_truth(*val);
		}
	} else if (*p == '(') {
		p++;
		t = uf_eval(u, 0, val, &p);
		if (t == UF_ERROR)
			return t;
		p = uf_skip(u, p);
		if (*p++ != ')')
			return UF_ERROR;
	} else if (uf_digit(*p)) {
		*val = (int)strtol(p, NULL, 0);
		t = uf_truth(*val);
		p = uf_skipsym(p);
	} else if (uf_at(p, "defined") && !uf_symchar(p[7])) {
		t = uf_defined(u, val, &p);
		if (t == UF_ERROR)
			return t;
	} else if (uf_symchar(*p)) {
		t = uf_name(u, val, &p);
	} else {
		return UF_ERROR;
	}
	*pp = p;
	return t;
}

/* The operators of each level of precedence, loosest first. */
static const char *const uf_ops[4][5] = {
	{ "||" },
	{ "&&" },
	{ "==", "!=" },
	{ "<=", ">=", "<", ">" },
};

/*
 * A known result only when both sides are known, except where || or &&
 * is decided by one side.
 */
static enum uf_type uf_apply(const char *op, int *val, enum uf_type lt,
			     int a, enum uf_type rt, int b)
{
	int v;

	if (op[0] == '|' && (lt == UF_TRUE || rt == UF_TRUE))
		return *val = 1, UF_TRUE;
	if (op[0] == '&' && (lt == UF_FALSE || rt == UF_FALSE))
		return *val = 0, UF_FALSE;
	if (lt == UF_IF || rt == UF_IF)
		return UF_IF;
	if (op[0] == '|')
		v = a || b;
	else if (op[0] == '&')
		v = a && b;
	else if (op[0] == '=')
		v = a == b;
	else if (op[0] == '!')
		v = a != b;
	else if (op[0] == '<')
		v = op[1] == '=' ? a <= b : a < b;
	else
		v = op[1] == '=' ? a >= b : a > b;
	*val = v;
	return uf_truth(v);
}

static enum uf_type uf_operand(struct uf *u, int level, int *val,
			       const char **pp)
{
	return level < 3 ? uf_eval(u, level + 1, val, pp) :
			   uf_unary(u, val, pp);
}

/* Operators of @level (0: ||, 3: relational), left to right. */
static enum uf_type uf_eval(struct uf *u, int level, int *val, const char **pp)
{
	const char *p = *pp, *op;
	enum uf_type lt, rt;
	int rval = 0;
	size_t i;

	lt = uf_operand(u, level, val, &p);
	if (lt == UF_ERROR)
		return lt;
	for (;;) {
		p = uf_skip(u, p);
		op = NULL;
		for (i = 0; i < ARRAY_SIZE(uf_ops[level]) && uf_ops[level][i]; i++)
			if (uf_at(p, uf_ops[level][i])) {
				op = uf_ops[level][i];
				break;
			}
		if (!op)
			break;
		p += strlen(op);
		rt = uf_operand(u, level, &rval, &p);
		if (rt == UF_ERROR)
			return rt;
		lt = uf_apply(op, val, lt, *val, rt, rval);
	}
	*pp = p;
	return lt;
}

/* The value of an #if or #elif: undecided unless it names a symbol. */
static enum uf_type uf_ifeval(struct uf *u, const char **pp)
{
	enum uf_type t;
	int val = 0;

	u->constant = true;
	t = uf_eval(u, 0, &val, pp);
	return u->constant || t == UF_ERROR ? UF_IF : t;
}

static bool uf_keyword(const char *kw, size_t n, const char *s)
{
	return strlen(s) == n && !memcmp(kw, s, n);
}

/* The directive whose keyword is at u->kw; *@pp moves past what it read. */
static enum uf_type uf_directive(struct uf *u, const char **pp)
{
	const char *p = uf_skipsym(u->kw);
	size_t n = p - u->kw;
	enum uf_type t;
	int sym;

	if (uf_splice(p))
		uf_fail(u, "Obfuscated preprocessor control line");
	if (uf_keyword(u->kw, n, "ifdef") || uf_keyword(u->kw, n, "ifndef")) {
		p = uf_skip(u, p);
		sym = uf_symbol(p);
		t = UF_IF;
		if (sym >= 0)
			t = uf_truth(u->kw[2] == 'n' ? !sym : sym);
		p = uf_skipsym(p);
	} else if (uf_keyword(u->kw, n, "if")) {
		t = uf_ifeval(u, &p);
	} else if (uf_keyword(u->kw, n, "elif")) {
		t = uf_ifeval(u, &p) - UF_IF + UF_ELIF;
	} else if (uf_keyword(u->kw, n, "else")) {
		t = UF_ELSE;
	} else if (uf_keyword(u->kw, n, "endif")) {
		t = UF_ENDIF;
	} else {
		u->lpos = UP_DIRTY;
		t = UF_PLAIN;
	}
	*pp = p;
	return t;
}

/*
 * A directive line that did not end (no newline before the end of the
 * input, or longer than the buffer): the next piece is read onto its end,
 * and at the end of the input a newline is added.
 */
static const char *uf_more(struct uf *u, const char *p)
{
	size_t len = p - u->line;

	if (!uf_gets(u, u->line + len, UF_LINE_MAX - len)) {
		memcpy(u->line + len, u->nl, strlen(u->nl) + 1);
		u->lpos = UP_START;
		return p + strlen(u->nl);
	}
	u->lpos = UP_DIRTY;
	return p;
}

static void uf_newline_style(struct uf *u)
{
	const char *lf = strrchr(u->line, '\n');
	const char *cr = strrchr(u->line, '\r');

	u->nl = cr && lf == cr + 1 ? "\r\n" : "\n";
}

/* Read the next line into u->line and say what it is. */
static enum uf_type uf_parse(struct uf *u, bool *dodgy)
{
	bool was_in = u->lex != UL_CODE;
	enum uf_type t = UF_PLAIN;
	const char *p;

	*dodgy = false;
	u->lineno++;
	if (!uf_gets(u, u->line, UF_LINE_MAX))
		return UF_EOF;
	if (!u->nl)
		uf_newline_style(u);
	p = uf_skip(u, u->line);
	if (u->lpos == UP_START) {
		if (*p == '#') {
			u->lpos = UP_HASH;
			p = uf_skip(u, p + 1);
		} else if (*p) {
			u->lpos = UP_DIRTY;
		}
	}
	if (u->lex == UL_CODE && u->lpos == UP_HASH) {
		u->kw = u->line + (p - u->line);
		t = uf_directive(u, &p);
		p = uf_skip(u, p);
		if (*p) {
			u->lpos = UP_DIRTY;
			if (t == UF_TRUE || t == UF_FALSE)
				t = UF_IF;
			if (t == UF_ELTRUE || t == UF_ELFALSE)
				t = UF_ELIF;
		}
		if (t != UF_PLAIN && (was_in || u->lex != UL_CODE)) {
			*dodgy = true;
			if (u->lex != UL_CODE)
				u->lpos = UP_DIRTY;
		}
		if (u->lpos == UP_HASH)
			p = uf_more(u, p);
	}
	/*
	 * The rest of the line, one significant character after another:
	 * only these characters can change the lexer's state in code.
	 */
	if (u->lpos == UP_DIRTY)
		while (*p && !u->ret)
			p = uf_skip(u, p + 1 + strcspn(p + 1, "/'\"\n\\"));
	return t;
}

static void uf_emit(struct uf *u)
{
	if (kh_buf_addstr(u->out, u->line) && !u->ret)
		u->ret = kh_err(u->err, ENOMEM, "'%s': out of memory",
				u->name);
}

static void uf_rewrite(struct uf *u, const char *kw)
{
	size_t room = u->line + sizeof(u->line) - u->kw;

	snprintf(u->kw, room, "%s%s", kw, u->nl);
}

static void uf_nest(struct uf *u)
{
	if (u->depth == UF_DEPTH_MAX - 1) {
		uf_fail(u, "Too many levels of nesting");
		return;
	}
	u->depth++;
	u->if_line[u->depth] = u->lineno;
}

static bool uf_prints(enum uf_state s)
{
	return s != US_FALSE_PREFIX && s != US_FALSE_MIDDLE &&
	       s != US_FALSE_ELSE && s != US_FALSE_TRAILER;
}

static const char *const uf_errors[] = {
	[UA_ERR_ELIF] = "Inappropriate #elif",
	[UA_ERR_ELSE] = "Inappropriate #else",
	[UA_ERR_ENDIF] = "Inappropriate #endif",
	[UA_ERR_EOF] = "Premature EOF",
	[UA_ERR_DODGY] = "Obfuscated preprocessor control line",
};

static struct uf_cell uf_cell(const struct uf *u, enum uf_type t, bool dodgy)
{
	enum uf_state s = u->state[u->depth];
	struct uf_cell c = { UA_DROP, 0 };

	if (t == UF_PLAIN)
		c.act = uf_prints(s) ? UA_PRINT : UA_DROP;
	else if (t == UF_EOF)
		c.act = s == US_OUTSIDE ? UA_DONE : UA_ERR_EOF;
	else
		c = (dodgy ? uf_dodgy : uf_plain)[s][t];
	return c;
}

/* Act on one line; true at the end of the input. */
static bool uf_step(struct uf *u, enum uf_type t, bool dodgy)
{
	struct uf_cell c = uf_cell(u, t, dodgy);

	switch (c.act) {
	case UA_PRINT:
		uf_emit(u);
		return false;
	case UA_DROP:
		return false;
	case UA_DONE:
		if (u->lex != UL_CODE)
			uf_fail(u, "EOF in comment");
		return true;
	case UA_ENTER_KEEP:
	case UA_ENTER_HIDE:
		uf_nest(u);
		break;
	case UA_LEAVE_KEEP:
	case UA_LEAVE_HIDE:
		if (c.act == UA_LEAVE_KEEP)
			uf_emit(u);
		u->depth--;
		return false;
	case UA_AS_IF:
		memcpy(u->kw, "if  ", 4);
		break;
	case UA_AS_ELSE:
		uf_rewrite(u, "else");
		break;
	case UA_AS_ENDIF:
		uf_rewrite(u, "endif");
		break;
	case UA_KEEP:
	case UA_HIDE:
		break;
	default:
		uf_fail(u, uf_errors[c.act]);
		return true;
	}
	if (c.act != UA_HIDE && c.act != UA_ENTER_HIDE)
		uf_emit(u);
	u->state[u->depth] = c.next;
	return false;
}

int kh_uapi_unifdef(const char *in, size_t len, const char *name,
		    struct kh_buf *out, struct kh_error *err)
{
	struct uf *u;
	enum uf_type t;
	bool dodgy;
	int ret;

	u = calloc(1, sizeof(*u));
	if (!u)
		return kh_err(err, ENOMEM, "'%s': out of memory", name);
	u->in = in;
	u->len = len;
	u->out = out;
	u->name = name;
	u->err = err;
	do {
		t = uf_parse(u, &dodgy);
	} while (!u->ret && !uf_step(u, t, dodgy) && !u->ret);
	ret = u->ret;
	free(u);
	return ret;
}
