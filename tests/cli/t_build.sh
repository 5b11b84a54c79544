#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kheaders build on the fixture trees: entries, metadata, layouts, errors.
source "$(dirname "$0")/../lib.sh"
require xz perl bsdtar
SRC=$FIXTURES/linux
OBJ=$FIXTURES/linux-obj
STRIP_ARGS=${STRIP_ARGS:-}
TS="2026-01-01 00:00:00 UTC"

kb() { "$KHEADERS" build $STRIP_ARGS "$@"; }

# --- O= layout: the entry list, exactly
kb -q --srctree "$SRC" --objtree "$OBJ" --arch x86 --timestamp "$TS" -o "$T/o.tar.xz"
tar -tJf "$T/o.tar.xz" > "$T/o.list"
cat > "$T/want.list" <<'LIST'
./
./arch/
./arch/x86/
./arch/x86/include/
./arch/x86/include/asm/
./arch/x86/include/asm/fixture.h
./arch/x86/include/generated/
./arch/x86/include/generated/asm/
./arch/x86/include/generated/asm/export.h
./arch/x86/include/generated/uapi/
./arch/x86/include/generated/uapi/asm/
./arch/x86/include/generated/uapi/asm/unistd_64.h
./arch/x86/include/uapi/
./arch/x86/include/uapi/asm/
./arch/x86/include/uapi/asm/unistd.h
./include/
./include/generated/
./include/generated/autoconf.h
./include/generated/uapi/
./include/generated/uapi/linux/
./include/generated/uapi/linux/version.h
./include/linux/
./include/linux/kconfig.h
./include/linux/types.h
./include/uapi/
./include/uapi/linux/
./include/uapi/linux/types.h
LIST
expect "O= build archives exactly the expected entries, sorted" diff -u "$T/want.list" "$T/o.list"
expect "utsversion.h and Module.symvers are never archived" \
	bash -c "! grep -E 'utsversion|Module.symvers' '$T/o.list'"
tar --numeric-owner -tvJf "$T/o.tar.xz" > "$T/o.long"
expect "files 0644, directories 0755, owner 0/0, one mtime" bash -c "
	! grep -v -E '^(-rw-r--r--|drwxr-xr-x) 0/0 .* 2026-01-01 00:00 ' '$T/o.long'"
expect "xz -t accepts it, one stream" bash -c "xz -t '$T/o.tar.xz' && xz -lv '$T/o.tar.xz' | grep -q 'Streams: *1'"
mkdir -p "$T/gnu" "$T/bsd"
expect "GNU tar unpacks it" tar -xJf "$T/o.tar.xz" -C "$T/gnu"
expect "bsdtar unpacks it" bsdtar -xf "$T/o.tar.xz" -C "$T/bsd"
expect "GNU tar and bsdtar unpack the same tree" diff -r "$T/gnu" "$T/bsd"
expect "ustar headers (busybox-compatible): no pax or GNU extensions for short names" \
	bash -c "xz -dc '$T/o.tar.xz' | od -A d -c | grep -c 'u   s   t   a   r  \\\\0   0   0' | grep -qx 27"
expect "generated header from the object tree has its content" \
	grep -q CONFIG_IKHEADERS "$T/gnu/include/generated/autoconf.h"

# --- in-tree layout (srctree == objtree) gives the same bytes
mkdir -p "$T/intree"
cp -a "$SRC/." "$T/intree/"
cp -a "$OBJ/." "$T/intree/"
(cd "$T/intree" && kb -q --arch x86 --timestamp "$TS" -o "$T/in.tar.xz")
expect "in-tree build equals the O= build byte for byte" same_bytes "$T/o.tar.xz" "$T/in.tar.xz"

# --- env defaults as Kbuild sets them
(cd "$T/intree" && srctree=. objtree=. SRCARCH=x86 KBUILD_BUILD_TIMESTAMP="$TS" \
	"$KHEADERS" build $STRIP_ARGS -q -o "$T/env.tar.xz")
expect "srctree/objtree/SRCARCH/KBUILD_BUILD_TIMESTAMP from the environment" \
	same_bytes "$T/o.tar.xz" "$T/env.tar.xz"
(cd "$T/intree" && ARCH=x86_64 KBUILD_BUILD_TIMESTAMP="$TS" \
	"$KHEADERS" build $STRIP_ARGS -q -o "$T/arch.tar.xz")
expect "ARCH=x86_64 maps to SRCARCH x86" same_bytes "$T/o.tar.xz" "$T/arch.tar.xz"

# --- a stale generated/ in the source tree is ignored for O= builds
cp -a "$SRC" "$T/stale-src"
mkdir -p "$T/stale-src/include/generated"
echo '#define STALE 1' > "$T/stale-src/include/generated/autoconf.h"
echo '#define STALE 1' > "$T/stale-src/include/generated/stale_only.h"
kb -q --srctree "$T/stale-src" --objtree "$OBJ" --arch x86 --timestamp "$TS" -o "$T/stale.tar.xz"
expect "stale source-tree generated/ is ignored; the object tree wins" \
	same_bytes "$T/o.tar.xz" "$T/stale.tar.xz"

