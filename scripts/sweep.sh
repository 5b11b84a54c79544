#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The configuration sweep: kernel trees with the Kbuild integration
# installed (kbuild/install-into-tree) must build every configuration the
# stock tree builds, with kheaders on the host or without it.  For each
# kernel (6.1 and 7.2 by default, x86_64):
#   allmodconfig and allyesconfig, kheaders present and absent;
#   randconfig seeds 1..N (N=20), kheaders present: odd seeds IKHEADERS=y,
#   even seeds =m, forced through KCONFIG_ALLCONFIG with SYSFS (and MODULES
#   for =m), and checked in the resulting .config.
# "Present" puts the kheaders binary in PATH (Kconfig's KHEADERS_VERSION
# finds it there); "absent" runs with a PATH that has no kheaders, and the
# build must fall back to the stock gen_kheaders.sh.  Each cell builds only
# what the integration owns, after `prepare`: the archive and the kheaders
# objects (kernel/kheaders.o, and the module kernel/kheaders.ko unless
# MODVERSIONS, with KBUILD_MODPOST_WARN=1 since there is no vmlinux to
# resolve against).  A cell
# passes when make succeeds, the producer is the one expected (make's line
# names it), the object holds an archive with include/linux/kconfig.h, and
# its warnings are the stock tree's: when the cell shows any, or fails, the
# same .config is built in a stock copy of the tree, and a configuration the
# stock tree cannot build either is reported ("stock-fails"), not counted.
#
# Resumable: a cell's result is kept in DIR/results/CELL with a stamp of
# the integration, the tool's version and the tree; a later run redoes only cells
# without a result for the current stamp (--fresh: all).  The table of all
# results is written to DIR/results.md.  Object trees are deleted after
# each cell; logs stay in DIR/logs.
#
# Usage: scripts/sweep.sh [--kheaders PATH] [--dir DIR] [--kernels "6.1 7.2"]
#                         [--seeds N] [--jobs N] [--fresh] [CELL-GLOB...]
#   CELL names: VER-allmodconfig-present, VER-allyesconfig-absent,
#   VER-rand07-y, ...; globs select cells (e.g. '7.2-rand0[12]-*').
# Run at low priority in the background: the whole sweep is ~50 kernel
# prepares (about two hours on two cores).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)

kheaders=${KHEADERS:-$TOP/build/kheaders}
dir=${KH_SWEEP_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kheaders/sweep}
kernels="6.1 7.2"
seeds=20
jobs=${KH_SWEEP_JOBS:-2}
fresh=0
globs=()
timeout_s=${KH_SWEEP_TIMEOUT:-2400}

# What a cell does and checks; raise it when that changes, so that results
# of earlier runs no longer count.
cell_rules=2

die() { echo "sweep: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case $1 in
	--kheaders) kheaders=$2; shift ;;
	--dir) dir=$2; shift ;;
	--kernels) kernels=$2; shift ;;
	--seeds) seeds=$2; shift ;;
	--jobs) jobs=$2; shift ;;
	--fresh) fresh=1 ;;
	-h|--help) sed -n '3,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) die "unknown option '$1'" ;;
	*) globs+=("$1") ;;
	esac
	shift
done
case $seeds in ''|*[!0-9]*) die "--seeds '$seeds': not a number" ;; esac
[ -x "$kheaders" ] || die "'$kheaders': no kheaders binary there (make first)"
kheaders=$(cd "$(dirname "$kheaders")" && pwd)/$(basename "$kheaders")
"$kheaders" --version > /dev/null 2>&1 || die "'$kheaders' --version fails"

export LC_ALL=C TZ=UTC
export KBUILD_BUILD_TIMESTAMP='2024-01-01 00:00:00 UTC'
export KBUILD_BUILD_USER=kheaders KBUILD_BUILD_HOST=sweep KBUILD_BUILD_VERSION=1
unset KHEADERS KHEADERS_REQUIRED KCONFIG_ALLCONFIG KCONFIG_SEED ARCH O

# PATH without any kheaders (absent), and with ours first (present).
clean_path=
IFS=: read -ra path_dirs <<< "$PATH"
for d in "${path_dirs[@]}"; do
	[ -n "$d" ] && [ ! -e "$d/kheaders" ] && clean_path=${clean_path:+$clean_path:}$d
