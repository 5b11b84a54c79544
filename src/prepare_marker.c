// SPDX-License-Identifier: GPL-2.0
/*
 * prepare_marker.c - the seal of a kh_prepare() cache entry: the text of
 * the completion marker (parsed strictly, formatted back), the marker file
 * (read only when it is a plain file that passes kh_dir_trust(), written
 * last and synced), and the manifest: a SHA-256 over every path, type and
 * size of the tree in bytewise order, taken with kh_dir_walk(), which
 * never follows a link.  An entry whose tree no longer matches its
 * manifest is damaged.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "dir.h"
#include "error.h"
#include "prepare_marker.h"

#define MANIFEST_MAX_DEPTH 64
#define MANIFEST_MAX_ENTRIES (4u << 20)
#define MANIFEST_PATH_MAX 4096

void kh_prepare_marker_source(struct kh_prepare_marker *m, const char *path,
			      int from, const struct stat *st)
{
	m->from = from;
	snprintf(m->source, sizeof(m->source), "%s", path);
	m->have_stat = st != NULL;
	if (!st)
		return;
	m->src_dev = st->st_dev;
	m->src_ino = st->st_ino;
	m->src_size = st->st_size;
	m->src_mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 +
			  st->st_mtim.tv_nsec;
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

bool kh_prepare_arch_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return false;
	return i > 0 && i < 64;
}

int kh_prepare_damaged(char *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, KH_PREPARE_WHY_MAX, fmt, ap);
	va_end(ap);
	return -EUCLEAN;
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
		if (!kh_prepare_arch_valid(val))
			return *why = "bad arch", -EINVAL;
		strcpy(m->arch, val);
	} else if (!strcmp(line, "from")) {
		bit = 8;
		for (i = KH_PREPARE_SYSFS; i <= KH_PREPARE_FILE; i++)
			if (!strcmp(val, kh_prepare_from_name(i)))
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
	ret = kh_buf_addf(out, "%s\nsha256 %s\nmanifest %s %" PRIu64 " %" PRIu64 "\n",
		       KH_PREPARE_MAGIC, m->sha256, m->manifest, m->entries,
		       m->bytes);
	if (!ret && m->arch[0])
		ret = kh_buf_addf(out, "arch %s\n", m->arch);
	if (!ret && m->from > KH_PREPARE_AUTO && m->from <= KH_PREPARE_FILE)
		ret = kh_buf_addf(out, "from %s\n", kh_prepare_from_name(m->from));
	if (!ret && source[0])
		ret = kh_buf_addf(out, "source %s\n", source);
	if (!ret && m->have_stat)
		ret = kh_buf_addf(out, "source-stat %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
			       m->src_dev, m->src_ino, m->src_size,
			       (uint64_t)m->src_mtime_ns);
	return ret;
}

/* ---- manifest ------------------------------------------------------------ */

struct manifest {
	struct kh_sha256_ctx *sha;
	uint64_t entries, bytes;
	char *why;
};

static int manifest_record(struct manifest *w, const char *path, char type,
			   uint64_t size)
{
	char head[32];
	int n = snprintf(head, sizeof(head), "%c %" PRIu64 " ", type, size);

	if (++w->entries > MANIFEST_MAX_ENTRIES)
		return kh_prepare_damaged(w->why, "more than %u entries",
					  MANIFEST_MAX_ENTRIES);
	w->bytes += size;
	if (kh_sha256_update(w->sha, head, n) ||
	    kh_sha256_update(w->sha, path, strlen(path) + 1))
		return -EIO;
	return 0;
}

