#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The block cache never changes the bytes: cold, warm, --threads 1/2/8,
# with and without a cache, a damaged or truncated entry (warned about and
# ignored), two builds sharing one cache at once, and a size bound.
source "$(dirname "$0")/../lib.sh"
require xz
TS="@1767225600"
OBJ=$FIXTURES/linux-obj

# About 500 headers of varied text: several blocks at --block-entries 60.
cp -a "$FIXTURES/linux" "$T/src"
for i in $(seq 0 9); do
	mkdir -p "$T/src/include/gen$i"
	for j in $(seq 0 49); do
		{
			printf '/* generated %d/%d */\n#ifndef G_%d_%d\n#define G_%d_%d\n' \
				"$i" "$j" "$i" "$j" "$i" "$j"
			seq $((i * 50 + j)) 7 $((i * 50 + j + 2000)) | sed 's/^/#define V_&_X &/'
			echo '#endif'
		} > "$T/src/include/gen$i/h$j.h"
	done
done
kb() {
	"$KHEADERS" build --strip none -q --srctree "$T/src" --objtree "$OBJ" \
		--arch x86 --timestamp "$TS" --block-entries 60 "$@"
}

kb --no-cache -o "$T/ref.tar.xz"
blocks=$(xz -lv "$T/ref.tar.xz" | awk '/^ *Blocks:/ {print $2; exit}')
expect "the tree spans several xz blocks ($blocks)" test "$blocks" -ge 5
expect "--no-cache leaves no cache beside the output" test ! -e "$T/.ref.tar.xz.cache"

kb --cache "$T/c" -o "$T/cold.tar.xz" --force
expect "cold cache: same bytes as no cache" same_bytes "$T/ref.tar.xz" "$T/cold.tar.xz"
n=$(ls "$T/c" | grep -c '^[0-9a-f]\{64\}$')
expect "one cache entry per block ($n)" test "$n" -eq "$blocks"
kb -v --cache "$T/c" -o "$T/warm.tar.xz" 2> "$T/warm.err"
expect "warm cache: same bytes" same_bytes "$T/ref.tar.xz" "$T/warm.tar.xz"
expect "warm cache: every block from the cache" grep -q "$blocks from the cache, 0 compressed" "$T/warm.err"

for t in 1 2 8; do
	kb --threads $t --no-cache -o "$T/n$t.tar.xz"
	expect "--threads $t without a cache: same bytes" same_bytes "$T/ref.tar.xz" "$T/n$t.tar.xz"
	rm -rf "$T/ct$t"
	kb --threads $t --cache "$T/ct$t" -o "$T/c$t.tar.xz"
	expect "--threads $t, cold cache: same bytes" same_bytes "$T/ref.tar.xz" "$T/c$t.tar.xz"
	kb --threads $t --cache "$T/c" -o "$T/w$t.tar.xz"
	expect "--threads $t, warm cache: same bytes" same_bytes "$T/ref.tar.xz" "$T/w$t.tar.xz"
done

# Damage: flip a byte inside one entry's payload, cut another short.
set -- $(ls "$T/c" | grep '^[0-9a-f]\{64\}$')
printf '\x55' | dd of="$T/c/$1" bs=1 seek=200 conv=notrunc status=none
truncate -s 150 "$T/c/$2"
kb --cache "$T/c" -o "$T/damaged.tar.xz" --force 2> "$T/damaged.err"
expect "damaged cache entries do not change the output" same_bytes "$T/ref.tar.xz" "$T/damaged.tar.xz"
expect "each damaged entry is warned about" test "$(grep -c '^kheaders: warning: ignoring corrupt cache entry' "$T/damaged.err")" -eq 2
expect "the warning names the entry and the cause" grep -q "$1': payload digest mismatch" "$T/damaged.err"
kb -v --cache "$T/c" -o "$T/healed.tar.xz" --force 2> "$T/healed.err"
expect "damaged entries are rewritten: next build all hits" grep -q "$blocks from the cache" "$T/healed.err"
expect "... and no warning" bash -c "! grep -q warning '$T/healed.err'"
echo garbage > "$T/c/$3"
kb --cache "$T/c" -o "$T/garbage.tar.xz" --force 2> "$T/garbage.err"
expect "an entry replaced by garbage is ignored" same_bytes "$T/ref.tar.xz" "$T/garbage.tar.xz"

# Two builds at once on one cold cache, then on a warm one.
rm -rf "$T/shared"
kb --cache "$T/shared" -o "$T/p1.tar.xz" & p1=$!
kb --cache "$T/shared" -o "$T/p2.tar.xz" & p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
expect "concurrent builds sharing a cache both succeed" test "$r1$r2" = 00
expect "... with the same bytes" bash -c "cmp -s '$T/ref.tar.xz' '$T/p1.tar.xz' && cmp -s '$T/ref.tar.xz' '$T/p2.tar.xz'"
for i in 1 2 3 4; do
	kb --cache "$T/shared" --cache-size 40K --threads 2 -o "$T/q$i.tar.xz" --force & pids[i]=$!
done
bad=0
for i in 1 2 3 4; do wait ${pids[i]} || bad=1; cmp -s "$T/ref.tar.xz" "$T/q$i.tar.xz" || bad=1; done
expect "four concurrent builds evicting from a small shared cache: same bytes" test $bad -eq 0
expect "no temporary file is left behind" bash -c "! ls -A '$T/shared' | grep -q '^.tmp-'"
size=$(du -sb --apparent-size "$T/shared" | cut -f1)
kb --cache "$T/shared" --cache-size 40K -o "$T/q.tar.xz" --force
total=$(find "$T/shared" -name '[0-9a-f]*' -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
expect "the cache is trimmed to --cache-size ($total bytes)" test "$total" -le 40960

# The default cache lives beside the output.
kb -o "$T/def.tar.xz"
expect "default cache: .<output>.cache beside the output" test -d "$T/.def.tar.xz.cache"
expect "... tagged for backup tools" test -f "$T/.def.tar.xz.cache/CACHEDIR.TAG"
chmod 0500 "$T/.def.tar.xz.cache"
if [ "$(id -u)" -ne 0 ]; then
	kb -o "$T/def.tar.xz" --force 2> "$T/ro.err"
	expect "an unwritable cache is not an error" same_bytes "$T/ref.tar.xz" "$T/def.tar.xz"
fi
chmod 0700 "$T/.def.tar.xz.cache"
: > "$T/notadir"
kb --cache "$T/notadir" -o "$T/nd.tar.xz" 2> "$T/nd.err"
expect "a cache path that is not a directory: warning, same bytes" bash -c "
	cmp -s '$T/ref.tar.xz' '$T/nd.tar.xz' && grep -q 'warning: not using the cache' '$T/nd.err'"
