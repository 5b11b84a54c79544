// SPDX-License-Identifier: GPL-2.0
/*
 * tarread.c - the one libarchive opener.  libarchive reads the tar format
 * from a callback that pulls decoded bytes out of the library's xz reader:
 * one xz decoder for the whole library, one place where return codes of
 * archive_read_* setup calls are checked.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>

#include "error.h"
#include "tarread.h"

#define TAR_CHUNK (256u << 10)

static la_ssize_t tar_pull(struct archive *ar, void *ctx, const void **buf)
{
	struct kh_tar_reader *t = ctx;
	size_t got;

	if (kh_xz_read(&t->xz, t->chunk, TAR_CHUNK, &got, &t->why)) {
		archive_set_error(ar, t->why.code == ENOMEM ? ENOMEM : EINVAL,
				  "%s", t->why.msg);
		return -1;
	}
	*buf = t->chunk;
	return got;
}

int kh_tar_open(struct kh_tar_reader *t, const void *data, size_t len,
		struct kh_xz_budget *budget, struct kh_error *why)
{
	int ret;

	memset(t, 0, sizeof(*t));
	ret = kh_xz_reader_init(&t->xz, data, len,
				KH_XZ_PLAIN_OK | KH_XZ_CONCATENATED,
				UINT64_MAX, budget, why);
	if (ret)
		return ret;
	t->chunk = malloc(TAR_CHUNK);
	t->ar = archive_read_new();
	if (!t->chunk || !t->ar)
		return kh_err(why, ENOMEM, "out of memory");
	if (archive_read_support_format_tar(t->ar) != ARCHIVE_OK ||
	    archive_read_open(t->ar, t, NULL, tar_pull, NULL) != ARCHIVE_OK)
		return kh_tar_why(t, why);
	return 0;
}

int kh_tar_why(struct kh_tar_reader *t, struct kh_error *why)
{
	const char *msg = archive_error_string(t->ar);
	int code = archive_errno(t->ar) == ENOMEM ? ENOMEM : EINVAL;

	return kh_err(why, code, "%s", msg ? msg : "unknown error");
}

void kh_tar_close(struct kh_tar_reader *t)
{
	if (t->ar)
		archive_read_free(t->ar);
	kh_xz_reader_end(&t->xz);
	free(t->chunk);
	t->ar = NULL;
	t->chunk = NULL;
}
