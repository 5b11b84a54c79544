#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The integration on a build host without kheaders: t_10's configuration
# (IKHEADERS=y) built with KHEADERS naming no program.  The build succeeds,
# make says in one line that the stock gen_kheaders.sh makes the archive,
# and the booted kernel serves that archive from /sys/kernel/kheaders.tar.xz.
# To stay cheap in CI the object tree starts as a copy of t_10's (then only
# the archive, kheaders_data.o and the final link are made again); without
# it, a build of its own.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"

e2e_setup || { not_ok "notool: e2e setup"; exit 0; }
e2e_prepare_src "$W/src" || { not_ok "notool: preparing '$W/src' failed"; exit 0; }
require cpio perl xz tar

obj=$W/notool
none=$W/no-kheaders
if [ ! -f "$obj/.config" ] && [ -f "$W/builtin/arch/x86/boot/bzImage" ]; then
	cp -a "$W/builtin" "$obj"
	echo "# object tree copied from t_10's"
fi
if KHEADERS=$none e2e_build "$W/src" "$obj" y bzImage; then
	ok "notool: O= build of bzImage with IKHEADERS=y, no kheaders on the host"
else
	not_ok "notool: build without kheaders (log: $obj.log)"
	exit 0
fi
ar=$obj/kernel/kheaders_data.tar.xz
line="  KHEADERS '$none' not found: the stock gen_kheaders.sh makes kernel/kheaders_data.tar.xz"
[ "$(grep -c KHEADERS "$obj.log")" = 1 ] && grep -qxF "$line" "$obj.log" &&
	ok "notool: make says so in one line" ||
	{ not_ok "notool: want the one line '$line'"; grep KHEADERS "$obj.log" | sed 's/^/#   /'; }
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
extract_same "notool: kheaders extract vmlinux = archive" "$obj/vmlinux" "$ar"

e2e_initrd "$T/initrd" || not_ok "notool: initramfs"
e2e_boot "$obj/arch/x86/boot/bzImage" "$T/initrd" "$obj.boot.log"
rc=$?
[ "$rc" = 0 ] && ok "notool: qemu boot ended by the guest's reboot" ||
	not_ok "notool: qemu boot (exit $rc; 124 = timeout; log $obj.boot.log)"
line=$(e2e_boot_line "$obj.boot.log")
echo "# booted kernel says: ${line:-nothing}"
echo "# archive: $(fsize "$ar") bytes, sha256 $(sha256 "$ar")"
if [ -z "$line" ]; then
	not_ok "notool: /init printed no KH-E2E line"
	tr -d '\r' < "$obj.boot.log" | tail -15 | sed 's/^/#   /'
else
	[ "$(field size "$line")" = "$(fsize "$ar")" ] &&
		[ "$(field sha256 "$line")" = "$(sha256 "$ar")" ] &&
		ok "notool: size and sha256 read from sysfs = the stock script's archive" ||
		not_ok "notool: sysfs size $(field size "$line") sha256 $(field sha256 "$line") differ from kernel/kheaders_data.tar.xz"
	[ "$(field bounds "$line")" = ok ] &&
		ok "notool: reads at and past the end are bounded" ||
		not_ok "notool: reads at or past the end not bounded"
fi
