#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `strip --mode compat` is byte for byte the stock gen_kheaders.sh perl
# substitution on every header the stock script strips for x86: include/
# and arch/x86/include/ of the source tree, include/ and
# arch/x86/include/generated/ of the object tree.  Perl runs on copies;
# nothing is written into the corpus.
source "$(dirname "$0")/../lib.sh"
require perl cc

if ! corpus_env; then
	skip "strip compat: corpus not fetched (scripts/corpus.sh fetch)"
	exit 0
fi

# Thousands of small outputs: keep them off the disk when possible (the
# atomic writer fsyncs each one).
W=$(mktemp -d /dev/shm/kh-strip.XXXXXX 2>/dev/null) || W=$T/w
mkdir -p "$W"
trap 'rm -rf "$W" "$T"' EXIT

# compare_tree NAME ROOT DIR...
compare_tree() {
	local name=$1 root=$2 files bytes changed
	shift 2
	(cd "$root" && find "$@" -name '*.h' -type f | LC_ALL=C sort) \
		>"$W/$name.list"
	files=$(wc -l <"$W/$name.list")
	mkdir -p "$W/orig-$name"
	(cd "$root" && xargs -a "$W/$name.list" -d '\n' \
		cp --parents -t "$W/orig-$name")
	cp -a "$W/orig-$name" "$W/perl-$name"
	(cd "$W/perl-$name" && xargs -a "$W/$name.list" -d '\n' -P2 -n 200 \
		perl -pi -e 'BEGIN {undef $/;}; s/\/\*((?!SPDX).)*?\*\///smg;')
	if ! (cd "$root" && xargs -a "$W/$name.list" -d '\n' \
		"$KHEADERS" strip --mode compat --output-dir "$W/kh-$name") \
		2>"$W/err"; then
		not_ok "kheaders strip --mode compat on $name"
		sed 's/^/#   /' "$W/err" | head
		return
	fi
	changed=$(diff -rq "$W/orig-$name" "$W/perl-$name" | wc -l)
	bytes=$(cd "$root" && xargs -a "$W/$name.list" -d '\n' cat | wc -c)
	if diff -rq "$W/perl-$name" "$W/kh-$name" >"$W/diff"; then
		ok "compat equals perl on $name: $files files, $bytes bytes, $changed changed by perl"
	else
		not_ok "compat equals perl on $name: $(wc -l <"$W/diff") of $files files differ"
		head "$W/diff" | sed 's/^/#   /'
	fi
	# The comparison has teeth: perl really changed files.
	if [ "$changed" -gt 0 ]; then
		ok "perl changed $changed of $files $name files"
	else
		not_ok "perl changed none of the $files $name files"
	fi
}

compare_tree src "$KH_SRCTREE" include arch/x86/include
compare_tree obj "$KH_OBJTREE" include arch/x86/include/generated

# Throughput on the same headers (CPU time, reported, not judged), by
# tools/strip_bench.c, a user of kheaders.h alone: it must build.
b=${B:-$TOP/build}
if cc -O2 -std=gnu11 -Wall -Wextra -Werror -I"$b/include" \
	-o "$W/strip_bench" "$TOP/tools/strip_bench.c" "$b/libkheaders.so.0" \
	-Wl,-rpath,"$b" 2>"$W/cc.err"; then
	ok "cc builds tools/strip_bench.c against kheaders.h"
	(cd "$KH_SRCTREE" && "$W/strip_bench" <"$W/src.list") | sed 's/^/# /'
else
	not_ok "cc builds tools/strip_bench.c against kheaders.h"
	sed 's/^/#   /' "$W/cc.err" | head -20
fi
