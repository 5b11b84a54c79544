#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/uapi.sh - `kheaders uapi` against the kernel's own `make
# headers_install` on the same source tree (default linux 7.2, x86),
# interleaved, RUNS rounds (default 3) of:
#   make-clean  make O=OBJ headers_install from an empty object directory:
#               what a user without kheaders runs (it builds unifdef and
#               the syscall tables first)
#   make-warm   the same again, the headers already generated in OBJ
# (every run writes into an empty INSTALL_HDR_PATH, as a packager does)
#   kh-trees    kheaders uapi --srctree TREE --objtree OBJ (--force)
#   kh-archive  kheaders uapi --from an archive of the same trees (built
#               once by kheaders build --profile uapi; prepare's cache warm
#               after the first round, as for a running kernel)
# Every output is checked against make's (byte for byte from the trees,
# the same file list from the archive).  Prints median and min-max of
# wall and CPU time and the ratios; writes them to bench/results/.
# Usage: bench/uapi.sh [KHEADERS]   (env: RUNS, UAPI_TREE, UAPI_ARCH, JOBS)
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
KHEADERS=${1:-$TOP/build/kheaders}
RUNS=${RUNS:-3}
TREE=${UAPI_TREE:-$HOME/.cache/kheaders/linux-source-7.2}
ARCH=${UAPI_ARCH:-x86}
JOBS=${JOBS:-$(nproc)}
[ -f "$TREE/scripts/headers_install.sh" ] || { echo "no kernel tree at $TREE" >&2; exit 1; }
S=$(mktemp -d "${TMPDIR:-/tmp}/kh-bench-uapi.XXXXXX")
trap 'rm -rf "$S"' EXIT
RAW=$S/raw.tsv
: > "$RAW"

measure() {	# MODE ROUND CMD...
	local mode=$1 round=$2 wall user sys rss
	shift 2
	/usr/bin/time -f "%e %U %S %M" -o "$S/time" "$@" >/dev/null 2>"$S/err" ||
		{ cat "$S/err" >&2; exit 1; }
	read -r wall user sys rss < <(tail -1 "$S/time")
	printf '%s\t%s\t%s\t%s\t%s\n' "$mode" "$round" "$wall" \
		"$(echo "$user + $sys" | bc)" "$rss" >> "$RAW"
}

make_install() {	# OBJ DEST
	make -s -C "$TREE" O="$1" ARCH="$ARCH" -j"$JOBS" \
		INSTALL_HDR_PATH="$2" headers_install
}
export TREE ARCH JOBS
export -f make_install

echo "# $TREE, ARCH=$ARCH, make -j$JOBS, $RUNS rounds, in $S"
mkdir -m 0700 "$S/cache"
for r in $(seq 1 "$RUNS"); do
	echo "# round $r/$RUNS"
	rm -rf "$S/obj" "$S/make"
	measure make-clean "$r" bash -c 'make_install "$0" "$1"' "$S/obj" "$S/make"
	rm -rf "$S/make"
	measure make-warm "$r" bash -c 'make_install "$0" "$1"' "$S/obj" "$S/make"
	rm -rf "$S/kh"
	measure kh-trees "$r" "$KHEADERS" uapi --srctree "$TREE" \
		--objtree "$S/obj" --arch "$ARCH" -o "$S/kh"
	diff -r "$S/kh/include" "$S/make/include" > /dev/null ||
		{ echo "kheaders uapi differs from make headers_install" >&2; exit 1; }
	if [ "$r" -eq 1 ]; then
		"$KHEADERS" build -q --profile uapi --srctree "$TREE" \
			--objtree "$S/obj" --arch "$ARCH" -o "$S/a.tar.xz"
	fi
	rm -rf "$S/kha"
	measure kh-archive "$r" "$KHEADERS" uapi --from "$S/a.tar.xz" \
		--cache-dir "$S/cache" -o "$S/kha"
	diff <(cd "$S/kha" && find . | LC_ALL=C sort) \
	     <(cd "$S/make" && find . | LC_ALL=C sort) > /dev/null ||
		{ echo "kheaders uapi --from gives other files" >&2; exit 1; }
done

mkdir -p "$TOP/bench/results"
OUT=$TOP/bench/results/$(date -u +%Y%m%dT%H%M%SZ)-$(hostname -s)-uapi.md
python3 - "$RAW" "$TREE" "$ARCH" "$JOBS" \
	"$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
	"$("$KHEADERS" --version)" <<'EOS' | tee "$OUT"
import statistics, sys
raw, tree, arch, jobs, commit, version = sys.argv[1:]
runs = {}
for line in open(raw):
    mode, _, wall, cpu, rss = line.split("\t")
    runs.setdefault(mode, []).append((float(wall), float(cpu), int(rss)))
names = [("make-clean", "make headers_install, clean object dir"),
         ("make-warm", "make headers_install, warm object dir"),
         ("kh-trees", "kheaders uapi --srctree/--objtree"),
         ("kh-archive", "kheaders uapi --from archive")]
def med(m, i):
    return statistics.median(r[i] for r in runs[m])
print("# kheaders uapi vs make headers_install")
print()
print("%s, ARCH=%s, make -j%s; %s; commit %s; %d rounds, median (min-max)"
      % (tree, arch, jobs, version, commit, len(runs["kh-trees"])))
print()
print("| run | wall s | CPU s | peak RSS MiB |")
print("|---|---|---|---|")
for m, label in names:
    w = [r[0] for r in runs[m]]; c = [r[1] for r in runs[m]]
    print("| %s | %.3f (%.3f-%.3f) | %.3f (%.3f-%.3f) | %.1f |" % (
        label, med(m, 0), min(w), max(w), med(m, 1), min(c), max(c),
        med(m, 2) / 1024))
print()
for base in ("make-clean", "make-warm"):
    for kh in ("kh-trees", "kh-archive"):
        print("- %s / %s: wall %.1fx, CPU %.1fx" % (
            base, kh, med(base, 0) / med(kh, 0), med(base, 1) / med(kh, 1)))
EOS
cp "$RAW" "${OUT%.md}.tsv"
echo "# written to ${OUT#$TOP/}"
