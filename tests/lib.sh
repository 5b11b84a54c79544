# SPDX-License-Identifier: GPL-2.0
# Helpers sourced by every shell-driven test (tests/cli/t_*.sh,
# tests/corpus/t_*.sh).  Each case prints "ok - NAME", "not ok - NAME" or
# "skip - NAME: REASON"; tests/run.sh counts them.
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KHEADERS=${KHEADERS:-$TOP/build/kheaders}
FIXTURES=$TOP/tests/fixtures
T=$(mktemp -d "${TMPDIR:-/tmp}/kh-test.XXXXXX")
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }
skip() { echo "skip - $*"; }

# expect NAME CMD...: the command must succeed.
expect() {
	local name=$1
	shift
	if "$@" >"$T/.out" 2>&1; then
		ok "$name"
	else
		not_ok "$name"
		sed 's/^/#   /' "$T/.out" | head -20
	fi
}

# expect_fail NAME STATUS REGEX CMD...: the command must exit with STATUS
# and print one line on stderr matching REGEX.
expect_fail() {
	local name=$1 status=$2 re=$3 rc
	shift 3
	"$@" >"$T/.out" 2>"$T/.err"
	rc=$?
	if [ "$rc" -eq "$status" ] && { [ -z "$re" ] || grep -Eq -- "$re" "$T/.err"; }; then
		ok "$name"
	else
		not_ok "$name (exit $rc, want $status; stderr below)"
		sed 's/^/#   /' "$T/.err" | head -20
	fi
}

# same_bytes A B: files are byte-identical.
same_bytes() { cmp -s "$1" "$2"; }

# settle: let the coarse file-time clock tick past the last change to an
# input.  kheaders stamps its output with the snapshot time and treats an
# input changed in the snapshot's own tick as racy (rebuild), so a test
# expecting "up to date" must not change an input in that tick.
settle() { sleep 0.05; }

# deb_package PROG: the Debian package that ships PROG (scripts/deps.d).
deb_package() {
	local p
	case $1 in
	xz) echo xz-utils ;;
	bsdtar) echo libarchive-tools ;;
	pkg-config) echo pkgconf ;;
	cc) echo gcc ;;
	ld|nm|objcopy|objdump|readelf|ar|strip) echo binutils ;;
	setpriv|flock) echo util-linux ;;
	qemu-system-x86_64) echo qemu-system-x86 ;;
	*-linux-gnu*-*|*-elf-*) p=${1%-*}; echo "binutils-${p//_/-}" ;;
	*) echo "$1" ;;
	esac
}

# require PROG...: every PROG must be installed, or the script stops with
# one failed case naming the Debian package.  A missing compressor must
# never become an empty input that a test then reads.
require() {
	local p missing=0
	for p; do
		command -v "$p" >/dev/null 2>&1 && continue
		not_ok "$(basename "$0"): '$p' is not installed (Debian package $(deb_package "$p"); make deps installs it)"
		missing=1
	done
	[ "$missing" -eq 0 ] || exit 1
}

# mk_tar_xz NAME PYTHON-BODY: write NAME.tar.xz (GNU format) with Python's
# tarfile, for hostile archives no tar program would make: in the body 't'
# is the open archive, 'top' is $T, 'reg(path, data)' adds a file and
# 'special(path, type, **attrs)' any other entry; names may carry raw bytes
# as surrogate escapes ("\udc9b").
mk_tar_xz() {
	python3 - "$1" "$T" <<EOS || exit 1
import io, sys, tarfile
name, top = sys.argv[1], sys.argv[2]
t = tarfile.open(name + ".tar.xz", "w:xz", format=tarfile.GNU_FORMAT,
                 encoding="utf-8", errors="surrogateescape")
def reg(path, data=b"x\n"):
    i = tarfile.TarInfo(path); i.size = len(data); t.addfile(i, io.BytesIO(data))
def special(path, typ, **kw):
    i = tarfile.TarInfo(path); i.type = typ
    for k, v in kw.items(): setattr(i, k, v)
    t.addfile(i)
$2
t.close()
EOS
}

# The files of a stock kernel tree kbuild/install-into-tree reads or writes.
kbuild_touched="Makefile Kconfig scripts/Kbuild.include init/Kconfig kernel/Makefile
	 kernel/kheaders.c kernel/gen_kheaders.sh"

# kbuild_mini SRC DIR: real copies of those files of SRC (modes kept) in
# DIR: enough for install-into-tree, and nothing links back into SRC.
kbuild_mini() {
	local f
	for f in $kbuild_touched; do
		mkdir -p "$2/$(dirname "$f")"
		cp -p "$1/$f" "$2/$f"
	done
}

# kbuild_generations FUNC TREE_OF: `FUNC VER SRC GEN` for each kernel of
# the corpus (6.1 and 6.12: genikh rules; 7.2: the kernel's lists), where
# `TREE_OF VER` sets kbuild_src, or says why not and fails.
kbuild_generations() {
	local v gen
	for v in 6.1 6.12 7.2; do
		"$2" "$v" || continue
		gen=genikh
		[ "$v" != 7.2 ] || gen=lists
		"$1" "$v" "$kbuild_src" "$gen"
	done
}

corpus_env() {
	"$TOP/scripts/corpus.sh" check || return 1
	eval "$("$TOP/scripts/corpus.sh" env)"
	export KH_SRCTREE KH_OBJTREE KH_HEADERS_PKG
}
