#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/run.sh - kheaders build against the stock gen_kheaders.sh on the
# real corpus (linux 6.1 x86 + Debian's object tree), interleaved, RUNS
# rounds (default 3) of:
#   stock   the stock kernel/gen_kheaders.sh, fixed KBUILD_BUILD_TIMESTAMP,
#           in a scratch copy of the object tree's generated headers
#   cold    kheaders build, empty cache, no manifest
#   edit    one header edited (a token outside comments, same size, mtime
#           kept in the same second), warm cache
#   noop    nothing changed, called directly (answered from the manifest)
#   floor   xz, same LZMA2 settings and block size, all cores, on the very
#           tar kheaders archives
# Prints median and min-max of wall and CPU time, peak RSS and archive
# sizes, and the ratios the targets are about; writes them to
# bench/results/.  Usage: bench/run.sh [KHEADERS]   (env: RUNS, NOOP_RUNS)
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
KHEADERS=${1:-$TOP/build/kheaders}
RUNS=${RUNS:-3}
NOOP_RUNS=${NOOP_RUNS:-5}
TS="2026-01-01 00:00:00 UTC"
EDIT=include/linux/sched.h
TOKEN_RE='^\(#define TASK_RUNNING\t\t\t0x0000000\)[0-9]$'

"$TOP/scripts/corpus.sh" check >/dev/null
eval "$("$TOP/scripts/corpus.sh" env)"
S=$(mktemp -d "${TMPDIR:-/tmp}/kh-bench.XXXXXX")
trap 'rm -rf "$S"' EXIT
RAW=$S/raw.tsv
: > "$RAW"

echo "# setting up in $S"
mkdir -p "$S/stock/kernel" "$S/stock/arch/x86"
cp -a "$KH_OBJTREE/include" "$S/stock/"
cp -a "$KH_OBJTREE/arch/x86/include" "$S/stock/arch/x86/"
# The edit goes into a copy of the source tree, never into the corpus.
mkdir -p "$S/src/arch/x86"
cp -a "$KH_SRCTREE/include" "$S/src/"
cp -a "$KH_SRCTREE/arch/x86/include" "$S/src/arch/x86/"
grep -qP '^#define TASK_RUNNING\t\t\t0x0000000[0-9]$' "$S/src/$EDIT" || { echo "no token to edit in $EDIT" >&2; exit 1; }

# measure MODE ROUND CMD...: one timed run, one line in $RAW.
measure() {
	local mode=$1 round=$2
	shift 2
	/usr/bin/time -f "%e %U %S %M" -o "$S/time" "$@" >/dev/null 2>"$S/err" ||
		{ cat "$S/err" >&2; exit 1; }
	read -r wall user sys rss < <(tail -1 "$S/time")
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$round" "$wall" \
		"$(echo "$user + $sys" | bc)" "$rss" 0 >> "$RAW"
}

# set_size FILE: record FILE's size in the last measurement.
set_size() {
	local s
	s=$(stat -c %s "$1")
	tail -1 "$RAW" | awk -v s="$s" 'BEGIN{OFS="\t"} {$6=s; print}' > "$S/l"
	sed -i '$d' "$RAW"
	cat "$S/l" >> "$RAW"
}

KH=("$KHEADERS" build -q --srctree "$S/src" --objtree "$KH_OBJTREE"
    --arch x86 --timestamp "$TS" --cache "$S/cache" -o "$S/kh.tar.xz")

stock() {
	rm -f "$S/stock/kernel/kheaders_data.tar.xz" "$S/stock/kernel/kheaders.md5"
	(cd "$S/stock" && building_out_of_srctree=1 srctree="$KH_SRCTREE" \
		SRCARCH=x86 KBUILD_BUILD_TIMESTAMP="$TS" XZ=xz CONFIG_SHELL=sh \
		sh "$KH_SRCTREE/kernel/gen_kheaders.sh" kernel/kheaders_data.tar.xz)
}

