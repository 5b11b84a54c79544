// SPDX-License-Identifier: GPL-2.0
/*
 * listing.c - walking a header set entry by entry: the members of a tar.xz
 * held in memory (read with libarchive, contents decompressed only when
 * asked for) or the files under an unpacked directory tree (in bytewise
 * name order, links never followed), both seen as struct kh_entry.  Also
 * the quoting of entry names for text and JSON output.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "error.h"
#include "listing.h"

#define LISTING_CHUNK	65536
#define LISTING_DEPTH	256

static const char *const type_names[] = {
	[KH_ENTRY_FILE] = "file",
	[KH_ENTRY_DIR] = "dir",
	[KH_ENTRY_SYMLINK] = "symlink",
	[KH_ENTRY_HARDLINK] = "hardlink",
	[KH_ENTRY_CHAR] = "char",
	[KH_ENTRY_BLOCK] = "block",
	[KH_ENTRY_FIFO] = "fifo",
	[KH_ENTRY_SOCKET] = "socket",
};

const char *kh_entry_type_name(enum kh_entry_type type)
{
	if ((unsigned int)type >= sizeof(type_names) / sizeof(type_names[0]))
		return "unknown";
	return type_names[type];
}

/* ---- archives ---------------------------------------------------------- */

static int listing_ar_error(struct archive *ar, const char *name,
			    struct kh_error *err)
{
	const char *msg = archive_error_string(ar);
	int code = archive_errno(ar) == ENOMEM ? ENOMEM : EINVAL;

	return kh_err(err, code, "'%s': corrupt or truncated archive: %s",
		      name, msg ? msg : "unknown error");
}

static enum kh_entry_type listing_ar_type(struct archive_entry *ae)
{
	if (archive_entry_hardlink(ae))
		return KH_ENTRY_HARDLINK;
	switch (archive_entry_filetype(ae)) {
	case AE_IFDIR:
		return KH_ENTRY_DIR;
	case AE_IFLNK:
		return KH_ENTRY_SYMLINK;
	case AE_IFCHR:
		return KH_ENTRY_CHAR;
	case AE_IFBLK:
		return KH_ENTRY_BLOCK;
	case AE_IFIFO:
		return KH_ENTRY_FIFO;
	case AE_IFSOCK:
		return KH_ENTRY_SOCKET;
	default:
		return KH_ENTRY_FILE;
	}
}

static const char *listing_ar_name(struct archive_entry *ae)
{
	const char *s = archive_entry_pathname(ae);

	return s ? s : archive_entry_pathname_utf8(ae);
}

static const char *listing_ar_link(struct archive_entry *ae,
				   enum kh_entry_type type)
{
	if (type == KH_ENTRY_HARDLINK)
		return archive_entry_hardlink(ae);
	if (type == KH_ENTRY_SYMLINK) {
		const char *s = archive_entry_symlink(ae);

		return s ? s : "";
	}
	return NULL;
}

static void listing_ar_entry(struct archive_entry *ae, struct kh_entry *e)
{
	e->type = listing_ar_type(ae);
	e->mode = archive_entry_perm(ae) & 07777;
	e->uid = archive_entry_uid(ae);
	e->gid = archive_entry_gid(ae);
	e->size = e->type == KH_ENTRY_FILE ? archive_entry_size(ae) : 0;
	e->mtime = archive_entry_mtime(ae);
	e->link = listing_ar_link(ae, e->type);
}

static struct archive *listing_ar_open(const void *xz, size_t len,
				       const char *name, struct kh_error *err)
{
	struct archive *ar = archive_read_new();

	if (!ar) {
		kh_err_sys(err, ENOMEM, "cannot read '%s'", name);
		return NULL;
	}
	if (archive_read_support_filter_xz(ar) != ARCHIVE_OK ||
	    archive_read_support_format_tar(ar) != ARCHIVE_OK ||
	    archive_read_open_memory(ar, xz, len) != ARCHIVE_OK) {
		listing_ar_error(ar, name, err);
		archive_read_free(ar);
		return NULL;
	}
	return ar;
}

