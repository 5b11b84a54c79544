#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kbuild/install-into-tree on every kernel generation of the corpus (6.1
# and 6.12: the genikh rules; 7.2: the kernel's own header lists): -n
# changes nothing, a first run makes the changes, a second run none,
# --revert gives back the stock tree (diff -r against the corpus tree, every
# file); trees it does not recognise are refused before anything is written.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"
source "$(dirname "$0")/lib-cell.sh"

inst=$TOP/kbuild/install-into-tree
# whole SRC DIR: all of SRC, hard-linked (cheap), except the files the
# installer replaces, which are real copies: it only ever renames new files
# into place, so the corpus is never written.  When the corpus is on another
# file system (CI bind-mounts the cache into its fresh root), symbolic links
# stand in for the hard links: diff -r follows them just the same.
whole() {
	local f
	if ! cp -al "$1" "$2" 2>/dev/null; then
		rm -rf "$2"
		cp -as "$(realpath "$1")" "$2"
	fi
	for f in $kbuild_touched; do
		rm -f "$2/$f"
		cp -p "$1/$f" "$2/$f"
	done
}

# generation VER TREE GEN: the install / revert cycle on one kernel.
generation() {
	local v=$1 src=$2 gen=$3 k=$T/k-$1 n
	kbuild_mini "$src" "$k"
	cp -a "$k" "$k.orig"
	expect "install $v: -n succeeds" "$inst" -n "$k"
	expect "install $v: -n changes nothing" diff -r "$k.orig" "$k"
	"$inst" "$k" > "$T/first" 2>&1
	expect "install $v: recognised as '$gen' rules" grep -q "(linux $v[.0-9]*, '$gen' rules)" "$T/first"
	n=$(sed -n 's/^  \([0-9]*\) changes made$/\1/p' "$T/first")
	expect "install $v: first run makes 10 changes (4 saved, 5 written, 1 removed)" test "$n" = 10
	"$inst" "$k" > "$T/second" 2>&1
	expect "install $v: second run changes nothing" grep -q 'already installed, nothing changed' "$T/second"
	expect "install $v: Makefile.kheaders installed as is" cmp "$TOP/kbuild/Makefile.kheaders" "$k/kernel/Makefile.kheaders"
	expect "install $v: kheaders.c installed as kernel/kheaders_sysfs.c" cmp "$TOP/kbuild/kheaders.c" "$k/kernel/kheaders_sysfs.c"
	expect "install $v: kheaders-version.sh installed as scripts/kheaders-version.sh, executable" \
		bash -c "cmp '$TOP/kbuild/kheaders-version.sh' '$k/scripts/kheaders-version.sh' && test -x '$k/scripts/kheaders-version.sh'"
	! grep -v '^#' "$k/kernel/Makefile" | grep -q 'gen_kheaders\|genikh' &&
		[ ! -e "$k/kernel/kheaders.c" ] &&
		ok "install $v: the stock rules and kheaders.c gone" ||
		not_ok "install $v: the stock rules or kheaders.c still there"
	cmp -s "$src/kernel/gen_kheaders.sh" "$k/kernel/gen_kheaders.sh" &&
		[ "$(stat -c %a "$k/kernel/gen_kheaders.sh")" = "$(stat -c %a "$src/kernel/gen_kheaders.sh")" ] &&
		[ ! -e "$k/kernel/.kheaders-stock/gen_kheaders.sh" ] &&
		ok "install $v: gen_kheaders.sh stays, as it was (the fallback)" ||
		not_ok "install $v: gen_kheaders.sh changed or stashed"
	expect "install $v: kernel/Makefile includes the fragment once" \
		test "$(grep -cxF 'include $(srctree)/kernel/Makefile.kheaders' "$k/kernel/Makefile")" = 1
	if [ "$gen" = lists ]; then
		grep -q '^\$(obj)/kheaders-srclist: FORCE' "$k/kernel/Makefile" &&
			grep -q '^\$(obj)/kheaders.md5:' "$k/kernel/Makefile" &&
			awk '/kheaders-srclist: FORCE/ { s = NR } /Makefile.kheaders/ { i = NR } END { exit !(s && i > s) }' "$k/kernel/Makefile" &&
			ok "install $v: the kernel's list rules stay, above the include" ||
			not_ok "install $v: the kernel's list rules are gone or after the include"
	fi
	expect "install $v: init/Kconfig carries Kconfig.snippet" \
		grep -q 'made at build time by the kheaders tool' "$k/init/Kconfig"
	expect "install $v: one IKHEADERS entry in init/Kconfig" \
		test "$(grep -c '^config IKHEADERS$' "$k/init/Kconfig")" = 1
	expect "install $v: Kconfig.snippet in one piece (IKHEADERS, KHEADERS_VERSION, IKHEADERS_MODULES)" \
		diff "$TOP/Kconfig.snippet" <(sed -n "/^config IKHEADERS\$/,+$(($(wc -l < "$TOP/Kconfig.snippet") - 1))p" "$k/init/Kconfig")
	expect "install $v: the rest of init/Kconfig untouched" \
		diff <(grep -v '^	' "$k.orig/init/Kconfig" | grep -v '^$') \
		     <(grep -v '^	' "$k/init/Kconfig" | grep -v '^$' |
		       grep -vx -e 'config KHEADERS_VERSION' -e 'config IKHEADERS_MODULES')
	expect "install $v: --revert -n changes nothing" "$inst" -n --revert "$k"
	expect "install $v: --revert succeeds" "$inst" --revert "$k"
	expect "install $v: --revert restores the stock files byte for byte" diff -r "$k.orig" "$k"
	expect "install $v: --revert restores gen_kheaders.sh's mode" \
		test "$(stat -c %a "$k/kernel/gen_kheaders.sh")" = "$(stat -c %a "$src/kernel/gen_kheaders.sh")"
	"$inst" --revert "$k" > "$T/third" 2>&1
	expect "install $v: --revert of a stock tree changes nothing" grep -q 'not installed, nothing changed' "$T/third"

	# A tree installed by a kheaders before the fallback: gen_kheaders.sh
	# in the stash, not in the tree.  The install puts it back and drops
	# the stashed copy; --revert still gives the stock tree.
	"$inst" "$k" > /dev/null 2>&1
	cp -p "$k/kernel/gen_kheaders.sh" "$k/kernel/.kheaders-stock/gen_kheaders.sh"
	rm "$k/kernel/gen_kheaders.sh"
	"$inst" "$k" > "$T/upgrade" 2>&1
	grep -q 'kernel/gen_kheaders.sh: restored' "$T/upgrade" &&
		[ ! -e "$k/kernel/.kheaders-stock/gen_kheaders.sh" ] &&
		cmp -s "$src/kernel/gen_kheaders.sh" "$k/kernel/gen_kheaders.sh" &&
		ok "install $v: over an older install, gen_kheaders.sh is put back from the stash" ||
		{ not_ok "install $v: upgrade of an older install"; sed 's/^/#   /' "$T/upgrade"; }
	"$inst" --revert "$k" > /dev/null 2>&1
	expect "install $v: ... and --revert gives the stock files" diff -r "$k.orig" "$k"

	# The whole tree: install, revert, compare every file with the corpus.
	whole "$src" "$T/w-$v"
	if "$inst" "$T/w-$v" > "$T/w.log" 2>&1 && "$inst" --revert "$T/w-$v" >> "$T/w.log" 2>&1 &&
	   diff -r --exclude=.kh-complete "$src" "$T/w-$v" > "$T/w.diff" 2>&1 &&
	   ! diff -q "$src/.kh-complete" "$T/w-$v/.kh-complete" 2>&1 | grep -q .; then
		ok "install $v: install + --revert of the whole tree: diff -r against the pristine tree is empty"
	else
		not_ok "install $v: whole tree differs after install + --revert"
		head -5 "$T/w.diff" "$T/w.log" | sed 's/^/#   /'
	fi
	rm -rf "$T/w-$v"

	# A hand-edited archive rule is refused, and nothing is written.
	kbuild_mini "$src" "$T/edited-$v"
	case $gen in
	genikh) sed -i 's/\$(call cmd,genikh)/$(call cmd,genikh) --extra/' "$T/edited-$v/kernel/Makefile" ;;
	lists) sed -i 's/^\(      cmd_kheaders_data = .*\)$/\1 --extra/' "$T/edited-$v/kernel/Makefile" ;;
	esac
	cp -a "$T/edited-$v" "$T/edited-$v.orig"
	expect_fail "install $v: refuses hand-edited kheaders rules" 1 "not recognised" \
		"$inst" "$T/edited-$v"
	expect "install $v: a refused tree is left untouched" diff -r "$T/edited-$v.orig" "$T/edited-$v"
}

