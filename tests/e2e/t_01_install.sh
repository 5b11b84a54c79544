#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kbuild/install-into-tree on a copy of the files it touches in the corpus
# tree: -n changes nothing, a first run makes the six changes, a second run
# none; trees it does not recognise are refused before anything is written.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"

inst=$TOP/kbuild/install-into-tree
corpus_env || { not_ok "install: corpus missing (scripts/corpus.sh fetch)"; exit 0; }

# mini DIR: the files install-into-tree reads or writes, from the corpus.
mini() {
	local f
	for f in Makefile Kconfig scripts/Kbuild.include init/Kconfig \
		 kernel/Makefile kernel/kheaders.c kernel/gen_kheaders.sh; do
		mkdir -p "$1/$(dirname "$f")"
		cp "$KH_SRCTREE/$f" "$1/$f"
	done
}

mini "$T/k"
cp -a "$T/k" "$T/orig"
expect "install: -n succeeds" "$inst" -n "$T/k"
expect "install: -n changes nothing" diff -r "$T/orig" "$T/k"
"$inst" "$T/k" > "$T/first" 2>&1
expect "install: first run makes 6 changes" grep -q '6 changes made' "$T/first"
expect "install: says what it changed" grep -q 'init/Kconfig: IKHEADERS entry replaced' "$T/first"
"$inst" "$T/k" > "$T/second" 2>&1
expect "install: second run changes nothing" grep -q 'already installed, nothing changed' "$T/second"
expect "install: Makefile.kheaders installed as is" cmp "$TOP/kbuild/Makefile.kheaders" "$T/k/kernel/Makefile.kheaders"
expect "install: kheaders.c installed as kernel/kheaders_sysfs.c" cmp "$TOP/kbuild/kheaders.c" "$T/k/kernel/kheaders_sysfs.c"
! grep -q 'gen_kheaders\|genikh' "$T/k/kernel/Makefile" && [ ! -e "$T/k/kernel/gen_kheaders.sh" ] &&
	[ ! -e "$T/k/kernel/kheaders.c" ] &&
	ok "install: gen_kheaders.sh and the stock kheaders.c gone" ||
	not_ok "install: gen_kheaders.sh or the stock kheaders.c still there"
expect "install: kernel/Makefile includes the fragment once" \
	test "$(grep -cxF 'include $(srctree)/kernel/Makefile.kheaders' "$T/k/kernel/Makefile")" = 1
expect "install: init/Kconfig carries Kconfig.snippet" \
	grep -q 'made at build time by the kheaders tool' "$T/k/init/Kconfig"
expect "install: one IKHEADERS entry in init/Kconfig" \
	test "$(grep -c '^config IKHEADERS$' "$T/k/init/Kconfig")" = 1
expect "install: the rest of init/Kconfig untouched" \
	diff <(grep -v '^	' "$T/orig/init/Kconfig" | grep -v '^$') \
	     <(grep -v '^	' "$T/k/init/Kconfig" | grep -v '^$')

mkdir -p "$T/notk"
echo 'all:' > "$T/notk/Makefile"
expect_fail "install: refuses a directory that is not a kernel tree" 1 \
	"not a kernel source tree" "$inst" "$T/notk"
expect_fail "install: refuses a missing directory" 1 "not a directory" \
	"$inst" "$T/missing"
mini "$T/edited"
sed -i 's/\$(call cmd,genikh)/$(call cmd,genikh) --extra/' "$T/edited/kernel/Makefile"
cp -a "$T/edited" "$T/edited.orig"
expect_fail "install: refuses hand-edited kheaders rules" 1 "not recognised" \
	"$inst" "$T/edited"
expect "install: a refused tree is left untouched" diff -r "$T/edited.orig" "$T/edited"
expect_fail "install: usage error without a tree" 2 "usage" "$inst"
