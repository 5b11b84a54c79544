#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# list and diff on the real linux 6.1 headers (include/ and arch/x86/include/
# of the source tree, packed by GNU tar as the kernel packs them): names
# match tar -t, the JSON parses, a recompression is found to be only that,
# an unpacked tree equals its archive, and a real edit gives a patch that
# patch -p1 applies.
source "$(dirname "$0")/../lib.sh"
require xz python3 patch

if ! corpus_env; then
	skip "linux 6.1 corpus not fetched (scripts/corpus.sh fetch)"
	exit 0
fi

(cd "$KH_SRCTREE" &&
	{ printf 'arch\0arch/x86\0'; find include arch/x86/include -print0; } |
	LC_ALL=C sort -z |
	tar --format=ustar --owner=0 --group=0 --numeric-owner \
	    --mtime=@1700000000 --no-recursion --null -T - -cf "$T/h.tar")
xz -0 -T2 -c "$T/h.tar" >"$T/h0.tar.xz"
xz -1 -T2 -c "$T/h.tar" >"$T/h1.tar.xz"
n=$(tar -tf "$T/h.tar" | wc -l)

tar -tf "$T/h.tar" >"$T/tar.names"
"$KHEADERS" list "$T/h0.tar.xz" >"$T/names"
expect "list names match tar -t on $n real entries" \
	same_bytes "$T/tar.names" "$T/names"
expect "list --json of the real headers is valid JSON" \
	bash -c "'$KHEADERS' list --json '$T/h0.tar.xz' | python3 -m json.tool >/dev/null"

"$KHEADERS" diff "$T/h0.tar.xz" "$T/h1.tar.xz" >"$T/out"
rc=$?
expect "xz -0 and xz -1 of the same tar: equal, only the compression differs" \
	bash -c "[ $rc -eq 0 ] && grep -qx '0 only in A, 0 only in B, 0 changed, $n identical' '$T/out' && grep -q 'only the compression differs' '$T/out'"

# GNU tar sets a directory's mtime before it has unpacked all of its files
# when they do not follow it directly in the archive (include/linux/atomic
# is followed by include/linux/atomic-*.h), so directory mtimes differ.
mkdir "$T/u"
tar -xf "$T/h.tar" -C "$T/u"
"$KHEADERS" diff --ignore=owner "$T/u" "$T/h0.tar.xz" >"$T/out"
expect "the unpacked tree differs from its archive only in directory mtimes" \
	bash -c "grep '^changed: ' '$T/out' | grep -v ' (mtime only)\$' | grep -q . && exit 1
		 for d in \$(sed -n 's/^changed: \\(.*\\) (mtime only)\$/\\1/p' '$T/out'); do
			[ -d '$T/u/'\$d ] || exit 1
		 done
		 grep -qx '0 only in A, 0 only in B, [0-9]* changed, [0-9]* identical' '$T/out'"
expect "the unpacked tree equals its archive but for owners and mtimes" \
	"$KHEADERS" diff -q --ignore=owner,mtime "$T/u" "$T/h0.tar.xz"

cp -a "$T/u" "$T/v"
sed -i 's/^#define TASK_RUNNING\t\t\t0x00000000$/#define TASK_RUNNING\t\t\t0x00000001/' \
	"$T/v/include/linux/sched.h"
touch -r "$T/u/include/linux/sched.h" "$T/v/include/linux/sched.h"
rm "$T/v/include/linux/kconfig.h"
"$KHEADERS" diff -u "$T/u" "$T/v" >"$T/patch"
rc=$?
expect "a one-byte edit of sched.h is reported as content" \
	bash -c "[ $rc -eq 1 ] && grep -qx 'changed: ./include/linux/sched.h (content)' '$T/patch'"
expect "a removed kconfig.h is only in A" \
	grep -qx 'only in A: ./include/linux/kconfig.h' "$T/patch"
expect "the patch has the one-byte hunk" grep -qx '+#define TASK_RUNNING.*0x00000001' "$T/patch"
expect "the patch applies with patch -p1 and gives B" \
	bash -c "cd '$T/u' && patch -p1 -s <'$T/patch' && diff -r . '$T/v'"