corpus_env || { not_ok "install: corpus missing (scripts/corpus.sh fetch)"; exit 0; }
# tree_of VER: kbuild_src, fetched when missing.
tree_of() {
	kbuild_src=$(cell_tree "$1") ||
		{ not_ok "install $1: linux-source-$1 not available (scripts/corpus.sh fetch $1)"; return 1; }
}
kbuild_generations generation tree_of

# Trees of no known generation: one line naming what was expected.
mkdir -p "$T/notk"
echo 'all:' > "$T/notk/Makefile"
expect_fail "install: refuses a directory that is not a kernel tree" 1 \
	"not a kernel source tree" "$inst" "$T/notk"
expect_fail "install: refuses a missing directory" 1 "not a directory" \
	"$inst" "$T/missing"
kbuild_mini "$KH_SRCTREE" "$T/future"
awk '/^\$\(obj\)\/kheaders.o:/ { print "$(obj)/kheaders.o: $(obj)/kheaders_data.tar.xz"; print "$(obj)/kheaders_data.tar.xz: FORCE"; print "\t$(call cmd,kheaders_future)"; skip = 1; next }
     skip && /^clean-files/ { skip = 0; next } !skip' "$KH_SRCTREE/kernel/Makefile" > "$T/future/kernel/Makefile"
sed -i 's/^PATCHLEVEL = .*/PATCHLEVEL = 99/' "$T/future/Makefile"
cp -a "$T/future" "$T/future.orig"
"$inst" "$T/future" > "$T/future.out" 2>&1
rc=$?
[ "$rc" = 1 ] && [ "$(wc -l < "$T/future.out")" = 1 ] &&
	grep -q "linux 6.99.*expected the stock rules of linux 5.2-6.16 ('cmd_genikh'.*or of 6.17+ ('kheaders-srclist'" "$T/future.out" &&
	ok "install: an unknown generation gets one line naming the kernel and what was expected" ||
	{ not_ok "install: unknown generation (exit $rc)"; sed 's/^/#   /' "$T/future.out"; }
expect "install: the unknown tree is left untouched" diff -r "$T/future.orig" "$T/future"
kbuild_mini "$KH_SRCTREE" "$T/old"
sed -i '/^config IKHEADERS$/,/^$/d' "$T/old/init/Kconfig"
expect_fail "install: refuses a kernel without CONFIG_IKHEADERS (before 5.2)" 1 \
	"not a kernel source tree with CONFIG_IKHEADERS" "$inst" "$T/old"
expect_fail "install: usage error without a tree" 2 "usage" "$inst"
expect_fail "install: usage error on an unknown option" 2 "usage" "$inst" --bogus "$T/k-6.1"
