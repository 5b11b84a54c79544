#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Real corpus (linux 6.1 x86 + Debian's object tree):
#  (a) --strip compat equals the stock gen_kheaders.sh, entry for entry and
#      byte for byte (the stock 6.1 script still archives utsversion.h: the
#      only allowed difference);
#  (b) the default (compact) archive is content-equal modulo comments and
#      compiles a tracing program the way bcc does;
#  (c) sizes and times, stock vs kheaders, from the same run.
source "$(dirname "$0")/../lib.sh"
require clang bc perl cpio xz
if ! corpus_env; then
	skip "real corpus not fetched (scripts/corpus.sh fetch)"
	exit 0
fi
TS="2026-01-01 00:00:00 UTC"
now() { date +%s.%N; }

# The stock script writes into its current directory: give it a scratch
# object tree (a copy of the generated headers), never the cached one.
mkdir -p "$T/stock/kernel"
cp -a "$KH_OBJTREE/include" "$T/stock/"
mkdir -p "$T/stock/arch/x86"
cp -a "$KH_OBJTREE/arch/x86/include" "$T/stock/arch/x86/"
t0=$(now)
(cd "$T/stock" && building_out_of_srctree=1 srctree="$KH_SRCTREE" SRCARCH=x86 \
	KBUILD_BUILD_TIMESTAMP="$TS" XZ=xz CONFIG_SHELL=sh \
	sh "$KH_SRCTREE/kernel/gen_kheaders.sh" kernel/kheaders_data.tar.xz >/dev/null)
t1=$(now)
STOCK=$T/stock/kernel/kheaders_data.tar.xz
expect "stock gen_kheaders.sh ran (oracle)" test -s "$STOCK"

"$KHEADERS" build -q --srctree "$KH_SRCTREE" --objtree "$KH_OBJTREE" --arch x86 \
	--timestamp "$TS" --strip compat -o "$T/compat.tar.xz"
t2=$(now)
"$KHEADERS" build -q --srctree "$KH_SRCTREE" --objtree "$KH_OBJTREE" --arch x86 \
	--timestamp "$TS" -o "$T/default.tar.xz"
t3=$(now)

tar -tJf "$STOCK" | sed 's|/$||' | grep -vx 'include/generated/utsversion.h\|./include/generated/utsversion.h' | sort > "$T/stock.list"
tar -tJf "$T/compat.tar.xz" | sed 's|/$||' | sort > "$T/compat.list"
expect "compat: same entry names as the stock script (utsversion.h aside)" diff -u "$T/stock.list" "$T/compat.list"
expect "stock archive has utsversion.h (Debian's object tree has one), ours never" bash -c "
	tar -tJf '$STOCK' | grep -q 'include/generated/utsversion.h' &&
	! tar -tJf '$T/compat.tar.xz' | grep -q utsversion"
mkdir -p "$T/u/stock" "$T/u/compat" "$T/u/default"
tar -xJf "$STOCK" -C "$T/u/stock"
rm -f "$T/u/stock/include/generated/utsversion.h"
tar -xJf "$T/compat.tar.xz" -C "$T/u/compat"
tar -xJf "$T/default.tar.xz" -C "$T/u/default"
expect "compat: every entry has the same bytes as the stock script's" diff -r --no-dereference "$T/u/stock" "$T/u/compat"
n=$(grep -c '\.h$' "$T/compat.list")
echo "# compared $n headers with the stock script"
expect "compat: kconfig.h, autoconf.h and the generated uapi trees are there" bash -c "
	test -f '$T/u/compat/include/linux/kconfig.h' &&
	test -f '$T/u/compat/include/generated/autoconf.h' &&
	test -d '$T/u/compat/include/generated/uapi' &&
	test -d '$T/u/compat/arch/x86/include/generated/uapi'"
expect "Module.symvers is nowhere in the archive" bash -c "! tar -tJf '$T/default.tar.xz' | grep -q Module.symvers"
tar -tJf "$T/default.tar.xz" | sed 's|/$||' | sort > "$T/default.list"
expect "default (compact): same entries as compat" diff -u "$T/compat.list" "$T/default.list"

