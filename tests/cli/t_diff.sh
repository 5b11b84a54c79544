#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kheaders diff: identical builds, recompression, content / mtime / mode /
# owner / link changes, only-in-A/B, unified hunks that patch -p1 applies,
# directories against archives, --quiet, exit statuses, bad input.
source "$(dirname "$0")/../lib.sh"
require xz patch

# pack DIR OUT [XZOPT]: kernel-style archive of DIR with the files' mtimes
pack() {
	(cd "$1" && find . -print0 | LC_ALL=C sort -z |
		tar --format=ustar --owner=0 --group=0 --numeric-owner \
		    --no-recursion --null -T - -cf -) |
		xz -c ${3:-} >"$2"
}

# settle DIR: one mtime for everything
settle() { find "$1" -exec touch -h -d @1700000000 {} +; }

mkdir -p "$T/a/include/linux" "$T/a/include/uapi/linux" \
	 "$T/a/arch/x86/include/asm"
printf '#ifndef _A_H\n#define _A_H\n#define A 1\n#endif\n' \
	>"$T/a/include/linux/a.h"
seq 1 300 | sed 's/.*/int line_&;/' >"$T/a/include/linux/big.h"
printf 'struct s { int x; };' >"$T/a/include/uapi/linux/nonl.h"
printf 'gone\n' >"$T/a/include/linux/gone.h"
ln -s ../../../../include/linux/a.h "$T/a/arch/x86/include/asm/a.h"
settle "$T/a"
pack "$T/a" "$T/a.tar.xz"
pack "$T/a" "$T/a2.tar.xz"
pack "$T/a" "$T/a9.tar.xz" -9
n=$(tar -tJf "$T/a.tar.xz" | wc -l)

"$KHEADERS" diff "$T/a.tar.xz" "$T/a2.tar.xz" >"$T/out"
rc=$?
if [ $rc -eq 0 ] && grep -qx "0 only in A, 0 only in B, 0 changed, $n identical" "$T/out"; then
	ok "two builds of one tree are identical (exit 0)"
else
	not_ok "two builds of one tree are identical (exit $rc)"; cat "$T/out"
fi
"$KHEADERS" diff "$T/a.tar.xz" "$T/a9.tar.xz" >"$T/out"
rc=$?
if [ $rc -eq 0 ] && grep -q 'only the compression differs' "$T/out"; then
	ok "xz -9 of the same tar: equal, only the compression differs"
else
	not_ok "xz -9 of the same tar (exit $rc)"; cat "$T/out"
fi

# B: one byte of a.h, a line of big.h, nonl.h gains text, gone.h removed,
# new.h added.
cp -a "$T/a" "$T/b"
sed -i 's/define A 1/define A 2/' "$T/b/include/linux/a.h"
sed -i 's/^int line_150;$/int line_150_changed;/' "$T/b/include/linux/big.h"
printf 'struct s { int x; int y; };' >"$T/b/include/uapi/linux/nonl.h"
rm "$T/b/include/linux/gone.h"
printf '#define NEW 1\n' >"$T/b/include/linux/new.h"
settle "$T/b"
pack "$T/b" "$T/b.tar.xz"

"$KHEADERS" diff "$T/a.tar.xz" "$T/b.tar.xz" >"$T/out"
rc=$?
expect "content change: exit 1" test $rc -eq 1
expect "a one-byte change names the header and says content" \
	grep -qx 'changed: ./include/linux/a.h (content)' "$T/out"
expect "a removed header is only in A" \
	grep -qx 'only in A: ./include/linux/gone.h' "$T/out"
expect "an added header is only in B" \
	grep -qx 'only in B: ./include/linux/new.h' "$T/out"
expect "the summary line counts each kind" \
	grep -qx "1 only in A, 1 only in B, 3 changed, $((n - 4)) identical" "$T/out"
expect "without --unified there are no hunks" \
	bash -c "! grep -q '^@@' '$T/out'"

"$KHEADERS" diff --unified "$T/a.tar.xz" "$T/b.tar.xz" >"$T/patch"
expect "--unified shows the one-byte change as a hunk" \
	grep -qx -- '+#define A 2' "$T/patch"
