#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Truncated and corrupt inputs at every stage (ELF header, section table,
# symbol values, xz stream, compressed container): a clear one-line error
# and exit 1 (or the right archive when it can still be found), never a
# crash.
source "$(dirname "$0")/../lib.sh"
require gzip xz lz4 zstd bzip2 python3 gcc
F=$FIXTURES/extract
cd "$T" || exit 1

tar --format=ustar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
	-C "$F/tree" -cf - . | xz > x.tar.xz || exit 1
gcc -c -DKH_ARCHIVE='"x.tar.xz"' -o stock.o "$F/embed-stock.S" || exit 1
gcc -o prog "$F/prog.c" stock.o && strip -o prog-stripped prog || exit 1
size=$(stat -c %s x.tar.xz)

# sane NAME FILE: exit 0 with the exact archive, or exit 1 with one line.
sane() {
	local rc lines
	"$KHEADERS" extract "$2" -o out.tar.xz 2>err
	rc=$?
	lines=$(wc -l < err)
	if [ $rc = 0 ] && same_bytes out.tar.xz x.tar.xz; then
		return 0
	elif [ $rc = 1 ] && [ "$lines" = 1 ] && grep -q "^kheaders: '$2'" err; then
		return 0
	fi
	echo "# $1: exit $rc"; sed 's/^/#   /' err | head -3
	return 1
}

expect_fail "empty input" 1 "no headers archive found; tried ELF symbols \(not an ELF file\)" \
	"$KHEADERS" extract /dev/null -o out.tar.xz
head -c 100000 /dev/urandom > random
expect_fail "random bytes: says what was tried" 1 "tried .*markers.*xz streams" \
	"$KHEADERS" extract random -o out.tar.xz
head -c $((size / 2)) x.tar.xz > half.tar.xz
expect_fail "truncated tar.xz" 1 "no headers archive found" \
	"$KHEADERS" extract half.tar.xz -o out.tar.xz

# Patch one ELF symbol value (python: the symbol table through the section
# headers) and break the archive so no other strategy can rescue it.
python3 - stock.o <<'EOS' || exit 1
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
shoff, = struct.unpack_from("<Q", b, 0x28)
shnum, shstrndx = struct.unpack_from("<HH", b, 0x3c)
secs = [struct.unpack_from("<IIQQQQIIQQ", b, shoff + i * 64) for i in range(shnum)]
symtab = [s for s in secs if s[1] == 2][0]
strtab = secs[symtab[6]]
rodata = None
for i in range(symtab[5] // 24):
    off = symtab[4] + i * 24
    name, info, other, shndx, value, size = struct.unpack_from("<IBBHQQ", b, off)
    s = b[strtab[4] + name:].split(b"\0")[0]
    if s == b"kernel_headers_data":
        start = secs[shndx][4] + value
        bad = bytearray(b); struct.pack_into("<Q", bad, off + 8, 1 << 40)
        open("badsym.o", "wb").write(bad)
        bad[start + 6:start + 12] = b"BROKEN"
        open("badsym-badxz.o", "wb").write(bad)
        c = bytearray(b); c[start + 200] ^= 0xff
        open("badxz.o", "wb").write(c)
        t = bytearray(b); t[0x3c:0x3e] = struct.pack("<H", 60000)
        open("badshnum.o", "wb").write(t)
EOS
expect "bad symbol value: other strategies still find it" sane badsym badsym.o
expect_fail "bad symbol value and no archive: reason given" 1 \
	"ELF symbols \('kernel_headers_data' points outside the file\)" \
	"$KHEADERS" extract badsym-badxz.o -o out.tar.xz
expect_fail "corrupt xz at the symbols: reason given" 1 \
	"ELF symbols \((corrupt xz data|.*xz)" \
	"$KHEADERS" extract badxz.o -o out.tar.xz
expect "absurd section count" sane badshnum badshnum.o

# Every truncation point of an object, and of a compressed image.
fails=0
osize=$(stat -c %s stock.o)
for ((n = 0; n < osize; n += 37)); do
	head -c $n stock.o > cut.o
	sane "stock.o cut at $n" cut.o || fails=$((fails + 1))
done
[ $fails = 0 ] && ok "object truncated every 37 bytes: no crash" ||
	not_ok "object truncated every 37 bytes: $fails bad"

for c in gzip xz zstd bzip2; do
	$c -c prog-stripped > img.$c
	isize=$(stat -c %s img.$c)
	fails=0
	for ((n = 1; n < isize; n += isize / 23 + 1)); do
		head -c $n img.$c > cut.$c
		sane "$c cut at $n" cut.$c || fails=$((fails + 1))
		cp img.$c flip.$c
		printf '\x5a' | dd of=flip.$c bs=1 seek=$n conv=notrunc status=none
		sane "$c flipped at $n" flip.$c || fails=$((fails + 1))
	done
	[ $fails = 0 ] && ok "$c image truncated and corrupted: no crash" ||
		not_ok "$c image truncated and corrupted: $fails bad"
done
lz4 -lq -c prog-stripped > img.lz4
head -c 300 img.lz4 > cut.lz4
expect "lz4 cut short" sane lz4 cut.lz4
