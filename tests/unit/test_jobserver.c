// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jobserver.h"

/* Tokens left in a pipe or fifo, read without blocking. */
static int drain(int rfd, char *got, int max)
{
	int fl = fcntl(rfd, F_GETFL), n = 0;

	fcntl(rfd, F_SETFL, fl | O_NONBLOCK);
	while (n < max && read(rfd, got + n, 1) == 1)
		n++;
	fcntl(rfd, F_SETFL, fl);
	return n;
}

Test(jobserver, fds_style_takes_what_is_free_and_gives_the_same_bytes_back)
{
	struct kh_jobserver *js;
	char flags[128], got[16];
	int p[2];

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(write(p[1], "abc", 3), 3);
	snprintf(flags, sizeof(flags), "-j4 --jobserver-auth=%d,%d", p[0], p[1]);
	cr_assert_eq(kh_jobserver_open(&js, flags), 0);
	cr_assert_not_null(js);
	/* Asks for 8, never blocks: 3 are free. */
	cr_assert_eq(kh_jobserver_acquire(js, 8), 3);
	cr_assert_eq(kh_jobserver_held(js), 3);
	cr_assert_eq(kh_jobserver_acquire(js, 8), 0);
	cr_assert_eq(fcntl(p[0], F_GETFL) & O_NONBLOCK, 0,
		     "make's own description stays blocking");
	kh_jobserver_release(js);
	cr_assert_eq(kh_jobserver_held(js), 0);
	cr_assert_eq(drain(p[0], got, sizeof(got)), 3);
	got[3] = '\0';
	cr_assert(strchr(got, 'a') && strchr(got, 'b') && strchr(got, 'c'),
		  "the very bytes come back: %s", got);
	kh_jobserver_close(js);
	close(p[0]);
	close(p[1]);
}

Test(jobserver, old_fds_option_and_last_option_wins)
{
	struct kh_jobserver *js;
	char flags[160];
	int p[2];

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(write(p[1], "+", 1), 1);
	snprintf(flags, sizeof(flags),
		 "-j --jobserver-auth=fifo:/nonexistent --jobserver-fds=%d,%d",
		 p[0], p[1]);
	cr_assert_eq(kh_jobserver_open(&js, flags), 0);
	cr_assert_not_null(js);
	cr_assert_eq(kh_jobserver_acquire(js, 2), 1);
	kh_jobserver_close(js);
	cr_assert_eq(drain(p[0], flags, 4), 1, "close gives the token back");
	close(p[0]);
	close(p[1]);
}

Test(jobserver, fifo_style)
{
	char dir[] = "/tmp/kh-js.XXXXXX", fifo[64], flags[128], got[8];
	struct kh_jobserver *js;
	int hold;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	hold = open(fifo, O_RDWR);
	cr_assert_geq(hold, 0);
	cr_assert_eq(write(hold, "xy", 2), 2);
	snprintf(flags, sizeof(flags), " -j3 --jobserver-auth=fifo:%s", fifo);
	cr_assert_eq(kh_jobserver_open(&js, flags), 0);
	cr_assert_not_null(js);
	cr_assert_eq(kh_jobserver_acquire(js, 1), 1);
	cr_assert_eq(kh_jobserver_acquire(js, 5), 1);
	cr_assert_eq(kh_jobserver_acquire(js, 5), 0);
	kh_jobserver_release_all();	/* the signal handler's path */
	cr_assert_eq(kh_jobserver_held(js), 0);
	cr_assert_eq(drain(hold, got, sizeof(got)), 2);
	kh_jobserver_close(js);
	close(hold);
	unlink(fifo);
	rmdir(dir);
}

Test(jobserver, no_or_unusable_jobserver_is_not_an_error)
{
	struct kh_jobserver *js = (void *)1;

	cr_assert_eq(kh_jobserver_open(&js, NULL), 0);
	cr_assert_null(js);
	cr_assert_eq(kh_jobserver_open(&js, "-k -j4"), 0);
	cr_assert_null(js);
	/* make did not pass the descriptors (a recipe without '+'). */
	cr_assert_eq(kh_jobserver_open(&js, "--jobserver-auth=900,901"), 0);
	cr_assert_null(js);
	cr_assert_eq(kh_jobserver_open(&js, "--jobserver-auth=fifo:/nonexistent"), 0);
	cr_assert_null(js);
	cr_assert_eq(kh_jobserver_acquire(NULL, 4), 0);
}