expect "--unified uses a/ and b/ file names" \
	grep -qx -- '+++ b/include/linux/a.h' "$T/patch"
expect "--unified marks a missing final newline" \
	grep -qx '\\ No newline at end of file' "$T/patch"
rm -rf "$T/applied" && cp -a "$T/a" "$T/applied"
expect "the --unified output applies with patch -p1" \
	bash -c "cd '$T/applied' && patch -p1 -s --no-backup-if-mismatch <'$T/patch'"
expect "the patched copy of A has B's files" \
	diff -r --no-dereference "$T/applied" "$T/b"

# The hunk for a lone changed line is the one GNU diff -u prints.
diff -u "$T/a/include/linux/big.h" "$T/b/include/linux/big.h" |
	tail -n +3 >"$T/gnu.hunk"
awk '/^\+\+\+ b\/include\/linux\/big.h/ { on = 1; next }
     on && /^(---|changed:|only in|[0-9]+ only)/ { exit }
     on' "$T/patch" >"$T/our.hunk"
expect "the big.h hunk matches GNU diff -u" \
	bash -c "grep -q '^+int line_150_changed;' '$T/our.hunk' && cmp -s '$T/gnu.hunk' '$T/our.hunk'"

# mtime only
cp -a "$T/a" "$T/m"
touch -d @1700000999 "$T/m/include/linux/a.h"
pack "$T/m" "$T/m.tar.xz"
"$KHEADERS" diff "$T/a.tar.xz" "$T/m.tar.xz" >"$T/out"
rc=$?
expect "an mtime-only difference is reported as such (exit 1)" \
	bash -c "[ $rc -eq 1 ] && grep -qx 'changed: ./include/linux/a.h (mtime only)' '$T/out'"
expect "--ignore=mtime makes it equal" \
	"$KHEADERS" diff --quiet --ignore=mtime "$T/a.tar.xz" "$T/m.tar.xz"

# mode and link target
cp -a "$T/a" "$T/x"
chmod 0600 "$T/x/include/linux/a.h"
ln -sfn ../../../../include/linux/big.h "$T/x/arch/x86/include/asm/a.h"
settle "$T/x"
pack "$T/x" "$T/x.tar.xz"
"$KHEADERS" diff "$T/a.tar.xz" "$T/x.tar.xz" >"$T/out"
expect "a mode change is reported" \
	grep -qx 'changed: ./include/linux/a.h (mode)' "$T/out"
expect "a symlink target change is reported" \
	grep -qx 'changed: ./arch/x86/include/asm/a.h (link target)' "$T/out"

# owner (needs chown: root only)
if [ "$(id -u)" = 0 ]; then
	cp -a "$T/a" "$T/o"
	chown 1234:0 "$T/o/include/linux/a.h"
	(cd "$T/o" && find . -print0 | LC_ALL=C sort -z |
		tar --format=ustar --numeric-owner --no-recursion --null \
		    -T - -cf - | xz -c) >"$T/o.tar.xz"
	"$KHEADERS" diff "$T/a.tar.xz" "$T/o.tar.xz" >"$T/out"
	expect "an owner change is reported" \
		grep -qx 'changed: ./include/linux/a.h (owner)' "$T/out"
else
	skip "an owner change is reported: needs root for chown"
fi

# --quiet and exit statuses
"$KHEADERS" diff --quiet "$T/a.tar.xz" "$T/b.tar.xz" >"$T/out" 2>&1
rc=$?
expect "--quiet: exit 1 and no output when different" \
	bash -c "[ $rc -eq 1 ] && [ ! -s '$T/out' ]"
"$KHEADERS" diff -q "$T/a.tar.xz" "$T/a9.tar.xz" >"$T/out" 2>&1
rc=$?
expect "--quiet: exit 0 and no output when equal" \
	bash -c "[ $rc -eq 0 ] && [ ! -s '$T/out' ]"
expect "diff reads A from standard input" \
	bash -c "'$KHEADERS' diff -q - '$T/a.tar.xz' <'$T/a2.tar.xz'"

