#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fault injection into `kheaders build` through the LD_PRELOAD shim of
# tests/fault/: failing write/read/open/fsync/rename/mkostemp, files that
# vanish, grow or shrink while read, SIGINT/SIGTERM mid-build.  Every time:
# one error line naming the path and the cause, the stated exit status,
# the previous output and depfile byte-identical, no temporary file left,
# and the fault really injected (its log is not empty).
source "$(dirname "$0")/../lib.sh"
require xz
source "$TOP/tests/fault/shim.sh"
STRIP=${STRIP_ARGS:-}

cp -a "$FIXTURES/linux" "$T/src"
cp -a "$FIXTURES/linux-obj" "$T/obj"
mkdir "$T/out"
OUT=$T/out/k.tar.xz
DEP=$T/out/k.d
kb() {
	"$KHEADERS" build -q $STRIP --srctree "$T/src" --objtree "$T/obj" \
		--arch x86 -o "$OUT" --depfile "$DEP" "$@"
}
kb --timestamp @1000000000 || { echo "not ok - the first build failed"; exit 1; }
cp "$OUT" "$T/keep.tar.xz"
cp "$DEP" "$T/keep.d"
# A successful build with this timestamp would change the output's bytes.
NEWTS=@1600000000

# check NAME STATUS REGEX: the last run ($rc, $T/.err) behaved as stated.
check() {
	local name=$1 status=$2 re=$3 why=
	[ "$rc" -eq "$status" ] || why="exit $rc, want $status"
	[ -z "$why" ] && ! fault_fired && why="the fault was not injected"
	# (bash itself reports a child killed by SIGTERM: not ours)
	sed -i '/^Terminated$/d' "$T/.err"
	[ -z "$why" ] && [ "$(wc -l < "$T/.err")" -ne 1 ] &&
		why="want exactly one line on stderr"
	[ -z "$why" ] && ! grep -Eq -- "$re" "$T/.err" && why="message"
	[ -z "$why" ] && ! cmp -s "$OUT" "$T/keep.tar.xz" &&
		why="previous output changed"
	[ -z "$why" ] && ! cmp -s "$DEP" "$T/keep.d" &&
		why="previous depfile changed"
	[ -z "$why" ] && ls -A "$T/out" | grep -q '\.tmp\.' &&
		why="temporary file left: $(ls -A "$T/out" | tr '\n' ' ')"
	if [ -z "$why" ]; then
		ok "$name"
	else
		not_ok "$name ($why; stderr below)"
		sed 's/^/#   /' "$T/.err" | head -5
	fi
	cp "$T/keep.tar.xz" "$OUT"
	cp "$T/keep.d" "$DEP"
}

# inject NAME STATUS REGEX VAR=VALUE...: build with the fault, check.
inject() {
	local name=$1 status=$2 re=$3
	shift 3
	rm -f "$T/fault.log"
	faulty "$@" -- "$KHEADERS" build -q $STRIP --srctree "$T/src" \
		--objtree "$T/obj" --arch x86 -o "$OUT" --depfile "$DEP" \
		--timestamp $NEWTS >/dev/null 2>"$T/.err"
	rc=$?
	check "$name" "$status" "$re"
}

TYPES=$T/src/include/linux/types.h
O=$T/out/k.tar.xz

# --- the output: write, fsync, create, rename
inject "write ENOSPC on the output" 1 \
	"^kheaders: cannot write '$O': No space left on device$" \
	KH_FAULT=write KH_FAULT_PATH="*/.k.tar.xz.tmp.*" KH_FAULT_ERRNO=ENOSPC
inject "write EIO on the output" 1 \
	"^kheaders: cannot write '$O': Input/output error$" \
	KH_FAULT=write KH_FAULT_PATH="*/.k.tar.xz.tmp.*" KH_FAULT_ERRNO=EIO
inject "fsync EIO on the output" 1 \
	"^kheaders: cannot write '$O': Input/output error$" \
	KH_FAULT=fsync KH_FAULT_PATH="*/.k.tar.xz.tmp.*" KH_FAULT_ERRNO=EIO
inject "creating the output fails with EACCES" 1 \
	"^kheaders: cannot create output '$O': Permission denied$" \
	KH_FAULT=mkostemp KH_FAULT_PATH="*/.k.tar.xz.tmp.*" KH_FAULT_ERRNO=EACCES
