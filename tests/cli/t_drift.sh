#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kheaders drift: copies mirroring the kernel's layout, maps with -B, -I,
# the __ignore_sync_check__ marker and ignore-hunks files, --tokens
# (comments only vs ABI), --unified, --json, --warn-only, exit statuses,
# an archive as the reference (--from), map parser errors and paths that
# leave their roots.
source "$(dirname "$0")/../lib.sh"
require xz tar python3

K=$T/k			# the "kernel"
C=$T/c			# the copies, in the kernel's layout
mkdir -p "$K/include/linux" "$K/include/uapi/linux" "$K/arch/x86/include/asm" \
	 "$K/arch/x86/lib" "$K/arch/arm64/include/asm" "$K/lib"
cat >"$K/include/linux/same.h" <<'EOF'
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SAME_H
#define _SAME_H
#define SAME 1
#endif
EOF
printf '#define ABI 1\nstruct s { int a; };\n' >"$K/include/linux/abi.h"
printf '/* the value */\n#define CMT 1\n' >"$K/include/linux/cmt.h"
printf '#define BLANK 1\n\n#define BLANK2 2\n' >"$K/include/linux/blank.h"
printf '#include <linux/bug.h>\n#define INC 1\n' >"$K/include/linux/inc.h"
printf '#include <asm/inat.h> /* __ignore_sync_check__ */\nint insn;\n' \
	>"$K/arch/x86/include/asm/insn.h"
printf 'int insn_decode(void) { return 0; }\n' >"$K/arch/x86/lib/insn.c"
printf '#define ARM 1\n' >"$K/arch/arm64/include/asm/cputype.h"
printf 'a\nb\nc\nd\n' >"$K/lib/sort.c"

mkdir -p "$C/include/linux" "$C/arch/x86/include/asm" "$C/arch/x86/lib" \
	 "$C/arch/arm64/include/asm" "$C/lib"
cp "$K/include/linux/same.h" "$C/include/linux/same.h"
printf '#define ABI 1\nstruct s { long a; };\n' >"$C/include/linux/abi.h"
printf '/* the old value */\n#define CMT   1\n' >"$C/include/linux/cmt.h"
printf '#define BLANK 1\n#define BLANK2 2\n' >"$C/include/linux/blank.h"
printf '#define INC 1\n' >"$C/include/linux/inc.h"
printf '#include "../include/asm/inat.h" /* __ignore_sync_check__ */\nint insn;\n' \
	>"$C/arch/x86/include/asm/insn.h"
cp "$K/arch/x86/lib/insn.c" "$C/arch/x86/lib/insn.c"
cp "$K/arch/arm64/include/asm/cputype.h" "$C/arch/arm64/include/asm/cputype.h"
printf 'a\nB\nc\nd\n' >"$C/lib/sort.c"
printf '#define ONLY_COPY 1\n' >"$C/include/linux/only.h"

# drift_lines FILE: the "COPY ORIGINAL" pairs of a report, sorted
drift_lines() { sed -n 's/^  diff -u //p' "$1" | LC_ALL=C sort; }

# --- without a map --------------------------------------------------------
"$KHEADERS" drift "$C" --srctree "$K" >"$T/out" 2>"$T/err"
rc=$?
want="$C/arch/x86/include/asm/insn.h $K/arch/x86/include/asm/insn.h
$C/include/linux/abi.h $K/include/linux/abi.h
$C/include/linux/blank.h $K/include/linux/blank.h
$C/include/linux/cmt.h $K/include/linux/cmt.h
$C/include/linux/inc.h $K/include/linux/inc.h
$C/lib/sort.c $K/lib/sort.c"
if [ $rc -eq 1 ] && head -1 "$T/out" | grep -qx 'Warning: Kernel ABI header differences:' &&
   [ "$(drift_lines "$T/out")" = "$want" ] && [ ! -s "$T/err" ]; then
	ok "mirror: every differing file listed in check-headers.sh's form, exit 1"
else
	not_ok "mirror: differing files (exit $rc)"; cat "$T/out" "$T/err"
fi
if ! grep -q $'\033' "$T/out"; then
	ok "plain output when not on a terminal"
else
	not_ok "plain output when not on a terminal"
fi

"$KHEADERS" drift "$C" --srctree "$K" --warn-only >"$T/out"
rc=$?
if [ $rc -eq 0 ] && [ "$(drift_lines "$T/out")" = "$want" ]; then
	ok "--warn-only: the same report, exit 0"
else
	not_ok "--warn-only (exit $rc)"; cat "$T/out"
fi

