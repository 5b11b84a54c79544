// SPDX-License-Identifier: GPL-2.0
/*
 * prepare.c - kh_prepare(): the running kernel's headers for a tracer in
 * one call.  Finds the archive (the sysfs file; the module, loaded and
 * unloaded again; the boot image or the module file on disk; or a file
 * named by the caller), then hands it to the cache (prepare_cache.c),
 * which unpacks it once per archive content; kh_prepare_gc() drops what no
 * installed kernel has any more.  Replaces "tar xf" into a shared
 * temporary directory (bcc's CVE-2024-2314).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "digest.h"
#include "error.h"
#include "util.h"
#include "prepare.h"

#define SYSFS_ARCHIVE "/sys/kernel/kheaders.tar.xz"
#define MODULE_DIR "kernel/kernel"
#define MAX_ATTEMPTS 4
#define STALE_AGE (24 * 60 * 60)
#define INPUT_MAX ((size_t)4 << 30)

extern char **environ;

static const char *const module_files[] = {
	"kheaders.ko", "kheaders.ko.xz", "kheaders.ko.zst", "kheaders.ko.gz",
};

struct prepare_ctx {
	const struct kh_prepare_opts *o;
	const char *root;		/* "" for "/" */
	char release[256];
	struct kh_buf tried;		/* what was tried, for the error */
	struct kh_buf xz;		/* the archive found */
	struct kh_prepare_marker m;	/* source fields for the marker */
	int rootfd;			/* the cache root */
	bool valid;			/* m.sha256 names a valid entry... */
	struct kh_prepare_marker found;	/* ...sealed with this marker */
};

void kh_prepare_opts_init(struct kh_prepare_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->from = KH_PREPARE_AUTO;
}

void kh_prepare_result_init(struct kh_prepare_result *res)
{
	memset(res, 0, sizeof(*res));
}

void kh_prepare_result_release(struct kh_prepare_result *res)
{
	size_t i;

	free(res->dir);
	free(res->arch);
	free(res->source);
	for (i = 0; i < res->nr_flags; i++)
		free(res->flags[i]);
	free(res->flags);
	kh_prepare_result_init(res);
}

static void note(const struct kh_prepare_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(const struct kh_prepare_opts *o, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!o->note)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kh_one_line(msg, sizeof(msg));
	o->note(o->note_ctx, msg);
}

