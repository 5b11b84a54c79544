#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Kconfig.snippet, installed into the corpus tree, checked with the kernel's
# own scripts/kconfig/conf: olddefconfig from the test configuration with
# IKHEADERS=y, =m, =n, with MODULES=n and with SYSFS=n, then a batch of
# randconfig seeds (free, and with IKHEADERS pinned to y and m).  Every
# result must respect the dependencies (IKHEADERS needs SYSFS, =m needs
# MODULES) and kconfig must not warn about IKHEADERS.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"

SEEDS=${KH_E2E_KCONFIG_SEEDS:-8}

e2e_setup || { not_ok "kconfig: e2e setup"; exit 0; }
e2e_prepare_src "$W/src" || { not_ok "kconfig: preparing '$W/src' failed"; exit 0; }
grep -q 'made at build time by the kheaders tool' "$W/src/init/Kconfig" &&
	ok "kconfig: init/Kconfig carries Kconfig.snippet" ||
	not_ok "kconfig: init/Kconfig does not carry Kconfig.snippet"

kc=$W/kconfig
mk=(make -C "$W/src" O="$kc" ARCH=x86_64 -s)
mkdir -p "$kc"

# value SYM: y, m or n as written in $kc/.config (n when absent).
value() {
	sed -n "s/^CONFIG_$1=\(.*\)/\1/p" "$kc/.config" | grep . || echo n
}

# sane LOG: the dependencies hold and kconfig said nothing about IKHEADERS.
sane() {
	local ikh
	ikh=$(value IKHEADERS)
	if [ "$ikh" != n ] && [ "$(value SYSFS)" != y ]; then
		echo "IKHEADERS=$ikh with SYSFS=$(value SYSFS)"
	elif [ "$ikh" = m ] && [ "$(value MODULES)" != y ]; then
		echo "IKHEADERS=m with MODULES=$(value MODULES)"
	elif grep -i -B2 -A4 'unmet\|warning' "$1" | grep -q IKHEADERS; then
		echo "kconfig warned about IKHEADERS"
	fi
}

if ! "${mk[@]}" tinyconfig > "$kc.log" 2>&1; then
	not_ok "kconfig: make tinyconfig"
	exit 0
fi
opts=()
for o in $E2E_BOOT_OPTS; do
	opts+=(-e "$o")
done
"$W/src/scripts/config" --file "$kc/.config" "${opts[@]}"
cp "$kc/.config" "$kc/base.config"

# olddef NAME WANT SCRIPTS-CONFIG-ARGS...: from the base configuration.
olddef() {
	local name=$1 want=$2 why
	shift 2
	cp "$kc/base.config" "$kc/.config"
	"$W/src/scripts/config" --file "$kc/.config" "$@"
	if ! "${mk[@]}" olddefconfig > "$kc/out" 2>&1; then
		not_ok "kconfig: olddefconfig $name (conf failed)"
		sed 's/^/#   /' "$kc/out" | tail -5
		return
	fi
	why=$(sane "$kc/out")
	if [ -n "$why" ]; then
		not_ok "kconfig: olddefconfig $name ($why)"
	elif [ "$(value IKHEADERS)" != "$want" ]; then
		not_ok "kconfig: olddefconfig $name gives IKHEADERS=$(value IKHEADERS), want $want"
	else
		ok "kconfig: olddefconfig $name -> IKHEADERS=$want"
	fi
}

olddef "IKHEADERS=y" y -e IKHEADERS
olddef "IKHEADERS=m MODULES=y" m -e MODULES -m IKHEADERS
olddef "IKHEADERS=n" n -d IKHEADERS
olddef "IKHEADERS=m MODULES=n" y -d MODULES -m IKHEADERS
olddef "IKHEADERS=y SYSFS=n" n -d SYSFS -e IKHEADERS
olddef "IKHEADERS=m MODULES=y SYSFS=n" n -e MODULES -d SYSFS -m IKHEADERS

# randconfig with seeds 1..SEEDS, each free and pinned to y and to m.
printf 'CONFIG_IKHEADERS=y\n' > "$kc/pin-y"
printf 'CONFIG_IKHEADERS=m\nCONFIG_MODULES=y\n' > "$kc/pin-m"
bad= count_y=0 count_m=0 count_n=0 runs=0
for seed in $(seq 1 "$SEEDS"); do
	for pin in free pin-y pin-m; do
		if [ "$pin" = free ]; then
			KCONFIG_SEED=$seed "${mk[@]}" randconfig > "$kc/out" 2>&1
		else
			KCONFIG_SEED=$seed KCONFIG_ALLCONFIG=$kc/$pin \
				"${mk[@]}" randconfig > "$kc/out" 2>&1
		fi || { bad="$bad $seed/$pin(conf failed)"; continue; }
		runs=$((runs + 1))
		why=$(sane "$kc/out")
		[ -z "$why" ] || bad="$bad $seed/$pin($why)"
		case $(value IKHEADERS) in
		y) count_y=$((count_y + 1)) ;;
		m) count_m=$((count_m + 1)) ;;
		*) count_n=$((count_n + 1)) ;;
		esac
	done
done
echo "# randconfig: $runs runs, IKHEADERS=y $count_y, =m $count_m, =n $count_n"
[ -z "$bad" ] && ok "kconfig: $runs randconfig runs respect IKHEADERS' dependencies" ||
	not_ok "kconfig: randconfig:$bad"
[ "$count_y" -gt 0 ] && [ "$count_m" -gt 0 ] && [ "$count_n" -gt 0 ] &&
	ok "kconfig: randconfig reached IKHEADERS=y, =m and =n" ||
	not_ok "kconfig: randconfig did not reach every IKHEADERS value"
