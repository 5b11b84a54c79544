#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# prepare: every source with a fake root (sysfs file, module loaded by a
# fake modprobe and unloaded again, a module-less failure, a bzImage-like
# boot image, /lib/modules/R/vmlinuz, kheaders.ko, a named file), the
# cache's promises (one unpack for racing callers, a foreign cache root
# refused, a planted symbolic link or a damaged entry replaced and never
# followed, a rebuilt kernel of the same release in its own directory),
# --print-flags, and --gc.
source "$(dirname "$0")/../lib.sh"
F=$FIXTURES/extract
cd "$T" || exit 1

export KHEADERS_ROOT=$T/root KHEADERS_RELEASE=6.1.0-kh-test
export KHEADERS_MODPROBE=$T/modprobe-none
SYSFS=$T/root/sys/kernel/kheaders.tar.xz
mkdir -p root/sys/kernel root/boot obj/include/generated
echo '#define CONFIG_X86 1' > obj/include/generated/autoconf.h

# Two builds of "the same release" with different headers: A and B.
cp -r "$F/tree" treeB
echo '#define KH_SECOND_BUILD 1' >> treeB/include/linux/types.h
"$KHEADERS" build --srctree "$F/tree" --objtree obj --arch x86 -q -o A.tar.xz &&
	"$KHEADERS" build --srctree treeB --objtree obj --arch x86 -q -o B.tar.xz ||
	{ not_ok "kheaders build of the fixture trees"; exit 1; }
shaA=$(sha256sum < A.tar.xz | cut -d' ' -f1)
shaB=$(sha256sum < B.tar.xz | cut -d' ' -f1)
mkdir refA && tar -C refA -xJf A.tar.xz

cat > modprobe-none <<'EOS'
#!/bin/sh
echo "modprobe $*" >> "$KH_MODPROBE_LOG"
exit 1
EOS
cat > modprobe-fake <<'EOS'
#!/bin/sh
# A kernel with CONFIG_IKHEADERS=m: loading makes the sysfs file appear.
echo "modprobe $*" >> "$KH_MODPROBE_LOG"
case "$*" in
*-r*) rm -f "$KHEADERS_ROOT/sys/kernel/kheaders.tar.xz" ;;
*) cp "$KH_MODULE_ARCHIVE" "$KHEADERS_ROOT/sys/kernel/kheaders.tar.xz" ;;
esac
EOS
chmod +x modprobe-none modprobe-fake
export KH_MODPROBE_LOG=$T/modprobe.log KH_MODULE_ARCHIVE=$T/A.tar.xz

# prep NAME WANT_DIR ARGS...: prepare succeeds and prints WANT_DIR.
prep() {
	local name=$1 want=$2 out
	shift 2
	if ! out=$("$KHEADERS" prepare "$@" 2>"$T/.err"); then
		not_ok "$name"; sed 's/^/#   /' "$T/.err"; return 1
	fi
	if [ "$out" != "$want" ]; then
		not_ok "$name (printed '$out', want '$want')"; return 1
	fi
	ok "$name"
}

# same_tree DIR: DIR holds exactly archive A's files, byte for byte.
same_tree() {
	diff -r --exclude=.kheaders-prepared refA "$1" >/dev/null
}

C=$T/cache

# 1. sysfs.
cp A.tar.xz "$SYSFS"
prep "sysfs: prints <root>/<sha256>" "$C/$shaA" --cache-dir "$C" -v
grep -q "unpacked into" .err && ok "sysfs: first call unpacks" ||
	not_ok "sysfs: first call unpacks"
same_tree "$C/$shaA" && ok "sysfs: the tree is the archive's" ||
	not_ok "sysfs: the tree is the archive's"
[ "$(stat -c %a "$C")" = 755 ] && [ "$(stat -c %a "$C/$shaA")" = 755 ] &&
	ok "cache root and entry are 0755" || not_ok "cache root and entry are 0755"
prep "sysfs: second call" "$C/$shaA" --cache-dir "$C" -v
grep -q "using '$C/$shaA'" .err && ! grep -q unpacked .err &&
	ok "sysfs: second call reuses the entry" ||
	not_ok "sysfs: second call reuses the entry"
prep "--from sysfs" "$C/$shaA" --from sysfs --cache-dir "$C"
(cd root && "$KHEADERS" prepare --cache-dir ../cache > ../rel.out) &&
	[ "$(cat rel.out)" = "$C/$shaA" ] &&
	ok "a relative --cache-dir prints an absolute path" ||
	not_ok "a relative --cache-dir prints an absolute path"

