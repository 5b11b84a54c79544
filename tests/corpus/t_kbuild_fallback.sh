#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kbuild/Makefile.kheaders's choice of producer, without a kernel build: a
# small make harness includes the corpus kernel's own scripts/Kbuild.include
# and the rules, in an object tree of a few headers, and runs the kernel's
# own gen_kheaders.sh (copied into the scratch tree) the way each
# generation's kernel/Makefile does (6.1: genikh, walking the trees; 7.2:
# the kernel's lists).  Checked: kheaders-version.sh's numbers; without the
# tool make builds kheaders_data.o with the stock script, says so in one
# line, and writes the .S kheaders embed would; kheaders installed later
# makes the archive again and make names it; gone again, the stock script
# makes the same bytes; KHEADERS=kheaders from PATH, upgraded in place,
# makes the archive again; an older kheaders falls back too; KHEADERS_REQUIRED=1
# stops make with one line; make clean never runs the probe.  With
# CONFIG_IKHEADERS_MODULES: kheaders builds the module kit with its own
# copy of the module linker script (kernel/kheaders_module.lds, made in the
# harness by a stand-in for Makefile.build's cpp_lds_S), and make names
# it; without the tool the stock script makes the headers alone and the
# one line says so; KHEADERS_REQUIRED=1 still stops make.
source "$(dirname "$0")/../lib.sh"
require make cc cpio perl xz tar

ver=$TOP/kbuild/kheaders-version.sh

# version NAME WANT KHEADERS: kheaders-version.sh prints WANT.
version() {
	local got
	got=$(sh "$ver" "$3" 2>&1)
	[ "$got" = "$2" ] && ok "version: $1 -> $2" ||
		not_ok "version: $1: got '$got', want $2"
}
printf '#!/bin/sh\necho "kheaders $FAKE (liblzma 5.4.1)"\n' > "$T/fake"
printf '#!/bin/sh\necho "other 1.2.3"\n' > "$T/other"
printf '#!/bin/sh\nexit 1\n' > "$T/broken"
chmod +x "$T/fake" "$T/other" "$T/broken"
version "this build's kheaders" \
	"$(sed -n 's/^VERSION *:= *\([0-9]*\)\.\([0-9]*\)\.\([0-9]*\)$/\1 \2 \3/p' "$TOP/Makefile" |
	   awk '{ print $1 * 10000 + $2 * 100 + $3 }')" "$KHEADERS"
FAKE=0.1.0 version "kheaders 0.1.0" 100 "$T/fake"
FAKE=1.2.3 version "kheaders 1.2.3" 10203 "$T/fake"
FAKE=0.0.9 version "kheaders 0.0.9" 9 "$T/fake"
FAKE=0.2 version "kheaders 0.2" 200 "$T/fake"
FAKE=0.1.0-rc1 version "kheaders 0.1.0-rc1" 100 "$T/fake"
FAKE=garbage version "a version it cannot read" 0 "$T/fake"
version "another program" 0 "$T/other"
version "a program that fails" 0 "$T/broken"
version "a missing path" 0 "$T/missing"
version "a directory" 0 "$T"
version "nothing named, no kheaders in PATH" 0 ""

if ! corpus_env; then
	skip "kbuild fallback: corpus not fetched (scripts/corpus.sh fetch)"
	exit 0
fi
eval "$("$TOP/scripts/corpus.sh" env)"

# The harness: what Kbuild's Makefile.build gives kernel/Makefile, reduced
# to what the rules use.
cat > "$T/harness.mk" <<'EOF'
objtree := .
obj := kernel
src := $(srctree)/kernel
quiet := quiet_
Q := @
CONFIG_SHELL := sh
SRCARCH := x86
XZ := xz
TAR := tar
building_out_of_srctree := 1
export srctree objtree CONFIG_SHELL SRCARCH XZ TAR building_out_of_srctree
export KBUILD_BUILD_TIMESTAMP := 2024-01-01 00:00:00 UTC
CONFIG_IKHEADERS ?= y
include $(srctree)/scripts/Kbuild.include
ifeq ($(GEN),lists)
filechk_kheaders_srclist = :
endif
# Makefile.build's rule for linker scripts, reduced (no compiler flags).
quiet_cmd_cpp_lds_S = LDS     $@
      cmd_cpp_lds_S = cpp -Wp,-MMD,$(depfile) -P -DLINKER_SCRIPT -o $@ $<
