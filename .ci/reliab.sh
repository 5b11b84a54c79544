#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# CI helper for the reliability checks (docs/reliability.md):
#   .ci/reliab.sh fuzz       every libFuzzer harness for FUZZ_SECONDS (60)
#   .ci/reliab.sh sanitize   the unit and command-line suites on the
#                            ASan+UBSan build (build-san/)
#   .ci/reliab.sh all        both (about 15 minutes on 2 cores)
# The real-corpus suite is left out of the sanitizer run to keep CI under
# its time budget; `make check SANITIZE=1` runs it too.
set -eu
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SECONDS:-60}

sanitize() {
	make -j2 --no-print-directory SANITIZE=1 all build-san/tests/unit-tests
	make --no-print-directory SANITIZE=1 check-unit check-cli
}

fuzz() {
	make --no-print-directory fuzz FUZZ_SECONDS="$FUZZ_SECONDS"
}

case ${1:-all} in
fuzz) fuzz ;;
sanitize) sanitize ;;
all) sanitize && fuzz ;;
*) echo "usage: .ci/reliab.sh fuzz|sanitize|all" >&2; exit 2 ;;
esac
