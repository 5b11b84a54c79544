#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make deb-check`: the Debian packages (debian/) proved from nothing, as
# root on Debian 12.  Stages, each timed:
#   1. a fresh Debian 12 root (mmdebstrap --variant=buildd, from the
#      registry of the host's apt sources) with only debian/control's
#      Build-Depends added (apt-get build-dep of the source tree);
#   2. dpkg-buildpackage -us -uc -b there, as an unprivileged user
#      (Rules-Requires-Root: no; the test step runs the unit and
#      command-line suites), or as root with KH_DEB_BUILD_AS=root;
#   3. lintian --fail-on error,warning on the .changes and on the source
#      package (Debian 12's lintian, installed in that root);
#   4. a second build in another directory, at another time, with another
#      umask, TZ, locale and parallelism (DEB_BUILD_OPTIONS=nocheck: the
#      tests do not touch what is packaged): every .deb must be the same
#      bytes (diffoscope on the host says why when it is not);
#   5. a second fresh root (minbase): the .debs installed with apt, with the
#      Depends of debian/tests/control, and debian/tests/smoke run there as
#      an unprivileged user, the way autopkgtest runs it (autopkgtest itself
#      needs a testbed backend this machine does not offer).  Its kernel tree
#      is a copy of the files install-into-tree touches in the corpus tree
#      (scripts/corpus.sh env: KH_SRCTREE, only read); without the corpus,
#      or with KH_DEB_LINUX_SOURCE=1, the linux-source package of the test's
#      Depends, as in a real autopkgtest run.
# The .debs, the build logs and lintian's output are left in
# KH_DEB_OUT (default build/deb).  The downloaded .debs are cached in
# KH_CI_APT_CACHE, as .ci/run does; the roots live in KH_CI_ROOT_DIR
# (default /var/tmp) and are deleted afterwards.
set -eu
cd "$(dirname "$0")/.."
top=$PWD
out=${KH_DEB_OUT:-$top/build/deb}
apt_cache=${KH_CI_APT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kheaders-ci/apt-archives}
roots=()
stage_width=44

say() { echo "deb-check: $*"; }
die() { echo "deb-check: $*" >&2; exit 1; }
# shellcheck source=scripts/debroot.sh
source scripts/debroot.sh

[ "$(id -u)" = 0 ] || die "needs root (it creates Debian roots with mmdebstrap)"