include $(RULES)
-include kernel/.kheaders_data.tar.xz.cmd kernel/.kheaders_data.S.cmd
-include kernel/.kheaders_module.lds.cmd
kernel/kheaders_data.o: kernel/kheaders_data.S
	$(Q)cc -c -o $@ $<
clean:
	@echo clean-files: $(clean-files)
PHONY += FORCE
FORCE:
.PHONY: $(PHONY)
EOF

# one_line NAME LOG REGEX: LOG has exactly one line mentioning KHEADERS
# (make's own line), and it matches REGEX.
one_line() {
	local n
	n=$(grep -c 'KHEADERS' "$2")
	[ "$n" = 1 ] && grep -Eq -- "$3" "$2" && ok "$1" ||
		{ not_ok "$1 ($n KHEADERS lines)"; sed 's/^/#   /' "$2" | head -5; }
}

# generation VER TREE GEN
generation() {
	local v=$1 tree=$2 gen=$3 s=$T/$1/src o=$T/$1/obj rc ar
	local mk=(make -s --no-print-directory -C "$o" -f "$T/harness.mk"
		  srctree="$s" RULES="$TOP/kbuild/Makefile.kheaders" GEN="$gen")
	local line="^  KHEADERS '/nonexistent' not found: the stock gen_kheaders.sh makes kernel/kheaders_data.tar.xz\$"
	mkdir -p "$s/include/linux" "$s/arch/x86/include/asm" "$s/kernel" "$s/scripts" \
		"$o/kernel" "$o/include/generated" "$o/arch/x86/include/generated/asm"
	cp "$tree/scripts/Kbuild.include" "$s/scripts/"
	cp -p "$tree/kernel/gen_kheaders.sh" "$s/kernel/"
	cp -p "$ver" "$s/scripts/kheaders-version.sh"
	printf '/* SPDX-License-Identifier: GPL-2.0 */\n/* gone */\n#define KCONFIG 1\n' > "$s/include/linux/kconfig.h"
	printf '#define A 1\n' > "$s/arch/x86/include/asm/a.h"
	printf '#define CONFIG_IKHEADERS 1\n' > "$o/include/generated/autoconf.h"
	printf '#define B 1\n' > "$o/arch/x86/include/generated/asm/b.h"
	if [ "$gen" = lists ]; then
		find "$s/include" "$s/arch/x86/include" -name '*.h' | LC_ALL=C sort > "$o/kernel/kheaders-srclist"
		(cd "$o" && find include arch/x86/include -name '*.h' | LC_ALL=C sort) > "$o/kernel/kheaders-objlist"
		echo 0 > "$o/kernel/kheaders.md5"
	fi
	ar=$o/kernel/kheaders_data.tar.xz

	# Without the tool.
	"${mk[@]}" KHEADERS=/nonexistent kernel/kheaders_data.o > "$T/absent.log" 2>&1
	rc=$?
	expect "$v: without kheaders, kheaders_data.o builds" test "$rc" = 0
	one_line "$v: ... and make says so in one line" "$T/absent.log" "$line"
	tar -xJOf "$ar" ./include/linux/kconfig.h > "$T/kconfig.h" 2>/dev/null
	expect "$v: ... the stock script made the archive (comments stripped, SPDX kept)" \
		diff "$T/kconfig.h" <(printf '/* SPDX-License-Identifier: GPL-2.0 */\n\n#define KCONFIG 1\n')
	expect "$v: ... the .cmd file names gen_kheaders.sh" \
		grep -q 'cmd_kernel/kheaders_data.tar.xz := sh .*/kernel/gen_kheaders.sh' "$o/kernel/.kheaders_data.tar.xz.cmd"
	(cd "$o" && "$KHEADERS" embed --format asm kernel/kheaders_data.tar.xz -o "$T/embed.S") > /dev/null 2>&1
	expect "$v: ... make wrote the .S kheaders embed writes (but for the comment)" \
		diff <(grep -v '^/\*\|^ \*' "$T/embed.S") <(grep -v '^/\*\|^ \*' "$o/kernel/kheaders_data.S")
	"$KHEADERS" extract "$o/kernel/kheaders_data.o" -o "$T/extracted" > /dev/null 2>&1
	expect "$v: ... kheaders extract finds the archive in kheaders_data.o" cmp "$ar" "$T/extracted"
	cp "$ar" "$T/absent.tar.xz"
	stat -c %y "$ar" > "$T/mtime"
	"${mk[@]}" KHEADERS=/nonexistent kernel/kheaders_data.o > "$T/again.log" 2>&1
	if [ "$gen" = lists ]; then
		expect "$v: ... a second make has nothing to do" test ! -s "$T/again.log"
	else
		# genikh: like the stock rule, the script runs and finds it up to date.
		one_line "$v: ... a second make runs the script, which has nothing to do" \
			"$T/again.log" "$line"
	fi
	expect "$v: ... and leaves the archive alone" \
		test "$(stat -c %y "$ar")" = "$(cat "$T/mtime")"

	# The tool installed later, then gone again.
	"${mk[@]}" KHEADERS="$KHEADERS" kernel/kheaders_data.o > "$T/present.log" 2>&1
	expect "$v: with kheaders, kheaders makes the archive and make names it" \
		grep -qx '  GEN     kernel/kheaders_data.tar.xz (kheaders [0-9.]*)' "$T/present.log"
	expect "$v: ... and nothing says KHEADERS" bash -c "! grep -q KHEADERS '$T/present.log'"
	expect "$v: ... kheaders build in the .cmd file" \
		grep -q 'cmd_kernel/kheaders_data.tar.xz := .* build ' "$o/kernel/.kheaders_data.tar.xz.cmd"
	expect "$v: ... kheaders embed wrote the .S" grep -q 'Generated by kheaders embed' "$o/kernel/kheaders_data.S"
	expect "$v: ... an archive kheaders made" bash -c "! cmp -s '$ar' '$T/absent.tar.xz'"
	"${mk[@]}" KHEADERS=/nonexistent kernel/kheaders_data.o > "$T/absent2.log" 2>&1
	one_line "$v: kheaders gone again: the stock script, make says so" "$T/absent2.log" "$line"
	expect "$v: ... the same bytes as the first time" cmp "$ar" "$T/absent.tar.xz"

	# KHEADERS=kheaders, found in PATH: an upgrade in place (a newer
	# binary there) makes the archive again; nothing else does.
	mkdir -p "$T/pathbin"
	cp "$KHEADERS" "$T/pathbin/kheaders"
	[ ! -f "$(dirname "$KHEADERS")/libkheaders.so.0" ] ||
		cp "$(dirname "$KHEADERS")/libkheaders.so.0" "$T/pathbin/"
	PATH=$T/pathbin:$PATH "${mk[@]}" KHEADERS=kheaders kernel/kheaders_data.o > "$T/bare.log" 2>&1
	expect "$v: KHEADERS=kheaders from PATH makes the archive" \
		grep -qx '  GEN     kernel/kheaders_data.tar.xz (kheaders [0-9.]*)' "$T/bare.log"
	PATH=$T/pathbin:$PATH "${mk[@]}" KHEADERS=kheaders kernel/kheaders_data.o > "$T/bare2.log" 2>&1
	expect "$v: ... then has nothing to do" test ! -s "$T/bare2.log"
	touch -d '+1 minute' "$T/pathbin/kheaders"
	PATH=$T/pathbin:$PATH "${mk[@]}" KHEADERS=kheaders kernel/kheaders_data.o > "$T/bare3.log" 2>&1
	expect "$v: ... and after an upgrade in place makes it again" \
		grep -qx '  GEN     kernel/kheaders_data.tar.xz (kheaders [0-9.]*)' "$T/bare3.log"

	# An older kheaders.
	rm -f "$ar"
	FAKE=0.0.9 "${mk[@]}" KHEADERS="$T/fake" kernel/kheaders_data.o > "$T/old.log" 2>&1
	one_line "$v: an older kheaders: the stock script, 'older than'" "$T/old.log" \
		"^  KHEADERS '$T/fake' is kheaders 0.0.9, older than 0.1.0: the stock gen_kheaders.sh makes kernel/kheaders_data.tar.xz\$"
	expect "$v: ... the same bytes" cmp "$ar" "$T/absent.tar.xz"

	# KHEADERS_REQUIRED=1.
	"${mk[@]}" KHEADERS=/nonexistent KHEADERS_REQUIRED=1 kernel/kheaders_data.o > "$T/req.log" 2>&1
	rc=$?
	[ "$rc" = 2 ] && [ "$(wc -l < "$T/req.log")" = 1 ] &&
		grep -q "\*\*\* kheaders: '/nonexistent' not found, and KHEADERS_REQUIRED=1 refuses the stock gen_kheaders.sh: install kheaders 0.1.0 or later, or pass KHEADERS=/path/to/kheaders.  Stop.\$" "$T/req.log" &&
		ok "$v: KHEADERS_REQUIRED=1 without kheaders: make stops with one line" ||
		{ not_ok "$v: KHEADERS_REQUIRED=1 (exit $rc)"; sed 's/^/#   /' "$T/req.log" | head -5; }
	expect "$v: KHEADERS_REQUIRED=1 with kheaders builds" \
		"${mk[@]}" KHEADERS="$KHEADERS" KHEADERS_REQUIRED=1 kernel/kheaders_data.o

	# make clean reads no configuration: no probe, and the clean list.
	printf '#!/bin/sh\ntouch "%s"\n' "$T/probed" > "$T/probe"
	chmod +x "$T/probe"
	"${mk[@]}" CONFIG_IKHEADERS= KHEADERS="$T/probe" clean > "$T/clean.log" 2>&1
	expect "$v: make clean does not run kheaders" test ! -e "$T/probed"
	expect "$v: ... and removes the archive, the .S and kheaders.md5" \
		grep -q 'kheaders_data.tar.xz kheaders_data.S kheaders.md5' "$T/clean.log"
	expect "$v: ... and kheaders_module.lds" grep -q 'kheaders_module.lds' "$T/clean.log"

	modules_option "$v" "$s" "$o" "${mk[@]}"
}

