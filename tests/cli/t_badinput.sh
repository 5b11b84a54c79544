#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The bad-input matrix of docs/bad-input.md, one case per row (the row id
# starts each case's name): what `kheaders build` says and which status it
# exits with on hostile or broken trees, options and outputs.
source "$(dirname "$0")/../lib.sh"
require python3
STRIP=${STRIP_ARGS:-}
SRC=$FIXTURES/linux
OBJ=$FIXTURES/linux-obj

kb() { "$KHEADERS" build -q $STRIP "$@"; }
# Big scratch trees go to tmpfs when there is one.
FAST=$T
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	FAST=$(mktemp -d /dev/shm/kh-test.XXXXXX)
fi

# as_user CMD...: run CMD without root's powers over permissions.  What
# the unprivileged steps read and run lives in $U: as root, a 0755
# directory under /tmp holding copies of the binary and the object tree,
# since nobody may not reach the clone (under /root, mode 0700) or $TMPDIR.
U=$T
UKH=$KHEADERS
UOBJ=$OBJ
if [ "$(id -u)" = 0 ]; then
	require setpriv
	as_user() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
	U=$(mktemp -d /tmp/kh-user.XXXXXX)
	chmod 0755 "$U"
	mkdir "$U/bin"
	cp "$KHEADERS" "$U/bin/"
	cp -a "$(dirname "$KHEADERS")"/libkheaders.so* "$U/bin/" 2>/dev/null
	UKH=$U/bin/$(basename "$KHEADERS")
	cp -a "$OBJ" "$U/obj"
	UOBJ=$U/obj
	chmod -R a+rX "$U/bin" "$U/obj"
	as_user test -x "$UKH" -a -r "$UOBJ/include/generated/autoconf.h" || {
		not_ok "B09-B11 setup: nobody cannot reach '$U'"
		exit 1
	}
else
	as_user() { "$@"; }
fi
trap 'chmod -R u+rwx "$T" "$FAST" "$U" 2>/dev/null; rm -rf "$T" "$FAST" "$U"' EXIT

# one_line: the last expect_fail printed exactly one line on stderr.
one_line() { [ "$(wc -l < "$T/.err")" -eq 1 ]; }

cp -a "$SRC" "$T/src"
E=$T/e.tar.xz

# --- trees
expect_fail "B01 missing source tree" 1 \
	"^kheaders: cannot open source tree '$T/none': No such file or directory$" \
	kb --srctree "$T/none" --objtree "$OBJ" --arch x86 -o "$E"
expect "B01 ... in one line" one_line
expect_fail "B02 missing object tree" 1 \
	"^kheaders: cannot open object tree '$T/none': No such file or directory$" \
	kb --srctree "$SRC" --objtree "$T/none" --arch x86 -o "$E"
expect_fail "B03 a file given as the tree" 1 \
	"^kheaders: source tree '$SRC/Makefile' is not a directory$" \
	kb --srctree "$SRC/Makefile" --objtree "$OBJ" --arch x86 -o "$E"
mkdir -p "$T/noinc/arch/x86/include"
expect_fail "B04 tree without include/" 1 \
	"^kheaders: '$T/noinc' is not a kernel source tree: no directory '$T/noinc/include'$" \
	kb --srctree "$T/noinc" --objtree "$OBJ" --arch x86 -o "$E"
expect_fail "B05 unknown architecture" 1 \
	"^kheaders: unknown architecture 'vax': no directory '$SRC/arch/vax/include'$" \
	kb --srctree "$SRC" --objtree "$OBJ" --arch vax -o "$E"
expect_fail "B06 architecture that is a path" 1 \
	"^kheaders: invalid architecture '../x86'$" \
	kb --srctree "$SRC" --objtree "$OBJ" --arch ../x86 -o "$E"
expect_fail "B07 no architecture at all" 2 "^kheaders: no architecture: give --arch or set SRCARCH$" \
	env -u SRCARCH -u ARCH "$KHEADERS" build -q --srctree "$SRC" --objtree "$OBJ" -o "$E"
mkdir -p "$T/empty/include" "$T/empty/arch/x86/include" "$T/emptyobj"
expect_fail "B08 empty tree" 1 \
	"^kheaders: 'include/linux/kconfig.h' is missing from the trees \(is the object tree configured\?\)$" \
	kb --srctree "$T/empty" --objtree "$T/emptyobj" --arch x86 -o "$E"

