#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# uapi: options and usage errors (exit 2), the transform on a small fake
# tree (what headers_install.sh and unifdef do to it), input that cannot be
# used (exit 2: no generated headers, an unknown kernel generation, um
# before 7.0), the header errors (exit 1, one line each naming the file,
# all of them with --keep-going, nothing installed), the output's promises
# (DIR/include only replaced with --force, by an atomic exchange, nothing
# else in DIR touched, no temporary directory left, never written through
# a symbolic link, a directory others can write refused), --from FILE.
source "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1

# mk_tree DIR VERSION_CODE: a source tree and an object tree in DIR.
mk_tree() {
	mkdir -p "$1/src/include/uapi/linux" "$1/src/arch/x86/include/uapi/asm" \
		"$1/obj/include/generated/uapi/linux" \
		"$1/obj/arch/x86/include/generated/uapi/asm" \
		"$1/src/arch/um/include/uapi/asm"
	cat > "$1/src/include/uapi/linux/kh.h" <<'EOS'
/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#ifndef _UAPI_LINUX_KH_H
#define _UAPI_LINUX_KH_H
#include <linux/compiler.h>
#include <linux/types.h>
struct kh { int a; } __packed;
int kh_read(void __user *p);
static inline int kh_f(void) { asm volatile("nop"); return 0; }
#ifdef __KERNEL__
int kh_kernel_only;
#else
int kh_user_only;
#endif
#if 0
int kh_if0;
#endif
#endif /* _UAPI_LINUX_KH_H */
EOS
	printf '/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */\nint t;\n' \
		> "$1/src/include/uapi/linux/types.h"
	printf 'int kvm;\n' > "$1/src/include/uapi/linux/kvm.h"
	printf '#define LINUX_VERSION_CODE %d\n' "$2" \
		> "$1/obj/include/generated/uapi/linux/version.h"
	printf 'int b;\n' > "$1/src/arch/x86/include/uapi/asm/b.h"
	printf 'int kvm;\n' > "$1/src/arch/x86/include/uapi/asm/kvm.h"
	printf '#include <asm-generic/c.h>\n' \
		> "$1/obj/arch/x86/include/generated/uapi/asm/c.h"
	printf 'not a header\n' > "$1/src/include/uapi/linux/README"
	printf 'int top;\n' > "$1/src/include/uapi/top.h"
}
mk_tree t72 $(( (7 << 16) + (2 << 8) + 13 ))
mk_tree t61 $(( (6 << 16) + (1 << 8) + 192 ))
U=("$KHEADERS" uapi --srctree t72/src --objtree t72/obj --arch x86)

# --- usage ---------------------------------------------------------------
expect_fail "usage: -o is needed" 2 "missing -o" "${U[@]}"
expect_fail "usage: --arch is needed" 2 "missing --arch" \
	"$KHEADERS" uapi --srctree t72/src -o out
expect_fail "usage: --srctree or --from is needed" 2 "missing --srctree" \
	"$KHEADERS" uapi --arch x86 -o out
expect_fail "usage: --from excludes --srctree" 2 "mutually exclusive" \
	"$KHEADERS" uapi --from x.tar.xz --srctree t72/src -o out
expect_fail "usage: an extra argument" 2 "too many arguments" "${U[@]}" -o out extra
expect_fail "usage: an unknown option" 2 "" "${U[@]}" -o out --frob
expect "--help" "$KHEADERS" uapi --help
[ ! -e out ] && ok "usage errors write nothing" || not_ok "usage errors write nothing"

# --- the transform -------------------------------------------------------
expect "uapi from a source and an object tree" "${U[@]}" -o out
cat > want.h <<'EOS'
/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#ifndef _LINUX_KH_H
#define _LINUX_KH_H

#include <linux/types.h>
struct kh { int a; } __attribute__((packed));
int kh_read(void *p);
static __inline__ int kh_f(void) { __asm__ volatile("nop"); return 0; }
int kh_user_only;
#if 0
int kh_if0;
#endif
#endif /* _LINUX_KH_H */
EOS
if same_bytes want.h out/include/linux/kh.h; then
	ok "headers_install.sh's sed and unifdef on linux/kh.h"
else
	not_ok "headers_install.sh's sed and unifdef on linux/kh.h"
	diff want.h out/include/linux/kh.h | sed 's/^/#   /'
