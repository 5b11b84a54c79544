# SPDX-License-Identifier: GPL-2.0
# Helpers for the end-to-end tests (tests/e2e/t_*.sh): a copy of the corpus
# kernel tree with kbuild/install-into-tree applied, kernel builds of the
# test configuration (tinyconfig plus what booting needs), and qemu boots
# with the kh-init initramfs.  Sourced after tests/lib.sh.
#
# Everything lives under $W (KH_E2E_DIR, default the kheaders cache dir),
# never in the repository and never in the corpus.  Built trees are reused
# while the corpus and the kbuild files are unchanged: make then only does
# what is out of date.  KH_E2E_FRESH=1 starts from nothing.

W=${KH_E2E_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kheaders/e2e}
E2E_JOBS=${KH_E2E_JOBS:-2}
E2E_INIT=${KH_E2E_INIT:-${B:-$TOP/build}/e2e/kh-init}
E2E_BUILD_TIMEOUT=${KH_E2E_BUILD_TIMEOUT:-1800}
E2E_BOOT_TIMEOUT=${KH_E2E_BOOT_TIMEOUT:-180}

# One fixed identity for every build: the archive and vmlinux must not
# depend on the clock, the user or the host.
export KBUILD_BUILD_TIMESTAMP='2024-01-01 00:00:00 UTC'
export KBUILD_BUILD_USER=kheaders KBUILD_BUILD_HOST=e2e KBUILD_BUILD_VERSION=1
export LC_ALL=C TZ=UTC

# What booting the test kernel needs, on top of tinyconfig.
E2E_BOOT_OPTS="64BIT PRINTK TTY SERIAL_8250 SERIAL_8250_CONSOLE BLK_DEV_INITRD BINFMT_ELF SYSFS PROC_FS"

