# SPDX-License-Identifier: GPL-2.0
# One cell of the end-to-end matrix (tests/e2e/t_7*.sh, t_8*.sh, and the
# module cells t_9*.sh through lib-modload.sh): a kernel generation (6.1,
# 6.12, 7.2) built for one architecture with one compiler, the
# integration installed, booted under qemu (TCG, bounded by a timeout); the
# bytes of /sys/kernel/kheaders.tar.xz seen by the guest must equal the
# build's archive, `kheaders extract vmlinux` and `kheaders extract` of the
# boot image.  Sourced after tests/lib.sh and lib-e2e.sh.
#
# Trees live in $WC/<cell> (KH_E2E_CELLS, default e2e-cells in the kheaders
# cache), keyed by a stamp of the corpus tree, kbuild/ and the cell's
# configuration: a kbuild change starts the cell over, anything else reuses
# the built tree (make then has nothing to do).  The pristine copies with
# the integration installed, one per kernel (in-tree builds get their own),
# are $WC/src-<ver>.

WC=${KH_E2E_CELLS:-${KH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kheaders}/e2e-cells}
CELL_BOOT_TIMEOUT=${KH_E2E_BOOT_TIMEOUT:-300}

# Cells outside the CI subset run only under `make e2e-all` (KH_E2E_ALL=1).
cell_selected() {
	[ "${KH_E2E_ALL:-0}" = 1 ] && return 0
	echo "skip - $1: not in the CI subset (make e2e-all runs it)"
	return 1
}

# need_tool CMD PACKAGE: CMD is in PATH, or the cell fails naming PACKAGE.
need_tool() {
	command -v "$1" > /dev/null 2>&1 && return 0
	not_ok "$CELL: '$1' not found: install the Debian package $2"
	return 1
}

# cell_arch ARCH: make, qemu and config settings for ARCH (x86_64, arm64,
# riscv64).  Sets C_SRCARCH C_MAKE C_QEMU C_IMAGE C_CONSOLE C_OPTS C_CROSS.
cell_arch() {
	C_OPTS="PRINTK TTY BLK_DEV_INITRD BINFMT_ELF SYSFS PROC_FS"
	case $1 in
	x86_64)
		C_SRCARCH=x86 C_CROSS= C_IMAGE=arch/x86/boot/bzImage
		C_MAKE=(ARCH=x86_64)
		C_QEMU=(qemu-system-x86_64 -m 256)
		C_CONSOLE=ttyS0
		C_OPTS="$C_OPTS 64BIT SERIAL_8250 SERIAL_8250_CONSOLE"
		C_PKGS="qemu-system-x86" ;;
	arm64)
		C_SRCARCH=arm64 C_CROSS=aarch64-linux-gnu- C_IMAGE=arch/arm64/boot/Image
		C_MAKE=(ARCH=arm64 CROSS_COMPILE=$C_CROSS)
		C_QEMU=(qemu-system-aarch64 -M virt -cpu cortex-a57 -m 256)
		C_CONSOLE=ttyAMA0
		C_OPTS="$C_OPTS SERIAL_AMBA_PL011 SERIAL_AMBA_PL011_CONSOLE"
		C_PKGS="gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm" ;;
	riscv64)
		# Debian 12's qemu names the ISA only in the old riscv,isa
		# property: without RISCV_ISA_FALLBACK the kernel sees no FPU
		# and /init (hard-float) dies of SIGILL.
		C_SRCARCH=riscv C_CROSS=riscv64-linux-gnu- C_IMAGE=arch/riscv/boot/Image
		C_MAKE=(ARCH=riscv CROSS_COMPILE=$C_CROSS)
		C_QEMU=(qemu-system-riscv64 -M virt -bios default -m 256)
		C_CONSOLE=ttyS0
		C_OPTS="$C_OPTS 64BIT MMU ARCH_VIRT SIFIVE_PLIC FPU RISCV_ISA_FALLBACK"
		C_OPTS="$C_OPTS SERIAL_8250 SERIAL_8250_CONSOLE SERIAL_OF_PLATFORM"
		C_PKGS="gcc-riscv64-linux-gnu libc6-dev-riscv64-cross qemu-system-misc opensbi" ;;
	*)
		return 1 ;;
	esac
}

