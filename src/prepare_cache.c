// SPDX-License-Identifier: GPL-2.0
/*
 * prepare_cache.c - the cache of unpacked header trees behind kh_prepare().
 * The root is the caller's own and nothing above it can be changed by
 * another user; an entry is named by its archive's SHA-256, unpacked into
 * a private temporary directory, sealed by a completion marker (written
 * last, recording a manifest of every path, type and size) and renamed
 * into place, so it appears whole or not at all.  Below the root every
 * step goes through directory descriptors with O_NOFOLLOW or
 * AT_SYMLINK_NOFOLLOW: a planted link is seen, never followed, and an
 * entry failing any check is moved aside, never trusted.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "digest.h"
#include "error.h"
#include "prepare.h"

#define WALK_MAX_DEPTH 64
#define WALK_MAX_ENTRIES (4u << 20)
#define OPEN_DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

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

bool kh_prepare_name_valid(const char *name)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((name[i] >= '0' && name[i] <= '9') ||
		      (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	return name[64] == '\0';
}

static bool arch_name_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return false;
	return i > 0 && i < 64;
}

/* ---- marker text -------------------------------------------------------- */

static int parse_u64s(const char *s, uint64_t *v, int n)
{
	unsigned long long x;
	char *end;
	int i;

	for (i = 0; i < n; i++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		errno = 0;
		x = strtoull(s, &end, 10);
		if (errno || (i + 1 < n ? *end != ' ' : *end != '\0'))
			return -EINVAL;
		v[i] = x;
		s = end + 1;
	}
	return 0;
}

static int parse_line(struct kh_prepare_marker *m, char *line,
		      unsigned int *seen, const char **why)
{
	char *val = strchr(line, ' ');
	uint64_t v[4];
	unsigned int bit;
	int i;

	if (!val)
		return *why = "line without a value", -EINVAL;
	*val++ = '\0';
	if (!strcmp(line, "sha256")) {
		bit = 1;
		if (!kh_prepare_name_valid(val))
			return *why = "bad sha256", -EINVAL;
		strcpy(m->sha256, val);
	} else if (!strcmp(line, "manifest")) {
		bit = 2;
		if (strlen(val) < 66 || val[64] != ' ')
			return *why = "bad manifest", -EINVAL;
		val[64] = '\0';
		if (!kh_prepare_name_valid(val) ||
		    parse_u64s(val + 65, v, 2))
			return *why = "bad manifest", -EINVAL;
		strcpy(m->manifest, val);
		m->entries = v[0];
		m->bytes = v[1];
	} else if (!strcmp(line, "arch")) {
		bit = 4;
		if (!arch_name_valid(val))
			return *why = "bad arch", -EINVAL;
		strcpy(m->arch, val);
	} else if (!strcmp(line, "from")) {
		bit = 8;
		for (i = KH_PREPARE_SYSFS; i <= KH_PREPARE_FILE; i++)
			if (!strcmp(val, from_names[i]))
				break;
		if (i > KH_PREPARE_FILE)
			return *why = "bad source kind", -EINVAL;
		m->from = i;
	} else if (!strcmp(line, "source")) {
		bit = 16;
		if (!*val || strlen(val) >= sizeof(m->source))
			return *why = "bad source", -EINVAL;
		strcpy(m->source, val);
	} else if (!strcmp(line, "source-stat")) {
		bit = 32;
		if (parse_u64s(val, v, 4))
			return *why = "bad source-stat", -EINVAL;
		m->have_stat = true;
		m->src_dev = v[0];
		m->src_ino = v[1];
		m->src_size = v[2];
		m->src_mtime_ns = (int64_t)v[3];
	} else {
		return 0;	/* a later version's field */
	}
	if (*seen & bit)
		return *why = "repeated field", -EINVAL;
	*seen |= bit;
	return 0;
}

int kh_prepare_marker_parse(const char *text, size_t len,
			    struct kh_prepare_marker *m, const char **why)
{
	static const char magic[] = KH_PREPARE_MAGIC "\n";
	char line[4200];
	unsigned int seen = 0;
	const char *p, *nl, *end = text + len;
	int ret;

