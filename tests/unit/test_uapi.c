// SPDX-License-Identifier: GPL-2.0
/*
 * test_uapi.c - the headers_install transform, one case per quirk of
 * headers_install.sh's sed expressions and of unifdef 2.5, each expected
 * output recorded from the kernel's own scripts/headers_install.sh and
 * scripts/unifdef (7.2.13); the checks (GPL SPDX line, CONFIG leaks and
 * their per-generation exceptions, unifdef's errors); LINUX_VERSION_CODE
 * parsing and the generation table.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "kheaders.h"
#include "uapi.h"

#define V61	((6u << 16) + (1u << 8) + 192)
#define V612	((6u << 16) + (12u << 8) + 118)
#define V72	((7u << 16) + (2u << 8) + 13)

static void check(unsigned int code, const char *in, const char *want)
{
	struct kh_buf out;
	struct kh_error err;

	kh_buf_init(&out);
	cr_assert_eq(kh_uapi_header(code, "t/include/uapi/linux/t.h", in,
				    strlen(in), &out, &err), 0,
		     "failed: %s", err.msg);
	cr_assert_str_eq(kh_buf_str(&out), want);
	kh_buf_release(&out);
}

/* The header must fail with a message holding @what. */
static void check_fail(unsigned int code, const char *path, const char *in,
		       const char *what)
{
	struct kh_buf out;
	struct kh_error err;

	kh_buf_init(&out);
	cr_assert_eq(kh_uapi_header(code, path, in, strlen(in), &out, &err),
		     -EINVAL);
	cr_assert(strstr(err.msg, what), "message '%s' lacks '%s'", err.msg,
		  what);
	cr_assert_eq(out.len, 0);
	kh_buf_release(&out);
}

Test(uapi, asm_volatile)
{
	check(V72, "static inline void f(void) { asm volatile(\"nop\"); }\n",
	      "static __inline__ void f(void) { __asm__ volatile(\"nop\"); }\n");
}

Test(uapi, attr_const)
{
	check(V72, "int g(void) __attribute_const__;\n"
		"int h(void) __attribute_const____attribute_const__ ;\n",
	      "int g(void) __attribute_const__;\n"
		"int h(void) __attribute_const__ ;\n");
}

Test(uapi, compiler)
{
	check(V72, "#include <linux/compiler.h>\n"
		"#include <linux/compiler_types.h>\n"
		"int x;\n",
	      "\n"
		"#include <linux/compiler_types.h>\n"
		"int x;\n");
}

Test(uapi, crlf_elif)
{
	check(V72, "#if defined(X)\r\n"
		"a\r\n"
		"#elif defined(__EXPORTED_HEADERS__) /* c */\r\n"
		"b\r\n"
		"#else\r\n"
		"c\r\n"
		"#endif\r\n",
	      "#if defined(X)\r\n"
		"a\r\n"
		"#else\r\n"
		"b\r\n"
		"#endif\r\n");
}

Test(uapi, elif_rewrite)
{
	check(V72, "#if defined(__KERNEL__)\n"
		"a\n"
		"#elif defined(X)\n"
		"b\n"
		"#else\n"
		"c\n"
		"#endif\n",
	      "#if   defined(X)\n"
		"b\n"
		"#else\n"
		"c\n"
		"#endif\n");
}

Test(uapi, elif_true)
{
	check(V72, "#if defined(X)\n"
		"a\n"
		"#elif !defined(__KERNEL__)\n"
		"b\n"
		"#else\n"
		"c\n"
		"#endif\n",
	      "#if defined(X)\n"
		"a\n"
		"#else\n"
		"b\n"
		"#endif\n");
}

Test(uapi, guard)
{
	check(V72, "#ifndef _UAPI_LINUX_X_H\n"
		"#define _UAPI_LINUX_X_H\n"
		"#endif /* _UAPI_LINUX_X_H */\n",
	      "#ifndef _LINUX_X_H\n"
		"#define _LINUX_X_H\n"
		"#endif /* _LINUX_X_H */\n");
}

Test(uapi, if0)
{
	check(V72, "#if 0\n"
		"int a;\n"
		"#endif\n"
		"#if 1\n"
		"int b;\n"
		"#endif\n",
	      "#if 0\n"
		"int a;\n"
		"#endif\n"
		"#if 1\n"
		"int b;\n"
		"#endif\n");
}

Test(uapi, kernel_else)
{
	check(V72, "#ifdef __KERNEL__\n"
		"int k;\n"
		"#else\n"
		"int u;\n"
		"#endif\n",
	      "int u;\n");
}

Test(uapi, no_newline)
{
	check(V72, "#ifndef __KERNEL__\n"
		"int a;\n"
		"#endif",
	      "int a;\n");
}

Test(uapi, packed_twice)
{
	check(V72, "struct s __packed __packed;\n"
		"__packed struct t;\n",
	      "struct s __attribute__((packed)) __packed;\n"
		"__attribute__((packed)) struct t;\n");
}

Test(uapi, partial)
{
	check(V72, "#if defined(__KERNEL__) || defined(X)\n"
		"a\n"
		"#endif\n"
		"#if defined(__KERNEL__) && defined(X)\n"
		"b\n"
		"#endif\n"
		"#if defined(X) && defined(__EXPORTED_HEADERS__)\n"
		"c\n"
		"#endif\n",
	      "#if defined(__KERNEL__) || defined(X)\n"
		"a\n"
		"#endif\n"
		"#if defined(X) && defined(__EXPORTED_HEADERS__)\n"
		"c\n"
		"#endif\n");
}

