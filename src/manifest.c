// SPDX-License-Identifier: GPL-2.0
/*
 * manifest.c - writing and checking the input manifest of manifest.h, as
 * text: a version line, "settings", "cwd", "snapshot", then one line per
 * output ("out") and per input ("in"), the path last.  An input is
 * recorded with lstat(2) ('l'), and a symlink also with stat(2) ('f'); a
 * path that does not exist is recorded as absent ('-').  Times are kept
 * to the nanosecond, like git's index.
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

#include "error.h"
#include "manifest.h"

#define MANIFEST_MAGIC "kheaders-manifest 1"
#define MANIFEST_MAX (256U << 20)

/* The fields of a stat that must not move. */
struct mstat {
	char kind;		/* 'l', 'f', '-' */
	uint64_t dev, ino, size, mode;
	int64_t msec, mnsec, csec, cnsec;
};

static void mstat_from(struct mstat *m, char kind, const struct stat *st)
{
	m->kind = kind;
	m->dev = st->st_dev;
	m->ino = st->st_ino;
	m->size = st->st_size;
	m->mode = st->st_mode;
	m->msec = st->st_mtim.tv_sec;
	m->mnsec = st->st_mtim.tv_nsec;
	m->csec = st->st_ctim.tv_sec;
	m->cnsec = st->st_ctim.tv_nsec;
}

/* lstat ('l') or stat ('f') of @path; absent ('-') if it does not exist. */
static int mstat_take(struct mstat *m, const char *path, char kind)
{
	struct stat st;
	int r = kind == 'f' ? stat(path, &st) : lstat(path, &st);

	memset(m, 0, sizeof(*m));
	if (r < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			return -errno;
		m->kind = '-';
		return 0;
	}
	mstat_from(m, kind, &st);
	return 0;
}

static bool mstat_equal(const struct mstat *a, const struct mstat *b)
{
	return a->kind == b->kind && a->dev == b->dev && a->ino == b->ino &&
	       a->size == b->size && a->mode == b->mode &&
	       a->msec == b->msec && a->mnsec == b->mnsec &&
	       a->csec == b->csec && a->cnsec == b->cnsec;
}

/*
 * Changed at or after the snapshot: maybe after it was read.  A time with
 * no nanoseconds may come from a coarse filesystem: count it as the end of
 * its second.
 */
static bool racy_time(int64_t sec, int64_t nsec, const struct timespec *snap)
{
	if (!nsec)
		nsec = 999999999;
	return sec > snap->tv_sec ||
	       (sec == snap->tv_sec && nsec >= snap->tv_nsec);
}

static bool mstat_racy(const struct mstat *m, const struct timespec *snap)
{
	return m->kind != '-' && (racy_time(m->msec, m->mnsec, snap) ||
				  racy_time(m->csec, m->cnsec, snap));
}

static int emit(struct kh_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int emit(struct kh_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || kh_buf_reserve(b, n + 1))
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, n + 1, fmt, ap);
	va_end(ap);
	kh_buf_setlen(b, b->len + n);
	return 0;
}

static int emit_stat(struct kh_buf *b, const char *tag, const struct mstat *m,
		     const char *path)
{
	if (strchr(path, '\n'))
		return -EINVAL;
	return emit(b, "%s %c %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIo64
		    " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %s\n",
		    tag, m->kind, m->dev, m->ino, m->size, m->mode, m->msec,
		    m->mnsec, m->csec, m->cnsec, path);
}

static int emit_path(struct kh_buf *b, const char *tag, const char *path)
{
	struct mstat m;
	int ret = mstat_take(&m, path, 'l');

	if (!ret)
		ret = emit_stat(b, tag, &m, path);
	if (!ret && m.kind == 'l' && S_ISLNK(m.mode)) {
		ret = mstat_take(&m, path, 'f');
		if (!ret)
			ret = emit_stat(b, tag, &m, path);
	}
	return ret;
}

static int emit_head(struct kh_buf *b, const char *settings,
		     const struct timespec *snapshot)
{
	char *cwd = getcwd(NULL, 0);
	int ret;

	if (!cwd)
		return -errno;
	if (strchr(settings, '\n') || strchr(cwd, '\n'))
		ret = -EINVAL;
	else
		ret = emit(b, MANIFEST_MAGIC "\nsettings %s\ncwd %s\nsnapshot %lld %ld\n",
			   settings, cwd, (long long)snapshot->tv_sec,
			   snapshot->tv_nsec);
	free(cwd);
	return ret;
}

