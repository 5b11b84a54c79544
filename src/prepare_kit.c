// SPDX-License-Identifier: GPL-2.0
/*
 * prepare_kit.c - kh_prepare_modules(): a module kit for the kernel whose
 * archive prepare finds.  The archive's headers entry first (prepare.c),
 * then a kit entry of its own in the same cache root, named by a digest of
 * everything it is made from (the archive, the kernel image, the modules
 * read, the host compiler), so a second call with the same inputs is a
 * cache hit and a changed input makes a new kit.  A kit is the archive
 * unpacked again, with its host programs built from its own sources
 * (hostprogs.c), Module.symvers from the image (symvers.c) and a record
 * of what it was made from, sealed like a headers entry.
 */
#include <errno.h>
#include <fcntl.h>
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
#include "hostprogs.h"
#include "kident.h"
#include "kit.h"
#include "path.h"
#include "prepare.h"
#include "prepare_cache.h"
#include "run.h"
#include "util.h"

#define KIT_RECORD	".kheaders-kit"
#define KIT_MAGIC	"kheaders-kit 1"
#define IMAGE_MAX	((size_t)4 << 30)
#define SMALL_MAX	((size_t)1 << 20)
#define MODULES_DEPTH	32


/* Everything one call works with. */
struct kit {
	const struct kh_prepare_opts *o;
	const struct kh_prepare_modules_opts *mo;
	struct kh_prepare_result headers;
	struct kh_prepare_source src;
	struct kh_kit_config cfg;
	char release[KH_KIDENT_RELEASE_MAX];
	char *image;			/* the image's path, or NULL */
	bool image_installed;		/* found under /boot or /lib/modules */
	char *modules;			/* the modules read, or NULL */
	struct kh_buf image_data;
	struct kh_buf key;		/* the text the kit's name digests */
	struct kh_symvers sv;
	struct stat image_st;
	const char *hostcc;
	char hostcc_version[256];
};

void kh_prepare_modules_opts_init(struct kh_prepare_modules_opts *mo)
{
	memset(mo, 0, sizeof(*mo));
}

void kh_prepare_modules_result_init(struct kh_prepare_modules_result *res)
{
	memset(res, 0, sizeof(*res));
}

void kh_prepare_modules_result_release(struct kh_prepare_modules_result *res)
{
	free(res->dir);
	free(res->headers);
	free(res->release);
	free(res->arch);
	free(res->image);
	free(res->cc_version_text);
	kh_prepare_modules_result_init(res);
}

/* ---- the archive --------------------------------------------------------- */

/*
 * The headers entry holds the kit (the files kit.c requires of one), or
 * the one line that says it cannot.
 */
static int check_kit(const struct kit *k, struct kh_error *err)
{
	const struct kh_kit_root *r;
	struct stat st;
	size_t i;

	for (i = 0; i < kh_kit_nr_roots; i++) {
		char *p;
		int ret;

		r = &kh_kit_roots[i];
		if (!(r->flags & KH_KIT_REQUIRED) || r->dir)
			continue;
		p = kh_path_join(k->headers.dir, r->path);
		ret = p ? lstat(p, &st) : -1;
		free(p);
		if (!ret && S_ISREG(st.st_mode))
			continue;
		return kh_err(err, ENOEXEC,
			      "the archive from '%s' has headers only (no '%s'): it cannot build modules; a kernel built with CONFIG_IKHEADERS_MODULES=y (or 'kheaders build --profile modules') serves one that can",
			      k->headers.source, r->path);
	}
	return 0;
}

/* The release the archive's utsrelease.h defines, or the one line. */
static int archive_release(struct kit *k, struct kh_error *err)
{
	static const char def[] = "#define UTS_RELEASE \"";
	struct kh_buf b;
	const char *p, *q;
	char *path;
	int ret;

	path = kh_path_join(k->headers.dir, "include/generated/utsrelease.h");
	if (!path)
		return kh_err_sys(err, ENOMEM, "cannot prepare");
	kh_buf_init(&b);
	ret = kh_read_file(path, SMALL_MAX, &b, err);
	p = ret ? NULL : strstr(kh_buf_str(&b), def);
	q = p ? strchr(p + strlen(def), '"') : NULL;
	if (!ret && (!q || q - p - strlen(def) >= sizeof(k->release) ||
		     q == p + strlen(def)))
		ret = kh_err_at(err, EINVAL, path, "'%s': no UTS_RELEASE",
				path);
	if (!ret)
		snprintf(k->release, sizeof(k->release), "%.*s",
			 (int)(q - p - strlen(def)), p + strlen(def));
	kh_buf_release(&b);
	free(path);
	return ret;
}

