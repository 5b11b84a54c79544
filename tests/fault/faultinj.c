// SPDX-License-Identifier: GPL-2.0
/*
 * faultinj.c - an LD_PRELOAD shim the fault-injection tests
 * (tests/cli/t_fault*.sh) load into kheaders to make chosen system calls
 * misbehave, driven by environment variables:
 *
 *   KH_FAULT         calls to act on, comma-separated: open (open, open64,
 *                    openat, openat64), read, write, fsync, rename
 *                    (rename, renameat), mkostemp
 *   KH_FAULT_PATH    fnmatch(3) pattern the call's path must match (for
 *                    descriptor calls: the path the descriptor was opened
 *                    with, through /proc/self/fd); default "*"
 *   KH_FAULT_AFTER   let this many matching calls through first (default 0)
 *   KH_FAULT_COUNT   act on at most this many calls (default: all)
 *   KH_FAULT_ERRNO   errno name or number the call fails with (default EIO)
 *   KH_FAULT_ACTION  fail (default): return -1 with KH_FAULT_ERRNO;
 *                    unlink: remove the path, then make the real call;
 *                    grow / shrink: append 4 KiB to / halve the file, then
 *                    make the real call; sigint / sigterm: raise the
 *                    signal, then make the real call; stop: raise SIGSTOP
 *                    (the test sends a signal and SIGCONT), then the call;
 *                    short: a read or write moves only half the bytes
 *   KH_FAULT_LOG     file that gets one line per injected fault, so a test
 *                    can tell the fault really happened
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum fault_action { ACT_FAIL, ACT_UNLINK, ACT_GROW, ACT_SHRINK, ACT_SIGINT,
		    ACT_SIGTERM, ACT_STOP, ACT_SHORT };

static const char *fault_calls;
static const char *fault_path = "*";
static long fault_after, fault_count = -1, fault_seen, fault_done;
static int fault_errno = EIO;
static enum fault_action fault_action = ACT_FAIL;
static const char *fault_log;

static int (*real_open)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_write)(int, const void *, size_t);
static int (*real_fsync)(int);
static int (*real_rename)(const char *, const char *);
static int (*real_renameat)(int, const char *, int, const char *);
static int (*real_mkostemp)(char *, int);

static const struct { const char *name; int value; } errnos[] = {
	{ "EIO", EIO }, { "ENOSPC", ENOSPC }, { "EACCES", EACCES },
	{ "EMFILE", EMFILE }, { "ENFILE", ENFILE }, { "EROFS", EROFS },
	{ "EXDEV", EXDEV }, { "EPERM", EPERM }, { "ENOENT", ENOENT },
	{ "EDQUOT", EDQUOT }, { "EINTR", EINTR }, { "ENOMEM", ENOMEM },
	{ "EFBIG", EFBIG },
};

static int parse_errno(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (!strcmp(s, errnos[i].name))
			return errnos[i].value;
	return atoi(s) > 0 ? atoi(s) : EIO;
}

static enum fault_action parse_action(const char *s)
{
	static const char *const names[] = {
		"fail", "unlink", "grow", "shrink", "sigint", "sigterm", "stop",
		"short",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i]))
			return (enum fault_action)i;
	return ACT_FAIL;
}

__attribute__((constructor)) static void fault_init(void)
{
	const char *v;

	real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	real_openat = (int (*)(int, const char *, int, ...))
		dlsym(RTLD_NEXT, "openat");
	real_read = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
	real_write = (ssize_t (*)(int, const void *, size_t))
		dlsym(RTLD_NEXT, "write");
	real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	real_rename = (int (*)(const char *, const char *))
		dlsym(RTLD_NEXT, "rename");
	real_renameat = (int (*)(int, const char *, int, const char *))
		dlsym(RTLD_NEXT, "renameat");
	real_mkostemp = (int (*)(char *, int))dlsym(RTLD_NEXT, "mkostemp");
	fault_calls = getenv("KH_FAULT");
	if ((v = getenv("KH_FAULT_PATH")) && *v)
		fault_path = v;
	if ((v = getenv("KH_FAULT_AFTER")))
		fault_after = atol(v);
	if ((v = getenv("KH_FAULT_COUNT")))
		fault_count = atol(v);
	if ((v = getenv("KH_FAULT_ERRNO")))
		fault_errno = parse_errno(v);
	if ((v = getenv("KH_FAULT_ACTION")))
		fault_action = parse_action(v);
	fault_log = getenv("KH_FAULT_LOG");
}

static bool call_selected(const char *call)
{
	const char *p = fault_calls;
	size_t n = strlen(call);

	while (p && *p) {
		if (!strncmp(p, call, n) && (p[n] == ',' || !p[n]))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

static void fd_path(int fd, char *buf, size_t size)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, size - 1);
	buf[n < 0 ? 0 : n] = '\0';
}

static void dir_path(int dirfd, const char *name, char *buf, size_t size)
{
	char dir[PATH_MAX];

	if (dirfd == AT_FDCWD || name[0] == '/') {
		snprintf(buf, size, "%s", name);
		return;
	}
	fd_path(dirfd, dir, sizeof(dir));
	snprintf(buf, size, "%s/%s", dir, name);
}

static void log_fault(const char *call, const char *path)
{
	char line[PATH_MAX + 64];
	int fd, n;

	if (!fault_log)
		return;
	fd = real_open(fault_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		       0644);
	if (fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%s %s\n", call, path);
	if (n > (int)sizeof(line) - 1)
		n = sizeof(line) - 1;
	if (real_write(fd, line, n) != n)
		n = 0;
	close(fd);
}

/* Whether this call of @call on @path is the one to act on. */
static bool fault_hit(const char *call, const char *path)
{
	long seen;

	if (!fault_calls || !call_selected(call) ||
	    fnmatch(fault_path, path, 0))
		return false;
	seen = __atomic_fetch_add(&fault_seen, 1, __ATOMIC_SEQ_CST);
	if (seen < fault_after)
		return false;
	if (fault_count >= 0 &&
	    __atomic_fetch_add(&fault_done, 1, __ATOMIC_SEQ_CST) >= fault_count)
		return false;
	log_fault(call, path);
	return true;
}