# cell_tools ARCH TOOLCHAIN: every program the cell runs, or not ok naming
# the package that has it.
cell_tools() {
	local ok=0
	case $1 in
	x86_64) need_tool qemu-system-x86_64 qemu-system-x86 || ok=1 ;;
	arm64)
		need_tool aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu || ok=1
		need_tool qemu-system-aarch64 qemu-system-arm || ok=1 ;;
	riscv64)
		need_tool riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu || ok=1
		need_tool qemu-system-riscv64 qemu-system-misc || ok=1
		if [ ! -e /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin ] &&
		   [ ! -e /usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin ]; then
			not_ok "$CELL: OpenSBI firmware for '-bios default' not found: install the Debian package opensbi"
			ok=1
		fi ;;
	esac
	if [ "$2" = llvm16 ]; then
		need_tool clang-16 clang-16 || ok=1
		need_tool ld.lld-16 lld-16 || ok=1
		need_tool llvm-ar-16 llvm-16 || ok=1
	fi
	need_tool cpio cpio || ok=1
	return $ok
}

# cell_init ARCH: a static /init for ARCH (kh-init.c, built by the host or
# cross gcc), path on stdout.
cell_init() {
	local out
	if [ "$1" = x86_64 ]; then
		echo "$E2E_INIT"
		return
	fi
	out=${B:-$TOP/build}/e2e/kh-init-$1
	if [ ! -x "$out" ] || [ "$out" -ot "$TOP/tests/e2e/kh-init.c" ]; then
		mkdir -p "$(dirname "$out")"
		"${C_CROSS}gcc" -static -std=gnu11 -O2 -Wall -Wextra -Werror \
			-o "$out.tmp" "$TOP/tests/e2e/kh-init.c" > "$T/init.log" 2>&1 ||
			{ sed 's/^/#   /' "$T/init.log" | head -5; return 1; }
		mv -f "$out.tmp" "$out"
	fi
	echo "$out"
}

