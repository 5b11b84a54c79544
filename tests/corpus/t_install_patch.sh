#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kbuild/install-into-tree --patch on each corpus kernel (6.1 and 6.12: the
# genikh rules; 7.2: the kernel's own header lists).  The patch, applied to
# the stock files with `patch -p1`, `git apply` or `git am`, gives byte for
# byte (modes included) what the in-place install gives, less its --revert
# stash; `patch -R` / `git apply -R` give the stock files back; the corpus
# tree is read, never written; two runs print the same bytes; trees the
# install refuses (and installed ones) get one line on stderr and nothing
# on stdout.  Everything runs on real copies of the few files involved.
source "$(dirname "$0")/../lib.sh"
require patch git diff sha256sum

inst=$TOP/kbuild/install-into-tree
umask 022
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org \
	GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org \
	GIT_CONFIG_GLOBAL=$T/no-gitconfig

# state DIR: every file (content and mode) and directory of DIR, less .git
# and the install's --revert stash.
state() {
	(cd "$1" && find . \( -name .git -o -name .kheaders-stock \) -prune -o \
		-printf '%y %m %p\n' | LC_ALL=C sort)
	(cd "$1" && find . \( -name .git -o -name .kheaders-stock \) -prune -o \
		-type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}

# same_state NAME A B: A and B hold the same files, bytes and modes.
same_state() {
	if diff <(state "$2") <(state "$3") > "$T/state.diff"; then
		ok "$1"
	else
		not_ok "$1"
		head -8 "$T/state.diff" | sed 's/^/#   /'
	fi
}

# corpus_sums SRC: the touched files' sums and what kernel/ and init/ list.
corpus_sums() {
	(cd "$1" && sha256sum $kbuild_touched && stat -c '%n %a %s %Y' $kbuild_touched &&
	 find kernel init -maxdepth 1 -printf '%p %y\n' | LC_ALL=C sort)
}

# git_repo DIR SRC: a git repository of SRC's touched files, one commit.
git_repo() {
	kbuild_mini "$2" "$1"
	git -C "$1" init -q && git -C "$1" add -A &&
		git -C "$1" commit -qm stock
}

# generation VER SRC GEN
generation() {
	local v=$1 src=$2 gen=$3 w=$T/$1 p=$T/$1/patch rc
	mkdir -p "$w"
	kbuild_mini "$src" "$w/stock"
	kbuild_mini "$src" "$w/inst"
	"$inst" "$w/inst" > "$w/inst.log" 2>&1 ||
		{ not_ok "patch $v: in-place install failed"; sed 's/^/#   /' "$w/inst.log"; return; }

	# (6) The corpus tree itself: read only; same bytes twice.
	corpus_sums "$src" > "$w/sums.before"
	"$inst" --patch "$src" > "$p" 2> "$w/err"
	rc=$?
	expect "patch $v: --patch succeeds, nothing on stderr" test "$rc" = 0 -a ! -s "$w/err"
	"$inst" --patch "$src" > "$p.2" 2>&1
	corpus_sums "$src" > "$w/sums.after"
	expect "patch $v: the corpus tree is left untouched" diff "$w/sums.before" "$w/sums.after"
	expect "patch $v: two runs print the same bytes" cmp "$p" "$p.2"
	"$inst" --patch "$w/stock" > "$p.3" 2>&1
	expect "patch $v: the same patch from a copy of the tree" cmp "$p" "$p.3"
	expect "patch $v: recognised as '$gen' rules" grep -q "^Made by .* on linux $v[.0-9]*\$" "$p"
	expect "patch $v: no --revert stash in the patch" bash -c "! grep -q kheaders-stock '$p'"
	head -n 4 "$p" > "$w/head"
	printf '%s\n' 'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001' \
		'From: kheaders <kheaders@localhost>' 'Date: Sat, 1 Jan 2000 00:00:00 +0000' \
		'Subject: [PATCH] kheaders: build /sys/kernel/kheaders.tar.xz with the kheaders tool' > "$w/head.want"
	expect "patch $v: format-patch headers (From without git config, fixed Date, Subject)" \
		diff "$w/head.want" "$w/head"
	SOURCE_DATE_EPOCH=1700000000 "$inst" --patch "$src" 2>&1 | sed -n 3p > "$w/date"
	expect "patch $v: Date from SOURCE_DATE_EPOCH" \
		test "$(cat "$w/date")" = 'Date: Tue, 14 Nov 2023 22:13:20 +0000'
	expect "patch $v: ends with '-- ' and the kheaders version" \
		test "$(tail -n 3 "$p" | head -n 2 | tr '\n' '|')" = "-- |kheaders $(sed -n 's/^VERSION *:= *//p' "$TOP/Makefile")|"
	expect "patch $v: modes for git (kheaders.c deleted, kheaders-version.sh new 100755)" \
		test "$(grep -E '^(new|deleted) file mode' "$p" | tr '\n' '|')" = \
		"new file mode 100644|deleted file mode 100644|new file mode 100644|new file mode 100755|"
	expect "patch $v: gen_kheaders.sh not in the patch (it stays)" \
		bash -c "! grep -q '^diff --git a/kernel/gen_kheaders.sh' '$p'"

	# (2) patch -p1 on the stock files = the in-place install, modes too;
	# (3) patch -R -p1 = the stock files again.
	cp -a "$w/stock" "$w/p"
	expect "patch $v: patch -p1 applies" patch -p1 -s -d "$w/p" -i "$p"
	same_state "patch $v: patch -p1 gives the in-place install, byte for byte, modes included" "$w/inst" "$w/p"
	expect "patch $v: patch -R -p1 applies" patch -R -p1 -s -d "$w/p" -i "$p"
	same_state "patch $v: patch -R -p1 gives the stock files back" "$w/stock" "$w/p"

	# (4) git apply / git apply -R in a repository of the stock files.
	git_repo "$w/g" "$src" > "$w/git.log" 2>&1 || { not_ok "patch $v: git init"; return; }
	expect "patch $v: git apply --check" git -C "$w/g" apply --check "$p"
	expect "patch $v: git apply" git -C "$w/g" apply "$p"
	same_state "patch $v: git apply gives the in-place install, byte for byte, modes included" "$w/inst" "$w/g"
	expect "patch $v: git apply -R" git -C "$w/g" apply -R "$p"
	same_state "patch $v: git apply -R gives the stock files back" "$w/stock" "$w/g"
	expect "patch $v: git status clean after git apply -R" \
		test -z "$(git -C "$w/g" status --porcelain)"
	git -C "$w/g" config user.name 'Kim Config'
	git -C "$w/g" config user.email kim@example.org
	"$inst" --patch "$w/g" 2>&1 | sed -n 2p > "$w/from"
	expect "patch $v: From: from git config" test "$(cat "$w/from")" = 'From: Kim Config <kim@example.org>'
	git apply --stat "$p" | tail -n 1 > "$w/gstat"
	expect "patch $v: the diffstat's totals are git's" grep -qxF "$(cat "$w/gstat")" "$p"

	# (5) git am: one commit, with the subject and --author.
	"$inst" --patch --author 'Jane Doe <jane@example.org>' "$src" > "$p.am" 2>&1
	if git -C "$w/g" am -q "$p.am" > "$w/am.log" 2>&1; then
		ok "patch $v: git am accepts it"
	else
		not_ok "patch $v: git am"; sed 's/^/#   /' "$w/am.log" | head
	fi
	expect "patch $v: git am commit: subject and --author" test \
		"$(git -C "$w/g" log -1 --format='%s|%an <%ae>|%ad' --date=unix)" = \
		'kheaders: build /sys/kernel/kheaders.tar.xz with the kheaders tool|Jane Doe <jane@example.org>|946684800'
	same_state "patch $v: git am gives the in-place install" "$w/inst" "$w/g"
	expect "patch $v: git am commit is the whole change" \
		test -z "$(git -C "$w/g" status --porcelain)"

	# (7) An installed tree is refused: one line, nothing on stdout.
	cp -a "$w/inst" "$w/inst.orig"
	"$inst" --patch "$w/inst" > "$w/out" 2> "$w/err"
	rc=$?
	expect "patch $v: an installed tree is refused (one line, exit 1, no stdout)" \
		test "$rc" = 1 -a ! -s "$w/out" -a "$(wc -l < "$w/err")" = 1
	expect "patch $v: ... naming the stash" grep -q "installed ('kernel/.kheaders-stock')" "$w/err"
	same_state "patch $v: the refused installed tree is left untouched" "$w/inst.orig" "$w/inst"
	rm -rf "$w"
}

# refused NAME STATUS REGEX ARGS...: exit STATUS, one line on stderr
# matching REGEX, nothing on stdout.
refused() {
	local name=$1 status=$2 re=$3 rc
	shift 3
	"$inst" "$@" > "$T/out" 2> "$T/err"
	rc=$?
	if [ "$rc" = "$status" ] && [ ! -s "$T/out" ] && [ "$(wc -l < "$T/err")" = 1 ] &&
	   grep -Eq -- "$re" "$T/err"; then
		ok "$name"
	else
		not_ok "$name (exit $rc, want $status)"
		sed 's/^/#   /' "$T/err" "$T/out" | head -5
	fi
}

if ! corpus_env; then
	skip "install --patch: corpus not fetched (scripts/corpus.sh fetch)"
	exit 0
fi
eval "$("$TOP/scripts/corpus.sh" env)"
# tree_of VER: kbuild_src, when the corpus has it (the suite fetches nothing).
tree_of() {
	local var=KH_SRCTREE_${1//./_}
	[ "$1" != 6.1 ] || var=KH_SRCTREE
	kbuild_src=${!var:-}
	[ -n "$kbuild_src" ] ||
		{ skip "install --patch $1: linux-source-$1 not fetched (scripts/corpus.sh fetch $1)"; return 1; }
}
kbuild_generations generation tree_of

# (7) What the in-place install refuses, --patch refuses the same way.
mkdir -p "$T/notk"
echo 'all:' > "$T/notk/Makefile"
refused "patch: refuses a directory that is not a kernel tree" 1 \
	"not a kernel source tree" --patch "$T/notk"
refused "patch: refuses a missing directory" 1 "not a directory" --patch "$T/missing"
kbuild_mini "$KH_SRCTREE" "$T/edited"
sed -i 's/\$(call cmd,genikh)/$(call cmd,genikh) --extra/' "$T/edited/kernel/Makefile"
cp -a "$T/edited" "$T/edited.orig"
refused "patch: refuses hand-edited kheaders rules" 1 "not recognised" --patch "$T/edited"
same_state "patch: the refused tree is left untouched" "$T/edited.orig" "$T/edited"
kbuild_mini "$KH_SRCTREE" "$T/stock"
refused "patch: -n with --patch is a usage error" 2 usage -n --patch "$T/stock"
refused "patch: --revert with --patch is a usage error" 2 usage --revert --patch "$T/stock"
refused "patch: --author without --patch is a usage error" 2 usage --author 'A <a@b>' "$T/stock"
refused "patch: --author must be 'Name <mail>'" 1 "expected 'Name <mail>'" \
	--patch --author 'nobody' "$T/stock"
SOURCE_DATE_EPOCH=yesterday refused "patch: a bad SOURCE_DATE_EPOCH is refused" 1 \
	"SOURCE_DATE_EPOCH" --patch "$T/stock"
