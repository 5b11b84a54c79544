#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/corpus/uapi_oracle.sh TREE ARCH: the kernel's own `make
# headers_install` for one source tree and one SRCARCH, run from the tree
# itself (never copied here), cached under
# ${KH_UAPI_ORACLE:-~/.cache/kheaders/uapi-oracle}/KEY/ARCH where KEY is
# the tree's version and a hash of its path.  Prints that directory; in it
# obj/ is the object tree (with the generated UAPI headers), install/include
# the installed tree, log the make output, and status "ok" or "unsupported".
# The tree is only read: make writes into obj/ and install/.
set -eu
tree=$(cd "$1" && pwd)
arch=$2
root=${KH_UAPI_ORACLE:-$HOME/.cache/kheaders/uapi-oracle}
ver=$(sed -n 's/^VERSION = //p; s/^PATCHLEVEL = //p; s/^SUBLEVEL = //p' \
	"$tree/Makefile" | paste -sd.)
key=$ver-$(printf '%s' "$tree" | sha256sum | cut -c1-8)
dir=$root/$key/$arch
if [ -f "$dir/status" ]; then
	echo "$dir"
	exit 0
fi
mkdir -p "$root/$key"
tmp=$(mktemp -d "$root/$key/.$arch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if nice -n 10 make -s -C "$tree" O="$tmp/obj" ARCH="$arch" -j2 \
	INSTALL_HDR_PATH="$tmp/install" headers_install >"$tmp/log" 2>&1; then
	echo ok > "$tmp/status"
else
	echo unsupported > "$tmp/status"
fi
rm -rf "$dir"
mv "$tmp" "$dir"
trap - EXIT
echo "$dir"
