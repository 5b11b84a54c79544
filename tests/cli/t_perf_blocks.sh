#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Block boundaries depend on the entry paths and count only: editing one
# header (same size, or growing it a lot) changes exactly the xz block that
# holds it, every other block keeps its size and its CRC64, and with a
# warm cache only that block is compressed again.
source "$(dirname "$0")/../lib.sh"
require xz
TS="@1767225600"
OBJ=$FIXTURES/linux-obj

cp -a "$FIXTURES/linux" "$T/src"
for i in $(seq 0 9); do
	mkdir -p "$T/src/include/gen$i"
	for j in $(seq 0 49); do
		{
			printf '#ifndef G_%d_%d\n#define G_%d_%d\n' "$i" "$j" "$i" "$j"
			seq $((i * 50 + j)) 11 $((i * 50 + j + 1500)) | sed 's/^/#define W_&_Y &/'
			echo '#endif'
		} > "$T/src/include/gen$i/h$j.h"
	done
done
kb() {
	"$KHEADERS" build --strip none -q --srctree "$T/src" --objtree "$OBJ" \
		--arch x86 --timestamp "$TS" --block-entries 60 --cache "$T/c" "$@"
}
# "uncompressed-size crc64" of every block, one per line.
blocks() { xz -lvv "$1" | awk '$1 == 1 && NF >= 12 && $8 == "CRC64" {print $6, $9}'; }

kb -o "$T/a.tar.xz"
blocks "$T/a.tar.xz" > "$T/a.blocks"
n=$(wc -l < "$T/a.blocks")
expect "the tree spans several blocks ($n)" test "$n" -ge 5

# Same size: a token changes, nothing moves.
H=$T/src/include/gen4/h20.h
sed -i 's/^#define G_4_20$/#define G_4_2X/' "$H"
kb -v -o "$T/b.tar.xz" 2> "$T/b.err"
blocks "$T/b.tar.xz" > "$T/b.blocks"
expect "same-size edit: same number of blocks" test "$(wc -l < "$T/b.blocks")" -eq "$n"
changed=$(diff "$T/a.blocks" "$T/b.blocks" | grep -c '^>')
expect "same-size edit: exactly one block differs ($changed)" test "$changed" -eq 1
expect "same-size edit: only that block is compressed again" grep -q "$((n - 1)) from the cache, 1 compressed" "$T/b.err"

# Growing the header by 20 KB: the other blocks keep size and CRC.
seq 1 3000 | sed 's/^/#define GROW_&/' >> "$H"
kb -v -o "$T/c.tar.xz" 2> "$T/c.err"
blocks "$T/c.tar.xz" > "$T/c.blocks"
expect "grown header: same number of blocks" test "$(wc -l < "$T/c.blocks")" -eq "$n"
changed=$(diff "$T/b.blocks" "$T/c.blocks" | grep -c '^>')
expect "grown header: exactly one block differs ($changed)" test "$changed" -eq 1
idx_b=$(diff "$T/b.blocks" "$T/c.blocks" | sed -n 's/^\([0-9]*\)c.*/\1/p')
idx_a=$(diff "$T/a.blocks" "$T/b.blocks" | sed -n 's/^\([0-9]*\)c.*/\1/p')
expect "... and it is the block of that header (block $idx_a, $idx_b)" test "$idx_a" = "$idx_b"
expect "grown header: only that block is compressed again" grep -q "$((n - 1)) from the cache, 1 compressed" "$T/c.err"
kb --no-cache --force -o "$T/c2.tar.xz"
expect "the incremental archive equals a from-scratch one" same_bytes "$T/c.tar.xz" "$T/c2.tar.xz"
expect "it unpacks to the edited header" bash -c "
	tar -xJOf '$T/c.tar.xz' ./include/gen4/h20.h | cmp -s - '$H'"

# Shrinking it back to the original: back to the original archive.
sed -i '/^#define GROW_/d; s/^#define G_4_2X$/#define G_4_20/' "$H"
kb -v -o "$T/d.tar.xz" 2> "$T/d.err"
expect "undoing the edit gives the first archive back" same_bytes "$T/a.tar.xz" "$T/d.tar.xz"
expect "... entirely from the cache" grep -q "$n from the cache, 0 compressed" "$T/d.err"

# A new header changes its block and moves a boundary only where it
# changes the minimum of a window: here at most one (three blocks).
echo '#define NEW 1' > "$T/src/include/gen7/new.h"
kb -o "$T/e.tar.xz"
blocks "$T/e.tar.xz" > "$T/e.blocks"
kept=$(comm -12 <(sort "$T/a.blocks") <(sort "$T/e.blocks") | wc -l)
expect "a new header leaves most blocks as they were ($kept of $n)" test "$kept" -ge $((n - 3))