# --- profiles
kb -q --srctree "$SRC" --objtree "$OBJ" --arch x86 --profile uapi -o "$T/uapi.tar.xz"
expect "--profile uapi archives only uapi directories" bash -c "
	tar -tJf '$T/uapi.tar.xz' | grep '\.h$' | sort > '$T/uapi.list'
	printf '%s\n' ./arch/x86/include/generated/uapi/asm/unistd_64.h \
		./arch/x86/include/uapi/asm/unistd.h \
		./include/generated/uapi/linux/version.h \
		./include/uapi/linux/types.h | diff -u - '$T/uapi.list'"

# --- hermetic mode: lists instead of walking
(cd "$SRC" && find "$SRC/include" "$SRC/arch/x86/include" -name '*.h') > "$T/srclist"
(cd "$OBJ" && find include/generated arch/x86/include/generated -name '*.h') > "$T/objlist"
echo Module.symvers >> "$T/objlist"
kb -q --srctree "$SRC" --objtree "$OBJ" --srclist "$T/srclist" --objlist "$T/objlist" \
	--timestamp "$TS" -o "$T/list.tar.xz"
expect "--srclist/--objlist give the same archive as walking" same_bytes "$T/o.tar.xz" "$T/list.tar.xz"
echo "$SRC/include/linux/missing.h" >> "$T/srclist"
expect_fail "a list naming a missing file is a clear error" 1 "missing.h.*No such file" \
	"$KHEADERS" build --srctree "$SRC" --objtree "$OBJ" --srclist "$T/srclist" --objlist "$T/objlist" -o "$T/x.tar.xz"

# --- output messages
out=$(kb --srctree "$SRC" --objtree "$OBJ" --arch x86 -o "$T/m.tar.xz" 2>&1)
expect "quiet Kbuild style: one GEN line" test "$out" = "  GEN     $T/m.tar.xz"
out=$(kb -q --srctree "$SRC" --objtree "$OBJ" --arch x86 -o "$T/m.tar.xz" 2>&1)
expect "-q prints nothing" test -z "$out"
kb -v --force --srctree "$SRC" --objtree "$OBJ" --arch x86 -o "$T/m.tar.xz" > "$T/v.out" 2>&1
expect "-v says what was collected and skipped" bash -c "grep -q 'collected 9 headers' '$T/v.out' && grep -q 'skipped 1' '$T/v.out'"

# --- errors: exit 1 with the path, exit 2 for usage
expect_fail "missing source tree" 1 "cannot open source tree '/nonexistent': No such file" \
	"$KHEADERS" build --srctree /nonexistent --arch x86 -o "$T/e.tar.xz"
expect_fail "a file given as tree" 1 "is not a directory" \
	"$KHEADERS" build --srctree "$SRC/Makefile" --arch x86 -o "$T/e.tar.xz"
expect_fail "unknown architecture" 1 "unknown architecture 'vax'" \
	"$KHEADERS" build --srctree "$SRC" --objtree "$OBJ" --arch vax -o "$T/e.tar.xz"
mkdir -p "$T/noinc/arch/x86/include"
expect_fail "tree without include/" 1 "not a kernel source tree" \
	"$KHEADERS" build --srctree "$T/noinc" --arch x86 -o "$T/e.tar.xz"
expect_fail "object tree without autoconf.h" 1 "include/generated/autoconf.h' is missing" \
	"$KHEADERS" build --srctree "$SRC" --objtree "$SRC" --arch x86 -o "$T/e.tar.xz"
expect_fail "no -o is a usage error" 2 "no output" \
	"$KHEADERS" build --srctree "$SRC" --arch x86
expect_fail "bad --strip is a usage error" 2 "invalid --strip 'perl'" \
	"$KHEADERS" build --srctree "$SRC" --arch x86 --strip perl -o "$T/e.tar.xz"
expect_fail "bad --threads is a usage error" 2 "invalid --threads '0'" \
	"$KHEADERS" build --srctree "$SRC" --arch x86 --threads 0 -o "$T/e.tar.xz"
expect_fail "unparseable timestamp is a clear error" 2 "invalid timestamp 'next tuesday'" \
	"$KHEADERS" build --srctree "$SRC" --objtree "$OBJ" --arch x86 --timestamp "next tuesday" -o "$T/e.tar.xz"
expect_fail "output in a missing directory" 1 "cannot create output '$T/nodir/x.tar.xz'" \
	"$KHEADERS" build --srctree "$SRC" --objtree "$OBJ" --arch x86 -o "$T/nodir/x.tar.xz"
cp -a "$SRC" "$T/self-src"
expect_fail "output path equal to an input" 1 "is also an input" \
	"$KHEADERS" build --srctree "$T/self-src" --objtree "$OBJ" --arch x86 -o "$T/self-src/include/linux/types.h"
expect "the input survived intact" cmp -s "$SRC/include/linux/types.h" "$T/self-src/include/linux/types.h"

# --- a failure keeps the previous output and leaves no temporary file
cp "$T/o.tar.xz" "$T/keep.tar.xz"
cp -a "$SRC" "$T/bad-src"
ln -s nowhere.h "$T/bad-src/include/linux/dangling.h"
expect_fail "dangling symlink is an error naming it" 1 "dangling symlink '.*include/linux/dangling.h'" \
	"$KHEADERS" build --srctree "$T/bad-src" --objtree "$OBJ" --arch x86 -o "$T/keep.tar.xz"
expect "previous output intact after a failure" same_bytes "$T/o.tar.xz" "$T/keep.tar.xz"
expect "no temporary file left beside the output" bash -c "! ls -a '$T' | grep -q '\.tmp\.'"
