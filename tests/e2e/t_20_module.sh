#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Step 3: the same configuration with IKHEADERS=m and MODULES=y builds
# kernel/kheaders.ko; `kheaders extract` finds the archive in the .ko and in
# an xz-compressed copy; modinfo shows a sane module; and the module, loaded
# by the initramfs /init in a booted kernel, serves the same bytes; before
# that, `kheaders prepare` in the guest loads the module and unloads it.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"

e2e_setup || { not_ok "module: e2e setup"; exit 0; }
e2e_prepare_src "$W/src" || { not_ok "module: preparing '$W/src' failed"; exit 0; }
e2e_need_tools "module: O= build with IKHEADERS=m" || exit 0
obj=$W/module
if e2e_build "$W/src" "$obj" m bzImage modules; then
	ok "module: O= build of bzImage and modules with IKHEADERS=m"
else
	not_ok "module: O= build with IKHEADERS=m (log: $obj.log)"
	exit 0
fi
ar=$obj/kernel/kheaders_data.tar.xz
ko=$obj/kernel/kheaders.ko
[ -f "$ko" ] && ok "module: kernel/kheaders.ko built" ||
	{ not_ok "module: no kernel/kheaders.ko"; exit 0; }
echo "# kheaders.ko: $(fsize "$ko") bytes; archive $(fsize "$ar") bytes, sha256 $(sha256 "$ar")"
grep -qx 'kernel/kheaders.ko' "$obj/modules.order" 2>/dev/null ||
	grep -qx 'kernel/kheaders.o' "$obj/modules.order" 2>/dev/null &&
	ok "module: listed in modules.order" || not_ok "module: not in modules.order"

extract_same "module: kheaders extract kheaders.ko = archive" "$ko" "$ar"
xz -c "$ko" > "$T/kheaders.ko.xz"
extract_same "module: kheaders extract kheaders.ko.xz = archive" "$T/kheaders.ko.xz" "$ar"

if modinfo "$ko" > "$T/modinfo" 2>&1; then
	rel=$(cat "$obj/include/config/kernel.release")
	grep -Eq '^name: +kheaders$' "$T/modinfo" &&
		grep -Eq '^license: +GPL v2$' "$T/modinfo" &&
		grep -Eq "^vermagic: +$rel " "$T/modinfo" &&
		grep -Eq '^description: +.*kernel header' "$T/modinfo" &&
		ok "module: modinfo: name kheaders, GPL v2, vermagic $rel" ||
		{ not_ok "module: modinfo output not sane"; sed 's/^/#   /' "$T/modinfo"; }
else
	not_ok "module: modinfo failed"
fi
[ "$(nm "$ko" | grep -c ' kernel_headers_data\(_end\)\?$')" = 2 ] &&
	ok "module: kernel_headers_data and kernel_headers_data_end defined" ||
	not_ok "module: kernel_headers_data symbols missing from the .ko"
! nm "$obj/vmlinux" | grep -q ' kernel_headers_data$' &&
	ok "module: the archive is not built into vmlinux" ||
	not_ok "module: vmlinux holds kernel_headers_data with IKHEADERS=m"

# The guest first runs a static `kheaders prepare`, which loads the
# module itself and unloads it; then /init loads it for the sysfs checks.
guest_tool=$(e2e_static_tool) || not_ok "module: static kheaders for the guest (scripts/static-kheaders.sh)"
E2E_GUEST_TOOL=$guest_tool e2e_initrd "$T/initrd" "$ko" || not_ok "module: initramfs"
e2e_boot "$obj/arch/x86/boot/bzImage" "$T/initrd" "$obj.boot.log"
rc=$?
[ "$rc" = 0 ] && ok "module: qemu boot ended by the guest's reboot" ||
	not_ok "module: qemu boot (exit $rc; 124 = timeout; log $obj.boot.log)"
tr -d '\r' < "$obj.boot.log" | grep -q '^KH-E2E loaded /kheaders.ko' &&
	ok "module: finit_module loaded kheaders.ko" ||
	not_ok "module: kheaders.ko did not load ($(tr -d '\r' < "$obj.boot.log" | grep -m1 'KH-E2E error'))"
line=$(e2e_boot_line "$obj.boot.log")
echo "# booted kernel (module) says: ${line:-nothing}"
[ -n "$line" ] && [ "$(field size "$line")" = "$(fsize "$ar")" ] &&
	[ "$(field sha256 "$line")" = "$(sha256 "$ar")" ] &&
	[ "$(field bounds "$line")" = ok ] &&
	ok "module: sysfs size and sha256 from the loaded module = archive" ||
	not_ok "module: sysfs read through the module differs from the archive"
e2e_check_prepare module "$obj.boot.log" "$ar" m
e2e_check_uapi module "$obj.boot.log" "$ar"
