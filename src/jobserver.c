// SPDX-License-Identifier: GPL-2.0
/*
 * jobserver.c - a client of GNU make's jobserver, so that `make -jN` is
 * never oversubscribed: every thread beyond the first holds a token read
 * from make's pipe or fifo.  Tokens are only ever taken without blocking
 * (through a descriptor of our own with O_NONBLOCK, never make's shared
 * one) and exactly the bytes taken are written back, also from a signal
 * handler through kh_jobserver_release_all().
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jobserver.h"

#define JS_MAX_TOKENS 1024

struct kh_jobserver {
	int rfd;		/* ours, O_NONBLOCK */
	int wfd;
	bool own_wfd;
	unsigned int held;	/* tokens[0..held) are ours to give back */
	char tokens[JS_MAX_TOKENS];
};

/* The client a signal handler must give back; one per process. */
static struct kh_jobserver *volatile js_current;

/* The value of the last --jobserver-auth= or --jobserver-fds= in @flags. */
static char *auth_value(const char *flags)
{
	static const char *const keys[] = {
		"--jobserver-auth=", "--jobserver-fds=",
	};
	const char *best = NULL, *p;
	size_t i, n;

	for (i = 0; i < 2; i++) {
		for (p = strstr(flags, keys[i]); p; p = strstr(p + 1, keys[i]))
			if (!best || p > best)
				best = p + strlen(keys[i]);
	}
	if (!best)
		return NULL;
	n = strcspn(best, " \t");
	return strndup(best, n);
}

static bool is_fifo_fd(int fd)
{
	struct stat st;

	return fcntl(fd, F_GETFD) >= 0 && !fstat(fd, &st) &&
	       S_ISFIFO(st.st_mode);
}

/* A new open file description of make's read end, non-blocking. */
static int open_fds(struct kh_jobserver *js, const char *v)
{
	char path[64];
	int r, w, n = -1;

	if (sscanf(v, "%d,%d%n", &r, &w, &n) != 2 || v[n] || r < 0 || w < 0)
		return -EINVAL;
	if (!is_fifo_fd(r) || !is_fifo_fd(w))
		return -EBADF;	/* make did not hand them to us */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", r);
	js->rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (js->rfd < 0)
		return -errno;
	js->wfd = w;
	js->own_wfd = false;
	return 0;
}

static int open_fifo(struct kh_jobserver *js, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISFIFO(st.st_mode))
		return -EINVAL;
	js->rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (js->rfd < 0)
		return -errno;
	js->wfd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (js->wfd < 0) {
		close(js->rfd);
		return -errno;
	}
	js->own_wfd = true;
	return 0;
}

int kh_jobserver_open(struct kh_jobserver **jsp, const char *makeflags)
{
	struct kh_jobserver *js;
	char *v;
	int ret;

	*jsp = NULL;
	if (!makeflags)
		return 0;
	v = auth_value(makeflags);
	if (!v)
		return 0;
	js = calloc(1, sizeof(*js));
	if (!js) {
		free(v);
		return -ENOMEM;
	}
	if (!strncmp(v, "fifo:", 5))
		ret = open_fifo(js, v + 5);
	else
		ret = open_fds(js, v);
	free(v);
	if (ret) {
		free(js);
		return ret == -ENOMEM ? ret : 0;
	}
	js_current = js;
	*jsp = js;
	return 0;
}

unsigned int kh_jobserver_acquire(struct kh_jobserver *js, unsigned int want)
{
	unsigned int got = 0;
	char c;
	ssize_t n;

	if (!js)
		return 0;
	while (got < want && js->held < JS_MAX_TOKENS) {
		n = read(js->rfd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n != 1)
			break;	/* EAGAIN: none free now; 0: make is gone */
		/* Publish the byte before counting it: signal safety. */
		js->tokens[js->held] = c;
		__atomic_store_n(&js->held, js->held + 1, __ATOMIC_SEQ_CST);
		got++;
	}
	return got;
}

unsigned int kh_jobserver_held(const struct kh_jobserver *js)
{
	return js ? js->held : 0;
}

/* Async-signal-safe: write(2) only. */
static void give_back(struct kh_jobserver *js)
{
	unsigned int n;
	ssize_t w;

	n = __atomic_exchange_n(&js->held, 0, __ATOMIC_SEQ_CST);
	while (n) {
		w = write(js->wfd, js->tokens + n - 1, 1);
		if (w < 0 && errno == EINTR)
			continue;
		if (w != 1)
			break;
		n--;
	}
}

void kh_jobserver_release(struct kh_jobserver *js)
{
	if (js)
		give_back(js);
}

void kh_jobserver_release_all(void)
{
	struct kh_jobserver *js = js_current;

	if (js)
		give_back(js);
}

void kh_jobserver_close(struct kh_jobserver *js)
{
	if (!js)
		return;
	give_back(js);
	if (js_current == js)
		js_current = NULL;
	close(js->rfd);
	if (js->own_wfd)
		close(js->wfd);
	free(js);
}
