// SPDX-License-Identifier: GPL-2.0
/*
 * symvers.c - Module.symvers rebuilt from what the kernel image and its
 * modules carry: the export tables ksymtab.c reads, found in the input
 * itself (an ELF file, or a raw arm64 or RISC-V Image: ksymraw.c) or in the
 * compressed streams of a boot image or a compressed module (decomp.c's
 * walk, under extract's budgets), named as
 * modpost names them, sorted and written in modpost's format.  A failed
 * file adds nothing: the entries it added are taken back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decomp.h"
#include "dir.h"
#include "error.h"
#include "kident.h"
#include "ksymtab.h"
#include "util.h"
#include "xzread.h"

#define SYMVERS_IMAGE_MAX ((size_t)4 << 30)
#define SYMVERS_MODULE_MAX ((size_t)1 << 30)
#define SYMVERS_MAX_TRIES 4096
#define SYMVERS_MAX_DEPTH 32

void kh_symvers_init(struct kh_symvers *sv)
{
	memset(sv, 0, sizeof(*sv));
}

static void entry_release(struct kh_symvers_entry *e)
{
	free(e->symbol);
	free(e->module);
	free(e->ns);
}

/* Take back the entries past the first @nr. */
static void symvers_truncate(struct kh_symvers *sv, size_t nr)
{
	while (sv->nr > nr)
		entry_release(&sv->v[--sv->nr]);
}

void kh_symvers_release(struct kh_symvers *sv)
{
	symvers_truncate(sv, 0);
	free(sv->v);
	kh_symvers_init(sv);
}

/*
 * One search: what it adds, as which module, and what it saw on the way
 * (for the message when nothing is found).
 */
struct symvers_find {
	struct kh_symvers *sv;
	const char *module;
	bool want_module;
	struct kh_error why;	/* the reason of the failure, no path */
	const char *where;	/* "xz stream at offset N" of @why, or NULL */
	char where_buf[64];
	bool noent;		/* @why: an ELF file without export tables */
	const char *raw;	/* a raw Image of this architecture was seen,
				 * @why says why its tables were not found */
};

static int add_ksym(const struct kh_ksym *s, void *ctx)
{
	struct symvers_find *f = ctx;
	struct kh_symvers *sv = f->sv;
	struct kh_symvers_entry *e;

	if (ALLOC_GROW(sv->v, sv->nr + 1, sv->alloc))
		return kh_err(&f->why, ENOMEM, "out of memory");
	e = &sv->v[sv->nr];
	e->symbol = strdup(s->name);
	e->module = strdup(f->module);
	e->ns = strdup(s->ns);
	e->crc = s->crc;
	e->gpl = s->gpl;
	if (!e->symbol || !e->module || !e->ns) {
		entry_release(e);
		return kh_err(&f->why, ENOMEM, "out of memory");
	}
	sv->nr++;
	return 0;
}

/*
 * The architecture of a raw boot Image, by the magic of its header
 * (arch/arm64/include/asm/image.h, arch/riscv/include/asm/image.h: both
 * at byte 56), or NULL.
 */
static const char *raw_image_arch(const uint8_t *d, size_t len)
{
	if (len >= 64 && !memcmp(d + 56, "ARM\x64", 4))
		return "arm64";
	if (len >= 64 && !memcmp(d + 56, "RSC\x05", 4))
		return "RISC-V";
	return NULL;
}

/* The release and build ID of the image whose exports were just added. */
static void record_identity(struct kh_symvers *sv, const uint8_t *d, size_t len)
{
	struct kh_kident id;

	kh_kident_read(d, len, &id);
	snprintf(sv->release, sizeof(sv->release), "%s", id.release);
	snprintf(sv->build_id, sizeof(sv->build_id), "%s", id.build_id);
}

/*
 * @d as the kernel or module (an ELF file, or a raw Image): 1 when read,
 * 0 when it is none (search on), or -errno.
 */
static int try_elf(struct symvers_find *f, const uint8_t *d, size_t len)
{
	struct kh_ksymtab_info info;
	size_t nr = f->sv->nr;
	int ret;

	if (kh_ksymtab_is_raw(d, len)) {
		ret = kh_ksymtab_read_raw(d, len, add_ksym, f, &info,
					  &f->why);
		if (ret == -ENOENT || ret == -EINVAL) {
			f->raw = raw_image_arch(d, len);
			symvers_truncate(f->sv, nr);
			return 0;
		}
	} else if (!kh_ksymtab_is_elf(d, len)) {
		return 0;
	} else {
		ret = kh_ksymtab_read(d, len, add_ksym, f, &info, &f->why);
	}
	if (!ret && info.module != f->want_module)
		ret = kh_err(&f->why, EINVAL, "%s",
			     info.module ? "a module, not a kernel image" :
			     "a kernel image, not a module");
	if (ret)
		symvers_truncate(f->sv, nr);
	if (!ret && !f->want_module)
		record_identity(f->sv, d, len);
	if (ret == -ENOENT) {
		f->noent = true;
		return 0;
	}
	return ret ? ret : 1;
}

