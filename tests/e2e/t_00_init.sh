#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The initramfs /init (kh-init) hashes files like sha256sum(1) does, for
# lengths around every padding boundary, so the hash it prints from the
# booted kernel can be trusted.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"

if [ ! -x "$E2E_INIT" ]; then
	not_ok "kh-init: '$E2E_INIT' missing (run make e2e)"
	exit 0
fi
readelf -lW "$E2E_INIT" > "$T/phdr" 2>&1 && ! grep -q INTERP "$T/phdr" &&
	ok "kh-init: statically linked" ||
	not_ok "kh-init: not statically linked"
bad=
for n in 0 1 55 56 57 63 64 65 119 120 4093 65536 1000003; do
	head -c "$n" /dev/urandom > "$T/f"
	line=$("$E2E_INIT" "$T/f")
	[ "$(field sha256 "$line")" = "$(sha256 "$T/f")" ] &&
		[ "$(field size "$line")" = "$n" ] &&
		[ "$(field bounds "$line")" = ok ] || bad="$bad $n"
done
[ -z "$bad" ] && ok "kh-init: size and sha256 match sha256sum for 13 lengths" ||
	not_ok "kh-init: wrong size or sha256 for lengths:$bad"
expect_fail "kh-init: missing file is an error" 1 "KH-E2E error: cannot open" "$E2E_INIT" "$T/nonexistent"