static void tried(struct prepare_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void tried(struct prepare_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kh_buf_vadd_item(&c->tried, "; ", fmt, ap);
	va_end(ap);
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
static int read_candidate(struct prepare_ctx *c, const char *path,
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

/* Remember where the archive came from, for the marker and for gc. */
static void record_source(struct prepare_ctx *c, const char *path,
			  enum kh_prepare_from from, const struct stat *st)
{
	c->m.from = from;
	snprintf(c->m.source, sizeof(c->m.source), "%s", path);
	c->m.have_stat = st != NULL;
	if (!st)
		return;
	c->m.src_dev = st->st_dev;
	c->m.src_ino = st->st_ino;
	c->m.src_size = st->st_size;
	c->m.src_mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 +
			    st->st_mtim.tv_nsec;
}

/* 1: found; 0: not there (noted in c->tried); -errno: a hard failure. */
static int try_file(struct prepare_ctx *c, const char *path,
		    enum kh_prepare_from from)
{
	struct kh_error why;
	struct stat st;
	int ret;

	if (stat(path, &st)) {
		tried(c, "'%s' (%s)", path, strerror(errno));
		return 0;
	}
	ret = read_candidate(c, path, &why);
	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		tried(c, "'%s' (%s)", path, why.code == ENOENT ?
		      "no headers archive in it" : strerror(why.code));
		return 0;
	}
	record_source(c, path, from, &st);
	return 1;
}

static void sysfs_path(const struct prepare_ctx *c, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s", c->root, SYSFS_ARCHIVE);
}

static int try_sysfs(struct prepare_ctx *c)
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
	char **argv = remove ? unload : load;
	posix_spawn_file_actions_t fa;
	int status, ret;
	pid_t pid;

	if (posix_spawn_file_actions_init(&fa))
		return -ENOMEM;
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	ret = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (ret)
		return -ret;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* Load the module, read the sysfs file it makes, unload it again. */
static int try_module(struct prepare_ctx *c)
{
	const char *prog = c->o->modprobe ? c->o->modprobe : "modprobe";
	char path[4096];
	int ret;

	sysfs_path(c, path, sizeof(path));
	if (!access(path, F_OK))
		return c->o->from == KH_PREPARE_MODULE ?
		       try_file(c, path, KH_PREPARE_SYSFS) : 0;
	if (!*prog) {
		tried(c, "loading the kheaders module (disabled)");
		return 0;
	}
	ret = run_modprobe(prog, false);
	if (ret < 0)
		tried(c, "'%s kheaders' (%s)", prog, strerror(-ret));
	else if (ret)
		tried(c, "'%s kheaders' (exit status %d)", prog, ret);
	if (ret)
		return 0;
	ret = try_file(c, path, KH_PREPARE_MODULE);
	if (run_modprobe(prog, true))
		note(c->o, "loaded the kheaders module but could not unload it again");
	else
		note(c->o, "loaded the kheaders module and unloaded it again");
	return ret;
}

static int try_image(struct prepare_ctx *c)
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
	for (i = 0; !ret && i < ARRAY_SIZE(module_files);
	     i++) {
		snprintf(path, sizeof(path), "%s/lib/modules/%s/%s/%s",
			 c->root, c->release, MODULE_DIR, module_files[i]);
		if (stat(path, &st))
			continue;
		any_module = true;
		ret = try_file(c, path, KH_PREPARE_IMAGE);
	}
	if (!ret && !any_module)
		tried(c, "'%s/lib/modules/%s/%s/kheaders.ko' (absent, also compressed)",
		      c->root, c->release, MODULE_DIR);
	return ret;
}

static int find_archive(struct prepare_ctx *c, struct kh_error *err)
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
		record_source(c, o->file, KH_PREPARE_FILE,
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

/* ---- where ------------------------------------------------------------- */

static char *join(const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *s = malloc(la + lb + lc + 1);

	if (s) {
		memcpy(s, a, la);
		memcpy(s + la, b, lb);
		memcpy(s + la + lb, c, lc + 1);
	}
	return s;
}

/*
 * @dir + "/" + @rel (when @rel is relative) with "." and ".." resolved
 * lexically, as the printed directory should read; malloc'd or NULL.
 */
static char *abs_path(const char *dir, const char *rel)
{
	char *in = rel[0] == '/' ? strdup(rel) : join(dir, "/", rel);
	char *out = in ? malloc(strlen(in) + 2) : NULL;
	char *tok, *save = NULL, *s;
	size_t len = 0;

	if (!out) {
		free(in);
		return NULL;
	}
	for (s = in; (tok = strtok_r(s, "/", &save)); s = NULL) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			while (len && out[--len] != '/')
				;
			continue;
		}
		len += sprintf(out + len, "/%s", tok);
	}
	if (!len)
		out[len++] = '/';
	out[len] = '\0';
	free(in);
	return out;
}

