/* SPDX-License-Identifier: GPL-2.0 */
/*
 * run.h - running another program and waiting for it: modprobe for
 * prepare's module source, the compiler and make for a module kit's host
 * programs.  The one place the library starts a process.
 */
#ifndef KH_RUN_H
#define KH_RUN_H

#include "util.h"

/* Output kept of one run; the rest is read and dropped. */
#define KH_RUN_OUTPUT_MAX ((size_t)1 << 20)

/*
 * kh_run() - run @argv (@argv[0] looked up in PATH when it has no slash)
 * in directory @dir (NULL: the current one), with standard input from
 * /dev/null, the environment plus @env ("NAME=VALUE" strings that add or
 * replace, NULL-terminated; NULL for none), and standard output and error
 * both appended to @out (NULL: /dev/null), up to KH_RUN_OUTPUT_MAX bytes.
 *
 * Return: the exit status (0-255), 128 plus the signal that ended it, or a
 * negative errno value when it could not be started (-ENOENT: no such
 * program).
 */
int kh_run(char *const argv[], const char *dir, char *const env[],
	   struct kh_buf *out);

#endif /* KH_RUN_H */
