#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Sum the per-suite counts `make check` collected ("suite passed failed
# skipped" lines) and print the closing total line.
set -u
file=$1
pass=0 fail=0 skipped=0
if [ -f "$file" ]; then
	while read -r _ p f s; do
		pass=$((pass + p)) fail=$((fail + f)) skipped=$((skipped + s))
	done < "$file"
fi
echo "total: $pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
