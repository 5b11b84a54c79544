// SPDX-License-Identifier: GPL-2.0
/*
 * prepare_source.c - where kh_prepare() gets the running kernel's headers
 * archive: the sysfs file; the module, loaded with modprobe and unloaded
 * again; the boot image or the module file on disk; or a file named by the
 * caller.  Bytes that are already a valid cache entry's archive are not
 * decoded again.  For kh_prepare_gc(), the archives of every installed
 * kernel under /boot and /lib/modules.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "decomp.h"
#include "digest.h"
#include "dir.h"
#include "error.h"
#include "util.h"
#include "prepare.h"
#include "prepare_cache.h"
#include "prepare_source.h"
#include "run.h"

#define SYSFS_ARCHIVE "/sys/kernel/kheaders.tar.xz"
#define MODULE_DIR "kernel/kernel"
#define INPUT_MAX ((size_t)4 << 30)


/*
 * module_suffix() - the suffix of the @i-th name kheaders.ko may have:
 * none first, then one per format the kernel compresses modules with
 * (decomp.c's table); NULL for a format it never uses for modules.
 */
static const char *module_suffix(unsigned int i)
{
	return i ? kh_comp_module_suffix((enum kh_comp)(i - 1)) : "";
}

static const char *const from_names[] = {
	[KH_PREPARE_AUTO] = "auto",
	[KH_PREPARE_SYSFS] = "sysfs",
	[KH_PREPARE_MODULE] = "module",
	[KH_PREPARE_IMAGE] = "image",
	[KH_PREPARE_FILE] = "file",
};

const char *kh_prepare_from_name(enum kh_prepare_from from)
{
	if ((unsigned int)from > KH_PREPARE_FILE)
		return "unknown";
	return from_names[from];
}

int kh_prepare_source_init(struct kh_prepare_source *c,
			   const struct kh_prepare_opts *o, int rootfd,
			   struct kh_error *err)
{
	struct utsname u;

	memset(c, 0, sizeof(*c));
	c->o = o;
	c->rootfd = rootfd;
	c->root = o->root && strcmp(o->root, "/") ? o->root : "";
	kh_buf_init(&c->tried);
	kh_buf_init(&c->xz);
	if (o->release) {
		snprintf(c->release, sizeof(c->release), "%s", o->release);
		return 0;
	}
	if (uname(&u))
		return kh_err_sys(err, errno, "cannot get the kernel release");
	snprintf(c->release, sizeof(c->release), "%s", u.release);
	return 0;
}

void kh_prepare_source_release(struct kh_prepare_source *c)
{
	kh_buf_release(&c->tried);
	kh_buf_release(&c->xz);
}

/* The one call into the archive finder (its interface is being reshaped). */
static int prepare_read_archive(const void *data, size_t len, const char *name,
				struct kh_buf *out, struct kh_error *err)
{
	struct kh_extract_opts eo = { .data = data, .len = len,
				      .name = name };

	return kh_extract(&eo, out, NULL, err);
}

static int read_raw(const char *path, struct kh_buf *raw, struct kh_error *err)
{
	if (!strcmp(path, "-"))
		return kh_read_fd(0, "<stdin>", INPUT_MAX, raw, err);
	return kh_read_file(path, INPUT_MAX, raw, err);
}

/* The archive in the file at @path, appended to @out. */
static int read_archive_file(const char *path, struct kh_buf *out,
			     struct kh_error *err)
{
	struct kh_buf raw;
	int ret;

	kh_buf_init(&raw);
	ret = read_raw(path, &raw, err);
	if (!ret)
		ret = prepare_read_archive(raw.data, raw.len, path, out, err);
	kh_buf_release(&raw);
	return ret;
}

/*
 * Read @path into c->xz.  When its bytes are the archive of a valid cache
 * entry (the sysfs file, a tar.xz), that is all: the entry was made from
 * these very bytes, so they need not be decoded again.  Otherwise find the
 * archive in them.  Return: 0, or a negative errno value with @err set.
 */
static int read_candidate(struct kh_prepare_source *c, const char *path,
			  struct kh_error *err)
{
	char why[KH_PREPARE_WHY_MAX];
	uint8_t digest[KH_SHA256_LEN];
	struct kh_buf raw;
	int ret;

	kh_buf_init(&raw);
	ret = read_raw(path, &raw, err);
	if (ret)
		goto out_release;
	if (kh_sha256(raw.data, raw.len, digest)) {
		ret = kh_err_sys(err, ENOMEM, "cannot hash '%s'", path);
		goto out_release;
	}
	kh_hex(digest, sizeof(digest), c->m.sha256);
	if (!kh_prepare_entry_check(c->rootfd, c->m.sha256, &c->found, why)) {
		c->valid = true;
		kh_buf_release(&c->xz);
		c->xz = raw;
		return 0;
	}
	kh_buf_setlen(&c->xz, 0);
	ret = prepare_read_archive(raw.data, raw.len,
				   strcmp(path, "-") ? path : "<stdin>",
				   &c->xz, err);
out_release:
	kh_buf_release(&raw);
	return ret;
}