int kh_archive_foreach(const void *xz, size_t len, const char *name,
		       int (*fn)(const struct kh_entry *e, void *ctx),
		       void *ctx, struct kh_error *err)
{
	struct kh_entry_src src = { .label = name };
	struct archive_entry *ae;
	struct kh_entry e;
	int ret, r;

	src.ar = listing_ar_open(xz, len, name, err);
	if (!src.ar)
		return -(err ? err->code : EINVAL);
	for (;;) {
		r = archive_read_next_header(src.ar, &ae);
		if (r == ARCHIVE_EOF) {
			ret = 0;
			break;
		}
		if (r < ARCHIVE_WARN) {
			ret = listing_ar_error(src.ar, name, err);
			break;
		}
		memset(&e, 0, sizeof(e));
		e.name = listing_ar_name(ae);
		if (!e.name) {
			ret = kh_err(err, EINVAL, "'%s': entry without a name",
				     name);
			break;
		}
		listing_ar_entry(ae, &e);
		e.src = &src;
		ret = fn(&e, ctx);
		if (ret)
			break;
	}
	archive_read_free(src.ar);
	return ret;
}

static int listing_ar_stream(const struct kh_entry *e,
			     int (*fn)(const void *data, size_t len, void *ctx),
			     void *ctx, struct kh_error *err)
{
	char *chunk;
	la_ssize_t n;
	int ret = 0;

	chunk = malloc(LISTING_CHUNK);
	if (!chunk)
		return kh_err_sys(err, ENOMEM, "'%s': cannot read '%s'",
				  e->src->label, e->name);
	while ((n = archive_read_data(e->src->ar, chunk, LISTING_CHUNK)) > 0) {
		ret = fn(chunk, n, ctx);
		if (ret)
			break;
	}
	if (n < 0)
		ret = kh_err(err, EINVAL, "'%s': cannot read '%s': %s",
			     e->src->label, e->name,
			     archive_error_string(e->src->ar));
	free(chunk);
	return ret;
}

/* ---- directories ------------------------------------------------------- */

struct listing_walk {
	int (*fn)(const struct kh_entry *e, void *ctx);
	void *ctx;
	struct kh_error *err;
	struct kh_buf path;	/* full path of the current entry */
	size_t top;		/* length of the top directory's path */
	struct kh_buf name;	/* "./" + relative path */
	struct kh_buf link;
};

static enum kh_entry_type listing_st_type(mode_t mode)
{
	if (S_ISDIR(mode))
		return KH_ENTRY_DIR;
	if (S_ISLNK(mode))
		return KH_ENTRY_SYMLINK;
	if (S_ISCHR(mode))
		return KH_ENTRY_CHAR;
	if (S_ISBLK(mode))
		return KH_ENTRY_BLOCK;
	if (S_ISFIFO(mode))
		return KH_ENTRY_FIFO;
	if (S_ISSOCK(mode))
		return KH_ENTRY_SOCKET;
	return KH_ENTRY_FILE;
}

static int listing_readlink(struct listing_walk *w, const char *path,
			    const struct stat *st)
{
	size_t want = st->st_size > 0 ? (size_t)st->st_size + 1 : 256;
	ssize_t n;

	for (;;) {
		w->link.len = 0;
		if (kh_buf_reserve(&w->link, want + 1))
			return kh_err_sys(w->err, ENOMEM, "cannot read '%s'",
					  path);
		n = readlink(path, (char *)w->link.data, want);
		if (n < 0)
			return kh_err_sys(w->err, errno,
					  "cannot read link '%s'", path);
		if ((size_t)n < want)
			break;
		want *= 2;
	}
	w->link.data[n] = 0;
	return 0;
}

static int listing_dir_entry(struct listing_walk *w, const struct stat *st,
			     struct kh_entry_src *src)
{
	const char *path = (const char *)w->path.data;
	struct kh_entry e;
	int ret;

	memset(&e, 0, sizeof(e));
	e.name = (const char *)w->name.data;
	e.type = listing_st_type(st->st_mode);
	e.mode = st->st_mode & 07777;
	e.uid = st->st_uid;
	e.gid = st->st_gid;
	e.size = e.type == KH_ENTRY_FILE ? (int64_t)st->st_size : 0;
	e.mtime = st->st_mtim.tv_sec;
	if (e.type == KH_ENTRY_SYMLINK) {
		ret = listing_readlink(w, path, st);
		if (ret)
			return ret;
		e.link = (const char *)w->link.data;
	}
	src->ar = NULL;
	src->path = path;
	src->label = path;
	e.src = src;
	return w->fn(&e, w->ctx);
}