static int walk_stream(const struct kh_comp_stream *s, void *ctx)
{
	struct symvers_find *f = ctx;
	int ret;

	snprintf(f->where_buf, sizeof(f->where_buf), "%s stream at offset %zu",
		 kh_comp_name(s->fmt), s->at);
	if (!s->complete && kh_ksymtab_is_elf(s->dec->data, s->dec->len)) {
		f->where = f->where_buf;
		return kh_err(&f->why, EBADMSG, "truncated or corrupt");
	}
	ret = try_elf(f, s->dec->data, s->dec->len);
	if (ret || f->noent)
		f->where = f->where_buf;
	return ret;
}

/* The failure of a search, in one line naming @name. */
static int search_fail(struct symvers_find *f, int ret, const char *name,
		       const struct kh_comp_walk *walk, struct kh_error *err)
{
	const char *what = f->want_module ? "kernel module" : "kernel";

	if (ret == -ENOMEM)
		return kh_err_sys_at(err, ENOMEM, name, "cannot search '%s'",
				     name);
	if (ret < 0 || f->noent)
		return kh_err_at(err, ret < 0 ? -ret : ENOENT, name,
				 "'%s': %s%s%s%s", name, f->where ? "the " : "",
				 f->where ? f->where : "",
				 f->where ? ": " : "", f->why.msg);
	if (f->raw)
		return kh_err_at(err, ENOENT, name,
				 "'%s': a raw %s Image: %s; give the build's vmlinux",
				 name, f->raw, f->why.msg);
	return kh_err_at(err, ENOENT, name,
			 "'%s': not an ELF %s, nor a file holding one in a compressed stream (%u stream(s) decoded)",
			 name, what, walk ? walk->streams : 0);
}

/*
 * Find the ELF file in @d (itself, or a compressed stream in it) and add
 * its exports as @f->module.  An ELF input is final: it is not searched.
 */
static int symvers_search(struct symvers_find *f, const uint8_t *d,
			  size_t len, const char *name,
			  const struct kh_extract_opts *in, struct kh_error *err)
{
	struct kh_xz_budget budget = { 0, 0, 0, 0 };
	struct kh_comp_walk walk;
	struct kh_error why;
	int ret;

	ret = try_elf(f, d, len);
	if (ret == 1)
		return 0;
	if (ret || kh_ksymtab_is_elf(d, len))
		return search_fail(f, ret, name, NULL, err);
	budget.max_decoded = in && in->max_decoded ? in->max_decoded :
			     KH_EXTRACT_DEFAULT_MAX_DECODED;
	budget.max_streams = in && in->max_streams ? in->max_streams :
			     KH_EXTRACT_DEFAULT_MAX_STREAMS;
	ret = kh_comp_walk(d, len, name, SYMVERS_MAX_TRIES, &budget,
			   walk_stream, f, &walk, &why);
	if (ret == 1)
		return 0;
	if (ret == -EFBIG && !f->where)
		return kh_err_at(err, EFBIG, name, "'%s': gave up searching: %s",
				 name, why.msg);
	return search_fail(f, ret, name, &walk, err);
}

static const char *input_name(const struct kh_extract_opts *in)
{
	if (in->name)
		return in->name;
	if (!in->path)
		return "<memory>";
	return strcmp(in->path, "-") ? in->path : "<stdin>";
}

int kh_symvers_add_image(struct kh_symvers *sv,
			 const struct kh_extract_opts *in,
			 struct kh_error *err)
{
	struct symvers_find f = { .sv = sv, .module = "vmlinux" };
	const char *name = input_name(in);
	const uint8_t *data = in->data;
	size_t len = in->len;
	struct kh_buf buf;
	int ret = 0;

	kh_buf_init(&buf);
	if (in->path && !strcmp(in->path, "-"))
		ret = kh_read_fd(0, name, SYMVERS_IMAGE_MAX, &buf, err);
	else if (in->path)
		ret = kh_read_file(in->path, SYMVERS_IMAGE_MAX, &buf, err);
	if (!ret && in->path) {
		data = buf.data;
		len = buf.len;
	}
	if (!ret)
		ret = symvers_search(&f, data ? data : (const uint8_t *)"", len,
				     name, in, err);
	kh_buf_release(&buf);
	return ret;
}


/* modpost's name of the module at @rel (a path or a file name). */
static int module_name(const char *rel, bool base, char **out,
		       const char *path, struct kh_error *err)
{
	const char *slash = base ? strrchr(rel, '/') : NULL;
	size_t n, i;

	if (slash)
		rel = slash + 1;
	n = kh_comp_module_stem(rel);
	if (!n)
		n = strlen(rel);
	for (i = 0; i < n; i++)
		if ((unsigned char)rel[i] <= ' ' || rel[i] == 0x7f)
			return kh_err_at(err, EINVAL, path,
					 "'%s': a module name with a blank or control character",
					 path);
	*out = strndup(rel, n);
	if (!*out)
		return kh_err_sys_at(err, ENOMEM, path, "'%s'", path);
	return 0;
}

