#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bounded work on hostile input (docs/bad-input.md): inputs of a few
# kilobytes that once kept list, extract or diff busy for minutes must end
# within a generous ceiling (CEIL seconds, a hang bound, not a benchmark)
# with the right result or one line naming the limit; and the write-side
# rules of extract: never replace a node, never link to a file the archive
# did not write, never write into a directory someone else can change.
source "$(dirname "$0")/../lib.sh"
require xz zstd gzip python3 cc bc tar timeout
# A hang bound, far above what any case takes (seconds); the sanitizer
# build runs our scanning code several times slower.
case ${B:-} in
*-san) CEIL=${KH_HOSTILE_CEIL:-300} ;;
*) CEIL=${KH_HOSTILE_CEIL:-120} ;;
esac
cd "$T" || exit 1

# bounded NAME STATUS REGEX CMD...: expect_fail under a ceiling; the time
# taken is printed as a comment.
bounded() {
	local name=$1 status=$2 re=$3 t0 rc
	shift 3
	t0=$(date +%s.%N)
	timeout -s KILL "$CEIL" "$@" >"$T/.out" 2>"$T/.err"
	rc=$?
	echo "#   $name: $(echo "$(date +%s.%N) - $t0" | bc) s"
	if [ "$rc" -eq "$status" ] && { [ -z "$re" ] || grep -Eq -- "$re" "$T/.err"; }; then
		ok "$name"
	else
		not_ok "$name (exit $rc, want $status; $CEIL s ceiling)"
		sed 's/^/#   /' "$T/.err" | head -5
	fi
}

mk() { mk_tar_xz "$@"; }

# ---- the search budget: decoded bytes and candidate streams ------------
# One 1 GiB xz bomb (about 160 KB) is the brick of three hostile inputs.
head -c 1G /dev/zero | xz -0 -T1 > bomb.xz
# (1) a 2 MB file of IKHD_ST markers, each followed by the bomb
for i in $(seq 13); do printf IKHD_ST; cat bomb.xz; done > markers.bin
bounded "list of 13 markers each before a 1 GiB stream gives up" 1 \
	"'markers.bin': gave up searching: more than 1073741824 bytes decoded in all \(--max-decoded\)" \
	"$KHEADERS" list markers.bin
# (2) 290,000 bare markers: the stream count ends it
python3 -c 'import sys; sys.stdout.write("IKHD_ST" * 290000)' > bare-markers.bin
bounded "list of 290,000 bare markers gives up" 1 \
	"gave up searching: more than 16384 candidate compressed streams \(--max-streams\)" \
	"$KHEADERS" list bare-markers.bin
# (3) xz streams nested inside a decoded container
for i in $(seq 16); do cat bomb.xz; done | gzip -9 > nested.gz
echo "#   nested.gz: $(stat -c %s nested.gz) bytes"
bounded "list of 16 bombs inside a gzip container gives up" 1 \
	"gave up searching: .*more than 1073741824 bytes decoded in all \(--max-decoded\)" \
	"$KHEADERS" list nested.gz
# (4) 80 zstd frames, each expanding to 1 GiB
head -c 1G /dev/zero | zstd -q -3 > frame.zst
for i in $(seq 80); do cat frame.zst; done > frames.zst
bounded "list of 80 frames of 1 GiB each gives up" 1 \
	"'frames.zst': gave up searching: .*zstd stream at offset [0-9]+: more than 1073741824 bytes decoded in all \(--max-decoded\)" \
	"$KHEADERS" list frames.zst
# (5) a stream past the limit is named as such, not as "no stream found"
bounded "a stream past --max-decoded is named with the option" 1 \
	"zstd stream at offset 0: more than 16777216 bytes decoded in all \(--max-decoded\)" \
	"$KHEADERS" extract --max-decoded 16M frame.zst -o out.tar.xz
grep -q 'none of gzip' "$T/.err" && not_ok "no false 'none found'" || ok "no false 'none found'"
bounded "--max-streams bounds the candidates" 1 "more than 10 candidate" \
	"$KHEADERS" list --max-streams 10 bare-markers.bin
rm -f bomb.xz markers.bin nested.gz frame.zst frames.zst bare-markers.bin

# ---- links: resolution is n log n, not links x depth x links ------------
mk links '
deep = "/".join("d%d" % i for i in range(30))
reg(deep + "/f")
for n in range(20000):
    special("%s/l%05d" % (deep, n), tarfile.SYMTYPE, linkname="../" * 29 + deep + "/f")
'
echo "#   links.tar.xz: $(stat -c %s links.tar.xz) bytes"
mkdir -m 700 out-links
bounded "20,000 symbolic links 30 levels deep unpack" 0 "" \
	"$KHEADERS" extract links.tar.xz -C out-links
