#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# extract -C against hostile archives and hostile directories: each must be
# refused with the entry and the reason, and nothing outside the directory
# may be created or changed (a canary tree is checked with find -newer).
source "$(dirname "$0")/../lib.sh"
require xz python3
F=$FIXTURES/extract
cd "$T" || exit 1
mkdir -p canary/etc work
echo secret > canary/etc/passwd

mk() { mk_tar_xz "$@"; }

mk dotdot 'reg("./include/ok.h"); reg("include/../../canary/evil")'
mk absolute 'reg(top + "/canary/abs")'
mk symlink_root 'special("l", tarfile.SYMTYPE, linkname="/"); reg("l" + top + "/canary/via-link")'
mk symlink_up 'special("include/up", tarfile.SYMTYPE, linkname="../..")'
mk symlink_chain 'special("b", tarfile.DIRTYPE); special("b/a", tarfile.SYMTYPE, linkname="."); special("y", tarfile.SYMTYPE, linkname="b/a/../..")'
mk hardlink_out 'special("h", tarfile.LNKTYPE, linkname="../canary/etc/passwd")'
mk hardlink_abs 'special("h", tarfile.LNKTYPE, linkname=top + "/canary/etc/passwd")'
mk hardlink_missing 'special("h", tarfile.LNKTYPE, linkname="canary/etc/passwd")'
mk device 'special("dev/null", tarfile.CHRTYPE, devmajor=1, devminor=3)'
mk blockdev 'special("sda", tarfile.BLKTYPE, devmajor=8, devminor=0)'
mk fifo 'special("include/pipe", tarfile.FIFOTYPE)'

# The 10 GiB sparse bomb: a GNU sparse entry, a few KiB compressed.
truncate -s 10G sparse && printf x >> sparse
tar --format=gnu --sparse -cf - sparse | xz > bomb.tar.xz
rm -f sparse

stamp() { settle; touch "$T/stamp"; }
# untouched NAME: nothing under canary/ or work/ changed since the stamp,
# apart from the unpack directory itself.
untouched() {
	local changed
	changed=$(find "$T/canary" "$T/work" -newer "$T/stamp" ! -path "$T/work" ! -path "$T/work/d" ! -path "$T/work/d/*")
	[ -z "$changed" ] && [ "$(cat "$T/canary/etc/passwd")" = secret ] &&
		ok "$1: nothing outside touched" ||
		{ not_ok "$1: nothing outside touched"; echo "# $changed"; }
}

# refused NAME ENTRY-REGEX REASON-REGEX [OPTIONS]
refused() {
	local name=$1 entry=$2 reason=$3
	shift 3
	rm -rf work/d
	stamp
	expect_fail "$name refused" 1 "'$entry'.*$reason" \
		timeout 120 "$KHEADERS" extract $name.tar.xz -C work/d "$@"
	untouched "$name"
}

refused dotdot 'include/\.\./\.\./canary/evil' "'\.\.' component"
refused absolute "$T/canary/abs" "absolute path"
refused symlink_root l "symbolic link to an absolute path"
refused symlink_up include/up "pointing outside"
refused symlink_chain y "through another symbolic link"
refused hardlink_out h "'\.\.' component"
refused hardlink_abs h "absolute path"
refused hardlink_missing h "not a file unpacked before it"
refused device dev/null "device node"
refused blockdev sda "device node"
refused fifo include/pipe "FIFO"
refused bomb sparse "exceed 1073741824 bytes"
size=$(du -sk work/d 2>/dev/null | cut -f1)
[ "${size:-0}" -lt 1024 ] && ok "bomb wrote nothing big" ||
	not_ok "bomb wrote nothing big"

# --max-size also bounds ordinary archives.
tar --format=ustar -C "$F/tree" -cf - . | xz > good.tar.xz
refused good 'include/.*|arch/.*|\./.*' "exceed 2048 bytes" --max-size 2048

# Hostile directories.
rm -rf work/d
ln -s ../canary work/d
stamp
expect_fail "directory that is a symlink refused" 1 "'work/d': it is a symbolic link" \
	"$KHEADERS" extract good.tar.xz -C work/d
untouched "directory symlink"
[ ! -e canary/include ] && ok "nothing unpacked through the symlink" ||
	not_ok "nothing unpacked through the symlink"
rm -f work/d
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	mkdir work/d && chown nobody work/d
	expect_fail "directory owned by another user refused" 1 "owned by uid" \
		"$KHEADERS" extract good.tar.xz -C work/d
	[ -z "$(ls -A work/d)" ] && ok "foreign directory left empty" ||
		not_ok "foreign directory left empty"
	rm -rf work/d
else
	skip "directory owned by another user: needs root"
fi
mkdir work/d && chmod 0777 work/d
expect_fail "world-writable directory refused" 1 "writable by group or others" \
	"$KHEADERS" extract good.tar.xz -C work/d
rm -rf work/d

# A good archive: contents, modes, a fresh 0700 directory, links as links.
mkdir -p tree2 && cp -a "$F/tree/." tree2/
chmod 0600 tree2/include/linux/types.h
ln -s types.h tree2/include/linux/alias.h
ln tree2/include/linux/kconfig.h tree2/include/linux/hard.h
tar --format=ustar -C tree2 -cf - . | xz > good2.tar.xz
(umask 077; "$KHEADERS" extract good2.tar.xz -C work/d) &&
	ok "good archive unpacks" || not_ok "good archive unpacks"
diff -r tree2 work/d >/dev/null && ok "unpacked tree equals the source" ||
	not_ok "unpacked tree equals the source"
[ "$(stat -c %a work/d)" = 700 ] && ok "new directory is 0700" || not_ok "new directory is 0700"
modes=$(cd work/d && find . -mindepth 1 ! -type l -printf '%y %m\n' | sort -u | tr '\n' ' ')
[ "$modes" = "d 755 f 644 " ] && ok "sane modes ($modes)" || not_ok "sane modes ($modes)"
[ -L work/d/include/linux/alias.h ] && ok "symlink kept as a link" || not_ok "symlink kept as a link"
[ "$(stat -c %i work/d/include/linux/hard.h)" = "$(stat -c %i work/d/include/linux/kconfig.h)" ] &&
	ok "hard link kept as a link" || not_ok "hard link kept as a link"
"$KHEADERS" extract good2.tar.xz -C work/d && ok "unpacking again over itself works" ||
	not_ok "unpacking again over itself works"
