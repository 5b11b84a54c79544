#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kheaders symvers against modpost itself: tinyconfig kernels with MODULES
# and MODVERSIONS and three real exporting modules (crypto.ko: plain, GPL
# and CRYPTO_INTERNAL-namespaced exports; firmware_class.ko; and vmlinux's
# own FIRMWARE_LOADER_PRIVATE exports from FW_LOADER_USER_HELPER=y) are
# built from the corpus trees, and `kheaders symvers` of each vmlinux (and
# of the x86 bzImage) must equal that build's vmlinux lines of
# Module.symvers (and of the raw arm64 and RISC-V Image); with the build's modules
# (loose, compressed, and as an installed /lib/modules/R tree) the whole
# file; and a MODVERSIONS=n kernel's zero CRCs.  All sorted.
#
# Cells: 6.1 x86_64, 6.12 x86_64, 6.12 x86_64 with Clang ThinLTO, 7.2
# x86_64, 7.2 arm64, 7.2 riscv64 (KH_SYMVERS_CELLS="7.2-x86_64 ..." picks
# some).  Each build lives in
# ${XDG_CACHE_HOME:-~/.cache}/kheaders/symvers-cells/VER-ARCH (make -C TREE
# O=DIR: nothing is written into the corpus) and is reused while its stamp
# (the configuration asked for) is unchanged; a cold build takes 3-4 minutes
# of two CPUs, at nice 10, one at a time (far more on a shared machine).
# Builds are made only with KH_SYMVERS_BUILD=1 (make check-corpus compares
# the cached builds and skips the cells without one, naming this
# variable); KH_SYMVERS_NOMV=0 leaves out the last build, 7.2 x86_64
# without MODVERSIONS.
source "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1

CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/kheaders
CELLS_DIR=${KH_SYMVERS_CELLS_DIR:-$CACHE/symvers-cells}
CELLS=${KH_SYMVERS_CELLS:-"7.2-x86_64 7.2-arm64 7.2-riscv64 6.12-x86_64 6.1-x86_64 6.12-x86_64-lto"}
JOBS=${KH_SYMVERS_JOBS:-2}
export KBUILD_BUILD_TIMESTAMP='2024-01-01 00:00:00 UTC'
export KBUILD_BUILD_USER=kheaders KBUILD_BUILD_HOST=symvers KBUILD_BUILD_VERSION=1
export LC_ALL=C TZ=UTC

# What the cells add to tinyconfig: modules with versions, and exports of
# every kind in vmlinux and in modules.
OPTS_E="MODULES MODVERSIONS MODULE_UNLOAD FW_LOADER_USER_HELPER"
OPTS_M="CRYPTO FW_LOADER"

# cell_vars CELL: VER, ARCH, CROSS, LLVM, the image target and the tree.
# A cell VER-ARCH-lto is built with Clang and ThinLTO (LLVM=1).
cell_vars() {
	VER=${1%%-*} ARCH=${1#*-} CROSS= IMAGE_TARGET= LLVM=
	case $ARCH in
	*-lto) ARCH=${ARCH%-lto} LLVM=1 ;;
	esac
	case $ARCH in
	x86_64) IMAGE_TARGET=bzImage ;;
	arm64) CROSS=aarch64-linux-gnu- ;;
	riscv64) ARCH=riscv CROSS=riscv64-linux-gnu- ;;
	esac
	SRC=$CACHE/linux-source-$VER
}

cell_make() {
	nice -n 10 make -C "$SRC" O="$OBJ" ARCH="$ARCH" ${CROSS:+CROSS_COMPILE=$CROSS} \
		${LLVM:+LLVM=1} "$@"
}

# cell_ready CELL OBJ [n]: OBJ holds a finished build of this configuration
# (its stamp: what was asked for).
cell_stamp() { echo "$SRC $ARCH $CROSS $OPTS_E $OPTS_M ${3:-} $IMAGE_TARGET${LLVM:+ LLVM}"; }
cell_ready() {
	[ "$(cat "$OBJ/.kh-symvers-built" 2>/dev/null)" = "$(cell_stamp "$@")" ]
}

# cell_build CELL OBJ [n]: configure and build once (n: no MODVERSIONS),
# under the lock that keeps kernel builds one at a time; 0 when OBJ then
# holds a finished build of this configuration.
cell_build() {
	local ret
	cell_ready "$@" && return 0
	[ "${KH_SYMVERS_BUILD:-0}" = 1 ] || return 1
	flock 8
	cell_make_all "$@"
	ret=$?
	flock -u 8
	return $ret
}

