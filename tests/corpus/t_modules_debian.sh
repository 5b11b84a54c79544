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
#    same bytes twice.  `kheaders prepare --modules`, with the package's
#    kernel image (linux-image-6.1.0-NN-amd64's vmlinuz) and no flex or
#    bison in PATH, makes the kit: host programs built from its sources
#    (fixdep, modpost, genksyms, objtool), Module.symvers from the image --
#    the vmlinux lines of the package's own Module.symvers, sorted; a second
#    call is a cache hit; an image of another release is refused.  A small
#    out-of-tree module builds with `make -C KIT M=DIR modules`, without a
#    modpost warning: a .ko with the kernel's vermagic, and in __versions
#    the CRCs the package's Module.symvers gives its symbols.
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

if ! env=$("$TOP/scripts/corpus.sh" fetch-image 2> "$T/fetch.err"); then
	skip "prepare --modules on Debian 6.1: no linux-image package ($(head -1 "$T/fetch.err"))"
	exit 0
fi
eval "$env"

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

pm() { nb "$KHEADERS" prepare --modules --from "$T/p.tar.xz" --cache-dir "$T/cache" "$@"; }
t0=$(date +%s%N)
K=$(CC=$kcc pm --kernel-image "$KH_IMAGE_DIR/vmlinuz" 2> "$T/pm.err")
rc=$?
t1=$(date +%s%N)
expect "prepare --modules --kernel-image vmlinuz makes the kit (no flex, no bison)" \
	bash -c "[ '$rc' = 0 ] && [ -d '$K' ] && [ ! -s '$T/pm.err' ]"
[ "$rc" = 0 ] || sed 's/^/#   /' "$T/pm.err"
K2=$(CC=$kcc pm --kernel-image "$KH_IMAGE_DIR/vmlinuz" 2> /dev/null)
t2=$(date +%s%N)
echo "# prepare --modules: first $((($t1 - $t0) / 1000000)) ms, cached $((($t2 - $t1) / 1000000)) ms"
expect "... a second call is a cache hit (the same directory)" test "$K2" = "$K"
expect "... its host programs are built for this host" bash -c "
	for p in scripts/basic/fixdep scripts/mod/modpost scripts/genksyms/genksyms tools/objtool/objtool; do
		test -x '$K/'\$p && head -c 4 '$K/'\$p | grep -q ELF || { echo \"no \$p\"; exit 1; }
	done"
awk -F'\t' '$3 == "vmlinux"' "$O/Module.symvers" | LC_ALL=C sort > "$T/want.symvers"
LC_ALL=C sort "$K/Module.symvers" > "$T/got.symvers"
expect "... its Module.symvers = the package's vmlinux lines ($(wc -l < "$T/want.symvers"))" \
	cmp "$T/want.symvers" "$T/got.symvers"
expect "... the kit records the kernel's compiler and ARCH" bash -c "
	grep -qx 'arch x86' '$K/.kheaders-kit' &&
	grep -q '^cc_version_text gcc-12 (Debian 12' '$K/.kheaders-kit'"
# The same kit under another release string: the image is not its kernel.
mkdir -p "$T/alt"
xz -dc "$T/p.tar.xz" | tar -xf - -C "$T/alt"
sed -i 's/^#define UTS_RELEASE ".*"$/#define UTS_RELEASE "6.1.0-0-kh-test"/' \
	"$T/alt/include/generated/utsrelease.h"
tar -C "$T/alt" -cJf "$T/alt.tar.xz" .
expect_fail "an image of another kernel than the archive's is refused" 1 \
	"is kernel $release, the archive's kernel is 6\.1\.0-0-kh-test: not the same kernel" \
	"$KHEADERS" prepare --modules --from "$T/alt.tar.xz" --cache-dir "$T/cache" \
	--kernel-image "$KH_IMAGE_DIR/vmlinuz"

# one_line NAME STATUS REGEX CMD...: exit STATUS, exactly one line on
# stderr, matching REGEX.
one_line() {
	local name=$1 status=$2 re=$3 rc
	shift 3
	"$@" > /dev/null 2> "$T/1.err"
	rc=$?
	if [ "$rc" = "$status" ] && [ "$(wc -l < "$T/1.err")" = 1 ] && grep -Eq -- "$re" "$T/1.err"; then
		ok "$name"
	else
		not_ok "$name (exit $rc, want $status)"
		sed 's/^/#   /' "$T/1.err" | head -5
	fi
}
pmx() { "$KHEADERS" prepare --modules --cache-dir "$T/cache" "$@"; }
one_line "a headers-only archive: one line naming CONFIG_IKHEADERS_MODULES" 1 \
	"has headers only .*cannot build modules.*CONFIG_IKHEADERS_MODULES=y" \
	pmx --from "$T/h.tar.xz"
# The kit of a kernel whose modules are built with a GCC plugin.
mkdir -p "$T/plug"
xz -dc "$T/p.tar.xz" | tar -xf - -C "$T/plug"
printf 'CONFIG_GCC_PLUGINS=y\nCONFIG_GCC_PLUGIN_STACKLEAK=y\n' >> "$T/plug/include/config/auto.conf"
tar -C "$T/plug" -cJf "$T/plug.tar.xz" .
one_line "a kernel whose modules need a GCC plugin: one line naming it" 1 \
	"built with a GCC plugin \(CONFIG_GCC_PLUGIN_STACKLEAK\).*a kit cannot build it" \
	pmx --from "$T/plug.tar.xz" --kernel-image "$KH_IMAGE_DIR/vmlinuz"
if command -v clang > /dev/null; then
	one_line "CC=clang for a GCC-built kernel: refused, naming both compilers" 1 \
		"'clang' is Clang .* but the kernel was built by 'gcc-12 .*' \(GCC\)" \
		env CC=clang "$KHEADERS" prepare --modules --cache-dir "$T/cache" \
		--from "$T/p.tar.xz" --kernel-image "$KH_IMAGE_DIR/vmlinuz"
else
	skip "CC=clang for a GCC-built kernel: clang not installed"
fi
one_line "HOSTCC that does not exist: one line naming it and the package" 1 \
	"'kh-no-such-cc' not found \(Debian: gcc\)" \
	env HOSTCC=kh-no-such-cc "$KHEADERS" prepare --modules --cache-dir "$T/cache" \
	--from "$T/p.tar.xz" --kernel-image "$KH_IMAGE_DIR/vmlinuz"
# A host compiler without libelf's headers (objtool needs them).
cat > "$T/cc-nolibelf" <<'EOF2'
#!/bin/sh
for a; do
	case $a in *objtool*|*libsubcmd*|*-lelf*) echo "fatal error: gelf.h: No such file or directory" >&2; exit 1 ;; esac
