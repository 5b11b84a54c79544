#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Print the version of the kheaders tool as one number, major * 10000 +
# minor * 100 + patch: 100 for kheaders 0.1.0, 10203 for 1.2.3.  Print 0
# when it is not there, cannot run, or does not answer --version the way
# kheaders does.  init/Kconfig reads it into KHEADERS_VERSION, and
# kernel/Makefile.kheaders asks again at build time to choose who makes
# the headers archive.  Installed as scripts/kheaders-version.sh by
# kheaders' kbuild/install-into-tree.
#
# Usage: scripts/kheaders-version.sh [KHEADERS]    (default: kheaders)

kh=${1:-kheaders}

if ! command -v "$kh" > /dev/null 2>&1 || [ -d "$kh" ]; then
	echo 0
	exit 0
fi

"$kh" --version 2> /dev/null | awk '
	NR == 1 && $1 == "kheaders" &&
	$2 ~ /^[0-9][0-9]?\.[0-9][0-9]?(\.[0-9][0-9]?)?([-+~][^ ]*)?$/ {
		n = split($2, p, /[.+~-]/)
		v = p[1] * 10000 + p[2] * 100 + (n > 2 ? p[3] : 0)
	}
	END { print v + 0 }'
exit 0
