#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Step 5: a second O= build of the same configuration in another directory
# gives a byte-identical archive, and both vmlinux files carry it.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"

e2e_setup || { not_ok "reproducible: e2e setup"; exit 0; }
e2e_prepare_src "$W/src" || { not_ok "reproducible: preparing '$W/src' failed"; exit 0; }
e2e_need_tools "reproducible: second build" || exit 0
a=$W/builtin b=$W/repro
e2e_build "$W/src" "$a" y bzImage ||
	{ not_ok "reproducible: first tree does not build (log: $a.log)"; exit 0; }
if e2e_build "$W/src" "$b" y vmlinux; then
	ok "reproducible: second O= build in another directory"
else
	not_ok "reproducible: second O= build (log: $b.log)"
	exit 0
fi
ar=$a/kernel/kheaders_data.tar.xz
cmp -s "$ar" "$b/kernel/kheaders_data.tar.xz" &&
	ok "reproducible: archives byte-identical ($(sha256 "$ar"))" ||
	not_ok "reproducible: archives differ ($(sha256 "$ar") vs $(sha256 "$b/kernel/kheaders_data.tar.xz"))"
extract_same "reproducible: kheaders extract of the second vmlinux = first archive" \
	"$b/vmlinux" "$ar"
if kh_has verify; then
	# Rebuild from the second build's trees; compare with the first vmlinux.
	(cd "$b" && "$KHEADERS" verify "$a/vmlinux" --srctree "$W/src" \
		--objtree . --arch x86 --timestamp "$KBUILD_BUILD_TIMESTAMP") \
		> "$T/verify" 2>&1
	rc=$?
	sed 's/^/# verify: /' "$T/verify" | head -3
	[ "$rc" = 0 ] && grep -q '^identical' "$T/verify" &&
		ok "reproducible: kheaders verify: second build's headers identical to the first vmlinux's" ||
		{ not_ok "reproducible: kheaders verify (exit $rc)"; head -5 "$T/verify" | sed 's/^/#   /'; }
else
	not_ok "reproducible: kheaders verify (not in this binary yet)"
fi
