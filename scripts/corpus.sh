#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch and cache the real corpus: Debian's linux-source-6.1 tree (the
# source tree, with the stock kernel/gen_kheaders.sh used as an oracle) and
# the current linux-headers-6.1.0-NN-amd64 object tree (generated headers and
# a real Module.symvers); on request also the linux-source-6.12 (Debian 12)
# and linux-source-7.2 trees (Debian unstable: only ever `apt-get download`ed,
# through a sources entry with Pin-Priority 1 that is added when missing, so
# nothing is installed or upgraded from it).  Everything lives outside the
# clone, under ${KH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kheaders}; nothing
# is ever written into this repository.
#
# Usage: scripts/corpus.sh [fetch [6.1|6.12|7.2|all]|env|check [VER]|fetch-image]
#   fetch        download and unpack what is missing, then print the env lines;
#                without VER the 6.1 source and headers trees
#   env          print KH_SRCTREE=... KH_OBJTREE=... (6.1; fails if not
#                fetched), then KH_SRCTREE_6_12=..., KH_OBJTREE_6_12=...
#                (Debian 12's linux-headers-6.12.NNN+deb12-amd64) and
#                KH_SRCTREE_7_2=... for the other trees that are fetched
#   check        exit 0 when the 6.1 corpus (or tree VER) is present
#   fetch-image  download linux-image-6.1.0-NN-amd64 (same NN as the headers),
#                keep its vmlinuz, a plain module and kernel/kheaders.ko
#                when the flavour builds it, print KH_IMAGE_DIR=...
set -euo pipefail

cache=${KH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kheaders}
cmd=${1:-fetch}

die() { echo "corpus: $*" >&2; exit 1; }

print_env() {
	local v
	[ -f "$cache/corpus.env" ] || return 1
	cat "$cache/corpus.env"
	for v in 6.12 7.2; do
		[ ! -f "$cache/corpus-$v.env" ] || cat "$cache/corpus-$v.env"
	done
}

# src_var VER: the variable naming the source tree of VER.
src_var() {
	case $1 in
	6.1) echo KH_SRCTREE ;;
	*) echo "KH_SRCTREE_${1//./_}" ;;
	esac
}

resolve_headers_pkg() {
	local pkg
	pkg=$(apt-cache depends linux-headers-amd64 2>/dev/null |
	      awk '/Depends: linux-headers-6\.1\.0-[0-9]+-amd64/ { print $2; exit }')
	if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
		apt-get update -qq >/dev/null 2>&1 || true
		pkg=$(apt-cache depends linux-headers-amd64 2>/dev/null |
		      awk '/Depends: linux-headers-6\.1\.0-[0-9]+-amd64/ { print $2; exit }')
	fi
	[ -n "$pkg" ] || die "cannot resolve linux-headers-6.1.0-NN-amd64 (run 'apt-get update' first)"
	echo "$pkg"
}

