// SPDX-License-Identifier: GPL-2.0
/*
 * stderr_buffer.c - LD_PRELOAD helper for tools/strip_tokcheck.py: buffers
 * write(2) calls on file descriptor 2 and flushes them when the buffer fills
 * and at exit.  `clang -cc1 -dump-raw-tokens` prints every token to an
 * unbuffered stderr in several small writes; over the whole corpus those
 * syscalls cost seven times the lexing itself.  The output is unchanged
 * (the checker also verifies that each dump covers its file to the end, so
 * output lost by an abnormal exit shows up as a failure, not a pass).
 *
 * Build: cc -O2 -shared -fPIC -o stderr_buffer.so tools/stderr_buffer.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>
#include <unistd.h>

static char sb_buf[1 << 20];
static size_t sb_used;
static ssize_t (*sb_real_write)(int fd, const void *p, size_t n);

static void sb_init(void)
{
	if (!sb_real_write)
		sb_real_write = (ssize_t (*)(int, const void *, size_t))
			dlsym(RTLD_NEXT, "write");
}

static void sb_flush(void)
{
	size_t off = 0;
	ssize_t n;

	sb_init();
	while (off < sb_used) {
		n = sb_real_write(2, sb_buf + off, sb_used - off);
		if (n <= 0)
			break;
		off += n;
	}
	sb_used = 0;
}

ssize_t write(int fd, const void *p, size_t n);
ssize_t write(int fd, const void *p, size_t n)
{
	sb_init();
	if (fd != 2)
		return sb_real_write(fd, p, n);
	if (sb_used + n > sizeof(sb_buf))
		sb_flush();
	if (n > sizeof(sb_buf))
		return sb_real_write(fd, p, n);
	memcpy(sb_buf + sb_used, p, n);
	sb_used += n;
	return n;
}

__attribute__((destructor)) static void sb_fini(void)
{
	sb_flush();
}
