#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Step 7: `make clean` of the in-tree build (t_50) removes the archive and
# what kheaders keeps beside it: the block cache and the input manifest.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"

e2e_setup || { not_ok "clean: e2e setup"; exit 0; }
e2e_need_tools "clean" || exit 0
src=$W/intree
k=$src/kernel
if [ ! -f "$k/kheaders_data.tar.xz" ]; then
	not_ok "clean: no in-tree build to clean (t_50 did not build)"
	exit 0
fi
expect "clean: the block cache sits beside the archive" \
	test -f "$k/.kheaders_data.tar.xz.cache/CACHEDIR.TAG"
expect "clean: the manifest sits beside the archive" \
	test -f "$k/.kheaders_data.tar.xz.manifest"
if e2e_make "$src" "$src" clean > "$src.clean.log" 2>&1; then
	ok "clean: make clean"
else
	not_ok "clean: make clean (log: $src.clean.log)"
	exit 0
fi
expect "clean: archive, cache and manifest are gone" bash -c "
	! ls -d '$k/kheaders_data.tar.xz' '$k/.kheaders_data.tar.xz.cache' \
		'$k/.kheaders_data.tar.xz.manifest' 2>/dev/null | grep -q ."
