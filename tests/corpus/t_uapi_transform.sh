#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The transform of one header (kh_uapi_header(), through tools/uapi_header.c)
# against the kernel's own scripts/headers_install.sh and scripts/unifdef,
# run from the downloaded 6.1, 6.12 and 7.2 trees (unifdef as built by the
# cached headers_install oracle, tests/corpus/uapi_oracle.sh): headers made
# of real UAPI lines mixed with the constructs where sed and unifdef 2.5
# have quirks (asm volatile, __packed twice, #elif rewriting, #if 0, spread
# directives, continuation lines, CRLF, no final newline, 5000-byte lines,
# CONFIG_ in code, comments and strings, GPL SPDX lines, the per-generation
# CONFIG leak exceptions).  Both must fail, or both succeed with the same
# bytes.  KH_UAPI_CASES sets the number of headers per tree (default 300).
source "$(dirname "$0")/../lib.sh"
[ -n "${KH_UAPI_KEEP:-}" ] && trap - EXIT
require cc python3 make

CASES=${KH_UAPI_CASES:-300}
B=${B:-$TOP/build}
# A copy of the library: a rebuild meanwhile must not pull it away.
cp "$B/libkheaders.so.0" "$T/" || { not_ok "copy $B/libkheaders.so.0"; exit 1; }
# A library built with SANITIZE=1 needs its runtime in the program too.
SAN=
ldd "$T/libkheaders.so.0" | grep -q libasan && SAN="-fsanitize=address,undefined"
cc -std=gnu11 -Wall -Wextra -Werror $SAN -I "$B/include" \
	"$TOP/tools/uapi_header.c" "$T/libkheaders.so.0" -Wl,-rpath,"$T" \
	-o "$T/uapi_header" || { not_ok "build tools/uapi_header.c"; exit 1; }

gen_cases() {	# DIR SEED SRC: write DIR/NNNN/<path> headers
	python3 - "$@" <<'EOS'
import os, random, sys
out, seed, src = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rnd = random.Random(seed)
real = []
for d in ("include/uapi/linux", "arch/x86/include/uapi/asm"):
    for n in sorted(os.listdir(os.path.join(src, d)))[:400]:
        if n.endswith(".h"):
            real.append(open(os.path.join(src, d, n), "rb").read().split(b"\n"))
def enc(text):
    return [l.encode() for l in text.strip("\n").split("\n")]
opens = enc(r"""
#ifdef __KERNEL__
#ifndef __KERNEL__
#if defined(__KERNEL__)
#if !defined(__KERNEL__)
#if defined(__KERNEL__) || defined(FOO)
#if defined(__KERNEL__) && defined(FOO)
#if defined(FOO) || defined(__KERNEL__)
#if defined(FOO) && !defined(__KERNEL__)
#if __KERNEL__ == 0
#if __EXPORTED_HEADERS__
#ifdef __EXPORTED_HEADERS__
#if 0
#if 1
#if FOO > 1
#ifdef FOO
#if defined(__KERNEL__) && FOO(1, 2)
#if (defined(__KERNEL__))
#if !(__EXPORTED_HEADERS__ + 1)
#if defined __KERNEL__
# ifdef  __KERNEL__
#ifdef __KERNEL__ /* spread
#ifdef __KERNEL__ // c++ comment
#if defined(__KERNEL__) /* one-line comment */
#ifdef __KERNEL__ \
""")
elifs = enc(r"""
#elif defined(__KERNEL__)
#elif !defined(__KERNEL__)
#elif defined(BAR)
#elif 1
#elif 0
#elif defined(BAR) || defined(__KERNEL__)
#elif defined(BAR) && defined(__KERNEL__)
#elif __EXPORTED_HEADERS__ /* c */
""")
elses = enc(r"""
#else
#else /* comment */
# else
""")
endifs = enc(r"""
#endif
#endif /* __KERNEL__ */
#endif // x
#  endif
""")
lines = enc(r"""
#ifndef _UAPI_LINUX_T_H
#define _UAPI_LINUX_T_H
#endif /* _UAPI_LINUX_T_H */
static inline int f(void) { asm volatile("nop"); return 0; }
static __inline__ int g(int volatile *p);
struct s { int a; } __packed;
struct s __packed __packed;
typedef struct { char c; }__packed t;
___packed x;
int f(void __user *p, char __user*q, void __force  *r, void __iomem *io);
int x(int(__user *p));
extern int h(void) __attribute_const__;
extern int h2(void) __attribute_const__ __attribute_const__;
#include <linux/compiler.h>
#include <linux/compiler_types.h>
#include <linux/compilerXh> /* odd */
#include <linux/types.h>
/* CONFIG_BAR in a comment */
/** doc CONFIG_DOC */
/***/ int stars;
int v = XCONFIG_NOT;
/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/* SPDX-License-Identifier: (GPL-2.0+ WITH Linux-syscall-note) OR BSD-3-Clause */
int a = 'x';
#
#pragma once
	volatile int inline_x;
inline
(asm
 * comment continuation */
#define Z(a) \
	(a)
#include <asm/auxvec.h>
""") + [b"int long_line = " + b"1 + " * 1300 + b"1;",
        b"#define L " + b"(1) " * 1100, b"x\r", b"\tstruct s __packed\tp;\r"]
bad = enc(r"""
// CONFIG_BAZ after //
/* SPDX-License-Identifier: (GPL-2.0+ OR BSD-3-Clause) */
#define X CONFIG_FOO
char *s = "/* CONFIG_IN_STRING";
/***/ CONFIG_AFTER_STARS
int v = CONFIG_X86_64 + CONFIG_IA32_EMULATION;
#if CONFIG_X86_INTEL_MEMORY_PROTECTION_KEYS
/* SPDX-License-Identifier: GPL-2.0 */
#warning don't
#error "unterminated
#elif defined(__KERNEL__)
#endif
#else
#ifdef __KERNEL__
/* unterminated
""")

def block(depth):
    r = rnd.random()
    if r < 0.25 and depth < 4:
        out = [rnd.choice(opens)]
        if out[0].endswith(b"/* spread"):
            out.append(b" comment */")
        if out[0].endswith(b"\\"):
            out.append(b"\t|| defined(X)")
        out += group(depth + 1)
        for _ in range(rnd.choice((0, 0, 1, 2))):
            out += [rnd.choice(elifs)] + group(depth + 1)
        if rnd.random() < 0.5:
            out += [rnd.choice(elses)] + group(depth + 1)
        return out + [rnd.choice(endifs)]
    if r < 0.6 and real:
        f = rnd.choice(real)
        i = rnd.randint(0, len(f) - 1)
        return [l for l in f[i:i + rnd.randint(1, 6)]
                if not l.lstrip().startswith(b"#")]
    if rnd.random() < 0.05:
        return [b"/* a comment", b"   spanning CONFIG_SPAN lines */ int after;"]
    return [rnd.choice(lines)]

def group(depth):
    out = []
    for _ in range(rnd.randint(0, 4)):
        out += block(depth)
    return out

paths = ["include/uapi/linux/t.h", "arch/x86/include/uapi/asm/auxvec.h",
         "arch/x86/include/uapi/asm/mman.h", "include/uapi/linux/eventpoll.h"]
for i in range(int(os.environ.get("CASES", "300"))):
    if rnd.random() < 0.3:
        body = list(rnd.choice(real))
        for _ in range(rnd.randint(1, 5)):
            pos = rnd.randint(0, len(body))
            body[pos:pos] = block(0)
    else:
        body = group(0) + group(0)
    if rnd.random() < 0.25:
        pos = rnd.randint(0, len(body))
        body[pos:pos] = [rnd.choice(bad)]
    data = b"\n".join(body)
    if rnd.random() < 0.85:
        data += b"\n"
    if rnd.random() < 0.1:
        data = data.replace(b"\n", b"\r\n")
    if rnd.random() < 0.02:
        data = data.replace(b"x", b"\0", 1)
    p = os.path.join(out, "%04d" % i, rnd.choice(paths))
    os.makedirs(os.path.dirname(p), exist_ok=True)
    open(p, "wb").write(data)
EOS
}

