#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kheaders list: names as tar stores them, --long metadata, --json that
# parses (names with a newline and a non-UTF-8 byte), stdin, bad input.
source "$(dirname "$0")/../lib.sh"
require xz python3

# pack DIR OUT: a kernel-style archive of DIR (./ names, owner 0, one mtime)
pack() {
	(cd "$1" && find . -print0 | LC_ALL=C sort -z |
		tar --format=ustar --owner=0 --group=0 --numeric-owner \
		    --mtime=@1700000000 --no-recursion --null -T - -cf -) |
		xz -c >"$2"
}

mkdir -p "$T/tree/include/linux" "$T/tree/arch/x86/include/asm"
printf '#ifndef _A_H\n#define A 1\n#endif\n' >"$T/tree/include/linux/a.h"
printf 'int x;' >"$T/tree/arch/x86/include/asm/nonl.h"
chmod 0600 "$T/tree/arch/x86/include/asm/nonl.h"
ln -s ../../../../include/linux/a.h "$T/tree/arch/x86/include/asm/a.h"
pack "$T/tree" "$T/h.tar.xz"

tar -tJf "$T/h.tar.xz" >"$T/tar-names"
"$KHEADERS" list "$T/h.tar.xz" >"$T/names"
expect "list prints the names tar stores, in archive order" \
	same_bytes "$T/tar-names" "$T/names"

"$KHEADERS" list --long "$T/h.tar.xz" >"$T/long"
expect "list --long shows type, mode, owner, size, UTC mtime, name" \
	grep -qx 'file     0600 0/0          6 2023-11-14T22:13:20Z ./arch/x86/include/asm/nonl.h' "$T/long"
expect "list --long shows a symlink's target" \
	grep -qx 'symlink  0777 0/0          0 2023-11-14T22:13:20Z ./arch/x86/include/asm/a.h -> ../../../../include/linux/a.h' "$T/long"
expect "list --long shows directories" \
	grep -qx 'dir      0755 0/0          0 2023-11-14T22:13:20Z ./include/linux/' "$T/long"
expect "list --long does not depend on TZ" \
	bash -c "TZ=Asia/Kolkata '$KHEADERS' list --long '$T/h.tar.xz' | cmp -s - '$T/long'"

expect "list reads standard input for -" \
	bash -c "'$KHEADERS' list - <'$T/h.tar.xz' | cmp -s - '$T/names'"

# Awkward names: a newline and a byte that is not UTF-8.
mkdir -p "$T/odd/include"
printf 'x\n' >"$T/odd/include/$(printf 'new\nline.h')"
printf 'y\n' >"$T/odd/include/$(printf 'bad\377byte.h')"
printf 'z\n' >"$T/odd/include/$(printf 'caf\303\251 \\ "q".h')"
pack "$T/odd" "$T/odd.tar.xz"

"$KHEADERS" list --json "$T/odd.tar.xz" >"$T/odd.json"
expect "list --json is valid JSON (python3 -m json.tool)" \
	python3 -m json.tool "$T/odd.json"
cat >"$T/check.py" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
names = {e["name"]: e for e in doc["entries"]}
assert "./include/new\nline.h" in names, names.keys()
bad = [e for e in doc["entries"] if "name_hex" in e]
assert len(bad) == 1, bad
assert bytes.fromhex(bad[0]["name_hex"]) == b"./include/bad\xffbyte.h"
assert bad[0]["name"] == "./include/bad\u00ffbyte.h", bad[0]["name"]
assert './include/caf\u00e9 \\ "q".h' in names
assert "name_hex" not in names['./include/caf\u00e9 \\ "q".h']
f = names["./include/new\nline.h"]
assert (f["type"], f["mode"], f["uid"], f["size"], f["mtime"]) == \
	("file", "0644", 0, 2, 1700000000), f
assert f["mtime_utc"] == "2023-11-14T22:13:20Z"
assert len(doc["entries"]) == 5
PY
expect "list --json escapes a newline and keeps the exact bytes of a non-UTF-8 name" \
	python3 "$T/check.py" "$T/odd.json"
expect "list --json of the regular tree is valid JSON" \
	bash -c "'$KHEADERS' list --json '$T/h.tar.xz' | python3 -m json.tool"

"$KHEADERS" list "$T/odd.tar.xz" >"$T/odd.names"
expect "list keeps one line per entry (newline quoted as \\n)" \
	grep -qxF './include/new\nline.h' "$T/odd.names"
expect "list prints a backslash in a name as \\\\" \
	grep -qF 'caf'$'\303\251'' \\ "q".h' "$T/odd.names"
expect "list prints exactly one line per entry" \
	test "$(wc -l <"$T/odd.names")" -eq 5

printf 'not an archive\n' >"$T/junk"
expect_fail "list of a file that is no archive fails naming it" 1 \
	"^kheaders: .*$T/junk" "$KHEADERS" list "$T/junk"
# a whole xz stream holding a tar cut short in the middle of a member
xz -dc "$T/h.tar.xz" | head -c 3000 | xz -c >"$T/cut.tar.xz"
expect_fail "list of a truncated archive fails with a clear message" 1 \
	"^kheaders: '$T/cut.tar.xz': corrupt or truncated archive" \
	"$KHEADERS" list "$T/cut.tar.xz"
expect_fail "list of a missing file fails" 1 \
	"cannot open '$T/none': No such file" "$KHEADERS" list "$T/none"
expect_fail "list without INPUT is a usage error" 2 "exactly one INPUT" \
	"$KHEADERS" list
expect_fail "list --long --json is a usage error" 2 "exclude each other" \
	"$KHEADERS" list --long --json "$T/h.tar.xz"
