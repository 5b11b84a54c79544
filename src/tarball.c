// SPDX-License-Identifier: GPL-2.0
/*
 * tarball.c - the tar stage: entries in, tar bytes out, through libarchive
 * writing unbuffered into memory, so that the offset of every entry is known
 * and the compressor can cut blocks at entry boundaries.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <string.h>

#include "error.h"
#include "tarball.h"

struct tar_sink {
	struct kh_buf *out;
	bool nomem;
};

static la_ssize_t sink_write(struct archive *a, void *ctx, const void *buf,
			     size_t len)
{
	struct tar_sink *sink = ctx;

	if (kh_buf_append(sink->out, buf, len)) {
		sink->nomem = true;
		archive_set_error(a, ENOMEM, "out of memory");
		return -1;
	}
	return len;
}

static int tar_error(struct archive *a, const char *what, const char *name,
		     struct kh_error *err)
{
	int code = archive_errno(a);

	return kh_err(err, code > 0 ? code : EIO, "cannot archive %s'%s': %s",
		      what, name, archive_error_string(a) ?
		      archive_error_string(a) : "unknown libarchive error");
}

static void entry_fill(struct archive_entry *ae, const struct kh_tar_entry *e,
		       int64_t mtime)
{
	archive_entry_clear(ae);
	archive_entry_copy_pathname(ae, e->name);
	archive_entry_set_uid(ae, 0);
	archive_entry_set_gid(ae, 0);
	archive_entry_set_mtime(ae, mtime, 0);
	switch (e->type) {
	case KH_TAR_DIR:
		archive_entry_set_filetype(ae, AE_IFDIR);
		archive_entry_set_perm(ae, 0755);
		archive_entry_set_size(ae, 0);
		break;
	case KH_TAR_SYMLINK:
		archive_entry_set_filetype(ae, AE_IFLNK);
		archive_entry_set_perm(ae, 0777);
		archive_entry_copy_symlink(ae, e->link);
		archive_entry_set_size(ae, 0);
		break;
	case KH_TAR_FILE:
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, e->exec ? 0755 : 0644);
		archive_entry_set_size(ae, e->size);
		break;
	}
}

static int write_entry(struct archive *a, struct archive_entry *ae,
		       const struct kh_tar_entry *e, struct kh_error *err)
{
	la_ssize_t n;

	if (archive_write_header(a, ae) < ARCHIVE_WARN)
		return tar_error(a, "", e->name, err);
	if (e->type == KH_TAR_FILE && e->size) {
		n = archive_write_data(a, e->data, e->size);
		if (n < 0 || (size_t)n != e->size)
			return tar_error(a, "the data of ", e->name, err);
	}
	if (archive_write_finish_entry(a) < ARCHIVE_WARN)
		return tar_error(a, "", e->name, err);
	return 0;
}

int kh_tar_write(const struct kh_tar_entry *entries, size_t nr, int64_t mtime,
		 struct kh_buf *out, size_t *offsets, struct kh_error *err)
{
	struct tar_sink sink = { out, false };
	struct archive_entry *ae;
	struct archive *a;
	size_t base = out->len, i;
	int ret = 0;

	a = archive_write_new();
	ae = archive_entry_new();
	if (!a || !ae) {
		ret = kh_err_sys(err, ENOMEM, "cannot create the tar writer");
		goto out_free;
	}
	/* Unbuffered and unpadded: every byte reaches @out at once. */
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(a, 0) != ARCHIVE_OK ||
	    archive_write_open2(a, &sink, NULL, sink_write, NULL, NULL) !=
	    ARCHIVE_OK) {
		ret = tar_error(a, "", "<memory>", err);
		goto out_free;
	}
	for (i = 0; i < nr && !ret; i++) {
		if (offsets)
			offsets[i] = out->len - base;
		entry_fill(ae, &entries[i], mtime);
		ret = write_entry(a, ae, &entries[i], err);
	}
	if (offsets)
		offsets[nr] = out->len - base;
	/* Flush errors surface at close. */
	if (!ret && archive_write_close(a) != ARCHIVE_OK)
		ret = tar_error(a, "", "<end of archive>", err);
	if (ret && sink.nomem)
		ret = kh_err_sys(err, ENOMEM, "cannot build the tar stream");
out_free:
	archive_entry_free(ae);
	archive_write_free(a);
	return ret;
}
