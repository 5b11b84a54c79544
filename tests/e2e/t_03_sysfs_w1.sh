#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kbuild/kheaders.c (kernel/kheaders_sysfs.c) compiles without a warning
# under W=1, as a module object, against Debian's own configuration of 6.1
# and 6.12 (their linux-headers object trees with the corpus source trees:
# FORTIFY_SOURCE, stack protector, CFI/IBT flags, everything a distro
# kernel turns on).  The 7.2 cells (t_8*) check the same in their full
# builds.  The object trees are copied: Kbuild writes into its O= tree.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"
source "$(dirname "$0")/lib-cell.sh"

# w1 VER SRCTREE OBJTREE: compile kheaders_sysfs.o in an external module
# directory.  Debian's headers packages carry neither fixdep nor objtool
# (they come with linux-kbuild): fixdep is built from the source tree,
# objtool is stood in for by true (it only annotates the object).
w1() {
	local v=$1 src=$2 o=$T/obj-$1 m=$T/mod-$1
	cp -a "$3" "$o"
	# scripts/ and tools/ link to linux-kbuild's files, not installed.
	rm -rf "$o/scripts" "$o/tools"
	mkdir -p "$m" "$o/scripts/basic" "$o/tools/objtool"
	cc -O2 -I"$src/scripts/include" -o "$o/scripts/basic/fixdep" \
		"$src/scripts/basic/fixdep.c" ||
		{ not_ok "sysfs W=1 $v: cannot build fixdep"; return; }
	ln -sf /bin/true "$o/tools/objtool/objtool"
	cp "$TOP/kbuild/kheaders.c" "$m/kheaders_sysfs.c"
	echo 'obj-m := kheaders_sysfs.o' > "$m/Kbuild"
	if ! make -C "$src" O="$o" M="$m" W=1 V=1 kheaders_sysfs.o > "$T/w1-$v.log" 2>&1; then
		not_ok "sysfs W=1 $v: compile failed"
		grep -E 'error|Error' "$T/w1-$v.log" | head -5 | sed 's/^/#   /'
		return
	fi
	grep -E 'gcc.* -c -o [^ ]*kheaders_sysfs\.o ' "$T/w1-$v.log" | tr ' ' '\n' |
		grep -qx -- -Wextra &&
		ok "sysfs W=1 $v: compiled with W=1's -Wextra (Debian's configuration)" ||
		not_ok "sysfs W=1 $v: the compile did not use -Wextra"
	if grep -q 'warning:' "$T/w1-$v.log"; then
		not_ok "sysfs W=1 $v: warnings"
		grep -A3 'warning:' "$T/w1-$v.log" | head -12 | sed 's/^/#   /'
	else
		ok "sysfs W=1 $v: no warnings"
	fi
	nm "$m/kheaders_sysfs.o" | grep -q ' U kernel_headers_data_end$' &&
		ok "sysfs W=1 $v: the object refers to kernel_headers_data_end" ||
		not_ok "sysfs W=1 $v: kernel_headers_data_end not referenced"
}

corpus_env || { not_ok "sysfs W=1: corpus missing (scripts/corpus.sh fetch)"; exit 0; }
w1 6.1 "$KH_SRCTREE" "$KH_OBJTREE"
if cell_tree 6.12 > /dev/null; then
	eval "$("$TOP/scripts/corpus.sh" env | grep -E '^KH_(SRC|OBJ)TREE_6_12=')"
	w1 6.12 "$KH_SRCTREE_6_12" "$KH_OBJTREE_6_12"
else
	not_ok "sysfs W=1 6.12: linux-source-6.12 not available (scripts/corpus.sh fetch 6.12)"
fi
