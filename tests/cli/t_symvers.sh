#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kheaders symvers on export tables made at test time with each installed
# binutils, in the kernel's own layouts (include/linux/export-internal.h,
# include/asm-generic/export.h, the SORT()ed output sections of
# vmlinux.lds.h and scripts/module.lds.S): 6.1-6.12 (__ksymtab_gpl,
# __kcrctab_gpl, a 6.1 assembly export with a literal 0 namespace), 7.2
# (one __ksymtab, __kflagstab) and no MODVERSIONS (no __kcrctab), each as
# a linked "vmlinux" (read through section addresses: 32-bit offsets on
# x86 and arm64, pointers elsewhere) and as a relocatable module (read
# through its relocations, REL or RELA); the image in every compressed
# stream a boot image may use; module trees; bad inputs (one line, exit
# 2, no output written).
source "$(dirname "$0")/../lib.sh"
require gzip xz zstd lz4 bzip2 python3
cd "$T" || exit 1

# export spec: name crc gpl(0/1) namespace ("-" none; "0" a literal null field)
SPEC61='foo 0x11111111 0 -
bar 0x22222222 1 -
baz 0x33333333 0 NS_A
qux 0x44444444 1 NS_B
asmfn 0x55555555 0 0'
SPEC72='foo 0x11111111 0 -
bar 0x22222222 1 -
baz 0x33333333 0 NS_A
qux 0x44444444 1 module:one,two'

# gen_asm LAYOUT FIELD SPEC KIND: the assembler source of one fixture.
# LAYOUT 61, 72 or nomv; FIELD prel, 4 or 8; KIND image or module.
gen_asm() {
	local layout=$1 field=$2 kind=$4 name crc gpl ns sec d
	case $field in
	prel) d='.4byte' ;;
	4) d='.4byte' ;;
	8) d='.8byte' ;;
	esac
	echo '	.data'
	while read -r name crc gpl ns; do
		printf '%s:\n\t.4byte 0\n' "$name"
	done <<<"$3"
	while read -r name crc gpl ns; do
		sec=
		[ "$layout" = 72 ] || [ "$gpl" = 0 ] || sec=_gpl
		printf '\t.section "__ksymtab_strings","aMS",%%progbits,1\n'
		printf '__kstrtab_%s:\n\t.asciz "%s"\n' "$name" "$name"
		[ "$ns" = 0 ] || printf '__kstrtabns_%s:\n\t.asciz "%s"\n' "$name" "${ns#-}"
		printf '\t.section "___ksymtab%s+%s","a"\n' "$sec" "$name"
		printf '\t.balign %s\n' "${field/prel/4}"
		printf '__ksymtab_%s:\n' "$name"
		if [ "$field" = prel ]; then
			printf '\t.4byte %s - .\n\t.4byte __kstrtab_%s - .\n' "$name" "$name"
			[ "$ns" = 0 ] && printf '\t.4byte 0\n' ||
				printf '\t.4byte __kstrtabns_%s - .\n' "$name"
		else
			printf '\t%s %s\n\t%s __kstrtab_%s\n' "$d" "$name" "$d" "$name"
			[ "$ns" = 0 ] && printf '\t%s 0\n' "$d" ||
				printf '\t%s __kstrtabns_%s\n' "$d" "$name"
		fi
		if [ "$layout" != nomv ]; then
			printf '\t.section "___kcrctab%s+%s","a"\n\t.balign 4\n' "$sec" "$name"
			printf '__crc_%s:\n\t.4byte %s\n' "$name" "$crc"
		fi
		[ "$layout" != 72 ] ||
			printf '\t.section "___kflagstab+%s","a"\n__flags_%s:\n\t.byte %s\n' \
				"$name" "$name" "$gpl"
	done <<<"$3"
	[ "$kind" != module ] ||
		printf '\t.section .modinfo,"a"\n\t.asciz "license=GPL"\n'
}