/* ---- the compilers ------------------------------------------------------- */

/* The first line of "@prog --version" into @line; -ENOENT if missing. */
static int compiler_version(const char *prog, char *line, size_t size)
{
	char *argv[] = { (char *)prog, "--version", NULL };
	struct kh_buf out;
	int ret;

	kh_buf_init(&out);
	ret = kh_run(argv, NULL, NULL, &out);
	if (!ret)
		snprintf(line, size, "%.*s",
			 (int)strcspn(kh_buf_str(&out), "\n"), kh_buf_str(&out));
	else if (ret > 0)
		ret = -ENOEXEC;
	kh_buf_release(&out);
	return ret;
}

static bool is_clang(const char *version)
{
	return strstr(version, "clang version") != NULL;
}

/* "Clang, LTO, CFI" or "GCC": the kernel's compiler, for messages. */
static void kernel_kind(const struct kh_kit_config *cfg, char *out, size_t n)
{
	snprintf(out, n, "%s%s%s", cfg->clang ? "Clang" : "GCC",
		 cfg->lto ? ", LTO" : "", cfg->cfi ? ", CFI" : "");
}

/*
 * The compiler modules will be built with must be of the kernel's kind: a
 * GCC-built module in a Clang CFI kernel loads, then traps at its first
 * indirect call; GCC plugins and flags differ the other way round.
 */
static int check_cc(const struct kit *k, struct kh_error *err)
{
	const struct kh_prepare_modules_opts *mo = k->mo;
	char cc[512], version[256], kind[64];
	int ret;

	if (mo->cc)
		snprintf(cc, sizeof(cc), "%s", mo->cc);
	else if (k->cfg.clang)
		snprintf(cc, sizeof(cc), "clang");
	else
		snprintf(cc, sizeof(cc), "%sgcc",
			 mo->cross_compile ? mo->cross_compile : "");
	kernel_kind(&k->cfg, kind, sizeof(kind));
	if (k->cfg.gcc_plugin[0])
		return kh_err(err, ENOTSUP,
			      "the kernel's modules are built with a GCC plugin (%s) that must come from the very GCC that built it ('%s'): a kit cannot build it; build modules in the kernel's build tree",
			      k->cfg.gcc_plugin, k->cfg.cc_version_text);
	ret = compiler_version(cc, version, sizeof(version));
	if (ret == -ENOENT)
		return kh_err(err, ENOENT,
			      "the kernel was built by '%s' (%s) and '%s' is not installed: modules must be built by the same kind of compiler",
			      k->cfg.cc_version_text, kind, cc);
	if (ret)
		return kh_err(err, -ret == ENOEXEC ? EINVAL : -ret,
			      "cannot tell which compiler '%s' is ('%s --version' failed)",
			      cc, cc);
	if (is_clang(version) != k->cfg.clang)
		return kh_err(err, EINVAL,
			      "'%s' is %s ('%s') but the kernel was built by '%s' (%s): a module must be built by the kernel's kind of compiler%s",
			      cc, is_clang(version) ? "Clang" : "GCC", version,
			      k->cfg.cc_version_text, kind,
			      k->cfg.clang ? " (clang, and make LLVM=1)" : "");
	return 0;
}

/* ---- the image ----------------------------------------------------------- */

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/*
 * Whether the archive's source is itself the kernel image (a boot file,
 * a vmlinux), not a module, the archive itself or standard input.
 */
static bool source_is_image(const struct kit *k)
{
	const char *s = k->headers.source;

	if (k->headers.from != KH_PREPARE_FILE &&
	    k->headers.from != KH_PREPARE_IMAGE)
		return false;
	return !kh_comp_module_stem(s) && !has_suffix(s, ".tar.xz") &&
	       !has_suffix(s, ".txz") && strcmp(s, "-");
}