# 2. --print-flags, in bcc's order.
D=$C/$shaA
want="-include $D/include/linux/kconfig.h -D__KERNEL__ -I$D/arch/x86/include -I$D/arch/x86/include/generated -I$D/include -I$D/arch/x86/include/uapi -I$D/arch/x86/include/generated/uapi -I$D/include/uapi -I$D/include/generated/uapi"
prep "--print-flags" "$want" --cache-dir "$C" --print-flags
echo 'int main(void) { return 0; }' > flags.c
gcc -fsyntax-only $("$KHEADERS" prepare --cache-dir "$C" --print-flags) flags.c 2>.cc &&
	ok "the flags work with a compiler" ||
	{ not_ok "the flags work with a compiler"; sed 's/^/#   /' .cc; }

# 3. Module: loaded by modprobe, read, unloaded again.
rm -f "$SYSFS" modprobe.log
KHEADERS_MODPROBE=$T/modprobe-fake \
	prep "module: --from module" "$C/$shaA" --from module --cache-dir "$C" -v
grep -q "loaded the kheaders module and unloaded it again" .err &&
	[ "$(cat modprobe.log)" = "$(printf 'modprobe -q kheaders\nmodprobe -q -r kheaders')" ] &&
	[ ! -e "$SYSFS" ] && ok "module: loaded, then unloaded" ||
	{ not_ok "module: loaded, then unloaded"; sed 's/^/#   /' modprobe.log .err; }
rm -f modprobe.log
KHEADERS_MODPROBE=$T/modprobe-fake \
	prep "module: auto falls back to it" "$C/$shaA" --cache-dir "$C" -v
grep -q "(module, sha256" .err && ok "module: auto says it came from the module" ||
	not_ok "module: auto says it came from the module"
cp A.tar.xz "$SYSFS"; rm -f modprobe.log
KHEADERS_MODPROBE=$T/modprobe-fake \
	prep "module: already loaded" "$C/$shaA" --from module --cache-dir "$C"
[ ! -e modprobe.log ] && [ -e "$SYSFS" ] &&
	ok "module: an already loaded module is neither loaded nor unloaded" ||
	not_ok "module: an already loaded module is neither loaded nor unloaded"
rm -f "$SYSFS"

# 4. Nothing anywhere: one line saying what was tried.
expect_fail "module-less kernel: not found" 1 \
	"^kheaders: no headers archive for kernel 6.1.0-kh-test: tried '$T/root/sys/kernel/kheaders.tar.xz' \(No such file or directory\); '$T/modprobe-none kheaders' \(exit status 1\); '$T/root/boot/vmlinuz-6.1.0-kh-test' \(No such file or directory\); '$T/root/lib/modules/6.1.0-kh-test/vmlinuz' .*kheaders.ko' \(absent" \
	"$KHEADERS" prepare --cache-dir "$C"
[ "$(wc -l < .err)" = 1 ] && ok "module-less kernel: one line" ||
	not_ok "module-less kernel: one line"
expect_fail "--from sysfs: absent" 1 "tried '$T/root/sys/kernel/kheaders.tar.xz' \(No such file" \
	"$KHEADERS" prepare --from sysfs --cache-dir "$C"
expect_fail "--from module: no modprobe" 1 \
	"tried 'modprobe kheaders' \(No such file or directory\)$" \
	env -u KHEADERS_MODPROBE PATH=/nonexistent "$KHEADERS" prepare --from module --cache-dir "$C"
expect_fail "--from module: loading disabled" 1 "loading the kheaders module \(disabled\)" \
	env KHEADERS_MODPROBE= "$KHEADERS" prepare --from module --cache-dir "$C"

# 5. Boot files: a bzImage-like vmlinuz, /lib/modules/R/vmlinuz, a module.
gcc -c -DKH_ARCHIVE='"A.tar.xz"' -o stock.o "$F/embed-stock.S" &&
	gcc -o vmlinux "$F/prog.c" stock.o && strip vmlinux || exit 1
head -c 9000 /dev/urandom > vmlinuz; printf 'HdrS' >> vmlinuz
gzip -9c vmlinux >> vmlinuz
echo junk > root/boot/vmlinuz-6.0.0-other
cp vmlinuz root/boot/vmlinuz-6.1.0-kh-test
prep "image: /boot/vmlinuz-R" "$C/$shaA" --from image --cache-dir "$C"
prep "image: auto, after sysfs and modprobe fail" "$C/$shaA" --cache-dir "$C" -v
grep -q "'$T/root/boot/vmlinuz-6.1.0-kh-test' (image" .err &&
	ok "image: says which file" || not_ok "image: says which file"