# The output sections, as vmlinux.lds.h (image) and module.lds.S (module).
gen_lds() {
	local s addr=
	[ "$1" = image ] && echo 'SECTIONS { . = 0x10000; .data : { *(.data) }' ||
		{ echo 'SECTIONS {'; addr=' 0'; }
	for s in ksymtab ksymtab_gpl kcrctab kcrctab_gpl kflagstab; do
		echo "__$s$addr : { *(SORT(___$s+*)) }"
	done
	[ "$1" = image ] && echo '__ksymtab_strings : { *(__ksymtab_strings) } }' ||
		echo '}'
}

# expected SPEC LAYOUT MODULE: the lines modpost would write.
expected() {
	local name crc gpl ns
	while read -r name crc gpl ns; do
		[ "$2" != nomv ] || crc=0x00000000
		[ "$ns" = 0 ] && ns=-
		printf '%s\t%s\t%s\tEXPORT_SYMBOL%s\t%s\n' "$crc" "$name" "$3" \
			"$([ "$gpl" = 1 ] && echo _GPL)" "${ns#-}"
	done <<<"$1" | LC_ALL=C sort
}

# same_sorted NAME WANT GOT
same_sorted() {
	if LC_ALL=C sort "$3" | cmp -s "$2" - ; then
		ok "$1"
	else
		not_ok "$1"
		LC_ALL=C sort "$3" | diff "$2" - | head -8 | sed 's/^/#   /'
	fi
}

# --target-ish name | binutils prefix | as flags | ld flags | field
MATRIX='
x86_64|x86_64-linux-gnu|||prel
i386|i686-linux-gnu|||prel
arm64|aarch64-linux-gnu|||prel
arm64be|aarch64-linux-gnu|-EB|-EB|prel
riscv64|riscv64-linux-gnu|-march=rv64imac -mabi=lp64||8
riscv32|riscv64-linux-gnu|-march=rv32imac -mabi=ilp32|-m elf32lriscv|4
arm|arm-linux-gnueabi|-march=armv7-a||4
powerpc|powerpc-linux-gnu|||4
powerpc64|powerpc64-linux-gnu|||8
powerpc64le|powerpc64le-linux-gnu|||8
s390x|s390x-linux-gnu|||8
mips|mips-linux-gnu|-mabi=32 -mno-shared||4
mips64el|mips64el-linux-gnuabi64|-mabi=64 -mno-shared||8
sparc64|sparc64-linux-gnu|-64 -Av9a||8
parisc|hppa-linux-gnu|||4
alpha|alpha-linux-gnu|||8
m68k|m68k-linux-gnu|||4
sh|sh4-linux-gnu|||4
armeb|arm-linux-gnueabi|-EB -march=armv7-a|-EB|4
mips64|mips64-linux-gnuabi64|-mabi=64 -mno-shared||8
mipsr6el|mipsisa32r6el-linux-gnu|-mabi=32 -mno-shared||4
sparc|sparc64-linux-gnu|-32 -Av8|-m elf32_sparc|4
parisc64|hppa64-linux-gnu|||8
ia64|ia64-linux-gnu|||8
arc|arc-linux-gnu|-mcpu=hs38||4
openrisc|or1k-elf|||4
loongarch64|loongarch64-linux-gnu|||8
'