/* The installed image of the archive's release, or NULL. */
static char *installed_image(const struct kit *k)
{
	const char *root = k->o->root ? k->o->root : "";
	const char *const where[] = { "boot/vmlinuz-", "lib/modules/" };
	const char *const tail[] = { "", "/vmlinuz" };
	struct stat st;
	char *p;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(where); i++) {
		if (asprintf(&p, "%s/%s%s%s", root, where[i], k->release,
			     tail[i]) < 0)
			return NULL;
		if (!stat(p, &st) && S_ISREG(st.st_mode))
			return p;
		free(p);
	}
	return NULL;
}

/* @root/lib/modules/R for the archive's release, when it is there. */
static char *installed_modules(const struct kit *k)
{
	struct stat st;
	char *p;

	if (asprintf(&p, "%s/lib/modules/%s", k->o->root ? k->o->root : "",
		     k->release) < 0)
		return NULL;
	if (!stat(p, &st) && S_ISDIR(st.st_mode))
		return p;
	free(p);
	return NULL;
}

/* Which image and which modules: the caller's, the source, or installed. */
static int choose_inputs(struct kit *k, struct kh_error *err)
{
	const struct kh_prepare_modules_opts *mo = k->mo;
	const char *image = mo->kernel_image;

	if (!image && source_is_image(k)) {
		image = k->headers.source;
		/* prepare's own boot-file source: the installed kernel */
		k->image_installed = k->headers.from == KH_PREPARE_IMAGE;
	}
	if (image) {
		k->image = strdup(image);
		if (!k->image)
			return kh_err_sys(err, ENOMEM, "cannot prepare");
	} else if ((k->image = installed_image(k))) {
		k->image_installed = true;
	}
	if (mo->modules && *mo->modules)
		k->modules = strdup(mo->modules);
	else if (!mo->modules && k->image_installed)
		k->modules = installed_modules(k);
	return 0;
}

/* Read the image and digest it into the key. */
static int read_image(struct kit *k, struct kh_error *err)
{
	uint8_t digest[KH_SHA256_LEN];
	char hex[65];
	int ret;

	ret = kh_read_file(k->image, IMAGE_MAX, &k->image_data, err);
	if (!ret && stat(k->image, &k->image_st))
		ret = kh_err_sys_at(err, errno, k->image, "cannot read '%s'",
				    k->image);
	if (!ret && kh_sha256(k->image_data.data, k->image_data.len, digest))
		ret = kh_err_sys(err, ENOMEM, "cannot hash '%s'", k->image);
	if (ret)
		return ret;
	kh_hex(digest, sizeof(digest), hex);
	return kh_buf_addf(&k->key, "image %s\n", hex) ? -ENOMEM : 0;
}

static int modules_visit(const struct kh_dir_entry *e, void *ctx)
{
	struct kh_buf *b = ctx;

	if (!S_ISREG(e->st.st_mode))
		return 0;
	return kh_buf_addf(b, "%s %lld %lld.%09ld\n", e->path,
			   (long long)e->st.st_size,
			   (long long)e->st.st_mtim.tv_sec,
			   e->st.st_mtim.tv_nsec) ? -ENOMEM : 0;
}

/*
 * The modules' names, sizes and times into the key: a module added,
 * removed or rebuilt (dkms) makes another kit, without reading them all.
 */