	memset(m, 0, sizeof(*m));
	if (len < sizeof(magic) - 1 || memcmp(text, magic, sizeof(magic) - 1))
		return *why = "not a kheaders marker", -EINVAL;
	if (memchr(text, '\0', len))
		return *why = "NUL byte", -EINVAL;
	for (p = text + sizeof(magic) - 1; p < end; p = nl + 1) {
		nl = memchr(p, '\n', end - p);
		if (!nl)
			return *why = "unterminated line", -EINVAL;
		if ((size_t)(nl - p) >= sizeof(line))
			return *why = "line too long", -EINVAL;
		memcpy(line, p, nl - p);
		line[nl - p] = '\0';
		ret = parse_line(m, line, &seen, why);
		if (ret)
			return ret;
	}
	if ((seen & 3) != 3)
		return *why = "sha256 or manifest missing", -EINVAL;
	return 0;
}

static int buf_addf(struct kh_buf *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int buf_addf(struct kh_buf *out, const char *fmt, ...)
{
	char line[4200];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -EINVAL;
	return kh_buf_append(out, line, n) ? -ENOMEM : 0;
}

int kh_prepare_marker_format(const struct kh_prepare_marker *m,
			     struct kh_buf *out)
{
	char source[sizeof(m->source)];
	size_t i;
	int ret;

	for (i = 0; m->source[i] && i + 1 < sizeof(source); i++)
		source[i] = (unsigned char)m->source[i] < 0x20 ? '?' :
			    m->source[i];
	source[i] = '\0';
	ret = buf_addf(out, "%s\nsha256 %s\nmanifest %s %" PRIu64 " %" PRIu64 "\n",
		       KH_PREPARE_MAGIC, m->sha256, m->manifest, m->entries,
		       m->bytes);
	if (!ret && m->arch[0])
		ret = buf_addf(out, "arch %s\n", m->arch);
	if (!ret && m->from > KH_PREPARE_AUTO && m->from <= KH_PREPARE_FILE)
		ret = buf_addf(out, "from %s\n", from_names[m->from]);
	if (!ret && source[0])
		ret = buf_addf(out, "source %s\n", source);
	if (!ret && m->have_stat)
		ret = buf_addf(out, "source-stat %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
			       m->src_dev, m->src_ino, m->src_size,
			       (uint64_t)m->src_mtime_ns);
	return ret;
}

/* ---- manifest walk ------------------------------------------------------ */

struct walk {
	struct kh_sha256_ctx *sha;
	uid_t uid;
	uint64_t entries, bytes;
	char path[4096];
	char *why;
};

static int damaged(char *why, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int damaged(char *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, KH_PREPARE_WHY_MAX, fmt, ap);
	va_end(ap);
	return -EUCLEAN;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	while (n)
		free(names[--n]);
	free(names);
}

/* The names in the directory open at @dfd, sorted bytewise. */
static int read_names(int dfd, char ***out, size_t *nr)
{
	char **names = NULL, **grown;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	int fd = dup(dfd), ret;
	DIR *d = fd < 0 ? NULL : fdopendir(fd);

	if (!d) {
		ret = -errno;
		if (fd >= 0)
			close(fd);
		return ret;
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			grown = realloc(names, alloc * sizeof(*names));
			if (!grown)
				goto out_nomem;
			names = grown;
		}
		names[n] = strdup(de->d_name);
		if (!names[n])
			goto out_nomem;
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	*out = names;
	*nr = n;
	return 0;
out_nomem:
	closedir(d);
	free_names(names, n);
	return -ENOMEM;
}

static int walk_dir(struct walk *w, int dfd, size_t plen, unsigned int depth);

static int walk_record(struct walk *w, char type, uint64_t size)
{
	char head[32];
	int n = snprintf(head, sizeof(head), "%c %" PRIu64 " ", type, size);

	if (++w->entries > WALK_MAX_ENTRIES)
		return damaged(w->why, "more than %u entries", WALK_MAX_ENTRIES);
	w->bytes += size;
	if (kh_sha256_update(w->sha, head, n) ||
	    kh_sha256_update(w->sha, w->path, strlen(w->path) + 1))
		return -EIO;
	return 0;
}

static int walk_one(struct walk *w, int dfd, const char *name, size_t plen,
		    unsigned int depth)
{
	struct stat st;
	size_t len;
	int sub, ret;

	len = snprintf(w->path + plen, sizeof(w->path) - plen, "%s%s",
		       plen ? "/" : "", name);
	if (plen + len >= sizeof(w->path))
		return damaged(w->why, "path too long under '%.64s'", w->path);
	len += plen;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return damaged(w->why, "'%s' vanished", w->path);
	if (st.st_uid != w->uid)
		return damaged(w->why, "'%s' is owned by uid %u", w->path,
			       (unsigned int)st.st_uid);
	if (!S_ISLNK(st.st_mode) && (st.st_mode & 022))
		return damaged(w->why, "'%s' is writable by group or others",
			       w->path);
	if (S_ISREG(st.st_mode))
		return walk_record(w, 'f', st.st_size);
	if (S_ISLNK(st.st_mode))
		return walk_record(w, 'l', st.st_size);
	if (!S_ISDIR(st.st_mode))
		return damaged(w->why, "'%s' is not a file, directory or link",
			       w->path);
	ret = walk_record(w, 'd', 0);
	if (ret)
		return ret;
	if (depth >= WALK_MAX_DEPTH)
		return damaged(w->why, "'%s' is nested too deeply", w->path);
	sub = openat(dfd, name, OPEN_DIR_FLAGS);
	if (sub < 0)
		return damaged(w->why, "cannot open '%s': %s", w->path,
			       strerror(errno));
	ret = walk_dir(w, sub, len, depth + 1);
	close(sub);
	return ret;
}

static int walk_dir(struct walk *w, int dfd, size_t plen, unsigned int depth)
{
	char **names;
	size_t n, i;
	int ret;

	ret = read_names(dfd, &names, &n);
	if (ret == -ENOMEM)
		return ret;
	if (ret)
		return damaged(w->why, "cannot read '%s': %s",
			       plen ? w->path : ".", strerror(-ret));
	for (i = 0; !ret && i < n; i++) {
		if (!depth && !strcmp(names[i], KH_PREPARE_MARKER))
			continue;
		ret = walk_one(w, dfd, names[i], plen, depth);
		w->path[plen] = '\0';
	}
	free_names(names, n);
	return ret;
}

int kh_prepare_manifest(int dfd, uid_t uid, struct kh_prepare_marker *m,
			char *why)
{
	uint8_t digest[KH_SHA256_LEN];
	struct walk w;
	int ret;

	memset(&w, 0, sizeof(w));
	w.uid = uid;
	w.why = why;
	w.sha = kh_sha256_new();
	if (!w.sha)
		return -ENOMEM;
	ret = walk_dir(&w, dfd, 0, 0);
	if (kh_sha256_final(w.sha, digest) && !ret)
		ret = -EIO;
	if (ret)
		return ret;
	kh_hex(digest, sizeof(digest), m->manifest);
	m->entries = w.entries;
	m->bytes = w.bytes;
	return 0;
}

/* ---- entries ------------------------------------------------------------ */

static int read_marker(int efd, struct kh_prepare_marker *m, char *why)
{
	char text[KH_PREPARE_MARKER_MAX];
	const char *what = NULL;
	struct stat st;
	ssize_t n;
	int fd;

	fd = openat(efd, KH_PREPARE_MARKER,
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return damaged(why, "no completion marker (%s)",
			       strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 022) ||
	    st.st_size >= (off_t)sizeof(text)) {
		close(fd);
		return damaged(why, "completion marker is not a plain file of ours");
	}
	n = read(fd, text, sizeof(text));
	close(fd);
	if (n < 0)
		return damaged(why, "cannot read the completion marker");
	if (kh_prepare_marker_parse(text, n, m, &what))
		return damaged(why, "completion marker damaged (%s)", what);
	return 0;
}

static int check_tree(int efd, const struct kh_prepare_marker *m, char *why)
{
	struct kh_prepare_marker now;
	int ret;

	memset(&now, 0, sizeof(now));
	ret = kh_prepare_manifest(efd, geteuid(), &now, why);
	if (ret)
		return ret;
	if (strcmp(now.manifest, m->manifest))
		return damaged(why, "the tree differs from its manifest (%" PRIu64 " entries, %" PRIu64 " bytes; sealed with %" PRIu64 ", %" PRIu64 ")",
			       now.entries, now.bytes, m->entries, m->bytes);
	return 0;
}

int kh_prepare_entry_check(int rootfd, const char *name,
			   struct kh_prepare_marker *m, char *why)
{
	struct stat st;
	int efd, ret;

	if (fstatat(rootfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (S_ISLNK(st.st_mode))
		return damaged(why, "it is a symbolic link");
	if (!S_ISDIR(st.st_mode))
		return damaged(why, "it is not a directory");
	efd = openat(rootfd, name, OPEN_DIR_FLAGS);
	if (efd < 0)
		return errno == ENOENT ? -ENOENT :
		       damaged(why, "cannot open it: %s", strerror(errno));
	if (fstat(efd, &st)) {
		ret = -errno;
	} else if (st.st_uid != geteuid()) {
		ret = damaged(why, "it is owned by uid %u",
			      (unsigned int)st.st_uid);
	} else if (st.st_mode & 022) {
		ret = damaged(why, "it is writable by group or others");
	} else {
		ret = read_marker(efd, m, why);
		if (!ret && strcmp(m->sha256, name))
			ret = damaged(why, "its marker names another archive");
		if (!ret)
			ret = check_tree(efd, m, why);
	}
	close(efd);
	return ret;
}

/* ---- the root ----------------------------------------------------------- */

static int mkdir_parents(const char *path)
{
	char buf[4096];
	size_t i, len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, i == len ? 0755 : 0700) && errno != EEXIST)
			return -errno;
		buf[i] = path[i];
	}
	return 0;
}

