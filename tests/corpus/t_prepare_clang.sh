#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# prepare on the real linux 6.1 headers, then a tracing program compiled
# against the prepared directory the way bcc and samples/bpf compile: clang
# with the flags of --print-flags (-include kconfig.h, -D__KERNEL__, the
# arch, generated and uapi dirs) for the host triple to LLVM IR, llc to a
# BPF object.  Leaving out the generated dirs or kconfig.h must break the
# compile, so the flags are shown to matter.  Prints the times of a first
# and a cached call.  Needs clang and llc: their absence is a failure.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-bpf.sh"
require clang llc

if ! corpus_env; then
	skip "linux 6.1 corpus not fetched (scripts/corpus.sh fetch)"
	exit 0
fi
cd "$T" || exit 1

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

if ! "$KHEADERS" build -q --srctree "$KH_SRCTREE" --objtree "$KH_OBJTREE" \
	--arch x86 -o real.tar.xz 2>build.err; then
	not_ok "kheaders build of the real 6.1 headers"; sed 's/^/#   /' build.err
	exit 1
fi
export KHEADERS_ROOT=$T/root KHEADERS_RELEASE=6.1.0-corpus KHEADERS_MODPROBE=
mkdir -p root/sys/kernel && cp real.tar.xz root/sys/kernel/kheaders.tar.xz
sha=$(sha256sum < real.tar.xz | cut -d' ' -f1)
D=$T/cache/$sha

t0=$(date +%s%N)
out=$("$KHEADERS" prepare --cache-dir "$T/cache" 2>err)
first=$(ms $t0)
[ "$out" = "$D" ] && ok "real 6.1 archive: prepared into <root>/<sha256>" ||
	{ not_ok "real 6.1 archive: prepare"; sed 's/^/#   /' err; exit 1; }
t0=$(date +%s%N)
out=$("$KHEADERS" prepare --cache-dir "$T/cache" -v 2>err)
cached=$(ms $t0)
[ "$out" = "$D" ] && grep -q "using '$D'" err &&
	ok "real 6.1 archive: a second call reuses the tree" ||
	not_ok "real 6.1 archive: a second call reuses the tree"
echo "# prepare of the real 6.1 archive ($(stat -c %s real.tar.xz) bytes): first $first ms, cached $cached ms"

files=$(tar -tvJf real.tar.xz | grep -c '^-')
have=$(find "$D" -type f ! -name .kheaders-prepared | wc -l)
[ "$files" = "$have" ] && [ -f "$D/include/generated/autoconf.h" ] &&
	ok "all $files files unpacked, autoconf.h among them" ||
	not_ok "files unpacked ($have of $files)"

bpf_write_trace "$T"

read -r -a flags <<< "$("$KHEADERS" prepare --cache-dir "$T/cache" --print-flags)"
[ "${flags[0]}" = -include ] && [ "${flags[1]}" = "$D/include/linux/kconfig.h" ] &&
	[ "${flags[2]}" = -D__KERNEL__ ] && [ "${flags[3]}" = "-I$D/arch/x86/include" ] &&
	ok "--print-flags: bcc's order, x86 detected" ||
	not_ok "--print-flags: bcc's order, x86 detected (${flags[*]})"
rm -f trace.o
if bpf_compile "$T" "${flags[@]}" && bpf_object_ok "$T"; then
	ok "a tracing program compiles to a BPF object with the flags"
else
	not_ok "a tracing program compiles to a BPF object with the flags"
	sed 's/^/#   /' cc.err | head -20
fi

nogen=()
for f in "${flags[@]}"; do
	case $f in */include/generated) ;; *) nogen+=("$f") ;; esac
done
bpf_compile "$T" "${nogen[@]}" && not_ok "without arch/x86/include/generated it fails" ||
	ok "without arch/x86/include/generated it fails"
bpf_compile "$T" "${flags[@]:2}" && not_ok "without -include kconfig.h it fails" ||
	ok "without -include kconfig.h it fails"
