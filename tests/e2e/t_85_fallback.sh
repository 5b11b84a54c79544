#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The integration on a host without kheaders (docs/kbuild.md, "Without
# kheaders on the build host"), on linux 6.1 (genikh rules) and 7.2 (the
# kernel's lists), x86_64 tinyconfig + IKHEADERS=y, up to
# kernel/kheaders.o (its parts in the installed tree):
#   - tool absent (KHEADERS=/nonexistent): the build succeeds, make prints
#     the one KHEADERS line, the archive is the one a pristine stock copy
#     of the tree makes for the same configuration (same entries and bytes
#     but for CONFIG_KHEADERS_VERSION in autoconf.h);
#   - tool present in the same object tree: kheaders makes it again and
#     make says so; absent again: the stock script makes the same bytes as
#     the first time;
#   - a kheaders older than the rules need: the stock script, "older than";
#   - KHEADERS_REQUIRED=1 without the tool: make fails with one line.
# Two partial kernel builds per kernel (stock and installed); `make e2e-all`.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"
source "$(dirname "$0")/lib-cell.sh"

cell_selected fallback || exit 0
e2e_need_tools fallback || exit 0
require cpio perl xz tar

# fb_make LOG ARGS...: make in the cell's trees, output to LOG.
fb_make() {
	local log=$1
	shift
	cell_make -j"$E2E_JOBS" "$@" > "$log" 2>&1
}

# stock_src TREE DIR: DIR is a copy of TREE as cell_prepare_src makes it,
# without the integration; kept while TREE is (kbuild changes do not
# concern it).
stock_src() {
	local stamp
	stamp=$( { echo "$1"; stat -c %Y "$1/.kh-complete"; } | sha256sum | cut -c1-16)
	[ "$(cat "$2.stock-stamp" 2>/dev/null)" = "$stamp" ] && return 0
	rm -f "$2.stock-stamp"
	cell_prepare_src "$1" "$2" x86 &&
		"$TOP/kbuild/install-into-tree" --revert "$2" > /dev/null &&
		echo "$stamp" > "$2.stock-stamp"
}

# configured STAMP: C_OBJ configured, kept while STAMP is.
configured() {
	[ "$(cat "$C_OBJ.stamp" 2>/dev/null)" = "$1" ] && return 0
	rm -rf "$C_OBJ"
	cell_configure && echo "$1" > "$C_OBJ.stamp"
}

# unpacked ARCHIVE DIR: ARCHIVE unpacked into DIR, without
# CONFIG_KHEADERS_VERSION (the one line the installed Kconfig adds).
unpacked() {
	rm -rf "$2"
	mkdir -p "$2"
	tar -xJf "$1" -C "$2" || return 1
	sed -i '/CONFIG_KHEADERS_VERSION/d' "$2/include/generated/autoconf.h"
}

