#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make install into a DESTDIR, then build docs/example/list-headers.c the
# way a user would (pkg-config kheaders, shared and static library) and run
# it on an archive.
source "$(dirname "$0")/../lib.sh"
require xz pkg-config readelf nm cc make

R=$T/root
if ! make -s -C "$TOP" install DESTDIR="$R" PREFIX=/usr >"$T/install.log" 2>&1; then
	not_ok "make install DESTDIR=... PREFIX=/usr"
	sed 's/^/#   /' "$T/install.log" | tail -20
	exit 0
fi
ok "make install DESTDIR=... PREFIX=/usr"
missing=
for f in usr/include/kheaders.h usr/lib/libkheaders.a usr/lib/libkheaders.so \
	 usr/lib/libkheaders.so.0 usr/lib/pkgconfig/kheaders.pc usr/bin/kheaders; do
	[ -e "$R/$f" ] || missing="$missing /$f"
done
expect "install puts the header, libraries, .pc and binary in place" \
	test -z "$missing"
expect "kheaders.pc points at /usr" \
	grep -qx 'includedir=/usr/include' "$R/usr/lib/pkgconfig/kheaders.pc"

export PKG_CONFIG_SYSROOT_DIR=$R
export PKG_CONFIG_LIBDIR=$R/usr/lib/pkgconfig:$(pkg-config --variable pc_path pkg-config)
expect "pkg-config finds kheaders in the DESTDIR" \
	bash -c "pkg-config --cflags --libs kheaders | grep -q -- '-I$R/usr/include'"

# An archive to list: two headers, a directory, a symlink.
mkdir -p "$T/tree/include/linux"
echo '#define A 1' >"$T/tree/include/linux/a.h"
echo '#define B 1' >"$T/tree/include/linux/b.h"
ln -s a.h "$T/tree/include/linux/c.h"
tar -C "$T/tree" --format=ustar --owner=0 --group=0 --sort=name -cf - . |
	xz -c >"$T/h.tar.xz"
printf './include/linux/a.h\n./include/linux/b.h\n' >"$T/want"

EX=$TOP/docs/example/list-headers.c
# shellcheck disable=SC2046
if cc -Wall -Werror -o "$T/ex-shared" "$EX" $(pkg-config --cflags --libs kheaders) \
	2>"$T/cc.log"; then
	ok "the example builds against the shared library via pkg-config"
	expect "the shared build needs libkheaders.so.0" \
		bash -c "readelf -d '$T/ex-shared' | grep -q 'NEEDED.*libkheaders.so.0'"
	LD_LIBRARY_PATH=$R/usr/lib "$T/ex-shared" "$T/h.tar.xz" >"$T/out-shared" 2>"$T/err"
	expect "the shared build lists the headers of an archive" \
		same_bytes "$T/want" "$T/out-shared"
else
	not_ok "the example builds against the shared library via pkg-config"
	sed 's/^/#   /' "$T/cc.log" | head -20
fi

# A sanitizer build's static library needs the sanitizer runtimes linked.
san=
nm "$T/root/usr/lib/libkheaders.a" 2>/dev/null | grep -q __asan_ &&
	san="-fsanitize=address,undefined"
# shellcheck disable=SC2046
if cc -Wall -Werror $san -o "$T/ex-static" "$EX" $(pkg-config --cflags kheaders) \
	$(pkg-config --static --libs kheaders | sed 's/-lkheaders/-l:libkheaders.a/') \
	2>"$T/cc.log"; then
	ok "the example builds against the static library (pkg-config --static)"
	expect "the static build does not need libkheaders.so" \
		bash -c "! readelf -d '$T/ex-static' | grep -q libkheaders"
	"$T/ex-static" - <"$T/h.tar.xz" >"$T/out-static" 2>"$T/err"
	expect "the static build lists the headers from standard input" \
		same_bytes "$T/want" "$T/out-static"
	expect_fail "the example reports a bad input" 1 "list-headers: .*$T/junk" \
		"$T/ex-static" "$T/junk"
else
	not_ok "the example builds against the static library (pkg-config --static)"
	sed 's/^/#   /' "$T/cc.log" | head -20
fi
