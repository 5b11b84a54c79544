#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The determinism matrix: the same inputs give the same bytes whatever the
# thread count, tree location, umask, TZ, locale, directory order, and the
# input files' mtimes, owners and modes.
source "$(dirname "$0")/../lib.sh"
require xz
STRIP_ARGS=${STRIP_ARGS:-}
TS="@1767225600"

# A tree big enough for several xz blocks and many directories.
make_tree() {
	local d=$1 order=$2 i j
	cp -a "$FIXTURES/linux" "$d"
	for i in $(seq 0 39 | $order); do
		mkdir -p "$d/include/gen$i"
		for j in $(seq 0 59 | $order); do
			printf '/* header %d/%d */\n#define GEN_%d_%d %d\n%s\n' \
				"$i" "$j" "$i" "$j" "$((i * j))" \
				"$(head -c $((200 + (i * 7 + j * 13) % 900)) /dev/zero | tr '\0' 'x')" \
				> "$d/include/gen$i/h$j.h"
		done
	done
}
make_tree "$T/a" cat
OBJ=$FIXTURES/linux-obj
kb() { "$KHEADERS" build $STRIP_ARGS -q --objtree "$OBJ" --arch x86 --timestamp "$TS" "$@"; }

kb --srctree "$T/a" -o "$T/ref.tar.xz"
blocks=$(xz -lv "$T/ref.tar.xz" | awk '/Blocks:/ {print $2; exit}')
expect "the test tree spans several xz blocks ($blocks)" test "$blocks" -ge 2
for n in 1 2 8; do
	kb --srctree "$T/a" --threads $n -o "$T/t$n.tar.xz"
	expect "--threads $n gives the same bytes" same_bytes "$T/ref.tar.xz" "$T/t$n.tar.xz"
done
mkdir -p "$T/deeper/elsewhere/path"
cp -a "$T/a" "$T/deeper/elsewhere/path/tree"
kb --srctree "$T/deeper/elsewhere/path/tree" -o "$T/moved.tar.xz"
expect "absolute path of the tree does not matter" same_bytes "$T/ref.tar.xz" "$T/moved.tar.xz"
(cd "$T/a" && "$KHEADERS" build $STRIP_ARGS -q --srctree . --objtree "$OBJ" --arch x86 --timestamp "$TS" -o "$T/rel.tar.xz")
expect "relative tree path gives the same bytes" same_bytes "$T/ref.tar.xz" "$T/rel.tar.xz"
(umask 077; kb --srctree "$T/a" -o "$T/umask.tar.xz")
expect "umask does not matter" same_bytes "$T/ref.tar.xz" "$T/umask.tar.xz"
TZ=Pacific/Kiritimati kb --srctree "$T/a" -o "$T/tz.tar.xz"
expect "TZ does not matter" same_bytes "$T/ref.tar.xz" "$T/tz.tar.xz"
LC_ALL=C.UTF-8 LANG=tr_TR.UTF-8 kb --srctree "$T/a" -o "$T/lc.tar.xz"
expect "LC_ALL does not matter" same_bytes "$T/ref.tar.xz" "$T/lc.tar.xz"
make_tree "$T/b" tac
# Tree b was created in reverse order; whether readdir shows it depends on
# the file system (tmpfs: creation order; ext4: hash order), so say which.
if diff -q <(ls -U "$T/a/include/gen5") <(ls -U "$T/b/include/gen5") >/dev/null; then
	echo "# readdir order is the same in both trees on this file system"
else
	echo "# readdir order differs between the two trees"
fi
kb --srctree "$T/b" -o "$T/order.tar.xz"
expect "directory read order does not matter" same_bytes "$T/ref.tar.xz" "$T/order.tar.xz"
find "$T/b" -exec touch -h -d '1999-09-09 09:09:09' {} +
find "$T/b" -type f -exec chmod 0600 {} +
find "$T/b" -type d -exec chmod 0700 {} +
chown -R nobody:nogroup "$T/b" 2>/dev/null || chown -R 65534:65534 "$T/b"
kb --srctree "$T/b" -o "$T/meta.tar.xz"
expect "input mtimes, modes and owners do not matter" same_bytes "$T/ref.tar.xz" "$T/meta.tar.xz"
kb --srctree "$T/a" -o "$T/again.tar.xz"
expect "two runs give the same bytes" same_bytes "$T/ref.tar.xz" "$T/again.tar.xz"

# timestamp precedence: --timestamp > KBUILD_BUILD_TIMESTAMP > SOURCE_DATE_EPOCH > default
mt() { tar --full-time -tvJf "$1" | awk 'NR==1 {print $4" "$5}'; }
S=$FIXTURES/linux
"$KHEADERS" build $STRIP_ARGS -q --srctree "$S" --objtree "$OBJ" --arch x86 -o "$T/d.tar.xz"
expect "default mtime is fixed (2000-01-01)" test "$(TZ=UTC mt "$T/d.tar.xz")" = "2000-01-01 00:00:00"
SOURCE_DATE_EPOCH=1767225600 "$KHEADERS" build $STRIP_ARGS -q --srctree "$S" --objtree "$OBJ" --arch x86 -o "$T/s.tar.xz"
expect "SOURCE_DATE_EPOCH is used" test "$(TZ=UTC mt "$T/s.tar.xz")" = "2026-01-01 00:00:00"
SOURCE_DATE_EPOCH=1767225600 KBUILD_BUILD_TIMESTAMP="Sun Nov 22 10:29:29 UTC 2026" \
	"$KHEADERS" build $STRIP_ARGS -q --srctree "$S" --objtree "$OBJ" --arch x86 -o "$T/k.tar.xz"
expect "KBUILD_BUILD_TIMESTAMP beats SOURCE_DATE_EPOCH" test "$(TZ=UTC mt "$T/k.tar.xz")" = "2026-11-22 10:29:29"
KBUILD_BUILD_TIMESTAMP="Sun Nov 22 10:29:29 UTC 2026" \
	"$KHEADERS" build $STRIP_ARGS -q --srctree "$S" --objtree "$OBJ" --arch x86 --timestamp 2026-01-01T00:00:00Z -o "$T/o.tar.xz"
expect "--timestamp beats KBUILD_BUILD_TIMESTAMP" test "$(TZ=UTC mt "$T/o.tar.xz")" = "2026-01-01 00:00:00"