done
exec cc "$@"
EOF2
chmod +x "$T/cc-nolibelf"
one_line "no libelf headers on the host: one line naming libelf and its package" 1 \
	"cannot build the kit's tools/objtool/objtool: the host library libelf \(Debian: libelf-dev\) is missing" \
	env HOSTCC="$T/cc-nolibelf" "$KHEADERS" prepare --modules --cache-dir "$T/cache" \
	--from "$T/p.tar.xz" --kernel-image "$KH_IMAGE_DIR/vmlinuz"
expect "... and leaves no kit or temporary directory behind" bash -c "
	[ \$(ls '$T'/cache/*/.kheaders-kit | wc -l) = 1 ] && ! ls -A '$T/cache' | grep -q '^\.tmp-'"
# No make on the host (objtool is built with it).
mkdir -p "$T/bin-nomake"
for f in "$T"/bin/*; do
	[ "${f##*/}" = make ] || ln -s "$(readlink "$f")" "$T/bin-nomake/${f##*/}"
done
one_line "no make on the host: one line naming it and its package" 1 \
	"cannot build the kit's tools/objtool/objtool: 'make' not found \(Debian: make\)" \
	env PATH="$T/bin-nomake" "$KHEADERS" prepare --modules --cache-dir "$T/cache-nomake" \
	--from "$T/p.tar.xz" --kernel-image "$KH_IMAGE_DIR/vmlinuz" --kernel-modules none
# Under umask 002 the kit is still sealed (nothing group-writable).
rm -rf "$T/cache-umask"
expect "umask 002: the kit is made and sealed all the same" bash -c "
	umask 002; d=\$('$KHEADERS' prepare --modules --cache-dir '$T/cache-umask' \
		--from '$T/p.tar.xz' --kernel-image '$KH_IMAGE_DIR/vmlinuz') &&
	[ -z \"\$(find \"\$d\" -perm -g+w ! -type l)\" ]"
# No image: a fake root without /boot; the kit is made without Module.symvers.
mkdir -p "$T/root"
KN=$(KHEADERS_ROOT=$T/root pmx --from "$T/p.tar.xz" 2> "$T/noimg.err")
rc=$?
expect "no kernel image: the kit is made, one warning line, no Module.symvers" bash -c "
	[ '$rc' = 0 ] && [ \$(wc -l < '$T/noimg.err') = 1 ] &&
	grep -q 'no kernel image of $release found (give --kernel-image)' '$T/noimg.err' &&
	[ -x '$KN/scripts/mod/modpost' ] && [ ! -e '$KN/Module.symvers' ] && [ '$KN' != '$K' ]"

# The running kernel, in a fake root: the archive from sysfs, the image
# from /boot, the modules from /lib/modules/R; the build ID of
# /sys/kernel/notes must be the image's.
notes() {	# notes HEX: an ELF note section holding build ID HEX
	python3 -c 'import struct, sys; d = bytes.fromhex(sys.argv[1]); sys.stdout.buffer.write(struct.pack("<III", 4, len(d), 3) + b"GNU\0" + d)' "$1"
}
R=$T/sysroot
mkdir -p "$R/sys/kernel" "$R/boot" "$R/lib/modules/$release/kernel/fs/nls"
cp "$T/p.tar.xz" "$R/sys/kernel/kheaders.tar.xz"
cp "$KH_IMAGE_DIR/vmlinuz" "$R/boot/vmlinuz-$release"
cp "$KH_IMAGE_DIR/carrier.ko" "$R/lib/modules/$release/kernel/fs/nls/nls_ascii.ko"
bid=$(sed -n 's/^image_build_id //p' "$K/.kheaders-kit")
notes "$bid" > "$R/sys/kernel/notes"
KS=$(KHEADERS_ROOT=$R KHEADERS_RELEASE=$release pmx -v 2> "$T/sys.err")
rc=$?
expect "running kernel (fake root): sysfs archive, /boot image, /lib/modules/R: a kit" bash -c "
	[ '$rc' = 0 ] && [ -d '$KS' ] && [ -n '$bid' ] &&
	grep -q \"from '$R/boot/vmlinuz-$release' and 1 module file(s)\" '$T/sys.err'"
# (nls_ascii exports nothing: read, it adds no line)
expect "... the module was read and, exporting nothing, added no line" bash -c "
	grep -qx 'module_files 1' '$KS/.kheaders-kit' &&
	[ \$(wc -l < '$KS/Module.symvers') = \$(wc -l < '$T/want.symvers') ]"
expect "... and the vmlinux lines of the package's" bash -c "
	awk -F'\t' '\$3 == \"vmlinux\"' '$KS/Module.symvers' | LC_ALL=C sort | cmp - '$T/want.symvers'"
out=$(KHEADERS_ROOT=$R KHEADERS_RELEASE=$release "$KHEADERS" prepare --gc --cache-dir "$T/cache")
expect "... prepare --gc keeps the kit while its image is installed and unchanged ($out)" \
	test -f "$KS/.kheaders-kit"
mv "$R/boot/vmlinuz-$release" "$T/vmlinuz.away"
out=$(KHEADERS_ROOT=$R KHEADERS_RELEASE=$release "$KHEADERS" prepare --gc --cache-dir "$T/cache")
expect "... and removes it once the image is gone ($out)" test ! -e "$KS"
mv "$T/vmlinuz.away" "$R/boot/vmlinuz-$release"
notes 00112233445566778899aabbccddeeff00112233 > "$R/sys/kernel/notes"
rm -rf "$T/cache2"
one_line "... a running kernel whose build ID is not the image's: refused" 1 \
	"has build ID $bid, the running kernel 00112233[0-9a-f]*: not the same build of $release" \
	env KHEADERS_ROOT="$R" KHEADERS_RELEASE="$release" "$KHEADERS" prepare --modules --cache-dir "$T/cache2"

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
expect "... and modpost had nothing to warn about (every symbol in the kit's Module.symvers)" \
	bash -c "! grep -E 'WARNING|undefined' '$T/mod.log'"
# __versions: {unsigned long crc; char name[56]} per symbol used.
crc_of() { awk -F'\t' -v s="$1" '$2 == s { print $1 }' "$O/Module.symvers"; }
used_crc() {
	objcopy -O binary --only-section=__versions "$T/mod/kh_hello.ko" "$T/versions.bin" &&
	python3 - "$T/versions.bin" "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
for i in range(0, len(d), 64):
    crc, name = struct.unpack_from('<Q56s', d, i)
    if name.split(b'\0')[0].decode() == sys.argv[2]:
        print('0x%08x' % crc)
PY
}
expect "... its __versions CRC of _printk is the package's ($(crc_of _printk))" \
	bash -c "[ -n '$(crc_of _printk)' ] && [ \"\$($(declare -f used_crc); T='$T' used_crc _printk)\" = '$(crc_of _printk)' ]"