[ "$(find out-links -type l | wc -l)" = 20000 ] &&
	ok "all 20,000 links were made" || not_ok "all 20,000 links were made"

# ---- diff: lines crafted to collide in a hash table ---------------------
if cc -O2 -o fnv_collide "$TOP/tests/tools/fnv_collide.c" 2>cc.err; then
	mkdir -p ca/include cb/include
	./fnv_collide > ca/include/x.h
	{ head -131072 ca/include/x.h; echo changed; tail -n +131074 ca/include/x.h; } > cb/include/x.h
	bounded "diff --unified of 262,144 colliding lines" 1 "" \
		"$KHEADERS" diff --unified ca cb
	grep -q '^+changed$' "$T/.out" && ok "the colliding-lines hunk is right" ||
		not_ok "the colliding-lines hunk is right"
else
	not_ok "cc builds tests/tools/fnv_collide.c (Debian package gcc)"
	sed 's/^/#   /' cc.err
fi

# ---- diff: declared sizes are charged before anything is read -----------
truncate -s 1T sparse && printf x >> sparse
tar --format=gnu --sparse -cf - sparse | xz > sparse.tar.xz
rm -f sparse
echo "#   sparse.tar.xz: $(stat -c %s sparse.tar.xz) bytes for 1 TiB"
mk small 'reg("sparse", b"x")'
bounded "diff of an archive with a 1 TiB sparse entry is refused" 2 \
	"'sparse'.*1073741824 bytes \(--max-size\)" \
	"$KHEADERS" diff small.tar.xz sparse.tar.xz
mkdir -p da db
truncate -s 1T db/big
echo x > da/big
bounded "diff of a directory with a 1 TiB sparse file is refused" 2 \
	"'\./big'.*--max-size" "$KHEADERS" diff da db
bounded "--max-size lowers the bound" 2 "'\./big'.*--max-size" \
	"$KHEADERS" diff --max-size 1 da da
bounded "within --max-size the same trees compare equal" 0 "" \
	"$KHEADERS" diff --max-size 4 da da

# ---- diff --unified never names an unsafe path in a patch header ---------
mk safe 'reg("./include/a.h", b"one\n"); reg("include/../../etc/evil", b"one\n")'
mk unsafe 'reg("./include/a.h", b"two\n"); reg("include/../../etc/evil", b"two\n")'
bounded "diff --unified refuses a '..' entry name" 2 \
	"refusing to write a patch for '(\./)?include/\.\./\.\./etc/evil': '\.\.' component" \
	"$KHEADERS" diff --unified safe.tar.xz unsafe.tar.xz
grep -q '^+++ b/include/\.\./' "$T/.out" && not_ok "no '..' name reached a patch header" ||
	ok "no '..' name reached a patch header"
bounded "without --unified the '..' entry is listed" 1 "" \
	"$KHEADERS" diff safe.tar.xz unsafe.tar.xz
grep -Eq 'changed: (\./)?include/\.\./\.\./etc/evil' "$T/.out" &&
	ok "the listing names it" || not_ok "the listing names it"

# ---- list: C1 control bytes never reach the terminal raw -----------------
mk c1 'reg("include/a\udc9b31mred.h"); reg("include/b\udc9d0;title\x07.h"); reg("include/\u00e9t\u00e9.h"); reg("include/c\u009b.h")'
for form in "" --long; do
	"$KHEADERS" list $form c1.tar.xz > "list$form.txt"
	if LC_ALL=C grep -qaP '[\x80-\x9f]' <(LC_ALL=C sed 's/\xc3\xa9//g' "list$form.txt"); then
		not_ok "list $form: no raw C1 byte"
		od -c "list$form.txt" | head -5 | sed 's/^/#   /'
	else
		ok "list $form: no raw C1 byte"
	fi
done
grep -q 'a\\23331mred.h' list.txt && grep -q 'b\\2350;title\\a.h' list.txt &&
	grep -q 'c\\302\\233.h' list.txt &&
	ok "list escapes 0x9b, 0x9d and U+009B as octal" ||
	{ not_ok "list escapes 0x9b, 0x9d and U+009B as octal"; sed 's/^/#   /' list.txt; }
grep -q "$(printf 'include/\xc3\xa9t\xc3\xa9.h')" list.txt &&
	ok "list keeps valid UTF-8 names" || not_ok "list keeps valid UTF-8 names"
"$KHEADERS" list --json c1.tar.xz | grep -q 'a\\u009b31mred.h' &&
	ok "list --json escapes them" || not_ok "list --json escapes them"

