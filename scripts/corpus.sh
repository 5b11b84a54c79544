#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch and cache the real corpus: Debian's linux-source-6.1 tree (the
# source tree, with the stock kernel/gen_kheaders.sh used as an oracle) and
# the current linux-headers-6.1.0-NN-amd64 object tree (generated headers and
# a real Module.symvers).  Everything lives outside the clone, under
# ${KH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kheaders}; nothing is ever
# written into this repository.
#
# Usage: scripts/corpus.sh [fetch|env|check|fetch-image]
#   fetch        download and unpack what is missing, then print the env lines
#   env          print KH_SRCTREE=... KH_OBJTREE=... (fails if not fetched)
#   check        exit 0 when the corpus is present, 1 otherwise
#   fetch-image  download linux-image-6.1.0-NN-amd64 (same NN as the headers),
#                keep its vmlinuz, a plain module and kernel/kheaders.ko
#                when the flavour builds it, print KH_IMAGE_DIR=...
set -euo pipefail

cache=${KH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kheaders}
cmd=${1:-fetch}

die() { echo "corpus: $*" >&2; exit 1; }

print_env() {
	[ -f "$cache/corpus.env" ] || return 1
	cat "$cache/corpus.env"
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

download() {
	local pkg=$1
	ls "$cache/debs/${pkg}"_*.deb >/dev/null 2>&1 && return 0
	mkdir -p "$cache/debs"
	(cd "$cache/debs" && apt-get download -q "$pkg" >/dev/null 2>&1) ||
		(cd "$cache/debs" && apt-get update -qq >/dev/null 2>&1 &&
		 apt-get download -q "$pkg" >/dev/null 2>&1) ||
		die "apt-get download $pkg failed"
}

fetch() {
	local hpkg src obj tmp
	mkdir -p "$cache"
	hpkg=$(resolve_headers_pkg)
	src=$cache/linux-source-6.1
	obj=$cache/$hpkg
	if [ ! -f "$src/.kh-complete" ]; then
		download linux-source-6.1
		tmp=$(mktemp -d "$cache/tmp.XXXXXX")
		dpkg-deb -x "$cache"/debs/linux-source-6.1_*.deb "$tmp/deb"
		mkdir "$tmp/src"
		tar -xJf "$tmp"/deb/usr/src/linux-source-6.1.tar.xz -C "$tmp/src"
		rm -rf "$src"
		mv "$tmp/src/linux-source-6.1" "$src"
		rm -rf "$tmp"
		touch "$src/.kh-complete"
	fi
	if [ ! -f "$obj/.kh-complete" ]; then
		download "$hpkg"
		tmp=$(mktemp -d "$cache/tmp.XXXXXX")
		dpkg-deb -x "$cache/debs/${hpkg}"_*.deb "$tmp/deb"
		rm -rf "$obj"
		mv "$tmp/deb/usr/src/$hpkg" "$obj"
		rm -rf "$tmp"
		touch "$obj/.kh-complete"
	fi
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
	exec 9>"$cache/.lock"
	flock 9
	fetch
	print_env
	;;
env)
	print_env || die "not fetched yet: run scripts/corpus.sh fetch"
	;;
check)
	print_env >/dev/null 2>&1 || exit 1
	. "$cache/corpus.env"
	[ -f "$KH_SRCTREE/.kh-complete" ] && [ -f "$KH_OBJTREE/.kh-complete" ]
	;;
*)
	echo "usage: scripts/corpus.sh [fetch|env|check|fetch-image]" >&2
	exit 2
	;;
esac
