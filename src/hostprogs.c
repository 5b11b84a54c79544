// SPDX-License-Identifier: GPL-2.0
/*
 * hostprogs.c - the module kit's host programs, built from the kit's
 * sources with the local compiler.  One compiler run per program, with
 * the flags the kernel's top Makefile gives host programs
 * (KBUILD_HOSTCFLAGS) and the per-object and per-program flags of the
 * program's own Makefile; objtool through the kit's tools/ Makefiles, as
 * the top Makefile's "tools/objtool" rule runs them.  The kernel's
 * Makefiles are read as text here (the few assignment lines that name a
 * program's objects and flags), never run for the scripts/ programs: the
 * top Makefile would check the configuration and could run syncconfig.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "hostprogs.h"
#include "run.h"
#include "util.h"

#define MAKEFILE_MAX ((size_t)1 << 20)

/* When a program is wanted. */
enum hostprog_need {
	NEED_ALWAYS,
	NEED_GENKSYMS,
	NEED_GENDWARFKSYMS,
	NEED_RECORDMCOUNT,
};

/* One host program: its directory (holding its Makefile) and name. */
static const struct hostprog {
	const char *dir;
	const char *name;
	enum hostprog_need need;
} hostprogs[] = {
	{ "scripts/basic", "fixdep", NEED_ALWAYS },
	{ "scripts/mod", "modpost", NEED_ALWAYS },
	{ "scripts/genksyms", "genksyms", NEED_GENKSYMS },
	{ "scripts/gendwarfksyms", "gendwarfksyms", NEED_GENDWARFKSYMS },
	{ "scripts", "recordmcount", NEED_RECORDMCOUNT },
};

/* KBUILD_HOSTCFLAGS of the top Makefile (6.1 to 7.2), HOST_LFS_CFLAGS. */
static const char *const host_cflags[] = {
	"-Wall", "-Wmissing-prototypes", "-Wstrict-prototypes", "-O2",
	"-fomit-frame-pointer", "-std=gnu11", "-D_FILE_OFFSET_BITS=64",
	"-I", "scripts/include",
};

/* Host libraries a build may miss, by what the compiler or make says. */
static const struct {
	const char *says;
	const char *library;
} missing_libs[] = {
	{ "gelf.h", "libelf (Debian: libelf-dev)" },
	{ "libelf.h", "libelf (Debian: libelf-dev)" },
	{ "No libelf found", "libelf (Debian: libelf-dev)" },
	{ "-lelf", "libelf (Debian: libelf-dev)" },
	{ "elfutils/libdw.h", "libdw (Debian: libdw-dev)" },
	{ "dwarf.h", "libdw (Debian: libdw-dev)" },
	{ "-ldw", "libdw (Debian: libdw-dev)" },
	{ "zlib.h", "zlib (Debian: zlib1g-dev)" },
	{ "-lz", "zlib (Debian: zlib1g-dev)" },
	{ "openssl/", "OpenSSL (Debian: libssl-dev)" },
};

/* A growing NULL-terminated argument vector. */
struct strv {
	char **v;
	size_t nr, alloc;
};

static void strv_release(struct strv *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int strv_push(struct strv *s, const char *str, size_t len)
{
	if (ALLOC_GROW(s->v, s->nr + 2, s->alloc))
		return -ENOMEM;
	s->v[s->nr] = strndup(str, len);
	if (!s->v[s->nr])
		return -ENOMEM;
	s->v[++s->nr] = NULL;
	return 0;
}

static int strv_add(struct strv *s, const char *str)
{
	return strv_push(s, str, strlen(str));
}

const char *kh_hostprogs_missing(const char *output)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(missing_libs); i++)
		if (strstr(output, missing_libs[i].says))
			return missing_libs[i].library;
	return NULL;
}

/* ---- the Makefile's assignments ---------------------------------------- */

/* @mk with its backslash-newline continuations made blanks, in place. */
static void join_lines(char *mk)
{
	char *p;

	for (p = mk; (p = strstr(p, "\\\n")); p += 2)
		p[0] = p[1] = ' ';
}

/*
 * Append to @out the words @word expands to in directory @dir: $(srctree)
 * is the kit's top, $(src) and $(obj) the directory; anything else that
 * is still to be expanded ($(shell ...) of sign-file's flags) is dropped.
 */
