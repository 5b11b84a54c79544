# SPDX-License-Identifier: GPL-2.0
# The module cells (tests/e2e/t_9*_modules_*.sh): issue 19's acceptance end
# to end.  A cell of lib-cell.sh built with MODULES, MODVERSIONS and the
# module kit in its archive (CONFIG_IKHEADERS_MODULES=y), no module
# signatures; `kheaders prepare --modules` turns the archive and the image
# of that kernel into a kit; two external modules from tests/e2e/modules
# are built against it with `make -C KIT M=DIR` (kh_exp exports a symbol,
# kh_use calls it and vmlinux's kstrtoint); the guest loads kh_exp, then a
# copy of kh_use whose recorded CRC of kstrtoint was altered, which its
# kernel must refuse ("disagrees about version of symbol"), then kh_use
# itself, which must run.
#
# The order proves what each load means: the altered copy comes while
# kh_exp is loaded and kh_use is not (loaded after kh_use it would be
# refused as a second kh_use before any symbol is looked at), so the CRC
# is the only thing wrong with it; the good kh_use then loads, so the
# refusal was about that CRC and left nothing behind.
#
# The guest's kernel checks kh_use's versions against its own: good CRCs
# (from the kit's Module.symvers, which `prepare --modules` wrote from the
# image) load, a wrong one is refused.  The kernel trees are lib-cell.sh's
# (cached by its stamp); the kit, the modules and the initramfs are made
# afresh in $T on every run.  Sourced after tests/lib.sh, lib-e2e.sh and
# lib-cell.sh.

MODLOAD_SRC=$TOP/tests/e2e/modules
# Kconfig asks $(KHEADERS) for the version IKHEADERS_MODULES depends on.
export KHEADERS