/* ---- sources ------------------------------------------------------------ */


/* 1: found; 0: not there (noted in c->tried); -errno: a hard failure. */
static int try_file(struct kh_prepare_source *c, const char *path,
		    enum kh_prepare_from from)
{
	struct kh_error why;
	struct stat st;
	int ret;

	if (stat(path, &st)) {
		kh_buf_add_item(&c->tried, "; ", "'%s' (%s)", path, strerror(errno));
		return 0;
	}
	ret = read_candidate(c, path, &why);
	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		kh_buf_add_item(&c->tried, "; ", "'%s' (%s)", path, why.code == ENOENT ?
		      "no headers archive in it" : strerror(why.code));
		return 0;
	}
	kh_prepare_marker_source(&c->m, path, from, &st);
	return 1;
}

static void sysfs_path(const struct kh_prepare_source *c, char *buf,
		       size_t size)
{
	snprintf(buf, size, "%s%s", c->root, SYSFS_ARCHIVE);
}

static int try_sysfs(struct kh_prepare_source *c)
{
	char path[4096];

	sysfs_path(c, path, sizeof(path));
	return try_file(c, path, KH_PREPARE_SYSFS);
}

/* Run "@prog [-r] kheaders" quietly; its exit status or -errno. */
static int run_modprobe(const char *prog, bool remove)
{
	char *load[] = { (char *)prog, "-q", "kheaders", NULL };
	char *unload[] = { (char *)prog, "-q", "-r", "kheaders", NULL };

	return kh_run(remove ? unload : load, NULL, NULL, NULL);
}

/* Load the module, read the sysfs file it makes, unload it again. */
static int try_module(struct kh_prepare_source *c)
{
	const char *prog = c->o->modprobe ? c->o->modprobe : "modprobe";
	char path[4096];
	int ret;

	sysfs_path(c, path, sizeof(path));
	if (!access(path, F_OK))
		return c->o->from == KH_PREPARE_MODULE ?
		       try_file(c, path, KH_PREPARE_SYSFS) : 0;
	if (!*prog) {
		kh_buf_add_item(&c->tried, "; ", "loading the kheaders module (disabled)");
		return 0;
	}
	ret = run_modprobe(prog, false);
	if (ret < 0)
		kh_buf_add_item(&c->tried, "; ", "'%s kheaders' (%s)", prog, strerror(-ret));
	else if (ret)
		kh_buf_add_item(&c->tried, "; ", "'%s kheaders' (exit status %d)", prog, ret);
	if (ret)
		return 0;
	ret = try_file(c, path, KH_PREPARE_MODULE);
	if (run_modprobe(prog, true))
		kh_prepare_note(c->o, "loaded the kheaders module but could not unload it again");
	else
		kh_prepare_note(c->o, "loaded the kheaders module and unloaded it again");
	return ret;
}

static int try_image(struct kh_prepare_source *c)
{
	char path[4096];
	struct stat st;
	bool any_module = false;
	size_t i;
	int ret;

	snprintf(path, sizeof(path), "%s/boot/vmlinuz-%s", c->root,
		 c->release);
	ret = try_file(c, path, KH_PREPARE_IMAGE);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/lib/modules/%s/vmlinuz", c->root,
		 c->release);
	ret = try_file(c, path, KH_PREPARE_IMAGE);
	for (i = 0; !ret && i <= KH_COMP_COUNT; i++) {
		if (!module_suffix(i))
			continue;
		snprintf(path, sizeof(path), "%s/lib/modules/%s/%s/kheaders.ko%s",
			 c->root, c->release, MODULE_DIR, module_suffix(i));
		if (stat(path, &st))
			continue;
		any_module = true;
		ret = try_file(c, path, KH_PREPARE_IMAGE);
	}
	if (!ret && !any_module)
		kh_buf_add_item(&c->tried, "; ", "'%s/lib/modules/%s/%s/kheaders.ko' (absent, also compressed)",
		      c->root, c->release, MODULE_DIR);
	return ret;
}

int kh_prepare_source_find(struct kh_prepare_source *c, struct kh_error *err)
{
	const struct kh_prepare_opts *o = c->o;
	struct stat st;
	int ret = 0;

	if (o->from == KH_PREPARE_FILE) {
		if (!o->file)
			return kh_err(err, EINVAL, "no file to prepare from");
		ret = read_candidate(c, o->file, err);
		if (ret)
			return ret;
		kh_prepare_marker_source(&c->m, o->file, KH_PREPARE_FILE,
			      stat(o->file, &st) || !S_ISREG(st.st_mode) ?
			      NULL : &st);
		return 0;
	}
	if (o->from == KH_PREPARE_AUTO || o->from == KH_PREPARE_SYSFS)
		ret = try_sysfs(c);
	if (!ret && (o->from == KH_PREPARE_AUTO ||
		     o->from == KH_PREPARE_MODULE))
		ret = try_module(c);
	if (!ret && (o->from == KH_PREPARE_AUTO ||
		     o->from == KH_PREPARE_IMAGE))
		ret = try_image(c);
	if (ret < 0)
		return kh_err_sys(err, -ret, "cannot read the kernel's headers archive");
	if (!ret)
		return kh_err(err, ENOENT,
			      "no headers archive for kernel %s: tried %.*s",
			      c->release, (int)c->tried.len,
			      (const char *)c->tried.data);
	return 0;
}

