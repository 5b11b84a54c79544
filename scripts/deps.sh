#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages kheaders needs to build and test.  The lists
# live in scripts/deps.d/*.list, one package per line.
#
# Usage: scripts/deps.sh install|if-needed|list
set -eu
cd "$(dirname "$0")"

packages() {
	cat deps.d/*.list | sed -e 's/#.*//' -e '/^[[:space:]]*$/d' | sort -u
}

missing() {
	local p
	for p in $(packages); do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed' || echo "$p"
	done
}

install_pkgs() {
	local miss
	miss=$(missing | tr '\n' ' ')
	[ -n "${miss// }" ] || return 0
	if [ "$(id -u)" != 0 ]; then
		echo "kheaders: missing Debian packages: $miss" >&2
		echo "kheaders: run as root: apt-get install $miss" >&2
		return 1
	fi
	echo "  DEPS    $miss"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $miss >/dev/null
}

case ${1:-install} in
install|if-needed) install_pkgs ;;
list) packages ;;
*) echo "usage: scripts/deps.sh install|if-needed|list" >&2; exit 2 ;;
esac
