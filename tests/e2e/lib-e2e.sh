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

# What booting the test kernel needs, on top of tinyconfig; FUTEX and
# FILE_LOCKING for the static `kheaders prepare` the guest runs (threads,
# the cache root's lock), as on any distribution kernel.
E2E_BOOT_OPTS="64BIT PRINTK TTY SERIAL_8250 SERIAL_8250_CONSOLE BLK_DEV_INITRD BINFMT_ELF SYSFS PROC_FS"
E2E_BOOT_OPTS="$E2E_BOOT_OPTS FUTEX FILE_LOCKING"

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
		# MODULE_UNLOAD: prepare unloads the module it loaded.
		opts+=(-e MODULES -e MODULE_UNLOAD -m IKHEADERS)
	else
		opts+=(-e IKHEADERS)
	fi
	"$src/scripts/config" --file "$obj/.config" "${opts[@]}" || return 1
	"${mk[@]}" olddefconfig >> "$obj.config.log" 2>&1 || return 1
	for o in $E2E_BOOT_OPTS $([ "$ikh" = m ] && echo MODULE_UNLOAD); do
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
	# Configured once per set of options: a tree cached by an older
	# checkout with other options is configured again.
	local sig="$E2E_BOOT_OPTS ikh=$ikh"
	if [ "$(cat "$obj/.kh-e2e-configured" 2>/dev/null)" != "$sig" ]; then
		e2e_configure "$src" "$obj" "$ikh" || return 1
		echo "$sig" > "$obj/.kh-e2e-configured"
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
# module as /kheaders.ko; with E2E_GUEST_TOOL set, that static kheaders as
# /kheaders, which kh-init runs as `kheaders prepare`).
e2e_initrd() {
	local out=$1 mod=${2:-} st
	st=$(mktemp -d "$T/initrd.XXXXXX")
	cp "$E2E_INIT" "$st/init"
	[ -z "$mod" ] || cp "$mod" "$st/kheaders.ko"
	[ -z "${E2E_GUEST_TOOL:-}" ] || cp "$E2E_GUEST_TOOL" "$st/kheaders"
	(cd "$st" && ls | cpio --quiet -o -H newc -R 0:0) > "$out"
}

# e2e_static_tool: a statically linked kheaders for the guest (scripts/
# static-kheaders.sh, from the objects of this build), path on stdout.
e2e_static_tool() {
	local out=${B:-$TOP/build}/e2e/kheaders-static
	if [ ! -x "$out" ] || [ "$out" -ot "$KHEADERS" ]; then
		mkdir -p "$(dirname "$out")"
		"$TOP/scripts/static-kheaders.sh" "${B:-$TOP/build}" "$out" > /dev/null ||
			return 1
	fi
	echo "$out"
}

# e2e_boot KERNEL INITRD LOG: boot under qemu (bounded by a timeout); the
# console goes to LOG.  Fails when qemu fails or times out.  512 MiB: the
# initramfs with a static kheaders (40 MB) and the headers it unpacks.
e2e_boot() {
	local kernel=$1 initrd=$2 log=$3
	timeout "$E2E_BOOT_TIMEOUT" qemu-system-x86_64 -nographic -no-reboot \
		-accel "${KH_E2E_ACCEL:-tcg}" -m 512 -kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1" < /dev/null > "$log" 2>&1
}

