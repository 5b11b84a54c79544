#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# CONFIG_IKHEADERS_MODULES in a real kernel build: tinyconfig plus what
# booting needs, MODULES, IKHEADERS=y and the new option, O= build.
#   1. `make bzImage` alone (modules_prepare never runs, so the object tree
#      has no scripts/module.lds): the archive in vmlinux holds the module
#      kit -- Makefile, scripts/ sources, .config, auto.conf, the module
#      linker script kernel/ made for it -- and no host binary and no
#      Module.symvers; make said "with the module kit"; a second make
#      leaves the archive alone.
#   2. `make modules` then makes scripts/module.lds: byte for byte the one
#      in the archive (the same command on the same source).
#   3. `kheaders prepare --modules --from bzImage` makes the kit from the
#      image (host programs from the kit's sources, Module.symvers from the
#      image: the build's vmlinux lines), and it builds an external module
#      whose vermagic is the kernel's, with no modpost warning.
# Uses its own work directory when KH_E2E_DIR is set (see lib-e2e.sh).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"

e2e_setup || { not_ok "modules kit: e2e setup"; exit 0; }
e2e_prepare_src "$W/src" || { not_ok "modules kit: preparing '$W/src' failed"; exit 0; }
e2e_need_tools "modules kit: O= build with IKHEADERS_MODULES" || exit 0
src=$W/src
obj=$W/kit

# kit_configure: the e2e configuration (IKHEADERS=y), then MODULES and
# IKHEADERS_MODULES on top.
kit_configure() {
	local sig="$E2E_BOOT_OPTS ikh=y modules kit"
	[ "$(cat "$obj/.kh-e2e-configured" 2>/dev/null)" = "$sig" ] && return 0
	e2e_configure "$src" "$obj" y || return 1
	"$src/scripts/config" --file "$obj/.config" -e MODULES -e IKHEADERS_MODULES || return 1
	make -C "$src" O="$obj" ARCH=x86_64 -s olddefconfig >> "$obj.config.log" 2>&1 || return 1
	grep -qx 'CONFIG_IKHEADERS_MODULES=y' "$obj/.config" || return 1
	echo "$sig" > "$obj/.kh-e2e-configured"
}
if kit_configure; then
	ok "modules kit: CONFIG_IKHEADERS_MODULES=y sticks (KHEADERS_VERSION $(sed -n 's/^CONFIG_KHEADERS_VERSION=//p' "$obj/.config"))"
else
	not_ok "modules kit: configuration (log $obj.config.log)"
	exit 0
fi
# A tree cached by an earlier run: step 1 starts without the linker
# script, and makes the archive and kernel/'s linker script again.
rm -f "$obj/scripts/module.lds" "$obj/kernel/kheaders_data.tar.xz" \
	"$obj/kernel/kheaders_module.lds"

t0=$(date +%s)
e2e_make "$src" "$obj" bzImage > "$obj.log" 2>&1
rc=$?
echo "# make kit bzImage: $(($(date +%s) - t0)) s"
[ "$rc" = 0 ] && ok "modules kit: make bzImage" ||
	{ not_ok "modules kit: make bzImage (log $obj.log)"
	  grep -E -m12 'error|Error|kheaders|\*\*\*' "$obj.log" | sed 's/^/#   /'; exit 0; }
ar=$obj/kernel/kheaders_data.tar.xz
expect "modules kit: make named the kit, after kernel/'s linker script" bash -c "
	grep -qx '  LDS     kernel/kheaders_module.lds' '$obj.log' &&
	grep -qx '  GEN     kernel/kheaders_data.tar.xz (kheaders [0-9.]*, with the module kit)' '$obj.log'"
expect "modules kit: kernel/ made its module linker script, modules_prepare did not run" \
	bash -c "test -f '$obj/kernel/kheaders_module.lds' && test ! -e '$obj/scripts/module.lds'"
"$KHEADERS" extract "$obj/arch/x86/boot/bzImage" -o "$T/served.tar.xz" > /dev/null 2>&1
expect "modules kit: kheaders extract bzImage = the archive" cmp "$T/served.tar.xz" "$ar"
tar -tJf "$ar" > "$T/list"
expect "modules kit: the archive holds the kit" bash -c "
	for f in ./Makefile ./.config ./include/config/auto.conf ./scripts/module.lds \
		 ./scripts/Makefile.build ./scripts/Makefile.modpost ./scripts/basic/fixdep.c \
		 ./scripts/mod/modpost.c ./scripts/mod/elfconfig.h \
		 ./scripts/mod/devicetable-offsets.h ./arch/x86/Makefile \
		 ./include/linux/module.h ./include/generated/autoconf.h; do
		grep -qxF \"\$f\" '$T/list' || { echo \"missing \$f\"; exit 1; }
	done"
