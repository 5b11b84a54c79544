#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Steps 1 and 2: a pristine corpus tree with the integration installed, an
# O= build of bzImage (tinyconfig + boot options + IKHEADERS=y), booted
# under qemu; the archive read from /sys/kernel/kheaders.tar.xz in the guest
# equals kernel/kheaders_data.tar.xz and what `kheaders extract` finds in
# vmlinux and bzImage; `kheaders prepare` in the guest unpacks it from sysfs.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"
source "$(dirname "$0")/../lib-bpf.sh"

e2e_setup || { not_ok "builtin: e2e setup"; exit 0; }
if e2e_prepare_src "$W/src"; then
	ok "builtin: pristine copy of the corpus tree, integration installed"
else
	not_ok "builtin: preparing '$W/src' failed"
	exit 0
fi
! grep -v '^#' "$W/src/kernel/Makefile" | grep -q gen_kheaders &&
	ok "builtin: the stock rules gone from kernel/Makefile (gen_kheaders.sh stays, for hosts without kheaders)" ||
	not_ok "builtin: kernel/Makefile still runs gen_kheaders.sh"

e2e_need_tools "builtin: O= bzImage build" || exit 0
obj=$W/builtin
if e2e_build "$W/src" "$obj" y bzImage; then
	ok "builtin: O= build of bzImage with IKHEADERS=y"
else
	not_ok "builtin: O= build of bzImage with IKHEADERS=y (log: $obj.log)"
	exit 0
fi
ar=$obj/kernel/kheaders_data.tar.xz
grep -q '^cmd_kernel/kheaders_data.tar.xz := .* build ' "$obj/kernel/.kheaders_data.tar.xz.cmd" &&
	grep -q 'include/linux/kernel.h' "$obj/kernel/.kheaders_data.tar.xz.cmd" &&
	ok "builtin: archive made by 'kheaders build', its depfile in the .cmd file" ||
	not_ok "builtin: kernel/.kheaders_data.tar.xz.cmd lacks the kheaders command or its dependencies"
grep -q 'kheaders.* embed --format asm ' "$obj/kernel/.kheaders_data.S.cmd" &&
	grep -q 'kheaders_data\.S' "$obj/kernel/.kheaders_data.o.cmd" &&
	ok "builtin: kheaders_data.o assembled from 'kheaders embed --format asm'" ||
	not_ok "builtin: kernel/.kheaders_data.S.cmd lacks 'kheaders embed --format asm'"
if tar -tJf "$ar" > "$T/list" 2>"$T/.err" && grep -Eq '(^|/)include/linux/kernel\.h$' "$T/list" &&
   grep -Eq '(^|/)arch/x86/include/generated/asm/' "$T/list"; then
	ok "builtin: archive is a tar.xz with $(wc -l < "$T/list") entries"
else
	not_ok "builtin: '$ar' is not a tar.xz with include/ and arch/x86/include/generated"
fi
echo "# archive: $(fsize "$ar") bytes, sha256 $(sha256 "$ar")"

# The guest also runs a static `kheaders prepare` (from sysfs).
guest_tool=$(e2e_static_tool) || not_ok "builtin: static kheaders for the guest (scripts/static-kheaders.sh)"
E2E_GUEST_TOOL=$guest_tool e2e_initrd "$T/initrd" || not_ok "builtin: initramfs"
e2e_boot "$obj/arch/x86/boot/bzImage" "$T/initrd" "$obj.boot.log"
rc=$?
[ "$rc" = 0 ] && ok "builtin: qemu boot ended by the guest's reboot" ||
	not_ok "builtin: qemu boot (exit $rc; 124 = timeout; log $obj.boot.log)"
e2e_check_sysfs builtin "$obj.boot.log" "$ar"
e2e_check_prepare builtin "$obj.boot.log" "$ar" y
e2e_check_uapi builtin "$obj.boot.log" "$ar"
# On the host, what a tracer does with it: the same archive prepared, and a
# tracing program compiled against it with --print-flags (tests/lib-bpf.sh).
require clang llc
read -r -a flags <<< "$("$KHEADERS" prepare --from "$ar" --cache-dir "$T/prepared" --print-flags 2>"$T/prep.err")"
bpf_write_trace "$T"
if [ "${flags[1]:-}" = "$T/prepared/$(sha256 "$ar")/include/linux/kconfig.h" ] &&
   bpf_compile "$T" "${flags[@]}" && bpf_object_ok "$T"; then
	ok "builtin: on the host, a tracing program compiles to BPF against the booted kernel's archive (--print-flags)"
else
	not_ok "builtin: on the host, a tracing program against the booted kernel's archive"
	cat "$T/prep.err" "$T/cc.err" 2>/dev/null | head -10 | sed 's/^/#   /'
fi
extract_same "builtin: kheaders extract vmlinux = archive" "$obj/vmlinux" "$ar"
extract_same "builtin: kheaders extract bzImage = archive" "$obj/arch/x86/boot/bzImage" "$ar"
