// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kheaders.h"
#include "kit.h"

static char root[64];

static void put(const char *rel, const void *data, size_t len)
{
	char path[512], cmd[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	cr_assert_eq(system(cmd), 0);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fwrite(data, 1, len, f);
	fclose(f);
}

static void setup_tree(void)
{
	strcpy(root, "/tmp/kh-kit.XXXXXX");
	cr_assert_not_null(mkdtemp(root));
}

static void teardown_tree(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(kit, .init = setup_tree, .fini = teardown_tree);

Test(kit, names_that_never_go_in)
{
	static const char *const bad[] = {
		".modpost.o.cmd", ".gitignore", "modpost.o", "libsubcmd.a",
		"randomize_layout_plugin.so", "x.ko", "Module.symvers",
		"randstruct.seed", "randomize_layout_seed.h", "modules.order",
		"devicetable-offsets.s", "parse.tab.c.tmp", "signing_key.pem",
		"x509.genkey", "kernel.priv",
	};
	static const char *const good[] = {
		"Makefile", "Makefile.build", "modpost.c", "elfconfig.h",
		"module.lds", "module.lds.S", "check-local-export", "Kbuild",
		"parse.tab.c", "x86-opcode-map.txt", "auto.conf",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_expect(!kh_kit_name_ok(bad[i]), "%s", bad[i]);
	for (i = 0; i < sizeof(good) / sizeof(*good); i++)
		cr_expect(kh_kit_name_ok(good[i]), "%s", good[i]);
	cr_expect(!kh_kit_dir_ok(".git"));
	cr_expect(!kh_kit_dir_ok("__pycache__"));
	cr_expect(kh_kit_dir_ok("mod"));
}

Test(kit, arch_root_takes_makefiles_and_platforms)
{
	const struct kh_kit_root arch = { false, true, "arch/%s",
					  KH_KIT_ARCH_TOP, NULL };
	const struct kh_kit_root lib = { false, true, "tools/lib",
					 KH_KIT_SHALLOW, NULL };

	cr_expect(kh_kit_walk_ok(&arch, "Makefile", 1));
	cr_expect(kh_kit_walk_ok(&arch, "Makefile_32.cpu", 1));
	cr_expect(!kh_kit_walk_ok(&arch, "Kconfig", 1));
	cr_expect(kh_kit_walk_ok(&arch, "loongson64/Platform", 2));
	cr_expect(kh_kit_walk_ok(&arch, "Kbuild.platforms", 2));
	cr_expect(!kh_kit_walk_ok(&arch, "kernel/Makefile", 2));
	cr_expect(kh_kit_walk_ok(&lib, "rbtree.c", 1));
	cr_expect(!kh_kit_walk_ok(&lib, "bpf/libbpf.c", 2));
}

Test(kit, elf_magic_decides)
{
	char path[512];

	put("prog", "\177ELF\2\1\1", 7);
	put("script", "#!/bin/sh\n", 10);
	put("tiny", "\177E", 2);
	put("empty", "", 0);
	snprintf(path, sizeof(path), "%s/prog", root);
	cr_expect_eq(kh_kit_is_elf(path, NULL), 1);
	snprintf(path, sizeof(path), "%s/script", root);
	cr_expect_eq(kh_kit_is_elf(path, NULL), 0);
	snprintf(path, sizeof(path), "%s/tiny", root);
	cr_expect_eq(kh_kit_is_elf(path, NULL), 0);
	snprintf(path, sizeof(path), "%s/empty", root);
	cr_expect_eq(kh_kit_is_elf(path, NULL), 0);
	snprintf(path, sizeof(path), "%s/missing", root);
	cr_expect_eq(kh_kit_is_elf(path, NULL), -ENOENT);
}

static int read_config(const char *text, struct kh_kit_config *cfg,
		       struct kh_error *err)
{
	put("include/config/auto.conf", text, strlen(text));
	return kh_kit_config_read(root, cfg, err);
}

Test(kit, config_objtool_and_genksyms)
{
	struct kh_kit_config cfg;
	struct kh_error err;

	cr_assert_eq(read_config("CONFIG_OBJTOOL=y\nCONFIG_MODVERSIONS=y\n",
				 &cfg, &err), 0, "%s", err.msg);
	cr_expect(cfg.objtool);
	cr_expect(cfg.genksyms);
	cr_assert_eq(read_config("CONFIG_MODVERSIONS=y\nCONFIG_GENDWARFKSYMS=y\n"
				 "CONFIG_OBJTOOL_WERROR=y\n", &cfg, &err), 0);
	cr_expect(!cfg.objtool, "OBJTOOL_WERROR is not OBJTOOL");
	cr_expect(!cfg.genksyms, "gendwarfksyms needs no parser");
	cr_assert_eq(read_config("CONFIG_GENKSYMS=y", &cfg, &err), 0);
	cr_expect(cfg.genksyms, "the last line needs no newline");
	cr_assert_eq(read_config("# CONFIG_OBJTOOL=y\nXCONFIG_OBJTOOL=y\n",
				 &cfg, &err), 0);
	cr_expect(!cfg.objtool);
}

Test(kit, randstruct_is_refused)
{
	struct kh_kit_config cfg;
	struct kh_error err;

	cr_expect_eq(read_config("CONFIG_MODULES=y\nCONFIG_RANDSTRUCT=y\n",
				 &cfg, &err), -EPERM);
	cr_expect(strstr(err.msg, "CONFIG_RANDSTRUCT"), "%s", err.msg);
	cr_expect(!strchr(err.msg, '\n'));
	cr_expect_eq(read_config("CONFIG_GCC_PLUGIN_RANDSTRUCT=y\n", &cfg,
				 &err), -EPERM);
	cr_expect_eq(read_config("CONFIG_RANDSTRUCT_NONE=y\n", &cfg, &err), 0);
}

Test(kit, no_auto_conf)
{
	struct kh_kit_config cfg;
	struct kh_error err;

	cr_expect_eq(kh_kit_config_read(root, &cfg, &err), -ENOENT);
	cr_expect(strstr(err.msg, "auto.conf' is missing"), "%s", err.msg);
}