/* The cache root as an absolute path (malloc'd) or NULL with @err set. */
static char *cache_root(const struct kh_prepare_opts *o, struct kh_error *err)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	struct passwd *pw;
	char cwd[4096] = "";

	if (o->cache_dir) {
		if (o->cache_dir[0] != '/' && !getcwd(cwd, sizeof(cwd))) {
			kh_err_sys(err, errno, "cannot resolve cache root '%s'",
				   o->cache_dir);
			return NULL;
		}
		return abs_path(cwd, o->cache_dir);
	}
	if (geteuid() == 0)
		return strdup("/var/cache/kheaders");
	if (xdg && xdg[0] == '/')
		return abs_path(xdg, "kheaders");
	if (!home || home[0] != '/') {
		pw = getpwuid(geteuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (!home || home[0] != '/') {
		kh_err(err, ENOENT, "no cache root: HOME is not set; use a cache directory");
		return NULL;
	}
	return join(home, "/.cache/", "kheaders");
}

static int ctx_init(struct prepare_ctx *c, const struct kh_prepare_opts *o,
		    struct kh_error *err)
{
	struct utsname u;

	memset(c, 0, sizeof(*c));
	c->o = o;
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

static void ctx_release(struct prepare_ctx *c)
{
	kh_buf_release(&c->tried);
	kh_buf_release(&c->xz);
}

/* ---- the entry ---------------------------------------------------------- */

/*
 * Make the entry valid: reuse it, or (under the root's lock) move a
 * damaged one aside and unpack; a rename lost to another caller's entry
 * is followed by a check of the winner.
 */
static int make_entry(struct prepare_ctx *c, int rootfd, const char *rootpath,
		      struct kh_prepare_result *res, struct kh_error *err)
{
	char why[KH_PREPARE_WHY_MAX];
	struct kh_prepare_marker found;
	int ret, lock = -1, attempt;

	for (attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
		ret = kh_prepare_entry_check(rootfd, c->m.sha256, &found, why);
		if (!ret)
			break;
		if (ret != -ENOENT && ret != -EUCLEAN) {
			ret = kh_err_sys(err, -ret, "cannot check cache entry '%s/%s'",
					 rootpath, c->m.sha256);
			break;
		}
		if (lock < 0 && attempt == 0) {
			lock = kh_prepare_lock(rootfd, err);
			if (lock < 0 && lock != -ENOLCK)
				return lock;
			continue;	/* check again under the lock */
		}
		if (ret == -EUCLEAN) {
			note(c->o, "replacing damaged cache entry '%s/%s': %s",
			     rootpath, c->m.sha256, why);
			ret = kh_prepare_entry_remove(rootfd, rootpath,
						      c->m.sha256, err);
			if (ret && ret != -ENOENT)
				break;
			res->replaced = true;
		}
		ret = kh_prepare_entry_create(rootfd, rootpath, c->xz.data,
					      c->xz.len, &c->o->unpack, &c->m,
					      err);
		if (!ret) {
			res->unpacked = true;
			found = c->m;
			break;
		}
		if (ret != -EEXIST && ret != -ENOTDIR)
			break;
		if (ret == -EEXIST)
			note(c->o, "unpacked '%s/%s' in vain: another caller's tree won the rename",
			     rootpath, c->m.sha256);
	}
	if (lock >= 0)
		close(lock);
	if (ret == -ENOENT || ret == -EUCLEAN)
		ret = kh_err(err, EAGAIN, "cannot settle cache entry '%s/%s': %s",
			     rootpath, c->m.sha256,
			     ret == -EUCLEAN ? why : "it keeps changing");
	else if (ret == -EEXIST || ret == -ENOTDIR)
		ret = kh_err(err, EAGAIN, "cannot settle cache entry '%s/%s'",
			     rootpath, c->m.sha256);
	if (!ret && found.arch[0])
		res->arch = strdup(found.arch);
	return ret;
}

static int add_flag(struct kh_prepare_result *res, const char *a,
		    const char *b, const char *c)
{
	char **grown = realloc(res->flags,
			       (res->nr_flags + 2) * sizeof(*res->flags));

	if (!grown)
		return -ENOMEM;
	res->flags = grown;
	grown[res->nr_flags] = join(a, b, c);
	if (!grown[res->nr_flags])
		return -ENOMEM;
	grown[++res->nr_flags] = NULL;
	return 0;
}

/* bcc's order: -include kconfig.h, -D__KERNEL__, arch, generated, uapi. */
static int make_flags(struct kh_prepare_result *res)
{
	static const struct {
		bool arch;
		const char *dir;
	} dirs[] = {
		{ true, "include" }, { true, "include/generated" },
		{ false, "include" }, { true, "include/uapi" },
		{ true, "include/generated/uapi" }, { false, "include/uapi" },
		{ false, "include/generated/uapi" },
	};
	char base[4400];
	size_t i;
	int ret;

	ret = add_flag(res, "-include", "", "");
	if (!ret)
		ret = add_flag(res, res->dir, "/include/linux/kconfig.h", "");
	if (!ret)
		ret = add_flag(res, "-D__KERNEL__", "", "");
	for (i = 0; !ret && i < ARRAY_SIZE(dirs); i++) {
		if (dirs[i].arch && !res->arch)
			continue;
		snprintf(base, sizeof(base), "-I%s/%s%s%s", res->dir,
			 dirs[i].arch ? "arch/" : "",
			 dirs[i].arch ? res->arch : "",
			 dirs[i].arch ? "/" : "");
		ret = add_flag(res, base, dirs[i].dir, "");
	}
	return ret;
}

static const struct kh_prepare_opts *
opts_or_defaults(const struct kh_prepare_opts *opts,
		 struct kh_prepare_opts *defaults)
{
	if (opts)
		return opts;
	kh_prepare_opts_init(defaults);
	return defaults;
}

/*
 * Open (creating it when @create) and check the cache root @opts names;
 * *@rootpath (the caller frees it) is set when a descriptor is returned.
 */
static int open_cache_root(const struct kh_prepare_opts *opts, bool create,
			   char **rootpath, struct kh_error *err)
{
	int fd;

	*rootpath = cache_root(opts, err);
	if (!*rootpath)
		return -(err->code ? err->code : ENOMEM);
	fd = kh_prepare_root_open(*rootpath, create, err);
	if (fd < 0) {
		free(*rootpath);
		*rootpath = NULL;
	}
	return fd;
}

int kh_prepare(const struct kh_prepare_opts *opts,
	       struct kh_prepare_result *res, struct kh_error *err)
{
	struct kh_prepare_opts defaults;
	uint8_t digest[KH_SHA256_LEN];
	struct prepare_ctx c;
	char *rootpath;
	int rootfd, ret;

	opts = opts_or_defaults(opts, &defaults);
	rootfd = open_cache_root(opts, true, &rootpath, err);
	if (rootfd < 0)
		return rootfd;
	ret = ctx_init(&c, opts, err);
	c.rootfd = rootfd;
	if (!ret)
		ret = find_archive(&c, err);
	if (!ret && c.valid && c.found.arch[0])
		res->arch = strdup(c.found.arch);
	if (!ret && !c.valid && kh_sha256(c.xz.data, c.xz.len, digest))
		ret = kh_err_sys(err, ENOMEM, "cannot hash the archive");
	if (!ret && !c.valid) {
		kh_hex(digest, sizeof(digest), c.m.sha256);
		ret = make_entry(&c, rootfd, rootpath, res, err);
	}
	if (!ret) {
		memcpy(res->sha256, c.m.sha256, sizeof(res->sha256));
		res->from = c.m.from;
		res->source = strdup(c.m.source);
		res->dir = join(rootpath, "/", c.m.sha256);
		if (!res->source || !res->dir || make_flags(res))
			ret = kh_err_sys(err, ENOMEM, "cannot prepare");
	}
	if (ret)
		kh_prepare_result_release(res);
	ctx_release(&c);
	close(rootfd);
	free(rootpath);
	return ret;
}

/* ---- gc ----------------------------------------------------------------- */

struct installed {
	char (*sha)[65];
	size_t nr;
	bool known;		/* every installed kernel has been read */
};

static int installed_add(struct installed *in, const char *path)
{
	uint8_t digest[KH_SHA256_LEN];
	struct kh_error why;
	struct kh_buf xz;
	char (*grown)[65];
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
	grown = realloc(in->sha, (in->nr + 1) * sizeof(*in->sha));
	if (!grown)
		return -ENOMEM;
	in->sha = grown;
	kh_hex(digest, sizeof(digest), in->sha[in->nr++]);
	return 0;
}

/* The archives of every kernel under /boot and /lib/modules. */
static int installed_scan(struct prepare_ctx *c, struct installed *in)
{
	char dir[4096], path[4400];
	struct dirent *de;
	size_t i;
	DIR *d;
	int ret = 0;

	in->known = true;
	snprintf(dir, sizeof(dir), "%s/boot", c->root);
	d = opendir(dir);
	while (d && !ret && (de = readdir(d))) {
		if (strncmp(de->d_name, "vmlinuz-", 8))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		ret = installed_add(in, path);
	}
	if (d)
		closedir(d);
	snprintf(dir, sizeof(dir), "%s/lib/modules", c->root);
	d = opendir(dir);
	while (d && !ret && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/vmlinuz", dir, de->d_name);
		ret = access(path, F_OK) ? 0 : installed_add(in, path);
		for (i = 0; !ret && i < sizeof(module_files) /
			    sizeof(*module_files); i++) {
			snprintf(path, sizeof(path), "%s/%s/%s/%s", dir,
				 de->d_name, MODULE_DIR, module_files[i]);
			ret = access(path, F_OK) ? 0 : installed_add(in, path);
		}
	}
	if (d)
		closedir(d);
	return ret;
}

static bool installed_has(const struct installed *in, const char *sha)
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

static int gc_entry(struct prepare_ctx *c, int rootfd, const char *rootpath,
		    const char *name, struct installed *in,
		    struct kh_prepare_gc_result *res, struct kh_error *err)
{
	char why[KH_PREPARE_WHY_MAX];
	struct kh_prepare_marker m;
	int ret;

	if (!kh_prepare_name_valid(name)) {
		res->foreign++;
		return 0;
	}
	ret = kh_prepare_entry_check(rootfd, name, &m, why);
	if (ret == -ENOENT)
		return 0;
	if (ret == -EUCLEAN) {
		note(c->o, "leaving '%s/%s' alone: %s", rootpath, name, why);
		res->foreign++;
		return 0;
	}
	if (ret)
		return kh_err_sys(err, -ret, "cannot check '%s/%s'", rootpath,
				  name);
	if (installed_has(in, name) || source_unchanged(&m)) {
		res->kept++;
		return 0;
	}
	ret = in->known ? 0 : installed_scan(c, in);
	if (ret)
		return kh_err_sys(err, -ret, "cannot read the installed kernels");
	if (installed_has(in, name)) {
		res->kept++;
		return 0;
	}
	ret = kh_prepare_entry_remove(rootfd, rootpath, name, err);
	if (ret && ret != -ENOENT)
		return ret;
	note(c->o, "removed '%s/%s' (from '%s'; no installed kernel has it)",
	     rootpath, name, m.source);
	res->removed++;
	return 0;
}

static int gc_root(struct prepare_ctx *c, int rootfd, const char *rootpath,
		   struct kh_prepare_gc_result *res, struct kh_error *err)
{
	struct installed in = { NULL, 0, false };
	char sysfs[4096];
	struct dirent *de;
	DIR *d;
	int fd, ret = 0;

	sysfs_path(c, sysfs, sizeof(sysfs));
	ret = access(sysfs, F_OK) ? 0 : installed_add(&in, sysfs);
	if (ret)
		return kh_err_sys(err, -ret, "cannot read '%s'", sysfs);
	fd = dup(rootfd);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		free(in.sha);
		return kh_err_sys(err, errno, "cannot read '%s'", rootpath);
	}
	rewinddir(d);
	while (!ret && (de = readdir(d)))
		if (de->d_name[0] != '.')
			ret = gc_entry(c, rootfd, rootpath, de->d_name, &in,
				       res, err);
	closedir(d);
	free(in.sha);
	return ret;
}

int kh_prepare_gc(const struct kh_prepare_opts *opts,
		  struct kh_prepare_gc_result *res, struct kh_error *err)
{
	struct kh_prepare_opts defaults;
	struct prepare_ctx c;
	char *rootpath;
	int rootfd, lock, ret;

	memset(res, 0, sizeof(*res));
	opts = opts_or_defaults(opts, &defaults);
	rootfd = open_cache_root(opts, false, &rootpath, err);
	if (rootfd == -ENOENT)
		return 0;	/* no cache yet: nothing to collect */
	if (rootfd < 0)
		return rootfd;
	ret = ctx_init(&c, opts, err);
	lock = ret ? -1 : kh_prepare_lock(rootfd, err);
	if (!ret && lock < 0 && lock != -ENOLCK)
		ret = lock;
	if (!ret) {
		kh_prepare_remove_stale(rootfd, STALE_AGE);
		ret = gc_root(&c, rootfd, rootpath, res, err);
	}
	if (lock >= 0)
		close(lock);
	ctx_release(&c);
	close(rootfd);
	free(rootpath);
	return ret;
}