Test(uapi, user_adjacent)
{
	check(V72, "int f(void __user __user *p, char (__user *q), int __force\tx);\n",
	      "int f(void __user *p, char (*q), int x);\n");
}

Test(uapi, compiler_types_dropped_before_7)
{
	check(V61, "#include <linux/compiler_types.h>\nint x;\n", "\nint x;\n");
	check(V612, "#include <linux/compiler_types.h>\nint x;\n", "\nint x;\n");
}

Test(uapi, spdx_gpl_without_syscall_note)
{
	check_fail(V72, "t.h", "/* SPDX-License-Identifier: GPL-2.0 */\n",
		   "'t.h': missing \"WITH Linux-syscall-note\"");
	check(V72, "/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */\n",
	      "/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */\n");
	check(V72, "/* SPDX-License-Identifier: MIT */\n",
	      "/* SPDX-License-Identifier: MIT */\n");
}

Test(uapi, config_leak_outside_comments_only)
{
	check_fail(V72, "t.h", "int a = CONFIG_FOO;\n",
		   "'t.h': leak CONFIG_FOO to user-space");
	check(V72, "/* CONFIG_FOO */ int a;\n/* x\n * CONFIG_BAR */\n",
	      "/* CONFIG_FOO */ int a;\n/* x\n * CONFIG_BAR */\n");
	check(V72, "int XCONFIG_FOO;\n", "int XCONFIG_FOO;\n");
	/* the script knows no strings nor // comments */
	check_fail(V72, "t.h", "// CONFIG_BAZ\n", "leak CONFIG_BAZ");
	check(V72, "char *s = \"/*\"; int CONFIG_HIDDEN; /* */\n",
	      "char *s = \"/*\"; int CONFIG_HIDDEN; /* */\n");
}

Test(uapi, config_leak_comment_open_at_end_prints_its_words)
{
	/* the script's comment remover takes the opener in a string for a
	 * comment that never ends; GNU sed's N prints what is left */
	check_fail(V72, "t.h", "char *s = \"/*\";\nint a;\n",
		   "'t.h': leak char to user-space");
}

Test(uapi, config_leak_exceptions_per_generation)
{
	static const char p[] = "/src/arch/x86/include/uapi/asm/auxvec.h";
	struct kh_buf out;
	struct kh_error err;
	const char *in = "#if CONFIG_X86_64\n#endif\n";

	kh_buf_init(&out);
	cr_assert_eq(kh_uapi_header(V61, p, in, strlen(in), &out, &err), 0);
	cr_assert_eq(kh_uapi_header(V612, p, in, strlen(in), &out, &err), 0);
	kh_buf_release(&out);
	check_fail(V72, p, in, "leak CONFIG_X86_64");
	check_fail(V612, "/src/arch/x86/include/uapi/asm/mman.h",
		   "#ifdef CONFIG_X86_INTEL_MEMORY_PROTECTION_KEYS\n#endif\n",
		   "leak CONFIG_X86_INTEL_MEMORY_PROTECTION_KEYS");
}

Test(uapi, unifdef_errors)
{
	check_fail(V72, "t.h", "#ifdef __KERNEL__\nint k;\n",
		   "line 3: Premature EOF (#if line 1 depth 1)");
	check_fail(V72, "t.h", "#endif\n", "line 1: Inappropriate #endif");
	check_fail(V72, "t.h", "#warning don't\n",
		   "line 1: unterminated char literal");
	check_fail(V72, "t.h", "/* open\n", "EOF in comment");
	check_fail(V72, "t.h", "#ifdef __KERNEL__ /* a\n b */\n#endif\n",
		   "Obfuscated preprocessor control line");
}

Test(uapi, unknown_generation)
{
	struct kh_buf out;
	struct kh_error err;

	kh_buf_init(&out);
	cr_assert_eq(kh_uapi_header((6u << 16) + (5u << 8), "t.h", "x\n", 2,
				    &out, &err), -EINVAL);
	cr_assert(strstr(err.msg, "Linux 6.5 is not a generation"));
	cr_assert_null(kh_uapi_gen_find((5u << 16) + (15u << 8)));
	cr_assert_str_eq(kh_uapi_gen_find(V612)->name, "6.12");
	kh_buf_release(&out);
}

Test(uapi, version_code)
{
	unsigned int code = 0;
	const char *t = "#define LINUX_VERSION_CODE 393408\n"
			"#define KERNEL_VERSION(a,b,c) ...\n";

	cr_assert_eq(kh_uapi_version_code(t, strlen(t), &code), 0);
	cr_assert_eq(code, 393408u);
	cr_assert_eq(kh_uapi_version_code("#define LINUX_VERSION_CODE x\n", 29,
					  &code), -EINVAL);
	cr_assert_eq(kh_uapi_version_code("", 0, &code), -EINVAL);
}

Test(uapi, output_appended_and_kept_on_failure)
{
	struct kh_buf out;
	struct kh_error err;

	kh_buf_init(&out);
	kh_buf_addstr(&out, "before;");
	cr_assert_eq(kh_uapi_header(V72, "t.h", "int a;\n", 7, &out, &err), 0);
	cr_assert_str_eq(kh_buf_str(&out), "before;int a;\n");
	cr_assert_eq(kh_uapi_header(V72, "t.h", "#endif\n", 7, &out, &err),
		     -EINVAL);
	cr_assert_str_eq(kh_buf_str(&out), "before;int a;\n");
	kh_buf_release(&out);
}