fallback() {
	local ver=$1 tree name=fallback-$1 ar stock l n
	cell_arch x86_64
	C_ARCH=x86_64 C_TC=() C_TCNAME=gcc C_IKH=y C_EXTRA= C_OFF= CELL=$name
	tree=$(cell_tree "$ver") ||
		{ not_ok "$name: linux-source-$ver not available"; return; }
	mkdir -p "$WC"
	# The pristine stock tree: a prepared copy, reverted.
	if stock_src "$tree" "$WC/src-$ver-stock" &&
	   cell_prepare_src "$tree" "$WC/src-$ver" "x86 arm64 riscv"; then
		ok "$name: stock and installed copies of linux $ver"
	else
		not_ok "$name: preparing the copies of linux $ver failed"
		return
	fi

	# Stock: what the kernel's own rules make for this configuration.
	C_SRC=$WC/src-$ver-stock C_OBJ=$WC/$name-stock
	configured "$(cat "$C_SRC.stock-stamp") $C_OPTS" ||
		{ not_ok "$name: stock configuration"; return; }
	stock=$C_OBJ/kernel/kheaders_data.tar.xz
	fb_make "$C_OBJ.log" kernel/kheaders.o &&
		ok "$name: the stock tree builds kernel/kheaders.o" ||
		{ not_ok "$name: stock build (log $C_OBJ.log)"; return; }

	# Installed, tool absent.
	C_SRC=$WC/src-$ver C_OBJ=$WC/$name
	configured "$(cell_stamp)" || { not_ok "$name: configuration"; return; }
	ar=$C_OBJ/kernel/kheaders_data.tar.xz
	rm -f "$ar"
	# kheaders.o is a composite object there: Kbuild builds its parts
	# as single targets, not it.
	parts=(kernel/kheaders_sysfs.o kernel/kheaders_data.o)
	if fb_make "$C_OBJ.absent.log" KHEADERS=/nonexistent "${parts[@]}"; then
		ok "$name: without kheaders, kheaders_sysfs.o and kheaders_data.o build"
	else
		not_ok "$name: without kheaders (log $C_OBJ.absent.log)"
		grep -E -m5 'error|Error|\*\*\*' "$C_OBJ.absent.log" | sed 's/^/#   /'
		return
	fi
	l=$(grep -c "^  KHEADERS '/nonexistent' not found: the stock gen_kheaders.sh makes kernel/kheaders_data.tar.xz$" "$C_OBJ.absent.log")
	n=$(grep -c 'KHEADERS' "$C_OBJ.absent.log")
	[ "$l" = 1 ] && [ "$n" = 1 ] &&
		ok "$name: make says so in one line" ||
		{ not_ok "$name: want one KHEADERS line, got $n"; grep KHEADERS "$C_OBJ.absent.log" | sed 's/^/#   /'; }
	echo "# $(grep KHEADERS "$C_OBJ.absent.log")"
	grep -q 'gen_kheaders.sh' "$C_OBJ/kernel/.kheaders_data.tar.xz.cmd" &&
		ok "$name: the .cmd file names gen_kheaders.sh" ||
		not_ok "$name: kernel/.kheaders_data.tar.xz.cmd does not name gen_kheaders.sh"
	grep -qx 'CONFIG_KHEADERS_VERSION=0' "$C_OBJ/.config" &&
		ok "$name: .config has CONFIG_KHEADERS_VERSION=0 (configured without kheaders in PATH)" ||
		not_ok "$name: .config: $(grep KHEADERS_VERSION "$C_OBJ/.config")"
	if unpacked "$stock" "$T/stock" && unpacked "$ar" "$T/absent" &&
	   grep -q . "$T/absent/include/linux/kconfig.h" &&
	   diff -r --no-dereference "$T/stock" "$T/absent" > "$T/diff" 2>&1; then
		ok "$name: the archive is the stock one ($(find "$T/absent" -name '*.h' | wc -l) headers, same names and bytes but CONFIG_KHEADERS_VERSION)"
	else
		not_ok "$name: the archive differs from the stock tree's"
		head -8 "$T/diff" | sed 's/^/#   /'
	fi
	cp "$ar" "$T/absent.tar.xz"
	nm "$C_OBJ/kernel/kheaders_data.o" > "$T/nm" 2>/dev/null
	grep -q ' kernel_headers_data$' "$T/nm" && grep -q ' kernel_headers_data_end$' "$T/nm" &&
		ok "$name: kheaders_data.o holds kernel_headers_data (the .S make wrote)" ||
		not_ok "$name: kheaders_data.o lacks kernel_headers_data"

	# The tool installed later: kheaders makes the archive again.
	fb_make "$C_OBJ.present.log" KHEADERS="$KHEADERS" "${parts[@]}" &&
		grep -qx '  GEN     kernel/kheaders_data.tar.xz (kheaders [0-9.]*)' "$C_OBJ.present.log" &&
		grep -q '^savedcmd_kernel/kheaders_data.tar.xz := .* build \|^cmd_kernel/kheaders_data.tar.xz := .* build ' \
			"$C_OBJ/kernel/.kheaders_data.tar.xz.cmd" &&
		! grep -q KHEADERS "$C_OBJ.present.log" &&
		ok "$name: kheaders installed later: it makes the archive, make says 'GEN ... (kheaders X)'" ||
		{ not_ok "$name: switching to kheaders (log $C_OBJ.present.log)"; grep -E 'GEN|KHEADERS|rror' "$C_OBJ.present.log" | head -5 | sed 's/^/#   /'; }
	fb_make "$C_OBJ.absent2.log" KHEADERS=/nonexistent "${parts[@]}" &&
		cmp -s "$ar" "$T/absent.tar.xz" &&
		ok "$name: kheaders gone again: the stock script makes the same bytes as before" ||
		not_ok "$name: switching back to the stock script (log $C_OBJ.absent2.log)"

	# A kheaders older than the rules need (syncconfig runs again: the
	# archive differs by CONFIG_KHEADERS_VERSION, 9 now).
	printf '#!/bin/sh\necho "kheaders 0.0.9 (liblzma 5.4.1)"\n' > "$T/old-kheaders"
	chmod +x "$T/old-kheaders"
	rm -f "$ar"
	fb_make "$C_OBJ.old.log" KHEADERS="$T/old-kheaders" "${parts[@]}" &&
		grep -q "^  KHEADERS '$T/old-kheaders' is kheaders 0.0.9, older than 0.1.0: the stock gen_kheaders.sh makes kernel/kheaders_data.tar.xz\$" "$C_OBJ.old.log" &&
		grep -qx 'CONFIG_KHEADERS_VERSION=9' "$C_OBJ/.config" &&
		unpacked "$ar" "$T/old" && diff -r --no-dereference "$T/stock" "$T/old" > /dev/null &&
		ok "$name: an older kheaders: the stock script, make says 'older than 0.1.0'" ||
		{ not_ok "$name: older kheaders (log $C_OBJ.old.log)"; grep -E 'KHEADERS|rror' "$C_OBJ.old.log" | head -5 | sed 's/^/#   /'; }

	# KHEADERS_REQUIRED=1: kheaders or nothing.
	fb_make "$C_OBJ.req.log" KHEADERS=/nonexistent KHEADERS_REQUIRED=1 "${parts[@]}"
	l=$?
	n=$(grep -c '\*\*\* kheaders: \|KHEADERS ' "$C_OBJ.req.log")
	[ "$l" != 0 ] && [ "$n" = 1 ] &&
		grep -q "\*\*\* kheaders: '/nonexistent' not found, and KHEADERS_REQUIRED=1 refuses the stock gen_kheaders.sh" "$C_OBJ.req.log" &&
		ok "$name: KHEADERS_REQUIRED=1 without kheaders: make fails with one line" ||
		{ not_ok "$name: KHEADERS_REQUIRED=1 (exit $l, $n lines)"; grep '\*\*\*' "$C_OBJ.req.log" | head -3 | sed 's/^/#   /'; }
	echo "# $(grep '\*\*\* kheaders:' "$C_OBJ.req.log")"
	fb_make "$C_OBJ.req2.log" KHEADERS="$KHEADERS" KHEADERS_REQUIRED=1 "${parts[@]}" &&
		ok "$name: KHEADERS_REQUIRED=1 with kheaders builds" ||
		not_ok "$name: KHEADERS_REQUIRED=1 with kheaders (log $C_OBJ.req2.log)"
}

for v in ${KH_FALLBACK_KERNELS:-6.1 7.2}; do
	fallback "$v"
done