# The reason, in the same words for both: "leak CONFIG_X", "spdx", or
# unifdef's "LINE: message".
why_kernel() {
	sed -n -e 's/^error: .*: leak \(.*\) to user-space$/leak \1/p' \
		-e 's/^error: .*: missing "WITH Linux-syscall-note".*/spdx/p' \
		-e 's/^unifdef: [^:]*: \([0-9]*: .*\)/\1/p' "$1" | head -1
}
why_kheaders() {
	sed -n -e 's/^.*: leak \(.*\) to user-space$/leak \1/p' \
		-e 's/^.*: missing "WITH Linux-syscall-note".*/spdx/p' \
		-e "s/^'[^']*': line \([0-9]*: .*\)/\1/p" "$1" | head -1
}

for ver in 6.1 6.12 7.2; do
	src=$HOME/.cache/kheaders/linux-source-$ver
	if [ ! -d "$src/include/uapi" ]; then
		skip "uapi transform $ver: no tree at $src"
		continue
	fi
	oracle=$("$TOP/tests/corpus/uapi_oracle.sh" "$src" x86) || { not_ok "oracle $ver"; continue; }
	code=$(sed -n 's/^#define LINUX_VERSION_CODE //p' "$oracle/obj/include/generated/uapi/linux/version.h")
	W=$T/$ver
	mkdir -p "$W"
	CASES=$CASES gen_cases "$W/in" "${ver//./}" "$src"
	same=0 both_fail=0 bad=0 nok=0
	for c in "$W"/in/*; do
		f=$(cd "$c" && find . -name '*.h' | head -1)
		f=$c/${f#./}
		(cd "$oracle/obj" && sh "$src/scripts/headers_install.sh" "$f" "$c/want") \
			>/dev/null 2>"$c/want.err"
		k=$?
		"$T/uapi_header" "$code" "$f" "$c/got" 2>"$c/got.err"
		g=$?
		if [ $k -ne 0 ] && [ $g -ne 0 ] &&
		   [ "$(why_kernel "$c/want.err")" = "$(why_kheaders "$c/got.err")" ]; then
			both_fail=$((both_fail + 1))
		elif [ $k -eq 0 ] && [ $g -eq 0 ] && cmp -s "$c/want" "$c/got"; then
			same=$((same + 1)); nok=$((nok + 1))
		else
			bad=$((bad + 1))
			[ $bad -le 3 ] && echo "#   $ver ${c##*/}: kernel $k ($(why_kernel "$c/want.err")), kheaders $g ($(why_kheaders "$c/got.err"))"
		fi
	done
	if [ $bad -eq 0 ] && [ $nok -gt 0 ] && [ $both_fail -gt 0 ]; then
		ok "uapi transform $ver: $same headers identical, $both_fail refused by both, of $CASES"
	else
		not_ok "uapi transform $ver: $bad differ ($same identical, $both_fail refused by both)"
	fi
done
