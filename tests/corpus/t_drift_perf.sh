#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kheaders drift against perf's own check: on each linux tree of the corpus
# (6.1, 6.12, 7.2) a map is built at test time from that tree's
# tools/perf/check-headers.sh (tests/tools/checkheaders_map.py reads its
# lists, its helpers and its calls with their diff options; nothing of it
# is kept in this repository), and the script itself is run, in place, from
# tools/perf as it expects (it only runs diff; the tree is checked to be
# unchanged afterwards).  `kheaders drift tools --srctree . --map MAP` must
# report exactly the pairs the script reports.  With --tokens each of them
# is classified as ABI (the token streams differ) or comments only, and the
# table is printed as diagnostics.  On 6.12 the same map is also run
# against the tree's own headers archive (kheaders build, comments
# stripped): the pairs it can check agree with the source tree's verdicts.
source "$(dirname "$0")/../lib.sh"
require python3

MAPPER=$TOP/tests/tools/checkheaders_map.py

# pairs FILE: the "COPY ORIGINAL" of every "diff -u COPY ORIGINAL" line
pairs() { sed -n 's/^.*diff -u \([^ ]*\) \([^ ]*\)$/\1 \2/p' "$1" | LC_ALL=C sort; }

# status JSON: "STATUS COPY ORIGINAL" per record
statuses() {
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    print(r["status"], r["copy"], r["original"])' "$1"
}

check_tree() {
	local ver=$1 tree=$2 sh rc n
	local d=$T/$ver
	mkdir -p "$d"
	if ! python3 "$MAPPER" "$tree/tools/perf/check-headers.sh" >"$d/map" 2>"$d/map.err"; then
		not_ok "$ver: a map from check-headers.sh"; cat "$d/map.err"
		return
	fi
	ok "$ver: a map of $(grep -vc '^#' "$d/map") pairs from tools/perf/check-headers.sh"

	# The oracle: the script, run as it expects (from tools/perf, by
	# the interpreter its first line names), writing nothing.
	sh=$(head -1 "$tree/tools/perf/check-headers.sh" | sed -n 's/^#! *//p')
	touch "$d/stamp"
	sleep 0.01
	(cd "$tree/tools/perf" && LC_ALL=C $sh ./check-headers.sh) \
		>"$d/oracle.out" 2>"$d/oracle.err"
	pairs "$d/oracle.out" >"$d/oracle"
	if [ -z "$(find "$tree" -newer "$d/stamp" -print -quit)" ]; then
		ok "$ver: check-headers.sh ran and wrote nothing into the tree"
	else
		not_ok "$ver: check-headers.sh changed the tree"
	fi
	n=$(wc -l <"$d/oracle")

	(cd "$tree" && "$KHEADERS" drift tools --srctree . --map "$d/map") \
		>"$d/ours.out" 2>"$d/ours.err"
	rc=$?
	pairs "$d/ours.out" >"$d/ours"
	if [ $rc -eq $((n > 0)) ] && [ ! -s "$d/ours.err" ] &&
	   cmp -s "$d/oracle" "$d/ours"; then
		ok "$ver: kheaders drift reports exactly check-headers.sh's $n pairs"
	else
		not_ok "$ver: kheaders drift vs check-headers.sh (exit $rc)"
		diff "$d/oracle" "$d/ours" | sed 's/^/#   /'
		sed 's/^/#   /' "$d/ours.err"
	fi

	# From anywhere, with the tree's path: the same pairs, under it.
	"$KHEADERS" drift "$tree/tools" --srctree "$tree" --map "$d/map" \
		>"$d/abs.out" 2>&1
	pairs "$d/abs.out" | sed "s|$tree/||g" >"$d/abs"
	if cmp -s "$d/oracle" "$d/abs"; then
		ok "$ver: run from elsewhere, the same pairs with the tree's path"
	else
		not_ok "$ver: run from elsewhere"; diff "$d/oracle" "$d/abs" | sed 's/^/#   /'
	fi

	(cd "$tree" && "$KHEADERS" drift tools --srctree . --map "$d/map" \
		--tokens --json) >"$d/tokens.json" 2>"$d/tokens.err"
	statuses "$d/tokens.json" >"$d/tokens"
	grep -E '^(differs|differs-only-in-comments) ' "$d/tokens" |
		cut -d' ' -f2- | LC_ALL=C sort >"$d/tok.pairs"
	if cmp -s "$d/oracle" "$d/tok.pairs" && [ ! -s "$d/tokens.err" ]; then
		ok "$ver: --tokens classifies each of the $n pairs, and no other"
	else
		not_ok "$ver: --tokens pairs differ from check-headers.sh's"
		diff "$d/oracle" "$d/tok.pairs" | sed 's/^/#   /'
	fi
	echo "# linux $ver: $n pairs flagged by check-headers.sh," \
	     "$(grep -c '^differs ' "$d/tokens") ABI," \
	     "$(grep -c '^differs-only-in-comments ' "$d/tokens") comments only"
	grep -E '^(differs|differs-only-in-comments) ' "$d/tokens" |
		sed 's/^differs-only-in-comments /comments /; s/^differs /ABI      /' |
		sed "s/^/#   $ver  /"
}