arches=0
while IFS='|' read -r arch prefix asflags ldflags field; do
	[ -n "$arch" ] || continue
	if ! command -v "$prefix-as" >/dev/null || ! command -v "$prefix-ld" >/dev/null; then
		skip "$arch: $prefix binutils not installed"
		continue
	fi
	arches=$((arches + 1))
	mkdir -p "$arch"
	for layout in 61 72 nomv; do
		spec=$SPEC61
		[ "$layout" != 72 ] || spec=$SPEC72
		d=$arch/$layout
		mkdir -p "$d"
		gen_asm "$layout" "$field" "$spec" image > "$d/image.S"
		gen_asm "$layout" "$field" "$spec" module > "$d/module.S"
		gen_lds image > "$d/image.lds"
		gen_lds module > "$d/module.lds"
		# shellcheck disable=SC2086
		if ! { "$prefix-as" $asflags -o "$d/image.o" "$d/image.S" &&
		       "$prefix-ld" $ldflags -e 0 -T "$d/image.lds" -o "$d/vmlinux" "$d/image.o" &&
		       "$prefix-as" $asflags -o "$d/module.o" "$d/module.S" &&
		       "$prefix-ld" $ldflags -r -T "$d/module.lds" -o "$d/fixture.ko" "$d/module.o"
		     } > "$d/build.log" 2>&1; then
			not_ok "$arch $layout: fixtures assemble and link"
			sed 's/^/#   /' "$d/build.log" | head -5
			continue
		fi
		expected "$spec" "$layout" vmlinux > "$d/want.image"
		expected "$spec" "$layout" fixture > "$d/want.module"
		"$KHEADERS" symvers "$d/vmlinux" > "$d/got.image" 2> "$d/err"
		same_sorted "$arch $layout: linked image" "$d/want.image" "$d/got.image"
		"$KHEADERS" symvers "$d/vmlinux" "$d/fixture.ko" > "$d/got.both" 2> "$d/err"
		grep -v '	vmlinux	' "$d/got.both" > "$d/got.module"
		same_sorted "$arch $layout: relocatable module" "$d/want.module" "$d/got.module"
	done
done <<<"$MATRIX"
[ "$arches" -gt 0 ] || not_ok "no binutils at all for the fixtures"

# A relocatable kernel linked as RISC-V's CONFIG_RELOCATABLE links it (-shared
# -Bsymbolic -z notext --emit-relocs): its pointers are 0 in the file, filled
# at boot from .rela.dyn (R_RISCV_RELATIVE).
if command -v riscv64-linux-gnu-as >/dev/null; then
	for layout in 61 72; do
		spec=$SPEC61
		[ "$layout" != 72 ] || spec=$SPEC72
		d=riscv64/$layout
		riscv64-linux-gnu-ld -shared -Bsymbolic -z notext --emit-relocs \
			-T "$d/image.lds" -o "$d/vmlinux.pie" "$d/image.o" || exit 1
		"$KHEADERS" symvers "$d/vmlinux.pie" > "$d/got.pie" 2> err ||
			sed 's/^/#   /' err
		same_sorted "riscv64 $layout relocatable (PIE) image: pointers from .rela.dyn" \
			"$d/want.image" "$d/got.pie"
	done
fi

