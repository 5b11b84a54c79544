#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --depfile drives make: nothing changed -> nothing runs; one header edited
# (same size, same second) -> rebuilt; header deleted or added -> rebuilt,
# and make never fails on a vanished dependency.
source "$(dirname "$0")/../lib.sh"
require make
STRIP_ARGS=${STRIP_ARGS:-}
S=$T/src
cp -a "$FIXTURES/linux" "$S"
echo '#define SPACED 1' > "$S/include/linux/with space.h"
echo '#define ODD 1' > "$S/include/linux/odd#\$:name.h"
cat > "$T/Makefile" <<MK
out.tar.xz:
	"$KHEADERS" build $STRIP_ARGS -q --srctree "$S" --objtree "$FIXTURES/linux-obj" --arch x86 -o \$@ --depfile out.d
-include out.d
MK
mk() { make -s -C "$T" "$@"; }
# (settle, tests/lib.sh: no input change in the snapshot's clock tick)
settle

expect "first make builds the archive" mk
expect "the depfile lists a header" grep -q 'include/linux/types.h' "$T/out.d"
expect "the depfile escapes a space" grep -qF 'include/linux/with\ space.h' "$T/out.d"
expect "make parses the depfile; nothing changed means up to date" mk -q out.tar.xz
before=$(stat -c %Y.%y "$T/out.tar.xz")
mk
expect "a no-op make does not rewrite the archive" test "$before" = "$(stat -c %Y.%y "$T/out.tar.xz")"

# same size, same second: only the nanoseconds of the mtime move
size=$(stat -c %s "$S/include/linux/types.h")
sed -i 's/unsigned long fixture_size_t/unsigned char fixture_size_t/' "$S/include/linux/types.h"
expect "the edit kept the size" test "$size" = "$(stat -c %s "$S/include/linux/types.h")"
settle
expect_fail "an edited header makes the archive out of date" 1 "" mk -q out.tar.xz
cp "$T/out.tar.xz" "$T/old.tar.xz"
mk
expect "make rebuilds, and the archive changes" bash -c "! cmp -s '$T/old.tar.xz' '$T/out.tar.xz'"
expect "then up to date again" mk -q out.tar.xz

echo '#define SPACED 2' > "$S/include/linux/with space.h"
expect_fail "editing a header whose name has a space is seen" 1 "" mk -q out.tar.xz
mk
echo '#define ODD 2' > "$S/include/linux/odd#\$:name.h"
expect_fail "editing a header whose name has #, \$ and : is seen" 1 "" mk -q out.tar.xz
mk

rm "$S/include/linux/with space.h"
expect "a deleted header does not break make (phony targets)" mk
expect "... and the archive no longer has it" bash -c "! tar -tJf '$T/out.tar.xz' | grep -q 'with space'"
sleep 0.01
echo '#define NEW 1' > "$S/include/linux/brand_new.h"
expect_fail "a new header in a walked directory is seen" 1 "" mk -q out.tar.xz
mk
expect "... and archived" bash -c "tar -tJf '$T/out.tar.xz' | grep -q brand_new.h"
