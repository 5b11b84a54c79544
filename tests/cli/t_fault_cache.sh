#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The build cache under faults and corruption: whatever happens to its
# files (failed writes, renames and reads, a signal while storing, records
# truncated or with a flipped byte), a build either fails cleanly (exit 1,
# previous output intact) or gives exactly the bytes of a --no-cache
# build, and so does the next build with the same cache.
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/fault/shim.sh"
STRIP=${STRIP_ARGS:-}

if ! "$KHEADERS" build --help | grep -q -- '--cache DIR'; then
	skip "build cache: this kheaders has no --cache"
	exit 0
fi
cp -a "$FIXTURES/linux" "$T/src"
cp -a "$FIXTURES/linux-obj" "$T/obj"
mkdir "$T/out"
C=$T/cache
kb() {
	"$KHEADERS" build -q $STRIP --srctree "$T/src" --objtree "$T/obj" \
		--arch x86 --timestamp @1600000000 "$@"
}
kb --no-cache -o "$T/ref.tar.xz" || { echo "not ok - reference build"; exit 1; }
kb --no-cache --timestamp @1000000000 -o "$T/old.tar.xz" || exit 1

# after NAME: a build with the cache now gives the reference bytes.
after() {
	rm -f "$T/out/k.tar.xz"
	if kb --force --cache "$C" -o "$T/out/k.tar.xz" 2>"$T/.err2" &&
	   cmp -s "$T/out/k.tar.xz" "$T/ref.tar.xz"; then
		ok "$1: the next build with this cache is right"
	else
		not_ok "$1: the next build with this cache is right"
		sed 's/^/#   /' "$T/.err2" | head -5
	fi
}

# cache_fault NAME FILLS VAR=VALUE...: a build with the fault on the
# cache's files, from an empty cache (it stores) and/or a full one (it
# loads), as FILLS says.
cache_fault() {
	local name=$1 fills=$2 fill rc
	shift 2
	for fill in $fills; do
		rm -rf "$C"
		[ $fill = full ] && kb --force --cache "$C" -o "$T/fill.tar.xz"
		cp "$T/old.tar.xz" "$T/out/k.tar.xz"
		rm -f "$T/fault.log"
		faulty "$@" -- "$KHEADERS" build -q $STRIP --srctree "$T/src" \
			--objtree "$T/obj" --arch x86 --timestamp @1600000000 \
			--force --cache "$C" -o "$T/out/k.tar.xz" >/dev/null 2>"$T/.err"
		rc=$?
		sed -i '/^Terminated$/d' "$T/.err"
		if ! fault_fired; then
			not_ok "$name ($fill cache): the fault was not injected"
		elif { [ $rc -eq 0 ] && cmp -s "$T/out/k.tar.xz" "$T/ref.tar.xz"; } ||
		     { [ $rc -ne 0 ] && cmp -s "$T/out/k.tar.xz" "$T/old.tar.xz" &&
		       [ "$(wc -l < "$T/.err")" -le 1 ]; }; then
			ok "$name ($fill cache): exit $rc, output whole"
		else
			not_ok "$name ($fill cache): exit $rc, output not right (stderr below)"
			sed 's/^/#   /' "$T/.err" | head -5
		fi
		[ "$(ls -A "$T/out" | grep -c '\.tmp\.')" -eq 0 ] ||
			not_ok "$name ($fill cache): temporary file left"
		after "$name ($fill cache)"
	done
}

cache_fault "write EIO on cache records" empty \
	KH_FAULT=write KH_FAULT_PATH="$C/*" KH_FAULT_ERRNO=EIO
cache_fault "write ENOSPC on cache records after the first" empty \
	KH_FAULT=write KH_FAULT_PATH="$C/*" KH_FAULT_ERRNO=ENOSPC KH_FAULT_AFTER=1
cache_fault "short writes of cache records" empty \
	KH_FAULT=write KH_FAULT_PATH="$C/*" KH_FAULT_ACTION=short
cache_fault "rename EACCES into the cache" empty \
	KH_FAULT=rename KH_FAULT_PATH="$C/*" KH_FAULT_ERRNO=EACCES
cache_fault "read EIO on cache records" full \
	KH_FAULT=read KH_FAULT_PATH="$C/*" KH_FAULT_ERRNO=EIO
cache_fault "open EMFILE in the cache" "empty full" \
	KH_FAULT=open KH_FAULT_PATH="$C/*" KH_FAULT_ERRNO=EMFILE
cache_fault "SIGINT while storing a cache record" empty \
	KH_FAULT=write KH_FAULT_PATH="$C/*" KH_FAULT_ACTION=sigint

# Corrupted records on disk: truncated, then one flipped byte in each.
for how in truncate flip; do
	rm -rf "$C"
	kb --force --cache "$C" -o "$T/fill.tar.xz"
	n=0
	while IFS= read -r -d '' f; do
		n=$((n + 1))
		size=$(stat -c %s "$f")
		if [ $how = truncate ]; then
			truncate -s $((size / 2)) "$f"
		else
			printf '\377' | dd of="$f" bs=1 seek=$((size - 1)) conv=notrunc status=none
		fi
	done < <(find "$C" -type f -print0)
	expect "corrupt records ($how): there were records to corrupt" test "$n" -gt 0
	rm -f "$T/out/k.tar.xz"
	kb --force --cache "$C" -o "$T/out/k.tar.xz" 2>"$T/.err"
	expect "corrupt records ($how): the build gives the reference bytes" \
		cmp "$T/out/k.tar.xz" "$T/ref.tar.xz"
	after "corrupt records ($how)"
done
