#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `kheaders strip`: modes, outputs (stdout, -o, --output-dir with relative
# paths kept, stdin) and every error's exit status and message.
source "$(dirname "$0")/../lib.sh"
require perl

mkdir -p "$T/in/sub"
printf '/* SPDX-License-Identifier: GPL-2.0 */\n#define A/* x\n y */(b)\nint c; /* d */\n' \
	>"$T/in/a.h"
printf 'x/**/y // z /* w\n' >"$T/in/sub/b.h"
printf 'int a;\n/* never closed\n' >"$T/in/bad.h"

printf '/* SPDX-License-Identifier: GPL-2.0 */\n#define A (b)\n\nint c;\n' \
	>"$T/a.lexer"
printf '/* SPDX-License-Identifier: GPL-2.0 */\n#define A (b)\nint c;\n' \
	>"$T/a.compact"
printf '/* SPDX-License-Identifier: GPL-2.0 */\n#define A(b)\nint c; \n' \
	>"$T/a.compat"

"$KHEADERS" strip "$T/in/a.h" >"$T/out" 2>"$T/err"
if [ $? -eq 0 ] && same_bytes "$T/out" "$T/a.compact" && [ ! -s "$T/err" ]; then
	ok "compact is the default, to stdout"
else
	not_ok "compact is the default, to stdout"
fi

"$KHEADERS" strip --mode lexer "$T/in/a.h" >"$T/out"
if same_bytes "$T/out" "$T/a.lexer"; then
	ok "--mode lexer keeps the line numbers"
else
	not_ok "--mode lexer keeps the line numbers"
fi

"$KHEADERS" strip --mode compat "$T/in/a.h" >"$T/out"
if same_bytes "$T/out" "$T/a.compat"; then
	ok "--mode compat gives the perl result"
else
	not_ok "--mode compat gives the perl result"
fi

if command -v perl >/dev/null; then
	cp "$T/in/a.h" "$T/perl.h"
	perl -pi -e 'BEGIN {undef $/;}; s/\/\*((?!SPDX).)*?\*\///smg;' "$T/perl.h"
	if same_bytes "$T/perl.h" "$T/a.compat"; then
		ok "recorded compat output matches real perl"
	else
		not_ok "recorded compat output matches real perl"
	fi
fi

"$KHEADERS" strip -m none "$T/in/a.h" >"$T/out"
if same_bytes "$T/out" "$T/in/a.h"; then
	ok "--mode none copies"
else
	not_ok "--mode none copies"
fi

expect "-o writes the file" "$KHEADERS" strip "$T/in/a.h" -o "$T/o.h"
if same_bytes "$T/o.h" "$T/a.compact"; then
	ok "-o content"
else
	not_ok "-o content"
fi

"$KHEADERS" strip - <"$T/in/a.h" >"$T/out"
if same_bytes "$T/out" "$T/a.compact"; then
	ok "'-' reads standard input"
else
	not_ok "'-' reads standard input"
fi

(cd "$T/in" && "$KHEADERS" strip --output-dir "$T/od/deep" a.h sub/b.h) \
	>"$T/out" 2>&1
if [ $? -eq 0 ] && same_bytes "$T/od/deep/a.h" "$T/a.compact" &&
   [ "$(cat "$T/od/deep/sub/b.h")" = "x y // z /* w" ]; then
	ok "--output-dir keeps relative paths and creates directories"
else
	not_ok "--output-dir keeps relative paths and creates directories"
	sed 's/^/#   /' "$T/out"
fi

"$KHEADERS" strip --output-dir "$T/abs" "$T/in/sub/b.h" >/dev/null 2>&1
if [ -f "$T/abs/$T/in/sub/b.h" ]; then
	ok "--output-dir drops the leading slash of absolute paths"
else
	not_ok "--output-dir drops the leading slash of absolute paths"
fi

expect_fail "missing file names the path" 1 "cannot open '$T/in/nope.h': No such file" \
	"$KHEADERS" strip "$T/in/nope.h"
expect_fail "unterminated comment names the file and line" 1 \
	"^kheaders: '$T/in/bad.h': unterminated comment at line 2$" \
	"$KHEADERS" strip "$T/in/bad.h"
expect "compat accepts an unterminated comment" \
	"$KHEADERS" strip --mode compat "$T/in/bad.h"
expect_fail "bad --mode is a usage error" 2 "unknown strip mode 'perl'" \
	"$KHEADERS" strip --mode perl "$T/in/a.h"
expect_fail "no file is a usage error" 2 "no FILE given" "$KHEADERS" strip
expect_fail "several files need --output-dir" 2 "several files need --output-dir" \
	"$KHEADERS" strip "$T/in/a.h" "$T/in/sub/b.h"
expect_fail "-o and --output-dir exclude each other" 2 "exclude each other" \
	"$KHEADERS" strip -o "$T/x" --output-dir "$T/y" "$T/in/a.h"
expect_fail "unknown option is a usage error" 2 "usage: kheaders strip" \
	"$KHEADERS" strip --frobnicate "$T/in/a.h"
expect_fail "'..' cannot escape the output directory" 1 \
	"'\.\./in/a\.h': cannot place this path" \
	sh -c "cd '$T/od' && '$KHEADERS' strip --output-dir '$T/esc' ../in/a.h"

# One bad file among good ones: the others are still written, status 1.
rm -rf "$T/mix"
(cd "$T/in" && "$KHEADERS" strip --output-dir "$T/mix" a.h bad.h sub/b.h) \
	>/dev/null 2>"$T/err"
rc=$?
if [ $rc -eq 1 ] && [ -f "$T/mix/a.h" ] && [ -f "$T/mix/sub/b.h" ] &&
   [ ! -e "$T/mix/bad.h" ] && grep -q "'bad.h': unterminated" "$T/err"; then
	ok "a failing file does not stop the others"
else
	not_ok "a failing file does not stop the others (exit $rc)"
fi

# A failed -o leaves an existing output untouched.
printf 'old\n' >"$T/keep.h"
"$KHEADERS" strip "$T/in/bad.h" -o "$T/keep.h" 2>/dev/null
if [ "$(cat "$T/keep.h")" = old ]; then
	ok "failure keeps the previous -o output"
else
	not_ok "failure keeps the previous -o output"
fi

"$KHEADERS" strip --help >"$T/out"
if [ $? -eq 0 ] && grep -q -- '--output-dir' "$T/out"; then
	ok "--help prints usage to stdout"
else
	not_ok "--help prints usage to stdout"
fi