static int digest_modules(struct kit *k, struct kh_error *err)
{
	struct kh_dir_walk w = { MODULES_DEPTH, modules_visit, NULL, NULL };
	uint8_t digest[KH_SHA256_LEN];
	struct kh_buf list;
	struct stat st;
	char hex[65];
	int fd, ret;

	if (!k->modules)
		return kh_buf_addstr(&k->key, "modules none\n") ? -ENOMEM : 0;
	kh_buf_init(&list);
	fd = open(k->modules, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kh_err_sys_at(err, errno, k->modules, "cannot open '%s'",
				     k->modules);
	w.ctx = &list;
	if (fstat(fd, &st))
		ret = -errno;
	else if (S_ISDIR(st.st_mode))
		ret = kh_dir_walk(fd, &w);
	else
		ret = kh_buf_addf(&list, "%lld %lld.%09ld\n",
				  (long long)st.st_size,
				  (long long)st.st_mtim.tv_sec,
				  st.st_mtim.tv_nsec) ? -ENOMEM : 0;
	close(fd);
	if (!ret && kh_sha256(list.data, list.len, digest))
		ret = -ENOMEM;
	if (!ret) {
		kh_hex(digest, sizeof(digest), hex);
		ret = kh_buf_addf(&k->key, "modules %s %s\n", k->modules, hex) ?
		      -ENOMEM : 0;
	}
	kh_buf_release(&list);
	if (ret)
		return kh_err_sys_at(err, -ret, k->modules, "cannot read '%s'",
				     k->modules);
	return 0;
}

/* The running kernel's build ID (/sys/kernel/notes), "" when unknown. */
static void running_build_id(const struct kit *k, char *hex)
{
	char path[4096];
	struct kh_buf b;
	struct kh_error err;

	hex[0] = '\0';
	snprintf(path, sizeof(path), "%s/sys/kernel/notes",
		 k->o->root ? k->o->root : "");
	kh_buf_init(&b);
	if (!kh_read_file(path, SMALL_MAX, &b, &err))
		kh_kident_notes(b.data, b.len, hex);
	kh_buf_release(&b);
}

/*
 * Module.symvers's entries from the image (and modules), once the image
 * is known to be the archive's kernel.
 */
static int read_exports(struct kit *k, struct kh_error *err)
{
	struct kh_extract_opts in;
	char build_id[KH_KIDENT_BUILD_ID_MAX];
	bool running;

	memset(&in, 0, sizeof(in));
	in.name = k->image;
	in.data = k->image_data.data;
	in.len = k->image_data.len;
	if (kh_symvers_add_image(&k->sv, &in, err))
		return -err->code;
	if (!k->sv.release[0])
		return kh_err_at(err, EINVAL, k->image,
				 "'%s': no kernel banner: cannot tell whether it is the archive's kernel %s",
				 k->image, k->release);
	if (strcmp(k->sv.release, k->release))
		return kh_err_at(err, EINVAL, k->image,
				 "'%s' is kernel %s, the archive's kernel is %s: not the same kernel",
				 k->image, k->sv.release, k->release);
	running = k->headers.from == KH_PREPARE_SYSFS ||
		  k->headers.from == KH_PREPARE_MODULE;
	if (running)
		running_build_id(k, build_id);
	if (running && build_id[0] && k->sv.build_id[0] &&
	    strcmp(build_id, k->sv.build_id))
		return kh_err_at(err, EINVAL, k->image,
				 "'%s' has build ID %s, the running kernel %s: not the same build of %s",
				 k->image, k->sv.build_id, build_id, k->release);
	if (k->modules && kh_symvers_add_modules(&k->sv, k->modules, NULL, err))
		return -err->code;
	kh_symvers_sort(&k->sv);
	return 0;
}

/* ---- the kit entry ------------------------------------------------------- */

/* Write @data as @name into the kit being made at @dir. */
static int write_kit_file(const char *dir, const char *name,
			  const struct kh_buf *data, struct kh_error *err)
{
	char *path = kh_path_join(dir, name);
	int ret;

	if (!path)
		return kh_err_sys(err, ENOMEM, "cannot write '%s/%s'", dir, name);
	ret = kh_write_file_atomic(path, data->data, data->len, err);
	free(path);
	return ret;
}

/* The record of what the kit was made from (KIT_RECORD). */
static int format_record(const struct kit *k, struct kh_buf *out)
{
	return kh_buf_addf(out,
			   "%s\nrelease %s\narch %s\ncc_version_text %s\nclang %d\nlto %d\ncfi %d\nhostcc %s\nimage %s\nimage_build_id %s\nsymbols %zu\nmodule_files %zu\n%s",
			   KIT_MAGIC, k->release, k->headers.arch ? k->headers.arch : "",
			   k->cfg.cc_version_text, k->cfg.clang, k->cfg.lto,
			   k->cfg.cfi, k->hostcc_version, k->image ? k->image : "",
			   k->sv.build_id, k->sv.nr, k->sv.modules,
			   kh_buf_str(&k->key)) ? -ENOMEM : 0;
}

static int close_up_visit(const struct kh_dir_entry *e, void *ctx)
{
	(void)ctx;
	if (S_ISLNK(e->st.st_mode) || !(e->st.st_mode & 022))
		return 0;
	if (fchmodat(e->dfd, e->name, e->st.st_mode & 07755, 0))
		return -errno;
	return 0;
}

/*
 * The compiler, make and kh_write_file_atomic() create files under the
 * caller's umask; a sealed
 * entry is writable by its owner alone (kh_dir_trust()), so take group
 * and other write permission away from what they made.
 */
static int close_up(int efd, const char *path, struct kh_error *err)
{
	struct kh_dir_walk w = { MODULES_DEPTH, close_up_visit, NULL, NULL };
	int ret = kh_dir_walk(efd, &w);

	if (ret)
		return kh_err_sys(err, -ret, "cannot set the modes of '%s'", path);
	return 0;
}

/* The kit's contents beside the unpacked archive, before the seal. */
static int fill_kit(int efd, const char *path, void *ctx, struct kh_error *err)
{
	struct kit *k = ctx;
	struct kh_hostprogs_opts ho = {
		k->hostcc, k->headers.arch ? k->headers.arch : "", &k->cfg
	};
	struct kh_buf b;
	int ret;

	ret = kh_hostprogs_build(path, &ho, err);
	kh_buf_init(&b);
	if (!ret && k->image) {
		ret = kh_symvers_format(&k->sv, &b) ?
		      kh_err_sys(err, ENOMEM, "cannot prepare") :
		      write_kit_file(path, "Module.symvers", &b, err);
		kh_buf_setlen(&b, 0);
	}
	if (!ret)
		ret = format_record(k, &b) ?
		      kh_err_sys(err, ENOMEM, "cannot prepare") :
		      write_kit_file(path, KIT_RECORD, &b, err);
	if (!ret)
		ret = close_up(efd, path, err);
	kh_buf_release(&b);
	return ret;
}

/* The kit's name: the SHA-256 of its key. */
static int kit_name(const struct kit *k, char *hex)
{
	uint8_t digest[KH_SHA256_LEN];

	if (kh_sha256(k->key.data, k->key.len, digest))
		return -ENOMEM;
	kh_hex(digest, sizeof(digest), hex);
	return 0;
}

/*
 * The marker: named by the key, "from" the image (gc keeps the kit while
 * the image is unchanged), else from the archive's source.
 */
static int kit_marker(const struct kit *k, struct kh_prepare_marker *m)
{
	*m = k->src.m;
	if (k->image)
		kh_prepare_marker_source(m, k->image, KH_PREPARE_FILE,
					 &k->image_st);
	return kit_name(k, m->sha256);
}

/* The key: the archive, the image, the modules, the host compiler. */
static int make_key(struct kit *k, struct kh_error *err)
{
	int ret;

	ret = compiler_version(k->hostcc, k->hostcc_version,
			       sizeof(k->hostcc_version));
	if (ret == -ENOENT)
		return kh_err(err, ENOENT,
			      "cannot build the kit's host programs: '%s' not found (Debian: gcc)",
			      k->hostcc);
	if (ret)
		return kh_err(err, EINVAL, "cannot tell which compiler '%s' is",
			      k->hostcc);
	if (kh_buf_addf(&k->key, "%s\narchive %s\nhostcc %s: %s\n", KIT_MAGIC,
			k->headers.sha256, k->hostcc, k->hostcc_version))
		return kh_err_sys(err, ENOMEM, "cannot prepare");
	ret = k->image ? read_image(k, err) :
	      kh_buf_addstr(&k->key, "image none\n") ? -ENOMEM : 0;
	if (ret == -ENOMEM)
		return kh_err_sys(err, ENOMEM, "cannot prepare");
	if (!ret)
		ret = digest_modules(k, err);
	return ret;
}

static int fill_result(const struct kit *k, const char *rootpath,
		       const struct kh_prepare_marker *m,
		       const struct kh_prepare_made *made,
		       struct kh_prepare_modules_result *res)
{
	memcpy(res->sha256, m->sha256, sizeof(res->sha256));
	memcpy(res->archive_sha256, k->headers.sha256,
	       sizeof(res->archive_sha256));
	res->dir = kh_path_join(rootpath, m->sha256);
	res->headers = strdup(k->headers.dir);
	res->release = strdup(k->release);
	res->arch = strdup(k->headers.arch ? k->headers.arch : "");
	res->image = k->image ? strdup(k->image) : NULL;
	res->cc_version_text = strdup(k->cfg.cc_version_text);
	res->modules = k->sv.modules;
	res->symbols = k->sv.nr;
	res->clang = k->cfg.clang;
	res->lto = k->cfg.lto;
	res->cfi = k->cfg.cfi;
	res->unpacked = made->unpacked;
	res->replaced = made->replaced;
	if (!res->dir || !res->headers || !res->release || !res->arch ||
	    (k->image && !res->image) || !res->cc_version_text)
		return -ENOMEM;
	return 0;
}

/* A count the record of a kit made earlier holds ("symbols N"), or 0. */
static size_t record_count(const char *record, const char *key)
{
	size_t n = strlen(key);
	const char *line;

	for (line = record; *line; line = *line ? line + 1 : line) {
		if (!strncmp(line, key, n) && line[n] == ' ')
			return strtoul(line + n + 1, NULL, 10);
		line = strchrnul(line, '\n');
	}
	return 0;
}

/* What a reused kit was made with, from its record. */
static void read_record(struct kh_prepare_modules_result *res)
{
	struct kh_buf b;
	struct kh_error err;
	char *path = kh_path_join(res->dir, KIT_RECORD);

	kh_buf_init(&b);
	if (path && !kh_read_file(path, SMALL_MAX, &b, &err)) {
		res->symbols = record_count(kh_buf_str(&b), "symbols");
		res->modules = record_count(kh_buf_str(&b), "module_files");
	}
	kh_buf_release(&b);
	free(path);
}

/*
 * Make or find the kit entry: the exports (and the same-kernel check) are
 * only read when the kit must be made.
 */
static int make_kit(struct kit *k, int rootfd, const char *rootpath,
		    struct kh_prepare_modules_result *res, struct kh_error *err)
{
	struct kh_prepare_fill fill = { fill_kit, k };
	char why[KH_PREPARE_WHY_MAX];
	struct kh_prepare_marker m, found;
	struct kh_prepare_made made;
	int ret;

	memset(&made, 0, sizeof(made));
	if (kit_marker(k, &m))
		return kh_err_sys(err, ENOMEM, "cannot prepare");
	ret = kh_prepare_entry_check(rootfd, m.sha256, &found, why);
	if (ret) {
		if (k->image) {
			ret = read_exports(k, err);
			if (ret)
				return ret;
		}
		ret = kh_prepare_entry_make(k->o, rootfd, rootpath,
					    &k->src.xz, &fill, &m, &made, err);
		if (ret)
			return ret;
	}
	if (fill_result(k, rootpath, &m, &made, res))
		return kh_err_sys(err, ENOMEM, "cannot prepare");
	if (!made.unpacked)
		read_record(res);
	return 0;
}

static void kit_release(struct kit *k)
{
	kh_prepare_result_release(&k->headers);
	kh_prepare_source_release(&k->src);
	kh_buf_release(&k->image_data);
	kh_buf_release(&k->key);
	kh_symvers_release(&k->sv);
	free(k->image);
	free(k->modules);
}

int kh_prepare_modules(const struct kh_prepare_opts *opts,
		       const struct kh_prepare_modules_opts *mo,
		       struct kh_prepare_modules_result *res,
		       struct kh_error *err)
{
	struct kh_prepare_modules_opts mo_defaults;
	struct kh_prepare_opts defaults;
	struct kit k;
	char *rootpath;
	int rootfd, ret;

	memset(&k, 0, sizeof(k));
	k.o = kh_prepare_opts_or_defaults(opts, &defaults);
	if (!mo) {
		kh_prepare_modules_opts_init(&mo_defaults);
		mo = &mo_defaults;
	}
	k.mo = mo;
	k.hostcc = mo->hostcc ? mo->hostcc : "cc";
	kh_prepare_result_init(&k.headers);
	kh_buf_init(&k.image_data);
	kh_buf_init(&k.key);
	kh_symvers_init(&k.sv);
	rootfd = kh_prepare_cache_open(k.o, true, &rootpath, err);
	if (rootfd < 0)
		return rootfd;
	ret = kh_prepare_headers(k.o, rootfd, rootpath, &k.src, &k.headers, err);
	if (!ret)
		ret = check_kit(&k, err);
	if (!ret)
		ret = kh_kit_config_read(k.headers.dir, &k.cfg, err);
	if (!ret)
		ret = archive_release(&k, err);
	if (!ret)
		ret = check_cc(&k, err);
	if (!ret)
		ret = choose_inputs(&k, err);
	if (!ret)
		ret = make_key(&k, err);
	if (!ret)
		ret = make_kit(&k, rootfd, rootpath, res, err);
	if (ret)
		kh_prepare_modules_result_release(res);
	kit_release(&k);
	close(rootfd);
	free(rootpath);
	return ret;
}
