#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/blocks.sh - the block-size trade-off on the real corpus: for each
# --block-entries value, the archive size, the cold build and the build
# after one header edit (warm cache), wall and CPU.  One run each (sizes
# are exact; times are indicative, see bench/run.sh for the medians).
# Usage: bench/blocks.sh [KHEADERS] [ENTRIES...]
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
KHEADERS=${1:-$TOP/build/kheaders}
shift || true
ENTRIES=${*:-1000 1200 1500 1700 2400 3400 7000}
TS="2026-01-01 00:00:00 UTC"
EDIT=include/linux/sched.h

"$TOP/scripts/corpus.sh" check >/dev/null
eval "$("$TOP/scripts/corpus.sh" env)"
S=$(mktemp -d "${TMPDIR:-/tmp}/kh-blocks.XXXXXX")
trap 'rm -rf "$S"' EXIT
mkdir -p "$S/src/arch/x86"
cp -a "$KH_SRCTREE/include" "$S/src/"
cp -a "$KH_SRCTREE/arch/x86/include" "$S/src/arch/x86/"

run() {
	/usr/bin/time -f "%e %U %S" -o "$S/time" "$KHEADERS" build -q -v \
		--srctree "$S/src" --objtree "$KH_OBJTREE" --arch x86 \
		--timestamp "$TS" --cache "$S/cache" -o "$S/kh.tar.xz" "$@" \
		2> "$S/err"
	awk '{printf "%.1f s wall, %.1f s CPU", $1, $2 + $3}' "$S/time"
}

echo "| entries/block | blocks | block sizes (MB) | archive bytes | cold | one edit (recompressed MB) |"
echo "|---|---|---|---|---|---|"
n=0
for e in $ENTRIES; do
	rm -rf "$S/cache" "$S/.kh.tar.xz.manifest"
	cold=$(run --block-entries "$e")
	size=$(stat -c %s "$S/kh.tar.xz")
	sizes=$(sed -n 's/.*xz blocks (MB): \([0-9. ]*\);.*/\1/p' "$S/err")
	blocks=$(wc -w <<<"$sizes")
	n=$((n + 1))
	sed -i "s/^\(#define TASK_RUNNING\t\t\t0x0000000\)[0-9]$/\1$((n % 10))/" "$S/src/$EDIT"
	edit=$(run --block-entries "$e")
	again=$(sed -n 's/.*compressed (\([0-9]*\) bytes).*/\1/p' "$S/err")
	printf '| %s | %s | %s | %s | %s | %s (%.1f) |\n' "$e" "$blocks" "$sizes" \
		"$size" "$cold" "$edit" "$(echo "$again / 1000000" | bc -l)"
done