static void resize(const char *path, bool grow)
{
	static const char pad[4096];
	struct stat st;
	int fd;

	if (stat(path, &st) < 0)
		return;
	fd = real_open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return;
	if (grow && real_write(fd, pad, sizeof(pad)) < 0)
		grow = false;
	else if (!grow && ftruncate(fd, st.st_size / 2) < 0)
		grow = true;
	close(fd);
}

/* Act on @path; true when the call must fail with fault_errno. */
static bool fault_act(const char *path)
{
	switch (fault_action) {
	case ACT_FAIL:
		return true;
	case ACT_UNLINK:
		unlink(path);
		break;
	case ACT_GROW:
	case ACT_SHRINK:
		resize(path, fault_action == ACT_GROW);
		break;
	case ACT_SIGINT:
		raise(SIGINT);
		break;
	case ACT_SIGTERM:
		raise(SIGTERM);
		break;
	case ACT_STOP:
		raise(SIGSTOP);
		break;
	case ACT_SHORT:
		break;
	}
	return false;
}

static int open_common(int dirfd, const char *name, int flags, mode_t mode)
{
	char path[PATH_MAX * 2];

	if (!real_open)
		fault_init();
	dir_path(dirfd, name, path, sizeof(path));
	if (fault_hit("open", path) && fault_act(path)) {
		errno = fault_errno;
		return -1;
	}
	if (dirfd == AT_FDCWD)
		return real_open(name, flags, mode);
	return real_openat(dirfd, name, flags, mode);
}

static mode_t open_mode(int flags, va_list ap)
{
	return (flags & (O_CREAT | __O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
}

int open(const char *name, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	return open_common(AT_FDCWD, name, flags, mode);
}

int open64(const char *name, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	return open_common(AT_FDCWD, name, flags, mode);
}

int openat(int dirfd, const char *name, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	return open_common(dirfd, name, flags, mode);
}

int openat64(int dirfd, const char *name, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	return open_common(dirfd, name, flags, mode);
}

ssize_t read(int fd, void *buf, size_t len)
{
	char path[PATH_MAX];

	if (!real_read)
		fault_init();
	if (fault_calls && call_selected("read")) {
		fd_path(fd, path, sizeof(path));
		if (fault_hit("read", path)) {
			if (fault_action == ACT_SHORT)
				return real_read(fd, buf, (len + 1) / 2);
			if (fault_act(path)) {
				errno = fault_errno;
				return -1;
			}
		}
	}
	return real_read(fd, buf, len);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	char path[PATH_MAX];

	if (!real_write)
		fault_init();
	if (fault_calls && call_selected("write")) {
		fd_path(fd, path, sizeof(path));
		if (fault_hit("write", path)) {
			if (fault_action == ACT_SHORT)
				return real_write(fd, buf, (len + 1) / 2);
			if (fault_act(path)) {
				errno = fault_errno;
				return -1;
			}
		}
	}
	return real_write(fd, buf, len);
}

int fsync(int fd)
{
	char path[PATH_MAX];

	if (!real_fsync)
		fault_init();
	if (fault_calls && call_selected("fsync")) {
		fd_path(fd, path, sizeof(path));
		if (fault_hit("fsync", path) && fault_act(path)) {
			errno = fault_errno;
			return -1;
		}
	}
	return real_fsync(fd);
}

int rename(const char *from, const char *to)
{
	if (!real_rename)
		fault_init();
	if (fault_hit("rename", to) && fault_act(to)) {
		errno = fault_errno;
		return -1;
	}
	return real_rename(from, to);
}

int renameat(int fromfd, const char *from, int tofd, const char *to)
{
	char path[PATH_MAX * 2];

	if (!real_renameat)
		fault_init();
	dir_path(tofd, to, path, sizeof(path));
	if (fault_hit("rename", path) && fault_act(path)) {
		errno = fault_errno;
		return -1;
	}
	return real_renameat(fromfd, from, tofd, to);
}

int mkostemp(char *tmpl, int flags)
{
	if (!real_mkostemp)
		fault_init();
	if (fault_hit("mkostemp", tmpl) && fault_act(tmpl)) {
		errno = fault_errno;
		return -1;
	}
	return real_mkostemp(tmpl, flags);
}
