#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `kheaders embed` against every cross binutils installed: for each kernel
# architecture, a reference object assembled by <triplet>-as (with the flags
# the kernel's Makefile gives its assembler) is linked with `ld -r` to the
# object made by --target and to the one made by --like: no error, no
# warning, the symbols keep their values and sizes, and the section bytes
# between them are the archive.  The --format asm source, assembled by the
# same as, must give the same section bytes and symbols.
source "$(dirname "$0")/../lib.sh"
require xz make

# --target NAME[@label] | binutils prefix | as flags | ld flags | extra ref line
MATRIX='
x86_64|x86_64-linux-gnu|||
i686-linux-gnu|i686-linux-gnu|||
i386|x86_64-linux-gnu|--32|-m elf_i386|
arm64|aarch64-linux-gnu|||
aarch64-linux-gnu|aarch64-linux-gnu|||
arm64be|aarch64-linux-gnu|-EB|-EB|
arm|arm-linux-gnueabi|-march=armv7-a -mfloat-abi=soft||
arm-linux-gnueabihf|arm-linux-gnueabihf|-march=armv7-a -mfloat-abi=hard||
armeb|arm-linux-gnueabi|-EB -march=armv7-a|-EB|
riscv|riscv64-linux-gnu|-march=rv64imac -mabi=lp64||
riscv64-linux-gnu|riscv64-linux-gnu|-march=rv64imafdc -mabi=lp64||
riscv32|riscv64-linux-gnu|-march=rv32imac -mabi=ilp32|-m elf32lriscv|
powerpc|powerpc-linux-gnu|||
powerpc64|powerpc64-linux-gnu|||
powerpc64@elfv2|powerpc64-linux-gnu|||.abiversion 2
powerpc64le|powerpc64le-linux-gnu|||.abiversion 2
s390x|s390x-linux-gnu|||
mips|mips-linux-gnu|-mabi=32 -march=mips32r2 -msoft-float -mno-shared||
mipsel|mipsel-linux-gnu|-mabi=32 -march=mips32r2 -msoft-float -mno-shared||
mips64|mips64-linux-gnuabi64|-mabi=64 -march=mips64r2 -msoft-float -mno-shared||
mips64el-linux-gnuabi64|mips64el-linux-gnuabi64|-mabi=64 -march=mips64r2 -msoft-float -mno-shared||
mipsisa32r6-linux-gnu|mipsisa32r6-linux-gnu|-mabi=32 -march=mips32r6 -msoft-float -mno-shared||
mipsr6el|mipsisa32r6el-linux-gnu|-mabi=32 -march=mips32r6 -msoft-float -mno-shared||
mips64r6|mipsisa64r6-linux-gnuabi64|-mabi=64 -march=mips64r6 -msoft-float -mno-shared||
mipsisa64r6el-linux-gnuabi64|mipsisa64r6el-linux-gnuabi64|-mabi=64 -march=mips64r6 -msoft-float -mno-shared||
mipsr6@mips-as|mips-linux-gnu|-mabi=32 -march=mips32r6 -msoft-float -mno-shared||
mips64r6el@mips64el-as|mips64el-linux-gnuabi64|-mabi=64 -march=mips64r6 -msoft-float -mno-shared||
sparc|sparc64-linux-gnu|-32 -Av8|-m elf32_sparc|
sparc64|sparc64-linux-gnu|-64 -Av9a||
parisc|hppa-linux-gnu|||
hppa64-linux-gnu|hppa64-linux-gnu|||
alpha|alpha-linux-gnu|||
m68k|m68k-linux-gnu|-m68040||
sh|sh4-linux-gnu|-isa=sh4||
sheb|sh4-linux-gnu|-big -isa=sh4|-EB|
arc|arc-linux-gnu|-mcpu=hs38||
arcompact|arc-linux-gnu|-mcpu=arc700||
ia64|ia64-linux-gnu|||
openrisc|or1k-elf|||
'

# Debian package that provides binutils for a prefix.
package_of() {
	case $1 in
	x86_64-linux-gnu) echo binutils-x86-64-linux-gnu ;;
	*) echo "binutils-$1" ;;
	esac
}