# e2e_check_prepare NAME LOG ARCHIVE y|m: what `kheaders prepare` did in the
# guest (kh-init's "KH-E2E prepare" lines): the first call unpacked the
# archive the kernel serves into /var/cache/kheaders/<its sha256>, the second
# found the same directory, --print-flags names it; =m: prepare loaded the
# module and unloaded it again.
e2e_check_prepare() {
	local name=$1 log=$2 ar=$3 ikh=$4 dir l1 l2 l3 p1
	dir=/var/cache/kheaders/$(sha256 "$ar")
	l1=$(tr -d '\r' < "$log" | grep -m1 '^KH-E2E prepare call=1 ')
	l2=$(tr -d '\r' < "$log" | grep -m1 '^KH-E2E prepare call=2 ')
	l3=$(tr -d '\r' < "$log" | grep -m1 '^KH-E2E prepare call=3 ')
	p1=$(tr -d '\r' < "$log" | grep -m1 '^KH-E2E prepared call=1 ')
	echo "# guest: $l1"
	echo "# guest: $l2"
	echo "# guest: $p1"
	echo "# guest: ${l3:0:400}"
	[ "$(field exit "$l1")" = 0 ] && [ "$(field dir "$l1")" = "$dir" ] &&
		ok "$name: prepare in the guest unpacked the served archive into $dir" ||
		{ not_ok "$name: prepare in the guest (want exit=0 dir=$dir)"
		  tr -d '\r' < "$log" | grep -i 'kheaders\|KH-E2E' | head -8 | sed 's/^/#   /'; }
	[ "$(field exit "$l2")" = 0 ] && [ "$(field dir "$l2")" = "$dir" ] &&
		ok "$name: a second prepare in the guest gives the same directory" ||
		not_ok "$name: second prepare in the guest"
	local from=sysfs
	[ "$ikh" = y ] || from=module
	tr -d '\r' < "$log" | grep -q "^kheaders: '.*' ($from, sha256 [0-9a-f]*): unpacked into '$dir'$" &&
		tr -d '\r' < "$log" | grep -q "^kheaders: '.*' ($from, sha256 [0-9a-f]*): using '$dir'$" &&
		ok "$name: the archive came from the $from; the first call unpacked, the second used the cache" ||
		not_ok "$name: prepare -v did not say '($from, ...): unpacked into', then 'using'"
	[ "$(field kconfig.h "$p1")" = yes ] && [ "$(field autoconf.h "$p1")" = yes ] &&
		ok "$name: the prepared tree has include/linux/kconfig.h and generated/autoconf.h" ||
		not_ok "$name: the prepared tree lacks kconfig.h or autoconf.h"
	grep -qF -- "-include $dir/include/linux/kconfig.h" <<<"$l3" &&
		grep -qF -- "-I$dir/arch/x86/include/generated" <<<"$l3" &&
		[ "$(field exit "$l3")" = 0 ] &&
		ok "$name: --print-flags in the guest names the prepared tree" ||
		not_ok "$name: --print-flags in the guest"
	if [ "$ikh" = m ]; then
		tr -d '\r' < "$log" | grep -q 'loaded the kheaders module and unloaded it again' &&
			[ "$(field sysfs "$p1")" = absent ] &&
			ok "$name: prepare loaded the module and unloaded it again" ||
			not_ok "$name: prepare did not load and unload the module (sysfs $(field sysfs "$p1"))"
	fi
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

# e2e_check_sysfs LABEL BOOTLOG ARCHIVE: the guest's KH-E2E line says it
# read ARCHIVE from /sys/kernel/kheaders.tar.xz (size, st_size, sha256) and
# that reads at and past the end are bounded.
e2e_check_sysfs() {
	local label=$1 log=$2 ar=$3 line
	line=$(e2e_boot_line "$log")
	echo "# $label: booted kernel says: ${line:-nothing}"
	if [ -z "$line" ]; then
		not_ok "$label: /init printed no KH-E2E line"
		tr -d '\r' < "$log" | tail -15 | sed 's/^/#   /'
		return
	fi
	[ "$(field size "$line")" = "$(fsize "$ar")" ] &&
		[ "$(field stat "$line")" = "$(fsize "$ar")" ] &&
		ok "$label: size read from sysfs = archive size" ||
		not_ok "$label: sysfs size $(field size "$line") (stat $(field stat "$line")) != $(fsize "$ar")"
	[ "$(field sha256 "$line")" = "$(sha256 "$ar")" ] &&
		ok "$label: sha256 read from sysfs = archive sha256" ||
		not_ok "$label: sysfs sha256 differs from $(basename "$ar")"
	[ "$(field bounds "$line")" = ok ] &&
		ok "$label: reads at and past the end are bounded" ||
		not_ok "$label: reads at or past the end not bounded"
}

# e2e_check_uapi NAME LOG ARCHIVE: `kheaders uapi --from auto` in the guest
# (kh-init's "KH-E2E uapi" line: the tree's digest, every path and SHA-256)
# installed from what the kernel serves the same bytes as `kheaders uapi
# --from ARCHIVE` on the host (digest by the same kh-init); that ARCHIVE
# gives the C tokens of the tree's own `make headers_install` is
# tests/corpus/t_uapi_archive.sh's check.
e2e_check_uapi() {
	local name=$1 log=$2 ar=$3 line out host
	line=$(tr -d '\r' < "$log" | grep -m1 '^KH-E2E uapi exit=')
	echo "# $name: guest uapi: ${line:-nothing}"
	if [ -z "$line" ]; then
		not_ok "$name: the guest printed no KH-E2E uapi line"
		return
	fi
	[ "$(field exit "$line")" = 0 ] &&
		ok "$name: kheaders uapi --from auto in the guest ($(field files "$line") headers)" ||
		not_ok "$name: kheaders uapi --from auto in the guest exited $(field exit "$line")"
	out=$T/uapi.$$
	mkdir -m 0700 "$out.cache"
	if ! "$KHEADERS" uapi --from "$ar" --cache-dir "$out.cache" -o "$out" \
		> "$T/.out" 2>&1; then
		not_ok "$name: kheaders uapi --from the archive on the host"
		sed 's/^/#   /' "$T/.out" | head -5
		return
	fi
	host=$("$E2E_INIT" --tree "$out/include")
	[ "$(field digest "$host")" = "$(field digest "$line")" ] &&
		ok "$name: the guest's uapi tree = the host's from the same archive" ||
		not_ok "$name: the guest's uapi tree differs from the host's ($host)"
}

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
