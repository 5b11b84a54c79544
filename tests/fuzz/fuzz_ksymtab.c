// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_ksymtab.c - any bytes for the export-table reader of `kheaders
 * symvers`: 1 byte shape, then the file.  Even: kh_ksymtab_read() on the
 * file (an ELF vmlinux or module, either class and byte order, linked or
 * relocatable).  Odd: kh_symvers_add_image() on it (the ELF itself, one
 * in a compressed stream, or a raw arm64 or RISC-V Image), then sorted and
 * formatted.  Every input also goes to kident.c (the banner's release,
 * the build ID of an ELF file and of raw notes: bounded, NUL-terminated
 * strings of the allowed characters).  Invariants: success
 * or a message; every name is non-empty and every name and namespace is
 * printable without blanks; the count matches; each formatted line has
 * exactly five fields; a failed image adds nothing.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "kheaders.h"
#include "kident.h"
#include "ksymtab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifdef KH_FUZZ_FAST
#define FUZZ_MAX_DECODED (16u << 20)
#else
#define FUZZ_MAX_DECODED (64u << 20)
#endif

static bool text_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

static int check_sym(const struct kh_ksym *s, void *ctx)
{
	size_t *n = ctx;

	assert(s->name[0] && text_ok(s->name) && text_ok(s->ns));
	(*n)++;
	return 0;
}

static void check_format(const struct kh_symvers *sv)
{
	const char *p, *nl;
	struct kh_buf out;
	size_t lines = 0, tabs;

	kh_buf_init(&out);
	assert(!kh_symvers_format(sv, &out));
	for (p = kh_buf_str(&out); *p; p = nl + 1) {
		nl = strchr(p, '\n');
		assert(nl);
		for (tabs = 0; p < nl; p++)
			tabs += *p == '\t';
		assert(tabs == 4);
		lines++;
	}
	assert(lines == sv->nr);
	kh_buf_release(&out);
}

static void fuzz_image(const uint8_t *data, size_t size)
{
	struct kh_extract_opts in = { .data = data, .len = size,
				      .name = "fuzz-image",
				      .max_decoded = FUZZ_MAX_DECODED };
	static struct kh_error err;
	struct kh_symvers sv;
	size_t i;
	int ret;

	kh_symvers_init(&sv);
	err.msg[0] = '\0';
	ret = kh_symvers_add_image(&sv, &in, &err);
	if (ret) {
		assert(ret < 0 && err.msg[0] && !sv.nr);
	} else {
		for (i = 0; i < sv.nr; i++)
			assert(!strcmp(sv.v[i].module, "vmlinux"));
		kh_symvers_sort(&sv);
		check_format(&sv);
	}
	kh_symvers_release(&sv);
}

/* kident.c's strings are bounded, and hex or release characters only. */
static void fuzz_kident(const uint8_t *data, size_t size)
{
	char hex[KH_KIDENT_BUILD_ID_MAX];
	struct kh_kident id;
	const char *p;

	kh_kident_read(data, size, &id);
	assert(strlen(id.release) < sizeof(id.release));
	for (p = id.release; *p; p++)
		assert(*p > ' ' && *p < 0x7f);
	assert(strspn(id.build_id, "0123456789abcdef") == strlen(id.build_id));
	kh_kident_notes(data, size, hex);
	assert(strspn(hex, "0123456789abcdef") == strlen(hex));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kh_ksymtab_info info;
	static struct kh_error why;
	size_t n = 0;
	int ret;

	if (!size)
		return 0;
	fuzz_kident(data + 1, size - 1);
	if (data[0] & 1) {
		fuzz_image(data + 1, size - 1);
		return 0;
	}
	why.msg[0] = '\0';
	ret = kh_ksymtab_read(data + 1, size - 1, check_sym, &n, &info, &why);
	if (ret)
		assert(ret < 0 && why.msg[0]);
	else
		assert(info.nr == n);
	return 0;
}
