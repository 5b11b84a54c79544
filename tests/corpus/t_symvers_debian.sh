#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kheaders symvers against Debian's real 6.1 kernel: the vmlinuz of
# linux-image-6.1.0-NN-amd64 (an x86 bzImage, xz payload, stripped ELF)
# must give exactly the vmlinux lines of the Module.symvers that
# linux-headers-6.1.0-NN-amd64 ships (modpost's own output for that
# build); its payload recompressed (zstd, lz4, gzip) the same; with the
# package's /lib/modules/R tree, the whole file; the modules recompressed
# (.ko.xz, .ko.gz, .ko.zst) the whole file again.  All sorted.
source "$(dirname "$0")/../lib.sh"
require xz zstd lz4 gzip python3 dpkg-deb
cd "$T" || exit 1

if ! env=$("$TOP/scripts/corpus.sh" fetch-image 2>"$T/fetch.err"); then
	skip "Debian image: $(tail -1 "$T/fetch.err")"
	exit 0
fi
eval "$env"
corpus_env || { skip "kernel corpus not fetched (scripts/corpus.sh fetch)"; exit 0; }
SYMVERS=$KH_OBJTREE/Module.symvers
[ -f "$SYMVERS" ] || { not_ok "$SYMVERS missing"; exit 1; }

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# same NAME WANT GOT: equal once sorted, and not empty.
same() {
	LC_ALL=C sort "$3" > got.sorted
	if [ -s "$2" ] && cmp -s "$2" got.sorted; then
		ok "$1 ($(wc -l < "$2") lines)"
	else
		not_ok "$1 (want $(wc -l < "$2") lines, got $(wc -l < got.sorted))"
		diff "$2" got.sorted | head -10 | sed 's/^/#   /'
	fi
}

grep -P '\tvmlinux\t' "$SYMVERS" | LC_ALL=C sort > vmlinux.want
LC_ALL=C sort "$SYMVERS" > all.want

t0=$(date +%s%N)
"$KHEADERS" symvers "$KH_IMAGE_DIR/vmlinuz" -o vmlinuz.got 2> err ||
	sed 's/^/#   /' err
echo "# vmlinuz: $(ms $t0) ms"
same "Debian vmlinuz = the vmlinux lines of its Module.symvers" vmlinux.want vmlinuz.got
grep -q 'EXPORT_SYMBOL_GPL	[A-Z]' vmlinux.want && ok "the oracle has namespaced GPL exports" ||
	not_ok "the oracle has namespaced GPL exports"

# The payload (found by offset only to recompress it) behind the same
# setup code, in the other formats Debian and Ubuntu kernels use.
python3 - "$KH_IMAGE_DIR/vmlinuz" <<'EOS' || exit 1
import lzma, sys
b = open(sys.argv[1], "rb").read()
off = b.find(b"\xfd7zXZ\0")
open("setup.bin", "wb").write(b[:off])
open("vmlinux", "wb").write(lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(b[off:]))
EOS
"$KHEADERS" symvers vmlinux > vmlinux.got 2> err || sed 's/^/#   /' err
same "its stripped ELF payload" vmlinux.want vmlinux.got
for c in zstd lz4 gzip; do
	case $c in
	zstd) zstd -q -3 -T2 -c vmlinux ;;
	lz4) lz4 -lq -c vmlinux ;;
	gzip) gzip -1 -nc vmlinux ;;
	esac > payload
	{ cat setup.bin payload; printf '\x00\x00\x00\x05'; } > bzImage.$c
	t0=$(date +%s%N)
	"$KHEADERS" symvers bzImage.$c > bz.got 2> err || sed 's/^/#   /' err
	echo "# $c bzImage: $(ms $t0) ms"
	same "the payload in a $c bzImage" vmlinux.want bz.got
done

# The package's modules, as installed.
deb=$(ls "${KH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kheaders}/debs/${KH_IMAGE_PKG}"_*.deb 2>/dev/null | head -1)
if [ -z "$deb" ]; then
	skip "modules: the $KH_IMAGE_PKG package is not in the cache"
	exit 0
fi
dpkg-deb --fsys-tarfile "$deb" | tar -x --wildcards './lib/modules/*' || exit 1
R=$(ls lib/modules | head -1)
n=$(find lib/modules/$R -name '*.ko*' | wc -l)
t0=$(date +%s%N)
"$KHEADERS" symvers "$KH_IMAGE_DIR/vmlinuz" lib/modules/$R > all.got 2> err ||
	sed 's/^/#   /' err
echo "# vmlinuz and $n modules: $(ms $t0) ms"
same "vmlinuz + /lib/modules/$R ($n modules) = the whole Module.symvers" all.want all.got

# Recompressed modules: the three kinds kbuild makes, in turns.
find lib/modules/$R/kernel -name '*.ko' | LC_ALL=C sort > kos
awk 'NR % 3 == 0' kos | xargs -r xz -T1 -0 --check=crc32
awk 'NR % 3 == 1' kos | xargs -r gzip -1 -n
awk 'NR % 3 == 2' kos | xargs -r zstd -q -1 --rm
t0=$(date +%s%N)
"$KHEADERS" symvers "$KH_IMAGE_DIR/vmlinuz" lib/modules/$R > allz.got 2> err ||
	sed 's/^/#   /' err
echo "# vmlinuz and $n compressed modules: $(ms $t0) ms"
same "with every module as .ko.xz, .ko.gz or .ko.zst" all.want allz.got
