#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Link a statically linked kheaders from the objects of `make` (for an
# initramfs or a system without the shared libraries: the end-to-end
# guest runs `kheaders prepare` with it).  Debian's static libarchive
# pulls in libxml2 and ICU, hence the size (about 40 MB).
#
# Usage: scripts/static-kheaders.sh [BUILD_DIR] [OUTPUT]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
b=${1:-$top/build}
out=${2:-$b/kheaders-static}
make -C "$top" --no-print-directory B="$b" "$b/kheaders" >/dev/null
libs=$(pkg-config --libs --static liblzma libarchive zlib libelf liblz4 libzstd libcrypto)
# shellcheck disable=SC2086
${CC:-cc} -static -o "$out.tmp" "$b"/obj/cli/*.o "$b/libkheaders.a" $libs \
	-lbz2 -lpthread -licuuc -licudata -lstdc++ -lm -llzma -lz 2>"$out.log" || {
	echo "kheaders: static link failed (see $out.log)" >&2
	exit 1
}
mv "$out.tmp" "$out"
echo "$out"
