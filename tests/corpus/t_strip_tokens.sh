#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Lexer and compact stripping change no C token, on every header of linux
# 6.1 for x86 (include/, arch/x86/include/, the object tree's include/ and
# arch/x86/include/generated/) and arm64 (include/ again, with
# arch/arm64/include/): clang's raw lexer sees the same non-comment tokens,
# the same tokens beginning a logical line, and with the lexer mode on the
# same lines (tools/strip_tokcheck.py).  The checker is first shown to fail on
# hand-made mutants and on the stock perl substitution's asm.h.
source "$(dirname "$0")/../lib.sh"
require clang python3 perl cc

if ! corpus_env; then
	skip "strip tokens: corpus not fetched (scripts/corpus.sh fetch)"
	exit 0
fi

CHECK=$TOP/tools/strip_tokcheck.py
# Thousands of small outputs: keep them off the disk when possible (the
# atomic writer fsyncs each one).
W=$(mktemp -d /dev/shm/kh-strip.XXXXXX 2>/dev/null) || W=$T/w
mkdir -p "$W"
trap 'rm -rf "$W" "$T"' EXIT
export TMPDIR=$W
if cc -O2 -shared -fPIC -o "$W/stderr_buffer.so" \
	"$TOP/tools/stderr_buffer.c" -ldl 2>"$W/cc.err"; then
	ok "cc builds tools/stderr_buffer.c"
	export KH_TOKCHECK_PRELOAD=$W/stderr_buffer.so
else
	not_ok "cc builds tools/stderr_buffer.c"
	sed 's/^/#   /' "$W/cc.err" | head -20
fi

# --- the checker can fail ------------------------------------------------
mkdir -p "$W/m/orig" "$W/m/mut"
printf '#define A /* x\n y */ 1\nint b;\n' >"$W/m/orig/nl.h"
printf '#define A \n 1\nint b;\n' >"$W/m/mut/nl.h"
printf 'int a/**/b;\n' >"$W/m/orig/merge.h"
printf 'int ab;\n' >"$W/m/mut/merge.h"
printf '/* a\n */\nint b;\n' >"$W/m/orig/shift.h"
printf '\nint b;\n' >"$W/m/mut/shift.h"
printf '/* SPDX-License-Identifier: GPL-2.0 */\nint b;\n' >"$W/m/orig/spdx.h"
printf 'int b;\n' >"$W/m/mut/spdx.h"
for m in nl:"now begins a logical line" merge:"tokens: token 1" \
	 shift:"lines: token 0" spdx:"comments: 1 comments should stay"; do
	name=${m%%:*} want=${m#*:}
	out=$(python3 "$CHECK" "$W/m/orig" "$W/m/mut" "$name.h")
	if [ $? -eq 1 ] && grep -q "MISMATCH $name.h: .*$want" <<<"$out"; then
		ok "checker catches mutant '$name'"
	else
		not_ok "checker catches mutant '$name'"
		sed 's/^/#   /' <<<"$out"
	fi
done
# Compact mode moves lines: --moved-lines lets that pass, nothing else.
out=$(python3 "$CHECK" --moved-lines "$W/m/orig" "$W/m/mut" shift.h nl.h merge.h)
if grep -q "MISMATCH nl.h" <<<"$out" && grep -q "MISMATCH merge.h" <<<"$out" &&
   ! grep -q "MISMATCH shift.h" <<<"$out"; then
	ok "checker with --moved-lines: moved lines pass, mutants still fail"
else
	not_ok "checker with --moved-lines: moved lines pass, mutants still fail"
	sed 's/^/#   /' <<<"$out"
fi

asm=arch/x86/include/asm/asm.h
mkdir -p "$W/perl/$(dirname $asm)"
cp "$KH_SRCTREE/$asm" "$W/perl/$asm"
perl -pi -e 'BEGIN {undef $/;}; s/\/\*((?!SPDX).)*?\*\///smg;' "$W/perl/$asm"
out=$(python3 "$CHECK" "$KH_SRCTREE" "$W/perl" "$asm")
if [ $? -eq 1 ] &&
   grep -q 'tokens: .*string_literal .*output condition code' <<<"$out"; then
	ok "checker catches perl deleting text inside CC_SET's string in $asm"
	sed 's/^/#   /' <<<"$out" | head -1
else
	not_ok "checker catches perl deleting text inside CC_SET's string in $asm"
	sed 's/^/#   /' <<<"$out"
fi

# --- the corpus ----------------------------------------------------------
list() {
	(cd "$1" && shift && find "$@" -name '*.h' -type f | LC_ALL=C sort)
}

# check_group MODE NAME ROOT DIR...: strip the group's headers, run the
# checker on them two processes at a time, print its counts.
check_group() {
	local mode=$1 name=$2 root=$3 out=$W/s/$1-$2 flag=
	shift 3
	[ "$mode" = compact ] && flag=--moved-lines
	list "$root" "$@" >"$W/$name.list"
	if ! (cd "$root" && xargs -a "$W/$name.list" -d '\n' \
		"$KHEADERS" strip --mode "$mode" --output-dir "$out") 2>"$W/$name.err"; then
		not_ok "$mode: strip $name headers"
		sed 's/^/#   /' "$W/$name.err" | head
		return
	fi
	xargs -a "$W/$name.list" -d '\n' -P2 -n 120 \
		python3 "$CHECK" $flag "$root" "$out" >"$W/$name.log"
	if grep -q '^\(MISMATCH\|ERROR\)' "$W/$name.log"; then
		not_ok "$mode keeps every token of $name"
		grep '^\(MISMATCH\|ERROR\)' "$W/$name.log" | head | sed 's/^/#   /'
		return
	fi
	awk -v n="$name" '/^checked/ { f += $2; t += $4; l += $6; c += $9 }
		END { printf "%s %d %d %d %d\n", n, f, t, l, c }' \
		"$W/$name.log" >>"$W/counts.$mode"
	ok "$mode keeps every token of $name ($(wc -l <"$W/$name.list") files)"
	rm -rf "$out"
}

for mode in lexer compact; do
start=$(date +%s)
: >"$W/counts.$mode"
check_group $mode include "$KH_SRCTREE" include
check_group $mode x86 "$KH_SRCTREE" arch/x86/include
check_group $mode x86-obj "$KH_OBJTREE" include arch/x86/include/generated
check_group $mode arm64 "$KH_SRCTREE" arch/arm64/include
secs=$(($(date +%s) - start))
echo "# --mode $mode:"

awk -v secs="$secs" '
	{ f[$1] = $2; t[$1] = $3; l[$1] = $4; c[$1] = $5 }
	function sum(label, a, b, d) {
		printf "# %s: %d files, %d tokens, %d line starts, %d comments kept\n",
			label, f[a] + f[b] + f[d], t[a] + t[b] + t[d],
			l[a] + l[b] + l[d], c[a] + c[b] + c[d]
	}
	END {
		sum("x86 (include, arch/x86/include, obj include + generated)",
		    "include", "x86", "x86-obj")
		sum("arm64 (include, arch/arm64/include)", "include", "arm64", "")
		printf "# distinct files %d, tokens %d, in %d s\n",
			f["include"] + f["x86"] + f["x86-obj"] + f["arm64"],
			t["include"] + t["x86"] + t["x86-obj"] + t["arm64"], secs
	}' "$W/counts.$mode"
done
