// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - kh_run(): posix_spawnp() with a working directory, an extended
 * environment and the output gathered through a pipe, then waitpid().
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "run.h"

extern char **environ;

/* Whether "NAME=..." entry @e names the variable of @set ("NAME=VALUE"). */
static bool same_name(const char *e, const char *set)
{
	size_t n = strcspn(set, "=");

	return !strncmp(e, set, n) && e[n] == '=';
}

/* environ with @env's entries added or replacing; NULL on ENOMEM. */
static char **make_env(char *const env[])
{
	size_t n = 0, m = 0, i, j, k = 0;
	char **v;

	while (environ[n])
		n++;
	while (env && env[m])
		m++;
	v = calloc(n + m + 1, sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0; i < n; i++) {
		for (j = 0; j < m && !same_name(environ[i], env[j]); j++)
			;
		if (j == m)
			v[k++] = environ[i];
	}
	for (j = 0; j < m; j++)
		v[k++] = env[j];
	return v;
}

static void drain(int fd, struct kh_buf *out)
{
	char chunk[8192];
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		if (out && out->len + n <= KH_RUN_OUTPUT_MAX)
			kh_buf_append(out, chunk, n);
	}
}

static int spawn(char *const argv[], const char *dir, char **envp,
		 int outfd, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	int ret;

	if (posix_spawn_file_actions_init(&fa))
		return -ENOMEM;
	ret = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!ret && outfd >= 0) {
		ret = posix_spawn_file_actions_adddup2(&fa, outfd, 1);
		if (!ret)
			ret = posix_spawn_file_actions_adddup2(&fa, outfd, 2);
	} else if (!ret) {
		ret = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
		if (!ret)
			ret = posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	}
	if (!ret && dir)
		ret = posix_spawn_file_actions_addchdir_np(&fa, dir);
	if (!ret)
		ret = posix_spawnp(pid, argv[0], &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	return -ret;
}

int kh_run(char *const argv[], const char *dir, char *const env[],
	   struct kh_buf *out)
{
	int pipefd[2] = { -1, -1 }, status, ret;
	char **envp;
	pid_t pid;

	envp = make_env(env);
	if (!envp)
		return -ENOMEM;
	if (out && pipe2(pipefd, O_CLOEXEC)) {
		ret = -errno;
		goto out_env;
	}
	ret = spawn(argv, dir, envp, pipefd[1], &pid);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (ret)
		goto out_pipe;
	if (out)
		drain(pipefd[0], out);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			ret = -errno;
			goto out_pipe;
		}
	}
	ret = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
out_pipe:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
out_env:
	free(envp);
	return ret;
}
