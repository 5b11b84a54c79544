#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# libkheaders.so.0's exported symbols, kept in three places that must agree
# with what the code asks for (KH_EXPORT: default visibility in the
# library's objects, built with -fvisibility=hidden):
#   src/libkheaders.map            the linker version script (node
#                                  KHEADERS_0, every other symbol local)
#   debian/libkheaders0.symbols    the Debian symbols file (dpkg-gensymbols)
#   nm -D of the built library     what the library really exports
#
# Usage: scripts/symbols.sh check B     (from `make check-boundary`)
#        scripts/symbols.sh update B    rewrite the map and the symbols file
#                                       from the objects in B/obj/ (a new
#                                       symbol gets the Makefile's VERSION,
#                                       the others keep theirs); then
#                                       `make` relinks the library
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
map=$top/src/libkheaders.map
symfile=$top/debian/libkheaders0.symbols
node=KHEADERS_0
prog=symbols.sh

die() { echo "$prog: $*" >&2; exit 1; }

# wanted B: the library objects' (B/obj/NAME.o of each src/NAME.c, as the
# Makefile builds them) defined global symbols of default visibility, sorted.
wanted() {
	local c objs=()
	for c in "$top"/src/*.c; do
		c=${c##*/}
		objs+=("$1/obj/${c%.c}.o")
		[ -f "${objs[-1]}" ] || die "'${objs[-1]}' is missing: run make first"
	done
	LC_ALL=C readelf -sW "${objs[@]}" |
	awk '$5 == "GLOBAL" && $6 == "DEFAULT" && $7 != "UND" &&
	     ($4 == "FUNC" || $4 == "OBJECT") { print $8 }' | LC_ALL=C sort -u
}

in_map() {
	sed -n 's/^[[:space:]]*\(kh_[A-Za-z0-9_]*\);$/\1/p' "$map" | LC_ALL=C sort -u
}

in_symfile() {
	sed -n "s/^ \([A-Za-z0-9_]*\)@$node .*/\1/p" "$symfile" |
	grep -vx "$node" | LC_ALL=C sort -u
}

# exported B: the built library's dynamic symbols (less the version node).
exported() {
	LC_ALL=C nm -D --defined-only "$1/libkheaders.so.0" |
	awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' | LC_ALL=C sort -u
}

# same NAME A B: the lists in files A and B are equal, or say how not.
same() {
	if cmp -s "$2" "$3"; then
		echo "ok - $1"
		return 0
	fi
	echo "not ok - $1"
	diff "$2" "$3" | sed -n 's/^</#   only in the objects (KH_EXPORT):/p; s/^>/#   only in the other:/p'
	return 1
}

check() {
	local b=$1 t rc=0
	t=$(mktemp -d)
	trap "rm -rf '$t'" EXIT
	wanted "$b" >"$t/wanted"
	in_map >"$t/map"
	in_symfile >"$t/symbols"
	exported "$b" >"$t/exported"
	same "src/libkheaders.map lists every KH_EXPORT symbol" "$t/wanted" "$t/map" || rc=1
	same "debian/libkheaders0.symbols lists every KH_EXPORT symbol" "$t/wanted" "$t/symbols" || rc=1
	same "libkheaders.so.0 exports exactly the KH_EXPORT symbols" "$t/wanted" "$t/exported" || rc=1
	if LC_ALL=C nm -D --defined-only "$b/libkheaders.so.0" | grep -q " A $node\$"; then
		echo "ok - libkheaders.so.0 has the version node $node"
	else
		echo "not ok - libkheaders.so.0 has the version node $node"
		rc=1
	fi
	[ "$rc" = 0 ] || echo "#   after a deliberate API change: scripts/symbols.sh update $b"
	rm -rf "$t"
	return "$rc"
}

update() {
	local b=$1 version syms
	version=$(sed -n 's/^VERSION[[:space:]]*:=[[:space:]]*//p' "$top/Makefile")
	[ -n "$version" ] || die "no VERSION in the Makefile"
	syms=$(wanted "$b")
	{
		echo "/* SPDX-License-Identifier: GPL-2.0 */"
		echo "/*"
		echo " * libkheaders.so.0's exports: the KH_EXPORT functions of kheaders.h,"
		echo " * nothing else.  Written by scripts/symbols.sh update; make"
		echo " * check-boundary fails when it, debian/libkheaders0.symbols and the"
		echo " * library disagree."
		echo " */"
		echo "$node {"
		echo "global:"
		printf '\t%s;\n' $syms
		echo "local:"
		printf '\t*;\n'
		echo "};"
	} >"$map.tmp"
	mv "$map.tmp" "$map"
	{
		echo "libkheaders.so.0 libkheaders0 #MINVER#"
		echo "* Build-Depends-Package: libkheaders-dev"
		echo " $node@$node $version"
		for s in $syms; do
			old=$(sed -n "s/^ $s@$node \(.*\)/\1/p" "$symfile" 2>/dev/null || :)
			echo " $s@$node ${old:-$version}"
		done
	} >"$symfile.tmp"
	mv "$symfile.tmp" "$symfile"
	echo "$prog: $(wc -w <<<"$syms") symbols in src/libkheaders.map and debian/libkheaders0.symbols"
}

[ $# = 2 ] || die "usage: scripts/symbols.sh check|update B"
case $1 in
check) check "$2" ;;
update) update "$2" ;;
*) die "usage: scripts/symbols.sh check|update B" ;;
esac