# A small archive: not all zeros, so a shifted byte shows.
seq 1 4000 | sha256sum >"$T/seed"
for i in $(seq 1 200); do echo "line $i $(cat "$T/seed")"; done >"$T/a.txt"
xz -9 -c "$T/a.txt" >"$T/a.tar.xz"
ASIZE=$(stat -c %s "$T/a.tar.xz")

cat >"$T/ref.s.in" <<'EOF'
	.text
	.globl ref_text
ref_text:
	.byte 0, 0, 0, 0
	.data
	.globl ref_data
ref_data:
	.byte 1, 2, 3, 4
	.section .rodata, "a"
	.ascii "ref"
	.section .note.GNU-stack, "", %progbits
EOF

# sym_field OBJ SYMBOL FIELD: readelf -sW column (2 value, 3 size, 4 type).
sym_field() {
	"$RE" -sW "$1" | awk -v s="$2" -v f="$3" '$8 == s { print $f; exit }'
}

# check_layout NAME OBJ: symbols and markers right in OBJ's .rodata.
check_layout() {
	local name=$1 obj=$2 v e sz esz typ
	v=$(sym_field "$obj" kernel_headers_data 2)
	e=$(sym_field "$obj" kernel_headers_data_end 2)
	sz=$(sym_field "$obj" kernel_headers_data 3)
	esz=$(sym_field "$obj" kernel_headers_data_end 3)
	typ=$(sym_field "$obj" kernel_headers_data 4)
	if [ -z "$v" ] || [ -z "$e" ] || [ "$typ" != OBJECT ]; then
		not_ok "$name: symbols missing or not OBJECT"
		"$RE" -sW "$obj" | sed 's/^/#   /'
		return
	fi
	v=$((16#$v)) e=$((16#$e)) sz=$((sz)) esz=$((esz))
	if [ "$sz" -ne "$ASIZE" ] || [ "$esz" -ne 0 ] ||
	   [ $((e - v)) -ne "$ASIZE" ]; then
		not_ok "$name: start $v size $sz, end $e size $esz; archive is $ASIZE bytes"
		return
	fi
	"$OC" --dump-section .rodata="$T/sec" "$obj" "$T/junk.o" 2>"$T/oc.err" || {
		not_ok "$name: cannot dump .rodata"; return; }
	if [ "$(tail -c +$((v - 6)) "$T/sec" | head -c 7)" != IKHD_ST ] ||
	   [ "$(tail -c +$((e + 1)) "$T/sec" | head -c 7)" != IKHD_ED ] ||
	   ! tail -c +$((v + 1)) "$T/sec" | head -c "$ASIZE" |
		cmp -s - "$T/a.tar.xz"; then
		not_ok "$name: section bytes differ from the archive or markers"
		return
	fi
	ok "$name"
}

# link_clean NAME OUT INPUTS...: ld -r prints nothing and succeeds.
link_clean() {
	local name=$1 out=$2
	shift 2
	# shellcheck disable=SC2086
	if "$LD" $LDFLAGS -r -o "$out" "$@" >"$T/ld.out" 2>&1 &&
	   [ ! -s "$T/ld.out" ]; then
		return 0
	fi
	not_ok "$name: ld -r complained"
	sed 's/^/#   /' "$T/ld.out" | head -5
	return 1
}

# same_as_elf NAME A B: same .rodata bytes and symbols in both objects.
same_as_elf() {
	local name=$1 a=$2 b=$3 s
	"$OC" --dump-section .rodata="$T/sa" "$a" "$T/junk.o" &&
		"$OC" --dump-section .rodata="$T/sb" "$b" "$T/junk.o" || {
		not_ok "$name: cannot dump .rodata"; return; }
	for s in kernel_headers_data kernel_headers_data_end; do
		if [ "$("$RE" -sW "$a" | awk -v s=$s '$8 == s { print $2, $3, $4, $5, $6 }')" != \
		     "$("$RE" -sW "$b" | awk -v s=$s '$8 == s { print $2, $3, $4, $5, $6 }')" ]; then
			not_ok "$name: symbol $s differs"
			return
		fi
	done
	if cmp -s "$T/sa" "$T/sb"; then ok "$name"; else
		not_ok "$name: .rodata bytes differ"; fi
}

run_row() {
	local label=$1 target=${1%@*} prefix=$2 asflags=$3 extra=$5 d
	LDFLAGS=$4 AS=$prefix-as LD=$prefix-ld RE=$prefix-readelf
	OC=$prefix-objcopy
	if ! command -v "$AS" >/dev/null || ! command -v "$LD" >/dev/null; then
		not_ok "$label: $(package_of "$prefix") is not installed (make deps installs it)"
		return
	fi
	d=$T/$label
	mkdir -p "$d"
	{ cat "$T/ref.s.in"; [ -z "$extra" ] || printf '\t%s\n' "$extra"; } >"$d/ref.s"
	# shellcheck disable=SC2086
	if ! $AS $asflags -o "$d/ref.o" "$d/ref.s" 2>"$d/as.err"; then
		not_ok "$label: reference does not assemble"
		sed 's/^/#   /' "$d/as.err" | head -5
		return
	fi
	"$KHEADERS" embed "$T/a.tar.xz" -o "$d/t.o" --target "$target" &&
	"$KHEADERS" embed "$T/a.tar.xz" -o "$d/l.o" --like "$d/ref.o" || {
		not_ok "$label: embed failed"; return; }
	check_layout "$label: --target object layout" "$d/t.o"
	link_clean "$label: ld -r with --target" "$d/tl.o" "$d/ref.o" "$d/t.o" &&
		check_layout "$label: ld -r with --target, clean and intact" "$d/tl.o"
	link_clean "$label: ld -r with --like" "$d/ll.o" "$d/ref.o" "$d/l.o" &&
		check_layout "$label: ld -r with --like, clean and intact" "$d/ll.o"
	(cd "$T" && "$KHEADERS" embed a.tar.xz -o "$d/a.s" --format asm) || {
		not_ok "$label: embed --format asm failed"; return; }
	# shellcheck disable=SC2086
	if (cd "$T" && $AS $asflags -o "$d/a.o" "$d/a.s" 2>"$d/as.err"); then
		same_as_elf "$label: --format asm assembles like the ELF writer" \
			"$d/a.o" "$d/t.o"
	else
		not_ok "$label: --format asm does not assemble"
		sed 's/^/#   /' "$d/as.err" | head -5
	fi
}

while IFS='|' read -r target prefix asflags ldflags extra; do
	[ -n "$target" ] || continue
	run_row "$target" "$prefix" "$asflags" "$ldflags" "$extra"
done <<<"$MATRIX"

# The harness must see what it is there to see: a MIPS I object cannot join
# a MIPS Release 6 kernel (use --like or --target mipsr6), and an object
# without .note.GNU-stack makes ld warn.
if command -v mips-linux-gnu-as >/dev/null; then
	LDFLAGS= LD=mips-linux-gnu-ld
	mips-linux-gnu-as -mabi=32 -march=mips32r6 -o "$T/r6.o" "$T/ref.s.in"
	"$KHEADERS" embed "$T/a.tar.xz" -o "$T/m1.o" --target mips
	if link_clean "x" "$T/bad.o" "$T/r6.o" "$T/m1.o" >/dev/null; then
		not_ok "mips: ld -r refuses a MIPS I object in a Release 6 link"
	else
		ok "mips: ld -r refuses a MIPS I object in a Release 6 link"
	fi
else
	not_ok "mips: binutils-mips-linux-gnu is not installed (make deps installs it)"
fi
if command -v x86_64-linux-gnu-as >/dev/null; then
	LDFLAGS= LD=x86_64-linux-gnu-ld
	"$KHEADERS" embed "$T/a.tar.xz" -o "$T/x.o" --target x86_64
	x86_64-linux-gnu-objcopy -R .note.GNU-stack "$T/x.o" "$T/nonote.o"
	if link_clean "x" "$T/bad.o" "$T/x86_64/ref.o" "$T/nonote.o" >/dev/null; then
		not_ok "x86_64: ld -r warns without .note.GNU-stack"
	else
		ok "x86_64: ld -r warns without .note.GNU-stack"
	fi
else
	not_ok "x86_64: binutils-x86-64-linux-gnu is not installed (make deps installs it)"
fi