# --- permissions (as nobody when root: root reads anything)
cp -a "$SRC" "$U/perm"
chmod -R a+rX "$U/perm"
chmod 0 "$U/perm/include/uapi"
mkdir "$U/pout" && chmod 0777 "$U/pout"
expect_fail "B09 unreadable directory" 1 \
	"^kheaders: cannot open directory '$U/perm/include/uapi': Permission denied$" \
	as_user "$UKH" build -q $STRIP --srctree "$U/perm" --objtree "$UOBJ" --arch x86 -o "$U/pout/x.tar.xz"
chmod 0755 "$U/perm/include/uapi"
chmod 0 "$U/perm/include/linux/types.h"
expect_fail "B10 unreadable header" 1 \
	"^kheaders: cannot open '$U/perm/include/linux/types.h': Permission denied$" \
	as_user "$UKH" build -q $STRIP --srctree "$U/perm" --objtree "$UOBJ" --arch x86 -o "$U/pout/x.tar.xz"
expect "B09/B10 ... and nothing was written" bash -c "[ -z \"\$(ls -A '$U/pout')\" ]"
chmod 0644 "$U/perm/include/linux/types.h"
mkdir "$U/ro" && chmod 0555 "$U/ro"
expect_fail "B11 output in a read-only directory" 1 \
	"^kheaders: cannot create output '$U/ro/x.tar.xz': Permission denied$" \
	as_user "$UKH" build -q $STRIP --srctree "$U/perm" --objtree "$UOBJ" --arch x86 -o "$U/ro/x.tar.xz"

# --- symbolic links
cp -a "$SRC" "$T/dang"
ln -s nowhere.h "$T/dang/include/linux/dangling.h"
expect_fail "B12 dangling symlink" 1 \
	"^kheaders: dangling symlink '$T/dang/include/linux/dangling.h' -> 'nowhere.h'$" \
	kb --srctree "$T/dang" --objtree "$OBJ" --arch x86 -o "$E"
cp -a "$SRC" "$T/loop"
ln -s l2.h "$T/loop/include/linux/l1.h"
ln -s l1.h "$T/loop/include/linux/l2.h"
expect_fail "B13 looping symlinks" 1 \
	"^kheaders: symlink loop at '$T/loop/include/linux/l1.h' -> 'l2.h'$" \
	kb --srctree "$T/loop" --objtree "$OBJ" --arch x86 -o "$E"
cp -a "$SRC" "$T/dirloop"
ln -s . "$T/dirloop/include/linux/self"
ln -s .. "$T/dirloop/include/linux/up.h"
expect_fail "B14 a symlinked directory loop is not followed; a .h link to a directory is refused" 1 \
	"^kheaders: symlink '$T/dirloop/include/linux/up.h' -> '..' does not point to a regular file$" \
	kb --srctree "$T/dirloop" --objtree "$OBJ" --arch x86 -o "$E"

# --- sizes and counts
cp -a "$SRC" "$T/big"
truncate -s 257M "$T/big/include/linux/huge.h"
expect_fail "B15 a header larger than 256 MiB" 1 \
	"^kheaders: '$T/big/include/linux/huge.h' is too large for a header: 269484032 bytes, the limit is 256 MiB$" \
	kb --srctree "$T/big" --objtree "$OBJ" --arch x86 -o "$E"
rm "$T/big/include/linux/huge.h"
truncate -s 257M "$T/big/huge.h"
ln -s ../../huge.h "$T/big/include/linux/huge.h"
expect_fail "B15 ... also through a symlink" 1 \
	"^kheaders: '$T/big/include/linux/huge.h' is too large for a header" \
	kb --srctree "$T/big" --objtree "$OBJ" --arch x86 -o "$E"
rm -rf "$T/big"

cp -a "$SRC" "$FAST/many"
python3 - "$FAST/many/include/many" <<'EOF'
import os, sys
for d in range(500):
    p = "%s/d%03d" % (sys.argv[1], d)
    os.makedirs(p)
    for f in range(200):
        with open("%s/h%03d.h" % (p, f), "w") as fh:
            fh.write("#define H_%d_%d 1\n" % (d, f))
EOF
expect "B16 100,000 headers build" kb --srctree "$FAST/many" --objtree "$OBJ" --arch x86 -o "$FAST/many.tar.xz"
expect "B16 ... and all of them are in the archive" bash -c \
	"[ \$(tar -tJf '$FAST/many.tar.xz' | grep -c '^./include/many/d[0-9]*/h[0-9]*\.h\$') -eq 100000 ]"