static int add_word(struct strv *out, const char *word, size_t len,
		    const char *dir)
{
	struct kh_buf b;
	const char *p = word, *end = word + len;
	int ret = 0;

	kh_buf_init(&b);
	while (!ret && p < end) {
		if (!strncmp(p, "$(srctree)", 10) && p + 10 <= end) {
			ret = kh_buf_addstr(&b, ".");
			p += 10;
		} else if ((!strncmp(p, "$(src)", 6) || !strncmp(p, "$(obj)", 6)) &&
			   p + 6 <= end) {
			ret = kh_buf_addstr(&b, dir);
			p += 6;
		} else {
			ret = kh_buf_append(&b, p++, 1);
		}
	}
	if (!ret && !strchr(kh_buf_str(&b), '$'))
		ret = strv_add(out, kh_buf_str(&b));
	kh_buf_release(&b);
	return ret;
}

/*
 * The words of every assignment to @var (":=", "=" or "+=") in the joined
 * Makefile text @mk, in order.
 */
static int mk_words(const char *mk, const char *var, const char *dir,
		    struct strv *out)
{
	size_t n = strlen(var), w;
	const char *line = mk, *p, *eol;
	int ret = 0;

	for (; !ret && *line; line = *eol ? eol + 1 : eol) {
		eol = strchrnul(line, '\n');
		if (strncmp(line, var, n) || !strchr(" \t:+=", line[n]))
			continue;
		p = line + n + strspn(line + n, " \t");
		if (*p == ':' || *p == '+')
			p++;
		if (*p != '=')
			continue;
		for (p++; !ret && p < eol; p += w) {
			p += strspn(p, " \t");
			if (*p == '#')
				break;
			w = strcspn(p, " \t\n");
			if (w)
				ret = add_word(out, p, w, dir);
		}
	}
	return ret;
}

/* ---- one program -------------------------------------------------------- */

static bool hostprog_wanted(const struct hostprog *h,
			    const struct kh_kit_config *cfg)
{
	switch (h->need) {
	case NEED_GENKSYMS:
		return cfg->genksyms;
	case NEED_GENDWARFKSYMS:
		return cfg->gendwarfksyms;
	case NEED_RECORDMCOUNT:
		return cfg->recordmcount;
	default:
		return true;
	}
}

/*
 * The compiler's command for @h: flags, "-o DIR/NAME", the sources of its
 * objects ("NAME-objs", else NAME.c alone), its libraries.
 */
static int hostprog_argv(const struct hostprog *h, const char *mk,
			 const char *cc, struct strv *argv)
{
	struct strv objs = { NULL, 0, 0 };
	char var[128];
	size_t i;
	int ret;

	ret = strv_add(argv, cc);
	for (i = 0; !ret && i < ARRAY_SIZE(host_cflags); i++)
		ret = strv_add(argv, host_cflags[i]);
	snprintf(var, sizeof(var), "%s-objs", h->name);
	if (!ret)
		ret = mk_words(mk, var, h->dir, &objs);
	if (!ret && !objs.nr) {
		snprintf(var, sizeof(var), "%s.o", h->name);
		ret = strv_add(&objs, var);
	}
	for (i = 0; !ret && i < objs.nr; i++) {
		snprintf(var, sizeof(var), "HOSTCFLAGS_%s", objs.v[i]);
		ret = mk_words(mk, var, h->dir, argv);
	}
	if (!ret)
		ret = strv_add(argv, "-o");
	snprintf(var, sizeof(var), "%s/%s", h->dir, h->name);
	if (!ret)
		ret = strv_add(argv, var);
	for (i = 0; !ret && i < objs.nr; i++) {
		size_t n = strlen(objs.v[i]);

		if (n < 3 || strcmp(objs.v[i] + n - 2, ".o"))
			continue;
		snprintf(var, sizeof(var), "%s/%.*s.c", h->dir, (int)(n - 2),
			 objs.v[i]);
		ret = strv_add(argv, var);
	}
	snprintf(var, sizeof(var), "HOSTLDLIBS_%s", h->name);
	if (!ret)
		ret = mk_words(mk, var, h->dir, argv);
	strv_release(&objs);
	return ret;
}

/* The first line of @out that reports an error, else its first line. */
static void first_error(const char *out, char *line, size_t size)
{
	const char *p = strstr(out, "error"), *start, *end;

	if (!p)
		p = out;
	start = p;
	while (start > out && start[-1] != '\n')
		start--;
	end = strchrnul(start, '\n');
	snprintf(line, size, "%.*s", (int)(end - start), start);
}

