// SPDX-License-Identifier: GPL-2.0
/*
 * strip_bench.c - throughput of kh_strip() on real headers.  Reads the files
 * named one per line on standard input into memory once, then strips every
 * one of them (into a separate buffer, as build does) in each mode until a
 * second of CPU time is used, and prints MB/s of CPU time per mode (the
 * machine may be shared, so wall time would mislead).  A user of the public
 * header only; tests/corpus/t_strip_compat.sh builds and runs it.
 *
 * Build: cc -O2 -Ibuild/include -o build/strip_bench tools/strip_bench.c \
 *	build/libkheaders.so.0 -Wl,-rpath,$PWD/build
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kheaders.h"

struct bench_file {
	char *name;
	struct kh_buf buf;
};

static double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int bench_mode(enum kh_strip_mode mode, struct bench_file *f,
		      size_t nf, size_t total, char *out)
{
	struct kh_error err;
	double t0 = bench_now(), dt;
	size_t i, n, rounds = 0, kept = 0;

	do {
		for (i = 0; i < nf; i++) {
			if (kh_strip(mode, (char *)f[i].buf.data, f[i].buf.len,
				     out, &n, f[i].name, &err)) {
				fprintf(stderr, "strip_bench: %s\n", err.msg);
				return 1;
			}
			kept += n;
		}
		rounds++;
		dt = bench_now() - t0;
	} while (dt < 1.0);
	printf("%-7s %8.1f MB/s  (%zu files, %.1f MB, %zu rounds, output %.1f%%)\n",
	       kh_strip_mode_name(mode), total * rounds / dt / 1e6, nf, total / 1e6, rounds,
	       100.0 * kept / (total * rounds));
	return 0;
}

int main(void)
{
	struct bench_file *f = NULL;
	struct kh_error err;
	size_t nf = 0, total = 0, max = 0, cap = 0;
	char line[4096], *out;
	enum kh_strip_mode mode;
	int ret = 0;

	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		if (nf == cap) {
			cap = cap ? 2 * cap : 1024;
			f = realloc(f, cap * sizeof(*f));
			if (!f)
				return 1;
		}
		f[nf].name = strdup(line);
		kh_buf_init(&f[nf].buf);
		if (kh_read_file(line, 1 << 30, &f[nf].buf, &err)) {
			fprintf(stderr, "strip_bench: %s\n", err.msg);
			return 1;
		}
		total += f[nf].buf.len;
		if (f[nf].buf.len > max)
			max = f[nf].buf.len;
		nf++;
	}
	out = malloc(max + 1);
	if (!out)
		return 1;
	for (mode = 0; strcmp(kh_strip_mode_name(mode), "unknown"); mode++)
		ret |= bench_mode(mode, f, nf, total, out);
	return ret;
}