int kh_manifest_write(const char *path, const char *settings,
		      const struct timespec *snapshot,
		      char *const *inputs, size_t nr_inputs,
		      const char *const *outputs, const ino_t *out_inodes,
		      size_t nr_outputs, struct kh_error *err)
{
	struct kh_buf b;
	struct stat st;
	size_t i;
	int ret;

	kh_buf_init(&b);
	ret = emit_head(&b, settings, snapshot);
	for (i = 0; i < nr_outputs && !ret; i++) {
		if (out_inodes && (lstat(outputs[i], &st) < 0 ||
				   st.st_ino != out_inodes[i])) {
			kh_buf_release(&b);
			return kh_err_at(err, EAGAIN, outputs[i],
				      "'%s' was replaced by another build",
				      outputs[i]);
		}
		ret = emit_path(&b, "out", outputs[i]);
	}
	for (i = 0; i < nr_inputs && !ret; i++)
		ret = emit_path(&b, "in", inputs[i]);
	if (ret)
		ret = kh_err_sys_at(err, -ret, path,
				    "cannot record the inputs in '%s'",
				 path);
	else
		ret = kh_write_file_atomic(path, b.data, b.len, err);
	kh_buf_release(&b);
	return ret;
}

struct reader {
	char *line, *next;
	char *why;
	size_t why_size;
};

static bool stale(struct reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool stale(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->why, r->why_size, fmt, ap);
	va_end(ap);
	return false;
}

static char *next_line(struct reader *r)
{
	char *line = r->next;

	if (!line || !*line)
		return NULL;
	r->next = strchrnul(line, '\n');
	if (*r->next)
		*r->next++ = '\0';
	return line;
}

/* Parse "TAG KIND DEV INO SIZE MODE MS MNS CS CNS PATH". */
static const char *parse_stat(char *line, const char *tag, struct mstat *m)
{
	size_t tl = strlen(tag);
	int n = -1;

	if (strncmp(line, tag, tl) || line[tl] != ' ')
		return NULL;
	if (sscanf(line + tl, " %c %" SCNu64 " %" SCNu64 " %" SCNu64 " %"
		   SCNo64 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %n",
		   &m->kind, &m->dev, &m->ino, &m->size, &m->mode, &m->msec,
		   &m->mnsec, &m->csec, &m->cnsec, &n) != 9 || n < 0)
		return NULL;
	return line + tl + n;
}

static bool check_head(struct reader *r, const char *settings,
		       struct timespec *snap)
{
	char *line, *cwd;
	long long sec;
	long nsec;
	bool same;

	line = next_line(r);
	if (!line || strcmp(line, MANIFEST_MAGIC))
		return stale(r, "the manifest has another format");
	line = next_line(r);
	if (!line || strncmp(line, "settings ", 9) || strcmp(line + 9, settings))
		return stale(r, "the options, encoder or versions changed");
	line = next_line(r);
	cwd = getcwd(NULL, 0);
	same = line && cwd && !strncmp(line, "cwd ", 4) &&
	       !strcmp(line + 4, cwd);
	free(cwd);
	if (!same)
		return stale(r, "called from another directory");
	line = next_line(r);
	if (!line || sscanf(line, "snapshot %lld %ld", &sec, &nsec) != 2)
		return stale(r, "the manifest is damaged");
	snap->tv_sec = sec;
	snap->tv_nsec = nsec;
	return true;
}

/* One recorded stat line against the file system now. */
static bool check_one(struct reader *r, const char *tag, const char *want,
		      const struct timespec *snap, bool *followed)
{
	struct mstat rec, now;
	const char *path;
	char *line = next_line(r);

	if (!line || !(path = parse_stat(line, tag, &rec)))
		return stale(r, "the manifest is damaged");
	if (want && strcmp(path, want))
		return stale(r, "the outputs changed");
	if (mstat_take(&now, path, rec.kind == 'f' ? 'f' : 'l'))
		return stale(r, "cannot stat '%s'", path);
	if (rec.kind == '-' && now.kind != '-')
		return stale(r, "'%s' appeared", path);
	if (!mstat_equal(&rec, &now))
		return stale(r, "'%s' changed", path);
	if (!strcmp(tag, "in") && mstat_racy(&rec, snap))
		return stale(r, "'%s' changed too close to the last build to be sure",
			     path);
	*followed = rec.kind == 'l' && S_ISLNK(rec.mode);
	return true;
}

bool kh_manifest_fresh(const char *path, const char *settings,
		       const char *const *outputs, size_t nr_outputs,
		       char *why, size_t why_size)
{
	struct reader r = { .why = why, .why_size = why_size };
	struct timespec snap;
	struct kh_error err;
	struct kh_buf b;
	bool ok, link = false;
	size_t i;

	kh_buf_init(&b);
	if (kh_read_file(path, MANIFEST_MAX, &b, &err) ||
	    kh_buf_append(&b, "", 1)) {
		kh_buf_release(&b);
		return stale(&r, "no manifest from an earlier build");
	}
	r.next = (char *)b.data;
	ok = check_head(&r, settings, &snap);
	for (i = 0; ok && i < nr_outputs; i++) {
		ok = check_one(&r, "out", outputs[i], &snap, &link);
		if (ok && link)
			ok = check_one(&r, "out", outputs[i], &snap, &link);
	}
	while (ok && r.next && *r.next) {
		ok = check_one(&r, "in", NULL, &snap, &link);
		if (ok && link)
			ok = check_one(&r, "in", NULL, &snap, &link);
	}
	kh_buf_release(&b);
	return ok;
}