# download PKG: $cache/debs/PKG_*.deb, never a partial one.
download() {
	local pkg=$1 dl
	ls "$cache/debs/${pkg}"_*.deb >/dev/null 2>&1 && return 0
	mkdir -p "$cache/debs"
	dl=$(mktemp -d "$cache/debs/.dl.XXXXXX")
	(cd "$dl" && apt-get download -q "$pkg" >/dev/null 2>&1) ||
		(cd "$dl" && apt-get update -qq >/dev/null 2>&1 &&
		 apt-get download -q "$pkg" >/dev/null 2>&1) ||
		{ rm -rf "$dl"; die "apt-get download $pkg failed"; }
	mv "$dl"/*.deb "$cache/debs/" && rm -rf "$dl"
}

# unpack_source VER: $cache/linux-source-VER from its downloaded package.
unpack_source() {
	local v=$1 src=$cache/linux-source-$1 tmp
	[ ! -f "$src/.kh-complete" ] || return 0
	download "linux-source-$v"
	tmp=$(mktemp -d "$cache/tmp.XXXXXX")
	dpkg-deb -x "$cache/debs/linux-source-${v}"_*.deb "$tmp/deb"
	mkdir "$tmp/src"
	tar -xJf "$tmp/deb/usr/src/linux-source-$v.tar.xz" -C "$tmp/src"
	rm -rf "$src"
	mv "$tmp/src/linux-source-$v" "$src"
	rm -rf "$tmp"
	touch "$src/.kh-complete"
}

# has_unstable: apt already knows an unstable suite (any sources file).
has_unstable() {
	grep -qsE '^Suites:.*[[:space:]]unstable([[:space:]]|$)' \
		/etc/apt/sources.list.d/*.sources ||
	grep -qsE '^deb[[:space:]].*[[:space:]]unstable([[:space:]]|$)' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list
}

# add_unstable: Debian unstable as a download-only source.  The mirror is
# the one the main suites already use; Pin-Priority 1 keeps apt from ever
# installing or upgrading anything from it on its own.
add_unstable() {
	local uri keyring
	has_unstable && return 0
	[ "$(id -u)" = 0 ] ||
		die "linux-source-7.2 is in Debian unstable: run as root once to add it (download only, Pin-Priority 1)"
	uri=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' \
		/etc/apt/sources.list.d/debian.sources 2>/dev/null)
	[ -n "$uri" ] ||
		die "/etc/apt/sources.list.d/debian.sources: no URIs line to take the mirror from"
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	printf 'Types: deb\nURIs: %s\nSuites: unstable\nComponents: main\nSigned-By: %s\n' \
		"$uri" "$keyring" > /etc/apt/sources.list.d/kheaders-corpus-unstable.sources
	printf 'Package: *\nPin: release a=unstable\nPin-Priority: 1\n' \
		> /etc/apt/preferences.d/kheaders-corpus-unstable
	apt-get update -qq >/dev/null 2>&1 || die "apt-get update failed after adding unstable"
}

# unpack_headers PKG: $cache/PKG, the object tree of a linux-headers package.
unpack_headers() {
	local pkg=$1 obj=$cache/$1 tmp
	[ ! -f "$obj/.kh-complete" ] || return 0
	download "$pkg"
	tmp=$(mktemp -d "$cache/tmp.XXXXXX")
	dpkg-deb -x "$cache/debs/${pkg}"_*.deb "$tmp/deb"
	rm -rf "$obj"
	mv "$tmp/deb/usr/src/$pkg" "$obj"
	rm -rf "$tmp"
	touch "$obj/.kh-complete"
}

# fetch_source VER: linux-source-VER (6.12 or 7.2) and its env file; for
# 6.12 also Debian 12's object tree of the same version (its generated
# headers and configuration, as for 6.1).
fetch_source() {
	local v=$1 hpkg=
	[ "$v" != 7.2 ] || add_unstable
	unpack_source "$v"
	if [ "$v" = 6.12 ]; then
		hpkg=$(apt-cache depends linux-headers-6.12-amd64 2>/dev/null |
		       awk '/Depends: linux-headers-6\.12\.[0-9]+\+deb12-amd64/ { print $2; exit }')
		[ -n "$hpkg" ] || die "cannot resolve linux-headers-6.12.NNN+deb12-amd64 (run 'apt-get update' first)"
		unpack_headers "$hpkg"
	fi
	{
		printf '%s=%s\n' "$(src_var "$v")" "$cache/linux-source-$v"
		[ -z "$hpkg" ] || printf 'KH_OBJTREE_6_12=%s\n' "$cache/$hpkg"
	} > "$cache/corpus-$v.env"
}

fetch() {
	local hpkg src obj tmp
	mkdir -p "$cache"
	hpkg=$(resolve_headers_pkg)
	src=$cache/linux-source-6.1
	obj=$cache/$hpkg
	unpack_source 6.1
	unpack_headers "$hpkg"
	printf 'KH_SRCTREE=%s\nKH_OBJTREE=%s\nKH_HEADERS_PKG=%s\n' \
		"$src" "$obj" "$hpkg" > "$cache/corpus.env"
}

# Cached per image package: kheaders.ko (only
# when the flavour has CONFIG_IKHEADERS=m: Debian's 6.1 flavours leave it
# unset), vmlinuz and carrier.ko (a real module, nls_ascii.ko).
image_module() {
	local src=$1 dst=$2
	case $src in
	*.ko) cp "$src" "$dst" ;;
	*.ko.xz) xz -dc "$src" > "$dst" ;;
	*.ko.zst) zstd -qdc "$src" > "$dst" ;;
	*.ko.gz) gzip -dc "$src" > "$dst" ;;
	*) die "$src: unknown module compression" ;;
	esac
}

fetch_image() {
	local hpkg ipkg dir tmp ko
	mkdir -p "$cache"
	hpkg=$(resolve_headers_pkg)
	ipkg=${hpkg/linux-headers-/linux-image-}
	dir=$cache/$ipkg
	if [ ! -f "$dir/.kh-complete" ]; then
		download "$ipkg"
		tmp=$(mktemp -d "$cache/tmp.XXXXXX")
		dpkg-deb -x "$cache/debs/${ipkg}"_*.deb "$tmp/deb"
		rm -rf "$dir"
		mkdir -p "$dir"
		ko=$(find "$tmp/deb/lib/modules" -path '*/kernel/kernel/kheaders.ko*' | head -1)
		[ -z "$ko" ] || image_module "$ko" "$dir/kheaders.ko"
		ko=$(find "$tmp/deb/lib/modules" -path '*/kernel/fs/nls/nls_ascii.ko*' | head -1)
		[ -n "$ko" ] || die "$ipkg has no fs/nls/nls_ascii.ko"
		image_module "$ko" "$dir/carrier.ko"
		cp "$tmp"/deb/boot/vmlinuz-* "$dir/vmlinuz"
		rm -rf "$tmp"
		touch "$dir/.kh-complete"
	fi
	printf 'KH_IMAGE_DIR=%s\nKH_IMAGE_PKG=%s\n' "$dir" "$ipkg"
}