done
mkdir -p "$dir/bin" "$dir/results" "$dir/logs" || die "cannot create '$dir'"
# A copy of the tool (and the library beside it, which its $ORIGIN rpath
# finds): a rebuild in the checkout during the sweep changes nothing here.
rm -f "$dir/bin/kheaders" "$dir/bin/libkheaders.so.0"
cp "$kheaders" "$dir/bin/kheaders" || die "cannot copy '$kheaders'"
if [ -f "$(dirname "$kheaders")/libkheaders.so.0" ]; then
	cp "$(dirname "$kheaders")/libkheaders.so.0" "$dir/bin/" || die "cannot copy libkheaders.so.0"
fi
kheaders=$dir/bin/kheaders
"$kheaders" --version > /dev/null 2>&1 || die "'$kheaders' (a copy) --version fails"
present_path=$dir/bin:$clean_path

# tree_of VER: the corpus tree of VER (fetched by scripts/corpus.sh).
tree_of() {
	local var=KH_SRCTREE_${1//./_} line
	[ "$1" = 6.1 ] && var=KH_SRCTREE
	if ! "$TOP/scripts/corpus.sh" check "$1"; then
		"$TOP/scripts/corpus.sh" fetch "$1" > "$dir/logs/fetch-$1.log" 2>&1 ||
			{ echo "sweep: fetching linux-source-$1 failed (see $dir/logs/fetch-$1.log)" >&2; return 1; }
	fi
	line=$("$TOP/scripts/corpus.sh" env | grep "^$var=") || return 1
	echo "${line#*=}"
}

# src_stamp TREE: what a kheaders tree prepared from TREE depends on.
src_stamp() {
	{
		echo "$1"
		stat -c %Y "$1/.kh-complete" 2>/dev/null
		cat "$TOP/Kconfig.snippet" "$TOP/kbuild/Makefile.kheaders" \
			"$TOP/kbuild/kheaders.c" "$TOP/kbuild/kheaders-version.sh" \
			"$TOP/kbuild/install-into-tree"
	} | sha256sum | cut -c1-16
}

# prepare_trees VER TREE: DIR/src-VER (integration installed) and
# DIR/stock-VER (as shipped), copies of TREE without other architectures'
# code, redone when the stamp changed.
prepare_trees() {
	local v=$1 tree=$2 stamp a ex=() t
	for a in "$tree"/arch/*/; do
		a=$(basename "$a")
		[ "$a" = x86 ] || ex+=("--exclude=./arch/$a/*.[chS]" "--exclude=./arch/$a/*.dts*")
	done
	ex+=(--exclude='./Documentation/*.rst' --exclude=./.kh-complete)
	for t in stock src; do
		# The stock copy depends on the tree alone.
		if [ "$t" = src ]; then
			stamp=$(src_stamp "$tree")
		else
			stamp=$({ echo "$tree"; stat -c %Y "$tree/.kh-complete" 2>/dev/null; } |
				sha256sum | cut -c1-16)
		fi
		[ "$(cat "$dir/$t-$v.stamp" 2>/dev/null)" = "$stamp" ] && continue
		rm -rf "$dir/$t-$v" "$dir/$t-$v.stamp"
		mkdir -p "$dir/$t-$v"
		tar -C "$tree" -cf - "${ex[@]}" . | tar -C "$dir/$t-$v" -xf - || return 1
		if [ "$t" = src ]; then
			"$TOP/kbuild/install-into-tree" "$dir/$t-$v" > "$dir/logs/install-$v.log" 2>&1 ||
				{ echo "sweep: install-into-tree $v failed (see $dir/logs/install-$v.log)" >&2; return 1; }
		fi
		echo "$stamp" > "$dir/$t-$v.stamp"
	done
}

# cells: every cell of the sweep, in order.
cells() {
	local v s
	for v in $kernels; do
		echo "$v-allmodconfig-present" "$v-allmodconfig-absent"
		echo "$v-allyesconfig-present" "$v-allyesconfig-absent"
		for ((s = 1; s <= seeds; s++)); do
			printf '%s-rand%02d-%s\n' "$v" "$s" "$([ $((s % 2)) = 1 ] && echo y || echo m)"
		done
	done | tr ' ' '\n'
}

selected() {
	local g
	[ ${#globs[@]} = 0 ] && return 0
	for g in "${globs[@]}"; do
		# shellcheck disable=SC2053
		[[ $1 == $g ]] && return 0
	done
	return 1
}

# kmake SRC OBJ PATH ARGS...: make in SRC with O=OBJ, bounded.
kmake() {
	local src=$1 obj=$2 p=$3
	shift 3
	PATH=$p timeout "$timeout_s" nice -n "${KH_SWEEP_NICE:-19}" make -C "$src" O="$obj" ARCH=x86_64 "$@"
}

# configure SRC OBJ PATH KIND IKH SEED LOG: a .config in OBJ.
configure() {
	local src=$1 obj=$2 p=$3 kind=$4 ikh=$5 seed=$6 log=$7
	mkdir -p "$obj"
	case $kind in
	allmodconfig|allyesconfig)
		kmake "$src" "$obj" "$p" "$kind" >> "$log" 2>&1 ;;
	rand)
		{
			echo CONFIG_SYSFS=y
			echo "CONFIG_IKHEADERS=$ikh"
			[ "$ikh" = m ] && echo CONFIG_MODULES=y
		} > "$obj.allconfig"
		KCONFIG_ALLCONFIG=$obj.allconfig KCONFIG_SEED=$seed \
			kmake "$src" "$obj" "$p" randconfig >> "$log" 2>&1 ;;
	esac
}

# modpost of a module built alone finds every symbol it uses undefined
# (there is no vmlinux); kernels from 6.6 make that an error unless told.
modpost_warn=KBUILD_MODPOST_WARN=1

# targets IKH OBJ [stock]: what the cell builds.  A built-in composite
# object has no single-target rule (its parts go into kernel/built-in.a),
# so =y builds the parts: the integration's two, or the stock kheaders.o.
# =m links the module's object, and the module itself unless the
# configuration has MODVERSIONS: its last step needs vmlinux's symbol
# versions (from 6.13, EXTENDED_MODVERSIONS writes C that does not compile
# without them, in the stock tree too).
targets() {
	if [ "$1" = m ]; then
		echo kernel/kheaders.o
		grep -qx CONFIG_MODVERSIONS=y "$2/.config" || echo kernel/kheaders.ko
	elif [ "${3:-}" = stock ]; then
		echo kernel/kheaders.o
	else
		echo kernel/kheaders_sysfs.o kernel/kheaders_data.o
	fi
}

# warnings LOG OBJ SRC: the compiler's and tools' warnings of LOG, with the
# trees' paths taken out, sorted and unique.  Left out: what modpost says
# because a single module is built without vmlinux (every symbol the
# module uses is "undefined"), which depends on nothing but that.
warnings() {
	grep -E '[Ww]arning|WARNING' "$1" |
		grep -Ev 'WARNING: modpost: "[^"]*" \[[^]]*\] undefined!$|WARNING: modpost: suppressed [0-9]+ unresolved symbol warnings|WARNING: vmlinux\.o is missing|WARNING: modpost: Symbol info of vmlinux is missing|You may get many unresolved symbol (warnings|errors)|You can set KBUILD_MODPOST_WARN=1' |
		sed -e "s|$2/||g" -e "s|$3/||g" -e 's|^make\[[0-9]*\]: ||' | LC_ALL=C sort -u
}

# stock_build CELL OBJ IKH: the cell's .config in the stock tree; prints
# "ok" or "fail", its warnings in DIR/logs/CELL.stock.warn.
stock_build() {
	local cell=$1 obj=$2 ikh=$3 v=${1%%-*} sobj=$dir/obj/$1.stock
	local log=$dir/logs/$cell.stock.log src=$dir/stock-$v
	rm -rf "$sobj"
	mkdir -p "$sobj"
	grep -v '^CONFIG_KHEADERS_VERSION=' "$obj/.config" > "$sobj/.config"
	: > "$log"
	if kmake "$src" "$sobj" "$clean_path" olddefconfig >> "$log" 2>&1 &&
	   grep -qx "CONFIG_IKHEADERS=$ikh" "$sobj/.config" &&
	   kmake "$src" "$sobj" "$clean_path" -j"$jobs" $modpost_warn $(targets "$ikh" "$sobj" stock) >> "$log" 2>&1; then
		echo ok
	else
		echo fail
	fi
	warnings "$log" "$sobj" "$src" > "$dir/logs/$cell.stock.warn"
	rm -rf "$sobj"
}

# run_cell CELL STAMP: builds CELL, writes DIR/results/CELL:
#   STAMP RESULT SECONDS DETAIL...
# RESULT: pass, FAIL, stock-fails (both fail: reported, not counted).
run_cell() {
	local cell=$1 stamp=$2 v kind ikh tool seed=0 src obj log p t0 rc res detail
	local ar want got nw
	v=${cell%%-*}
	case $cell in
	*-allmodconfig-*) kind=allmodconfig ikh=m tool=${cell##*-} ;;
	*-allyesconfig-*) kind=allyesconfig ikh=y tool=${cell##*-} ;;
	*-rand*) kind=rand ikh=${cell##*-} tool=present
		 seed=${cell#*-rand}; seed=$((10#${seed%-*})) ;;
	esac
	p=$clean_path
	[ "$tool" = present ] && p=$present_path
	src=$dir/src-$v obj=$dir/obj/$cell log=$dir/logs/$cell.log
	rm -rf "$obj" "$obj.allconfig"
	: > "$log"
	t0=$(date +%s)
	res=FAIL detail=
	if ! configure "$src" "$obj" "$p" "$kind" "$ikh" "$seed" "$log"; then
		detail="configuration failed"
	elif ! grep -qx "CONFIG_IKHEADERS=$ikh" "$obj/.config" ||
	     ! grep -qx CONFIG_SYSFS=y "$obj/.config" ||
	     { [ "$ikh" = m ] && ! grep -qx CONFIG_MODULES=y "$obj/.config"; }; then
		detail="IKHEADERS=$ikh, SYSFS, MODULES not all in the .config"
	else
		want=0
		[ "$tool" = present ] && want=$("$TOP/kbuild/kheaders-version.sh" "$kheaders")
		got=$(sed -n 's/^CONFIG_KHEADERS_VERSION=//p' "$obj/.config")
		if [ "$got" != "$want" ]; then
			detail="CONFIG_KHEADERS_VERSION=$got, want $want"
		else
			kmake "$src" "$obj" "$p" -j"$jobs" $modpost_warn $(targets "$ikh" "$obj") >> "$log" 2>&1
			rc=$?
			detail=$(check_build "$obj" "$ikh" "$tool" "$log" "$rc")
			[ -z "$detail" ] && res=pass
		fi
	fi
	warnings "$log" "$obj" "$src" > "$dir/logs/$cell.warn"
	nw=$(wc -l < "$dir/logs/$cell.warn")
	if [ -f "$obj/.config" ] && { [ "$res" != pass ] || [ "$nw" != 0 ]; } &&
	   [ "$detail" != "configuration failed" ]; then
		case $(stock_build "$cell" "$obj" "$ikh") in
		fail)
			[ "$res" = pass ] || res=stock-fails ;;
		ok)
			local extra
			extra=$(LC_ALL=C comm -23 "$dir/logs/$cell.warn" "$dir/logs/$cell.stock.warn" | wc -l)
			if [ "$extra" != 0 ]; then
				res=FAIL
				detail="${detail:+$detail; }$extra warning(s) the stock tree does not show (logs/$cell.warn)"
			else
				detail="${detail:+$detail; }$nw warning(s), as in the stock tree"
			fi ;;
		esac
	fi
	[ "$res" = pass ] && rm -rf "$obj" "$obj.allconfig"
	echo "$stamp $res $(($(date +%s) - t0)) ${detail:-}" > "$dir/results/$cell"
}

# check_build OBJ IKH TOOL LOG RC: prints what is wrong, nothing when the
# build is what the cell wants.
check_build() {
	local obj=$1 ikh=$2 tool=$3 log=$4 rc=$5 o
	if [ "$rc" != 0 ]; then
		echo "make failed (exit $rc): $(grep -E -m1 'error:|\*\*\*' "$log" | sed "s|$obj/||g")"
		return
	fi
	if [ "$tool" = present ]; then
		grep -q '^  GEN     kernel/kheaders_data.tar.xz (kheaders ' "$log" ||
			{ echo "kheaders did not make the archive"; return; }
	else
		grep -q "^  KHEADERS '.*' not found: the stock gen_kheaders.sh makes kernel/kheaders_data.tar.xz" "$log" ||
			{ echo "no fallback line from make"; return; }
	fi
	o=$obj/kernel/kheaders_data.o
	[ "$ikh" = m ] && o=$obj/kernel/kheaders.o
	[ "$ikh" = m ] && ! grep -qx CONFIG_MODVERSIONS=y "$obj/.config" && o=$obj/kernel/kheaders.ko
	[ "$ikh" = m ] || [ -f "$obj/kernel/kheaders_sysfs.o" ] ||
		{ echo "kernel/kheaders_sysfs.o missing"; return; }
	[ -f "$o" ] || { echo "${o#$obj/} missing"; return; }
	"$kheaders" list "$o" 2>/dev/null | grep -qx '\./include/linux/kconfig\.h' ||
		echo "${o#$obj/} holds no archive with include/linux/kconfig.h"
}

# The run.
declare -A stamps
for v in $kernels; do
	any=0
	for c in $(cells); do
		[ "${c%%-*}" = "$v" ] && selected "$c" && any=1
	done
	[ "$any" = 1 ] || continue
	tree=$(tree_of "$v") || die "no linux-source-$v"
	prepare_trees "$v" "$tree" || die "cannot prepare the trees of $v"
	# A result stands for this tree, integration, tool and sweep.
	stamps[$v]=$({ src_stamp "$tree"; "$kheaders" --version; echo "$cell_rules"; } |
		     sha256sum | cut -c1-16)
done

mkdir -p "$dir/obj"
for c in $(cells); do
	selected "$c" || continue
	v=${c%%-*}
	if [ "$fresh" = 1 ] || [ "$(cut -d' ' -f1 "$dir/results/$c" 2>/dev/null)" != "${stamps[$v]}" ]; then
		echo "# $c ..."
		run_cell "$c" "${stamps[$v]}"
		earlier=
	else
		earlier=" (earlier run)"
	fi
	read -r _ res secs detail < "$dir/results/$c"
	case $res in
	pass) echo "ok - $c: $secs s${detail:+, $detail}$earlier" ;;
	stock-fails) echo "skip - $c: the stock tree cannot build it either: $detail$earlier" ;;
	*) echo "not ok - $c: $detail (logs in $dir/logs/$c.*)$earlier" ;;
	esac
done

# The table, and the verdict.
pass=0 fail=0 reported=0
{
	echo "| configuration | IKHEADERS | kheaders | result | seconds | detail |"
	echo "|---|---|---|---|---|---|"
	for c in $(cells); do
		selected "$c" || continue
		v=${c%%-*}
		read -r st res secs detail < "$dir/results/$c" 2>/dev/null || { st= res=missing secs=-; detail=; }
		[ "$st" = "${stamps[$v]}" ] || { res=missing secs=- detail="not run for this stamp"; }
		case $c in
		*-rand*) conf="$v randconfig seed ${c#*-rand}"; conf=${conf%-*}; ikh=${c##*-}; tool=present ;;
		*) conf="$v $(echo "$c" | cut -d- -f2)"; tool=${c##*-}
		   ikh=m; [ "${conf#* }" = allyesconfig ] && ikh=y ;;
		esac
		echo "| $conf | $ikh | $tool | $res | $secs | ${detail:-} |"
		case $res in
		pass) pass=$((pass + 1)) ;;
		stock-fails) reported=$((reported + 1)) ;;
		*) fail=$((fail + 1)) ;;
		esac
	done
} > "$dir/results.md.tmp" && mv -f "$dir/results.md.tmp" "$dir/results.md"
cat "$dir/results.md"
echo "($reported configuration(s) the stock tree cannot build either, not counted; table in $dir/results.md)"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