# Raw arm64 Images (objcopy -O binary behind the 64-byte header, as
# arch/arm64/boot/Image): tables found by their layout alone, 40 exports.
rawspec() {
	local i ns
	for i in $(seq 10 49); do
		ns=-
		[ $((i % 5)) != 0 ] || ns=NS_R
		[ "$1" != 61 ] || [ $((i % 7)) != 0 ] || ns=0
		echo "e$i 0x$(printf '%08x' $((i * 2654435761 % 4294967296))) $((i % 2)) $ns"
	done
}
if command -v aarch64-linux-gnu-as >/dev/null; then
	gen_lds image > raw.lds
	for v in 61 72 nomv arm64be-72; do
		layout=${v#arm64be-}
		asflags= ldflags= flagbyte='\0'
		[ "$v" = "$layout" ] || { asflags=-EB ldflags=-EB flagbyte='\1'; }
		spec=$(rawspec "$layout")
		gen_asm "$layout" prel "$spec" image > raw-$v.S
		aarch64-linux-gnu-as $asflags -o raw-$v.o raw-$v.S &&
			aarch64-linux-gnu-ld $ldflags -N -e 0 -T raw.lds -o raw-$v.elf raw-$v.o &&
			aarch64-linux-gnu-objcopy -O binary raw-$v.elf raw-$v.bin || exit 1
		{
			head -c 24 /dev/zero; printf "$flagbyte"; head -c 31 /dev/zero
			printf 'ARM\x64'; head -c 4 /dev/zero; cat raw-$v.bin
		} > Image-$v
		expected "$spec" "$layout" vmlinux > raw-$v.want
		"$KHEADERS" symvers Image-$v > raw-$v.got 2> err || sed 's/^/#   /' err
		same_sorted "raw arm64 Image, $v layout: tables found by their layout" raw-$v.want raw-$v.got
	done
	# RISC-V: 64-bit addresses, linked where a 64-bit kernel is
	# (KERNEL_LINK_ADDR), found with the address of the first byte.
	if command -v riscv64-linux-gnu-as >/dev/null; then
		sed 's/\. = 0x10000;/. = 0xffffffff80000000;/' raw.lds > rawrv.lds
		for v in 61 72 nomv; do
			spec=$(rawspec "$v")
			gen_asm "$v" 8 "$spec" image > rawrv-$v.S
			riscv64-linux-gnu-as -march=rv64imac -mabi=lp64 -o rawrv-$v.o rawrv-$v.S &&
				riscv64-linux-gnu-ld -N -e 0 -T rawrv.lds -o rawrv-$v.elf rawrv-$v.o &&
				riscv64-linux-gnu-objcopy -O binary rawrv-$v.elf rawrv-$v.bin || exit 1
			{
				head -c 48 /dev/zero; printf 'RISCV\0\0\0RSC\x05'
				head -c 4 /dev/zero; cat rawrv-$v.bin
			} > ImageRV-$v
			expected "$spec" "$v" vmlinux > rawrv-$v.want
			"$KHEADERS" symvers ImageRV-$v > rawrv-$v.got 2> err || sed 's/^/#   /' err
			same_sorted "raw RISC-V Image, $v layout: tables and base found by their layout" \
				rawrv-$v.want rawrv-$v.got
		done
		# A relocatable kernel's Image: pointers 0, filled at boot.
		riscv64-linux-gnu-ld -shared -Bsymbolic -z notext -T rawrv.lds \
			-o rawrv-pie.elf rawrv-72.o &&
			riscv64-linux-gnu-objcopy -O binary rawrv-pie.elf rawrv-pie.bin || exit 1
		{ head -c 48 /dev/zero; printf 'RISCV\0\0\0RSC\x05'; head -c 4 /dev/zero
		  cat rawrv-pie.bin; } > ImageRV-pie
	fi
	# One stray byte between the tables: the layout no longer holds.
	python3 - <<'EOS2'
b = bytearray(open("Image-72", "rb").read())
n = 40
i = b.find(b"e10\0")		# the strings: flags end right before them
open("Image-72-bad", "wb").write(b[:i - 1] + b"\2" + b[i:])
EOS2
fi

# The rest on the host's x86_64 fixtures.
H=x86_64/61
[ -f "$H/vmlinux" ] || { not_ok "x86_64 fixtures missing"; exit 1; }
"$KHEADERS" symvers "$H/vmlinux" "$H/fixture.ko" > sorted.txt
cut -f2 sorted.txt | LC_ALL=C sort -c 2>/dev/null &&
	ok "output sorted by symbol" || not_ok "output sorted by symbol"
grep -q '^0x55555555	asmfn	vmlinux	EXPORT_SYMBOL	$' sorted.txt &&
	ok "a null namespace field is no namespace, written with its trailing tab" ||
	not_ok "a null namespace field is no namespace, written with its trailing tab"

# Boot images: the ELF payload in every compressed stream kind, behind
# "setup code" that holds no stream.
head -c 16384 /dev/zero | tr '\0' 'S' > setup.bin
for c in gzip xz lzma zstd lz4 bzip2; do
	case $c in
	gzip) gzip -nc "$H/vmlinux" ;;
	xz) xz --check=crc32 -c "$H/vmlinux" ;;
	lzma) xz --format=lzma -c "$H/vmlinux" ;;
	zstd) zstd -qc "$H/vmlinux" ;;
	lz4) lz4 -lqc "$H/vmlinux" ;;
	bzip2) bzip2 -c "$H/vmlinux" ;;
	esac > payload.$c
	{ cat setup.bin payload.$c; printf '\x00\x10\x00\x00'; } > bzImage.$c
	"$KHEADERS" symvers bzImage.$c > bz.$c 2> err
	same_sorted "boot image with a $c payload" "$H/want.image" bz.$c