# The stock script stores the qcom dt-bindings links as links; ours too
# when they stay inside, and never a link that leaves the archive.
expect "no symlink in the archive points outside it" bash -c "
	cd '$T/u/default' && find . -type l | while read -r l; do
		t=\$(realpath -m \"\$l\"); case \$t in '$T/u/default'/*) test -e \"\$t\" || exit 1;; *) exit 1;; esac
	done"

# bcc compiles its programs against the unpacked archive like this.
cat > "$T/prog.c" <<'C'
#include <linux/sched.h>
#include <linux/bpf.h>
#include <uapi/linux/ptrace.h>

int kprobe__do_exit(struct pt_regs *ctx)
{
	struct task_struct *task = (struct task_struct *)ctx->di;

	return task->pid + BPF_MAP_TYPE_HASH + sizeof(struct bpf_map_def);
}
C
grep -q 'struct bpf_map_def' "$T/u/default/include/linux/bpf.h" 2>/dev/null || sed -i 's/ + sizeof(struct bpf_map_def)//' "$T/prog.c"
bcc_compile() {
	local h=$1
	clang -target x86_64-unknown-linux-gnu -emit-llvm -c -O2 -nostdinc \
		-isystem "$(clang -print-file-name=include)" \
		-I "$h/arch/x86/include" -I "$h/arch/x86/include/generated" \
		-I "$h/include" -I "$h/arch/x86/include/uapi" \
		-I "$h/arch/x86/include/generated/uapi" -I "$h/include/uapi" \
		-I "$h/include/generated/uapi" \
		-include "$h/include/linux/kconfig.h" \
		-D__KERNEL__ -D__BPF_TRACING__ -D__HAVE_BUILTIN_BSWAP16__ \
		-D__HAVE_BUILTIN_BSWAP32__ -D__HAVE_BUILTIN_BSWAP64__ \
		-DKBUILD_MODNAME='"bcc"' -Wno-unused-value -Wno-pointer-sign \
		-Wno-gnu-variable-sized-type-not-at-end -Wno-address-of-packed-member \
		-Wno-tautological-compare -Wno-unknown-warning-option \
		-fno-stack-protector -o "$2" "$T/prog.c"
}
expect "a tracing program (linux/sched.h, linux/bpf.h) compiles against the default archive, bcc-style" \
	bcc_compile "$T/u/default" "$T/prog.bc"
expect "... and against the compat archive" bcc_compile "$T/u/compat" "$T/prog2.bc"

ss=$(wc -c < "$STOCK") cs=$(wc -c < "$T/compat.tar.xz") ls=$(wc -c < "$T/default.tar.xz")
printf '# stock gen_kheaders.sh: %d bytes, %.1f s wall\n' "$ss" "$(echo "$t1 - $t0" | bc)"
printf '# kheaders --strip compat: %d bytes, %.1f s wall\n' "$cs" "$(echo "$t2 - $t1" | bc)"
printf '# kheaders (compact):      %d bytes, %.1f s wall\n' "$ls" "$(echo "$t3 - $t2" | bc)"
printf '# liblzma %s\n' "$("$KHEADERS" --version | sed 's/.*liblzma //; s/)//')"
expect "default archive is no larger than the stock script's" test "$ls" -le "$ss"

# (d) linux 6.12 (Debian 12's source and object trees): its own stock
# gen_kheaders.sh, run from the corpus tree, against --strip compat.  The
# 7.2 script (the kernel's header lists) is checked by the e2e cell t_80 on
# the trees it builds.
oracle_gen() {
	local v=$1 src=$2 obj=$3 s=$T/g-$1
	mkdir -p "$s/stock/kernel" "$s/stock/arch/x86" "$s/u/stock" "$s/u/compat"
	cp -a "$obj/include" "$s/stock/"
	cp -a "$obj/arch/x86/include" "$s/stock/arch/x86/"
	(cd "$s/stock" && building_out_of_srctree=1 srctree="$src" SRCARCH=x86 \
		KBUILD_BUILD_TIMESTAMP="$TS" XZ=xz CONFIG_SHELL=sh \
		sh "$src/kernel/gen_kheaders.sh" kernel/kheaders_data.tar.xz >/dev/null 2>"$s/stock.err")
	if [ ! -s "$s/stock/kernel/kheaders_data.tar.xz" ]; then
		not_ok "$v: the stock gen_kheaders.sh did not run (oracle)"
		sed 's/^/#   /' "$s/stock.err" | head -5
		return
	fi
	"$KHEADERS" build -q --srctree "$src" --objtree "$obj" --arch x86 \
		--timestamp "$TS" --strip compat -o "$s/compat.tar.xz"
	tar -xJf "$s/stock/kernel/kheaders_data.tar.xz" -C "$s/u/stock"
	tar -xJf "$s/compat.tar.xz" -C "$s/u/compat"
	rm -f "$s/u/stock/include/generated/utsversion.h"
	(cd "$s/u/stock" && find . -mindepth 1 | LC_ALL=C sort) > "$s/stock.list"
	(cd "$s/u/compat" && find . -mindepth 1 | LC_ALL=C sort) > "$s/compat.list"
	expect "$v compat: same entry names as the $v stock script (utsversion.h aside)" \
		diff -u "$s/stock.list" "$s/compat.list"
	expect "$v compat: every entry has the same bytes as the $v stock script's" \
		diff -r --no-dereference "$s/u/stock" "$s/u/compat"
	echo "# $v: compared $(grep -c '\.h$' "$s/compat.list") headers with the stock script"
	rm -rf "$s"
}
if "$TOP/scripts/corpus.sh" check 6.12 ||
   "$TOP/scripts/corpus.sh" fetch 6.12 >/dev/null 2>&1; then
	eval "$("$TOP/scripts/corpus.sh" env | grep -E '^KH_(SRC|OBJ)TREE_6_12=')"
	oracle_gen 6.12 "$KH_SRCTREE_6_12" "$KH_OBJTREE_6_12"
else
	not_ok "6.12: linux-source-6.12 and its headers not available (scripts/corpus.sh fetch 6.12)"
fi