# modload_elf MODE ARGS: the .ko surgery and reading, for any ELF class and
# byte order.
#   versions KO         "SECTION 0xCRC NAME" for every entry of __versions
#                       and of __version_ext_crcs/__version_ext_names
#   badcrc IN OUT SYM   OUT = IN with SYM's CRC changed in every such
#                       table; "SECTION 0xOLD 0xNEW" for each
#   modinfo KO KEY      the value of KEY= in .modinfo
# The layouts are the kernel's: __versions is an array of struct
# modversion_info { unsigned long crc; char name[64 - sizeof(long)]; } (6.1,
# and 7.2 with BASIC_MODVERSIONS, its default); EXTENDED_MODVERSIONS (7.2,
# off by default) adds a u32 array and their names, NUL-separated, which
# the kernel then reads instead.
modload_elf() {
	python3 - "$@" <<'EOS'
import struct, sys

def sections(b):
    if b[:4] != b'\x7fELF':
        sys.exit('not an ELF file')
    e = '<' if b[5] == 1 else '>'
    if b[4] == 2:
        shoff, = struct.unpack_from(e + 'Q', b, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from(e + 'HHH', b, 0x3a)
        fmt = e + 'IIQQQQIIQQ'
    else:
        shoff, = struct.unpack_from(e + 'I', b, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from(e + 'HHH', b, 0x2e)
        fmt = e + 'IIIIIIIIII'
    sh = [struct.unpack_from(fmt, b, shoff + i * shentsize) for i in range(shnum)]
    strs = sh[shstrndx][4]
    def name(o):
        return b[strs + o:b.index(b'\0', strs + o)].decode()
    return {name(h[0]): (h[4], h[5]) for h in sh}, b[4], e

def versions(b):
    secs, cls, e = sections(b)
    out = []
    if '__versions' in secs:
        off, size = secs['__versions']
        w, f = (8, 'Q') if cls == 2 else (4, 'I')
        for p in range(off, off + size, 64):
            crc, = struct.unpack_from(e + f, b, p)
            out.append(('__versions', p, e + f, crc,
                        b[p + w:p + 64].split(b'\0')[0].decode()))
    if '__version_ext_crcs' in secs and '__version_ext_names' in secs:
        coff, csize = secs['__version_ext_crcs']
        noff, nsize = secs['__version_ext_names']
        names = b[noff:noff + nsize].split(b'\0')
        for i in range(csize // 4):
            crc, = struct.unpack_from(e + 'I', b, coff + 4 * i)
            out.append(('__version_ext_crcs', coff + 4 * i, e + 'I', crc,
                        names[i].decode()))
    return out

mode, path = sys.argv[1], sys.argv[2]
b = bytearray(open(path, 'rb').read())
if mode == 'versions':
    for sec, _, _, crc, name in versions(b):
        print('%s 0x%08x %s' % (sec, crc, name))
elif mode == 'badcrc':
    hits = [v for v in versions(b) if v[4] == sys.argv[4]]
    if not hits:
        sys.exit('no version of %s in %s' % (sys.argv[4], path))
    for sec, p, f, crc, _ in hits:
        # Low bits only: the kernel compares them with a u32.
        struct.pack_into(f, b, p, crc ^ 0x00c0ffee)
        print('%s 0x%08x 0x%08x' % (sec, crc, crc ^ 0x00c0ffee))
    open(sys.argv[3], 'wb').write(b)
elif mode == 'modinfo':
    secs = sections(b)[0]
    off, size = secs['.modinfo']
    for s in b[off:off + size].split(b'\0'):
        k, _, v = s.decode().partition('=')
        if k == sys.argv[3]:
            print(v)
            break
EOS
}

# modload_cell NAME VER ARCH y|m: the whole module cell.
modload_cell() {
	local ikh=$4
	C_EXTRA="MODULES MODVERSIONS MODULE_UNLOAD IKHEADERS_MODULES" C_OFF=MODULE_SIG
	if ! "$KHEADERS" prepare --help 2>&1 | grep -q -- '--modules'; then
		not_ok "$1: needs 'kheaders prepare --modules', not in this binary yet"
		return 0
	fi
	cell_run_build "$1" "$2" "$3" gcc "$ikh" || return 0
	modload_check_config || return 0
	modload_kit || return 0
	modload_build || return 0
	modload_badcopy || return 0
	modload_initrd "$T/initrd" || { not_ok "$CELL: initramfs"; return 0; }
	cell_run_boot "$T/initrd"
	modload_check_guest
}

# modload_check_config: the options the cell asked for are what was built;
# the archive holds the kit.
modload_check_config() {
	local o miss= mv=__versions
	for o in MODULES MODVERSIONS IKHEADERS_MODULES; do
		grep -qx "CONFIG_$o=y" "$C_OBJ/.config" || miss="$miss $o"
	done
	grep -qx '# CONFIG_MODULE_SIG is not set' "$C_OBJ/.config" || miss="$miss !MODULE_SIG"
	grep -qx 'CONFIG_EXTENDED_MODVERSIONS=y' "$C_OBJ/.config" &&
		mv="$mv, __version_ext_crcs"
	if [ -n "$miss" ]; then
		not_ok "$CELL: .config lacks$miss"
		return 1
	fi
	ok "$CELL: .config has MODULES, MODVERSIONS ($mv), IKHEADERS_MODULES, IKHEADERS=$C_IKH, no MODULE_SIG"
	if tar -tJf "$C_AR" 2> /dev/null | grep -qx './scripts/Makefile.modpost'; then
		ok "$CELL: the archive holds the module kit"
	else
		not_ok "$CELL: no module kit (scripts/Makefile.modpost) in the archive"
		return 1
	fi
}

# modload_kit: `kheaders prepare --modules` from the booted kernel's archive
# (its image for =y, kheaders.ko and the image for =m), twice: the second
# call must name the same directory.  Sets KIT.
modload_kit() {
	local from=(--from "$C_OBJ/$C_IMAGE") kit2 t0 s1 s2 rel o miss=
	[ "$C_IKH" = m ] && from=(--from "$C_KO" --kernel-image "$C_OBJ/$C_IMAGE")
	mkdir -m 0700 "$T/cache"
	t0=$(date +%s)
	KIT=$("$KHEADERS" prepare --modules "${from[@]}" --cache-dir "$T/cache" -v \
		2> "$T/prepare1.err")
	o=$?
	s1=$(($(date +%s) - t0))
	sed 's/^/# prepare 1: /' "$T/prepare1.err" | head -20
	echo "# prepare 1 (${from[*]#$C_OBJ/}): $KIT ($s1 s)"
	if [ "$o" != 0 ] || [ ! -d "$KIT" ]; then
		not_ok "$CELL: kheaders prepare --modules ${from[*]} (exit $o)"
		return 1
	fi
	ok "$CELL: kheaders prepare --modules gave a kit ($s1 s)"
	t0=$(date +%s)
	kit2=$("$KHEADERS" prepare --modules "${from[@]}" --cache-dir "$T/cache" -v \
		2> "$T/prepare2.err")
	s2=$(($(date +%s) - t0))
	sed 's/^/# prepare 2: /' "$T/prepare2.err" | head -5
	echo "# prepare 2: $kit2 ($s2 s)"
	[ "$kit2" = "$KIT" ] &&
		ok "$CELL: a second prepare --modules names the same directory" ||
		not_ok "$CELL: the second prepare --modules named '$kit2'"
	rel=$(cat "$C_OBJ/include/config/kernel.release")
	[ "$(cat "$KIT/include/config/kernel.release" 2> /dev/null)" = "$rel" ] &&
		cmp -s "$KIT/.config" "$C_OBJ/.config" &&
		ok "$CELL: the kit is of the booted kernel ($rel, its .config)" ||
		not_ok "$CELL: the kit's kernel.release is not '$rel' or its .config not the build's"
	for o in scripts/basic/fixdep scripts/mod/modpost scripts/genksyms/genksyms \
		 $(grep -qx 'CONFIG_OBJTOOL=y' "$C_OBJ/.config" && echo tools/objtool/objtool); do
		[ -x "$KIT/$o" ] || miss="$miss $o"
	done
	[ -z "$miss" ] && ok "$CELL: the kit's host programs are built" ||
		not_ok "$CELL: the kit lacks$miss"
	modload_check_symvers
}

# modload_check_symvers: the kit's Module.symvers has the vmlinux lines of
# the build's own, CRCs included: vmlinux.symvers, which `make vmlinux`
# writes, or Module.symvers where `make modules` followed (6.1 then drops
# vmlinux.symvers).
modload_check_symvers() {
	local want=$C_OBJ/vmlinux.symvers
	[ -f "$want" ] || want=$C_OBJ/Module.symvers
	grep -P '\tvmlinux\t' "$want" | LC_ALL=C sort > "$T/symvers.want"
	grep -P '\tvmlinux\t' "$KIT/Module.symvers" 2> /dev/null | LC_ALL=C sort > "$T/symvers.got"
	if [ -s "$T/symvers.want" ] && cmp -s "$T/symvers.want" "$T/symvers.got"; then
		ok "$CELL: the kit's Module.symvers = the build's $(basename "$want") ($(wc -l < "$T/symvers.got") vmlinux exports)"
	else
		not_ok "$CELL: the kit's Module.symvers differs from the build's $(basename "$want")"
		diff "$T/symvers.want" "$T/symvers.got" | head -6 | sed 's/^/#   /'
	fi
	grep -qP '^0x(?!00000000)[0-9a-f]{8}\tkstrtoint\tvmlinux\tEXPORT_SYMBOL\t' \
		"$KIT/Module.symvers" 2> /dev/null &&
		ok "$CELL: kstrtoint has a CRC in it" ||
		not_ok "$CELL: no CRC of kstrtoint in the kit's Module.symvers"
}

# modload_make NAME [VAR=VALUE...]: build the module NAME (a copy of
# tests/e2e/modules/NAME in $T/mods) from the kit, as a user would; its
# log must have no warning of the compiler or modpost and no undefined
# symbol.
modload_make() {
	local name=$1 dir=$T/mods/$1 t0 rc
	shift
	t0=$(date +%s)
	make -C "$KIT" M="$dir" "${C_MAKE[@]}" -j"$E2E_JOBS" "$@" modules \
		> "$T/$name.log" 2>&1
	rc=$?
	echo "# make -C KIT M=$name ${C_MAKE[*]} modules: $(($(date +%s) - t0)) s"
	if [ "$rc" != 0 ] || [ ! -f "$dir/$name.ko" ]; then
		not_ok "$CELL: $name built from the kit (exit $rc)"
		tail -15 "$T/$name.log" | sed 's/^/#   /'
		return 1
	fi
	ok "$CELL: $name built from the kit"
	if grep -Eqi 'undefined!|warning' "$T/$name.log"; then
		not_ok "$CELL: $name's build warned"
		grep -Ei 'undefined!|warning' "$T/$name.log" | head -8 | sed 's/^/#   /'
	else
		ok "$CELL: $name's build: no warning, no undefined symbol"
	fi
}

# modload_build: kh_exp, then kh_use against kh_exp's Module.symvers; both
# with the kernel's vermagic and versions of what they import.
modload_build() {
	local rel crc ko
	rm -rf "$T/mods"
	mkdir -p "$T/mods"
	cp -r "$MODLOAD_SRC/kh_exp" "$MODLOAD_SRC/kh_use" "$T/mods/"
	modload_make kh_exp || return 1
	modload_make kh_use KBUILD_EXTRA_SYMBOLS="$T/mods/kh_exp/Module.symvers" ||
		return 1
	rel=$(cat "$C_OBJ/include/config/kernel.release")
	for ko in kh_exp kh_use; do
		modload_elf versions "$T/mods/$ko/$ko.ko" > "$T/$ko.versions" 2>&1
		sed "s/^/# $ko: /" "$T/$ko.versions"
		[ "$(modload_elf modinfo "$T/mods/$ko/$ko.ko" vermagic | cut -d' ' -f1)" = "$rel" ] &&
			ok "$CELL: $ko's vermagic is the kernel's ($rel)" ||
			not_ok "$CELL: $ko's vermagic: $(modload_elf modinfo "$T/mods/$ko/$ko.ko" vermagic)"
	done
	grep -q ' module_layout$' "$T/kh_exp.versions" &&
		ok "$CELL: kh_exp.ko records symbol versions" ||
		not_ok "$CELL: kh_exp.ko has no __versions entry for module_layout"
	crc=$(awk -F'\t' '$2 == "kstrtoint" { print $1 }' "$KIT/Module.symvers")
	grep -q "^__version.* $crc kstrtoint\$" "$T/kh_use.versions" &&
		ok "$CELL: kh_use.ko records kstrtoint's CRC of the kit's Module.symvers ($crc)" ||
		not_ok "$CELL: kh_use.ko's version of kstrtoint is not the kit's $crc"
	crc=$(awk -F'\t' '$2 == "kh_exp_answer" { print $1 }' "$T/mods/kh_exp/Module.symvers")
	grep -q "^__version.* $crc kh_exp_answer\$" "$T/kh_use.versions" &&
		ok "$CELL: kh_use.ko records kh_exp_answer's CRC of kh_exp's Module.symvers ($crc)" ||
		not_ok "$CELL: kh_use.ko's version of kh_exp_answer is not kh_exp's '$crc'"
}

# modload_badcopy: kh_use_badcrc.ko, kh_use.ko with kstrtoint's CRC altered.
modload_badcopy() {
	if modload_elf badcrc "$T/mods/kh_use/kh_use.ko" "$T/kh_use_badcrc.ko" kstrtoint \
		> "$T/badcrc.out" 2>&1; then
		ok "$CELL: kh_use_badcrc.ko: kstrtoint's CRC altered ($(tr '\n' ' ' < "$T/badcrc.out"| sed 's/ $//'))"
	else
		not_ok "$CELL: cannot alter kstrtoint's CRC in kh_use.ko"
		sed 's/^/#   /' "$T/badcrc.out"
		return 1
	fi
}

# modload_initrd OUT: kh-init as /init, kheaders.ko for =m, and /mods with
# the modules and their order: kh_exp, the altered copy, kh_use.
modload_initrd() {
	local st=$T/initrd.d
	rm -rf "$st"
	mkdir -p "$st/mods"
	cp "$C_INITBIN" "$st/init" || return 1
	[ -z "$C_KO" ] || cp "$C_KO" "$st/kheaders.ko" || return 1
	cp "$T/mods/kh_exp/kh_exp.ko" "$T/kh_use_badcrc.ko" "$T/mods/kh_use/kh_use.ko" \
		"$st/mods/" || return 1
	printf '%s\n' kh_exp.ko kh_use_badcrc.ko kh_use.ko > "$st/mods/order"
	(cd "$st" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) > "$1"
}

# modload_check_guest: what the guest's kernel did with the three modules
# (kh-init's "KH-E2E insmod" and "KH-E2E kmsg" lines).
modload_check_guest() {
	local log=$T/guest.log
	tr -d '\r' < "$C_OBJ.boot.log" | grep -E '^KH-E2E (insmod|kmsg) ' > "$log"
	sed 's/^/# guest: /' "$log"
	grep -qx 'KH-E2E insmod kh_exp.ko rc=0 errno=-' "$log" &&
		ok "$CELL: the guest loaded kh_exp.ko" ||
		not_ok "$CELL: the guest did not load kh_exp.ko"
	grep -qx 'KH-E2E insmod kh_use_badcrc.ko rc=-1 errno=EINVAL' "$log" &&
		ok "$CELL: the guest refused kh_use_badcrc.ko (EINVAL)" ||
		not_ok "$CELL: the guest did not refuse kh_use_badcrc.ko with EINVAL"
	grep -qx 'KH-E2E kmsg kh_use: disagrees about version of symbol kstrtoint' "$log" &&
		[ "$(grep -c 'disagrees about version' "$log")" = 1 ] &&
		ok "$CELL: ... saying 'kh_use: disagrees about version of symbol kstrtoint', and of no other symbol" ||
		not_ok "$CELL: the guest did not say (only) 'kh_use: disagrees about version of symbol kstrtoint'"
	grep -qx 'KH-E2E insmod kh_use.ko rc=0 errno=-' "$log" &&
		ok "$CELL: the guest loaded kh_use.ko" ||
		not_ok "$CELL: the guest did not load kh_use.ko"
	grep -qx 'KH-E2E kmsg kh_use: kh_exp_answer(7) = 45' "$log" &&
		ok "$CELL: kh_use ran: 'kh_use: kh_exp_answer(7) = 45'" ||
		not_ok "$CELL: kh_use did not print 'kh_use: kh_exp_answer(7) = 45'"
	! grep -q 'no symbol version' "$log" &&
		ok "$CELL: no symbol without a version" ||
		not_ok "$CELL: the guest found a symbol without a version"
}
