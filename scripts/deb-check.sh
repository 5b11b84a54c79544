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
#      command-line suites);
#   3. lintian --fail-on error,warning on the .changes (Debian 12's
#      lintian, installed in that root);
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
suite=bookworm
roots=()
mounts=()
summary=()
status=0
t0=$(date +%s)

say() { echo "deb-check: $*"; }
die() { echo "deb-check: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (it creates Debian roots with mmdebstrap)"

# host_sources: the host's apt sources for Debian 12 (only those: never
# the corpus' download-only unstable entry).
host_sources() {
	local f=/etc/apt/sources.list.d/debian.sources
	if [ -f "$f" ] && grep -qE "^Suites:.*\b$suite\b" "$f"; then
		echo "$f"
	elif grep -qsE "^deb[[:space:]].*[[:space:]]${suite}[[:space:]]" /etc/apt/sources.list; then
		echo /etc/apt/sources.list
	else
		die "no $suite entry in $f or /etc/apt/sources.list to take Debian's registry from"
	fi
}

# host_apt_conf: the host's Release date checks (a frozen snapshot
# registry needs them off), for the roots' apt.
host_apt_conf() {
	local opt v
	for opt in Acquire::Check-Valid-Until Acquire::Check-Date; do
		v=$(apt-config dump --no-empty "$opt" | sed -n "s/^$opt \"\(.*\)\";$/\1/p")
		[ -z "$v" ] || echo "$opt \"$v\";"
	done
}

is_mounted_under() {
	awk -v d="$1/" '{ gsub(/\\040/, " ", $5); if (index($5 "/", d) == 1) f = 1 } END { exit !f }' \
		/proc/self/mountinfo
}

cleanup() {
	local i r
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount -R "${mounts[i]}" 2>/dev/null || umount -R -l "${mounts[i]}" 2>/dev/null || true
	done
	mounts=()
	for r in "${roots[@]}"; do
		if is_mounted_under "$r"; then
			awk -v d="$r/" '{ if (index($5 "/", d) == 1) print $5 }' /proc/self/mountinfo |
				sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
		fi
		if is_mounted_under "$r"; then
			echo "deb-check: mounts are left under $r: not deleting it" >&2
		else
			rm -rf --one-file-system "$r"
		fi
	done
	roots=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# bind ROOT SRC DIR: SRC mounted at DIR inside ROOT.
bind() {
	mkdir -p "$2" "$1$3" || return 1
	mount --rbind "$2" "$1$3" || return 1
	mounts+=("$1$3")
	mount --make-rslave "$1$3"
}

stage() {
	local name=$1 s rc
	shift
	echo
	echo "==== $name"
	s=$(date +%s)
	"$@" && rc=0 || rc=$?
	s=$(( $(date +%s) - s ))
	if [ "$rc" -eq 0 ]; then
		summary+=("$(printf '%-44s %5d s  ok' "$name" "$s")")
	else
		summary+=("$(printf '%-44s %5d s  FAILED (exit %d)' "$name" "$s" "$rc")")
		status=1
	fi
	echo "==== $name: $s s, exit $rc"
	return "$rc"
}

host_tools() {
	command -v mmdebstrap >/dev/null && return 0
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null
}

# make_root VAR VARIANT: a fresh Debian 12 root in a new directory, named
# in VAR, with apt's lists, /proc, /sys, /dev and the .deb cache, and an
# unprivileged user 'kh' (uid 1000) to build and test as.
make_root() {
	local -n r=$1
	local src
	src=$(host_sources) || return 1
	r=$(mktemp -d "${KH_CI_ROOT_DIR:-/var/tmp}/kheaders-deb-root.XXXXXX") || return 1
	roots+=("$r")
	mkdir -p "$apt_cache" || return 1
	say "root $r ($2), $suite from the registry in $src, .debs cached in $apt_cache"
	mmdebstrap --quiet --variant="$2" --skip=essential/unlink \
		--setup-hook="mkdir -p \"\$1/var/cache/apt/archives\" && mount --bind '$apt_cache' \"\$1/var/cache/apt/archives\"" \
		--customize-hook='umount "$1/var/cache/apt/archives"' \
		"$suite" "$r" "$src" || return 1
	if [ "${src##*.}" = sources ]; then
		rm -f "$r/etc/apt/sources.list" "$r"/etc/apt/sources.list.d/* &&
		cp "$src" "$r/etc/apt/sources.list.d/debian.sources" || return 1
	fi
	cp -L /etc/resolv.conf "$r/etc/resolv.conf" 2>/dev/null
	host_apt_conf > "$r/etc/apt/apt.conf.d/50kheaders-deb-host" || return 1
	echo 'kh:x:1000:1000:kheaders:/home/kh:/bin/bash' >> "$r/etc/passwd" &&
	echo 'kh:x:1000:' >> "$r/etc/group" &&
	mkdir -p "$r/home/kh" && chown 1000:1000 "$r/home/kh" || return 1
	bind "$r" /proc /proc && bind "$r" /sys /sys && bind "$r" /dev /dev &&
	bind "$r" "$apt_cache" /var/cache/apt/archives || return 1
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

# build NAME DIR UMASK ENV...: dpkg-buildpackage -us -uc -b in DIR (a
# copy of the tree), as kh, with UMASK and the extra environment ENV; the
# log in $out/build-NAME.log.
build() {
	local name=$1 d=$2 u=$3
	shift 3
	in_root "$broot" kh "umask $u && cd $d && env $* dpkg-buildpackage -us -uc -b" \
		>"$out/build-$name.log" 2>&1 || {
		tail -40 "$out/build-$name.log"
		return 1
	}
	grep -E '^(unit|cli|boundary|== |tests: |[a-z]+: [0-9]+ passed)|passed, [0-9]+ failed|Synthesis' \
		"$out/build-$name.log" || true
}

first_build() {
	build first /home/kh/a/kheaders 022 "DEB_BUILD_OPTIONS=parallel=2" || return 1
	rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
	cp "$broot"/home/kh/a/*.deb "$broot"/home/kh/a/*.changes "$broot"/home/kh/a/*.buildinfo "$out/"
	(cd "$out" && ls -l ./*.deb)
}

lintian_check() {
	in_root "$broot" root "apt-get install -y -qq --no-install-recommends lintian >/dev/null" || return 1
	in_root "$broot" kh "cd /home/kh/a && lintian --version && lintian --fail-on error,warning -i -I --show-overrides *.changes" \
		>"$out/lintian.txt" 2>&1 && rc=0 || rc=$?
	cat "$out/lintian.txt"
	return "$rc"
}

# The second build: another directory name and depth, later, umask 002,
# another TZ and locale, one job instead of two, no tests.
second_build() {
	copy_source /home/kh/b/other/kheaders-src || return 1
	build second /home/kh/b/other/kheaders-src 002 \
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

print_summary() {
	echo
	echo "==== stage times"
	printf '%s\n' "${summary[@]}"
	printf '%-44s %5d s  %s\n' "total" "$(( $(date +%s) - t0 ))" \
		"$([ "$status" = 0 ] && echo ok || echo FAILED)"
}

run_all() {
	mkdir -p "$out"
	stage "host: mmdebstrap" host_tools || return 1
	stage "build root (buildd + Build-Depends)" build_root || return 1
	stage "dpkg-buildpackage -us -uc -b (as kh)" first_build || return 1
	stage "lintian" lintian_check
	stage "second build, compare .debs" second_build
	stage "install root (minbase + .debs + test deps)" install_root || return 1
	stage "debian/tests/smoke (as kh)" smoke
}

broot=
iroot=
run_all || status=1
print_summary
exit "$status"
