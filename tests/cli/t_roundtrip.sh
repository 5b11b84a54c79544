#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The whole way there and back with kheaders' own tools: build -> embed
# (direct ELF and --format asm) -> link into a host program -> compress the
# program with every format a kernel image uses -> extract, byte-identical.
source "$(dirname "$0")/../lib.sh"
require gzip xz lz4 zstd bzip2 gcc
cd "$T" || exit 1
"$KHEADERS" build -q --srctree "$FIXTURES/linux" --objtree "$FIXTURES/linux-obj" \
	--arch x86 -o a.tar.xz || exit 1
"$KHEADERS" embed a.tar.xz -o elf.o || exit 1
"$KHEADERS" embed a.tar.xz -o asm.S --format asm || exit 1
expect "--format asm output assembles with the host as" gcc -c -o asm.o asm.S
cat > prog.c <<'C'
#include <stdio.h>
#include <string.h>
extern const char kernel_headers_data[], kernel_headers_data_end[];
int main(void)
{
	const char *volatile st = kernel_headers_data - 7;
	const char *volatile ed = kernel_headers_data_end;

	/* The markers sit right before and after the archive. */
	if (memcmp(st, "IKHD_ST", 7) || memcmp(ed, "IKHD_ED", 7))
		return 1;
	printf("%ld\n", (long)(kernel_headers_data_end - kernel_headers_data));
	return 0;
}
C
for form in elf asm; do
	gcc -o prog-$form prog.c $form.o || exit 1
	expect "$form object linked into a program: markers around, size right" \
		test "$(./prog-$form)" = "$(stat -c %s a.tar.xz)"
	cp prog-$form prog-$form.stripped && strip prog-$form.stripped
done

roundtrip() {
	local name=$1 in=$2
	rm -f out.tar.xz
	if "$KHEADERS" extract "$in" -o out.tar.xz 2>err && same_bytes out.tar.xz a.tar.xz; then
		ok "$name"
	else
		not_ok "$name"; sed 's/^/#   /' err
	fi
}
for form in elf asm; do
	roundtrip "$form: the object" $form.o
	roundtrip "$form: the linked program" prog-$form
	roundtrip "$form: the stripped program (markers)" prog-$form.stripped
	gzip -9 -c prog-$form > p.gz
	xz -c prog-$form > p.xz
	xz --format=lzma -c prog-$form > p.lzma
	lz4 -l -q -c prog-$form > p.lz4
	zstd -q -c prog-$form > p.zst
	bzip2 -c prog-$form > p.bz2
	for c in gz xz lzma lz4 zst bz2; do
		# a bzImage-like setup header in front, a size word behind
		{ head -c 17000 /dev/urandom; cat p.$c; printf '\x10\x20\x30\x40'; } > img.$c
		roundtrip "$form: program compressed with $c" p.$c
		roundtrip "$form: program compressed with $c behind a setup header" img.$c
	done
done
