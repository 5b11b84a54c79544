#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The integration on a build host without kheaders: t_10's object tree
# (IKHEADERS=y) built again with KHEADERS naming no program, then with the
# tool again (to stay cheap in CI: only the archive, kheaders_data.o and the
# final link are made each time, and t_30..t_50 find the tree as t_10 left
# it).  Without the tool the build succeeds, make says in one line that the
# stock gen_kheaders.sh makes the archive, and the booted kernel serves that
# archive from /sys/kernel/kheaders.tar.xz; with the tool back, kheaders
# makes the same archive as before.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"

e2e_setup || { not_ok "notool: e2e setup"; exit 0; }
e2e_prepare_src "$W/src" || { not_ok "notool: preparing '$W/src' failed"; exit 0; }
e2e_need_tools notool || exit 0
require cpio perl xz tar

obj=$W/builtin
none=$W/no-kheaders
# t_10's tree, up to date (nothing to do after t_10).
e2e_build "$W/src" "$obj" y bzImage ||
	{ not_ok "notool: t_10's build (log: $obj.log)"; exit 0; }
cp "$obj/kernel/kheaders_data.tar.xz" "$T/kheaders.tar.xz"
t0=$(date +%s)
if KHEADERS=$none e2e_make "$W/src" "$obj" bzImage > "$W/notool.log" 2>&1; then
	ok "notool: bzImage with IKHEADERS=y built again without kheaders ($(($(date +%s) - t0)) s)"
else
	not_ok "notool: build without kheaders (log: $W/notool.log)"
	grep -E -m8 'error|Error|\*\*\*' "$W/notool.log" | sed 's/^/#   /'
	exit 0
fi
echo "notool bzImage $(($(date +%s) - t0))s" >> "$W/times"
ar=$T/stock.tar.xz
cp "$obj/kernel/kheaders_data.tar.xz" "$ar"
cp "$obj/arch/x86/boot/bzImage" "$T/bzImage"
cp "$obj/vmlinux" "$T/vmlinux"
line="  KHEADERS '$none' not found: the stock gen_kheaders.sh makes kernel/kheaders_data.tar.xz"
[ "$(grep -c KHEADERS "$W/notool.log")" = 1 ] && grep -qxF "$line" "$W/notool.log" &&
	ok "notool: make says so in one line" ||
	{ not_ok "notool: want the one line '$line'"; grep KHEADERS "$W/notool.log" | sed 's/^/#   /'; }
grep -q 'gen_kheaders.sh' "$obj/kernel/.kheaders_data.tar.xz.cmd" &&
	ok "notool: the archive made by the stock gen_kheaders.sh" ||
	not_ok "notool: kernel/.kheaders_data.tar.xz.cmd does not name gen_kheaders.sh"
if tar -tJf "$ar" > "$T/list" 2>/dev/null &&
   grep -Eq '^(\./)?include/linux/kconfig\.h$' "$T/list" &&
   grep -Eq '^(\./)?include/generated/autoconf\.h$' "$T/list"; then
	ok "notool: archive is a tar.xz with $(wc -l < "$T/list") entries (kconfig.h, autoconf.h)"
else
	not_ok "notool: '$ar' is not a tar.xz with kconfig.h and autoconf.h"
fi
extract_same "notool: kheaders extract vmlinux = archive" "$T/vmlinux" "$ar"

# The tool back: kheaders makes the archive t_10 had.
if e2e_make "$W/src" "$obj" bzImage > "$W/notool-back.log" 2>&1 &&
   grep -q '^  GEN     kernel/kheaders_data.tar.xz (kheaders ' "$W/notool-back.log" &&
   cmp -s "$obj/kernel/kheaders_data.tar.xz" "$T/kheaders.tar.xz"; then
	ok "notool: with kheaders back, it makes the same archive as in t_10"
else
	not_ok "notool: back to kheaders (log: $W/notool-back.log)"
fi

e2e_initrd "$T/initrd" || not_ok "notool: initramfs"
e2e_boot "$T/bzImage" "$T/initrd" "$W/notool.boot.log"
rc=$?
[ "$rc" = 0 ] && ok "notool: qemu boot ended by the guest's reboot" ||
	not_ok "notool: qemu boot (exit $rc; 124 = timeout; log $W/notool.boot.log)"
echo "# archive (the stock script's): $(fsize "$ar") bytes, sha256 $(sha256 "$ar")"
e2e_check_sysfs notool "$W/notool.boot.log" "$ar"