/*
 * Every directory above @path: owned by root or us, and if writable by
 * group or others, sticky (so nobody else can rename our root away).
 */
static int check_ancestors(const char *path, struct kh_error *err)
{
	char buf[4096];
	struct stat st;
	size_t i, len = strlen(path);

	if (len >= sizeof(buf))
		return kh_err(err, ENAMETOOLONG, "cache root '%s' is too long",
			      path);
	memcpy(buf, path, len + 1);
	for (i = len; i-- > 0;) {
		if (buf[i] != '/')
			continue;
		buf[i ? i : 1] = '\0';
		if (stat(buf, &st)) {
			if (errno == ENOENT)
				continue;	/* made by us, checked after */
			return kh_err_sys(err, errno, "cannot check '%s'", buf);
		}
		if (st.st_uid != 0 && st.st_uid != geteuid())
			return kh_err(err, EPERM,
				      "refusing cache root '%s': '%s' above it is owned by uid %u",
				      path, buf, (unsigned int)st.st_uid);
		if ((st.st_mode & 022) && !(st.st_mode & S_ISVTX))
			return kh_err(err, EPERM,
				      "refusing cache root '%s': '%s' above it is writable by group or others",
				      path, buf);
	}
	return 0;
}

int kh_prepare_root_open(const char *path, bool create, struct kh_error *err)
{
	struct stat st;
	int fd, ret;

	if (path[0] != '/')
		return kh_err(err, EINVAL, "cache root '%s' is not absolute",
			      path);
	ret = check_ancestors(path, err);
	if (ret)
		return ret;
	if (create) {
		ret = mkdir_parents(path);
		if (ret)
			return kh_err_sys(err, -ret, "cannot create cache root '%s'",
					  path);
		ret = check_ancestors(path, err);
		if (ret)
			return ret;
	}
	fd = open(path, OPEN_DIR_FLAGS);
	if (fd < 0) {
		ret = errno;
		if (!lstat(path, &st) && S_ISLNK(st.st_mode))
			return kh_err(err, EPERM,
				      "refusing cache root '%s': it is a symbolic link",
				      path);
		return kh_err_sys(err, ret, "cannot open cache root '%s'",
				  path);
	}
	if (fstat(fd, &st)) {
		ret = kh_err_sys(err, errno, "cannot open cache root '%s'",
				 path);
	} else if (st.st_uid != geteuid()) {
		ret = kh_err(err, EPERM,
			     "refusing cache root '%s': it is owned by uid %u, not by uid %u",
			     path, (unsigned int)st.st_uid,
			     (unsigned int)geteuid());
	} else if (st.st_mode & 022) {
		ret = kh_err(err, EPERM,
			     "refusing cache root '%s': it is writable by group or others (mode %04o)",
			     path, (unsigned int)(st.st_mode & 07777));
	} else {
		return fd;
	}
	close(fd);
	return ret;
}