inject "creating the output fails with EMFILE" 1 \
	"^kheaders: cannot create output '$O': Too many open files$" \
	KH_FAULT=mkostemp KH_FAULT_PATH="*/.k.tar.xz.tmp.*" KH_FAULT_ERRNO=EMFILE
inject "rename of the output fails (EXDEV)" 1 \
	"^kheaders: cannot rename '.*/\.k\.tar\.xz\.tmp\.[^']*' to '$O': Invalid cross-device link$" \
	KH_FAULT=rename KH_FAULT_PATH="$O" KH_FAULT_ERRNO=EXDEV
inject "rename of the output fails (EACCES)" 1 \
	"^kheaders: cannot rename '.*' to '$O': Permission denied$" \
	KH_FAULT=rename KH_FAULT_PATH="$O" KH_FAULT_ERRNO=EACCES

# --- the depfile: the archive must not be replaced without it
inject "write EIO on the depfile keeps the previous archive too" 1 \
	"^kheaders: cannot write '$DEP': Input/output error$" \
	KH_FAULT=write KH_FAULT_PATH="*/.k.d.tmp.*" KH_FAULT_ERRNO=EIO
inject "rename of the depfile fails: previous archive kept" 1 \
	"^kheaders: cannot rename '.*' to '$DEP': Permission denied$" \
	KH_FAULT=rename KH_FAULT_PATH="$DEP" KH_FAULT_ERRNO=EACCES

# --- the inputs: open, read
inject "read EIO on a header" 1 \
	"^kheaders: cannot read '$TYPES': Input/output error$" \
	KH_FAULT=read KH_FAULT_PATH="$TYPES" KH_FAULT_ERRNO=EIO
inject "open EACCES on a header" 1 \
	"^kheaders: cannot open '$TYPES': Permission denied$" \
	KH_FAULT=open KH_FAULT_PATH="$TYPES" KH_FAULT_ERRNO=EACCES
inject "open EMFILE on a header" 1 \
	"^kheaders: cannot open '$TYPES': Too many open files$" \
	KH_FAULT=open KH_FAULT_PATH="$TYPES" KH_FAULT_ERRNO=EMFILE
inject "open EACCES on a directory of the walk" 1 \
	"^kheaders: cannot open directory '$T/src/include/uapi/linux': Permission denied$" \
	KH_FAULT=open KH_FAULT_PATH="$T/src/include/uapi/linux" KH_FAULT_ERRNO=EACCES
inject "open EMFILE on a tree root" 1 \
	"^kheaders: cannot open directory '$T/obj/include/generated': Too many open files$" \
	KH_FAULT=open KH_FAULT_PATH="$T/obj/include/generated" KH_FAULT_ERRNO=EMFILE

# --- files changing under the build (on copies: the shim really does it)
inject "a header vanishes between the walk and the read" 1 \
	"^kheaders: cannot open '$TYPES': No such file or directory$" \
	KH_FAULT=open KH_FAULT_PATH="$TYPES" KH_FAULT_ACTION=unlink
cp "$FIXTURES/linux/include/linux/types.h" "$TYPES"
touch -d @1000000000 "$TYPES"
inject "a header grows while it is read" 1 \
	"^kheaders: '$TYPES' changed while being archived$" \
	KH_FAULT=read KH_FAULT_PATH="$TYPES" KH_FAULT_ACTION=grow KH_FAULT_COUNT=1
cp "$FIXTURES/linux/include/linux/types.h" "$TYPES"
inject "a header shrinks while it is read" 1 \
	"^kheaders: '$TYPES' changed while being archived$" \
	KH_FAULT=read KH_FAULT_PATH="$TYPES" KH_FAULT_ACTION=shrink KH_FAULT_COUNT=1
cp "$FIXTURES/linux/include/linux/types.h" "$TYPES"

# --- signals while the temporary output exists (killed by the signal)
inject "SIGINT while writing the output" 130 \
	"^kheaders: interrupted by SIGINT, temporary files removed$" \
	KH_FAULT=write KH_FAULT_PATH="*/.k.tar.xz.tmp.*" KH_FAULT_ACTION=sigint