done
"$KHEADERS" symvers - < bzImage.xz > stdin.got 2> err
same_sorted "image on standard input" "$H/want.image" stdin.got

# Compressed modules and trees.
R=lib/modules/9.9.9-test
mkdir -p $R/kernel/drivers/net $R/kernel/crypto $R/updates/dkms elsewhere
cp "$H/fixture.ko" $R/kernel/drivers/net/dummy.ko
sed 's/\(foo\|bar\|baz\|qux\|asmfn\)/\1_c/g' "$H/module.S" > cmod.S
as -o cmod.o cmod.S && ld -r -T "$H/module.lds" -o cmod.ko cmod.o || exit 1
xz -c cmod.ko > $R/kernel/crypto/c-xz.ko.xz
gzip -nc cmod.ko > $R/kernel/crypto/c-gz.ko.gz
zstd -qc cmod.ko > $R/kernel/crypto/c-zst.ko.zst
cp "$H/fixture.ko" $R/updates/dkms/ext.ko
cp "$H/fixture.ko" elsewhere/linked.ko
ln -s ../../../elsewhere $R/build
echo 'not a module' > $R/kernel/crypto/README
"$KHEADERS" symvers "$H/vmlinux" $R > tree.got 2> err
{
	expected "$SPEC61" 61 drivers/net/dummy
	expected "$SPEC61" 61 ext
	for m in c-xz c-gz c-zst; do
		expected "$(sed 's/^\([a-z]*\)/\1_c/' <<<"$SPEC61")" 61 crypto/$m
	done
	cat "$H/want.image"
} | LC_ALL=C sort > tree.want
same_sorted "/lib/modules/R: names below kernel/, updates/ by file name, .ko.xz/.gz/.zst, links not followed" tree.want tree.got
"$KHEADERS" symvers "$H/vmlinux" $R/kernel/crypto/c-zst.ko.zst > one.got 2> err
{ expected "$(sed 's/^\([a-z]*\)/\1_c/' <<<"$SPEC61")" 61 c-zst; cat "$H/want.image"; } |
	LC_ALL=C sort > one.want
same_sorted "a loose .ko.zst is named by its file name" one.want one.got
"$KHEADERS" symvers "$H/vmlinux" $R/kernel > k.got 2> err
grep -q '	crypto/c-gz	' k.got && grep -q '	drivers/net/dummy	' k.got &&
	ok "a directory without kernel/ names modules by their path below it" ||
	not_ok "a directory without kernel/ names modules by their path below it"

# -o: atomic, same bytes as standard output.
"$KHEADERS" symvers "$H/vmlinux" "$H/fixture.ko" -o out.symvers &&
	cmp -s out.symvers sorted.txt && ok "-o writes what standard output gets" ||
	not_ok "-o writes what standard output gets"

