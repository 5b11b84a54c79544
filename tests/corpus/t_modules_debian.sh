#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kheaders build --profile modules on the real Debian 6.1 trees.
#
# 1. The Debian headers package's object tree as it is (what Debian ships
#    for module builds: .config, auto.conf, generated headers, the module
#    linker script in arch/x86/, Module.symvers; its scripts/ is a link into
#    another package): the kit builds, with one warning naming the generated
#    host-program inputs the package lacks; no Module.symvers, no ELF file;
#    its size against the headers-only archive (aim: at most 2x).
# 2. That object tree copied and prepared as a kernel build host prepares
#    it (make O=COPY modules_prepare, with flex and bison; cached under
#    $B/corpus-modules/, the corpus stays read-only): the kit builds, the
#    same bytes twice; unpacked with kheaders extract, its host programs are
#    built from the kit's sources with no flex or bison in PATH (fixdep,
#    modpost and genksyms compiled the way their Makefiles link them,
#    objtool through tools/Makefile as the top Makefile builds it -- the
#    minimal step; `prepare --modules` will own it), and a small
#    out-of-tree module builds with `make -C KIT M=DIR modules`: a .ko with
#    the kernel's vermagic and symbol versions (__versions).
source "$(dirname "$0")/../lib.sh"
require make gcc tar xz flex bison

if ! corpus_env; then
	skip "modules profile on Debian 6.1: corpus not fetched (scripts/corpus.sh fetch)"
	exit 0
fi
S=$KH_SRCTREE
O=$KH_OBJTREE
B=${B:-$TOP/build}
# vermagic's release, from the headers the module is compiled with.
release=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$O/include/generated/utsrelease.h")
# The compiler the package's kernel was built with (its Makefile's CC).
kcc=$(sed -n 's/^CC = .*(CROSS_COMPILE)\(gcc-[0-9]*\)$/\1/p' "$O/.kernelvariables")
command -v "${kcc:-gcc}" > /dev/null 2>&1 || kcc=gcc
kb() { "$KHEADERS" build -q --srctree "$S" --arch x86 --timestamp @1700000000 "$@"; }
size() { stat -c %s "$1"; }

# --- 1. the package's object tree as it is
kb --objtree "$O" -o "$T/h.tar.xz"
kb --objtree "$O" --profile modules -o "$T/m.tar.xz" 2> "$T/m.err"
rc=$?
expect "Debian headers package: --profile modules builds" test "$rc" = 0
expect "... with one warning, naming the generated files the package lacks" bash -c "
	[ \$(wc -l < '$T/m.err') = 1 ] &&
	grep -q 'warning: .*scripts/mod/elfconfig.h.*scripts/genksyms/parse.tab.c' '$T/m.err'"
tar -tJf "$T/m.tar.xz" > "$T/m.list"
expect "... holds Makefile, scripts/Makefile.build, .config, auto.conf, arch/x86/module.lds" bash -c "
	for f in ./Makefile ./scripts/Makefile.build ./.config ./include/config/auto.conf \
		 ./include/config/kernel.release ./arch/x86/module.lds ./arch/x86/Makefile \
		 ./scripts/mod/modpost.c ./tools/objtool/Makefile; do
		grep -qxF \"\$f\" '$T/m.list' || { echo \"missing \$f\"; exit 1; }
	done"
expect "... never Module.symvers (the package has one), never Kconfig's or dtc's scripts" \
	bash -c "! grep -E 'Module\.symvers|scripts/kconfig/|scripts/dtc/|\.cmd$' '$T/m.list'"
hs=$(size "$T/h.tar.xz")
ms=$(size "$T/m.tar.xz")
ratio=$(awk -v a="$ms" -v b="$hs" 'BEGIN { printf "%.2f", a / b }')
echo "# Debian 6.1 package trees: headers $hs bytes, modules $ms bytes (${ratio}x), kit $(($(grep -vc '/$' "$T/m.list") - $(tar -tJf "$T/h.tar.xz" | grep -vc '/$'))) files"
expect "... at most twice the headers-only archive (${ratio}x)" \
	awk -v r="$ratio" 'BEGIN { exit !(r <= 2) }'

# --- 2. the same tree, prepared by a kernel build host
P=$B/corpus-modules/obj-6.1
if [ ! -f "$P/.kh-prepared" ] || [ "$P/.kh-prepared" -ot "$O/.config" ]; then
	rm -rf "$P" && mkdir -p "$P"
	cp -a "$O/." "$P/"
	# Debian's links into linux-kbuild-6.1 (not installed), its wrapper
	# Makefile (make O= writes its own) and the package's markers.
	rm -f "$P/scripts" "$P/tools" "$P/Makefile" "$P/Module.symvers" "$P/.kh-complete"
	if nice -n 10 make -s -C "$S" O="$P" -j2 CC="$kcc" modules_prepare > "$T/prep.log" 2>&1; then
		touch "$P/.kh-prepared"
	else
		not_ok "make modules_prepare on a copy of the package's object tree"
		tail -20 "$T/prep.log" | sed 's/^/#   /'
		exit 1
	fi
