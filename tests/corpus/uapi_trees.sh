#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/corpus/uapi_trees.sh [ARCH...|--all]: `kheaders uapi` from the
# downloaded 6.1, 6.12 and 7.2 trees against the kernel's own `make
# headers_install` of the same tree and architecture (run at test time from
# the tree by tests/corpus/uapi_oracle.sh, cached under
# ~/.cache/kheaders/uapi-oracle): the same files and directories, byte for
# byte.  The object tree is the oracle's own (it holds the generated UAPI
# headers).  --all takes every directory of each tree's arch/; an
# architecture the kernel refuses (um before 7.0) must be refused by
# kheaders too.  Prints one case per tree and architecture, then a table
# (KH_UAPI_TABLE=FILE also writes it there).
source "$(dirname "$0")/../lib.sh"
require make rsync cc
ORACLE=$TOP/tests/corpus/uapi_oracle.sh
TABLE=$T/table
: > "$TABLE"

arches() {	# TREE: the architectures to run
	if [ "${1:-}" = --all ]; then
		(cd "$TREE/arch" && for a in *; do [ -d "$a" ] && echo "$a"; done)
	else
		printf '%s\n' "$@"
	fi
}

one() {	# VER TREE ARCH
	local ver=$1 tree=$2 arch=$3 o out n status
	o=$("$ORACLE" "$tree" "$arch") || { not_ok "uapi $ver $arch: oracle failed"; return; }
	out=$T/out-$ver-$arch
	status=$(cat "$o/status")
	if [ "$status" != ok ]; then
		if "$KHEADERS" uapi --srctree "$tree" --objtree "$o/obj" \
			--arch "$arch" -o "$out" 2>"$T/err"; then
			not_ok "uapi $ver $arch: make headers_install fails, kheaders does not"
			echo "$ver $arch refused-by-make-only" >> "$TABLE"
		else
			ok "uapi $ver $arch: refused like make headers_install ($(head -1 "$T/err"))"
			echo "$ver $arch both-refuse" >> "$TABLE"
		fi
		return
	fi
	n=$(find "$o/install/include" -type f | wc -l)
	if ! "$KHEADERS" uapi --srctree "$tree" --objtree "$o/obj" \
		--arch "$arch" -o "$out" 2>"$T/err"; then
		not_ok "uapi $ver $arch: kheaders failed"
		sed 's/^/#   /' "$T/err" | head -5
		echo "$ver $arch kheaders-failed $n" >> "$TABLE"
	elif diff -r "$out/include" "$o/install/include" > "$T/diff" 2>&1; then
		ok "uapi $ver $arch: $n headers byte-identical to make headers_install"
		echo "$ver $arch identical $n" >> "$TABLE"
	else
		not_ok "uapi $ver $arch: differs from make headers_install"
		head -10 "$T/diff" | sed 's/^/#   /'
		echo "$ver $arch DIFFERS $n" >> "$TABLE"
	fi
	rm -rf "$out"
}

for ver in 6.1 6.12 7.2; do
	TREE=$HOME/.cache/kheaders/linux-source-$ver
	if [ ! -f "$TREE/scripts/headers_install.sh" ]; then
		skip "uapi $ver: no tree at $TREE (scripts/corpus.sh fetch)"
		continue
	fi
	for arch in $(arches "$@"); do
		one "$ver" "$TREE" "$arch"
	done
done
echo "# tree arch result headers"
sed 's/^/# /' "$TABLE"
[ -z "${KH_UAPI_TABLE:-}" ] || cp "$TABLE" "$KH_UAPI_TABLE"