# Bad inputs: one line on stderr, exit 2, the previous output untouched.
bad() {
	local name=$1 re=$2
	shift 2
	echo old > out.symvers
	expect_fail "$name" 2 "$re" "$KHEADERS" symvers "$@" -o out.symvers
	if [ "$(wc -l < "$T/.err")" -ne 1 ] || [ "$(cat out.symvers)" != old ] ||
	   ls .out.symvers* >/dev/null 2>&1; then
		not_ok "$name: one line, no output written"
		sed 's/^/#   /' "$T/.err" | head -5
	fi
}
echo 'just text' > text.txt
: > empty
head -c 200 "$H/vmlinux" > trunc-head
python3 - "$H/vmlinux" <<'EOS'
import sys
b = open(sys.argv[1], "rb").read()
open("trunc-tail", "wb").write(b[:len(b) * 2 // 3])
EOS
xz --check=crc32 -c "$H/vmlinux" | head -c 300 > xz-trunc
{ cat setup.bin xz-trunc; } > bzImage.trunc
as -o noexp.o /dev/null && ld -e 0 -o noexp noexp.o 2>/dev/null
printf '\0%.0s' $(seq 64) > image.raw
printf 'ARM\x64' | dd of=image.raw bs=1 seek=56 conv=notrunc status=none
head -c 4096 /dev/zero >> image.raw
gzip -nc image.raw > Image.gz
printf '\0%.0s' $(seq 64) > riscv.raw
printf 'RSC\x05' | dd of=riscv.raw bs=1 seek=56 conv=notrunc status=none
head -c 4096 /dev/zero >> riscv.raw
objcopy --update-section __ksymtab=<(head -c 36 /dev/zero | tr '\0' '\377') \
	"$H/vmlinux" bad-offset 2>/dev/null
objcopy --update-section __kcrctab=<(head -c 4 /dev/zero) \
	"$H/vmlinux" bad-crc 2>/dev/null
objcopy --update-section __ksymtab=<(head -c 13 /dev/zero) \
	"$H/vmlinux" bad-size 2>/dev/null

sed 's/"___kcrctab+asmfn"/"___kcrctab+zz"/' "$H/module.S" > misslot.S
as -o misslot.o misslot.S && ld -r -T "$H/module.lds" -o misslot.ko misslot.o || exit 1

bad "not ELF" "'text.txt': not an ELF kernel, nor a file holding one" text.txt
bad "empty file" "'empty': not an ELF kernel" empty
bad "truncated ELF header" "'trunc-head': truncated: its section headers lie past the end" trunc-head
bad "truncated ELF" "'trunc-tail': truncated: its section headers lie past the end" trunc-tail
bad "truncated compressed payload" "'bzImage.trunc': the xz stream at offset 16384: truncated or corrupt" bzImage.trunc
bad "ELF without export tables" "'noexp': no export table \(__ksymtab\)" noexp
bad "a module as the image" "fixture.ko': a module, not a kernel image" "$H/fixture.ko"
bad "an image as a module" "'x86_64/61/vmlinux': a kernel image, not a module" "$H/vmlinux" "$H/vmlinux"
bad "an object without .modinfo as a module" "'noexp.o': a relocatable file without .modinfo" "$H/vmlinux" noexp.o
bad "a raw arm64 Image without tables" "'image.raw': a raw arm64 Image: no export tables laid out as the kernel's linker script lays them" image.raw
bad "a compressed raw arm64 Image without tables" "'Image.gz': a raw arm64 Image: no export tables" Image.gz
[ ! -f Image-72-bad ] ||
	bad "a raw arm64 Image whose flags are not flags" "'Image-72-bad': a raw arm64 Image: no export tables laid out" Image-72-bad
bad "a raw RISC-V Image without tables" "'riscv.raw': a raw RISC-V Image: no export tables laid out" riscv.raw
[ ! -f ImageRV-pie ] ||
	bad "a relocatable RISC-V kernel's raw Image (pointers 0)" "'ImageRV-pie': a raw RISC-V Image: no export tables .*a relocatable kernel leaves them 0" ImageRV-pie
bad "an entry pointing outside __ksymtab_strings" "'bad-offset': entry 0 of '__ksymtab' points outside '__ksymtab_strings'" bad-offset
bad "a CRC table of the wrong size" "'bad-crc': '__kcrctab' holds 4 bytes for the 3 entries" bad-crc
bad "a table that is not whole entries" "'bad-size': '__ksymtab' is 13 bytes, not a multiple of its 12-byte entries" bad-size
bad "a __crc_ label naming another slot than its entry's" "'misslot.ko': '__crc_asmfn' labels byte 8 of '__kcrctab', not the slot of its entry 0" "$H/vmlinux" misslot.ko
bad "a missing module" "cannot open 'nope.ko': No such file" "$H/vmlinux" nope.ko
expect_fail "no IMAGE: usage, exit 2" 2 "missing IMAGE" "$KHEADERS" symvers
