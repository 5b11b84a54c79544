#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Step 6: an in-tree (no O=) build of the same configuration in its own
# pristine copy works, and its archive is byte-identical to the O= one.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"

e2e_setup || { not_ok "in-tree: e2e setup"; exit 0; }
e2e_need_tools "in-tree: build" || exit 0
src=$W/intree
if e2e_prepare_src "$src"; then
	ok "in-tree: pristine copy of the corpus tree, integration installed"
else
	not_ok "in-tree: preparing '$src' failed"
	exit 0
fi
if e2e_build "$src" "$src" y vmlinux; then
	ok "in-tree: build of vmlinux with IKHEADERS=y"
else
	not_ok "in-tree: build of vmlinux (log: $src.log)"
	exit 0
fi
ar=$src/kernel/kheaders_data.tar.xz
[ -f "$ar" ] && tar -tJf "$ar" > "$T/list" 2>/dev/null &&
	grep -Eq '(^|/)include/linux/kernel\.h$' "$T/list" &&
	ok "in-tree: archive is a tar.xz with $(wc -l < "$T/list") entries" ||
	not_ok "in-tree: no valid archive at kernel/kheaders_data.tar.xz"
echo "# in-tree archive: $(fsize "$ar") bytes, sha256 $(sha256 "$ar")"
extract_same "in-tree: kheaders extract vmlinux = archive" "$src/vmlinux" "$ar"
if [ -f "$W/builtin/kernel/kheaders_data.tar.xz" ]; then
	cmp -s "$ar" "$W/builtin/kernel/kheaders_data.tar.xz" &&
		ok "in-tree: archive identical to the O= build's" ||
		not_ok "in-tree: archive differs from the O= build's"
else
	not_ok "in-tree: no O= archive to compare with (t_10 did not build)"
fi