"$KHEADERS" drift "$C" --srctree "$K" --json >"$T/json"
rc=$?
st() { python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["copy"].endswith("/" + sys.argv[2]):
        print(r["status"])' "$T/json" "$1"; }
if [ $rc -eq 1 ] && [ "$(st include/linux/same.h)" = same ] &&
   [ "$(st include/linux/abi.h)" = differs ] &&
   [ "$(st include/linux/cmt.h)" = differs ] &&
   [ "$(st include/linux/only.h)" = missing-original ] &&
   [ "$(wc -l <"$T/json")" -eq 10 ]; then
	ok "--json: one record per pair, same / differs / missing-original"
else
	not_ok "--json (exit $rc)"; cat "$T/json"
fi

"$KHEADERS" drift "$C" --srctree "$K" --json --tokens >"$T/json"
if [ "$(st include/linux/cmt.h)" = differs-only-in-comments ] &&
   [ "$(st include/linux/abi.h)" = differs ] &&
   [ "$(st include/linux/blank.h)" = differs-only-in-comments ]; then
	ok "--tokens: a comment and layout change is differs-only-in-comments, an ABI change differs"
else
	not_ok "--tokens classification"; cat "$T/json"
fi

rm -rf "$T/c2" && mkdir -p "$T/c2/include/linux"
cp "$C/include/linux/cmt.h" "$T/c2/include/linux/"
"$KHEADERS" drift "$T/c2" --srctree "$K" >"$T/out"
rc1=$?
"$KHEADERS" drift "$T/c2" --srctree "$K" --tokens >"$T/out2"
rc2=$?
if [ $rc1 -eq 1 ] && [ $rc2 -eq 0 ] && grep -q '^Note: differences in comments only:' "$T/out2" &&
   ! grep -q Warning "$T/out2"; then
	ok "--tokens: comments-only drift is a note, exit 0 (1 without --tokens)"
else
	not_ok "--tokens exit status ($rc1, $rc2)"; cat "$T/out2"
fi

"$KHEADERS" drift "$C" --srctree "$K" --unified >"$T/out"
if grep -q '^@@ -1,2 +1,2 @@$' "$T/out" && grep -qx -- '-struct s { long a; };' "$T/out" &&
   grep -qx -- "--- $C/include/linux/abi.h" "$T/out"; then
	ok "--unified: each pair is followed by its diff -u"
else
	not_ok "--unified"; cat "$T/out"
fi

# --- maps ---------------------------------------------------------------
cat >"$T/map" <<'EOF'
# copy original options, as check-headers.sh passes them to diff
include/linux/same.h include/linux/same.h -B
include/linux/blank.h include/linux/blank.h -B
include/linux/inc.h include/linux/inc.h -I "^#include <linux/bug.h>"
arch/x86/include/asm/insn.h arch/x86/include/asm/insn.h '-I' "^.*\/\*.*__ignore_sync_check__.*\*\/.*$"
arch/x86/lib/insn.c arch/x86/lib/insn.c --ignore-sync-check   # a comment
lib/sort.c lib/sort.c --ignore-hunks hunks/sort.c
include/linux/abi.h include/linux/abi.h -B
include/linux/gone.h include/linux/abi.h
include/linux/only.h include/linux/nothere.h
EOF
mkdir -p "$C/hunks"
printf '^[-+@ ]\n' >"$C/hunks/sort.c"
"$KHEADERS" drift "$C" --srctree "$K" --map "$T/map" >"$T/out"
rc=$?
want="$C/include/linux/abi.h $K/include/linux/abi.h
$C/include/linux/gone.h $K/include/linux/abi.h"
if [ $rc -eq 1 ] && [ "$(drift_lines "$T/out")" = "$want" ]; then
	ok "map: -B, -I, the sync-check marker and ignore-hunks excuse their changes; a missing copy is drift"
else
	not_ok "map rules (exit $rc)"; cat "$T/out"
fi
printf '^-B\n^+b\n' >"$C/hunks/sort.c"
"$KHEADERS" drift "$C" --srctree "$K" --map "$T/map" >"$T/out"
if drift_lines "$T/out" | grep -q "lib/sort.c"; then
	ok "map: an ignore-hunks file that leaves a line of the diff unmatched is drift"
else
	not_ok "map: ignore-hunks leaving lines"; cat "$T/out"
fi
printf '^[-+@ ]\n' >"$C/hunks/sort.c"
(cd "$T" && "$KHEADERS" drift c --srctree k --map map >"$T/out")
if grep -qx '  diff -u c/include/linux/abi.h k/include/linux/abi.h' "$T/out"; then
	ok "relative roots: the pairs read as the diff command to run"
else
	not_ok "relative roots"; cat "$T/out"
fi

# an original the source tree lacks is looked for in the object tree
mkdir -p "$T/o/include/generated" "$T/cg/include/generated"
printf '#define GEN 1\n' >"$T/o/include/generated/gen.h"
printf '#define GEN 2\n' >"$T/cg/include/generated/gen.h"
"$KHEADERS" drift "$T/cg" --srctree "$K" --objtree "$T/o" >"$T/out"
rc=$?
if [ $rc -eq 1 ] && grep -qx "  diff -u $T/cg/include/generated/gen.h $T/o/include/generated/gen.h" "$T/out"; then
	ok "--objtree: an original only in the object tree is compared there"
else
	not_ok "--objtree (exit $rc)"; cat "$T/out"
fi

# --- an archive as the reference -----------------------------------------
mkdir -p "$T/cache" && chmod 700 "$T/cache"
mkdir -p "$T/arc"
(cd "$K" && find include arch -name '*.h' | LC_ALL=C sort) >"$T/arc.list"
(cd "$K" && tar --format=ustar -cf - -T "$T/arc.list") | (cd "$T/arc" && tar -xf -)
# comments stripped as the archive's are
for f in $(cat "$T/arc.list"); do
	"$KHEADERS" strip "$T/arc/$f" >"$T/arc/$f.s" 2>/dev/null &&
		mv "$T/arc/$f.s" "$T/arc/$f"
done
(cd "$T/arc" && tar --format=ustar -cf - include arch) | xz -c >"$T/arc.tar.xz"
"$KHEADERS" drift "$C" --from "$T/arc.tar.xz" --cache-dir "$T/cache" \
	--map "$T/map" --json >"$T/json"
rc=$?
if [ $rc -eq 1 ] && [ "$(st arch/x86/lib/insn.c)" = not-in-reference ] &&
   [ "$(st lib/sort.c)" = not-in-reference ] &&
   [ "$(st arch/x86/include/asm/insn.h)" = not-checkable ] &&
   [ "$(st include/linux/inc.h)" = same ] &&
   [ "$(st include/linux/same.h)" = same ] &&
   [ "$(st include/linux/abi.h)" = differs ] &&
   [ "$(st include/linux/only.h)" = missing-original ]; then
	ok "--from an archive: .c not in reference, marker rule not checkable, tokens compared"
else
	not_ok "--from an archive (exit $rc)"; cat "$T/json"
fi
printf 'arch/arm64/include/asm/cputype.h arch/arm64/include/asm/cputype.h\n' >"$T/map2"
"$KHEADERS" drift "$C" --from "$T/arc.tar.xz" --cache-dir "$T/cache" --map "$T/map2" --json >"$T/json"
rc=$?
if [ $rc -eq 0 ] && [ "$(st arch/arm64/include/asm/cputype.h)" = same ]; then
	ok "--from: an architecture the archive holds is compared"
else
	not_ok "--from: arm64 in the archive (exit $rc)"; cat "$T/json"
fi

# --- errors ---------------------------------------------------------------
expect_fail "no reference: usage, exit 2" 2 "give one reference" \
	"$KHEADERS" drift "$C"
expect_fail "two references: usage, exit 2" 2 "give one reference" \
	"$KHEADERS" drift "$C" --srctree "$K" --from auto
expect_fail "COPIES missing: one line naming it, exit 2" 2 "cannot open '$T/nope'" \
	"$KHEADERS" drift "$T/nope" --srctree "$K"
expect_fail "map missing: one line naming it, exit 2" 2 "$T/nomap" \
	"$KHEADERS" drift "$C" --srctree "$K" --map "$T/nomap"
n=0
while IFS='|' read -r line re; do
	n=$((n + 1))
	printf '%s\n' "# line one" "$line" >"$T/bad$n"
	expect_fail "map error: $re" 2 "bad$n:2: .*$re" \
		"$KHEADERS" drift "$C" --srctree "$K" --map "$T/bad$n"
done <<'EOF'
include/linux/abi.h|expected 'COPY ORIGINAL
a.h b.h -X|unknown option '-X'
a.h b.h -I|option '-I' needs a value
a.h b.h -I '['|bad regular expression
/etc/passwd b.h|is an absolute path
a.h ../../etc/passwd|leaves its root
a.h b.h --ignore-hunks ../h|leaves its root
a.h "b.h|unterminated quote
a.h b.h \|backslash at the end
. b.h|names its root
EOF
if [ "$(wc -l <"$T/.err")" -eq 1 ]; then
	ok "a map error is one line"
else
	not_ok "a map error is one line"; cat "$T/.err"
fi

ln -s /etc "$C/include/esc"
printf 'include/esc/hostname include/linux/same.h\n' >"$T/map3"
expect_fail "a copy through a symlink out of COPIES: refused, exit 2" 2 "leaves '$C'" \
	"$KHEADERS" drift "$C" --srctree "$K" --map "$T/map3"
rm -rf "$T/c3" && mkdir -p "$T/c3/include/linux"
cp "$K/include/linux/same.h" "$T/c3/include/linux/"
ln -s /etc/hostname "$T/c3/include/linux/abi.h"
ln -s ../../../k/include/linux/abi.h "$T/c3/include/linux/cmt.h"
"$KHEADERS" drift "$T/c3" --srctree "$K" --json >"$T/json"
rc=$?
if [ $rc -eq 0 ] && [ "$(wc -l <"$T/json")" -eq 1 ] && grep -q '"same"' "$T/json"; then
	ok "without a map, symbolic links are no copies: never followed, not compared"
else
	not_ok "without a map, symbolic links (exit $rc)"; cat "$T/json"
fi
rm "$C/include/esc"
ln -s ../../../etc "$K/include/esc"
printf 'include/linux/same.h include/esc/hostname\n' >"$T/map4"
expect_fail "an original through a symlink out of the tree: refused, exit 2" 2 "leaves '$K'" \
	"$KHEADERS" drift "$C" --srctree "$K" --map "$T/map4"
rm "$K/include/esc"
ln -s same.h "$C/include/linux/link.h"
ln -s same.h "$K/include/linux/link.h"
printf 'include/linux/link.h include/linux/link.h\n' >"$T/map5"
expect "a symlink that stays inside its root is followed" \
	"$KHEADERS" drift "$C" --srctree "$K" --map "$T/map5"
rm "$C/include/linux/link.h" "$K/include/linux/link.h"
mkdir "$C/include/linux/dir.h"
printf 'include/linux/dir.h include/linux/same.h\n' >"$T/map6"
expect_fail "a copy that is a directory: one line, exit 2" 2 "is not a regular file" \
	"$KHEADERS" drift "$C" --srctree "$K" --map "$T/map6"
rmdir "$C/include/linux/dir.h"

# --- GNU diff as the oracle of -B and -I ------------------------------------
# Random pairs (lines drawn from blanks, "#" lines and code, many repeats,
# so that equal-length edit scripts abound): the verdict of each under -B,
# -I '^#' and both is GNU diff's exit status.  GNU diff breaks the ties
# between such scripts its own way and decides -B and -I per change of
# its script; kheaders takes the same overlap (textdiff.c) and slides
# runs of changes as it does.  The unified text (what an ignore-hunks
# file is matched against) is compared too: GNU diff also sets aside lines
# that occur on one side only before it searches, which can still move a
# hunk of a random pair (printed, at most 5%).
gnu_vs_drift() {	# NAME LINES EDITS SEED OPTS
	local d=$T/gnu$4 i
	rm -rf "$d" && mkdir -p "$d/c" "$d/k"
	python3 - "$d" "$2" "$3" "$4" "$5" <<'PY'
import random, sys
d, lines, edits, seed, opts = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
random.seed(seed)
alpha = ['', '', '#a', '#b', 'x', 'y', 'z', '#c', '', 'w']
with open(d + '/map', 'w') as m:
    for i in range(300):
        a = [random.choice(alpha) for _ in range(random.randint(0, lines))]
        b = list(a)
        for _ in range(random.randint(1, edits)):
            op = random.random()
            if op < 0.4 and b:
                del b[random.randrange(len(b))]
            elif op < 0.8:
                b.insert(random.randint(0, len(b)), random.choice(alpha))
            elif b:
                b[random.randrange(len(b))] = random.choice(alpha)
        open('%s/c/f%d' % (d, i), 'w').write(''.join(l + '\n' for l in a))
        open('%s/k/f%d' % (d, i), 'w').write(''.join(l + '\n' for l in b))
        m.write("f%d f%d %s\n" % (i, i, opts.replace("-I ^#", "-I '^#'")))
PY
	(cd "$d" && "$KHEADERS" drift c --srctree k --map map --json --unified) |
		python3 -c '
import json, subprocess, sys
bad = uni = 0
for l in sys.stdin:
    r = json.loads(l)
    c, k = r["copy"], r["original"]
    opts = sys.argv[2].split()
    g = subprocess.run(["diff"] + opts + [c, k], cwd=sys.argv[1],
                       capture_output=True)
    if (g.returncode == 0) != (r["status"] == "same"):
        bad += 1
    if "diff" in r:
        u = subprocess.run(["diff", "-u", "--label", c, "--label", k, c, k],
                           cwd=sys.argv[1], capture_output=True, text=True)
        uni += u.stdout != r["diff"]
print(bad, uni)' "$d" "$5"
}
for opts in "-B" "-I ^#" "-B -I ^#"; do
	read -r n u < <(gnu_vs_drift small 12 4 7 "$opts")
	read -r m v < <(gnu_vs_drift long 60 12 11 "$opts")
	if [ "$n" -eq 0 ] && [ "$m" -eq 0 ] && [ $((u + v)) -le 30 ]; then
		ok "600 random pairs under '$opts': GNU diff's verdict on each ($((u + v)) unified texts differ)"
	else
		not_ok "600 random pairs under '$opts': $((n + m)) verdicts, $((u + v)) unified texts differ from GNU diff's"
	fi
done