cell_make_all() {
	local stamp opts o
	stamp=$(cell_stamp "$@")
	cell_ready "$@" && return 0
	mkdir -p "$OBJ"
	rm -f "$OBJ/.kh-symvers-built"
	opts=()
	for o in $OPTS_E; do opts+=(-e "$o"); done
	for o in $OPTS_M; do opts+=(-m "$o"); done
	[ -z "${3:-}" ] || opts+=(-d MODVERSIONS)
	[ "$ARCH" != x86_64 ] || opts+=(-e 64BIT)
	[ -z "$LLVM" ] || opts+=(-d LTO_NONE -e LTO_CLANG_THIN)
	{
		cell_make tinyconfig &&
		"$SRC/scripts/config" --file "$OBJ/.config" "${opts[@]}" &&
		cell_make olddefconfig &&
		cell_make -j"$JOBS" vmlinux modules $IMAGE_TARGET &&
		cell_make INSTALL_MOD_PATH="$OBJ/mi" DEPMOD=true modules_install
	} > "$OBJ.log" 2>&1 || return 1
	echo "$stamp" > "$OBJ/.kh-symvers-built"
}

# sorted_cmp NAME WANT GOT: equal once sorted; the first differences shown.
sorted_cmp() {
	LC_ALL=C sort "$2" > "$T/want.s"
	LC_ALL=C sort "$3" > "$T/got.s"
	if cmp -s "$T/want.s" "$T/got.s" && [ -s "$T/want.s" ]; then
		ok "$1 ($(wc -l < "$T/want.s") lines)"
	else
		not_ok "$1 (want $(wc -l < "$T/want.s") lines, got $(wc -l < "$T/got.s"))"
		diff "$T/want.s" "$T/got.s" | head -10 | sed 's/^/#   /'
	fi
}

# check_cell CELL: every comparison on one build.
check_cell() {
	local cell=$1 mods rel ko n
	OBJ=$CELLS_DIR/$cell
	grep -P '\tvmlinux\t' "$OBJ/Module.symvers" > vmlinux.want
	"$KHEADERS" symvers "$OBJ/vmlinux" -o vmlinux.got 2> err ||
		sed 's/^/#   /' err
	sorted_cmp "$cell: vmlinux = its Module.symvers' vmlinux lines" vmlinux.want vmlinux.got
	grep -q 'EXPORT_SYMBOL_GPL	FIRMWARE_LOADER_PRIVATE$' vmlinux.want &&
		grep -qv '^0x00000000' vmlinux.want &&
		ok "$cell: vmlinux has namespaced GPL exports and CRCs" ||
		not_ok "$cell: vmlinux has namespaced GPL exports and CRCs"
	if [ -n "$IMAGE_TARGET" ]; then
		"$KHEADERS" symvers "$OBJ/arch/x86/boot/bzImage" > bz.got 2> err ||
			sed 's/^/#   /' err
		sorted_cmp "$cell: bzImage = vmlinux lines" vmlinux.want bz.got
	fi
	if [ -n "$CROSS" ]; then
		# The raw Image, made as arch/*/boot/Makefile makes it: the
		# tables found by their layout (and RISC-V's base address).
		"${CROSS}objcopy" -O binary -R .note -R .note.gnu.build-id \
			-R .comment -S "$OBJ/vmlinux" Image || return
		gzip -nc Image > Image.gz
		for f in Image Image.gz; do
			"$KHEADERS" symvers $f > raw.got 2> err ||
				sed 's/^/#   /' err
			sorted_cmp "$cell: raw $f = vmlinux lines" vmlinux.want raw.got
		done
	fi
	mods=$(cd "$OBJ" && find . -path ./mi -prune -o -name '*.ko' -print |
	       LC_ALL=C sort | sed 's|^\./||')
	n=$(echo "$mods" | wc -w)
	(cd "$OBJ" && "$KHEADERS" symvers vmlinux $mods) > all.got 2> err ||
		sed 's/^/#   /' err
	# A loose .ko is named by its file name (its place in the build
	# tree is not recorded in it): modpost's module column, basename'd.
	awk -F'\t' -v OFS='\t' '{ n = split($3, p, "/"); $3 = p[n]; print }' \
		"$OBJ/Module.symvers" > all.want
	sorted_cmp "$cell: vmlinux + $n loose modules = the whole Module.symvers (module names basename'd)" \
		all.want all.got
	grep -q 'EXPORT_SYMBOL_GPL	CRYPTO_INTERNAL$' "$OBJ/Module.symvers" &&
		ok "$cell: a module's namespaced GPL export is in the file" ||
		not_ok "$cell: a module's namespaced GPL export is in the file"
	rel=$(ls "$OBJ/mi/lib/modules")
	"$KHEADERS" symvers "$OBJ/vmlinux" "$OBJ/mi/lib/modules/$rel" > tree.got 2> err ||
		sed 's/^/#   /' err
	sorted_cmp "$cell: vmlinux + /lib/modules/$rel = the whole file" \
		"$OBJ/Module.symvers" tree.got
	rm -rf z
	mkdir -p z/lib/modules/$rel
	cp -a "$OBJ/mi/lib/modules/$rel/kernel" z/lib/modules/$rel/
	for ko in $(cd z/lib/modules/$rel && find kernel -name '*.ko'); do
		case $((RANDOM % 3)) in
		0) xz --check=crc32 z/lib/modules/$rel/$ko ;;
		1) gzip -n z/lib/modules/$rel/$ko ;;
		2) zstd -q --rm z/lib/modules/$rel/$ko ;;
		esac
	done
	"$KHEADERS" symvers "$OBJ/vmlinux" z/lib/modules/$rel > ztree.got 2> err ||
		sed 's/^/#   /' err
	sorted_cmp "$cell: compressed modules (.ko.xz/.gz/.zst) = the whole file" \
		"$OBJ/Module.symvers" ztree.got
}