/* Add the module open at @fd (@path for messages) as @module. */
static int add_module_fd(struct kh_symvers *sv, int fd, const char *path,
			 const char *module, const struct kh_extract_opts *in,
			 struct kh_error *err)
{
	struct symvers_find f = {
		.sv = sv, .module = module, .want_module = true,
	};
	struct kh_buf buf;
	int ret;

	kh_buf_init(&buf);
	ret = kh_read_fd(fd, path, SYMVERS_MODULE_MAX, &buf, err);
	if (!ret)
		ret = symvers_search(&f, buf.data ? buf.data : (const uint8_t *)"",
				     buf.len, path, in, err);
	if (!ret)
		sv->modules++;
	kh_buf_release(&buf);
	return ret;
}

struct tree_walk {
	struct kh_symvers *sv;
	const struct kh_extract_opts *in;
	const char *top;
	bool lib_modules;	/* @top has kernel/: names are below it */
	struct kh_error *err;
};

static int tree_fail(const struct kh_dir_entry *e, enum kh_dir_op op,
		     int code, void *ctx)
{
	struct tree_walk *w = ctx;

	if (op == KH_DIR_DEEP)
		return kh_err_at(w->err, ELOOP, w->top,
				 "'%s/%s': more than %d directories deep",
				 w->top, e->path, SYMVERS_MAX_DEPTH);
	return kh_err_sys_at(w->err, code, w->top, "cannot read '%s/%s'",
			     w->top, e->path);
}

static int tree_visit(const struct kh_dir_entry *e, void *ctx)
{
	struct tree_walk *w = ctx;
	bool in_kernel = !strncmp(e->path, "kernel/", 7);
	char *module = NULL, *path = NULL;
	int fd, ret;

	if (!S_ISREG(e->st.st_mode) || !kh_comp_module_stem(e->name))
		return 0;
	if (asprintf(&path, "%s/%s", w->top, e->path) < 0)
		return kh_err_sys_at(w->err, ENOMEM, w->top, "'%s'", w->top);
	ret = module_name(w->lib_modules && in_kernel ? e->path + 7 : e->path,
			  w->lib_modules && !in_kernel, &module, path, w->err);
	if (ret)
		goto out_free;
	fd = openat(e->dfd, e->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		ret = kh_err_sys_at(w->err, errno, path, "cannot open '%s'",
				    path);
		goto out_free;
	}
	ret = add_module_fd(w->sv, fd, path, module, w->in, w->err);
	close(fd);
out_free:
	free(module);
	free(path);
	return ret;
}

static int add_tree(struct kh_symvers *sv, int fd, const char *path,
		    const struct kh_extract_opts *in, struct kh_error *err)
{
	struct tree_walk w = { sv, in, path, false, err };
	struct kh_dir_walk walk = {
		.max_depth = SYMVERS_MAX_DEPTH,
		.visit = tree_visit,
		.fail = tree_fail,
		.ctx = &w,
	};
	struct stat st;

	w.lib_modules = !fstatat(fd, "kernel", &st, AT_SYMLINK_NOFOLLOW) &&
			S_ISDIR(st.st_mode);
	return kh_dir_walk(fd, &walk);
}

int kh_symvers_add_modules(struct kh_symvers *sv, const char *path,
			   const struct kh_extract_opts *in,
			   struct kh_error *err)
{
	size_t nr = sv->nr;
	char *module = NULL;
	struct stat st;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kh_err_sys_at(err, errno, path, "cannot open '%s'", path);
	if (fstat(fd, &st)) {
		ret = kh_err_sys_at(err, errno, path, "cannot stat '%s'", path);
		goto out_close;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = add_tree(sv, fd, path, in, err);
		goto out_close;
	}
	ret = module_name(path, true, &module, path, err);
	if (!ret)
		ret = add_module_fd(sv, fd, path, module, in, err);
	free(module);
out_close:
	close(fd);
	if (ret)
		symvers_truncate(sv, nr);
	return ret;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct kh_symvers_entry *x = a, *y = b;
	int c;

	c = strcmp(x->symbol, y->symbol);
	if (!c)
		c = strcmp(x->module, y->module);
	if (!c)
		c = strcmp(x->ns, y->ns);
	if (!c)
		c = (int)x->gpl - (int)y->gpl;
	if (!c)
		c = x->crc < y->crc ? -1 : x->crc > y->crc;
	return c;
}

void kh_symvers_sort(struct kh_symvers *sv)
{
	if (sv->nr)
		qsort(sv->v, sv->nr, sizeof(*sv->v), cmp_entry);
}

int kh_symvers_format(const struct kh_symvers *sv, struct kh_buf *out)
{
	const struct kh_symvers_entry *e;
	size_t i;

	for (i = 0; i < sv->nr; i++) {
		e = &sv->v[i];
		if (kh_buf_addf(out, "0x%08x\t%s\t%s\tEXPORT_SYMBOL%s\t%s\n",
				e->crc, e->symbol, e->module,
				e->gpl ? "_GPL" : "", e->ns))
			return -ENOMEM;
	}
	return 0;
}
