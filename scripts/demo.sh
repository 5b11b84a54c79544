#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: build the headers archive of the miniature kernel tree in
# tests/fixtures (out of tree, like O=) and show what came out.
set -eu
kheaders=$(realpath "${1:-build/kheaders}")
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d "${TMPDIR:-/tmp}/kheaders-demo.XXXXXX")
trap 'rm -rf "$out"' EXIT

echo "\$ kheaders build --srctree tests/fixtures/linux --objtree tests/fixtures/linux-obj --arch x86 -o kheaders_data.tar.xz"
(cd "$out" && "$kheaders" build --srctree "$top/tests/fixtures/linux" \
	--objtree "$top/tests/fixtures/linux-obj" --arch x86 \
	--timestamp "2026-01-01 00:00:00 UTC" -o kheaders_data.tar.xz \
	--depfile kheaders_data.tar.xz.d)
echo
echo "\$ kheaders list --long kheaders_data.tar.xz   (or: tar tvJf)"
if ! "$kheaders" list --long "$out/kheaders_data.tar.xz" 2>/dev/null; then
	tar -tvJf "$out/kheaders_data.tar.xz"
fi
echo
echo "\$ tar -xOJf kheaders_data.tar.xz ./include/linux/types.h   (comments stripped, SPDX kept)"
tar -xOJf "$out/kheaders_data.tar.xz" ./include/linux/types.h
echo
echo "archive: $(wc -c < "$out/kheaders_data.tar.xz") bytes, sha256 $(sha256sum < "$out/kheaders_data.tar.xz" | cut -d' ' -f1)"
echo "not archived: include/generated/utsversion.h, Module.symvers (see the list above)"
