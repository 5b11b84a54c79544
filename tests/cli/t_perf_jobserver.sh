#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The make jobserver client: with a real `make -jN` (R,W descriptors, the
# only style Debian 12's make 4.3 speaks) kheaders takes tokens for its
# extra threads and make gets them all back; with a fifo jobserver made by
# hand, every token comes back, also when kheaders is killed mid-build;
# without free tokens it runs on one thread and never waits.
source "$(dirname "$0")/../lib.sh"
require python3 make
TS="@1767225600"
OBJ=$FIXTURES/linux-obj
cp -a "$FIXTURES/linux" "$T/src"
# Text that takes xz a while: a few seconds of work in several blocks.
for i in $(seq 0 3); do
	mkdir -p "$T/src/include/big$i"
	for j in $(seq 0 9); do
		head -c 40000 /dev/urandom | base64 > "$T/src/include/big$i/h$j.h"
	done
done
KB=("$KHEADERS" build --strip none --srctree "$T/src" --objtree "$OBJ" --arch x86
    --timestamp "$TS" --no-cache --block-entries 10)

# Real make, R,W style: '+' hands the jobserver to the recipe.
cat > "$T/Makefile" <<MK
all: a.tar.xz b.tar.xz
%.tar.xz:
	+@"$KHEADERS" build --strip none -v --srctree "$T/src" --objtree "$OBJ" --arch x86 --timestamp "$TS" --no-cache --block-entries 10 --threads 8 -o \$@ 2> \$@.log
MK
make -s -C "$T" -j3 > "$T/make.out" 2>&1
rc=$?
expect "make -j3 runs two kheaders builds" test "$rc" -eq 0
expect "make got every token back (no jobserver complaint)" bash -c "! grep -qi 'jobserver\|tokens' '$T/make.out'"
expect "MAKEFLAGS had the R,W style" bash -c "make -s -C '$T' -j3 -f - <<<'x:; @echo \"\$\$MAKEFLAGS\"' 2>/dev/null | grep -q 'jobserver-auth=[0-9]*,[0-9]*'"
ta=$(sed -n 's/.*kheaders: \([0-9]*\) threads.*/\1/p' "$T/a.tar.xz.log")
tb=$(sed -n 's/.*kheaders: \([0-9]*\) threads.*/\1/p' "$T/b.tar.xz.log")
expect "threads never exceed make's job slots ($ta + $tb <= 3)" test $((ta + tb)) -le 3
expect "each build ran at least one thread" test "$ta" -ge 1 -a "$tb" -ge 1
mkdir "$T/ref"
"${KB[@]}" -q --threads 1 -o "$T/ref/ref.tar.xz"
expect "jobserver builds give the usual bytes" bash -c "
	cmp -s '$T/ref/ref.tar.xz' '$T/a.tar.xz' && cmp -s '$T/ref/ref.tar.xz' '$T/b.tar.xz'"

# Without '+', make 4.3 closes the descriptors: no jobserver, one thread
# is what make planned for, and nothing breaks.
sed -i 's/^\t+@/\t@/' "$T/Makefile"
rm -f "$T"/*.tar.xz
make -s -C "$T" -j3 > "$T/make2.out" 2>&1
expect "a recipe without '+' still builds" test -s "$T/a.tar.xz"

# fifo style, made by hand: three tokens in, three out.
mkfifo "$T/fifo"
exec 7<>"$T/fifo"
printf 'abc' >&7
count_tokens() {
	python3 - "$T/fifo" <<'PY'
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
n = 0
try:
    while os.read(fd, 1):
        n += 1
except BlockingIOError:
    pass
sys.stdout.write(str(n))
PY
}
MAKEFLAGS=" -j4 --jobserver-auth=fifo:$T/fifo" "${KB[@]}" -q -v --threads 8 -o "$T/f.tar.xz" 2> "$T/f.err"
expect "fifo style: 1 + 3 tokens = 4 threads" grep -q 'kheaders: 4 threads' "$T/f.err"
expect "fifo style: the same bytes" same_bytes "$T/ref/ref.tar.xz" "$T/f.tar.xz"
n=$(count_tokens)
expect "fifo style: all three tokens back ($n)" test "$n" -eq 3

# No free token: one thread, at once (never blocks waiting for one).
MAKEFLAGS=" -j4 --jobserver-auth=fifo:$T/fifo" timeout 60 "${KB[@]}" -q -v --threads 8 -o "$T/g.tar.xz" 2> "$T/g.err"
expect "no free token: runs on one thread without waiting" grep -q 'kheaders: 1 threads' "$T/g.err"

# Killed mid-build: the tokens still come back.  The fault shim stops the
# build (SIGSTOP) on its first write to the temporary output, so the
# SIGTERM lands mid-build however fast the machine is.
source "$TOP/tests/fault/shim.sh"
printf 'xyz' >&7
rm -f "$T/fault.log"
MAKEFLAGS=" -j4 --jobserver-auth=fifo:$T/fifo" KH_FAULT=write \
	KH_FAULT_PATH="*/.k.tar.xz.tmp.*" KH_FAULT_ACTION=stop KH_FAULT_COUNT=1 \
	KH_FAULT_LOG="$T/fault.log" LD_PRELOAD="$FAULT_SO" \
	"${KB[@]}" -q --threads 8 -o "$T/k.tar.xz" 2>/dev/null &
pid=$!
wait_stopped "$pid"
expect "the build was stopped mid-write" test -s "$T/fault.log"
kill -TERM $pid 2>/dev/null
kill -CONT $pid 2>/dev/null
wait $pid
rc=$?
n=$(count_tokens)
expect "SIGTERM mid-build: all three tokens back ($n, exit $rc)" test "$n" -eq 3
expect "SIGTERM mid-build: exit 143" test "$rc" -eq 143
expect "... and no partial output" test ! -e "$T/k.tar.xz"
exec 7>&-