# Source files not copied from the corpus: other architectures' code and
# big driver trees tinyconfig never builds.  Kconfig and Makefiles stay, so
# kconfig and `make mrproper` see the whole tree.
e2e_copy_excludes() {
	local a
	for a in "$KH_SRCTREE"/arch/*/; do
		a=$(basename "$a")
		[ "$a" = x86 ] && continue
		printf '%s\n' "--exclude=./arch/$a/*.[chS]" "--exclude=./arch/$a/*.dts*"
	done
	printf '%s\n' --exclude='./Documentation/*.rst' \
		--exclude='./Documentation/*.txt' --exclude='./Documentation/*.yaml' \
		--exclude='./Documentation/*.svg' --exclude='./drivers/gpu/*.[chS]' \
		--exclude='./drivers/net/*.[chS]' --exclude='./drivers/staging/*.[chS]' \
		--exclude='./drivers/media/*.[chS]' --exclude='./sound/*.[chS]' \
		--exclude=./.kh-complete
}

# e2e_stamp: what a prepared tree depends on.
e2e_stamp() {
	{
		echo "$KH_SRCTREE"
		stat -c %Y "$KH_SRCTREE/.kh-complete"
		cat "$TOP/Kconfig.snippet" "$TOP/kbuild/Makefile.kheaders" \
			"$TOP/kbuild/kheaders.c" "$TOP/kbuild/install-into-tree"
	} | sha256sum | cut -c1-16
}

# e2e_setup: corpus present, work dir consistent with this checkout.
# Returns 1 (after saying why) when the e2e tests cannot run at all.
e2e_setup() {
	local stamp
	corpus_env || { echo "# corpus missing: run scripts/corpus.sh fetch"; return 1; }
	stamp=$(e2e_stamp)
	if [ "${KH_E2E_FRESH:-0}" = 1 ] || [ "$(cat "$W/stamp" 2>/dev/null)" != "$stamp" ]; then
		rm -rf "$W"
		mkdir -p "$W"
		echo "$stamp" > "$W/stamp"
	fi
	[ -x "$E2E_INIT" ] || { echo "# '$E2E_INIT' missing: run make e2e"; return 1; }
	return 0
}

# kh_has SUBCOMMAND: the kheaders binary implements it (not a placeholder).
kh_has() {
	! "$KHEADERS" "$1" --help 2>&1 | grep -q 'is not available in this build'
}

# e2e_prepare_src DIR: DIR is a pristine copy of the corpus with the
# integration installed.  Copies only once per stamp.
e2e_prepare_src() {
	local dir=$1 ex
	[ -f "$dir/.kh-e2e-ready" ] && return 0
	rm -rf "$dir"
	mkdir -p "$dir"
	mapfile -t ex < <(e2e_copy_excludes)
	tar -C "$KH_SRCTREE" -cf - "${ex[@]}" . | tar -C "$dir" -xf - || return 1
	make -C "$dir" -s mrproper || return 1
	"$TOP/kbuild/install-into-tree" "$dir" > "$dir.install.log" || return 1
	touch "$dir/.kh-e2e-ready"
}

# e2e_configure SRC OBJ y|m: the test configuration in OBJ (OBJ = SRC for an
# in-tree build), with IKHEADERS=y, or =m plus MODULES=y.
e2e_configure() {
	local src=$1 obj=$2 ikh=$3 o opts=() want
	local mk=(make -C "$src" ARCH=x86_64 -s)
	[ "$obj" = "$src" ] || mk+=(O="$obj")
	mkdir -p "$obj"
	"${mk[@]}" tinyconfig > "$obj.config.log" 2>&1 || return 1
	for o in $E2E_BOOT_OPTS; do
		opts+=(-e "$o")
	done
	if [ "$ikh" = m ]; then
		opts+=(-e MODULES -m IKHEADERS)
	else
		opts+=(-e IKHEADERS)
	fi
	"$src/scripts/config" --file "$obj/.config" "${opts[@]}" || return 1
	"${mk[@]}" olddefconfig >> "$obj.config.log" 2>&1 || return 1
	for o in $E2E_BOOT_OPTS; do
		grep -qx "CONFIG_$o=y" "$obj/.config" ||
			{ echo "# CONFIG_$o did not stay =y"; return 1; }
	done
	want="CONFIG_IKHEADERS=$ikh"
	grep -qx "$want" "$obj/.config" || { echo "# $want did not stick"; return 1; }
}

# e2e_build SRC OBJ y|m TARGET...: configure OBJ once, then make TARGETs.
# The build log is OBJ.log; the seconds it took are appended to $W/times.
e2e_build() {
	local src=$1 obj=$2 ikh=$3 t0 rc
	shift 3
	if [ ! -f "$obj/.kh-e2e-configured" ]; then
		e2e_configure "$src" "$obj" "$ikh" || return 1
		touch "$obj/.kh-e2e-configured"
	fi
	t0=$(date +%s)
	e2e_make "$src" "$obj" "$@" > "$obj.log" 2>&1
	rc=$?
	echo "$(basename "$obj") $* $(($(date +%s) - t0))s" >> "$W/times"
	echo "# make $(basename "$obj") $*: $(($(date +%s) - t0)) s"
	[ "$rc" = 0 ] && return 0
	[ "$rc" = 124 ] && echo "#   timed out after $E2E_BUILD_TIMEOUT s"
	grep -E -m12 'error|Error|kheaders:|\*\*\*' "$obj.log" | sed 's/^/#   /'
	return 1
}

# e2e_make SRC OBJ ARGS...: one make run in the test environment.
e2e_make() {
	local src=$1 obj=$2
	shift 2
	if [ "$obj" = "$src" ]; then
		timeout "$E2E_BUILD_TIMEOUT" make -C "$src" ARCH=x86_64 \
			-j"$E2E_JOBS" KHEADERS="$KHEADERS" "$@"
	else
		timeout "$E2E_BUILD_TIMEOUT" make -C "$src" O="$obj" ARCH=x86_64 \
			-j"$E2E_JOBS" KHEADERS="$KHEADERS" "$@"
	fi
}

# e2e_initrd OUT [MODULE]: newc initramfs with kh-init as /init (and the
# module as /kheaders.ko).
e2e_initrd() {
	local out=$1 mod=${2:-} st
	st=$(mktemp -d "$T/initrd.XXXXXX")
	cp "$E2E_INIT" "$st/init"
	[ -z "$mod" ] || cp "$mod" "$st/kheaders.ko"
	(cd "$st" && ls | cpio --quiet -o -H newc -R 0:0) > "$out"
}

# e2e_boot KERNEL INITRD LOG: boot under qemu (bounded by a timeout); the
# console goes to LOG.  Fails when qemu fails or times out.
e2e_boot() {
	local kernel=$1 initrd=$2 log=$3
	timeout "$E2E_BOOT_TIMEOUT" qemu-system-x86_64 -nographic -no-reboot \
		-accel "${KH_E2E_ACCEL:-tcg}" -m 256 -kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1" < /dev/null > "$log" 2>&1
}

# e2e_boot_line LOG: the "KH-E2E size=..." line kh-init printed.
e2e_boot_line() {
	tr -d '\r' < "$1" | grep -m1 '^KH-E2E size='
}

# field NAME LINE: the value of NAME=VALUE in LINE.
field() {
	sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<" $2"
}

sha256() { sha256sum < "$1" | cut -d' ' -f1; }
fsize() { stat -c %s "$1"; }

# extract_same NAME INPUT ARCHIVE: `kheaders extract INPUT` gives ARCHIVE.
extract_same() {
	local name=$1 in=$2 want=$3 out
	out=$T/extract.$$.$RANDOM
	if ! kh_has extract; then
		not_ok "$name (needs 'kheaders extract', not in this binary yet)"
		return
	fi
	if ! "$KHEADERS" extract "$in" -o "$out" > "$T/.out" 2>&1; then
		not_ok "$name (kheaders extract failed)"
		sed 's/^/#   /' "$T/.out" | head -5
	elif ! cmp -s "$out" "$want"; then
		not_ok "$name (extracted $(fsize "$out") bytes differ from $(basename "$want"))"
	else
		ok "$name"
	fi
	rm -f "$out"
}

# e2e_need_tools NAME: the binary can build and embed, or say why not.
e2e_need_tools() {
	local c
	for c in build embed; do
		kh_has "$c" && continue
		not_ok "$1 (needs 'kheaders $c', not in this binary yet)"
		return 1
	done
}
