#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kheaders build --profile modules on fixture trees made here: the kit's
# entries (Makefiles, scripts/ sources, the object tree's generated
# non-binaries, .config, auto.conf, the module linker script, objtool's
# sources only with CONFIG_OBJTOOL), what never goes in (host binaries by
# their ELF magic whatever their name, objects, .cmd files, Module.symvers,
# the randstruct seed, Kconfig's scripts), modes (scripts stay executable),
# no stripping of kit files, the refusals (CONFIG_RANDSTRUCT, no module
# linker script, no auto.conf), determinism, and the incremental build:
# a Makefile edit rebuilds, nothing changed rebuilds nothing.
source "$(dirname "$0")/../lib.sh"
require xz tar make
TS="@1767225600"

# mk_trees DIR: a source tree and an object tree with a kit's worth of files.
mk_trees() {
	local s=$1/src o=$1/obj
	mkdir -p "$1"
	cp -a "$FIXTURES/linux" "$s"
	cp -a "$FIXTURES/linux-obj" "$o"
	mkdir -p "$s/scripts/basic" "$s/scripts/mod" "$s/scripts/genksyms" \
		"$s/scripts/kconfig" "$s/scripts/dtc" "$s/arch/x86/tools" \
		"$s/arch/x86/include/asm" "$s/tools/objtool/arch/x86" \
		"$s/tools/include/linux" "$s/tools/lib/subcmd" "$s/tools/build" \
		"$s/tools/scripts" "$s/tools/arch/x86/include/asm" \
		"$s/tools/perf" "$s/scripts/__pycache__" \
		"$o/include/config" "$o/scripts/mod" "$o/scripts/basic" \
		"$o/scripts/genksyms"
	printf '# Makefile.build: /* not a comment for make */\nobj := x\n' \
		> "$s/scripts/Makefile.build"
	printf 'hostprogs-always-y += fixdep\n' > "$s/scripts/basic/Makefile"
	printf '/* fixdep */\nint main(void) { return 0; }\n' > "$s/scripts/basic/fixdep.c"
	printf '/* modpost */\nint main(void) { return 0; }\n' > "$s/scripts/mod/modpost.c"
	printf '/* modpost.h: kept as is */\n#define MODPOST 1\n' > "$s/scripts/mod/modpost.h"
	printf '%%{\n/* parser */\n%%}\n' > "$s/scripts/genksyms/parse.y"
	printf '#!/bin/sh\necho local export check\n' > "$s/scripts/check-local-export"
	chmod 755 "$s/scripts/check-local-export"
	printf 'conf\n' > "$s/scripts/kconfig/conf.c"
	printf 'dtc\n' > "$s/scripts/dtc/dtc.c"
	printf '*.o\n' > "$s/scripts/.gitignore"
	printf 'cache\n' > "$s/scripts/__pycache__/x.pyc"
	printf 'junk\n' > "$s/scripts/mod/.modpost.o.cmd"
	printf 'junk\n' > "$s/scripts/mod/modpost.o"
	# A host program in the source tree (an in-tree build leaves them),
	# one under a script's name too: the magic decides, not the name.
	cp "$(type -P true)" "$s/scripts/basic/fixdep"
	cp "$(type -P true)" "$s/scripts/basic/mystery.sh"
	printf 'ARCH_MAKEFILE := 1\n' > "$s/arch/x86/Makefile"
	printf 'CPU := 1\n' > "$s/arch/x86/Makefile_32.cpu"
	printf 'relocs\n' > "$s/arch/x86/tools/relocs.c"
	printf 'objtool: ; @:\n' > "$s/tools/Makefile"
	printf 'objtool-y += check.o\n' > "$s/tools/objtool/Build"
	printf 'int check;\n' > "$s/tools/objtool/check.c"
	printf 'int decode;\n' > "$s/tools/objtool/arch/x86/decode.c"
	printf '#define TOOLS 1\n' > "$s/tools/include/linux/types.h"
	printf 'int rb;\n' > "$s/tools/lib/rbtree.c"
	printf 'int subcmd;\n' > "$s/tools/lib/subcmd/parse-options.c"
	printf 'build\n' > "$s/tools/build/Makefile.build"
	printf 'inc\n' > "$s/tools/scripts/Makefile.include"
	printf '#define ASM 1\n' > "$s/tools/arch/x86/include/asm/insn.h"
	printf 'perf\n' > "$s/tools/perf/perf.c"
	printf 'CONFIG_MODULES=y\nCONFIG_MODVERSIONS=y\nCONFIG_OBJTOOL=y\n' > "$o/.config"
	cp "$o/.config" "$o/include/config/auto.conf"
	printf '6.1.0-fixture\n' > "$o/include/config/kernel.release"
	printf -- '--cfg=CONFIG_MODULES\n' > "$o/include/generated/rustc_cfg"
	printf 'SECTIONS { }\n' > "$o/scripts/module.lds"
	printf '#define KERNEL_ELFCLASS ELFCLASS64\n' > "$o/scripts/mod/elfconfig.h"
	printf '#define DEVICETABLE 1\n' > "$o/scripts/mod/devicetable-offsets.h"
	printf '/* generated parser */\nint yyparse;\n' > "$o/scripts/genksyms/parse.tab.c"
	printf '#define TOKEN 1\n' > "$o/scripts/genksyms/parse.tab.h"
	printf '/* generated lexer */\n' > "$o/scripts/genksyms/lex.lex.c"
	printf 'secret seed\n' > "$o/scripts/basic/randstruct.seed"
	cp "$(type -P true)" "$o/scripts/mod/modpost"
}