fi
(cd out && find . | LC_ALL=C sort) > list
printf '%s\n' . ./include ./include/asm ./include/asm/b.h ./include/asm/c.h \
	./include/asm/kvm.h ./include/linux ./include/linux/kh.h \
	./include/linux/kvm.h ./include/linux/types.h \
	./include/linux/version.h > want.list
if cmp -s list want.list; then
	ok "the files Makefile.headersinst installs (no README, no top-level header)"
else
	not_ok "the files Makefile.headersinst installs"
	diff want.list list | sed 's/^/#   /'
fi
rm t72/src/arch/x86/include/uapi/asm/kvm.h
expect "uapi without asm/kvm.h" "${U[@]}" -o out-nokvm
[ ! -e out-nokvm/include/linux/kvm.h ] && ok "include/uapi/Kbuild: no linux/kvm.h without asm/kvm.h" ||
	not_ok "include/uapi/Kbuild: no linux/kvm.h without asm/kvm.h"
printf 'int kvm;\n' > t72/src/arch/x86/include/uapi/asm/kvm.h
[ "$(stat -c %a out/include out/include/linux out/include/linux/kh.h)" = "755
755
644" ] && ok "modes 0755 and 0644" || not_ok "modes 0755 and 0644"
expect "ARCH=x86_64 is SRCARCH x86" "$KHEADERS" uapi --srctree t72/src \
	--objtree t72/obj --arch x86_64 -o out-x86_64
same_bytes out/include/linux/kh.h out-x86_64/include/linux/kh.h &&
	ok "x86_64 gives x86's headers" || not_ok "x86_64 gives x86's headers"

# --- input that cannot be used: exit 2 -------------------------------------
mkdir -p t72/src/arch/arm64/include/uapi/asm
expect_fail "no generated headers: names make headers" 2 \
	"generated/uapi.*make ARCH=arm64 headers" \
	"$KHEADERS" uapi --srctree t72/src --objtree t72/obj --arch arm64 -o o2
expect_fail "object tree without the generated headers" 2 \
	"include/generated/uapi.*make ARCH=x86 headers" \
	"$KHEADERS" uapi --srctree t72/src --objtree t72/src --arch x86 -o o2
mk_tree t65 $(( (6 << 16) + (5 << 8) ))
expect_fail "an unknown generation: one line, never a guess" 2 \
	"Linux 6.5 is not a generation kheaders knows" \
	"$KHEADERS" uapi --srctree t65/src --objtree t65/obj --arch x86 -o o2
expect_fail "um before 7.0 is refused as make refuses it" 2 \
	"Headers not exportable for UML" \
	"$KHEADERS" uapi --srctree t61/src --objtree t61/obj --arch um -o o2
expect_fail "a bad architecture name" 2 "not an architecture" \
	"$KHEADERS" uapi --srctree t72/src --objtree t72/obj --arch ../x -o o2
expect_fail "--from a file without an archive" 2 "" \
	"$KHEADERS" uapi --from want.h --cache-dir "$T/c0" -o o2
[ ! -e o2/include ] && ok "nothing installed from bad input" ||
	not_ok "nothing installed from bad input"

# --- header errors: exit 1, one line each ----------------------------------
cp -r t61 bad
printf '/* SPDX-License-Identifier: GPL-2.0 */\nint x;\n' > bad/src/include/uapi/linux/gpl.h
printf 'int y = CONFIG_FOO;\n' > bad/src/include/uapi/linux/leak.h
printf 'int z = CONFIG_X86_64;\n' > bad/src/arch/x86/include/uapi/asm/auxvec.h
printf '#ifdef __KERNEL__\nint w;\n' > bad/src/include/uapi/linux/eof.h
B61=("$KHEADERS" uapi --srctree bad/src --objtree bad/obj --arch x86)
expect_fail "a failing header stops at the first (in name order)" 1 \
	"linux/eof.h': line 3: Premature EOF" "${B61[@]}" -o o3
[ "$(wc -l < "$T/.err")" = 1 ] && ok "... in one line" || not_ok "... in one line"
"${B61[@]}" -o o3 --keep-going 2> kg.err
rc=$?
if [ $rc = 1 ] && [ "$(wc -l < kg.err)" = 4 ] &&
   grep -q "linux/leak.h': leak CONFIG_FOO to user-space" kg.err &&
   grep -q "linux/gpl.h': missing \"WITH Linux-syscall-note\"" kg.err &&
   grep -q "linux/eof.h': line 3: Premature EOF" kg.err &&
   grep -q "3 of .* headers failed" kg.err; then
	ok "--keep-going: one line per failing header, then the count"
else
	not_ok "--keep-going: one line per failing header, then the count (exit $rc)"
	sed 's/^/#   /' kg.err
fi
grep -q auxvec kg.err && not_ok "6.1 excuses CONFIG_X86_64 in asm/auxvec.h" ||
	ok "6.1 excuses CONFIG_X86_64 in asm/auxvec.h"
[ ! -e o3/include ] && [ -z "$(ls -A o3)" ] &&
	ok "failing headers: nothing installed, no temporary left" ||
	not_ok "failing headers: nothing installed, no temporary left"
printf '#define LINUX_VERSION_CODE %d\n' $(( (7 << 16) + (2 << 8) )) \
	> bad/obj/include/generated/uapi/linux/version.h
"${B61[@]}" -o o4 --keep-going 2> kg72.err
grep -q "asm/auxvec.h': leak CONFIG_X86_64 to user-space" kg72.err &&
	ok "7.2 excuses nothing" || not_ok "7.2 excuses nothing"

# --- the output -----------------------------------------------------------
mkdir -p keep && echo mine > keep/other && mkdir keep/include && echo old > keep/include/old.h
expect_fail "an existing DIR/include needs --force" 1 "keep/include' exists \(--force replaces it\)" \
	"${U[@]}" -o keep
[ -f keep/include/old.h ] && ok "... and is left as it was" || not_ok "... and is left as it was"
expect "--force replaces DIR/include" "${U[@]}" -o keep --force
if [ ! -e keep/include/old.h ] && same_bytes keep/include/linux/kh.h want.h &&
   [ "$(cat keep/other)" = mine ] && [ "$(ls -A keep | LC_ALL=C sort | tr '\n' ' ')" = "include other " ]; then
	ok "--force: new tree in place, the rest of DIR untouched, no temporary left"
else
	not_ok "--force: new tree in place, the rest of DIR untouched, no temporary left"
	ls -la keep | sed 's/^/#   /'
fi
mkdir target && ln -s target link
expect_fail "DIR a symbolic link: refused" 1 "symbolic link" "${U[@]}" -o link
[ -z "$(ls -A target)" ] && ok "... nothing written through it" || not_ok "... nothing written through it"
mkdir lk && ln -s ../target lk/include
expect_fail "DIR/include a symbolic link: needs --force" 1 "exists" "${U[@]}" -o lk
expect "DIR/include a symbolic link, --force: the link is replaced" "${U[@]}" -o lk --force
[ -d lk/include ] && [ ! -L lk/include ] && [ -z "$(ls -A target)" ] &&
	ok "... never followed" || not_ok "... never followed"
mkdir -m 0777 shared
expect_fail "a DIR others can write to: refused" 1 "writable by group or others" \
	"${U[@]}" -o shared
[ -z "$(ls -A shared)" ] && ok "... nothing written" || not_ok "... nothing written"
expect "DIR created when missing" "${U[@]}" -o new/
[ -f new/include/linux/kh.h ] && ok "... with the headers" || not_ok "... with the headers"

# --- --from FILE ------------------------------------------------------------
mkdir -p t72/src/include/linux && : > t72/src/include/linux/kconfig.h
mkdir -p arch-obj/include/generated && echo '#define CONFIG_X86 1' > arch-obj/include/generated/autoconf.h
cp -r t72/obj/include/generated/uapi arch-obj/include/generated/
mkdir -p arch-obj/arch/x86/include/generated && cp -r t72/obj/arch/x86/include/generated/uapi arch-obj/arch/x86/include/generated/
if "$KHEADERS" build -q --strip none --srctree t72/src --objtree arch-obj --arch x86 -o a.tar.xz 2>b.err; then
	mkdir -m 0700 cache
	expect "--from an archive" "$KHEADERS" uapi --from a.tar.xz --cache-dir "$T/cache" -o fa
	if diff -r fa/include out/include >/dev/null; then
		ok "--from an archive (--strip none): the same bytes as from the trees"
	else
		not_ok "--from an archive (--strip none): the same bytes as from the trees"
	fi
	expect_fail "--from with --arch" 2 "mutually exclusive" \
		"$KHEADERS" uapi --from a.tar.xz --arch x86 -o fb
else
	not_ok "kheaders build of the fake tree"
	sed 's/^/#   /' b.err
fi
