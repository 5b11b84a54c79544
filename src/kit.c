// SPDX-License-Identifier: GPL-2.0
/*
 * kit.c - the module kit of the modules profile: the roots an external
 * module build reads (the top and architecture Makefiles, the scripts/
 * sources and the object tree's generated non-binaries, the configuration,
 * the module linker script, objtool's sources where modules are checked
 * by objtool), and the rules that keep host binaries, Module.symvers and
 * the randstruct seed out.  Host programs travel as sources only: the
 * archive may serve a host of another architecture, which builds them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "kit.h"
#include "path.h"
#include "util.h"

/*
 * scripts/ subdirectories an external module build never enters: Kconfig
 * (the kit is configured already and is never re-synced), the device tree
 * compiler, packaging, generators of checked-in files, editor and debugger
 * helpers.
 */
static const char *const scripts_prune[] = {
	"atomic", "coccinelle", "dtc", "gdb", "kconfig", "package", NULL,
};

/* arch/$SRCARCH: its headers are the headers profile's. */
static const char *const arch_prune[] = { "include", NULL };

const struct kh_kit_root kh_kit_roots[] = {
	{ false, false, "Makefile", KH_KIT_REQUIRED, NULL },
	{ false, true, "arch/%s", KH_KIT_ARCH_TOP, arch_prune },
	{ false, true, "scripts", 0, scripts_prune },
	/* objtool, as the top Makefile builds it: through tools/Makefile. */
	{ false, false, "tools/Makefile", KH_KIT_OBJTOOL, NULL },
	{ false, true, "tools/arch", KH_KIT_OBJTOOL, NULL },
	{ false, true, "tools/build", KH_KIT_OBJTOOL, NULL },
	{ false, true, "tools/include", KH_KIT_OBJTOOL, NULL },
	{ false, true, "tools/lib", KH_KIT_OBJTOOL | KH_KIT_SHALLOW, NULL },
	{ false, true, "tools/lib/subcmd", KH_KIT_OBJTOOL, NULL },
	{ false, true, "tools/objtool", KH_KIT_OBJTOOL, NULL },
	{ false, true, "tools/scripts", KH_KIT_OBJTOOL, NULL },
	{ true, false, ".config", KH_KIT_REQUIRED, NULL },
	{ true, false, "include/config/auto.conf", KH_KIT_REQUIRED, NULL },
	{ true, false, "include/config/kernel.release", 0, NULL },
	/* Checked by M= builds' top Makefile from 6.x on, like auto.conf. */
	{ true, false, "include/generated/rustc_cfg", 0, NULL },
	/* modules_prepare's, or where Debian's headers packages keep it. */
	{ true, false, "scripts/module.lds", KH_KIT_LDS | KH_KIT_GIVEN, NULL },
	{ true, false, "arch/%s/module.lds", KH_KIT_LDS, NULL },
	{ true, false, "scripts/mod/elfconfig.h", KH_KIT_HOSTPROG, NULL },
	{ true, false, "scripts/mod/devicetable-offsets.h", KH_KIT_HOSTPROG,
	  NULL },
	{ true, false, "scripts/genksyms/lex.lex.c", KH_KIT_GENKSYMS, NULL },
	{ true, false, "scripts/genksyms/parse.tab.c", KH_KIT_GENKSYMS, NULL },
	{ true, false, "scripts/genksyms/parse.tab.h", KH_KIT_GENKSYMS, NULL },
};

const size_t kh_kit_nr_roots = ARRAY_SIZE(kh_kit_roots);

bool kh_kit_root_wanted(const struct kh_kit_root *r,
			const struct kh_kit_config *cfg)
{
	return !(r->flags & KH_KIT_OBJTOOL) || cfg->objtool;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && !strcmp(s + n - m, suffix);
}

bool kh_kit_name_ok(const char *base)
{
	/*
	 * Build products, what Kbuild writes beside them, and key material:
	 * nothing under scripts/ should hold a signing key, but a world-
	 * readable archive is no place to find out.
	 */
	static const char *const suffixes[] = {
		".o", ".a", ".so", ".ko", ".mod", ".cmd", ".d", ".s", ".tmp",
		".order", ".symvers", ".pyc", ".orig", ".rej",
		".pem", ".key", ".priv", ".genkey",
	};
	/* The seed and its older gcc-plugin header hold the secret itself. */
	static const char *const names[] = {
		"Module.symvers", "randstruct.seed", "randomize_layout_seed.h",
		"modules.order", "modules.builtin",
	};
	size_t i;

	if (base[0] == '.')
		return false;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(base, names[i]))
			return false;
	for (i = 0; i < ARRAY_SIZE(suffixes); i++)
		if (has_suffix(base, suffixes[i]))
			return false;
	return true;
}

bool kh_kit_dir_ok(const char *base)
{
	return base[0] != '.' && strcmp(base, "__pycache__");
}

