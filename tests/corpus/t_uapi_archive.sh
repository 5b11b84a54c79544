#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `kheaders uapi --from ARCHIVE` against the kernel's own `make
# headers_install` of the same tree (tests/corpus/uapi_oracle.sh): for the
# 6.1, 6.12 and 7.2 trees, x86, an archive built by `kheaders build
# --profile uapi` from the tree and the oracle's object tree gives the same
# files with the same C tokens (comments stripped at build time: clang's
# raw lexer, tools/strip_tokcheck.py --moved-lines), and the same bytes when
# built with --strip none; the archives of real kernel builds found in the
# e2e cells (when present) give the same tokens too.
source "$(dirname "$0")/../lib.sh"
require clang python3 make rsync cc
CHECK=$TOP/tools/strip_tokcheck.py
ORACLE=$TOP/tests/corpus/uapi_oracle.sh
mkdir -m 700 "$T/cache"
if cc -O2 -shared -fPIC -o "$T/stderr_buffer.so" \
	"$TOP/tools/stderr_buffer.c" -ldl 2>/dev/null; then
	export KH_TOKCHECK_PRELOAD=$T/stderr_buffer.so
fi

# tokens NAME ORACLE_DIR OUT_DIR: same file list, same tokens
tokens() {
	local name=$1 want=$2 got=$3
	(cd "$want" && find . -type f | LC_ALL=C sort) > "$T/want.list"
	(cd "$got" && find . -type f | LC_ALL=C sort) > "$T/got.list"
	if ! cmp -s "$T/want.list" "$T/got.list"; then
		not_ok "$name: other files than make headers_install"
		diff "$T/want.list" "$T/got.list" | head -5 | sed 's/^/#   /'
		return
	fi
	sed 's|^\./||' "$T/want.list" | xargs -d '\n' -P2 -n 150 \
		python3 "$CHECK" --moved-lines "$want" "$got" > "$T/tok.log"
	if grep -q '^\(MISMATCH\|ERROR\)' "$T/tok.log"; then
		not_ok "$name: tokens differ from make headers_install"
		grep '^\(MISMATCH\|ERROR\)' "$T/tok.log" | head -5 | sed 's/^/#   /'
	else
		ok "$name: $(wc -l < "$T/want.list") headers token-identical to make headers_install ($(awk '/^checked/ { t += $4 } END { print t }' "$T/tok.log") tokens)"
	fi
}

# from NAME ARCHIVE OUT: kheaders uapi --from the archive
from() {
	rm -rf "$3"
	if "$KHEADERS" uapi --from "$2" --cache-dir "$T/cache" -o "$3" \
		2>"$T/err"; then
		return 0
	fi
	not_ok "$1: kheaders uapi --from failed"
	sed 's/^/#   /' "$T/err" | head -5
	return 1
}

for ver in 6.1 6.12 7.2; do
	tree=$HOME/.cache/kheaders/linux-source-$ver
	if [ ! -f "$tree/scripts/headers_install.sh" ]; then
		skip "uapi archive $ver: no tree at $tree"
		continue
	fi
	o=$("$ORACLE" "$tree" x86) || { not_ok "oracle $ver x86"; continue; }
	for strip in compact none; do
		a=$T/$ver-$strip.tar.xz
		if ! "$KHEADERS" build -q --profile uapi --strip $strip \
			--srctree "$tree" --objtree "$o/obj" --arch x86 \
			-o "$a" 2>"$T/err"; then
			not_ok "uapi archive $ver: kheaders build --strip $strip"
			sed 's/^/#   /' "$T/err" | head -5
			continue
		fi
		from "uapi archive $ver ($strip)" "$a" "$T/out" || continue
		if [ $strip = none ]; then
			if diff -r "$T/out/include" "$o/install/include" >/dev/null; then
				ok "uapi archive $ver x86 (--strip none): byte-identical to make headers_install"
			else
				not_ok "uapi archive $ver x86 (--strip none): differs from make headers_install"
			fi
		else
			tokens "uapi archive $ver x86 (compact)" "$o/install/include" "$T/out/include"
		fi
	done
done

# The archives real kernel builds embedded (tests/e2e), when there.
for a in "$HOME"/.cache/kheaders/e2e-cells/*/kernel/kheaders_data.tar.xz \
	 "$HOME"/.cache/kheaders/e2e/builtin/kernel/kheaders_data.tar.xz; do
	[ -f "$a" ] || continue
	name=${a#"$HOME"/.cache/kheaders/}
	from "uapi $name" "$a" "$T/out" || continue
	v=$(sed -n 's/^#define LINUX_VERSION_CODE //p' "$T/out/include/linux/version.h")
	ver=$((v >> 16)).$(((v >> 8) & 255))
	case $name in *arm64*) arch=arm64 ;; *riscv*) arch=riscv ;; *) arch=x86 ;; esac
	tree=$HOME/.cache/kheaders/linux-source-$ver
	sub=$(sed -n 's/^SUBLEVEL = //p' "$tree/Makefile" 2>/dev/null)
	if [ "$((v & 255))" != "$sub" ]; then
		skip "uapi $name: Linux $ver.$((v & 255)), no tree of that release"
		continue
	fi
	o=$("$ORACLE" "$tree" $arch) || { not_ok "oracle $ver $arch"; continue; }
	tokens "uapi $name ($ver $arch)" "$o/install/include" "$T/out/include"
done