case $cmd in
fetch-image)
	mkdir -p "$cache"
	exec 9>"$cache/.lock"
	flock 9
	fetch_image
	;;
fetch)
	mkdir -p "$cache"
	case ${2:-6.1} in
	6.1)
		exec 9>"$cache/.lock"
		flock 9
		fetch
		;;
	6.12|7.2)
		# One lock per tree: fetching 7.2 need not wait for 6.1.
		exec 9>"$cache/.lock-$2"
		flock 9
		fetch_source "$2"
		;;
	all)
		"$0" fetch 6.1 >/dev/null && "$0" fetch 6.12 >/dev/null &&
			"$0" fetch 7.2 >/dev/null
		;;
	*)
		die "fetch: unknown tree '$2' (expected 6.1, 6.12, 7.2 or all)"
		;;
	esac
	print_env
	;;
env)
	print_env || die "not fetched yet: run scripts/corpus.sh fetch"
	;;
check)
	case ${2:-6.1} in
	6.1)
		print_env >/dev/null 2>&1 || exit 1
		. "$cache/corpus.env"
		[ -f "$KH_SRCTREE/.kh-complete" ] && [ -f "$KH_OBJTREE/.kh-complete" ]
		;;
	6.12|7.2)
		[ -f "$cache/corpus-$2.env" ] &&
			[ -f "$cache/linux-source-$2/.kh-complete" ] || exit 1
		if [ "$2" = 6.12 ]; then
			grep -q '^KH_OBJTREE_6_12=' "$cache/corpus-6.12.env" || exit 1
			. "$cache/corpus-6.12.env"
			[ -f "$KH_OBJTREE_6_12/.kh-complete" ]
		fi
		;;
	*)
		die "check: unknown tree '$2' (expected 6.1, 6.12 or 7.2)"
		;;
	esac
	;;
*)
	echo "usage: scripts/corpus.sh [fetch [6.1|6.12|7.2|all]|env|check [VER]|fetch-image]" >&2
	exit 2
	;;
esac
