#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fault injection into the other commands that write: `embed -o`,
# `extract -o` and `extract -C`.  Same contract as t_fault.sh: one error
# line naming the path and the cause, exit 1 (or death by the signal), the
# previous output byte-identical, no temporary file, and the fault fired.
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/fault/shim.sh"
STRIP=${STRIP_ARGS:-}

"$KHEADERS" build -q $STRIP --srctree "$FIXTURES/linux" \
	--objtree "$FIXTURES/linux-obj" --arch x86 --timestamp @0 \
	-o "$T/k.tar.xz" || { echo "not ok - the fixture build failed"; exit 1; }
"$KHEADERS" build -q $STRIP --srctree "$FIXTURES/linux" \
	--objtree "$FIXTURES/linux-obj" --arch x86 --timestamp @1 \
	-o "$T/k1.tar.xz" || exit 1
"$KHEADERS" embed "$T/k.tar.xz" -o "$T/k.o" || exit 1
mkdir "$T/out"

# run_fault NAME STATUS REGEX OUT KEEP VAR=VALUE... -- CMD...: with the
# fault, CMD exits STATUS with one line matching REGEX; OUT equals KEEP.
run_fault() {
	local name=$1 status=$2 re=$3 out=$4 keep=$5 rc why=
	shift 5
	cp "$keep" "$out"
	rm -f "$T/fault.log"
	faulty "$@" >/dev/null 2>"$T/.err"
	rc=$?
	sed -i '/^Terminated$/d' "$T/.err"
	[ "$rc" -eq "$status" ] || why="exit $rc, want $status"
	[ -z "$why" ] && ! fault_fired && why="the fault was not injected"
	[ -z "$why" ] && [ "$(wc -l < "$T/.err")" -ne 1 ] && why="want one line"
	[ -z "$why" ] && ! grep -Eq -- "$re" "$T/.err" && why="message"
	[ -z "$why" ] && ! cmp -s "$out" "$keep" && why="previous output changed"
	[ -z "$why" ] && ls -A "$T/out" | grep -q '\.tmp\.' && why="temporary file left"
	if [ -z "$why" ]; then
		ok "$name"
	else
		not_ok "$name ($why; stderr below)"
		sed 's/^/#   /' "$T/.err" | head -5
	fi
}

X=$T/out/x.tar.xz
run_fault "extract -o: write ENOSPC" 1 \
	"^kheaders: cannot write '$X': No space left on device$" "$X" "$T/k1.tar.xz" \
	KH_FAULT=write KH_FAULT_PATH="*/.x.tar.xz.tmp.*" KH_FAULT_ERRNO=ENOSPC -- \
	"$KHEADERS" extract "$T/k.o" -o "$X"
run_fault "extract -o: rename fails" 1 \
	"^kheaders: cannot rename '.*' to '$X': Permission denied$" "$X" "$T/k1.tar.xz" \
	KH_FAULT=rename KH_FAULT_PATH="$X" KH_FAULT_ERRNO=EACCES -- \
	"$KHEADERS" extract "$T/k.o" -o "$X"
run_fault "extract: read EIO on the image" 1 \
	"^kheaders: cannot read '$T/k.o': Input/output error$" "$X" "$T/k1.tar.xz" \
	KH_FAULT=read KH_FAULT_PATH="$T/k.o" KH_FAULT_ERRNO=EIO -- \
	"$KHEADERS" extract "$T/k.o" -o "$X"
run_fault "extract: open EMFILE on the image" 1 \
	"^kheaders: cannot open '$T/k.o': Too many open files$" "$X" "$T/k1.tar.xz" \
	KH_FAULT=open KH_FAULT_PATH="$T/k.o" KH_FAULT_ERRNO=EMFILE -- \
	"$KHEADERS" extract "$T/k.o" -o "$X"
run_fault "extract -o: SIGINT while writing" 130 \
	"^kheaders: interrupted by SIGINT, temporary files removed$" "$X" "$T/k1.tar.xz" \
	KH_FAULT=write KH_FAULT_PATH="*/.x.tar.xz.tmp.*" KH_FAULT_ACTION=sigint -- \
	"$KHEADERS" extract "$T/k.o" -o "$X"

O=$T/out/e.o
"$KHEADERS" embed "$T/k1.tar.xz" -o "$T/k1.o" || exit 1
run_fault "embed -o: write EIO" 1 \
	"^kheaders: cannot write '$O': Input/output error$" "$O" "$T/k1.o" \
	KH_FAULT=write KH_FAULT_PATH="*/.e.o.tmp.*" KH_FAULT_ERRNO=EIO -- \
	"$KHEADERS" embed "$T/k.tar.xz" -o "$O"
run_fault "embed -o: fsync ENOSPC" 1 \
	"^kheaders: cannot write '$O': No space left on device$" "$O" "$T/k1.o" \
	KH_FAULT=fsync KH_FAULT_PATH="*/.e.o.tmp.*" KH_FAULT_ERRNO=ENOSPC -- \
	"$KHEADERS" embed "$T/k.tar.xz" -o "$O"
run_fault "embed: read EIO on the archive" 1 \
	"^kheaders: cannot read '$T/k.tar.xz': Input/output error$" "$O" "$T/k1.o" \
	KH_FAULT=read KH_FAULT_PATH="$T/k.tar.xz" KH_FAULT_ERRNO=EIO -- \
	"$KHEADERS" embed "$T/k.tar.xz" -o "$O"

# extract -C into a new directory: a failure must not leave half a tree.
rm -f "$T/fault.log"
faulty KH_FAULT=open KH_FAULT_PATH="*/include/linux/types.h" KH_FAULT_ERRNO=EIO -- \
	"$KHEADERS" extract "$T/k.o" -C "$T/out/ud" >/dev/null 2>"$T/.err"
rc=$?
expect "extract -C: a failing entry is an error naming it" bash -c "
	[ $rc -eq 1 ] && [ \$(wc -l < '$T/.err') -eq 1 ] &&
	grep -q \"include/linux/types.h.*Input/output error\" '$T/.err'"
expect "extract -C: nothing is left of a new directory after a failure" \
	test ! -e "$T/out/ud"
expect "extract -C: nothing appears beside the directory" \
	bash -c "[ -z \"\$(ls -A '$T/out' | grep -v -x -e x.tar.xz -e e.o -e ud)\" ]"