static int manifest_visit(const struct kh_dir_entry *e, void *ctx)
{
	struct manifest *w = ctx;
	const struct stat *st = &e->st;

	if (e->depth == 1 && !strcmp(e->name, KH_PREPARE_MARKER))
		return 0;
	if (strlen(e->path) >= MANIFEST_PATH_MAX)
		return kh_prepare_damaged(w->why, "path too long under '%.64s'",
					  e->path);
	if (st->st_uid != geteuid())
		return kh_prepare_damaged(w->why, "'%s' is owned by uid %u",
					  e->path, (unsigned int)st->st_uid);
	if (!S_ISLNK(st->st_mode) && kh_dir_trust(st) != KH_DIR_TRUSTED)
		return kh_prepare_damaged(w->why,
					  "'%s' is writable by group or others",
					  e->path);
	if (S_ISREG(st->st_mode))
		return manifest_record(w, e->path, 'f', st->st_size);
	if (S_ISLNK(st->st_mode))
		return manifest_record(w, e->path, 'l', st->st_size);
	if (!S_ISDIR(st->st_mode))
		return kh_prepare_damaged(w->why,
					  "'%s' is not a file, directory or link",
					  e->path);
	return manifest_record(w, e->path, 'd', 0);
}

static int manifest_fail(const struct kh_dir_entry *e, enum kh_dir_op op,
			 int code, void *ctx)
{
	struct manifest *w = ctx;

	switch (op) {
	case KH_DIR_STAT:
		return kh_prepare_damaged(w->why, "'%s' vanished", e->path);
	case KH_DIR_OPEN:
		return kh_prepare_damaged(w->why, "cannot open '%s': %s",
					  e->path, strerror(code));
	case KH_DIR_DEEP:
		return kh_prepare_damaged(w->why, "'%s' is nested too deeply",
					  e->path);
	default:
		if (code == ENOMEM)
			return -ENOMEM;
		return kh_prepare_damaged(w->why, "cannot read '%s': %s",
					  *e->path ? e->path : ".",
					  strerror(code));
	}
}

int kh_prepare_manifest(int dfd, struct kh_prepare_marker *m, char *why)
{
	uint8_t digest[KH_SHA256_LEN];
	struct manifest w = { .why = why };
	const struct kh_dir_walk dw = {
		.max_depth = MANIFEST_MAX_DEPTH, .visit = manifest_visit,
		.fail = manifest_fail, .ctx = &w,
	};
	int ret;

	w.sha = kh_sha256_new();
	if (!w.sha)
		return -ENOMEM;
	ret = kh_dir_walk(dfd, &dw);
	if (kh_sha256_final(w.sha, digest) && !ret)
		ret = -EIO;
	if (ret)
		return ret;
	kh_hex(digest, sizeof(digest), m->manifest);
	m->entries = w.entries;
	m->bytes = w.bytes;
	return 0;
}

/* ---- the marker file ---------------------------------------------------- */

int kh_prepare_marker_read(int efd, struct kh_prepare_marker *m, char *why)
{
	char text[KH_PREPARE_MARKER_MAX];
	const char *what = NULL;
	struct stat st;
	ssize_t n;
	int fd;

	fd = openat(efd, KH_PREPARE_MARKER,
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return kh_prepare_damaged(why, "no completion marker (%s)",
			       strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    kh_dir_trust(&st) != KH_DIR_TRUSTED ||
	    st.st_size >= (off_t)sizeof(text)) {
		close(fd);
		return kh_prepare_damaged(why, "completion marker is not a plain file of ours");
	}
	n = read(fd, text, sizeof(text));
	close(fd);
	if (n < 0)
		return kh_prepare_damaged(why, "cannot read the completion marker");
	if (kh_prepare_marker_parse(text, n, m, &what))
		return kh_prepare_damaged(why, "completion marker damaged (%s)", what);
	return 0;
}

int kh_prepare_manifest_check(int efd, const struct kh_prepare_marker *m,
			      char *why)
{
	struct kh_prepare_marker now;
	int ret;

	memset(&now, 0, sizeof(now));
	ret = kh_prepare_manifest(efd, &now, why);
	if (ret)
		return ret;
	if (strcmp(now.manifest, m->manifest))
		return kh_prepare_damaged(why, "the tree differs from its manifest (%" PRIu64 " entries, %" PRIu64 " bytes; sealed with %" PRIu64 ", %" PRIu64 ")",
			       now.entries, now.bytes, m->entries, m->bytes);
	return 0;
}

int kh_prepare_marker_write(int efd, const struct kh_prepare_marker *m,
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