int kh_prepare_lock(int rootfd, struct kh_error *err)
{
	struct stat st;
	int fd;

	fd = openat(rootfd, KH_PREPARE_LOCK,
		    O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return kh_err_sys(err, errno, "cannot open the lock of the cache root");
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 077)) {
		close(fd);
		return kh_err(err, EPERM,
			      "refusing the cache root's lock file: not a private file of ours");
	}
	while (flock(fd, LOCK_EX)) {
		int e = errno;

		if (e == EINTR)
			continue;
		close(fd);
		/*
		 * No locks on this file system, or a kernel built without
		 * FILE_LOCKING (ENOSYS): entries are still made by rename,
		 * so racing callers only repeat work.
		 */
		return e == ENOLCK || e == EOPNOTSUPP || e == ENOSYS ?
		       -ENOLCK : kh_err_sys(err, e, "cannot lock the cache root");
	}
	return fd;
}

/* A fresh private directory PREFIX<random> in the root; its name in @name. */
static int make_private_dir(int rootfd, const char *prefix, char *name,
			    size_t size)
{
	uint8_t rnd[8];
	char hex[17];
	int tries;

	for (tries = 0; tries < 16; tries++) {
		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
			return -EIO;
		kh_hex(rnd, sizeof(rnd), hex);
		snprintf(name, size, "%s%s", prefix, hex);
		if (!mkdirat(rootfd, name, 0700))
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* Delete @name of @dfd and everything below it, never following a link. */
static void remove_tree(int dfd, const char *name, unsigned int depth)
{
	struct stat st;
	char **names;
	size_t n, i;
	int sub;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlinkat(dfd, name, 0);
		return;
	}
	if (depth > WALK_MAX_DEPTH * 2)
		return;
	if (st.st_uid == geteuid() && (st.st_mode & 0700) != 0700)
		fchmodat(dfd, name, 0700, 0);
	sub = openat(dfd, name, OPEN_DIR_FLAGS);
	if (sub >= 0) {
		if (!read_names(sub, &names, &n)) {
			for (i = 0; i < n; i++)
				remove_tree(sub, names[i], depth + 1);
			free_names(names, n);
		}
		close(sub);
	}
	unlinkat(dfd, name, AT_REMOVEDIR);
}

int kh_prepare_entry_remove(int rootfd, const char *rootpath,
			    const char *name, struct kh_error *err)
{
	char trash[64];
	int tfd, ret;

	ret = make_private_dir(rootfd, KH_PREPARE_TRASH, trash, sizeof(trash));
	if (ret)
		return kh_err_sys(err, -ret, "cannot create a directory in '%s'",
				  rootpath);
	tfd = openat(rootfd, trash, OPEN_DIR_FLAGS);
	if (tfd < 0) {
		ret = kh_err_sys(err, errno, "cannot open '%s/%s'", rootpath,
				 trash);
		goto out_rmdir;
	}
	if (renameat(rootfd, name, tfd, "entry"))
		ret = errno == ENOENT ? -ENOENT :
		      kh_err_sys(err, errno, "cannot move '%s/%s' aside",
				 rootpath, name);
	close(tfd);
out_rmdir:
	remove_tree(rootfd, trash, 0);
	return ret;
}

/* The host's kernel architecture name, preferred among several. */
static const char *host_arch(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return "x86";
#elif defined(__aarch64__)
	return "arm64";
#elif defined(__arm__)
	return "arm";
#elif defined(__riscv)
	return "riscv";
#elif defined(__powerpc__)
	return "powerpc";
#elif defined(__s390__)
	return "s390";
#elif defined(__loongarch__)
	return "loongarch";
#elif defined(__mips__)
	return "mips";
#else
	return "";
#endif
}

/* The arch/ directory holding include/: the only one, or the host's. */
static void find_arch(int efd, char *arch, size_t size)
{
	struct stat st;
	char **names, path[320];
	size_t n, i;
	int afd;

	arch[0] = '\0';
	afd = openat(efd, "arch", OPEN_DIR_FLAGS);
	if (afd < 0)
		return;
	if (!read_names(afd, &names, &n)) {
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "%s/include", names[i]);
			if (!arch_name_valid(names[i]) ||
			    fstatat(afd, path, &st, AT_SYMLINK_NOFOLLOW) ||
			    !S_ISDIR(st.st_mode))
				continue;
			if (!arch[0] || !strcmp(names[i], host_arch()))
				snprintf(arch, size, "%s", names[i]);
		}
		free_names(names, n);
	}
	close(afd);
}

