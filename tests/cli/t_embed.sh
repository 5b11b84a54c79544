#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `kheaders embed` on the host: the object links into a C program that reads
# the archive back through kernel_headers_data .. kernel_headers_data_end
# and finds the markers around it; the output is deterministic; bad inputs
# are refused with one clear line and leave no output behind.
source "$(dirname "$0")/../lib.sh"
require xz objcopy readelf ar

CC=${CC:-cc}

cat >"$T/reader.c" <<'EOF'
#include <stdio.h>
#include <string.h>

extern const char kernel_headers_data[];
extern const char kernel_headers_data_end[];

int main(void)
{
	const char *volatile st = kernel_headers_data - 7;
	const char *volatile ed = kernel_headers_data_end;
	size_t len = kernel_headers_data_end - kernel_headers_data;

	if (memcmp(st, "IKHD_ST", 7) || memcmp(ed, "IKHD_ED", 7)) {
		fprintf(stderr, "markers not around the archive\n");
		return 1;
	}
	return fwrite(kernel_headers_data, 1, len, stdout) != len;
}
EOF

# roundtrip NAME ARCHIVE OBJ: link OBJ, run it, compare with ARCHIVE.
roundtrip() {
	local name=$1 archive=$2 obj=$3
	if ! $CC -o "$T/reader" "$T/reader.c" "$obj" 2>"$T/cc.err"; then
		not_ok "$name: does not link"
		sed 's/^/#   /' "$T/cc.err" | head -5
	elif ! "$T/reader" >"$T/back" 2>"$T/run.err"; then
		not_ok "$name: $(cat "$T/run.err")"
	elif ! cmp -s "$T/back" "$archive"; then
		not_ok "$name: bytes read back differ from the archive"
	else
		ok "$name"
	fi
}

# sym OBJ NAME FIELD: readelf -sW column (2 value, 3 size, 4 type, 5 bind).
sym() {
	readelf -sW "$1" | awk -v s="$2" -v f="$3" '$8 == s { print $f; exit }'
}

seq 1 20000 >"$T/a.txt"
xz -c "$T/a.txt" >"$T/a.tar.xz"

expect "embed writes an object for the host" \
	"$KHEADERS" embed "$T/a.tar.xz" -o "$T/a.o"
roundtrip "host program reads the archive between the markers" \
	"$T/a.tar.xz" "$T/a.o"

"$KHEADERS" embed "$T/a.tar.xz" -o "$T/like.o" --like "$T/a.o"
"$KHEADERS" embed "$T/a.tar.xz" -o "$T/a2.o"
if same_bytes "$T/a.o" "$T/a2.o" && same_bytes "$T/a.o" "$T/like.o"; then
	ok "same input gives the same bytes (and --like itself agrees)"
else
	not_ok "same input gives the same bytes (and --like itself agrees)"
fi

for t in s390x mips64 armeb sparc parisc64; do
	"$KHEADERS" embed "$T/a.tar.xz" -o "$T/$t.1.o" --target "$t"
	"$KHEADERS" embed "$T/a.tar.xz" -o "$T/$t.2.o" --target "$t"
	same_bytes "$T/$t.1.o" "$T/$t.2.o" || break
done
if same_bytes "$T/$t.1.o" "$T/$t.2.o"; then
	ok "big-endian targets are deterministic too"
else
	not_ok "big-endian target $t is not deterministic"
fi

if $CC -c -o "$T/cc.o" "$T/reader.c" &&
   "$KHEADERS" embed "$T/a.tar.xz" -o "$T/cclike.o" --like "$T/cc.o" &&
   [ "$(readelf -h "$T/cc.o" | grep -E 'Class|Data|Machine|Flags|OS/ABI')" = \
     "$(readelf -h "$T/cclike.o" | grep -E 'Class|Data|Machine|Flags|OS/ABI')" ]
then
	roundtrip "--like the output of \$CC -c: same header, links" \
		"$T/a.tar.xz" "$T/cclike.o"
else
	not_ok "--like the output of \$CC -c: same header, links"
fi

