#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Step 4, in the built-in O= tree: a rebuild with nothing changed does not
# regenerate the archive (mtime kept); a same-size edit of one header
# regenerates it and the new archive differs in exactly that file; undoing
# the edit brings the original bytes back.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"

hdr=include/linux/platform_data/ad7266.h
e2e_setup || { not_ok "incremental: e2e setup"; exit 0; }
e2e_prepare_src "$W/src" || { not_ok "incremental: preparing '$W/src' failed"; exit 0; }
e2e_need_tools "incremental: rebuilds" || exit 0
obj=$W/builtin
ar=$obj/kernel/kheaders_data.tar.xz
e2e_build "$W/src" "$obj" y bzImage ||
	{ not_ok "incremental: built-in tree does not build (log: $obj.log)"; exit 0; }
cp "$ar" "$T/before.tar.xz"
m0=$(stat -c %y "$ar")
o0=$(stat -c %y "$obj/kernel/kheaders_data.o")

# make_again NAME: one more make bzImage, timed, log in $T/NAME.log.
make_again() {
	local t0=$(date +%s)
	e2e_make "$W/src" "$obj" bzImage > "$T/$1.log" 2>&1 ||
		{ tail -20 "$T/$1.log" | sed 's/^/#   /'; return 1; }
	echo "# make ($1): $(($(date +%s) - t0)) s, $(grep -c '^  CC ' "$T/$1.log") objects compiled"
	echo "builtin-$1 $(($(date +%s) - t0))s" >> "$W/times"
}

if make_again noop; then
	[ "$(stat -c %y "$ar")" = "$m0" ] && ! grep -q 'GEN .*kheaders_data' "$T/noop.log" &&
		ok "incremental: no-op rebuild keeps the archive (mtime $m0)" ||
		not_ok "incremental: no-op rebuild regenerated the archive"
	[ "$(stat -c %y "$obj/kernel/kheaders_data.o")" = "$o0" ] &&
		ok "incremental: no-op rebuild keeps kheaders_data.o" ||
		not_ok "incremental: no-op rebuild re-embedded kheaders_data.o"
else
	not_ok "incremental: no-op rebuild failed"
fi

# A same-size edit outside comments (comments are stripped from the archive).
size0=$(fsize "$W/src/$hdr")
sed -i 's/enum ad7266_range range;/enum ad7266_range rangx;/' "$W/src/$hdr"
if cmp -s "$W/src/$hdr" "$KH_SRCTREE/$hdr" || [ "$(fsize "$W/src/$hdr")" != "$size0" ]; then
	not_ok "incremental: could not make a same-size edit of $hdr"
elif make_again edit; then
	grep -q 'GEN .*kheaders_data.tar.xz' "$T/edit.log" &&
		! cmp -s "$ar" "$T/before.tar.xz" &&
		ok "incremental: editing $hdr regenerates the archive" ||
		not_ok "incremental: editing $hdr did not regenerate the archive"
	mkdir -p "$T/a" "$T/b"
	tar -xJf "$T/before.tar.xz" -C "$T/a" && tar -xJf "$ar" -C "$T/b"
	diff -rq "$T/a" "$T/b" > "$T/tardiff"
	[ "$(wc -l < "$T/tardiff")" = 1 ] && grep -q "$hdr" "$T/tardiff" &&
		ok "incremental: unpacked archives differ in $hdr only" ||
		{ not_ok "incremental: unpacked archives differ in more than $hdr"; head -5 "$T/tardiff" | sed 's/^/#   /'; }
	if kh_has diff; then
		"$KHEADERS" diff "$T/before.tar.xz" "$ar" > "$T/khdiff" 2>&1
		rc=$?
		[ "$rc" = 1 ] && [ "$(grep -c '^changed: \|^only in ' "$T/khdiff")" = 1 ] &&
			grep -Eq "^changed: (\./)?$hdr \(content\)" "$T/khdiff" &&
			grep -q '^0 only in A, 0 only in B, 1 changed' "$T/khdiff" &&
			ok "incremental: kheaders diff: only $hdr changed (content)" ||
			{ not_ok "incremental: kheaders diff (exit $rc) does not say only $hdr changed"; head -5 "$T/khdiff" | sed 's/^/#   /'; }
	else
		not_ok "incremental: kheaders diff (not in this binary yet)"
	fi
else
	not_ok "incremental: rebuild after editing $hdr failed"
fi

cp "$KH_SRCTREE/$hdr" "$W/src/$hdr"
if make_again undo; then
	cmp -s "$ar" "$T/before.tar.xz" &&
		ok "incremental: undoing the edit gives back the original archive" ||
		not_ok "incremental: archive after undoing the edit differs from the original"
else
	not_ok "incremental: rebuild after undoing the edit failed"
fi
