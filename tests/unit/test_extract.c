// SPDX-License-Identifier: GPL-2.0
/*
 * test_extract.c - kh_extract() (extract.c): each strategy finds the very
 * bytes that were embedded, says how, writes an output atomically, and
 * says what it tried when it finds nothing.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "kheaders.h"
#include "fixture.h"

static struct kh_buf xz;

static void setup(void)
{
	struct kh_build_opts o;

	fix_opts(&o);
	fix_build(&o, &xz);
}

static void teardown(void)
{
	kh_buf_release(&xz);
}

TestSuite(extract, .init = setup, .fini = teardown);

static void find(const void *in, size_t len, enum kh_found_by how,
		 struct kh_extract_info *info)
{
	struct kh_extract_opts eo = { .data = in, .len = len, .name = "in" };
	struct kh_error err;
	struct kh_buf out;

	kh_buf_init(&out);
	cr_assert_eq(kh_extract(&eo, &out, info, &err), 0, "%s", err.msg);
	cr_assert_eq(info->found_by, how, "found by %s",
		     kh_found_by_name(info->found_by));
	cr_assert_eq(out.len, xz.len);
	cr_assert(!memcmp(out.data, xz.data, xz.len));
	cr_assert_eq(info->size, xz.len);
	kh_buf_release(&out);
}

Test(extract, the_archive_itself)
{
	struct kh_extract_info info;

	find(xz.data, xz.len, KH_FOUND_XZ_FILE, &info);
	cr_assert_eq(info.offset, 0);
	cr_assert_null(info.container);
}

Test(extract, elf_symbols_of_an_embedded_object)
{
	struct kh_extract_info info;
	struct kh_embed_target t;
	struct kh_error err;
	struct kh_buf obj;

	kh_buf_init(&obj);
	cr_assert_eq(kh_embed_target_parse("arm64", &t, &err), 0);
	cr_assert_eq(kh_embed_elf(xz.data, xz.len, "a.tar.xz", &t, NULL, &obj,
				  &err), 0, "%s", err.msg);
	find(obj.data, obj.len, KH_FOUND_ELF_SYMBOLS, &info);
	cr_assert_gt(info.offset, 0);
	kh_buf_release(&obj);
}

Test(extract, markers_in_other_bytes)
{
	struct kh_extract_info info;
	struct kh_buf in;

	kh_buf_init(&in);
	kh_buf_addstr(&in, "some firmware blob ... IKHD_ST");
	kh_buf_append(&in, xz.data, xz.len);
	kh_buf_addstr(&in, "IKHD_ED ... more");
	find(in.data, in.len, KH_FOUND_MARKERS, &info);
	cr_assert_eq(info.offset, 30);
	kh_buf_release(&in);
}

Test(extract, inside_a_gzip_stream)
{
	struct kh_extract_info info;
	struct kh_buf plain, gz;
	z_stream zs = { 0 };

	kh_buf_init(&plain);
	kh_buf_init(&gz);
	kh_buf_addstr(&plain, "kernel image text IKHD_ST");
	kh_buf_append(&plain, xz.data, xz.len);
	kh_buf_addstr(&plain, "IKHD_ED");
	while (plain.len < 4096)
		kh_buf_addstr(&plain, " padding");
	cr_assert_eq(kh_buf_reserve(&gz, plain.len + 4096), 0);
	cr_assert_eq(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
				  Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = plain.data;
	zs.avail_in = plain.len;
	zs.next_out = gz.data;
	zs.avail_out = gz.alloc - 1;
	cr_assert_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
	kh_buf_setlen(&gz, zs.total_out);
	deflateEnd(&zs);
	find(gz.data, gz.len, KH_FOUND_MARKERS, &info);
	cr_assert_str_eq(info.container, "gzip");
	cr_assert_eq(info.container_offset, 0);
	kh_buf_release(&plain);
	kh_buf_release(&gz);
}

Test(extract, nothing_found_says_what_was_tried)
{
	struct kh_extract_opts eo = { .data = "no archive here", .len = 15,
				      .name = "junk.bin" };
	struct kh_error err;
	struct kh_buf out;

	kh_buf_init(&out);
	cr_assert_eq(kh_extract(&eo, &out, NULL, &err), -ENOENT);
	cr_assert(strstr(err.msg, "'junk.bin': no headers archive found; tried ELF symbols"),
		  "%s", err.msg);
	cr_assert_str_eq(err.path, "junk.bin");
	cr_assert_eq(out.len, 0);
	kh_buf_release(&out);
}

Test(extract, to_a_file_atomically_and_untouched_on_failure)
{
	char dir[] = "/tmp/kh-extract-XXXXXX", in[64], out[64];
	struct kh_extract_opts eo = { .path = in, .out_path = out };
	struct kh_error err;
	struct kh_buf got;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(in, sizeof(in), "%s/in.o", dir);
	snprintf(out, sizeof(out), "%s/out.tar.xz", dir);
	f = fopen(in, "w");
	fwrite("IKHD_ST", 1, 7, f);
	fwrite(xz.data, 1, xz.len, f);
	fwrite("IKHD_ED", 1, 7, f);
	fclose(f);
	cr_assert_eq(kh_extract(&eo, NULL, NULL, &err), 0, "%s", err.msg);
	kh_buf_init(&got);
	cr_assert_eq(kh_read_file(out, 1 << 24, &got, &err), 0);
	cr_assert_eq(got.len, xz.len);
	cr_assert(!memcmp(got.data, xz.data, xz.len));
	f = fopen(in, "w");
	fputs("nothing", f);
	fclose(f);
	cr_assert_eq(kh_extract(&eo, NULL, NULL, &err), -ENOENT);
	kh_buf_setlen(&got, 0);
	cr_assert_eq(kh_read_file(out, 1 << 24, &got, &err), 0);
	cr_assert_eq(got.len, xz.len, "the previous output stays");
	kh_buf_release(&got);
	unlink(in);
	unlink(out);
	rmdir(dir);
}

Test(extract, needs_somewhere_to_put_it)
{
	struct kh_extract_opts eo = { .data = "x", .len = 1 };
	struct kh_error err;

	cr_assert_eq(kh_extract(&eo, NULL, NULL, &err), -EINVAL);
}

/* The decoded-bytes budget: the archive's own decode counts too. */
Test(extract, the_decoded_budget_stops_the_search_and_says_so)
{
	struct kh_extract_opts eo = { .data = xz.data, .len = xz.len,
				      .name = "small", .max_decoded = 1024 };
	struct kh_error err;
	struct kh_buf out;

	kh_buf_init(&out);
	cr_assert_eq(kh_extract(&eo, &out, NULL, &err), -EFBIG, "%s", err.msg);
	cr_assert(strstr(err.msg, "'small': gave up searching: more than 1024 bytes decoded in all (--max-decoded)"),
		  "%s", err.msg);
	cr_assert_eq(out.len, 0);
	eo.max_decoded = 0;
	cr_assert_eq(kh_extract(&eo, &out, NULL, &err), 0, "%s", err.msg);
	kh_buf_release(&out);
}

/* Every IKHD_ST is a candidate: thousands of them end the search. */
Test(extract, the_stream_budget_bounds_markers)
{
	struct kh_extract_opts eo = { .name = "marks", .max_streams = 100 };
	struct kh_error err;
	struct kh_buf in, out;
	int i;

	kh_buf_init(&in);
	kh_buf_init(&out);
	for (i = 0; i < 1000; i++)
		kh_buf_addstr(&in, "IKHD_ST");
	eo.data = in.data;
	eo.len = in.len;
	cr_assert_eq(kh_extract(&eo, &out, NULL, &err), -EFBIG, "%s", err.msg);
	cr_assert(strstr(err.msg, "more than 100 candidate compressed streams (--max-streams)"),
		  "%s", err.msg);
	kh_buf_release(&in);
	kh_buf_release(&out);
}