fi
kb --objtree "$P" --profile modules --threads 1 -o "$T/p.tar.xz" 2> "$T/p.err"
expect "prepared tree: --profile modules builds, without a warning" test ! -s "$T/p.err"
kb --objtree "$P" --profile modules --threads 2 -o "$T/p2.tar.xz" --no-cache
expect "... the same bytes again (other thread count, no cache)" cmp "$T/p.tar.xz" "$T/p2.tar.xz"
mkdir -p "$T/x"
xz -dc "$T/p.tar.xz" | tar -xf - -C "$T/x"
expect "... no file in it is ELF, though the tree holds the host programs" bash -c "
	test -x '$P/scripts/mod/modpost' && test -x '$P/tools/objtool/objtool' &&
	! find '$T/x' -type f -exec head -c 4 {} \; -printf '\n' | grep -q \$'^\x7fELF'"
expect "... the generated parser and modpost's generated headers are in it" bash -c "
	cd '$T/x' && test -f scripts/genksyms/parse.tab.c && test -f scripts/genksyms/lex.lex.c &&
	test -f scripts/mod/elfconfig.h && test -f scripts/mod/devicetable-offsets.h &&
	test -f scripts/module.lds"

K=$T/kit
expect "kheaders extract -C unpacks the kit" "$KHEADERS" extract "$T/p.tar.xz" -C "$K"

# A PATH without flex and bison (nor yacc, lex): what a kit user has.
mkdir -p "$T/bin"
IFS=: read -ra dirs <<< "$PATH"
for d in "${dirs[@]}"; do
	for f in "$d"/*; do
		n=${f##*/}
		case $n in flex|flex++|bison|yacc|byacc|lex) continue ;; esac
		[ -x "$f" ] && [ ! -e "$T/bin/$n" ] && ln -s "$f" "$T/bin/$n"
	done
done
nb() { PATH=$T/bin "$@"; }
expect "the test PATH has no flex or bison" bash -c "! PATH='$T/bin' command -v flex && ! PATH='$T/bin' command -v bison"

hostprogs() {
	cd "$K" &&
	gcc -O2 -o scripts/basic/fixdep scripts/basic/fixdep.c &&
	gcc -O2 -I scripts/mod -o scripts/mod/modpost scripts/mod/modpost.c \
		scripts/mod/file2alias.c scripts/mod/sumversion.c &&
	gcc -O2 -I scripts/genksyms -o scripts/genksyms/genksyms \
		scripts/genksyms/genksyms.c scripts/genksyms/parse.tab.c \
		scripts/genksyms/lex.lex.c &&
	make -s -C tools O="$K" subdir=tools objtool
}
expect "the kit's host programs build from its sources, without flex and bison" \
	nb bash -c "$(declare -f hostprogs); K='$K'; hostprogs"

mkdir -p "$T/mod"
cat > "$T/mod/kh_hello.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init kh_hello_init(void)
{
	pr_info("kh_hello: built from a kheaders kit\n");
	return 0;
}

static void __exit kh_hello_exit(void)
{
}

module_init(kh_hello_init);
module_exit(kh_hello_exit);
MODULE_LICENSE("GPL");
EOF
echo 'obj-m := kh_hello.o' > "$T/mod/Kbuild"
nb make -C "$K" M="$T/mod" CC="$kcc" modules > "$T/mod.log" 2>&1
rc=$?
[ "$rc" = 0 ] && [ -f "$T/mod/kh_hello.ko" ] &&
	ok "make -C KIT M=DIR modules builds a module (no flex, no bison)" ||
	{ not_ok "make -C KIT M=DIR modules (exit $rc)"; tail -20 "$T/mod.log" | sed 's/^/#   /'; }
expect "... its vermagic is the kernel's ($release)" bash -c "
	readelf -p .modinfo '$T/mod/kh_hello.ko' | grep -q 'vermagic=$release '"
expect "... it carries symbol versions (__versions: MODVERSIONS through the kit's genksyms)" \
	bash -c "readelf -S '$T/mod/kh_hello.ko' | grep -q __versions"
expect "... objtool checked it (the kit's objtool ran)" \
	bash -c "grep -q 'tools/objtool/objtool' '$T/mod/.kh_hello.o.cmd'"
expect "... without Module.symvers, modpost says so (kheaders symvers will write it)" \
	grep -q 'Module.symvers is missing' "$T/mod.log"
