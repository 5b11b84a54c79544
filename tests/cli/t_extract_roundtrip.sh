#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# extract round trips: a headers archive embedded (marker and stock forms)
# in objects, host programs (plain and stripped), 32/64-bit big/little
# endian objects, a fake module, every compression and a bzImage-like junk
# prefix must give back the archive byte for byte.
source "$(dirname "$0")/../lib.sh"
require gzip xz lz4 zstd bzip2 gcc ld i686-linux-gnu-as powerpc-linux-gnu-as s390x-linux-gnu-as
F=$FIXTURES/extract
cd "$T" || exit 1

tar --format=ustar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
	-C "$F/tree" -cf - . | xz --check=crc32 > x.tar.xz || exit 1

# roundtrip NAME INPUT [STRATEGY]: extract -o gives x.tar.xz back.
roundtrip() {
	local name=$1 in=$2 want=${3:-}
	rm -f out.tar.xz
	if ! "$KHEADERS" extract -v "$in" -o out.tar.xz 2>err; then
		not_ok "$name"; sed 's/^/#   /' err; return
	fi
	if ! same_bytes out.tar.xz x.tar.xz; then
		not_ok "$name (output differs)"; return
	fi
	if [ -n "$want" ] && ! grep -q "strategy: $want" err; then
		not_ok "$name (strategy)"; sed 's/^/#   /' err; return
	fi
	ok "$name"
}

for form in markers stock; do
	gcc -c -DKH_ARCHIVE='"x.tar.xz"' -o $form.o "$F/embed-$form.S" || exit 1
	gcc -o prog-$form "$F/prog.c" $form.o || exit 1
	cp prog-$form prog-$form-stripped && strip prog-$form-stripped
done
[ "$(./prog-stock)" = "$(stat -c %s x.tar.xz)" ] && ok "host program sees the archive" ||
	not_ok "host program sees the archive"

roundtrip "plain tar.xz" x.tar.xz "the input itself"
roundtrip "stdin" - "the input itself" < x.tar.xz
roundtrip "object, markers" markers.o "ELF symbols"
roundtrip "object, stock" stock.o "ELF symbols"
roundtrip "program, markers" prog-markers "ELF symbols"
roundtrip "program, stock" prog-stock "ELF symbols"
roundtrip "stripped program, markers" prog-markers-stripped "IKHD_ST/IKHD_ED markers"
roundtrip "stripped program, stock" prog-stock-stripped "xz stream holding a tar of headers"

# Other classes and byte orders, relocatable and linked.
sed 's|KH_ARCHIVE|"x.tar.xz"|' "$F/embed-stock.S" > cross.s
for t in i686-linux-gnu powerpc-linux-gnu s390x-linux-gnu; do
	$t-as -o $t.o cross.s && $t-ld -e kernel_headers_data -o $t.elf $t.o || exit 1
	roundtrip "$t object ($(od -An -tx1 -j4 -N2 $t.o | tr -d ' '))" $t.o "ELF symbols"
	roundtrip "$t executable" $t.elf "ELF symbols"
done

# A fake module: relocatable, .modinfo, stock payload; and compressed.
cat > mod.S <<'EOS'
	.section .modinfo,"a"
	.asciz "license=GPL"
	.asciz "name=kheaders"
	.section .note.GNU-stack,"",@progbits
EOS
gcc -c -o modinfo.o mod.S && ld -r -o kheaders.ko modinfo.o stock.o || exit 1
roundtrip "module .ko" kheaders.ko "ELF symbols"
xz -c kheaders.ko > kheaders.ko.xz
gzip -c kheaders.ko > kheaders.ko.gz
zstd -qc kheaders.ko > kheaders.ko.zst
for c in xz gz zst; do
	roundtrip "module .ko.$c" kheaders.ko.$c "ELF symbols"
done

# Every compression, plain and behind a bzImage-like junk prefix with the
# kernel's size word appended.
head -c 18000 /dev/urandom > junk
printf 'HdrS' >> junk
for p in prog-markers prog-stock-stripped; do
	gzip -9c $p > $p.gz
	xz -c $p > $p.xz
	xz --format=lzma -c $p > $p.lzma
	lz4 -lq -c $p > $p.lz4
	zstd -19 -qc $p > $p.zst
	bzip2 -c $p > $p.bz2
	for c in gz xz lzma lz4 zst bz2; do
		roundtrip "$p.$c" $p.$c
		cat junk $p.$c > $p.$c.img
		printf '\x00\x40\x00\x00' >> $p.$c.img
		roundtrip "$p.$c behind a junk prefix" $p.$c.img
	done
done
roundtrip "stripped stock program in xz keeps xz-scan" prog-stock-stripped.xz.img \
	"xz stream holding a tar of headers"

# A kernel-sized lz4 legacy stream (several 8 MiB blocks).
{ head -c 9000000 /dev/zero; cat prog-stock-stripped; head -c 9000000 /dev/zero; } > big
lz4 -lq -c big > big.lz4
roundtrip "lz4 legacy with several blocks" big.lz4

# Output modes.
script -qec "$KHEADERS extract x.tar.xz; echo rc=\$?" /dev/null > tty.out 2>&1
grep -q terminal tty.out && grep -q 'rc=2' tty.out &&
	ok "no -o to a terminal is a usage error" ||
	not_ok "no -o to a terminal is a usage error"
"$KHEADERS" extract prog-stock > piped.tar.xz
same_bytes piped.tar.xz x.tar.xz && ok "stdout when not a terminal" ||
	not_ok "stdout when not a terminal"
expect_fail "-o and -C together" 2 "mutually exclusive" \
	"$KHEADERS" extract x.tar.xz -o a -C b
echo old > keep.tar.xz
expect_fail "missing input" 1 "cannot open 'nope'" \
	"$KHEADERS" extract nope -o keep.tar.xz
[ "$(cat keep.tar.xz)" = old ] && ok "failed extract leaves -o untouched" ||
	not_ok "failed extract leaves -o untouched"

# The same round trips with an archive from "kheaders build" (multi-block
# xz from the library's own writer).
mkdir -p obj/include/generated
echo '#define CONFIG_X86 1' > obj/include/generated/autoconf.h
if "$KHEADERS" build --srctree "$F/tree" --objtree obj --arch x86 -q -o x.tar.xz; then
	gcc -c -DKH_ARCHIVE='"x.tar.xz"' -o built.o "$F/embed-stock.S" &&
		gcc -o prog-built "$F/prog.c" built.o && strip prog-built || exit 1
	roundtrip "kheaders build: plain" x.tar.xz "the input itself"
	roundtrip "kheaders build: object" built.o "ELF symbols"
	for c in gzip zstd; do
		$c -c prog-built > prog-built.$c
		roundtrip "kheaders build: stripped program, $c" prog-built.$c \
			"xz stream holding a tar of headers"
	done
	lz4 -lq -c prog-built > prog-built.lz4
	roundtrip "kheaders build: stripped program, lz4 legacy" prog-built.lz4
else
	not_ok "kheaders build of the fixture tree"
fi