mkdir -p root/lib/modules/6.1.0-kh-test/kernel/kernel
mv root/boot/vmlinuz-6.1.0-kh-test root/lib/modules/6.1.0-kh-test/vmlinuz
prep "image: /lib/modules/R/vmlinuz" "$C/$shaA" --from image --cache-dir "$C"
rm root/lib/modules/6.1.0-kh-test/vmlinuz
"$KHEADERS" embed B.tar.xz -o kh.o && ld -r -o kheaders.ko kh.o &&
	xz -c kheaders.ko > root/lib/modules/6.1.0-kh-test/kernel/kernel/kheaders.ko.xz || exit 1
prep "image: kheaders.ko.xz on disk, never loaded" "$C/$shaB" --from image --cache-dir "$C"
rm root/lib/modules/6.1.0-kh-test/kernel/kernel/kheaders.ko.xz
prep "--from FILE" "$C/$shaA" --from "$T/vmlinuz" --cache-dir "$C"
expect_fail "--from FILE without an archive" 1 "no headers archive found" \
	"$KHEADERS" prepare --from "$T/obj/include/generated/autoconf.h" --cache-dir "$C"

# 6. Same release string, different headers: its own directory.
cp B.tar.xz "$SYSFS"
prep "rebuilt kernel, same release: new directory" "$C/$shaB" --cache-dir "$C"
[ "$shaA" != "$shaB" ] && [ -d "$C/$shaA" ] && grep -q KH_SECOND_BUILD "$C/$shaB/include/linux/types.h" &&
	! grep -q KH_SECOND_BUILD "$C/$shaA/include/linux/types.h" &&
	ok "rebuilt kernel: both trees, each its own headers" ||
	not_ok "rebuilt kernel: both trees, each its own headers"
cp A.tar.xz "$SYSFS"

# 7. Damaged entries are replaced, never trusted.
damage() {
	local name=$1
	if ! "$KHEADERS" prepare --cache-dir "$C" > .out 2>.err ||
	   [ "$(cat .out)" != "$C/$shaA" ]; then
		not_ok "$name"; sed 's/^/#   /' .err; return
	fi
	if same_tree "$C/$shaA" && grep -q "replaced a damaged" .err &&
	   [ -f "$C/$shaA/.kheaders-prepared" ] && [ ! -L "$C/$shaA" ]; then
		ok "$name"
	else
		not_ok "$name (not replaced)"; sed 's/^/#   /' .err
	fi
}
: > "$C/$shaA/include/linux/types.h"
damage "truncated header: replaced"
head -c 10 "$F/tree/include/linux/kconfig.h" > "$C/$shaA/include/linux/kconfig.h"
damage "half-written header: replaced"
rm "$C/$shaA/arch/x86/include/asm/page.h"
damage "missing header: replaced"
echo '#error planted' > "$C/$shaA/include/linux/extra.h"
damage "extra header: replaced"
rm "$C/$shaA/.kheaders-prepared"
damage "no completion marker: replaced"
head -c 40 "$C/$shaA/.kheaders-prepared" > m && cat m > "$C/$shaA/.kheaders-prepared"
damage "truncated marker: replaced"
chmod g+w "$C/$shaA/include"
damage "group-writable directory: replaced"
if [ "$(id -u)" = 0 ]; then
	chown nobody "$C/$shaA/include/linux/types.h"
	damage "file owned by another user: replaced"
else
	skip "file owned by another user: needs root for chown"
fi
rm -rf "${C:?}/$shaA"; mkdir "$C/$shaA"
damage "empty stale directory (tmp cleaner): replaced"
rm -rf "${C:?}/$shaA"; echo x > "$C/$shaA"
damage "a file in the way: replaced"

# A symbolic link planted where the entry goes: replaced, never followed.
rm -rf "${C:?}/$shaA"; mkdir victim
ln -s "$T/victim" "$C/$shaA"
damage "planted symbolic link: replaced"
[ -z "$(ls -A victim)" ] && ok "planted symbolic link: nothing written through it" ||
	not_ok "planted symbolic link: nothing written through it"