# directories
mkdir "$T/unpacked"
tar -xJf "$T/a.tar.xz" -C "$T/unpacked"
"$KHEADERS" diff --ignore=owner "$T/unpacked" "$T/a.tar.xz" >"$T/out"
rc=$?
expect "an unpacked tree equals its archive (exit 0)" test $rc -eq 0
sed -n '$p' "$T/out" | grep -q "0 only in A, 0 only in B, 0 changed, $n identical" ||
	{ not_ok "directory summary"; cat "$T/out"; }
"$KHEADERS" diff --ignore=owner "$T/unpacked" "$T/b.tar.xz" >"$T/out"
expect "a directory against another archive finds the changed header" \
	grep -qx 'changed: ./include/linux/a.h (content)' "$T/out"
"$KHEADERS" diff -u "$T/a" "$T/b" >"$T/dpatch"
rc=$?
rm -rf "$T/applied2" && cp -a "$T/a" "$T/applied2"
expect "directory against directory: --unified applies with patch -p1" \
	bash -c "[ $rc -eq 1 ] && cd '$T/applied2' && patch -p1 -s --no-backup-if-mismatch <'$T/dpatch' && diff -r --no-dereference . '$T/b'"

# errors
printf 'garbage' >"$T/junk"
expect_fail "an input that is no archive: exit 2 naming it" 2 "$T/junk" \
	"$KHEADERS" diff "$T/a.tar.xz" "$T/junk"
xz -dc "$T/b.tar.xz" | head -c 3000 | xz -c >"$T/cut.tar.xz"
expect_fail "a truncated archive: exit 2, corrupt or truncated" 2 \
	"'$T/cut.tar.xz': corrupt or truncated archive" \
	"$KHEADERS" diff "$T/a.tar.xz" "$T/cut.tar.xz"
expect_fail "a missing input: exit 2" 2 "cannot open '$T/nope'" \
	"$KHEADERS" diff "$T/nope" "$T/a.tar.xz"
expect_fail "one input only: usage error, exit 2" 2 "two inputs" \
	"$KHEADERS" diff "$T/a.tar.xz"
expect_fail "both from standard input: usage error" 2 "only one of A and B" \
	"$KHEADERS" diff - -
expect_fail "an unknown --ignore aspect: usage error" 2 "bad --ignore" \
	"$KHEADERS" diff --ignore=colour "$T/a.tar.xz" "$T/b.tar.xz"

# Archives from kheaders build: two builds are identical; a one-byte edit
# of the source shows up as that header's content (and applies).
SRC=$FIXTURES/linux OBJ=$FIXTURES/linux-obj
kb() { "$KHEADERS" build -q --strip none --arch x86 --timestamp "2026-01-01 00:00:00 UTC" "$@"; }
if kb --srctree "$SRC" --objtree "$OBJ" -o "$T/k1.tar.xz" &&
   kb --srctree "$SRC" --objtree "$OBJ" -o "$T/k2.tar.xz"; then
	expect "two kheaders builds compare identical" \
		"$KHEADERS" diff -q "$T/k1.tar.xz" "$T/k2.tar.xz"
	cp -a "$SRC" "$T/src2"
	h=$(cd "$T/src2" && find include -name '*.h' -type f | LC_ALL=C sort | head -1)
	sed -i '$ s/$/\nint kh_diff_marker;/' "$T/src2/$h"
	kb --srctree "$T/src2" --objtree "$OBJ" -o "$T/k3.tar.xz"
	"$KHEADERS" diff -u "$T/k1.tar.xz" "$T/k3.tar.xz" >"$T/kout"
	expect "a kheaders build after a source edit differs in that header" \
		grep -qx "changed: ./$h (content)" "$T/kout"
	mkdir "$T/k1"
	tar -xJf "$T/k1.tar.xz" -C "$T/k1"
	mkdir "$T/k3"
	tar -xJf "$T/k3.tar.xz" -C "$T/k3"
	expect "the kheaders build diff applies with patch -p1" \
		bash -c "cd '$T/k1' && patch -p1 -s <'$T/kout' && diff -r . '$T/k3'"
else
	not_ok "kheaders build of the fixture tree failed"
fi
