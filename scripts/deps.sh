#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages kheaders needs, by purpose.  Each group is a
# list in scripts/deps.d/GROUP.list, one package per line:
#   build  `make`: compiler and the libraries' -dev packages
#   demo   `make demo` on top of build
#   test   the unit, command-line and real-corpus suites of `make check`
#   e2e    the kernel builds and qemu boots of `make check` (make e2e)
#   fuzz   `make fuzz` (clang's libFuzzer)
# Without GROUP, the groups `make check` needs: build demo test e2e.
#
# Usage: scripts/deps.sh install|if-needed [GROUP...]
#        scripts/deps.sh list|count [GROUP...]
# `list` prints the packages; `count` says how many are listed and how
# many apt would install on this machine, dependencies included.
set -eu
cd "$(dirname "$0")"
CHECK_GROUPS="build demo test e2e"

die() { echo "deps: $*" >&2; exit 2; }

packages() {
	local g
	for g; do
		sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "deps.d/$g.list"
	done | sort -u
}

missing() {
	local p
	for p in $(packages "$@"); do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed' || echo "$p"
	done
}

# apt_new PKG...: how many packages apt would install, dependencies included.
apt_new() {
	apt-get install -s --no-install-recommends "$@" 2>/dev/null | grep -c '^Inst ' || true
}

install_pkgs() {
	local miss n
	miss=$(missing "$@" | tr '\n' ' ')
	[ -n "${miss// }" ] || return 0
	if [ "$(id -u)" != 0 ]; then
		echo "kheaders: missing Debian packages: $miss" >&2
		echo "kheaders: run as root: apt-get install --no-install-recommends $miss" >&2
		return 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	# shellcheck disable=SC2086
	n=$(apt_new $miss)
	echo "  DEPS    $*: $(wc -w <<<"$miss") listed packages missing, $n to install with their dependencies"
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $miss >/dev/null
}

cmd=${1:-install}
[ $# -eq 0 ] || shift
# shellcheck disable=SC2086
[ $# -gt 0 ] || set -- $CHECK_GROUPS
for g; do
	[ -f "deps.d/$g.list" ] ||
		die "unknown group '$g' (groups: $(cd deps.d && ls -- *.list | sed 's/\.list$//' | paste -sd' '))"
done
case $cmd in
install|if-needed) install_pkgs "$@" ;;
list) packages "$@" ;;
count)
	# shellcheck disable=SC2046
	echo "$*: $(packages "$@" | wc -l) listed, $(apt_new $(missing "$@")) to install here with their dependencies"
	;;
*) die "usage: scripts/deps.sh install|if-needed|list|count [GROUP...]" ;;
esac
