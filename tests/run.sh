#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every t_*.sh in a directory and count the cases they print.
# Usage: tests/run.sh DIR [PATTERN]
# KH_SKIP="t_a.sh t_b.sh" leaves those scripts out, each counted as one
# skipped case (debian/rules: what a package build cannot run).
set -u
dir=$1
pattern=${2:-t_*.sh}
pass=0 fail=0 skipped=0
for t in "$dir"/$pattern; do
	[ -f "$t" ] || continue
	echo "-- $(basename "$t")"
	case " ${KH_SKIP:-} " in
	*" $(basename "$t") "*)
		echo "skip - $(basename "$t"): left out (KH_SKIP)"
		skipped=$((skipped + 1))
		continue ;;
	esac
	out=$(bash "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	p=$(grep -c '^ok - ' <<<"$out")
	f=$(grep -c '^not ok - ' <<<"$out")
	s=$(grep -c '^skip - ' <<<"$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $(basename "$t") exited with status $rc"
		f=1
	fi
	pass=$((pass + p)) fail=$((fail + f)) skipped=$((skipped + s))
done
echo "$(basename "$dir"): $pass passed, $fail failed, $skipped skipped"
if [ -n "${KH_RESULTS:-}" ]; then
	echo "$(basename "$dir") $pass $fail $skipped" >> "$KH_RESULTS"
fi
[ "$fail" -eq 0 ]