/* The failure of @what (run as @prog), in one line. */
static int build_fail(int ret, const char *what, const char *prog,
		      const struct kh_buf *out, struct kh_error *err)
{
	const char *lib;
	char line[256];

	if (ret == -ENOENT)
		return kh_err(err, ENOENT,
			      "cannot build the kit's %s: '%s' not found (Debian: %s)",
			      what, prog, strcmp(prog, "make") ? "gcc" : "make");
	if (ret < 0)
		return kh_err_sys(err, -ret, "cannot run '%s'", prog);
	lib = kh_hostprogs_missing(kh_buf_str(out));
	if (lib)
		return kh_err(err, ENOEXEC,
			      "cannot build the kit's %s: the host library %s is missing",
			      what, lib);
	first_error(kh_buf_str(out), line, sizeof(line));
	return kh_err(err, ENOEXEC, "cannot build the kit's %s with '%s' (exit status %d): %s",
		      what, prog, ret, line);
}

static int build_one(const char *kit, const struct hostprog *h,
		     const char *cc, struct kh_error *err)
{
	struct strv argv = { NULL, 0, 0 };
	struct kh_buf mk, out;
	char *path, what[128];
	int ret;

	kh_buf_init(&mk);
	kh_buf_init(&out);
	snprintf(what, sizeof(what), "%s/%s", h->dir, h->name);
	if (asprintf(&path, "%s/%s/Makefile", kit, h->dir) < 0)
		return kh_err_sys(err, ENOMEM, "cannot build '%s'", what);
	ret = kh_read_file(path, MAKEFILE_MAX, &mk, err);
	if (ret)
		goto out;
	join_lines((char *)kh_buf_str(&mk));
	ret = hostprog_argv(h, kh_buf_str(&mk), cc, &argv);
	if (ret) {
		ret = kh_err_sys(err, -ret, "cannot build '%s'", what);
		goto out;
	}
	ret = kh_run(argv.v, kit, NULL, &out);
	if (ret)
		ret = build_fail(ret, what, cc, &out, err);
out:
	strv_release(&argv);
	kh_buf_release(&out);
	kh_buf_release(&mk);
	free(path);
	return ret;
}

/*
 * objtool, as the top Makefile's "tools/objtool" rule builds it: the
 * tools/ Makefiles with O= the kit, for the kernel's architecture, with
 * the host's compiler (objtool runs on the host).
 */
static int build_objtool(const char *kit, const struct kh_hostprogs_opts *o,
			 struct kh_error *err)
{
	char o_arg[4200], arch[80], hostcc[300];
	char *argv[] = { "make", "-s", o_arg, "subdir=tools", arch,
			 "CROSS_COMPILE=", hostcc, "-C", "tools", "objtool",
			 NULL };
	/* (LDFLAGS in the environment, not on the command line, where it
	 * would override objtool's own "LDFLAGS += -lelf ...") */
	char *env[] = { "MAKEFLAGS=", "MFLAGS=", "MAKELEVEL=", "LDFLAGS=",
			"HOSTPKG_CONFIG=pkg-config", NULL };
	struct kh_buf out;
	int ret;

	snprintf(o_arg, sizeof(o_arg), "O=%s", kit);
	snprintf(arch, sizeof(arch), "ARCH=%s", o->srcarch);
	snprintf(hostcc, sizeof(hostcc), "HOSTCC=%s",
		 o->hostcc ? o->hostcc : "cc");
	kh_buf_init(&out);
	ret = kh_run(argv, kit, env, &out);
	if (ret)
		ret = build_fail(ret, "tools/objtool/objtool", "make", &out, err);
	kh_buf_release(&out);
	return ret;
}

int kh_hostprogs_build(const char *kit, const struct kh_hostprogs_opts *o,
		       struct kh_error *err)
{
	const char *cc = o->hostcc ? o->hostcc : "cc";
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < ARRAY_SIZE(hostprogs); i++)
		if (hostprog_wanted(&hostprogs[i], o->cfg))
			ret = build_one(kit, &hostprogs[i], cc, err);
	if (!ret && o->cfg->objtool)
		ret = build_objtool(kit, o, err);
	return ret;
}