cleanup() {
	local r
	debroot_unmount
	for r in "${roots[@]}"; do
		debroot_remove "$r"
	done
	roots=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# make_root VAR VARIANT: a fresh Debian 12 root in a new directory, named
# in VAR, with apt's lists, /proc, /sys, /dev and the .deb cache, and an
# unprivileged user 'kh' (uid 1000) to build and test as.
make_root() {
	local -n r=$1
	r=$(mktemp -d "${KH_CI_ROOT_DIR:-/var/tmp}/kheaders-deb-root.XXXXXX") || return 1
	roots+=("$r")
	debroot_create "$r" "$2" "$apt_cache" || return 1
	echo 'kh:x:1000:1000:kheaders:/home/kh:/bin/bash' >> "$r/etc/passwd" &&
	echo 'kh:x:1000:' >> "$r/etc/group" &&
	mkdir -p "$r/home/kh" && chown 1000:1000 "$r/home/kh" || return 1
	debroot_bind "$r" /proc /proc && debroot_bind "$r" /sys /sys &&
	debroot_bind "$r" /dev /dev &&
	debroot_bind "$r" "$apt_cache" /var/cache/apt/archives || return 1
	in_root "$r" root "apt-get update -qq" || return 1
}

# in_root ROOT USER CMD: CMD in a login-like clean environment in ROOT, as
# root or as 'kh'.
in_root() {
	local as=()
	[ "$2" = root ] || as=(setpriv --reuid=1000 --regid=1000 --clear-groups)
	chroot "$1" "${as[@]}" /usr/bin/env -i \
		HOME="$([ "$2" = root ] && echo /root || echo /home/kh)" \
		LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/bash -c "$3"
}

# copy_source DIR: the tree as git sees it (tracked and untracked files,
# less what .gitignore names), into DIR of the build root, owned by kh.
copy_source() {
	mkdir -p "$broot$1" &&
	git -C "$top" ls-files -z --cached --others --exclude-standard |
		(cd "$top" && xargs -0 sh -c 'for f; do [ -e "$f" ] || [ -L "$f" ] && printf "%s\0" "$f"; done' sh) |
		tar -C "$top" --null -T - -cf - | tar -C "$broot$1" -xf - &&
	chown -R 1000:1000 "$broot/home/kh"
}

build_root() {
	make_root broot buildd || return 1
	copy_source /home/kh/a/kheaders || return 1
	in_root "$broot" root "apt-get build-dep -y -qq /home/kh/a/kheaders >/dev/null" || return 1
	say "the build root has $(chroot "$broot" dpkg-query -W | wc -l) packages"
}

# build NAME USER DIR UMASK ENV...: dpkg-buildpackage -us -uc -b in DIR
# (a copy of the tree), as USER (kh or root), with UMASK and the extra
# environment ENV; the log in $out/build-NAME.log.
build() {
	local name=$1 user=$2 d=$3 u=$4
	shift 4
	in_root "$broot" "$user" "umask $u && cd $d && env $* dpkg-buildpackage -us -uc -b" \
		>"$out/build-$name.log" 2>&1 || {
		tail -40 "$out/build-$name.log"
		return 1
	}
	grep -E '^(unit|cli|boundary|== |tests: |[a-z]+: [0-9]+ passed)|passed, [0-9]+ failed|Synthesis' \
		"$out/build-$name.log" || true
}

first_build() {
	build first "${KH_DEB_BUILD_AS:-kh}" /home/kh/a/kheaders 022 "DEB_BUILD_OPTIONS=parallel=2" ||
		return 1
	rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
	cp "$broot"/home/kh/a/*.deb "$broot"/home/kh/a/*.changes "$broot"/home/kh/a/*.buildinfo "$out/"
	(cd "$out" && ls -l ./*.deb)
}

# lintian on the build's .changes (the .debs) and on the source package
# (dpkg-source -b of a clean copy: debian/control, copyright, changelog,
# tests).
lintian_check() {
	in_root "$broot" root "apt-get install -y -qq --no-install-recommends lintian >/dev/null" || return 1
	copy_source /home/kh/src/kheaders &&
	in_root "$broot" kh "cd /home/kh/src && dpkg-source -b kheaders >/dev/null" || return 1
	in_root "$broot" kh "lintian --version && lintian --fail-on error,warning -i -I --show-overrides /home/kh/a/*.changes /home/kh/src/*.dsc" \
		>"$out/lintian.txt" 2>&1 && rc=0 || rc=$?
	cat "$out/lintian.txt"
	return "$rc"
}

# The second build: another directory name and depth, later, umask 002,
# another TZ and locale, one job instead of two, no tests.
second_build() {
	copy_source /home/kh/b/other/kheaders-src || return 1
	build second kh /home/kh/b/other/kheaders-src 002 \
		"TZ=Asia/Kolkata LC_ALL=C DEB_BUILD_OPTIONS='nocheck parallel=1'" || return 1
	local f g bad=0
	for f in "$out"/*.deb; do
		g=$broot/home/kh/b/other/$(basename "$f")
		if cmp -s "$f" "$g"; then
			echo "same bytes: $(basename "$f") ($(sha256sum <"$f" | cut -c1-16))"
		else
			echo "DIFFERENT: $(basename "$f")"
			bad=1
			! command -v diffoscope >/dev/null || diffoscope --text - "$f" "$g" | head -60
		fi
	done
	return "$bad"
}

# test_depends: the Depends of debian/tests/control, one a line.
test_depends() {
	awk '/^Depends:/ { on = 1; sub(/^Depends:/, "") } /^[A-Z][A-Za-z-]*:/ && !/^Depends:/ { on = 0 }
	     on { gsub(/,/, " "); print }' "$top/debian/tests/control" | tr -s ' \t' '\n' | sed '/^$/d'
}

install_root() {
	local deps ksrc=
	make_root iroot minbase || return 1
	mkdir -p "$iroot/tmp/debs" && cp "$out"/*.deb "$iroot/tmp/debs/" || return 1
	deps=$(test_depends | grep -vxE 'kheaders|libkheaders-dev' | tr '\n' ' ')
	if [ "${KH_DEB_LINUX_SOURCE:-0}" != 1 ] && ksrc=$(corpus_tree); then
		deps=$(tr ' ' '\n' <<<"$deps" | grep -vx linux-source | tr '\n' ' ')
		kbuild_copy "$ksrc" "$iroot/home/kh/ksrc" || return 1
		say "kernel tree: the files install-into-tree touches, copied from $ksrc"
		ksrc=/home/kh/ksrc
	else
		ksrc=
		say "kernel tree: the linux-source package (test Depends)"
	fi
	in_root "$iroot" root "apt-get install -y -qq --no-install-recommends /tmp/debs/*.deb $deps >/dev/null" ||
		return 1
	in_root "$iroot" root "dpkg-query -W kheaders libkheaders0 libkheaders-dev" || return 1
	mkdir -p "$iroot/home/kh/src" &&
	git -C "$top" ls-files -z --cached --others --exclude-standard -- debian docs tests/fixtures |
		(cd "$top" && tar --null -T - -cf -) | tar -C "$iroot/home/kh/src" -xf - &&
	chown -R 1000:1000 "$iroot/home/kh" || return 1
	echo "smoke_ksrc=$ksrc" >"$out/.smoke"
}

corpus_tree() {
	local KH_SRCTREE=
	eval "$(scripts/corpus.sh env 2>/dev/null)" 2>/dev/null || return 1
	[ -n "$KH_SRCTREE" ] && [ -f "$KH_SRCTREE/kernel/Makefile" ] || return 1
	echo "$KH_SRCTREE"
}

# kbuild_copy SRC DIR: copies of the stock files install-into-tree reads
# or writes (tests/lib.sh: kbuild_mini); SRC is never written.
kbuild_copy() {
	(
		# shellcheck source=tests/lib.sh
		source "$top/tests/lib.sh" >/dev/null
		kbuild_mini "$1" "$2"
	)
}

smoke() {
	local ksrc
	ksrc=$(sed -n 's/^smoke_ksrc=//p' "$out/.smoke")
	in_root "$iroot" kh "mkdir -p /tmp/kh-smoke && cd /home/kh/src &&
		AUTOPKGTEST_TMP=/tmp/kh-smoke ${ksrc:+KH_SMOKE_KSRC=$ksrc} debian/tests/smoke" \
		2>&1 | tee "$out/smoke.log"
	return "${PIPESTATUS[0]}"
}

run_all() {
	mkdir -p "$out"
	stage "host: mmdebstrap" debroot_host_tools || return 1
	stage "build root (buildd + Build-Depends)" build_root || return 1
	stage "dpkg-buildpackage -us -uc -b (as ${KH_DEB_BUILD_AS:-kh})" first_build || return 1
	stage "lintian" lintian_check
	stage "second build, compare .debs" second_build
	stage "install root (minbase + .debs + test deps)" install_root || return 1
	stage "debian/tests/smoke (as kh)" smoke
}

broot=
iroot=
run_all || debroot_status=1
print_summary
exit "$debroot_status"