/* ---- installed kernels, for gc ----------------------------------------- */

static int installed_add(struct kh_prepare_installed *in, const char *path)
{
	uint8_t digest[KH_SHA256_LEN];
	struct kh_error why;
	struct kh_buf xz;
	int ret;

	kh_buf_init(&xz);
	ret = read_archive_file(path, &xz, &why);
	if (ret) {
		kh_buf_release(&xz);
		return ret == -ENOMEM ? ret : 0;
	}
	ret = kh_sha256(xz.data, xz.len, digest);
	kh_buf_release(&xz);
	if (ret)
		return ret;
	if (ALLOC_GROW(in->sha, in->nr + 1, in->alloc))
		return -ENOMEM;
	kh_hex(digest, sizeof(digest), in->sha[in->nr++]);
	return 0;
}

/* The names in directory @dir (none when it cannot be read). */
static int installed_names(const char *dir, char ***names, size_t *nr)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret;

	*names = NULL;
	*nr = 0;
	if (dfd < 0)
		return 0;
	ret = kh_dir_names(dfd, names, nr);
	close(dfd);
	return ret == -ENOMEM ? ret : 0;
}

static int installed_scan_boot(struct kh_prepare_installed *in)
{
	char dir[4096], path[4400], **names;
	size_t nr, i;
	int ret;

	snprintf(dir, sizeof(dir), "%s/boot", in->src->root);
	ret = installed_names(dir, &names, &nr);
	for (i = 0; !ret && i < nr; i++) {
		if (strncmp(names[i], "vmlinuz-", 8))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		ret = installed_add(in, path);
	}
	kh_dir_names_free(names, nr);
	return ret;
}

static int installed_scan_modules(struct kh_prepare_installed *in)
{
	char dir[4096], path[4400], **names;
	size_t nr, i, j;
	int ret;

	snprintf(dir, sizeof(dir), "%s/lib/modules", in->src->root);
	ret = installed_names(dir, &names, &nr);
	for (i = 0; !ret && i < nr; i++) {
		if (names[i][0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/vmlinuz", dir, names[i]);
		ret = access(path, F_OK) ? 0 : installed_add(in, path);
		for (j = 0; !ret && j <= KH_COMP_COUNT; j++) {
			if (!module_suffix(j))
				continue;
			snprintf(path, sizeof(path), "%s/%s/%s/kheaders.ko%s",
				 dir, names[i], MODULE_DIR, module_suffix(j));
			ret = access(path, F_OK) ? 0 : installed_add(in, path);
		}
	}
	kh_dir_names_free(names, nr);
	return ret;
}

static bool installed_has(const struct kh_prepare_installed *in,
			  const char *sha)
{
	size_t i;

	for (i = 0; i < in->nr; i++)
		if (!strcmp(in->sha[i], sha))
			return true;
	return false;
}

/*
 * The file the entry came from is still there, unchanged (not sysfs: its
 * identity says nothing about the kernel behind it).
 */
static bool source_unchanged(const struct kh_prepare_marker *m)
{
	struct stat st;

	if (!m->have_stat || m->from == KH_PREPARE_SYSFS ||
	    m->from == KH_PREPARE_MODULE || stat(m->source, &st))
		return false;
	return (uint64_t)st.st_dev == m->src_dev &&
	       (uint64_t)st.st_ino == m->src_ino &&
	       (uint64_t)st.st_size == m->src_size &&
	       (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec ==
	       m->src_mtime_ns;
}

int kh_prepare_installed_init(struct kh_prepare_installed *in,
			      const struct kh_prepare_source *src,
			      struct kh_error *err)
{
	char sysfs[4096];
	int ret;

	memset(in, 0, sizeof(*in));
	in->src = src;
	sysfs_path(src, sysfs, sizeof(sysfs));
	ret = access(sysfs, F_OK) ? 0 : installed_add(in, sysfs);
	if (ret)
		return kh_err_sys(err, -ret, "cannot read '%s'", sysfs);
	return 0;
}

void kh_prepare_installed_release(struct kh_prepare_installed *in)
{
	free(in->sha);
	memset(in, 0, sizeof(*in));
}

int kh_prepare_installed_keep(const char *name,
			      const struct kh_prepare_marker *m, void *ctx,
			      struct kh_error *err)
{
	struct kh_prepare_installed *in = ctx;
	int ret = 0;

	if (installed_has(in, name) || source_unchanged(m))
		return 1;
	if (!in->known) {
		in->known = true;
		ret = installed_scan_boot(in);
		if (!ret)
			ret = installed_scan_modules(in);
	}
	if (ret)
		return kh_err_sys(err, -ret, "cannot read the installed kernels");
	return installed_has(in, name);
}
