# SPDX-License-Identifier: GPL-2.0
#
# Fresh Debian 12 roots, for .ci/run and scripts/deb-check.sh (sourced, as
# root): mmdebstrap from the registry the host's apt sources name, with the
# host's Release date checks; the downloaded .debs in a cache outside the
# root, bind-mounted only while apt uses it; mounts that are all undone
# before a root is deleted; and timed stages with a summary.
#
# The caller defines say and die, and may set stage_width (34).

debroot_suite=bookworm
debroot_mounts=()
debroot_summary=()
debroot_status=0
debroot_t0=$(date +%s)

# debroot_host_sources: the host's apt sources for Debian 12, the file a
# root's own apt sources are copied from.
debroot_host_sources() {
	local f=/etc/apt/sources.list.d/debian.sources s=$debroot_suite
	if [ -f "$f" ] && grep -qE "^Suites:.*\b$s\b" "$f"; then
		echo "$f"
	elif grep -qsE "^deb[[:space:]].*[[:space:]]${s}[[:space:]]" /etc/apt/sources.list; then
		echo /etc/apt/sources.list
	else
		die "no $s entry in $f or /etc/apt/sources.list to take Debian's registry from"
	fi
}

# debroot_host_apt_conf: the host's settings for checking its registry's
# Release files (a registry that serves a frozen snapshot needs the date
# checks off), for a root's apt to reach the same registry.
debroot_host_apt_conf() {
	local opt v
	for opt in Acquire::Check-Valid-Until Acquire::Check-Date; do
		v=$(apt-config dump --no-empty "$opt" | sed -n "s/^$opt \"\(.*\)\";$/\1/p")
		[ -z "$v" ] || echo "$opt \"$v\";"
	done
}

# debroot_host_tools: mmdebstrap on the host.
debroot_host_tools() {
	command -v mmdebstrap >/dev/null && return 0
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null
}

# debroot_create ROOT VARIANT APT_CACHE [MMDEBSTRAP_OPTION...]: Debian 12
# in the empty directory ROOT, its apt sources the host's (only those), the
# .debs downloaded through APT_CACHE.
debroot_create() {
	local r=$1 variant=$2 cache=$3 src
	shift 3
	src=$(debroot_host_sources) || return 1
	mkdir -p "$cache" || return 1
	say "root $r ($variant), $debroot_suite from the registry in $src, .debs cached in $cache"
	# The .deb cache is mounted only while mmdebstrap downloads, so that its
	# clean-up does not empty it.
	mmdebstrap --quiet --variant="$variant" "$@" \
		--skip=essential/unlink \
		--setup-hook="mkdir -p \"\$1/var/cache/apt/archives\" && mount --bind '$cache' \"\$1/var/cache/apt/archives\"" \
		--customize-hook='umount "$1/var/cache/apt/archives"' \
		"$debroot_suite" "$r" "$src" || return 1
	# Apt sources as on an installed Debian 12: debian.sources.
	if [ "${src##*.}" = sources ]; then
		rm -f "$r/etc/apt/sources.list" "$r"/etc/apt/sources.list.d/* &&
		cp "$src" "$r/etc/apt/sources.list.d/debian.sources" || return 1
	fi
	cp -L /etc/resolv.conf "$r/etc/resolv.conf" 2>/dev/null
	debroot_host_apt_conf > "$r/etc/apt/apt.conf.d/50kheaders-host"
}

# debroot_bind ROOT SRC DIR: SRC mounted at DIR inside ROOT, until
# debroot_unmount.
debroot_bind() {
	mkdir -p "$2" "$1$3" || return 1
	mount --rbind "$2" "$1$3" || return 1
	debroot_mounts+=("$1$3")
	mount --make-rslave "$1$3"
}

debroot_is_mounted_under() {
	awk -v d="$1/" '{ gsub(/\\040/, " ", $5); if (index($5 "/", d) == 1) f = 1 } END { exit !f }' \
		/proc/self/mountinfo
}

# debroot_unmount: undo every debroot_bind, last first.
debroot_unmount() {
	local i
	for ((i = ${#debroot_mounts[@]} - 1; i >= 0; i--)); do
		umount -R "${debroot_mounts[i]}" 2>/dev/null ||
			umount -R -l "${debroot_mounts[i]}" 2>/dev/null || true
	done
	debroot_mounts=()
}

# debroot_remove ROOT: delete ROOT once nothing is mounted in it (also what
# a failed mmdebstrap hook left mounted); a root that keeps a mount stays.
debroot_remove() {
	local r=$1
	if debroot_is_mounted_under "$r"; then
		awk -v d="$r/" '{ if (index($5 "/", d) == 1) print $5 }' /proc/self/mountinfo |
			sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
	fi
	if debroot_is_mounted_under "$r"; then
		echo "mounts are left under $r: not deleting it" >&2
	else
		rm -rf --one-file-system "$r"
	fi
}

# stage NAME CMD...: run and time one stage; remember how it went.
stage() {
	local name=$1 s rc
	shift
	echo
	echo "==== $name"
	s=$(date +%s)
	"$@" && rc=0 || rc=$?
	s=$(( $(date +%s) - s ))
	if [ "$rc" -eq 0 ]; then
		debroot_summary+=("$(printf '%-*s %5d s  ok' "${stage_width:-34}" "$name" "$s")")
	else
		debroot_summary+=("$(printf '%-*s %5d s  FAILED (exit %d)' "${stage_width:-34}" "$name" "$s" "$rc")")
		debroot_status=1
	fi
	echo "==== $name: $s s, exit $rc"
	return "$rc"
}

print_summary() {
	echo
	echo "==== stage times"
	printf '%s\n' "${debroot_summary[@]}"
	printf '%-*s %5d s  %s\n' "${stage_width:-34}" "total" "$(( $(date +%s) - debroot_t0 ))" \
		"$([ "$debroot_status" = 0 ] && echo ok || echo FAILED)"
}
