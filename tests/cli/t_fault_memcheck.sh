#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# valgrind memcheck on `build` (a fixture build, and its error paths) and
# on `extract` (a round-trip image, to a file and unpacked): no invalid
# access, no uninitialised use, no leak of any kind.
source "$(dirname "$0")/../lib.sh"
require gzip valgrind nm
STRIP=${STRIP_ARGS:-}
SRC=$FIXTURES/linux
OBJ=$FIXTURES/linux-obj

if nm "$KHEADERS" 2>/dev/null | grep -q __asan_init ||
   ldd "$KHEADERS" 2>/dev/null | grep -q libasan; then
	skip "memcheck: $KHEADERS is an ASan build (valgrind cannot run it)"
	exit 0
fi

# vg NAME STATUS CMD...: CMD under memcheck exits STATUS, with no error.
vg() {
	local name=$1 status=$2 rc
	shift 2
	valgrind -q --leak-check=full --show-leak-kinds=all \
		--errors-for-leak-kinds=all --error-exitcode=99 \
		--log-file="$T/vg.log" "$@" >/dev/null 2>"$T/.err"
	rc=$?
	if [ "$rc" -eq "$status" ] && [ ! -s "$T/vg.log" ]; then
		ok "$name"
	else
		not_ok "$name (exit $rc, want $status)"
		sed 's/^/#   /' "$T/vg.log" "$T/.err" | head -30
	fi
}

vg "memcheck: build on the fixture trees (2 threads, depfile)" 0 \
	"$KHEADERS" build -q $STRIP --threads 2 --srctree "$SRC" --objtree "$OBJ" \
	--arch x86 --timestamp @0 -o "$T/k.tar.xz" --depfile "$T/k.d"
cp -a "$SRC" "$T/dang"
ln -s nowhere.h "$T/dang/include/linux/dangling.h"
vg "memcheck: build failing on a dangling symlink" 1 \
	"$KHEADERS" build -q $STRIP --srctree "$T/dang" --objtree "$OBJ" \
	--arch x86 -o "$T/e.tar.xz"
printf 'include/linux/types.h\ninclude/linux/missing.h\n' > "$T/src.list"
vg "memcheck: build failing on a list naming a missing file" 1 \
	"$KHEADERS" build -q $STRIP --srctree "$SRC" --objtree "$OBJ" \
	--srclist "$T/src.list" --objlist /dev/null -o "$T/e.tar.xz"
vg "memcheck: build failing to create its output" 1 \
	"$KHEADERS" build -q $STRIP --srctree "$SRC" --objtree "$OBJ" \
	--arch x86 -o "$T/nodir/e.tar.xz"

if [ ! -f "$TOP/src/scan.c" ]; then
	skip "memcheck: extract (the extract module is not in this tree yet)"
	exit 0
fi
{ printf 'junk\0\0\0\0IKHD_ST'; cat "$T/k.tar.xz"; printf 'IKHD_ED junk'; } > "$T/image"
gzip -9n < "$T/image" > "$T/image.gz"
vg "memcheck: extract from a marker image" 0 \
	"$KHEADERS" extract "$T/image" -o "$T/x.tar.xz"
expect "... which gives the archive back byte for byte" cmp "$T/k.tar.xz" "$T/x.tar.xz"
vg "memcheck: extract from a gzip-compressed image, unpacked (-C)" 0 \
	"$KHEADERS" extract "$T/image.gz" -C "$T/unpacked"
expect "... which unpacks the headers" grep -q CONFIG_IKHEADERS \
	"$T/unpacked/include/generated/autoconf.h"
head -c 600 "$T/image" > "$T/cut"
vg "memcheck: extract failing on a truncated image" 1 \
	"$KHEADERS" extract "$T/cut" -o "$T/y.tar.xz"