rm -rf "${C:?}/$shaA"; cp -r refA victim2; ln -s "$T/victim2" "$C/$shaA"
damage "planted link to a complete tree: still replaced"

# 8. Unsafe cache roots are refused in one line, before anything is read.
if [ "$(id -u)" = 0 ]; then
	mkdir nobodys && chown nobody nobodys
	expect_fail "cache root owned by another user" 1 \
		"^kheaders: refusing cache root '$T/nobodys': it is owned by uid 65534, not by uid 0$" \
		"$KHEADERS" prepare --cache-dir "$T/nobodys"
	[ "$(wc -l < .err)" = 1 ] && [ -z "$(ls -A nobodys)" ] &&
		ok "foreign cache root: one line, nothing written" ||
		not_ok "foreign cache root: one line, nothing written"
else
	skip "cache root owned by another user: needs root for chown"
fi
mkdir -m 775 groupw
expect_fail "group-writable cache root" 1 "refusing cache root '$T/groupw': it is writable by group or others" \
	"$KHEADERS" prepare --cache-dir "$T/groupw"
mkdir linked; ln -s "$T/linked" rootlink
expect_fail "cache root that is a symbolic link" 1 "refusing cache root '$T/rootlink': it is a symbolic link" \
	"$KHEADERS" prepare --cache-dir "$T/rootlink"
[ -z "$(ls -A linked)" ] && ok "symbolic link root: nothing written through it" ||
	not_ok "symbolic link root: nothing written through it"
mkdir -m 777 shared && mkdir -p shared/mine
expect_fail "directory above the root writable by others" 1 \
	"refusing cache root '$T/shared/mine': '$T/shared' above it is writable by group or others" \
	"$KHEADERS" prepare --cache-dir "$T/shared/mine"
mkdir -m 1777 sticky
prep "sticky directory above the root (/tmp) is fine" "$T/sticky/c/$shaA" --cache-dir "$T/sticky/c"

# 9. Racing callers: all succeed, one unpack, same directory.
mkdir -p big/include/linux big/arch/x86/include/asm
for i in $(seq 1 1500); do
	printf '#define KH_BIG_%d %d\n' "$i" "$i" > big/include/linux/big$i.h
done
cp "$F/tree/include/linux/kconfig.h" big/include/linux/
"$KHEADERS" build --srctree big --objtree obj --arch x86 -q -o big.tar.xz || exit 1
shaBig=$(sha256sum < big.tar.xz | cut -d' ' -f1)
# Each caller reads its "sysfs file" from a FIFO, so all four hold the
# archive at the same moment and race on the check and the unpack.
for i in 1 2 3 4; do
	mkdir -p race-root$i/sys/kernel && mkfifo race-root$i/sys/kernel/kheaders.tar.xz
	KHEADERS_ROOT=$T/race-root$i "$KHEADERS" prepare --cache-dir "$T/race" -v \
		> race$i.out 2> race$i.err &
done
for i in 1 2 3 4; do cat big.tar.xz > race-root$i/sys/kernel/kheaders.tar.xz & done
rc=0
for i in 1 2 3 4; do wait %$i || rc=1; done
wait
n=$(cat race?.err | grep -c -e "unpacked into" -e "in vain")
[ $rc = 0 ] && [ "$(sort -u race?.out)" = "$T/race/$shaBig" ] && [ "$n" = 1 ] &&
	ok "four racing callers: all succeed, one unpack, one directory" ||
	{ not_ok "four racing callers (status $rc, $n unpacks)"; cat race?.err | sed 's/^/#   /'; }
[ -z "$(ls -A "$T/race" | grep -v -e '^\.lock$' -e "^$shaBig\$")" ] &&
	ok "racing callers leave no temporary directory" ||
	not_ok "racing callers leave no temporary directory"
[ "$(find "$T/race/$shaBig" -name 'big*.h' | wc -l)" = 1500 ] &&
	ok "racing callers: the whole tree" || not_ok "racing callers: the whole tree"

# 10. --gc: the running kernel (A) stays, B and big go, foreign things stay.
cp A.tar.xz "$SYSFS"
mkdir "$C/not-ours" "$C/0000000000000000000000000000000000000000000000000000000000000000"
"$KHEADERS" prepare --cache-dir "$C" --from "$T/big.tar.xz" > /dev/null
out=$("$KHEADERS" prepare --gc --cache-dir "$C" -v 2>.err)
[ "$out" = "removed 1 cached tree(s), kept 2, left 2 unrecognised" ] &&
	[ -d "$C/$shaA" ] && [ ! -e "$C/$shaB" ] && [ -d "$C/$shaBig" ] &&
	[ -d "$C/not-ours" ] && grep -q "removed '$C/$shaB'" .err &&
	ok "gc: removes the tree no kernel has, keeps the running one and an unchanged file's" ||
	{ not_ok "gc ($out)"; sed 's/^/#   /' .err; }