rm -rf "$FAST/many" "$FAST/many.tar.xz"

# --- names
cp -a "$SRC" "$T/names"
echo '#define SP 1' > "$T/names/include/linux/a b.h"
echo '#define NL 1' > "$T/names/include/linux/new
line.h"
printf '#define BIN 1\n' > "$T/names/include/linux/$(printf 'bin\377\376.h')"
mkdir "$T/nx"
expect "B17 names with spaces, newlines and non-UTF-8 bytes are archived" \
	kb --srctree "$T/names" --objtree "$OBJ" --arch x86 -o "$T/names.tar.xz"
tar -xJf "$T/names.tar.xz" -C "$T/nx" 2>/dev/null
expect "B17 ... and unpack to the same bytes" bash -c "
	cmp '$T/names/include/linux/a b.h' '$T/nx/include/linux/a b.h' &&
	cmp '$T/names/include/linux/new
line.h' '$T/nx/include/linux/new
line.h' &&
	cmp '$T/names/include/linux/$(printf 'bin\377\376.h')' '$T/nx/include/linux/$(printf 'bin\377\376.h')'"
expect_fail "B18 a newline in a name with --depfile (shown escaped, one line)" 1 \
	"^kheaders: cannot write a depfile: make cannot name '$T/names/include/linux/new\\\\nline.h'$" \
	kb --srctree "$T/names" --objtree "$OBJ" --arch x86 -o "$T/names.tar.xz" --depfile "$T/names.d"
expect "B18 ... in one line" one_line
ln -s "$(printf 'bad\nlink')" "$T/names/include/linux/esc.h"
expect_fail "B18 control characters in a message are escaped" 1 \
	"^kheaders: dangling symlink '$T/names/include/linux/esc.h' -> 'bad\\\\nlink'$" \
	kb --srctree "$T/names" --objtree "$OBJ" --arch x86 -o "$T/names.tar.xz"
rm "$T/names/include/linux/esc.h"

cp -a "$SRC" "$T/long"
n100=include/linux/$(printf 'a%.0s' $(seq 100)).h
n255=include/linux/$(printf 'b%.0s' $(seq 253)).h
echo '#define L100 1' > "$T/long/$n100"
echo '#define L255 1' > "$T/long/$n255"
mkdir "$T/lx"
expect "B19 paths longer than 100 and a 255-byte name build" \
	kb --srctree "$T/long" --objtree "$OBJ" --arch x86 -o "$T/long.tar.xz"
tar -xJf "$T/long.tar.xz" -C "$T/lx"
expect "B19 ... and unpack intact" bash -c "cmp '$T/long/$n100' '$T/lx/$n100' && cmp '$T/long/$n255' '$T/lx/$n255'"
cp -a "$SRC" "$T/deep"
python3 - "$T/deep/include/linux" <<'EOF'
import os, sys
os.chdir(sys.argv[1])
for i in range(17):
    os.mkdir("d" * 250)
    os.chdir("d" * 250)
open("deep.h", "w").write("#define DEEP 1\n")
EOF
expect_fail "B20 a path longer than 4095 bytes" 1 \
	"^kheaders: cannot archive '$T/deep/include/linux/d{250}/.*/deep.h': its path is longer than 4095 bytes$" \
	kb --srctree "$T/deep" --objtree "$OBJ" --arch x86 -o "$E"

# --- outputs
expect_fail "B21 output in a missing directory" 1 \
	"^kheaders: cannot create output '$T/nodir/x.tar.xz': No such file or directory$" \
	kb --srctree "$SRC" --objtree "$OBJ" --arch x86 -o "$T/nodir/x.tar.xz"
cp -a "$SRC" "$T/self"
expect_fail "B22 output path equal to an input" 1 \
	"^kheaders: output '$T/self/include/linux/types.h' is also an input \('$T/self/include/linux/types.h'\)$" \
	kb --srctree "$T/self" --objtree "$OBJ" --arch x86 -o "$T/self/include/linux/types.h"
expect "B22 ... and the input is intact" cmp "$SRC/include/linux/types.h" "$T/self/include/linux/types.h"
mkdir "$T/isdir"
expect_fail "B23 output path is a directory" 1 \
	"^kheaders: refusing to replace '$T/isdir': it exists and is not a regular file$" \
	kb --srctree "$SRC" --objtree "$OBJ" --arch x86 -o "$T/isdir"