static int listing_cmp_dirent(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int listing_skip_dots(const struct dirent *d)
{
	return strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
}

static int listing_walk_dir(struct listing_walk *w, int depth);

/* Append "/@leaf" to both paths, visit, and cut them back. */
static int listing_walk_child(struct listing_walk *w, const char *leaf,
			      int depth)
{
	size_t plen = w->path.len, nlen = w->name.len;
	struct kh_entry_src src;
	struct stat st;
	int ret;

	if (kh_text_printf(&w->path, "/%s", leaf) ||
	    kh_text_printf(&w->name, "%s", leaf))
		return kh_err_sys(w->err, ENOMEM, "cannot walk '%s'",
				  (const char *)w->path.data);
	if (lstat((const char *)w->path.data, &st) < 0) {
		ret = kh_err_sys(w->err, errno, "cannot stat '%s'",
				 (const char *)w->path.data);
		goto out_cut;
	}
	if (S_ISDIR(st.st_mode) && kh_text_puts(&w->name, "/")) {
		ret = kh_err_sys(w->err, ENOMEM, "cannot walk '%s'",
				 (const char *)w->path.data);
		goto out_cut;
	}
	ret = listing_dir_entry(w, &st, &src);
	if (!ret && S_ISDIR(st.st_mode))
		ret = listing_walk_dir(w, depth + 1);
out_cut:
	w->path.len = plen;
	w->path.data[plen] = 0;
	w->name.len = nlen;
	w->name.data[nlen] = 0;
	return ret;
}

static int listing_walk_dir(struct listing_walk *w, int depth)
{
	struct dirent **list;
	int n, i, ret = 0;

	if (depth > LISTING_DEPTH)
		return kh_err(w->err, ELOOP, "'%s': directories nested too deeply",
			      (const char *)w->path.data);
	n = scandir((const char *)w->path.data, &list, listing_skip_dots,
		    listing_cmp_dirent);
	if (n < 0)
		return kh_err_sys(w->err, errno, "cannot read directory '%s'",
				  (const char *)w->path.data);
	for (i = 0; i < n && !ret; i++)
		ret = listing_walk_child(w, list[i]->d_name, depth);
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return ret;
}

int kh_dir_foreach(const char *dir,
		   int (*fn)(const struct kh_entry *e, void *ctx),
		   void *ctx, struct kh_error *err)
{
	struct listing_walk w = { .fn = fn, .ctx = ctx, .err = err };
	struct kh_entry_src src;
	struct stat st;
	int ret;

	kh_buf_init(&w.path);
	kh_buf_init(&w.name);
	kh_buf_init(&w.link);
	if (stat(dir, &st) < 0)
		return kh_err_sys(err, errno, "cannot open '%s'", dir);
	if (!S_ISDIR(st.st_mode))
		return kh_err(err, ENOTDIR, "'%s' is not a directory", dir);
	if (kh_text_puts(&w.path, dir) || kh_text_puts(&w.name, "./")) {
		ret = kh_err_sys(err, ENOMEM, "cannot walk '%s'", dir);
		goto out_free;
	}
	while (w.path.len > 1 && w.path.data[w.path.len - 1] == '/')
		w.path.data[--w.path.len] = 0;
	ret = listing_dir_entry(&w, &st, &src);
	if (!ret)
		ret = listing_walk_dir(&w, 0);
out_free:
	kh_buf_release(&w.path);
	kh_buf_release(&w.name);
	kh_buf_release(&w.link);
	return ret;
}

static int listing_file_stream(const struct kh_entry *e,
			       int (*fn)(const void *data, size_t len,
					 void *ctx),
			       void *ctx, struct kh_error *err)
{
	const char *path = e->src->path;
	char *chunk;
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return kh_err_sys(err, errno, "cannot open '%s'", path);
	chunk = malloc(LISTING_CHUNK);
	if (!chunk) {
		ret = kh_err_sys(err, ENOMEM, "cannot read '%s'", path);
		goto out_close;
	}
	for (;;) {
		n = read(fd, chunk, LISTING_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			ret = kh_err_sys(err, errno, "cannot read '%s'", path);
		if (n <= 0)
			break;
		ret = fn(chunk, n, ctx);
		if (ret)
			break;
	}
	free(chunk);
out_close:
	close(fd);
	return ret;
}

/* ---- content ----------------------------------------------------------- */

int kh_entry_stream(const struct kh_entry *e,
		    int (*fn)(const void *data, size_t len, void *ctx),
		    void *ctx, struct kh_error *err)
{
	if (e->type != KH_ENTRY_FILE)
		return 0;
	if (e->src->ar)
		return listing_ar_stream(e, fn, ctx, err);
	return listing_file_stream(e, fn, ctx, err);
}

struct listing_read {
	struct kh_buf *out;
	size_t max;
	size_t got;
};

static int listing_read_piece(const void *data, size_t len, void *ctx)
{
	struct listing_read *r = ctx;

	if (len > r->max - r->got)
		return -EFBIG;
	r->got += len;
	return kh_buf_append(r->out, data, len);
}

int kh_entry_read(const struct kh_entry *e, size_t max, struct kh_buf *out,
		  struct kh_error *err)
{
	struct listing_read r = { .out = out, .max = max };
	int ret;

	ret = kh_entry_stream(e, listing_read_piece, &r, err);
	if (ret == -EFBIG)
		return kh_err(err, EFBIG, "'%s': '%s' is larger than %zu bytes",
			      e->src->label, e->name, max);
	if (ret == -ENOMEM)
		return kh_err_sys(err, ENOMEM, "'%s': cannot read '%s'",
				  e->src->label, e->name);
	return ret;
}

/* ---- names and text ---------------------------------------------------- */

const char *kh_name_key(const char *name, size_t *len)
{
	size_t n;

	for (;;) {
		if (name[0] == '/')
			name++;
		else if (name[0] == '.' && name[1] == '/')
			name += 2;
		else if (name[0] == '.' && name[1] == 0)
			name++;
		else
			break;
	}
	n = strlen(name);
	while (n && name[n - 1] == '/')
		n--;
	*len = n;
	return name;
}

/* Length of the well-formed UTF-8 sequence at @s (0 if ill-formed). */
static size_t listing_utf8_len(const unsigned char *s, size_t left)
{
	unsigned int c = s[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > left)
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

bool kh_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		n = listing_utf8_len(p + i, len - i);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

int kh_text_puts(struct kh_buf *out, const char *s)
{
	int ret = kh_buf_append(out, s, strlen(s) + 1);

	if (!ret)
		out->len--;
	return ret;
}

int kh_text_printf(struct kh_buf *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if (kh_buf_reserve(out, (size_t)n + 1))
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf((char *)out->data + out->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	out->len += n;
	return 0;
}

int kh_quote_name(struct kh_buf *out, const char *s)
{
	static const char ctl[] = "\aa\bb\tt\nn\vv\ff\rr";
	const unsigned char *p = (const unsigned char *)s;
	const char *m;
	int ret = 0;

	for (; *p && !ret; p++) {
		if (*p == '\\')
			ret = kh_text_puts(out, "\\\\");
		else if (*p >= 0x20 && *p != 0x7f)
			ret = kh_buf_append(out, p, 1);
		else if ((m = memchr(ctl, *p, sizeof(ctl) - 1)) &&
			 (m - ctl) % 2 == 0)
			ret = kh_text_printf(out, "\\%c", m[1]);
		else
			ret = kh_text_printf(out, "\\%03o", *p);
	}
	return ret ? ret : kh_text_puts(out, "");
}

static int listing_json_byte(struct kh_buf *out, unsigned char c)
{
	switch (c) {
	case '"':
		return kh_text_puts(out, "\\\"");
	case '\\':
		return kh_text_puts(out, "\\\\");
	case '\b':
		return kh_text_puts(out, "\\b");
	case '\f':
		return kh_text_puts(out, "\\f");
	case '\n':
		return kh_text_puts(out, "\\n");
	case '\r':
		return kh_text_puts(out, "\\r");
	case '\t':
		return kh_text_puts(out, "\\t");
	}
	if (c < 0x20 || c >= 0x7f)
		return kh_text_printf(out, "\\u%04x", c);
	return kh_buf_append(out, &c, 1);
}

int kh_json_string(struct kh_buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), n;
	int ret = kh_text_puts(out, "\"");

	while (left && !ret) {
		n = *p >= 0x80 ? listing_utf8_len(p, left) : 0;
		if (n)
			ret = kh_buf_append(out, p, n);
		else
			ret = listing_json_byte(out, *p), n = 1;
		p += n;
		left -= n;
	}
	return ret ? ret : kh_text_puts(out, "\"");
}

int kh_hex_string(struct kh_buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int ret = kh_text_puts(out, "");

	for (; *p && !ret; p++)
		ret = kh_text_printf(out, "%02x", *p);
	return ret;
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void listing_civil(int64_t days, int64_t *y, unsigned int *m,
			  unsigned int *d)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	*d = (unsigned int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

void kh_format_time(int64_t t, char out[48])
{
	int64_t days = t / 86400, secs = t % 86400, y;
	unsigned int m, d;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	listing_civil(days, &y, &m, &d);
	snprintf(out, 48, "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)y, m,
		 d, (unsigned int)(secs / 3600), (unsigned int)(secs / 60 % 60),
		 (unsigned int)(secs % 60));
}