static int write_marker(int efd, const struct kh_prepare_marker *m,
			const char *path, struct kh_error *err)
{
	struct kh_buf text;
	int fd, ret;

	kh_buf_init(&text);
	if (kh_prepare_marker_format(m, &text)) {
		ret = kh_err_sys(err, ENOMEM, "cannot seal '%s'", path);
		goto out_release;
	}
	unlinkat(efd, KH_PREPARE_MARKER, 0);
	fd = openat(efd, KH_PREPARE_MARKER, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = kh_err_sys(err, errno, "cannot seal '%s'", path);
		goto out_release;
	}
	ret = 0;
	if (write(fd, text.data, text.len) != (ssize_t)text.len || fsync(fd))
		ret = kh_err_sys(err, errno ? errno : EIO, "cannot seal '%s'",
				 path);
	if (close(fd) && !ret)
		ret = kh_err_sys(err, errno, "cannot seal '%s'", path);
out_release:
	kh_buf_release(&text);
	return ret;
}

/* The one call into the unpacker (its interface is being reshaped). */
static int prepare_unpack(const void *xz, size_t len, const char *dir,
			  const struct kh_unpack_opts *uopts,
			  struct kh_error *err)
{
	return kh_unpack_to_dir(xz, len, dir, uopts, err);
}

