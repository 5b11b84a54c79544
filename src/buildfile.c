// SPDX-License-Identifier: GPL-2.0
/*
 * buildfile.c - the incremental build, kh_build_to_file(): the manifest
 * beside the archive says whether anything changed (manifest.c); if so,
 * kh_build(), then the depfile (depfile.c) and the archive written to
 * temporary files, renamed into place depfile first (fileio.c), and the
 * inputs recorded in a new manifest.  The settings line that decides
 * freshness, and the names of the files kept beside the output, are made
 * here and nowhere else.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archtab.h"
#include "build.h"
#include "collect.h"
#include "depfile.h"
#include "error.h"
#include "fileio.h"
#include "manifest.h"

/* One call: the options as built, and what lies beside the output. */
struct build_file {
	struct kh_build_opts opts;	/* the caller's, SRCARCH and cache set */
	const struct kh_build_file_opts *fo;
	char *manifest;			/* owned */
	char *cache;			/* owned: the cache beside the output */
	char *settings;			/* owned */
	const char *outputs[2];		/* the archive, the depfile */
	size_t nr_outputs;
	ino_t out_inodes[2];		/* the files this call wrote */
};

/* "<dir of @path>/.<name of @path><suffix>" (malloc'd), or NULL. */
static char *beside(const char *path, const char *suffix)
{
	char *d = strdup(path), *b = strdup(path), *s = NULL;

	if (d && b && asprintf(&s, "%s/.%s%s", dirname(d), basename(b),
			       suffix) < 0)
		s = NULL;
	free(d);
	free(b);
	return s;
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* Everything but the inputs' contents that decides the outputs. */
static char *settings_line(const struct build_file *bf)
{
	const struct kh_build_opts *o = &bf->opts;
	char *lib = kh_build_settings(o), *s = NULL;

	if (lib && asprintf(&s, "%s srctree=%s objtree=%s arch=%s srclist=%s objlist=%s module_lds=%s output=%s depfile=%s",
			    lib, or_empty(o->srctree), or_empty(o->objtree),
			    or_empty(o->arch), or_empty(o->srclist),
			    or_empty(o->objlist), or_empty(o->module_lds),
			    bf->fo->output, or_empty(bf->fo->depfile)) < 0)
		s = NULL;
	free(lib);
	return s;
}

static int build_file_init(struct build_file *bf,
			   const struct kh_build_opts *opts,
			   const struct kh_build_file_opts *fo,
			   struct kh_error *err)
{
	memset(bf, 0, sizeof(*bf));
	bf->opts = *opts;
	bf->opts.arch = kh_srcarch(opts->arch);
	bf->fo = fo;
	if (!fo->output || !*fo->output)
		return kh_err(err, EINVAL, "no output file given");
	bf->outputs[0] = fo->output;
	bf->outputs[1] = fo->depfile;
	bf->nr_outputs = fo->depfile ? 2 : 1;
	bf->manifest = fo->manifest ? strdup(fo->manifest) :
				      beside(fo->output, ".manifest");
	if (!bf->manifest)
		goto out_nomem;
	if (fo->cache_beside && !opts->cache_dir) {
		bf->cache = beside(fo->output, ".cache");
		if (!bf->cache)
			goto out_nomem;
		bf->opts.cache_dir = bf->cache;
	}
	bf->settings = settings_line(bf);
	if (!bf->settings)
		goto out_nomem;
	return 0;

out_nomem:
	return kh_err_sys_at(err, ENOMEM, fo->output, "cannot build '%s'",
			     fo->output);
}

static void build_file_release(struct build_file *bf)
{
	free(bf->manifest);
	free(bf->cache);
	free(bf->settings);
}

/* The manifest's word, or @force; the caller hears why it rebuilds. */
static bool up_to_date(const struct build_file *bf)
{
	const struct kh_build_file_opts *fo = bf->fo;
	char why[512];

	if (!fo->force && kh_manifest_fresh(bf->manifest, bf->settings,
					    bf->outputs, bf->nr_outputs, why,
					    sizeof(why)))
		return true;
	if (fo->rebuilding)
		fo->rebuilding(fo->rebuilding_ctx, fo->force ? NULL : why);
	return false;
}

/* The output must never be one of the inputs it is made from. */
static int check_output_not_input(const char *output,
				  const struct kh_build_result *res,
				  struct kh_error *err)
{
	struct stat out, st;
	size_t i;

	if (stat(output, &out) < 0)
		return 0;
	for (i = 0; i < res->nr_deps; i++)
		if (!stat(res->deps[i], &st) && st.st_dev == out.st_dev &&
		    st.st_ino == out.st_ino)
			return kh_err_at(err, EINVAL, output,
					 "output '%s' is also an input ('%s')",
					 output, res->deps[i]);
	return 0;
}

/* Write @len bytes to a temporary file for @path; note its inode. */
static int write_temp(struct kh_outfile *of, const char *path,
		      const void *data, size_t len, ino_t *ino,
		      struct kh_error *err)
{
	struct stat st;
	int ret;

	ret = kh_outfile_open(of, path, err);
	if (!ret)
		ret = kh_outfile_write(of, data, len, err);
	if (!ret && !fstat(of->fd, &st))
		*ino = st.st_ino;
	return ret;
}

/*
 * Both temporary files are written before either is renamed, and the
 * depfile goes in first: a new archive never stands beside the depfile of
 * an older one (which may not name every header it was made from).
 */
static int write_outputs(struct build_file *bf,
			 const struct kh_build_result *res,
			 struct kh_error *err)
{
	const struct timespec times[2] = { res->snapshot, res->snapshot };
	const char *output = bf->fo->output, *depfile = bf->fo->depfile;
	struct kh_outfile of = { 0 }, df = { 0 };
	struct kh_buf dep;
	int ret = 0;

	kh_buf_init(&dep);
	if (depfile)
		ret = kh_depfile_format(&dep, output, res->deps, res->nr_deps,
					err);
	if (!ret)
		ret = write_temp(&of, output, res->xz.data, res->xz.len,
				 &bf->out_inodes[0], err);
	if (!ret && futimens(of.fd, times) < 0)
		kh_build_warn(&bf->opts, "cannot set the mtime of '%s': %s",
			      output, strerror(errno));
	if (!ret && depfile)
		ret = write_temp(&df, depfile, dep.data, dep.len,
				 &bf->out_inodes[1], err);
	if (!ret && depfile)
		ret = kh_outfile_commit(&df, err);
	if (!ret)
		ret = kh_outfile_commit(&of, err);
	kh_outfile_abort(&df);
	kh_outfile_abort(&of);
	kh_buf_release(&dep);
	return ret;
}

/* The new manifest: a failure only means the next call rebuilds. */
static void record_inputs(const struct build_file *bf,
			  const struct kh_build_result *res)
{
	char **inputs = NULL, **watch = NULL;
	struct kh_error err;
	size_t nr_watch = 0;

	if (kh_build_watch_paths(&bf->opts, &watch, &nr_watch))
		goto out;
	inputs = calloc(res->nr_deps + nr_watch + 1, sizeof(*inputs));
	if (!inputs)
		goto out;
	/* memcpy() from NULL is undefined even for 0 bytes (--profile uapi). */
	if (res->nr_deps)
		memcpy(inputs, res->deps, res->nr_deps * sizeof(*inputs));
	if (nr_watch)
		memcpy(inputs + res->nr_deps, watch, nr_watch * sizeof(*inputs));
	if (kh_manifest_write(bf->manifest, bf->settings, &res->snapshot,
			      inputs, res->nr_deps + nr_watch, bf->outputs,
			      bf->out_inodes, bf->nr_outputs, &err))
		kh_build_note(&bf->opts, "%s (the next call will rebuild)",
			      err.msg);
out:
	free(inputs);
	kh_build_watch_paths_free(watch, nr_watch);
}

int kh_build_to_file(const struct kh_build_opts *opts,
		     const struct kh_build_file_opts *fopts,
		     struct kh_build_file_result *res, struct kh_error *err)
{
	struct build_file bf;
	int ret;

	memset(res, 0, sizeof(*res));
	ret = build_file_init(&bf, opts, fopts, err);
	if (ret || up_to_date(&bf))
		goto out;
	unlink(bf.manifest);
	ret = kh_build(&bf.opts, &res->build, err);
	if (ret)
		goto out;
	res->rebuilt = true;
	ret = check_output_not_input(fopts->output, &res->build, err);
	if (!ret)
		ret = write_outputs(&bf, &res->build, err);
	if (!ret)
		record_inputs(&bf, &res->build);
out:
	build_file_release(&bf);
	return ret;
}