bool kh_kit_walk_ok(const struct kh_kit_root *r, const char *rel,
		    unsigned int depth)
{
	const char *base = strrchr(rel, '/');

	base = base ? base + 1 : rel;
	if (r->flags & KH_KIT_SHALLOW)
		return depth == 1;
	if (!(r->flags & KH_KIT_ARCH_TOP))
		return true;
	if (depth == 1)
		return !strncmp(base, "Makefile", 8);
	/* The platform Makefiles that arch/mips/Makefile includes. */
	return !strcmp(base, "Kbuild.platforms") || !strcmp(base, "Platform");
}

int kh_kit_is_elf(const char *path, struct kh_error *err)
{
	unsigned char magic[4];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return kh_err_sys_at(err, errno, path, "cannot open '%s'", path);
	do
		n = read(fd, magic, sizeof(magic));
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return kh_err_sys_at(err, errno, path, "cannot read '%s'", path);
	return n == 4 && !memcmp(magic, "\177ELF", 4);
}

/*
 * The value of "CONFIG_@name=VALUE" in @cfg (auto.conf's text): a pointer
 * to VALUE, which runs to the end of its line; NULL when absent.
 */
static const char *config_value(const char *cfg, const char *name)
{
	size_t n = strlen(name);
	const char *line = cfg;

	while (*line) {
		if (!strncmp(line, "CONFIG_", 7) &&
		    !strncmp(line + 7, name, n) && line[7 + n] == '=')
			return line + 8 + n;
		line = strchrnul(line, '\n');
		if (*line)
			line++;
	}
	return NULL;
}

/* Whether @cfg has the line "CONFIG_@name=y". */
static bool config_y(const char *cfg, const char *name)
{
	const char *v = config_value(cfg, name);

	return v && v[0] == 'y' && (v[1] == '\n' || !v[1]);
}

/*
 * The string CONFIG_@name of @cfg into @out (@size bytes); "" when
 * absent.  auto.conf writes strings bare from 5.18 on and quoted (with \"
 * and \\ escapes) before, as .config still does.
 */
static void config_string(const char *cfg, const char *name, char *out,
			  size_t size)
{
	const char *v = config_value(cfg, name);
	bool quoted;
	size_t k = 0;

	out[0] = '\0';
	if (!v)
		return;
	quoted = *v == '"';
	for (v += quoted; *v && *v != '\n' && (!quoted || *v != '"') &&
	     k + 1 < size; v++) {
		if (quoted && *v == '\\' && v[1] && v[1] != '\n')
			v++;
		out[k++] = *v;
	}
	out[k] = '\0';
}

/* The plugins scripts/Makefile.gcc-plugins adds to every compile. */
static const char *const gcc_plugins[] = {
	"GCC_PLUGIN_LATENT_ENTROPY", "GCC_PLUGIN_STACKLEAK",
	"GCC_PLUGIN_STRUCTLEAK", "GCC_PLUGIN_ARM_SSP_PER_TASK",
};

int kh_kit_config_read(const char *objtree, struct kh_kit_config *cfg,
		       struct kh_error *err)
{
	size_t i;
	struct kh_buf buf;
	const char *text;
	char *path;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	path = kh_path_join(objtree, "include/config/auto.conf");
	if (!path)
		return kh_err_sys(err, ENOMEM, "cannot read the configuration of '%s'",
				  objtree);
	kh_buf_init(&buf);
	ret = kh_read_file(path, 64U << 20, &buf, err);
	if (ret == -ENOENT)
		ret = kh_err_at(err, ENOENT, path,
				"'%s' is missing: the modules profile needs a configured object tree",
				path);
	if (ret)
		goto out;
	text = kh_buf_str(&buf);
	if (config_y(text, "RANDSTRUCT") ||
	    config_y(text, "GCC_PLUGIN_RANDSTRUCT")) {
		ret = kh_err_at(err, EPERM, path,
				"cannot offer a module kit: the kernel is built with CONFIG_RANDSTRUCT, so its modules need the structure layout seed, which must not be published in the archive (a world-readable file)");
		goto out;
	}
	cfg->objtool = config_y(text, "OBJTOOL");
	cfg->modversions = config_y(text, "MODVERSIONS");
	cfg->gendwarfksyms = config_y(text, "GENDWARFKSYMS");
	cfg->genksyms = config_y(text, "GENKSYMS") ||
			(cfg->modversions && !cfg->gendwarfksyms);
	cfg->recordmcount = config_y(text, "FTRACE_MCOUNT_USE_RECORDMCOUNT") &&
			    config_y(text, "HAVE_C_RECORDMCOUNT");
	cfg->clang = config_y(text, "CC_IS_CLANG");
	cfg->lto = config_y(text, "LTO_CLANG");
	cfg->cfi = config_y(text, "CFI_CLANG") || config_y(text, "CFI");
	cfg->gcc_plugins = config_y(text, "GCC_PLUGINS");
	for (i = 0; cfg->gcc_plugins && i < ARRAY_SIZE(gcc_plugins); i++)
		if (config_y(text, gcc_plugins[i])) {
			snprintf(cfg->gcc_plugin, sizeof(cfg->gcc_plugin),
				 "CONFIG_%s", gcc_plugins[i]);
			break;
		}
	config_string(text, "CC_VERSION_TEXT", cfg->cc_version_text,
		      sizeof(cfg->cc_version_text));
out:
	kh_buf_release(&buf);
	free(path);
	return ret;
}
