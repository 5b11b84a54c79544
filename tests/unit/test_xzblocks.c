// SPDX-License-Identifier: GPL-2.0
/*
 * test_xzblocks.c - the xz blocks module: the block-cut rule (content of
 * the entries never moves a boundary) and the parallel encoder (one valid
 * stream whose bytes do not depend on the threads).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lzma.h>

#include "kheaders.h"
#include "xzblocks.h"
#include "xzread.h"

#define NR 4000

static struct kh_tar_entry e[NR];
static char names[NR][32];

static void make_entries(const char *prefix, const char *suffix)
{
	size_t i;

	for (i = 0; i < NR; i++) {
		snprintf(names[i], sizeof(names[i]), "%s%04zu%s", prefix, i,
			 suffix);
		e[i] = (struct kh_tar_entry){ .name = names[i],
					      .type = KH_TAR_FILE };
	}
}

Test(blocks, cuts_depend_only_on_paths)
{
	size_t off[4001], off2[4001], cuts[4001], cuts2[4001], i, n, n2, k;

	for (i = 0; i < 4000; i++) {
		snprintf(names[i], sizeof(names[i]), "./include/f%04zu.h", i);
		e[i] = (struct kh_tar_entry){ .name = names[i],
					      .type = KH_TAR_FILE };
		off[i] = i * 1024;
		/* entry 10 grows by 512 bytes: later offsets shift */
		off2[i] = i * 1024 + (i > 10 ? 512 : 0);
	}
	off[4000] = 4000 * 1024;
	off2[4000] = off[4000] + 512;
	n = kh_block_cuts(e, off, 4000, cuts);
	n2 = kh_block_cuts(e, off2, 4000, cuts2);
	cr_assert_gt(n, 1, "4000 entries make several blocks");
	cr_assert_eq(n, n2);
	for (k = 0; k < n; k++)
		cr_assert_eq(cuts2[k] - (cuts[k] > 10 * 1024 ? 512 : 0), cuts[k]);
}

Test(blocks, count_follows_entries_per_block)
{
	static size_t off[NR + 1], cuts[NR + 1];
	size_t i;

	make_entries("./include/g", ".h");
	for (i = 0; i <= NR; i++)
		off[i] = i * 100;
	cr_assert_eq(kh_block_cuts_every(e, off, NR, 1000, cuts), 4);
	cr_assert_eq(cuts[0], 0);
	cr_assert_eq(kh_block_cuts_every(e, off, NR, NR, cuts), 1);
	cr_assert_eq(kh_block_cuts_every(e, off, 10, 0, cuts), 1,
		     "a small archive is one block");
	cr_assert_eq(kh_block_cuts_every(e, off, NR, 0, cuts),
		     (NR + KH_BLOCK_ENTRIES - 1) / KH_BLOCK_ENTRIES);
}

Test(blocks, cuts_are_increasing_entry_starts)
{
	static size_t off[NR + 1], cuts[NR + 1];
	size_t i, n, k;

	make_entries("./arch/x86/include/h", ".h");
	for (i = 0; i <= NR; i++)
		off[i] = i * 512 + (i * i) % 77 * 512;
	for (i = 1; i <= NR; i++)
		if (off[i] <= off[i - 1])
			off[i] = off[i - 1] + 512;
	n = kh_block_cuts_every(e, off, NR, 300, cuts);
	cr_assert_gt(n, 5);
	for (k = 1; k < n; k++) {
		cr_assert_gt(cuts[k], cuts[k - 1]);
		for (i = 0; i < NR && off[i] != cuts[k]; i++)
			;
		cr_assert_lt(i, NR, "cut %zu is not an entry start", k);
	}
}

Test(blocks, directories_never_start_a_block)
{
	static size_t off[NR + 1], cuts[NR + 1];
	size_t i, n, k;

	make_entries("./include/d", "/");
	for (i = 0; i < NR; i++)
		if (i % 10)
			e[i].type = KH_TAR_DIR;
	for (i = 0; i <= NR; i++)
		off[i] = i * 512;
	n = kh_block_cuts_every(e, off, NR, 500, cuts);
	for (k = 1; k < n; k++)
		cr_assert_eq(cuts[k] / 512 % 10, 0);
}

Test(xzblocks, stream_is_valid_and_independent_of_threads)
{
	static uint8_t in[300000];
	size_t starts[] = { 0, 70000, 150000, 151000 }, i;
	struct kh_buf one, four, dec;
	struct kh_xz_opts o;
	struct kh_error err;

	for (i = 0; i < sizeof(in); i++)
		in[i] = "#define X 1\n"[i % 12] ^ (i / 5000 % 4);
	kh_xz_opts_init(&o);
	o.preset = 1;
	kh_buf_init(&one);
	kh_buf_init(&four);
	kh_buf_init(&dec);
	o.threads = 1;
	cr_assert_eq(kh_xz_encode(in, sizeof(in), starts, 4, &o, &one, &err),
		     0, "%s", err.msg);
	o.threads = 4;
	cr_assert_eq(kh_xz_encode(in, sizeof(in), starts, 4, &o, &four, &err),
		     0, "%s", err.msg);
	cr_assert_eq(one.len, four.len);
	cr_assert(!memcmp(one.data, four.data, one.len));
	cr_assert_eq(kh_xz_decode(one.data, one.len, UINT64_MAX, &dec,
				  SIZE_MAX, NULL, NULL, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(dec.len, sizeof(in));
	cr_assert(!memcmp(dec.data, in, sizeof(in)));
	kh_buf_release(&one);
	kh_buf_release(&four);
	kh_buf_release(&dec);
}