# cell_tree VER: the corpus tree of kernel VER (6.1, 6.12, 7.2), fetched
# by scripts/corpus.sh when missing.
cell_tree() {
	local var=KH_SRCTREE_${1//./_} line
	[ "$1" = 6.1 ] && var=KH_SRCTREE
	if ! "$TOP/scripts/corpus.sh" check "$1"; then
		"$TOP/scripts/corpus.sh" fetch "$1" > "$T/fetch.log" 2>&1 ||
			{ sed 's/^/#   /' "$T/fetch.log" | tail -3; return 1; }
	fi
	line=$("$TOP/scripts/corpus.sh" env | grep "^$var=") || return 1
	echo "${line#*=}"
}

# cell_src_stamp TREE: what a prepared copy of TREE depends on.
cell_src_stamp() {
	{
		echo "$1"
		stat -c %Y "$1/.kh-complete"
		cat "$TOP/Kconfig.snippet" "$TOP/kbuild/Makefile.kheaders" \
			"$TOP/kbuild/kheaders.c" "$TOP/kbuild/install-into-tree"
	} | sha256sum | cut -c1-16
}

# cell_prepare_src TREE DIR ARCHES: DIR is a copy of TREE (without the
# code of architectures not in ARCHES and big driver trees tinyconfig never
# builds) with the integration installed; redone when the stamp changed.
cell_prepare_src() {
	local tree=$1 dir=$2 arches=$3 stamp a ex=()
	stamp=$(cell_src_stamp "$tree")
	[ "$(cat "$dir.stamp" 2>/dev/null)" = "$stamp" ] && [ -f "$dir/.kh-e2e-ready" ] &&
		return 0
	rm -rf "$dir" "$dir.stamp"
	mkdir -p "$dir"
	for a in "$tree"/arch/*/; do
		a=$(basename "$a")
		case " $arches " in *" $a "*) continue ;; esac
		ex+=("--exclude=./arch/$a/*.[chS]" "--exclude=./arch/$a/*.dts*")
	done
	ex+=(--exclude='./Documentation/*.rst' --exclude='./Documentation/*.txt'
	     --exclude='./Documentation/*.yaml' --exclude='./drivers/gpu/*.[chS]'
	     --exclude='./drivers/net/*.[chS]' --exclude='./drivers/staging/*.[chS]'
	     --exclude='./drivers/media/*.[chS]' --exclude='./sound/*.[chS]'
	     --exclude=./.kh-complete)
	tar -C "$tree" -cf - "${ex[@]}" . | tar -C "$dir" -xf - || return 1
	"$TOP/kbuild/install-into-tree" "$dir" > "$dir.install.log" 2>&1 ||
		{ sed 's/^/#   /' "$dir.install.log"; return 1; }
	touch "$dir/.kh-e2e-ready"
	echo "$stamp" > "$dir.stamp"
}

# cell_make ARGS...: make in the cell's trees, bounded by a timeout.
cell_make() {
	local o=()
	[ "$C_OBJ" = "$C_SRC" ] || o=(O="$C_OBJ")
	timeout "$E2E_BUILD_TIMEOUT" make -C "$C_SRC" "${o[@]}" "${C_MAKE[@]}" \
		"${C_TC[@]}" "$@"
}

# cell_configure: tinyconfig + the arch's boot options + IKHEADERS + extras.
cell_configure() {
	local o opts=() want
	mkdir -p "$C_OBJ"
	cell_make -s tinyconfig > "$C_OBJ.config.log" 2>&1 || return 1
	for o in $C_OPTS $C_EXTRA; do
		opts+=(-e "$o")
	done
	for o in $C_OFF; do
		opts+=(-d "$o")
	done
	if [ "$C_IKH" = m ]; then
		opts+=(-e MODULES -m IKHEADERS)
	else
		opts+=(-e IKHEADERS)
	fi
	"$C_SRC/scripts/config" --file "$C_OBJ/.config" "${opts[@]}" || return 1
	cell_make -s olddefconfig >> "$C_OBJ.config.log" 2>&1 || return 1
	for o in $C_OPTS $C_EXTRA; do
		grep -qx "CONFIG_$o=y" "$C_OBJ/.config" ||
			{ echo "# CONFIG_$o did not stay =y"; return 1; }
	done
	want="CONFIG_IKHEADERS=$C_IKH"
	grep -qx "$want" "$C_OBJ/.config" || { echo "# $want did not stick"; return 1; }
}

# cell_stamp: the source stamp plus everything that shapes the build.
cell_stamp() {
	{
		cat "$C_SRC.stamp"
		echo "$CELL $C_ARCH $C_TCNAME $C_IKH $C_EXTRA / $C_OFF ${C_MAKE[*]} ${C_TC[*]}"
	} | sha256sum | cut -c1-16
}

# cell_build TARGETS...: configure once per stamp, make TARGETS, then
# compile the sysfs file once more with W=1 (it must have no warnings; W=1
# for the whole kernel would run kernel-doc on every file and triple the
# build).  The output of every make run is appended to $C_OBJ.all.log; the
# seconds it took to $WC/times.
cell_build() {
	local stamp t0 rc secs
	stamp=$(cell_stamp)
	if [ "$(cat "$C_OBJ.stamp" 2>/dev/null)" != "$stamp" ]; then
		[ "$C_OBJ" = "$C_SRC" ] || rm -rf "$C_OBJ"
		rm -f "$C_OBJ.all.log" "$C_OBJ.stamp"
		if ! cell_configure; then
			echo "# configuration failed:"
			tail -5 "$C_OBJ.config.log" | sed 's/^/#   /'
			return 1
		fi
		echo "$stamp" > "$C_OBJ.stamp"
	fi
	t0=$(date +%s)
	cell_make -j"$E2E_JOBS" KHEADERS="$KHEADERS" "$@" > "$C_OBJ.log" 2>&1
	rc=$?
	if [ "$rc" = 0 ]; then
		cell_make KHEADERS="$KHEADERS" W=1 kernel/kheaders_sysfs.o \
			>> "$C_OBJ.log" 2>&1
		rc=$?
	fi
	secs=$(($(date +%s) - t0))
	cat "$C_OBJ.log" >> "$C_OBJ.all.log"
	echo "$CELL $* ${secs}s" >> "$WC/times"
	echo "# make $CELL $*: $secs s"
	C_SECS=$secs
	[ "$rc" = 0 ] && return 0
	[ "$rc" = 124 ] && echo "#   timed out after $E2E_BUILD_TIMEOUT s"
	grep -E -m12 'error|Error|kheaders:|\*\*\*' "$C_OBJ.log" | sed 's/^/#   /'
	return 1
}

# cell_boot KERNEL INITRD LOG: qemu, TCG unless KH_E2E_ACCEL, bounded.
cell_boot() {
	timeout "$CELL_BOOT_TIMEOUT" "${C_QEMU[@]}" -nographic -no-reboot \
		-accel "${KH_E2E_ACCEL:-tcg}" -kernel "$1" -initrd "$2" \
		-append "console=$C_CONSOLE panic=-1" < /dev/null > "$3" 2>&1
}

# run_cell NAME VER ARCH TOOLCHAIN y|m [intree]: the whole cell.  Set
# C_EXTRA / C_OFF (config symbols to enable / disable) before calling.
run_cell() {
	cell_run_build "$@" || return 0
	E2E_INIT=$C_INITBIN e2e_initrd "$T/initrd" "$C_KO" || not_ok "$CELL: initramfs"
	cell_run_boot "$T/initrd"
	if [ "${C_ORACLE:-0}" = 1 ]; then
		cell_oracle "$C_TREE" "$2"
	fi
}

# cell_run_build NAME VER ARCH TOOLCHAIN y|m [intree]: run_cell up to the
# boot: the trees, the build and the checks of what it made.  Sets C_TREE
# (the corpus tree), C_INITBIN (the static /init for ARCH), C_AR (the
# archive) and C_KO (kheaders.ko, or empty for =y); 1 when the cell cannot
# go on (after saying why).
cell_run_build() {
	local ver=$2 arches
	CELL=$1 C_ARCH=$3 C_TCNAME=$4 C_IKH=$5
	C_EXTRA=${C_EXTRA:-} C_OFF=${C_OFF:-}
	C_TC=() C_KO=
	[ "$4" = llvm16 ] && C_TC=(LLVM=-16)
	cell_arch "$C_ARCH" || { not_ok "$CELL: unknown arch '$C_ARCH'"; return 1; }
	cell_tools "$C_ARCH" "$4" || return 1
	e2e_need_tools "$CELL" || return 1
	mkdir -p "$WC"
	C_TREE=$(cell_tree "$ver") ||
		{ not_ok "$CELL: linux-source-$ver not available (scripts/corpus.sh fetch $ver)"; return 1; }
	arches="x86 arm64 riscv"
	if [ "${6:-}" = intree ]; then
		C_SRC=$WC/src-$ver-intree-$C_ARCH C_OBJ=$C_SRC
	else
		C_SRC=$WC/src-$ver C_OBJ=$WC/$CELL
	fi
	if cell_prepare_src "$C_TREE" "$C_SRC" "$arches"; then
		ok "$CELL: linux $ver copy, integration installed ($(sed -n "s/.*(linux \([^,]*\), '\(.*\)' rules)/\1, \2 rules/p" "$C_SRC.install.log" | head -1))"
	else
		not_ok "$CELL: preparing '$C_SRC' failed"
		return 1
	fi
	C_INITBIN=$(cell_init "$C_ARCH") ||
		{ not_ok "$CELL: cannot build a static /init for $C_ARCH (${C_CROSS}gcc -static)"; return 1; }

	local targets=(vmlinux "$(basename "$C_IMAGE")")
	[ "$C_IKH" = m ] && targets+=(modules)
	if cell_build "${targets[@]}"; then
		ok "$CELL: build ($C_SECS s)"
	else
		not_ok "$CELL: build (log: $C_OBJ.log)"
		return 1
	fi
	C_AR=$C_OBJ/kernel/kheaders_data.tar.xz
	cell_check_build "$C_AR"

	if [ "$C_IKH" = m ]; then
		C_KO=$C_OBJ/kernel/kheaders.ko
		[ -f "$C_KO" ] && ok "$CELL: kernel/kheaders.ko built" ||
			{ not_ok "$CELL: no kernel/kheaders.ko"; return 1; }
		! nm "$C_OBJ/vmlinux" | grep -q ' kernel_headers_data$' &&
			ok "$CELL: the archive is not in vmlinux" ||
			not_ok "$CELL: vmlinux holds kernel_headers_data with IKHEADERS=m"
		extract_same "$CELL: kheaders extract kheaders.ko = archive" "$C_KO" "$C_AR"
	else
		extract_same "$CELL: kheaders extract vmlinux = archive" "$C_OBJ/vmlinux" "$C_AR"
		extract_same "$CELL: kheaders extract $(basename "$C_IMAGE") = archive" \
			"$C_OBJ/$C_IMAGE" "$C_AR"
	fi
}

# cell_run_boot INITRD: boot the cell's kernel with INITRD; the guest must
# reboot, load kheaders.ko (=m) and serve the build's archive.  The console
# is $C_OBJ.boot.log.
cell_run_boot() {
	local rc line
	cell_boot "$C_OBJ/$C_IMAGE" "$1" "$C_OBJ.boot.log"
	rc=$?
	[ "$rc" = 0 ] && ok "$CELL: qemu boot ended by the guest's reboot" ||
		not_ok "$CELL: qemu boot (exit $rc; 124 = timeout after $CELL_BOOT_TIMEOUT s; log $C_OBJ.boot.log)"
	if [ "$C_IKH" = m ]; then
		tr -d '\r' < "$C_OBJ.boot.log" | grep -q '^KH-E2E loaded /kheaders.ko' &&
			ok "$CELL: the guest loaded kheaders.ko" ||
			not_ok "$CELL: kheaders.ko did not load ($(tr -d '\r' < "$C_OBJ.boot.log" | grep -m1 'KH-E2E error'))"
	fi
	line=$(e2e_boot_line "$C_OBJ.boot.log")
	echo "# $CELL: archive $(fsize "$C_AR") bytes, sha256 $(sha256 "$C_AR"), build $C_SECS s"
	echo "$CELL size=$(fsize "$C_AR") guest_sha256=$(field sha256 "$line") build=${C_SECS}s" >> "$WC/results"
	e2e_check_sysfs "$CELL" "$C_OBJ.boot.log" "$C_AR"
}

# cell_check_build ARCHIVE: what the build made, before booting.
cell_check_build() {
	local ar=$1 warn
	if tar -tJf "$ar" > "$T/list" 2>/dev/null &&
	   grep -Eq '^(\./)?include/linux/kconfig\.h$' "$T/list" &&
	   grep -Eq '^(\./)?include/generated/autoconf\.h$' "$T/list" &&
	   grep -Eq "^(\\./)?arch/$C_SRCARCH/include/generated/" "$T/list"; then
		ok "$CELL: archive is a tar.xz with $(wc -l < "$T/list") entries (kconfig.h, autoconf.h, arch/$C_SRCARCH generated)"
	else
		not_ok "$CELL: '$ar' is not a tar.xz with kconfig.h, autoconf.h and arch/$C_SRCARCH/include/generated"
	fi
	grep -Eq '^(saved)?cmd_kernel/kheaders_data.tar.xz := .* build ' \
		"$C_OBJ/kernel/.kheaders_data.tar.xz.cmd" 2>/dev/null &&
		ok "$CELL: archive made by 'kheaders build'" ||
		not_ok "$CELL: kernel/.kheaders_data.tar.xz.cmd lacks the kheaders command"
	if [ "$(cat "$C_SRC/kernel/.kheaders-stock/generation" 2>/dev/null)" = lists ]; then
		grep -Eq '^(saved)?cmd_kernel/kheaders_data.tar.xz := .* --srclist kernel/kheaders-srclist --objlist kernel/kheaders-objlist' \
			"$C_OBJ/kernel/.kheaders_data.tar.xz.cmd" &&
			ok "$CELL: archive made from the kernel's own kheaders-srclist/objlist" ||
			not_ok "$CELL: the kernel's header lists were not passed to kheaders build"
	fi
	grep -q 'kheaders.* embed --format asm' "$C_OBJ/kernel/.kheaders_data.S.cmd" 2>/dev/null &&
		[ "$(od -An -c -N4 "$C_OBJ/kernel/kheaders_data.o" | tr -d ' ')" = '177ELF' ] &&
		ok "$CELL: kheaders_data.o assembled from 'kheaders embed --format asm', ELF" ||
		not_ok "$CELL: kheaders_data.o not assembled from kheaders' .S, or not ELF"
	if grep -Eq '^ *CC( \[M\])? +kernel/kheaders_sysfs\.o' "$C_OBJ.all.log"; then
		warn=$(grep -c 'kheaders_sysfs\.c.*warning' "$C_OBJ.all.log")
		grep -q -- '-Wextra' "$C_OBJ/kernel/.kheaders_sysfs.o.cmd" && [ "$warn" = 0 ] &&
			ok "$CELL: kheaders_sysfs.c compiled with W=1 (-Wextra), no warnings" ||
			{ not_ok "$CELL: kheaders_sysfs.c: $warn warnings with W=1"; grep -A3 'kheaders_sysfs\.c.*warning' "$C_OBJ.all.log" | head -8 | sed 's/^/#   /'; }
	else
		not_ok "$CELL: no compile of kernel/kheaders_sysfs.o in this tree's logs"
	fi
}

# cell_oracle: --strip compat is content-equal to this generation's stock
# gen_kheaders.sh, run from the corpus tree (never copied) on the cell's own
# trees: a scratch copy of the object tree's headers is its working
# directory, so nothing is written into the build.  6.17+ scripts take the
# kernel's lists; older ones walk the trees.  The stock scripts archive
# include/generated/utsversion.h when it exists, kheaders never: the one
# allowed difference.
cell_oracle() {
	local tree=$1 ts='2024-01-01 00:00:00 UTC' s=$T/oracle st a src
	# Kbuild writes $(srctree) into the lists with symlinks resolved.
	src=$(cd "$C_SRC" && pwd -P)
	local kh=(--srctree "$src" --objtree "$C_OBJ" --arch "$C_SRCARCH")
	rm -rf "$s"
	mkdir -p "$s/kernel" "$s/arch/$C_SRCARCH"
	cp -a "$C_OBJ/include" "$s/"
	cp -a "$C_OBJ/arch/$C_SRCARCH/include" "$s/arch/$C_SRCARCH/"
	if [ -f "$C_OBJ/kernel/kheaders-srclist" ]; then
		cp "$C_OBJ/kernel/kheaders-srclist" "$C_OBJ/kernel/kheaders-objlist" "$s/kernel/"
		(cd "$s" && srctree=$src TAR=tar XZ=xz \
			sh "$tree/kernel/gen_kheaders.sh" kernel/stock.tar.xz \
			kernel/kheaders-srclist kernel/kheaders-objlist "$ts") \
			> "$s/stock.log" 2>&1
		st=$?
		kh+=(--srclist "$C_OBJ/kernel/kheaders-srclist"
		     --objlist "$C_OBJ/kernel/kheaders-objlist")
	else
		(cd "$s" && building_out_of_srctree=1 srctree=$src \
			SRCARCH=$C_SRCARCH KBUILD_BUILD_TIMESTAMP=$ts XZ=xz \
			CONFIG_SHELL=sh sh "$tree/kernel/gen_kheaders.sh" \
			kernel/stock.tar.xz) > "$s/stock.log" 2>&1
		st=$?
	fi
	if [ "$st" != 0 ] || [ ! -s "$s/kernel/stock.tar.xz" ]; then
		not_ok "$CELL: the stock gen_kheaders.sh of linux $2 did not run (oracle)"
		sed 's/^/#   /' "$s/stock.log" | tail -5
		return
	fi
	(cd "$C_OBJ" && "$KHEADERS" build -q "${kh[@]}" --timestamp "$ts" \
		--strip compat --no-cache -o "$s/compat.tar.xz") > "$s/kh.log" 2>&1 ||
		{ not_ok "$CELL: kheaders build --strip compat failed"; sed 's/^/#   /' "$s/kh.log" | head -5; return; }
	mkdir -p "$s/u/stock" "$s/u/compat"
	tar -xJf "$s/kernel/stock.tar.xz" -C "$s/u/stock"
	tar -xJf "$s/compat.tar.xz" -C "$s/u/compat"
	rm -f "$s/u/stock/include/generated/utsversion.h"
	for a in stock compat; do
		(cd "$s/u/$a" && find . -mindepth 1 | LC_ALL=C sort) > "$s/$a.list"
	done
	if diff -u "$s/stock.list" "$s/compat.list" > "$s/list.diff" &&
	   diff -r --no-dereference "$s/u/stock" "$s/u/compat" > "$s/u.diff" 2>&1; then
		ok "$CELL: --strip compat = the stock gen_kheaders.sh of linux $2: $(grep -c '\.h$' "$s/compat.list") headers, same names and bytes"
	else
		not_ok "$CELL: --strip compat differs from the stock gen_kheaders.sh of linux $2"
		head -8 "$s/list.diff" "$s/u.diff" | sed 's/^/#   /'
	fi
	rm -rf "$s"
}