# Same size, same second: only the nanoseconds of the mtime move.
edit_header() {
	local f=$S/src/$EDIT sec
	sec=$(stat -c %Y "$f")
	sed -i "s/$TOKEN_RE/\\1$1/" "$f"
	touch -d "@$sec.$(printf '%09d' $((RANDOM * 1000 + $1)))" "$f"
}

floor_setup() {
	local blocks tar_size
	xz -dc "$S/kh.tar.xz" > "$S/kh.tar"
	tar_size=$(stat -c %s "$S/kh.tar")
	blocks=$(xz -lv "$S/kh.tar.xz" | awk '/^ *Blocks:/ {print $2; exit}')
	FLOOR_BS=$(( (tar_size + blocks - 1) / blocks ))
	# kheaders' own settings (-v) and the widest dictionary of its blocks.
	"${KH[@]}" -v --force 2> "$S/settings"
	FLOOR_FILTER=$(sed -n 's/.*xz settings: lzma2:preset=\([0-9]*\),dict=[0-9]*,\(lc=[0-9]*,lp=[0-9]*,pb=[0-9]*,nice=[0-9]*\).*/preset=\1,\2/p' "$S/settings")
	[ -n "$FLOOR_FILTER" ] || { echo "cannot read the xz settings" >&2; exit 1; }
	FLOOR_FILTER="$FLOOR_FILTER,$(xz -lvv "$S/kh.tar.xz" | grep -o 'dict=[0-9A-Za-z]*' | sort -u | tail -1)"
	echo "# floor: xz -T$(nproc) --block-size=$FLOOR_BS --lzma2=$FLOOR_FILTER ($blocks blocks)"
}

floor() {
	# shellcheck disable=SC2086
	xz -T"$(nproc)" --block-size="$FLOOR_BS" --lzma2="$FLOOR_FILTER" \
		-c "$S/kh.tar" > "$S/floor.tar.xz"
}

export S KH_SRCTREE TS
export -f stock floor

for r in $(seq 1 "$RUNS"); do
	echo "# round $r/$RUNS"
	measure stock "$r" bash -c stock
	set_size "$S/stock/kernel/kheaders_data.tar.xz"

	rm -rf "$S/cache" "$S/.kh.tar.xz.manifest" "$S/kh.tar.xz"
	measure cold "$r" "${KH[@]}"
	set_size "$S/kh.tar.xz"
	if [ "$r" -eq 1 ]; then
		floor_setup
		export FLOOR_BS FLOOR_FILTER
	fi

	edit_header "$r"
	measure edit "$r" "${KH[@]}"
	set_size "$S/kh.tar.xz"

	for n in $(seq 1 "$NOOP_RUNS"); do
		measure noop "$r" "${KH[@]}"
		set_size "$S/kh.tar.xz"
	done

	measure floor "$r" bash -c floor
	set_size "$S/floor.tar.xz"
done

# The edited archive must be what a cold build of the edited tree gives.
cp "$S/kh.tar.xz" "$S/edited.tar.xz"
"$KHEADERS" build -q --no-cache --force --srctree "$S/src" --objtree "$KH_OBJTREE" \
	--arch x86 --timestamp "$TS" -o "$S/check.tar.xz"
cmp -s "$S/edited.tar.xz" "$S/check.tar.xz" && SAME=yes || SAME=NO

mkdir -p "$TOP/bench/results"
OUT=$TOP/bench/results/$(date -u +%Y%m%dT%H%M%SZ)-$(hostname -s).md
python3 "$TOP/bench/report.py" "$RAW" "$SAME" \
	"$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
	"$("$KHEADERS" --version)" | tee "$OUT"
cp "$RAW" "${OUT%.md}.tsv"
echo "# written to ${OUT#$TOP/}"

# The uapi row: kheaders uapi against make headers_install (bench/uapi.sh).
RUNS=$RUNS "$TOP/bench/uapi.sh" "$KHEADERS"