size=$(stat -c %s "$T/a.tar.xz")
if [ "$(sym "$T/a.o" kernel_headers_data 2)" = 0000000000000007 ] &&
   [ "$(sym "$T/a.o" kernel_headers_data 3)" = "$size" ] &&
   [ "$(sym "$T/a.o" kernel_headers_data 4)" = OBJECT ] &&
   [ "$(sym "$T/a.o" kernel_headers_data 5)" = GLOBAL ] &&
   [ "$(sym "$T/a.o" kernel_headers_data_end 3)" = 0 ] &&
   [ $((16#$(sym "$T/a.o" kernel_headers_data_end 2))) -eq $((7 + size)) ]
then
	ok "symbols: value 7 and the archive size; _end right after, size 0"
else
	not_ok "symbols: value 7 and the archive size; _end right after, size 0"
	readelf -sW "$T/a.o" | sed 's/^/#   /'
fi

if readelf -SW "$T/a.o" | grep -Eq '\.rodata +PROGBITS +0+ [0-9a-f]+ [0-9a-f]+ 00 +A +0 +0 +1$' &&
   readelf -SW "$T/a.o" | grep -Eq '\.note\.GNU-stack +PROGBITS +0+ [0-9a-f]+ 000000 00 +0 +0 +1$'
then
	ok "sections: .rodata flags A align 1, empty .note.GNU-stack"
else
	not_ok "sections: .rodata flags A align 1, empty .note.GNU-stack"
	readelf -SW "$T/a.o" | sed 's/^/#   /'
fi

# More than 16 MiB: random data does not compress.
head -c $((17 << 20)) /dev/urandom | xz -0 -T1 -c >"$T/big.tar.xz"
if [ "$(stat -c %s "$T/big.tar.xz")" -gt $((16 << 20)) ] &&
   "$KHEADERS" embed "$T/big.tar.xz" -o "$T/big.o" 2>"$T/err"; then
	roundtrip "an archive over 16 MiB round-trips" "$T/big.tar.xz" "$T/big.o"
else
	not_ok "an archive over 16 MiB round-trips: $(cat "$T/err")"
fi
expect "an archive over 16 MiB embeds for a 32-bit big-endian target" \
	"$KHEADERS" embed "$T/big.tar.xz" -o "$T/big32.o" --target m68k
rm -f "$T/big.o" "$T/big32.o"

: >"$T/empty"
expect_fail "an empty archive is refused" 1 "'.*empty' is empty \(use --raw" \
	"$KHEADERS" embed "$T/empty" -o "$T/e.o"
"$KHEADERS" embed --raw "$T/empty" -o "$T/e.o"
if [ "$(sym "$T/e.o" kernel_headers_data 3)" = 0 ] &&
   [ "$(sym "$T/e.o" kernel_headers_data_end 2)" = 0000000000000007 ]; then
	roundtrip "an empty payload with --raw: both symbols at 7, size 0" \
		"$T/empty" "$T/e.o"
else
	not_ok "an empty payload with --raw: both symbols at 7, size 0"
fi

expect_fail "a file that is not xz is refused" 1 \
	"'.*a.txt' is not a complete xz stream \(use --raw" \
	"$KHEADERS" embed "$T/a.txt" -o "$T/t.o"
head -c 1000 "$T/a.tar.xz" >"$T/cut.xz"
expect_fail "a truncated xz stream is refused" 1 "not a complete xz stream" \
	"$KHEADERS" embed "$T/cut.xz" -o "$T/t.o"
"$KHEADERS" embed --raw "$T/a.txt" -o "$T/raw.o"
roundtrip "--raw embeds any bytes" "$T/a.txt" "$T/raw.o"

expect_fail "--like a text file is refused" 1 \
	"'.*a.txt' is not a relocatable ELF object" \
	"$KHEADERS" embed "$T/a.tar.xz" -o "$T/t.o" --like "$T/a.txt"
$CC -o "$T/exe" "$T/reader.c" "$T/a.o"
expect_fail "--like an executable is refused" 1 \
	"'.*exe' is (an executable|a shared object or PIE), not a relocatable ELF object" \
	"$KHEADERS" embed "$T/a.tar.xz" -o "$T/t.o" --like "$T/exe"
ar rc "$T/lib.a" "$T/a.o"
expect_fail "--like an ar archive is refused" 1 "is an ar archive" \
	"$KHEADERS" embed "$T/a.tar.xz" -o "$T/t.o" --like "$T/lib.a"
expect_fail "--like a missing file names it" 1 \
	"cannot open '.*nothere.o': No such file" \
	"$KHEADERS" embed "$T/a.tar.xz" -o "$T/t.o" --like "$T/nothere.o"
if [ ! -e "$T/t.o" ] && [ -z "$(find "$T" -name '*.tmp.*')" ]; then
	ok "failures leave neither output nor temporary files"
else
	not_ok "failures leave neither output nor temporary files"
fi
cp "$T/a.o" "$T/keep.o"
"$KHEADERS" embed "$T/a.txt" -o "$T/keep.o" 2>/dev/null
if same_bytes "$T/a.o" "$T/keep.o"; then
	ok "a failed embed keeps the previous output"
else
	not_ok "a failed embed keeps the previous output"
fi

expect_fail "unknown target" 1 "unknown target 'vax'" \
	"$KHEADERS" embed "$T/a.tar.xz" -o "$T/t.o" --target vax
expect_fail "ambiguous target" 1 "'x86' is ambiguous: say x86_64 or i386" \
	"$KHEADERS" embed "$T/a.tar.xz" -o "$T/t.o" --target x86
expect_fail "non-ELF triplet" 1 "does not use ELF objects" \
	"$KHEADERS" embed "$T/a.tar.xz" -o "$T/t.o" --target x86_64-w64-mingw32
expect_fail "--target and --like together" 2 "exclude each other" \
	"$KHEADERS" embed "$T/a.tar.xz" -o "$T/t.o" --target arm --like "$T/a.o"
expect_fail "no output" 2 "needs -o OUT" \
	"$KHEADERS" embed "$T/a.tar.xz"
expect_fail "unknown format" 2 "unknown format 'coff'" \
	"$KHEADERS" embed "$T/a.tar.xz" -o "$T/t.o" --format coff
expect_fail "bad symbol name" 1 "invalid symbol name '1abc'" \
	"$KHEADERS" embed "$T/a.tar.xz" -o "$T/t.o" --symbol 1abc
expect_fail "reserved section name" 1 "invalid section name '.symtab'" \
	"$KHEADERS" embed "$T/a.tar.xz" -o "$T/t.o" --section .symtab

"$KHEADERS" embed "$T/a.tar.xz" -o "$T/c.o" --section .kh.data --symbol blob
if readelf -SW "$T/c.o" | grep -q ' \.kh\.data ' &&
   [ "$(sym "$T/c.o" blob 3)" = "$size" ] &&
   [ -n "$(sym "$T/c.o" blob_end 2)" ]; then
	ok "--section and --symbol rename the section and both symbols"
else
	not_ok "--section and --symbol rename the section and both symbols"
fi

for name in arm64 aarch64 aarch64-linux-gnu arm-linux-gnueabihf armv7l-unknown-linux-gnueabihf \
	    i686-pc-linux-gnu mips64el-linux-gnuabi64 riscv hppa64-linux-gnu sh4 s390 host; do
	"$KHEADERS" embed "$T/a.tar.xz" -o "$T/n.o" --target "$name" 2>"$T/err" ||
		break
done
if [ ! -s "$T/err" ]; then
	ok "kernel names, aliases and GNU triplets are accepted"
else
	not_ok "target name '$name': $(cat "$T/err")"
fi
readelf -h "$T/n.o" >"$T/h"
"$KHEADERS" embed "$T/a.tar.xz" -o "$T/n.o" --target mips64el-linux-gnuabi64
if readelf -h "$T/n.o" | grep -q 'ELF64' &&
   readelf -h "$T/n.o" | grep -q 'little endian' &&
   readelf -h "$T/n.o" | grep -q 'MIPS' &&
   readelf -h "$T/n.o" | grep -q '0x20000000'; then
	ok "a triplet picks class, byte order, machine and flags"
else
	not_ok "a triplet picks class, byte order, machine and flags"
fi

if "$KHEADERS" embed --list-targets >"$T/list" &&
   grep -q '^arm64 .*ELF64 LE machine 183' "$T/list" &&
   grep -q '^sparc64 .*ELF64 BE machine 43' "$T/list"; then
	ok "--list-targets lists the table"
else
	not_ok "--list-targets lists the table"
fi

"$KHEADERS" embed "$T/a.tar.xz" -o - >"$T/stdout.o"
if same_bytes "$T/stdout.o" "$T/a.o"; then
	ok "-o - writes the object to standard output"
else
	not_ok "-o - writes the object to standard output"
fi

# --format asm, assembled by the host's as, gives what the ELF writer gave.
mkdir -p "$T/odd \"dir\\"
cp "$T/a.tar.xz" "$T/odd \"dir\\/a b.tar.xz"
if (cd "$T" && "$KHEADERS" embed "odd \"dir\\/a b.tar.xz" -o h.s \
	--format asm && as -o h.o h.s) 2>"$T/err"; then
	objcopy --dump-section .rodata="$T/s1" "$T/h.o" "$T/junk.o"
	objcopy --dump-section .rodata="$T/s2" "$T/a.o" "$T/junk.o"
	if cmp -s "$T/s1" "$T/s2" &&
	   [ "$(sym "$T/h.o" kernel_headers_data 3)" = "$size" ] &&
	   [ "$(sym "$T/h.o" kernel_headers_data_end 2)" = \
	     "$(sym "$T/a.o" kernel_headers_data_end 2)" ]; then
		roundtrip "--format asm with the host as: same bytes and symbols" \
			"$T/a.tar.xz" "$T/h.o"
	else
		not_ok "--format asm with the host as: same bytes and symbols"
	fi
else
	not_ok "--format asm with the host as: $(cat "$T/err")"
fi
expect_fail "--format asm refuses standard input" 2 "needs a file name" \
	"$KHEADERS" embed - -o "$T/x.s" --format asm