static int seal_and_rename(int rootfd, const char *tmp, const char *path,
			   struct kh_prepare_marker *m, struct kh_error *err)
{
	char why[KH_PREPARE_WHY_MAX];
	int efd, ret;

	efd = openat(rootfd, tmp, OPEN_DIR_FLAGS);
	if (efd < 0)
		return kh_err_sys(err, errno, "cannot open '%s'", path);
	find_arch(efd, m->arch, sizeof(m->arch));
	ret = kh_prepare_manifest(efd, geteuid(), m, why);
	if (ret == -EUCLEAN)
		ret = kh_err(err, EUCLEAN, "'%s' after unpacking: %s", path,
			     why);
	else if (ret)
		ret = kh_err_sys(err, -ret, "cannot walk '%s'", path);
	if (!ret)
		ret = write_marker(efd, m, path, err);
	if (!ret && fchmod(efd, 0755))
		ret = kh_err_sys(err, errno, "cannot open up '%s'", path);
	close(efd);
	if (ret)
		return ret;
	if (renameat(rootfd, tmp, rootfd, m->sha256)) {
		if (errno == EEXIST || errno == ENOTEMPTY)
			return -EEXIST;
		if (errno == ENOTDIR || errno == EISDIR)
			return -ENOTDIR;
		return kh_err_sys(err, errno, "cannot rename '%s'", path);
	}
	fsync(rootfd);
	return 0;
}

int kh_prepare_entry_create(int rootfd, const char *rootpath,
			    const void *xz, size_t len,
			    const struct kh_unpack_opts *uopts,
			    struct kh_prepare_marker *m, struct kh_error *err)
{
	char tmp[64], path[4200];
	int ret;

	ret = make_private_dir(rootfd, KH_PREPARE_TMP, tmp, sizeof(tmp));
	if (ret)
		return kh_err_sys(err, -ret, "cannot create a directory in '%s'",
				  rootpath);
	snprintf(path, sizeof(path), "%s/%s", rootpath, tmp);
	ret = prepare_unpack(xz, len, path, uopts, err);
	if (!ret)
		ret = seal_and_rename(rootfd, tmp, path, m, err);
	if (ret)
		remove_tree(rootfd, tmp, 0);
	return ret;
}

void kh_prepare_remove_stale(int rootfd, time_t age)
{
	struct stat st;
	char **names;
	size_t n, i;
	time_t now = time(NULL);

	if (read_names(rootfd, &names, &n))
		return;
	for (i = 0; i < n; i++) {
		if (strncmp(names[i], KH_PREPARE_TMP, strlen(KH_PREPARE_TMP)) &&
		    strncmp(names[i], KH_PREPARE_TRASH,
			    strlen(KH_PREPARE_TRASH)))
			continue;
		if (fstatat(rootfd, names[i], &st, AT_SYMLINK_NOFOLLOW) ||
		    st.st_uid != geteuid() || now - st.st_mtime < age)
			continue;
		remove_tree(rootfd, names[i], 0);
	}
	free_names(names, n);
}