# ---- extract -o replaces a file or a link, never a node -------------------
mk good 'reg("./include/a.h")'
mkfifo fifo
bounded "extract -o FIFO is refused" 1 "refusing to replace '.*fifo': it exists and is not a regular file" \
	"$KHEADERS" extract good.tar.xz -o fifo
[ -p fifo ] && ok "the FIFO is still there" || not_ok "the FIFO is still there"
if [ "$(id -u)" = 0 ]; then
	mknod null c 1 3
	bounded "extract -o DEVICE is refused" 1 "refusing to replace '.*null'" \
		"$KHEADERS" extract good.tar.xz -o null
	[ -c null ] && ok "the device node is still there" ||
		not_ok "the device node is still there"
else
	skip "extract -o DEVICE: needs root for mknod"
fi
echo keep > target && ln -s target link
bounded "extract -o LINK replaces the link" 0 "" \
	"$KHEADERS" extract good.tar.xz -o link
[ ! -L link ] && same_bytes link good.tar.xz && [ "$(cat target)" = keep ] &&
	ok "the link was replaced, its target untouched" ||
	not_ok "the link was replaced, its target untouched"

# ---- extract -C: hard links only to what this archive wrote --------------
mk hl 'special("h", tarfile.LNKTYPE, linkname="secret")'
mkdir -m 700 out-hl && echo secret > out-hl/secret
bounded "a hard link to a file that was in DIR before is refused" 1 \
	"refusing 'h'.*not a file unpacked before it" \
	"$KHEADERS" extract hl.tar.xz -C out-hl
[ ! -e out-hl/h ] && [ "$(stat -c %h out-hl/secret)" = 1 ] &&
	ok "no link to the old file was made" || not_ok "no link to the old file was made"
mk hl2 'reg("f"); special("h", tarfile.LNKTYPE, linkname="f")'
mkdir -m 700 out-hl2
bounded "a hard link to a file the archive wrote is made" 0 "" \
	"$KHEADERS" extract hl2.tar.xz -C out-hl2
[ "$(stat -c %h out-hl2/f)" = 2 ] && ok "it is a hard link" || not_ok "it is a hard link"

# ---- extract -C: every directory written into must be trusted -----------
# One rule (kh_dir_trust(), docs/design.md "Directories"): ours, and
# writable by neither group nor others, whoever the group is.
mkdir -m 700 out-ww && mkdir -m 777 out-ww/include
bounded "a world-writable subdirectory is refused" 1 \
	"refusing '\./include/a\.h'.*not yours or is writable by group or others" \
	"$KHEADERS" extract good.tar.xz -C out-ww
[ ! -e out-ww/include/a.h ] && ok "nothing written into it" || not_ok "nothing written into it"
if [ "$(id -u)" = 0 ]; then
	mkdir -m 700 out-foreign && mkdir -m 755 out-foreign/include
	chown nobody out-foreign/include
	bounded "a subdirectory owned by another user is refused" 1 \
		"not yours or is writable by group or others" \
		"$KHEADERS" extract good.tar.xz -C out-foreign
	mkdir -m 770 out-grp && chgrp nogroup out-grp
	bounded "a DIR writable by a group not the caller's is refused" 1 \
		"refusing to unpack into '.*out-grp': it is writable by group or others \(mode 0770\)" \
		"$KHEADERS" extract good.tar.xz -C out-grp
else
	skip "foreign subdirectory and group: need root for chown"
fi
mkdir -m 770 out-owngrp
bounded "a DIR writable by the caller's own group is refused" 1 \
	"refusing to unpack into '.*out-owngrp': it is writable by group or others \(mode 0770\)" \
	"$KHEADERS" extract good.tar.xz -C out-owngrp
[ -z "$(ls -A out-owngrp)" ] && ok "nothing written into the group's DIR" ||
	not_ok "nothing written into the group's DIR"
mkdir -m 700 out-gw && mkdir -m 770 out-gw/include
bounded "a subdirectory writable by the caller's own group is refused" 1 \
	"refusing '\./include/a\.h'.*not yours or is writable by group or others" \
	"$KHEADERS" extract good.tar.xz -C out-gw
mkdir -m 770 out-owngrp/new
bounded "a new DIR inside the group's directory is made private and used" 0 "" \
	"$KHEADERS" extract good.tar.xz -C out-owngrp/new/hdrs
[ "$(stat -c %a out-owngrp/new/hdrs)" = 700 ] && [ -e out-owngrp/new/hdrs/include/a.h ] &&
	ok "the new DIR is 0700 and holds the headers" ||
	not_ok "the new DIR is 0700 and holds the headers"