# modules_option VER SRC OBJ MAKE...: CONFIG_IKHEADERS_MODULES in the
# harness.  The trees get what the kit needs; fixdep is a stand-in that
# saves the command as Kbuild's does.
modules_option() {
	local v=$1 s=$2 o=$3 ar=$3/kernel/kheaders_data.tar.xz rc
	shift 3
	local mk=("$@" CONFIG_IKHEADERS_MODULES=y)
	mkdir -p "$s/scripts/mod" "$o/include/config" "$o/scripts/basic" "$o/scripts/mod"
	printf 'all:\n' > "$s/Makefile"
	printf 'SECTIONS {\n#ifdef LINKER_SCRIPT\n .fixture : { }\n#endif\n}\n' > "$s/scripts/module.lds.S"
	printf 'int main(void) { return 0; }\n' > "$s/scripts/mod/modpost.c"
	printf 'CONFIG_IKHEADERS=y\nCONFIG_MODULES=y\n' > "$o/.config"
	cp "$o/.config" "$o/include/config/auto.conf"
	printf '#define ELF 1\n' > "$o/scripts/mod/elfconfig.h"
	printf '#define DEV 1\n' > "$o/scripts/mod/devicetable-offsets.h"
	# (savedcmd_ from 6.3 on)
	printf '#!/bin/sh\necho "cmd_$2 := $3"\necho "savedcmd_$2 := $3"\n' > "$o/scripts/basic/fixdep"
	chmod +x "$o/scripts/basic/fixdep"
	rm -f "$ar"

	"${mk[@]}" KHEADERS="$KHEADERS" kernel/kheaders_data.o > "$T/kit.log" 2>&1
	rc=$?
	expect "$v: IKHEADERS_MODULES: kheaders_data.o builds" test "$rc" = 0
	expect "$v: ... make says the archive has the module kit" \
		grep -qx '  GEN     kernel/kheaders_data.tar.xz (kheaders [0-9.]*, with the module kit)' "$T/kit.log"
	expect "$v: ... the linker script made in kernel/ first" \
		grep -qx '  LDS     kernel/kheaders_module.lds' "$T/kit.log"
	expect "$v: ... kheaders build --profile modules --module-lds in the .cmd file" \
		grep -q 'cmd_kernel/kheaders_data.tar.xz := .* build .*--profile modules --module-lds kernel/kheaders_module.lds' \
		"$o/kernel/.kheaders_data.tar.xz.cmd"
	tar -xJOf "$ar" ./scripts/module.lds > "$T/kit.lds" 2>/dev/null
	expect "$v: ... the archive's scripts/module.lds is kernel/'s copy" cmp "$T/kit.lds" "$o/kernel/kheaders_module.lds"
	expect "$v: ... and holds the kit (Makefile, scripts/, auto.conf)" bash -c "
		tar -tJf '$ar' | grep -qx './Makefile' &&
		tar -tJf '$ar' | grep -qx './scripts/mod/modpost.c' &&
		tar -tJf '$ar' | grep -qx './include/config/auto.conf'"
	"${mk[@]}" KHEADERS="$KHEADERS" kernel/kheaders_data.o > "$T/kit2.log" 2>&1
	expect "$v: ... a second make has nothing to do" test ! -s "$T/kit2.log"
	printf 'SECTIONS { .edited : { } }\n' > "$s/scripts/module.lds.S"
	"${mk[@]}" KHEADERS="$KHEADERS" kernel/kheaders_data.o > "$T/kit3.log" 2>&1
	tar -xJOf "$ar" ./scripts/module.lds > "$T/kit.lds" 2>/dev/null
	expect "$v: ... an edited module.lds.S: made again, archived again" grep -q edited "$T/kit.lds"

	"${mk[@]}" KHEADERS=/nonexistent kernel/kheaders_data.o > "$T/kitabsent.log" 2>&1
	rc=$?
	expect "$v: IKHEADERS_MODULES without kheaders: kheaders_data.o builds" test "$rc" = 0
	one_line "$v: ... and make says, in one line, that the archive holds the headers only" "$T/kitabsent.log" \
		"^  KHEADERS '/nonexistent' not found: the stock gen_kheaders.sh makes kernel/kheaders_data.tar.xz with the headers only \(no module kit for CONFIG_IKHEADERS_MODULES\)\$"
	expect "$v: ... the stock archive, no kit" bash -c "! tar -tJf '$ar' | grep -q '^./scripts/'"
	"${mk[@]}" KHEADERS=/nonexistent KHEADERS_REQUIRED=1 kernel/kheaders_data.o > "$T/kitreq.log" 2>&1
	rc=$?
	[ "$rc" = 2 ] && [ "$(wc -l < "$T/kitreq.log")" = 1 ] &&
		grep -q "KHEADERS_REQUIRED=1 refuses the stock gen_kheaders.sh" "$T/kitreq.log" &&
		ok "$v: IKHEADERS_MODULES, KHEADERS_REQUIRED=1 without kheaders: make stops with one line" ||
		{ not_ok "$v: IKHEADERS_MODULES, KHEADERS_REQUIRED=1 (exit $rc)"; sed 's/^/#   /' "$T/kitreq.log" | head -5; }
	# A kheaders older than the kit (the threshold raised on make's
	# command line, which overrides the rules' own).
	local newer=(kheaders-modules-min=9999 kheaders-modules-min-name=0.99.99)
	"${mk[@]}" "${newer[@]}" KHEADERS="$KHEADERS" kernel/kheaders_data.o > "$T/kitold.log" 2>&1
	rc=$?
	expect "$v: IKHEADERS_MODULES, kheaders older than the kit: the headers only, and make says why" bash -c "
		[ $rc = 0 ] && grep -qx \"  GEN     kernel/kheaders_data.tar.xz (kheaders [0-9.]*: '$KHEADERS' is kheaders [0-9.]*, older than 0.99.99, headers only)\" '$T/kitold.log' &&
		! tar -tJf '$ar' | grep -q '^./scripts/'"
	"${mk[@]}" "${newer[@]}" KHEADERS="$KHEADERS" KHEADERS_REQUIRED=1 kernel/kheaders_data.o > "$T/kitoldreq.log" 2>&1
	rc=$?
	[ "$rc" = 2 ] && [ "$(wc -l < "$T/kitoldreq.log")" = 1 ] &&
		grep -q "older than 0.99.99, and KHEADERS_REQUIRED=1 refuses an archive without the module kit" "$T/kitoldreq.log" &&
		ok "$v: ... with KHEADERS_REQUIRED=1 make stops with one line" ||
		{ not_ok "$v: kheaders older than the kit, KHEADERS_REQUIRED=1 (exit $rc)"; sed 's/^/#   /' "$T/kitoldreq.log" | head -5; }
	echo 'CONFIG_RANDSTRUCT=y' >> "$o/include/config/auto.conf"
	"${mk[@]}" KHEADERS="$KHEADERS" kernel/kheaders_data.o > "$T/kitrs.log" 2>&1
	rc=$?
	[ "$rc" != 0 ] && grep -q "cannot offer a module kit: .*CONFIG_RANDSTRUCT" "$T/kitrs.log" &&
		ok "$v: a RANDSTRUCT configuration (Kconfig forbids it) stops with kheaders' one line" ||
		{ not_ok "$v: RANDSTRUCT (exit $rc)"; sed 's/^/#   /' "$T/kitrs.log" | head -5; }
}

# tree_of VER: kbuild_src, when the corpus has it (the suite fetches nothing).
tree_of() {
	local var=KH_SRCTREE_${1//./_}
	[ "$1" != 6.1 ] || var=KH_SRCTREE
	kbuild_src=${!var:-}
	[ -n "$kbuild_src" ] ||
		{ skip "kbuild fallback $1: linux-source-$1 not fetched (scripts/corpus.sh fetch $1)"; return 1; }
}
kbuild_generations generation tree_of
