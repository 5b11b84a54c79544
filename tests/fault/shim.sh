# SPDX-License-Identifier: GPL-2.0
# Sourced by tests/cli/t_fault*.sh after tests/lib.sh: builds the
# fault-injection shim (tests/fault/faultinj.c) into $T and provides
# `faulty VAR=VALUE... -- CMD...`, which runs CMD with the shim preloaded
# and the KH_FAULT* variables given (see the top of faultinj.c).
FAULT_SO=$T/faultinj.so
${FAULT_CC:-cc} -shared -fPIC -O1 -Wall -Wextra -Werror -D_GNU_SOURCE \
	-o "$FAULT_SO" "$TOP/tests/fault/faultinj.c" -ldl || {
	echo "not ok - cannot build the fault-injection shim"
	exit 1
}
# A sanitizer runtime must come first; the shim does not interfere with it.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

faulty() {
	local vars=()
	while [ "$1" != "--" ]; do
		vars+=("$1")
		shift
	done
	shift
	env "${vars[@]}" KH_FAULT_LOG="$T/fault.log" LD_PRELOAD="$FAULT_SO" "$@"
}

# wait_stopped PID: wait (up to 30 s) until PID is stopped, as the shim's
# "stop" action leaves it.
wait_stopped() {
	local _
	for _ in $(seq 600); do
		grep -q '^State:.*stopped' "/proc/$1/status" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# fault_fired: the last faulty run really injected something.
fault_fired() { [ -s "$T/fault.log" ]; }