inject "SIGTERM while writing the output" 143 \
	"^kheaders: terminated by SIGTERM, temporary files removed$" \
	KH_FAULT=write KH_FAULT_PATH="*/.k.tar.xz.tmp.*" KH_FAULT_ACTION=sigterm
inject "SIGINT while reading the headers" 130 \
	"^kheaders: interrupted by SIGINT, temporary files removed$" \
	KH_FAULT=read KH_FAULT_PATH="$TYPES" KH_FAULT_ACTION=sigint

# An outside SIGTERM: the build stops itself (SIGSTOP) with the temporary
# output open; the test sends SIGTERM, then SIGCONT.
rm -f "$T/fault.log"
env KH_FAULT=write KH_FAULT_PATH="*/.k.tar.xz.tmp.*" KH_FAULT_ACTION=stop \
	KH_FAULT_COUNT=1 KH_FAULT_LOG="$T/fault.log" LD_PRELOAD="$FAULT_SO" \
	"$KHEADERS" build -q $STRIP --srctree "$T/src" --objtree "$T/obj" \
	--arch x86 -o "$OUT" --depfile "$DEP" --timestamp $NEWTS \
	>/dev/null 2>"$T/.err" &
pid=$!
wait_stopped "$pid"
ls -A "$T/out" | grep -q '\.tmp\.' && had_tmp=1 || had_tmp=0
kill -TERM "$pid"
kill -CONT "$pid"
wait "$pid"
rc=$?
expect "a temporary output existed when SIGTERM was sent" test "$had_tmp" = 1
check "SIGTERM from outside while the output is open" 143 \
	"^kheaders: terminated by SIGTERM, temporary files removed$"

# --- list files (hermetic mode)
(cd "$T/src" && find include arch/x86/include -name '*.h') > "$T/src.list"
(cd "$T/obj" && find include arch -name '*.h') > "$T/obj.list"
rm -f "$T/fault.log"
faulty KH_FAULT=read KH_FAULT_PATH="$T/src.list" KH_FAULT_ERRNO=EIO -- \
	"$KHEADERS" build -q $STRIP --srctree "$T/src" --objtree "$T/obj" \
	--srclist "$T/src.list" --objlist "$T/obj.list" -o "$OUT" \
	--depfile "$DEP" --timestamp $NEWTS >/dev/null 2>"$T/.err"
rc=$?
check "read EIO on a list file" 1 \
	"^kheaders: cannot read '$T/src.list': Input/output error$"

# --- interrupted and short transfers are completed, not errors
cp "$OUT" "$T/before.tar.xz"
rm -f "$T/fault.log"
kb --timestamp $NEWTS && cp "$OUT" "$T/new.tar.xz"
cp "$T/keep.tar.xz" "$OUT"
for spec in "write short" "read short" "write EINTR" "read EINTR"; do
	set -- $spec
	rm -f "$T/fault.log"
	if [ "$2" = short ]; then
		act=(KH_FAULT_ACTION=short)
	else
		act=(KH_FAULT_ERRNO=EINTR KH_FAULT_COUNT=1)
	fi
	case $1 in
	write) path="*/.k.tar.xz.tmp.*" ;;
	read) path=$TYPES ;;
	esac
	faulty KH_FAULT=$1 KH_FAULT_PATH="$path" "${act[@]}" -- \
		"$KHEADERS" build -q $STRIP --srctree "$T/src" --objtree "$T/obj" \
		--arch x86 -o "$OUT" --depfile "$DEP" --timestamp $NEWTS 2>"$T/.err"
	rc=$?
	if [ $rc -eq 0 ] && fault_fired && cmp -s "$OUT" "$T/new.tar.xz"; then
		ok "$1 $2 is completed: same bytes as a clean build"
	else
		not_ok "$1 $2 is completed (exit $rc)"
		sed 's/^/#   /' "$T/.err" | head -5
	fi
	cp "$T/keep.tar.xz" "$OUT"
	cp "$T/keep.d" "$DEP"
done

# --- and with no fault, the same command does replace the output
rm -f "$T/fault.log"
kb --timestamp $NEWTS 2>"$T/.err"
expect "without a fault the build replaces the output" \
	bash -c "! cmp -s '$OUT' '$T/keep.tar.xz' && xz -t '$OUT'"
