#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Differential test of the lexer against clang's raw lexer on random
# headers made of the hard cases (splices, quotes, escapes, SPDX, CRLF):
# for every file the lexer accepts, tools/strip_tokcheck.py must find the
# same tokens, logical-line starts and line numbers.  Perl's substitution
# (--mode compat) on the same files must fail the same check, or the check
# proves nothing.
source "$(dirname "$0")/../lib.sh"
require clang python3 cc

export TMPDIR=$T
if cc -O2 -shared -fPIC -o "$T/stderr_buffer.so" \
	"$TOP/tools/stderr_buffer.c" -ldl 2>"$T/cc.err"; then
	ok "cc builds tools/stderr_buffer.c"
	export KH_TOKCHECK_PRELOAD=$T/stderr_buffer.so
else
	not_ok "cc builds tools/stderr_buffer.c"
	sed 's/^/#   /' "$T/cc.err" | head -20
fi

python3 "$TOP/tools/strip_fuzz.py" "$T/in" 20240 1500 120
(cd "$T/in" && ls | LC_ALL=C sort) >"$T/all"
# Unterminated comments fail (exit 1); every other file is written.
(cd "$T/in" && xargs -a "$T/all" "$KHEADERS" strip --mode lexer --output-dir "$T/lexer") \
	2>"$T/errs"
(cd "$T/lexer" && ls | LC_ALL=C sort) >"$T/good"
bad=$(grep -vc "unterminated comment at line" "$T/errs")
if [ "$bad" -eq 0 ] &&
   [ $(($(wc -l <"$T/good") + $(wc -l <"$T/errs"))) -eq 1500 ]; then
	ok "lexer strips $(wc -l <"$T/good") random files, rejects $(wc -l <"$T/errs") with unterminated comments"
else
	not_ok "lexer on random files: unexpected errors"
	grep -v "unterminated comment" "$T/errs" | head | sed 's/^/#   /'
fi

xargs -a "$T/good" -n 400 -P2 python3 "$TOP/tools/strip_tokcheck.py" \
	"$T/in" "$T/lexer" >"$T/log"
if ! grep -q '^\(MISMATCH\|ERROR\)' "$T/log"; then
	ok "clang sees the same tokens in every lexer output ($(awk \
		'/^checked/ { t += $4 } END { print t }' "$T/log") tokens)"
else
	not_ok "clang sees the same tokens in every lexer output"
	grep '^\(MISMATCH\|ERROR\)' "$T/log" | head | sed 's/^/#   /'
fi

# Compact mode: the same tokens and logical-line starts; lines may move.
(cd "$T/in" && xargs -a "$T/good" "$KHEADERS" strip --mode compact \
	--output-dir "$T/compact")
xargs -a "$T/good" -n 400 -P2 python3 "$TOP/tools/strip_tokcheck.py" \
	--moved-lines "$T/in" "$T/compact" >"$T/log"
if ! grep -q '^\(MISMATCH\|ERROR\)' "$T/log"; then
	ok "clang sees the same tokens in every compact output"
else
	not_ok "clang sees the same tokens in every compact output"
	grep '^\(MISMATCH\|ERROR\)' "$T/log" | head | sed 's/^/#   /'
fi

(cd "$T/in" && xargs -a "$T/good" "$KHEADERS" strip --mode compat \
	--output-dir "$T/compat")
n=$(xargs -a "$T/good" -n 400 -P2 python3 "$TOP/tools/strip_tokcheck.py" \
	"$T/in" "$T/compat" | grep -c '^MISMATCH')
if [ "$n" -gt 100 ]; then
	ok "the same check fails perl's output on $n files"
else
	not_ok "the same check fails perl's output on only $n files"
fi