expect "B23 ... and no temporary file is left" bash -c "! ls -A '$T' | grep -q '\.tmp\.'"

# --- options
expect_fail "B24 --threads 0" 2 "^kheaders: invalid --threads '0': want 1 to 1024$" \
	kb --srctree "$SRC" --objtree "$OBJ" --arch x86 --threads 0 -o "$E"
expect_fail "B24 --threads huge" 2 "^kheaders: invalid --threads '99999999999999999999': want 1 to 1024$" \
	kb --srctree "$SRC" --objtree "$OBJ" --arch x86 --threads 99999999999999999999 -o "$E"
expect_fail "B24 --threads not a number" 2 "^kheaders: invalid --threads '4x': want 1 to 1024$" \
	kb --srctree "$SRC" --objtree "$OBJ" --arch x86 --threads 4x -o "$E"
kb --srctree "$SRC" --objtree "$OBJ" --arch x86 --timestamp @0 -o "$T/t1.tar.xz"
expect "B24 --threads 1024 works and gives the same bytes as 1" bash -c "
	'$KHEADERS' build -q $STRIP --srctree '$SRC' --objtree '$OBJ' --arch x86 --timestamp @0 --threads 1024 -o '$T/t1024.tar.xz' &&
	cmp '$T/t1.tar.xz' '$T/t1024.tar.xz'"
for ts in "next tuesday" "2026-02-30" "2026-13-01" "@" "@12abc" "@99999999999999999999" \
	"2026-01-01 25:00" "Sun Nov 31 10:29:29 UTC 2026" ""; do
	expect_fail "B25 bad timestamp '$ts'" 2 "^kheaders: invalid timestamp '$ts' \(want @SECONDS, ISO 8601 or date\(1\) output\)$" \
		kb --srctree "$SRC" --objtree "$OBJ" --arch x86 --timestamp "$ts" -o "$E"
done
expect_fail "B25 bad SOURCE_DATE_EPOCH" 2 "^kheaders: invalid timestamp '@yesterday'" \
	env SOURCE_DATE_EPOCH=yesterday "$KHEADERS" build -q $STRIP --srctree "$SRC" --objtree "$OBJ" --arch x86 -o "$E"
expect_fail "B26 --srclist without --objlist" 2 "^kheaders: --srclist and --objlist go together$" \
	kb --srctree "$SRC" --objtree "$OBJ" --srclist /dev/null -o "$E"
printf 'include/../../etc/passwd\n' > "$T/evil.list"
expect_fail "B27 a list line climbing out of the tree" 1 \
	"^kheaders: '$T/evil.list' line 1: 'include/../../etc/passwd' is not inside '$SRC'$" \
	kb --srctree "$SRC" --objtree "$OBJ" --srclist "$T/evil.list" --objlist /dev/null -o "$E"
printf '/etc/passwd\n' > "$T/abs.list"
expect_fail "B27 an absolute list line outside the tree" 1 \
	"^kheaders: '$T/abs.list' line 1: '/etc/passwd' is not inside '$SRC'$" \
	kb --srctree "$SRC" --objtree "$OBJ" --srclist "$T/abs.list" --objlist /dev/null -o "$E"

# --- two builds racing on one output: the last rename wins, whole
kb --srctree "$SRC" --objtree "$OBJ" --arch x86 --timestamp @1 -o "$T/ra.tar.xz"
kb --srctree "$SRC" --objtree "$OBJ" --arch x86 --timestamp @2 -o "$T/rb.tar.xz"
mkdir "$T/race"
mixed=0
for i in $(seq 10); do
	kb --srctree "$SRC" --objtree "$OBJ" --arch x86 --timestamp @1 -o "$T/race/r.tar.xz" &
	kb --srctree "$SRC" --objtree "$OBJ" --arch x86 --timestamp @2 -o "$T/race/r.tar.xz" &
	wait
	cmp -s "$T/race/r.tar.xz" "$T/ra.tar.xz" || cmp -s "$T/race/r.tar.xz" "$T/rb.tar.xz" || mixed=$((mixed + 1))
done
expect "B28 two builds racing on one output: always one of them whole" test "$mixed" -eq 0
expect "B28 ... and no temporary file is left" bash -c "[ \"\$(ls -A '$T/race' | grep -v -x -e .r.tar.xz.cache -e .r.tar.xz.manifest)\" = r.tar.xz ]"