rm big.tar.xz
cp vmlinuz root/boot/vmlinuz-6.1.0-kh-test
rm "$SYSFS"
out=$("$KHEADERS" prepare --gc --cache-dir "$C" 2>.err)
[ "$out" = "removed 1 cached tree(s), kept 1, left 2 unrecognised" ] &&
	[ -d "$C/$shaA" ] && [ ! -e "$C/$shaBig" ] &&
	ok "gc: a kernel in /boot keeps its tree; a deleted file's goes" ||
	{ not_ok "gc with a boot image ($out)"; sed 's/^/#   /' .err; }
out=$("$KHEADERS" prepare --gc --cache-dir "$T/nonexistent" 2>.err)
[ "$out" = "removed 0 cached tree(s), kept 0, left 0 unrecognised" ] && [ ! -e "$T/nonexistent" ] &&
	ok "gc: a missing cache root is empty, not created" || not_ok "gc: a missing cache root"
if [ -d nobodys ]; then
	expect_fail "gc refuses a foreign cache root" 1 "owned by uid 65534" \
		"$KHEADERS" prepare --gc --cache-dir "$T/nobodys"
else
	skip "gc refuses a foreign cache root: needs root for chown"
fi

# 12. An unprivileged user: the XDG or ~/.cache default, root's cache refused.
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null; then
	U=$(mktemp -d /tmp/kh-prepare-user.XXXXXX)
	chmod 755 "$U" && mkdir "$U/home" && chown nobody "$U/home"
	cp "$KHEADERS" A.tar.xz "$U/" && chmod 644 "$U/A.tar.xz"
	cp -a "$(dirname "$KHEADERS")"/libkheaders.so* "$U/" 2>/dev/null
	as_nobody() { runuser -u nobody -- env -i HOME="$U/home" "$@"; }
	out=$(as_nobody "$U/kheaders" prepare --from "$U/A.tar.xz" 2>&1)
	[ "$out" = "$U/home/.cache/kheaders/$shaA" ] &&
		[ "$(stat -c %U:%a "$U/home/.cache")" = nobody:700 ] &&
		ok "user: ~/.cache/kheaders by default, ~/.cache private" ||
		not_ok "user: ~/.cache/kheaders by default ($out)"
	out=$(as_nobody XDG_CACHE_HOME="$U/home/xdg" "$U/kheaders" prepare --from "$U/A.tar.xz" 2>&1)
	[ "$out" = "$U/home/xdg/kheaders/$shaA" ] &&
		ok "user: \$XDG_CACHE_HOME/kheaders" || not_ok "user: \$XDG_CACHE_HOME/kheaders ($out)"
	out=$(as_nobody "$U/kheaders" prepare --from "$U/A.tar.xz" --cache-dir "$U" 2>&1)
	[ $? = 1 ] && [ "$out" = "kheaders: refusing cache root '$U': it is owned by uid 0, not by uid 65534" ] &&
		ok "user: root's cache root refused" || not_ok "user: root's cache root refused ($out)"
	rm -rf "$U"
else
	skip "unprivileged user: needs root and runuser"
fi

# 11. Usage.
expect_fail "--gc with --print-flags" 2 "mutually exclusive" \
	"$KHEADERS" prepare --gc --print-flags
expect_fail "an argument" 2 "too many arguments" "$KHEADERS" prepare foo
expect_fail "--modules with --print-flags" 2 "mutually exclusive" \
	"$KHEADERS" prepare --modules --print-flags
expect_fail "--kernel-image without --modules" 2 "need --modules" \
	"$KHEADERS" prepare --kernel-image vmlinuz

# 12. --modules on an archive of headers only (the module kit's own tests
# need a real kernel tree: tests/corpus/t_modules_debian.sh, e2e t_90..t_94).
expect_fail "--modules, headers-only archive: one line naming CONFIG_IKHEADERS_MODULES" 1 \
	"has headers only .*CONFIG_IKHEADERS_MODULES=y" \
	"$KHEADERS" prepare --modules --from "$T/A.tar.xz" --cache-dir "$T/cache-kit"
