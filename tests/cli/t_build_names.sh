#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Symlink policy, long paths and awkward names, on generated trees.
source "$(dirname "$0")/../lib.sh"
require bsdtar make
STRIP_ARGS=${STRIP_ARGS:-}
OBJ=$FIXTURES/linux-obj
S=$T/src
cp -a "$FIXTURES/linux" "$S"

# symlinks: inside -> kept; outside / absolute -> dereferenced
mkdir -p "$S/include/dt-bindings/input" "$S/outside"
echo '#define OUTSIDE 1' > "$S/outside/o.h"
ln -s ../../uapi/linux/types.h "$S/include/dt-bindings/input/codes.h"
ln -s ../../outside/o.h "$S/include/linux/out.h"
ln -s "$S/include/linux/kconfig.h" "$S/include/linux/abs.h"
# long paths: > 100 (ustar prefix split) and > 255 (pax) characters
long1=include/linux/$(printf 'd%.0s' {1..60})/$(printf 'f%.0s' {1..50}).h
long2=include/linux/$(printf 'a%.0s' {1..120})/$(printf 'b%.0s' {1..120})/$(printf 'c%.0s' {1..60}).h
mkdir -p "$S/$(dirname "$long1")" "$S/$(dirname "$long2")"
echo '#define LONG1 1' > "$S/$long1"
echo '#define LONG2 2' > "$S/$long2"
# names with spaces and other characters make(1) and shells trip on
echo '#define SPACED 1' > "$S/include/linux/with space.h"
echo '#define ODD 1' > "$S/include/linux/odd#\$:name.h"

"$KHEADERS" build $STRIP_ARGS -q --srctree "$S" --objtree "$OBJ" --arch x86 -o "$T/n.tar.xz" \
	--depfile "$T/n.d"
expect "build with links, long paths and odd names succeeds" test -s "$T/n.tar.xz"
tar --numeric-owner -tvJf "$T/n.tar.xz" > "$T/n.long"
expect "relative link to an archived file is kept as a link (0777)" \
	grep -Eq '^lrwxrwxrwx 0/0 .* \./include/dt-bindings/input/codes\.h -> \.\./\.\./uapi/linux/types\.h$' "$T/n.long"
expect "link to a file outside the archive is stored as its content" \
	grep -Eq '^-rw-r--r-- 0/0 .* \./include/linux/out\.h$' "$T/n.long"
expect "absolute link is stored as its content" \
	grep -Eq '^-rw-r--r-- 0/0 .* \./include/linux/abs\.h$' "$T/n.long"
mkdir "$T/x" "$T/xb"
tar -xJf "$T/n.tar.xz" -C "$T/x"
bsdtar -xf "$T/n.tar.xz" -C "$T/xb"
expect "dereferenced link has the target's content" grep -q OUTSIDE "$T/x/include/linux/out.h"
expect "kept link resolves inside the unpacked tree" cmp -s "$T/x/include/dt-bindings/input/codes.h" "$T/x/include/uapi/linux/types.h"
expect "path > 100 characters round-trips (GNU tar)" grep -q LONG1 "$T/x/$long1"
expect "path > 255 characters round-trips (GNU tar)" grep -q LONG2 "$T/x/$long2"
expect "long paths round-trip (bsdtar)" bash -c "grep -q LONG1 '$T/xb/$long1' && grep -q LONG2 '$T/xb/$long2'"
expect "name with a space round-trips" grep -q SPACED "$T/x/include/linux/with space.h"
expect "name with #, \$ and : round-trips" grep -q ODD "$T/x/include/linux/odd#\$:name.h"
expect "GNU tar and bsdtar agree" diff -r "$T/x" "$T/xb"

# symlink errors
cp -a "$S" "$T/loop"
ln -s l2.h "$T/loop/include/linux/l1.h"
ln -s l1.h "$T/loop/include/linux/l2.h"
expect_fail "symlink loop is a clear error" 1 "symlink loop at '.*include/linux/l1.h'" \
	"$KHEADERS" build --srctree "$T/loop" --objtree "$OBJ" --arch x86 -o "$T/e.tar.xz"
cp -a "$FIXTURES/linux" "$T/dirlink"
ln -s ../uapi "$T/dirlink/include/linux/dir.h"
expect_fail "symlink to a directory named .h is a clear error" 1 "does not point to a regular file" \
	"$KHEADERS" build --srctree "$T/dirlink" --objtree "$OBJ" --arch x86 -o "$T/e.tar.xz"

# names make cannot express are refused only when a depfile is asked for
cp -a "$FIXTURES/linux" "$T/nl"
echo '#define NL 1' > "$T/nl/include/linux/new
line.h"
"$KHEADERS" build $STRIP_ARGS -q --srctree "$T/nl" --objtree "$OBJ" --arch x86 -o "$T/nl.tar.xz"
expect "name with a newline is archived" bash -c "tar -tJf '$T/nl.tar.xz' | grep -qF 'new\\nline.h'"
expect_fail "... but a depfile cannot name it" 1 "make cannot name" \
	"$KHEADERS" build $STRIP_ARGS --srctree "$T/nl" --objtree "$OBJ" --arch x86 -o "$T/nl2.tar.xz" --depfile "$T/nl.d"