mk_trees "$T/a"
S=$T/a/src
O=$T/a/obj
kb() { "$KHEADERS" build -q --arch x86 --timestamp "$TS" "$@"; }
kbm() { kb --profile modules --srctree "$S" --objtree "$O" "$@"; }

expect "--profile modules builds" kbm -o "$T/m.tar.xz"
tar -tJf "$T/m.tar.xz" | grep -v -e '/$' | grep -v -E '^\./(arch/x86/)?include/.*\.h$' > "$T/kit.list"
cat > "$T/want.list" <<'LIST'
./.config
./Makefile
./arch/x86/Makefile
./arch/x86/Makefile_32.cpu
./include/config/auto.conf
./include/config/kernel.release
./include/generated/rustc_cfg
./scripts/Makefile.build
./scripts/basic/Makefile
./scripts/basic/fixdep.c
./scripts/check-local-export
./scripts/genksyms/lex.lex.c
./scripts/genksyms/parse.tab.c
./scripts/genksyms/parse.tab.h
./scripts/genksyms/parse.y
./scripts/mod/devicetable-offsets.h
./scripts/mod/elfconfig.h
./scripts/mod/modpost.c
./scripts/mod/modpost.h
./scripts/module.lds
./tools/Makefile
./tools/arch/x86/include/asm/insn.h
./tools/build/Makefile.build
./tools/include/linux/types.h
./tools/lib/rbtree.c
./tools/lib/subcmd/parse-options.c
./tools/objtool/Build
./tools/objtool/arch/x86/decode.c
./tools/objtool/check.c
./tools/scripts/Makefile.include
LIST
expect "the kit holds exactly the expected files, sorted" diff -u "$T/want.list" "$T/kit.list"
tar -tJf "$T/m.tar.xz" > "$T/all.list"
expect "the headers are all there too" bash -c "
	kb() { '$KHEADERS' build -q --arch x86 --timestamp '$TS' \"\$@\"; }
	kb --srctree '$S' --objtree '$O' -o '$T/h.tar.xz' &&
	tar -tJf '$T/h.tar.xz' | grep -v '/\$' > '$T/h.list' &&
	! grep -vxF -f '$T/all.list' '$T/h.list'"
mkdir -p "$T/x"
tar -xJf "$T/m.tar.xz" -C "$T/x"
expect "no file in the archive is ELF (a host binary)" bash -c "
	! find '$T/x' -type f -exec head -c 4 {} \; -printf '\n' | grep -q \$'^\x7fELF'"
expect "never Module.symvers, randstruct.seed, .cmd, objects, Kconfig or dtc" \
	bash -c "! grep -E 'Module\.symvers|randstruct|\.cmd$|\.o$|scripts/kconfig|dtc|gitignore|pycache|perf|relocs' '$T/all.list'"
tar --numeric-owner -tvJf "$T/m.tar.xz" > "$T/long"
expect "an executable script stays 0755, other kit files 0644" bash -c "
	grep -q '^-rwxr-xr-x 0/0 .* ./scripts/check-local-export\$' '$T/long' &&
	grep -q '^-rw-r--r-- 0/0 .* ./scripts/Makefile.build\$' '$T/long' &&
	[ \$(grep -c '^-rwx' '$T/long') = 1 ]"
expect "kit files are stored as they are (never stripped)" bash -c "
	cmp '$S/scripts/Makefile.build' '$T/x/scripts/Makefile.build' &&
	cmp '$S/scripts/mod/modpost.h' '$T/x/scripts/mod/modpost.h' &&
	cmp '$O/scripts/genksyms/parse.tab.c' '$T/x/scripts/genksyms/parse.tab.c'"
expect "headers are still stripped" bash -c "! grep -q 'header' '$T/x/include/linux/types.h' || ! cmp -s '$S/include/linux/types.h' '$T/x/include/linux/types.h'"

# --- objtool only where modules go through it
sed -i '/OBJTOOL/d' "$O/include/config/auto.conf"
expect "without CONFIG_OBJTOOL no tools/" bash -c "
	'$KHEADERS' build -q --arch x86 --profile modules --srctree '$S' --objtree '$O' -o '$T/noobjtool.tar.xz' &&
	! tar -tJf '$T/noobjtool.tar.xz' | grep -q '^./tools/'"
cp "$O/.config" "$O/include/config/auto.conf"

# --- Debian's headers packages keep the linker script in arch/
mk_trees "$T/deb"
mv "$T/deb/obj/scripts/module.lds" "$T/deb/obj/arch/x86/module.lds"
rm "$T/deb/obj/scripts/mod/elfconfig.h" "$T/deb/obj/scripts/genksyms/parse.tab.c"
kb --profile modules --srctree "$T/deb/src" --objtree "$T/deb/obj" -o "$T/deb.tar.xz" 2> "$T/deb.err"
expect "arch/x86/module.lds (Debian's place) is a module linker script too" \
	bash -c "tar -tJf '$T/deb.tar.xz' | grep -qx './arch/x86/module.lds'"
expect "missing generated host-program inputs: one warning naming them" bash -c "
	[ \$(wc -l < '$T/deb.err') = 1 ] &&
	grep -q 'warning: .*scripts/mod/elfconfig.h, scripts/genksyms/parse.tab.c: .*modules_prepare' '$T/deb.err'"

# --- refusals, one line each
mk_trees "$T/r"
echo 'CONFIG_RANDSTRUCT=y' >> "$T/r/obj/include/config/auto.conf"
expect_fail "a CONFIG_RANDSTRUCT kernel gets no kit, in one line" 1 \
	"^kheaders: cannot offer a module kit: .*CONFIG_RANDSTRUCT.*seed" \
	kb --profile modules --srctree "$T/r/src" --objtree "$T/r/obj" -o "$T/r.tar.xz"
expect "... and nothing is written" test ! -e "$T/r.tar.xz"
expect "the refusal is one line" test "$(wc -l < "$T/.err")" = 1
sed -i 's/^CONFIG_RANDSTRUCT=y$/CONFIG_GCC_PLUGIN_RANDSTRUCT=y/' "$T/r/obj/include/config/auto.conf"
expect_fail "so is a GCC_PLUGIN_RANDSTRUCT kernel" 1 "CONFIG_RANDSTRUCT" \
	kb --profile modules --srctree "$T/r/src" --objtree "$T/r/obj" -o "$T/r.tar.xz"
sed -i '/RANDSTRUCT/d' "$T/r/obj/include/config/auto.conf"
echo '# CONFIG_RANDSTRUCT is not set' >> "$T/r/obj/include/config/auto.conf"
expect "RANDSTRUCT unset is fine" \
	kb --profile modules --srctree "$T/r/src" --objtree "$T/r/obj" -o "$T/r.tar.xz"
rm "$T/r/obj/scripts/module.lds"
expect_fail "no module linker script: one line naming modules_prepare" 1 \
	"no module linker script .*modules_prepare" \
	kb --profile modules --srctree "$T/r/src" --objtree "$T/r/obj" -o "$T/r2.tar.xz"
expect_fail "the headers fixture (unconfigured for modules): auto.conf is missing" 1 \
	"include/config/auto.conf' is missing" \
	kb --profile modules --srctree "$FIXTURES/linux" --objtree "$FIXTURES/linux-obj" -o "$T/r3.tar.xz"
expect_fail "an unknown profile names modules" 2 "want headers, uapi or modules" \
	kb --profile kit --srctree "$S" --objtree "$O" -o "$T/r4.tar.xz"

# --- determinism: threads, place, order of creation, umask
mk_trees "$T/b"
for n in 1 3; do
	kb --profile modules --threads $n --srctree "$T/b/src" --objtree "$T/b/obj" -o "$T/b$n.tar.xz"
done
expect "another copy of the trees, other thread counts: the same bytes" bash -c "
	cmp '$T/m.tar.xz' '$T/b1.tar.xz' && cmp '$T/m.tar.xz' '$T/b3.tar.xz'"
(umask 077 && mk_trees "$T/c" && chmod -R go-rwx "$T/c")
kb --profile modules --srctree "$T/c/src" --objtree "$T/c/obj" -o "$T/c.tar.xz"
expect "trees made under umask 077: the same bytes" cmp "$T/m.tar.xz" "$T/c.tar.xz"
kb --srctree "$S" --objtree "$O" -o "$T/h2.tar.xz"
expect "the headers profile is unchanged by the kit beside it" bash -c "
	cmp '$T/h.tar.xz' '$T/h2.tar.xz' && ! cmp -s '$T/h.tar.xz' '$T/m.tar.xz'"

# --- incremental: a make rule with the depfile, as Kbuild runs it
cat > "$T/Makefile" <<MK
out.tar.xz:
	"$KHEADERS" build -q --profile modules --srctree "$S" --objtree "$O" --arch x86 -o \$@ --depfile out.d
-include out.d
MK
mk() { make -s -C "$T" "$@"; }
settle
expect "first make builds the kit" mk
expect "the depfile lists kit files (a Makefile, auto.conf, module.lds)" bash -c "
	grep -q 'scripts/Makefile.build' '$T/out.d' &&
	grep -q 'include/config/auto.conf' '$T/out.d' && grep -q 'scripts/module.lds' '$T/out.d'"
expect "nothing changed: up to date for make" mk -q out.tar.xz
before=$(stat -c %Y.%y "$T/out.tar.xz")
(cd "$T" && "$KHEADERS" build -v --profile modules --srctree "$S" --objtree "$O" \
	--arch x86 -o out.tar.xz --depfile out.d 2> again.err)
expect "nothing changed: kheaders itself rebuilds nothing (manifest)" bash -c "
	grep -q 'is up to date' '$T/again.err' && [ '$before' = \"\$(stat -c %Y.%y '$T/out.tar.xz')\" ]"
echo 'MORE := 1' >> "$S/scripts/Makefile.build"
settle
expect_fail "an edited scripts/Makefile.build makes the archive out of date" 1 "" mk -q out.tar.xz
mk
mkdir -p "$T/y"
tar -xJf "$T/out.tar.xz" -C "$T/y"
expect "make rebuilds, and the archive holds the edit" grep -q 'MORE := 1' "$T/y/scripts/Makefile.build"
expect "then up to date again" mk -q out.tar.xz
echo 'TOP := 1' >> "$S/arch/x86/Makefile"
settle
expect_fail "an edited arch Makefile: out of date" 1 "" mk -q out.tar.xz
mk
echo '# new' > "$S/scripts/Makefile.new"
settle
expect_fail "a new file in scripts/: out of date (the directory is a dependency)" 1 "" mk -q out.tar.xz
mk
printf 'SECTIONS { .x : { } }\n' > "$O/scripts/module.lds"
settle
expect_fail "a new module linker script: out of date" 1 "" mk -q out.tar.xz
mk
expect "a profile change rebuilds through the manifest's settings" bash -c "
	'$KHEADERS' build -v --srctree '$S' --objtree '$O' --arch x86 -o '$T/out.tar.xz' 2>&1 | grep -q GEN"

# --- --module-lds: Kbuild's own copy of the linker script, made in kernel/
printf 'SECTIONS { .given : { } }\n' > "$T/given.lds"
rm "$O/scripts/module.lds"
kbm --module-lds "$T/given.lds" -o "$T/given.tar.xz"
mkdir -p "$T/g"
tar -xJf "$T/given.tar.xz" -C "$T/g"
expect "--module-lds FILE is archived as scripts/module.lds" cmp "$T/given.lds" "$T/g/scripts/module.lds"
printf 'SECTIONS { }\n' > "$O/scripts/module.lds"
kbm --module-lds "$T/given.lds" -o "$T/given2.tar.xz"
expect "... in place of the object tree's, which may be stale or absent" cmp "$T/given.tar.xz" "$T/given2.tar.xz"
expect_fail "--module-lds of a missing file: one line" 1 "cannot stat '.*nothere.lds'" \
	kbm --module-lds "$T/nothere.lds" -o "$T/given3.tar.xz"
expect_fail "--module-lds without --profile modules is a usage error" 2 "goes with --profile modules" \
	kb --srctree "$S" --objtree "$O" --module-lds "$T/given.lds" -o "$T/given4.tar.xz"

# --- verify rebuilds the kit too
kbm -o "$T/v.tar.xz"
expect "verify --profile modules: the archive matches the trees" \
	"$KHEADERS" verify "$T/v.tar.xz" -q --profile modules --srctree "$S" --objtree "$O" \
	--arch x86 --timestamp "$TS"
echo '# edited' >> "$S/scripts/mod/modpost.c"
expect_fail "verify --profile modules: an edited kit file is a difference" 1 "" \
	"$KHEADERS" verify "$T/v.tar.xz" -q --profile modules --srctree "$S" --objtree "$O" \
	--arch x86 --timestamp "$TS"

# --- an in-tree build: one tree, build products beside the sources
mk_trees "$T/it"
cp -a "$T/it/obj/." "$T/it/src/"
I=$T/it/src
cp "$(type -P true)" "$I/scripts/mod/modpost"
cp "$(type -P true)" "$I/tools/objtool/objtool"
printf 'junk\n' > "$I/tools/objtool/.check.o.cmd"
(cd "$T" && "$KHEADERS" build -q --profile modules --srctree it/src --objtree it/src --arch x86 \
	--timestamp "$TS" -o it.tar.xz --depfile it.d)
tar -tJf "$T/it.tar.xz" | grep -v -e '/$' | grep -v -E '^\./(arch/x86/)?include/.*\.h$' > "$T/it.list"
expect "in-tree: the same kit as from two trees (binaries, .cmd files, the seed left out)" \
	diff -u "$T/want.list" "$T/it.list"
expect "in-tree: scripts/ and tools/ directories are no dependencies (Kbuild writes there)" bash -c "
	cd '$T' && grep -q 'scripts/Makefile.build' it.d &&
	sed -n 's/^\\(.*\\):\$/\\1/p' it.d > it.deps && [ -s it.deps ] &&
	! while read -r p; do [ -d \"\$p\" ] && echo \"\$p\"; done < it.deps | grep -E '/(scripts|tools)(/|\$)'"
expect "in-tree: the include/ directories still are (a new header is seen)" bash -c "
	cd '$T' && grep -qx 'it/src/include/linux' it.deps"

# --- the manifest sees a generated kit file appear (no make involved)
(cd "$T" && "$KHEADERS" build -q --profile modules --srctree deb/src --objtree deb/obj \
	--arch x86 --timestamp "$TS" -o deb2.tar.xz 2> /dev/null)
settle
(cd "$T" && "$KHEADERS" build -v --profile modules --srctree deb/src --objtree deb/obj \
	--arch x86 --timestamp "$TS" -o deb2.tar.xz 2> deb2.again)
expect "Debian-like tree built twice: up to date the second time" grep -q 'is up to date' "$T/deb2.again"
printf '#define KERNEL_ELFCLASS ELFCLASS64\n' > "$T/deb/obj/scripts/mod/elfconfig.h"
settle
(cd "$T" && "$KHEADERS" build -q --profile modules --srctree deb/src --objtree deb/obj \
	--arch x86 --timestamp "$TS" -o deb2.tar.xz 2> /dev/null)
expect "scripts/mod/elfconfig.h appears: the manifest sees it, the kit has it" bash -c "
	tar -tJf '$T/deb2.tar.xz' | grep -qx './scripts/mod/elfconfig.h'"