if grep -qx 'CONFIG_OBJTOOL=y' "$obj/.config"; then
	expect "modules kit: CONFIG_OBJTOOL: objtool's sources are in it" grep -qx './tools/objtool/Makefile' "$T/list"
else
	expect "modules kit: no CONFIG_OBJTOOL: no tools/" bash -c "! grep -q '^./tools/' '$T/list'"
fi
mkdir -p "$T/kit"
"$KHEADERS" extract "$T/served.tar.xz" -C "$T/kit" > /dev/null 2>&1
expect "modules kit: no host binary (ELF) and no Module.symvers in it" bash -c "
	! grep -q 'Module.symvers' '$T/list' &&
	! find '$T/kit' -type f -exec head -c 4 {} \; -printf '\n' | grep -q \$'^\x7fELF'"
stat -c %y "$ar" > "$T/mtime"
e2e_make "$src" "$obj" bzImage > "$obj.again.log" 2>&1
expect "modules kit: a second make leaves the archive alone" bash -c "
	! grep -q 'kheaders_data.tar.xz' '$obj.again.log' &&
	[ \"\$(stat -c %y '$ar')\" = '$(cat "$T/mtime")' ]"

e2e_make "$src" "$obj" modules > "$obj.modules.log" 2>&1
expect "modules kit: make modules" test -f "$obj/scripts/module.lds"
expect "modules kit: modules_prepare's scripts/module.lds = the archive's" \
	cmp "$obj/scripts/module.lds" "$T/kit/scripts/module.lds"

release=$(cat "$obj/include/config/kernel.release")
K=$("$KHEADERS" prepare --modules --from "$obj/arch/x86/boot/bzImage" \
	--cache-dir "$T/cache" 2> "$T/prepare.err")
rc=$?
[ "$rc" = 0 ] && ok "modules kit: prepare --modules --from bzImage: host programs built, Module.symvers from the image" ||
	{ not_ok "modules kit: prepare --modules (exit $rc)"; sed 's/^/#   /' "$T/prepare.err"; }
expect "modules kit: ... its Module.symvers = the build's vmlinux lines" bash -c "
	awk -F'\t' '\$3 == \"vmlinux\"' '$obj/Module.symvers' | LC_ALL=C sort | cmp - '$K/Module.symvers'"
mkdir -p "$T/mod"
cat > "$T/mod/kh_kit.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0
#include <linux/init.h>
#include <linux/module.h>

static int __init kh_kit_init(void)
{
	return 0;
}
module_init(kh_kit_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("built from the kit in the kernel's own archive");
EOF
echo 'obj-m := kh_kit.o' > "$T/mod/Kbuild"
make -C "$K" M="$T/mod" ARCH=x86_64 modules > "$T/mod.log" 2>&1
rc=$?
[ "$rc" = 0 ] && [ -f "$T/mod/kh_kit.ko" ] &&
	ok "modules kit: make -C KIT M=DIR modules builds an external module" ||
	{ not_ok "modules kit: external module (exit $rc)"; tail -15 "$T/mod.log" | sed 's/^/#   /'; }
expect "modules kit: ... modpost had nothing to warn about" bash -c "! grep -E 'WARNING|undefined' '$T/mod.log'"
expect "modules kit: ... with the kernel's vermagic ($release)" bash -c "
	readelf -p .modinfo '$T/mod/kh_kit.ko' | grep -q 'vermagic=$release '"

# The installed kernel in a fake root, found by prepare's boot-file source:
# the archive and the image are /boot/vmlinuz-R, the modules
# /lib/modules/R's.
R=$T/root
mkdir -p "$R/boot" "$R/lib/modules/$release/kernel/extra"
cp "$obj/arch/x86/boot/bzImage" "$R/boot/vmlinuz-$release"
cp "$T/mod/kh_kit.ko" "$R/lib/modules/$release/kernel/extra/"
KHEADERS_ROOT=$R KHEADERS_RELEASE=$release KHEADERS_MODPROBE= \
	"$KHEADERS" prepare --modules --from image --cache-dir "$T/cache" -v \
	> /dev/null 2> "$T/image.err"
expect "modules kit: --from image: the image is /boot/vmlinuz-R, with /lib/modules/R's modules" \
	grep -q "from '$R/boot/vmlinuz-$release' and 1 module file(s)" "$T/image.err"
