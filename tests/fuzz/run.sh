#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the libFuzzer harnesses: first replay every kept regression input
# (tests/fuzz/regress/<name>/), then fuzz for SECONDS from the seeds
# (tests/fuzz/corpus/<name>/, never written to) plus a scratch corpus
# (build-fuzz/corpus/<name>/, kept between runs).  Prints one summary line
# per harness with its executions; fails on the first crash, leak, timeout
# or broken invariant, leaving the reproducer in build-fuzz/crashes/<name>/.
#
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS NAME...
# FUZZ_RUNS=N in the environment also stops each harness after N
# executions (the long runs: 10 million or 20 minutes, whichever first).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
b=$1 secs=$2
shift 2
fail=0
for name in "$@"; do
	bin=$b/fuzz/fuzz_$name
	seeds=$top/tests/fuzz/corpus/$name
	regress=$top/tests/fuzz/regress/$name
	work=$b/corpus/$name
	crashes=$b/crashes/$name
	mkdir -p "$work" "$crashes"
	if [ -d "$regress" ] && ls "$regress"/* >/dev/null 2>&1; then
		if ! "$bin" -rss_limit_mb=4096 "$regress"/* >"$b/$name.regress.log" 2>&1; then
			echo "FAIL fuzz_$name: a regression input fails again (see $b/$name.regress.log)"
			tail -30 "$b/$name.regress.log"
			fail=1
			continue
		fi
	fi
	# Longest input worth trying: a list of thousands of paths only
	# stats more files, a timestamp is one line.
	case $name in
	timestamp) max_len=256 ;;
	depfile|listfile|driftmap) max_len=4096 ;;
	strip|scan|uapi|ksymtab) max_len=65536 ;;
	*) max_len=1048576 ;;
	esac
	dirs=("$work")
	[ -d "$seeds" ] && dirs+=("$seeds")
	"$bin" -max_total_time="$secs" ${FUZZ_RUNS:+-runs="$FUZZ_RUNS"} \
		-print_final_stats=1 -timeout=25 \
		-rss_limit_mb=4096 -max_len=$max_len \
		-artifact_prefix="$crashes/" "${dirs[@]}" >"$b/$name.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$b/$name.log")
	cov=$(grep -Eo 'cov: [0-9]+' "$b/$name.log" | tail -1)
	if [ "$rc" -ne 0 ]; then
		echo "FAIL fuzz_$name after ${execs:-?} executions (see $b/$name.log; input in $crashes/)"
		grep -E 'ERROR|Assertion|runtime error|SUMMARY' "$b/$name.log" | head -10
		fail=1
	else
		echo "ok   fuzz_$name: ${execs:-?} executions in ${secs}s, ${cov:-cov: ?}, corpus $(ls "$work" | wc -l) files"
	fi
done
exit $fail
