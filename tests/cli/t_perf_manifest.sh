#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Called directly with nothing changed, build answers from the manifest
# beside the output without rewriting anything; every kind of change (a
# same-size edit in the same second, a new, removed or renamed header, other
# options, a touched or missing output or depfile) rebuilds.
source "$(dirname "$0")/../lib.sh"
OBJ=$FIXTURES/linux-obj
cp -a "$FIXTURES/linux" "$T/src"
kb() {
	"$KHEADERS" build --strip none -q -v --srctree "$T/src" --objtree "$OBJ" \
		--arch x86 -o "$T/out.tar.xz" --depfile "$T/out.d" "$@" 2> "$T/v.err"
}
built() { ! grep -q 'is up to date' "$T/v.err"; }
fresh() { grep -q 'is up to date' "$T/v.err"; }

settle	# the copy above just changed every input's ctime
kb
expect "first call builds" built
expect "the manifest sits beside the output" test -f "$T/.out.tar.xz.manifest"
settle
before=$(stat -c '%i %Y %y' "$T/out.tar.xz" "$T/out.d")
kb
expect "nothing changed: no rebuild" fresh
expect "nothing changed: output and depfile untouched" test "$before" = "$(stat -c '%i %Y %y' "$T/out.tar.xz" "$T/out.d")"
start=$(date +%s%N)
for i in 1 2 3 4 5; do kb; done
end=$(date +%s%N)
ms=$(( (end - start) / 5000000 ))
echo "# nothing-changed call on the fixture: $ms ms"

H=$T/src/include/linux/types.h
size=$(stat -c %s "$H")
sec=$(stat -c %Y "$H")
sed -i 's/unsigned long fixture_size_t/unsigned char fixture_size_t/' "$H"
touch -d "@$sec" "$H"
expect "the edit kept size and second" test "$size.$sec" = "$(stat -c %s.%Y "$H")"
settle
kb
expect "same-size edit, same mtime second: rebuilt" built
expect "... and the archive has the edit" bash -c "tar -xJOf '$T/out.tar.xz' ./include/linux/types.h | grep -q 'unsigned char fixture_size_t'"
kb
expect "then fresh again" fresh

echo '#define NEW 1' > "$T/src/include/linux/new.h"
kb
expect "new header: rebuilt" built
mv "$T/src/include/linux/new.h" "$T/src/include/linux/new2.h"
kb
expect "renamed header: rebuilt" built
rm "$T/src/include/linux/new2.h"
kb
expect "removed header: rebuilt" built
mkdir -p "$T/src/include/linux/deeper"
kb
kb
echo '#define DEEP 1' > "$T/src/include/linux/deeper/d.h"
kb
expect "new header in a new subdirectory: rebuilt" built

settle
kb --timestamp @1234567890
expect "other --timestamp: rebuilt" built
kb --timestamp @1234567890
expect "same options again: fresh" fresh
KBUILD_BUILD_TIMESTAMP=@1234567891 kb
expect "other KBUILD_BUILD_TIMESTAMP: rebuilt" built
kb --strip lexer
expect "other --strip: rebuilt" built
kb
kb --threads 1
expect "--threads does not change the bytes: still fresh" fresh
kb --block-entries 7
expect "other --block-entries: rebuilt" built
kb --force
expect "--force rebuilds" built

kb
touch "$T/out.tar.xz"
kb
expect "touched output: rebuilt" built
rm "$T/out.d"
kb
expect "missing depfile: rebuilt" built
expect "... and the depfile is back" test -s "$T/out.d"
rm "$T/out.tar.xz"
kb
expect "missing output: rebuilt" built
(cd "$T/src" && "$KHEADERS" build --strip none -q -v --srctree . --objtree "$OBJ" \
	--arch x86 -o "$T/out.tar.xz" --depfile "$T/out.d" 2> "$T/v.err")
expect "same relative options from another directory: rebuilt" built

# An input changed right after its snapshot is never trusted.
kb
touch "$H"
kb
expect "touched input (same content): rebuilt" built
echo garbage > "$T/.out.tar.xz.manifest"
kb
expect "damaged manifest: rebuilt" built

# The object tree gains its first generated header directory.
mkdir -p "$T/obj"
cp -a "$OBJ/include" "$T/obj/"
rm -rf "$T/obj/arch"
settle
kbo() { "$KHEADERS" build --strip none -q -v --srctree "$T/src" --objtree "$T/obj" \
	--arch x86 -o "$T/o.tar.xz" "$@" 2> "$T/v.err"; }
kbo
kbo
expect "object tree without arch/x86/include/generated: fresh" fresh
mkdir -p "$T/obj/arch/x86/include/generated/asm"
echo '#define GEN 1' > "$T/obj/arch/x86/include/generated/asm/gen.h"
kbo
expect "a new generated directory in the object tree: rebuilt" built
expect "... with its header" bash -c "tar -tJf '$T/o.tar.xz' | grep -q 'arch/x86/include/generated/asm/gen.h'"
