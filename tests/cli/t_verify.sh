#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kheaders verify: rebuild in memory and compare with an archive, object or
# compressed image; identical, content change, compression-only, mtime-only.
source "$(dirname "$0")/../lib.sh"
require xz gcc
cd "$T" || exit 1
S=$FIXTURES/linux O=$FIXTURES/linux-obj
B=(--srctree "$S" --objtree "$O" --arch x86)
"$KHEADERS" build -q "${B[@]}" --timestamp @1767225600 -o a.tar.xz || exit 1
sha=$(sha256sum < a.tar.xz | cut -d' ' -f1)

"$KHEADERS" verify a.tar.xz "${B[@]}" > out 2>&1
expect "identical build: exit 0" test $? -eq 0
expect "identical build: says identical with the sha256 and liblzma version" \
	grep -q "^identical: sha256 $sha (.* liblzma [0-9]" out
"$KHEADERS" embed a.tar.xz -o a.o
echo 'int main(void){return 0;}' > main.c && gcc -o prog main.c a.o
xz -k prog
expect "verify against an object file" "$KHEADERS" verify -q a.o "${B[@]}"
expect "verify against a linked program compressed with xz" "$KHEADERS" verify -q prog.xz "${B[@]}"

cp -a "$S" s2
sed -i 's/fixture_size_t/fixture_sizeXt/' s2/include/linux/types.h
"$KHEADERS" verify a.tar.xz --srctree s2 --objtree "$O" --arch x86 --unified > out 2>&1
expect "one-byte header change: exit 1" test $? -eq 1
expect "... names the path and the changed aspect" grep -qx 'changed: ./include/linux/types.h (content)' out
expect "... with a unified hunk" grep -q '^-typedef unsigned long fixture_sizeXt;' out
expect "... and both sha256" bash -c "grep -q '^rebuilt: sha256 ' out && grep -q '^input:   sha256 $sha' out"

xz -dc a.tar.xz | xz -1 --check=crc32 > recompressed.tar.xz
"$KHEADERS" verify recompressed.tar.xz "${B[@]}" > out 2>&1
expect "recompressed archive: exit 1 (not byte-identical)" test $? -eq 1
expect "... says only the compression differs" grep -q 'only the compression differs' out
expect "... and how this build compresses" grep -q 'this build compresses with lzma2:.*liblzma=' out

"$KHEADERS" verify a.tar.xz "${B[@]}" --timestamp @0 > out 2>&1
expect "other mtime: exit 1, reported as mtime only" bash -c \
	"grep -qx 'changed: ./include/linux/kconfig.h (mtime only)' out"
expect_fail "not an archive: exit 2 with a clear message" 2 "kheaders: .*prog.c|kheaders: " \
	"$KHEADERS" verify /etc/hostname "${B[@]}"
expect_fail "no input: usage error" 2 "verify takes one INPUT" "$KHEADERS" verify "${B[@]}"
expect_fail "bad tree: exit 2" 2 "cannot open source tree '/nonexistent'" \
	"$KHEADERS" verify a.tar.xz --srctree /nonexistent --arch x86