if ! "$TOP/scripts/corpus.sh" check 6.1; then
	skip "drift: linux 6.1 corpus not fetched (scripts/corpus.sh fetch)"
else
	eval "$("$TOP/scripts/corpus.sh" env)"
	check_tree 6.1 "$KH_SRCTREE"
fi
for ver in 6.12 7.2; do
	if ! "$TOP/scripts/corpus.sh" check $ver; then
		skip "drift: linux $ver not fetched (scripts/corpus.sh fetch $ver)"
		continue
	fi
	eval "$("$TOP/scripts/corpus.sh" env)"
	v=${ver//./_}
	src=KH_SRCTREE_$v
	check_tree "$ver" "${!src}"
done

# --- 6.12 against its own headers archive -------------------------------
if ! "$TOP/scripts/corpus.sh" check 6.12 || [ ! -s "$T/6.12/tokens" ]; then
	skip "drift: 6.12 archive run needs the 6.12 corpus"
	exit 0
fi
d=$T/6.12
nice -n 10 "$KHEADERS" build --srctree "$KH_SRCTREE_6_12" \
	--objtree "$KH_OBJTREE_6_12" --arch x86 -o "$d/k.tar.xz" >/dev/null 2>"$d/build.err" ||
	{ not_ok "6.12: kheaders build"; cat "$d/build.err"; exit 0; }
mkdir -p "$d/cache" && chmod 700 "$d/cache"
(cd "$KH_SRCTREE_6_12" && "$KHEADERS" drift tools --from "$d/k.tar.xz" \
	--cache-dir "$d/cache" --map "$d/map" --json) >"$d/arc.json" 2>"$d/arc.err"
rc=$?
statuses "$d/arc.json" | sed 's| [^ ]*/[0-9a-f]\{64\}/| |' >"$d/arc"
# Each pair the archive can check gets the source tree's verdict (tokens:
# a comments-only drift is invisible there, so it is "same"); what it
# cannot hold is not-in-reference, never drift.
python3 - "$d/tokens" "$d/arc" >"$d/agree" <<'EOF'
import sys
def load(p):
    return {(l.split()[1], l.split()[2]): l.split()[0] for l in open(p)}
src, arc = load(sys.argv[1]), load(sys.argv[2])
bad = 0
for k, s in src.items():
    a = arc.get(k)
    want = {"differs": {"differs"}, "same": {"same"},
            "differs-only-in-comments": {"same"},
            "missing-original": {"missing-original", "not-in-reference"}}[s]
    if a in ("not-in-reference", "not-checkable"):
        continue
    if a not in want:
        bad += 1
        print("disagree: %s %s: tree %s, archive %s" % (k[0], k[1], s, a))
n = {s: sum(1 for v in arc.values() if v == s) for s in set(arc.values())}
print("summary:", " ".join("%s=%d" % kv for kv in sorted(n.items())))
sys.exit(bad > 0)
EOF
agree=$?
if [ $agree -eq 0 ] && [ $rc -le 1 ] && [ ! -s "$d/arc.err" ]; then
	ok "6.12: against its headers archive every checkable pair keeps its verdict"
else
	not_ok "6.12: archive verdicts (exit $rc)"; cat "$d/arc.err"
fi
sed 's/^/#   6.12 archive: /' "$d/agree"
