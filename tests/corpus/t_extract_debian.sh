#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# extract on Debian's real linux-image-6.1.0-NN-amd64: its vmlinuz (a real
# bzImage, xz payload, no headers inside) must give a clear "not found"
# naming what was tried; a stock kheaders.ko when the flavour builds one
# (Debian's 6.1 flavours leave CONFIG_IKHEADERS unset, so otherwise a real
# Debian module carries a stock-form archive of the real 6.1 headers); and
# the real vmlinux with that archive in it, recompressed the way Debian's
# and Ubuntu's kernels are (lz4 legacy, zstd) behind the real setup code.
source "$(dirname "$0")/../lib.sh"
require lz4 zstd xz python3 objcopy
cd "$T" || exit 1

if ! env=$("$TOP/scripts/corpus.sh" fetch-image 2>"$T/fetch.err"); then
	skip "Debian image: $(tail -1 "$T/fetch.err")"
	exit 0
fi
eval "$env"
corpus_env || { skip "kernel corpus not fetched (scripts/corpus.sh fetch)"; exit 0; }

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# 1. The real vmlinuz: not found, exit 1, every strategy named.
t0=$(date +%s%N)
expect_fail "Debian vmlinuz: not found, says what was tried" 1 \
	"vmlinuz': no headers archive found; tried ELF symbols \(not an ELF file\); IKHD_ST/IKHD_ED markers.*xz stream at offset [0-9]+ decoded to [0-9]+ bytes.*xz streams holding a tar" \
	"$KHEADERS" extract "$KH_IMAGE_DIR/vmlinuz" -o out.tar.xz
echo "# vmlinuz search: $(ms $t0) ms"
[ ! -e out.tar.xz ] && ok "no output written on failure" || not_ok "no output written on failure"

# has_kconfig NAME XZ: a valid tar.xz with ./include/linux/kconfig.h.
has_kconfig() {
	xz -t "$2" && tar -tJf "$2" | grep -qx './include/linux/kconfig.h' &&
		ok "$1: valid tar.xz with ./include/linux/kconfig.h" ||
		not_ok "$1: valid tar.xz with ./include/linux/kconfig.h"
}

# 2. A stock module: Debian's own, or a real Debian module carrying the
# real headers archive in stock form (symbols, no markers).
if [ -f "$KH_IMAGE_DIR/kheaders.ko" ]; then
	cp "$KH_IMAGE_DIR/kheaders.ko" kheaders.ko
	want=
else
	(cd "$KH_SRCTREE" && find include arch/x86/include -name '*.h' |
	 LC_ALL=C sort | tar --owner=0 --group=0 --numeric-owner --mtime=@0 \
		--transform 's|^|./|' --no-recursion -cf - -T -) |
		xz -T2 -1 --check=crc32 > headers.tar.xz || exit 1
	n=$(stat -c %s headers.tar.xz)
	objcopy --add-section .rodata.kheaders=headers.tar.xz \
		--set-section-flags .rodata.kheaders=alloc,load,readonly,data \
		--add-symbol kernel_headers_data=.rodata.kheaders:0,global \
		--add-symbol kernel_headers_data_end=.rodata.kheaders:$n,global \
		"$KH_IMAGE_DIR/carrier.ko" kheaders.ko || exit 1
	want=headers.tar.xz
fi
t0=$(date +%s%N)
expect "stock module: extract" "$KHEADERS" extract kheaders.ko -o ko.tar.xz
echo "# module extraction: $(ms $t0) ms, $(stat -c %s ko.tar.xz) bytes"
has_kconfig "stock module" ko.tar.xz
[ -z "$want" ] || { same_bytes ko.tar.xz "$want" && ok "stock module: byte for byte" ||
	not_ok "stock module: byte for byte"; }
xz -c kheaders.ko > kheaders.ko.xz
zstd -qc kheaders.ko > kheaders.ko.zst
for c in xz zst; do
	t0=$(date +%s%N)
	"$KHEADERS" extract kheaders.ko.$c -o ko-$c.tar.xz 2>err &&
		same_bytes ko-$c.tar.xz ko.tar.xz && ok "kheaders.ko.$c: same archive" ||
		{ not_ok "kheaders.ko.$c: same archive"; sed 's/^/#   /' err; }
	echo "# kheaders.ko.$c: $(ms $t0) ms"
done

# 3. A real vmlinux with the archive in it (stock form, no symbols after
# strip), compressed behind the real bzImage setup code.
python3 - "$KH_IMAGE_DIR/vmlinuz" <<'EOS' || exit 1
import lzma, sys
b = open(sys.argv[1], "rb").read()
off = b.find(b"\xfd7zXZ\0")
open("setup.bin", "wb").write(b[:off])
d = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
open("vmlinux", "wb").write(d.decompress(b[off:]))
EOS
objcopy --add-section .rodata.kheaders=ko.tar.xz \
	--set-section-flags .rodata.kheaders=alloc,load,readonly,data \
	vmlinux vmlinux-ikh 2>/dev/null || exit 1
echo "# vmlinux: $(stat -c %s vmlinux-ikh) bytes"
for c in lz4 zstd; do
	case $c in
	lz4) lz4 -lq -9 -c vmlinux-ikh > payload ;;
	zstd) zstd -q -3 -T2 -c vmlinux-ikh > payload ;;
	esac
	{ cat setup.bin payload; printf '\x00\x00\x00\x05'; } > bzImage.$c
	t0=$(date +%s%N)
	"$KHEADERS" extract -v bzImage.$c -o img-$c.tar.xz 2>err &&
		same_bytes img-$c.tar.xz ko.tar.xz &&
		grep -q "strategy: xz stream holding a tar of headers; offset [0-9]* in the $c stream" err &&
		ok "real vmlinux in a $c bzImage: xz scan finds it" ||
		{ not_ok "real vmlinux in a $c bzImage: xz scan finds it"; sed 's/^/#   /' err; }
	echo "# $c bzImage ($(stat -c %s bzImage.$c) bytes): $(ms $t0) ms"
done