# check_nomodversions CELL: the same kernel without MODVERSIONS.
check_nomodversions() {
	OBJ=$CELLS_DIR/$1-nomodversions
	if ! cell_build "$1" "$OBJ" n; then
		[ "${KH_SYMVERS_BUILD:-0}" = 1 ] &&
			not_ok "$1 without MODVERSIONS: kernel build failed (see $OBJ.log)" ||
			skip "$1 without MODVERSIONS: no cached build (KH_SYMVERS_BUILD=1 makes it)"
		return
	fi
	(cd "$OBJ" && "$KHEADERS" symvers vmlinux mi/lib/modules/*) \
		> nomv.got 2> err || sed 's/^/#   /' err
	sorted_cmp "$1 without MODVERSIONS: CRCs 0x00000000 as modpost writes" \
		"$OBJ/Module.symvers" nomv.got
	! grep -qv '^0x00000000	' "$OBJ/Module.symvers" &&
		ok "$1 without MODVERSIONS: modpost's own file has no CRC" ||
		not_ok "$1 without MODVERSIONS: modpost's own file has no CRC"
}

mkdir -p "$CELLS_DIR"
exec 8>"$CELLS_DIR/.build-lock"
for cell in $CELLS; do
	cell_vars "$cell"
	OBJ=$CELLS_DIR/$cell
	if [ ! -f "$SRC/.kh-complete" ]; then
		skip "$cell: corpus tree linux-source-$VER missing (scripts/corpus.sh fetch $VER)"
		continue
	fi
	if [ -n "$LLVM" ] && ! command -v ld.lld >/dev/null; then
		skip "$cell: clang and ld.lld missing (Debian packages clang, lld)"
		continue
	fi
	if [ -n "$CROSS" ] && ! command -v "${CROSS}gcc" >/dev/null; then
		skip "$cell: ${CROSS}gcc missing (Debian package gcc-${CROSS%-})"
		continue
	fi
	t0=$(date +%s)
	if ! cell_build "$cell" "$OBJ"; then
		if [ "${KH_SYMVERS_BUILD:-0}" = 1 ]; then
			not_ok "$cell: kernel build failed (see $OBJ.log)"
			tail -5 "$OBJ.log" | sed 's/^/#   /'
		else
			skip "$cell: no cached build in $OBJ (KH_SYMVERS_BUILD=1 makes it, 3-4 min of 2 CPUs)"
		fi
		continue
	fi
	echo "# $cell: build ready in $(($(date +%s) - t0)) s"
	if [ -n "$LLVM" ] && ! grep -q '^CONFIG_LTO_CLANG_THIN=y' "$OBJ/.config"; then
		not_ok "$cell: the configuration has no ThinLTO (CONFIG_LTO_CLANG_THIN)"
		continue
	fi
	[ "${KH_SYMVERS_BUILD_ONLY:-0}" = 1 ] && continue
	check_cell "$cell"
done

# Last, being the least informative build: 7.2 x86_64 without MODVERSIONS.
case " $CELLS " in
*" 7.2-x86_64 "*)
	if [ "${KH_SYMVERS_NOMV:-1}" = 1 ] && [ "${KH_SYMVERS_BUILD_ONLY:-0}" != 1 ]; then
		cell_vars 7.2-x86_64
		check_nomodversions 7.2-x86_64
	fi
	;;
esac
