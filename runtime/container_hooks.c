/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OCI hooks run by moat itself, in the runtime's namespaces: prestart and
 * createRuntime (after create), poststart (after start), poststop (at
 * delete). Each gets the container's state on stdin, its own args and env,
 * and is killed when its timeout passes. createContainer and startContainer
 * run inside the container, started by its pid 1 through the same code
 * (container_process.c), with a step run in the hook's process before execve.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "container.h"
#include "oci_config.h"

static void hook_child(const struct oci_hook *h, int in, int (*before_exec)(struct moat_error *))
    __attribute__((noreturn));
static void hook_child(const struct oci_hook *h, int in, int (*before_exec)(struct moat_error *))
{
	char *no_env[] = {NULL};
	char *argv0[] = {h->path, NULL};
	struct moat_error err = {0};

	if (dup2(in, STDIN_FILENO) < 0)
		_exit(127);
	setpgid(0, 0); /* a timeout kills the hook and what it started */
	if (before_exec && before_exec(&err) < 0) {
		fprintf(stderr, "moat: hook %s: %s\n", h->path, err.msg);
		_exit(127);
	}
	execve(h->path, h->n_args ? h->args : argv0, h->env ? h->env : no_env);
	fprintf(stderr, "moat: hook %s: %s\n", h->path, strerror(errno));
	_exit(127);
}

/* Wait for pid at most timeout seconds (0: no limit). The wait status, or -1 on timeout. */
static int wait_hook(pid_t pid, long long timeout)
{
	struct timespec start, now;
	int status;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (timeout > 0 && now.tv_sec - start.tv_sec >= timeout) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		usleep(5000);
	}
}

static int run_one(const struct oci_hook *h, const char *kind, size_t i, const char *text,
		   int (*before_exec)(struct moat_error *), struct moat_error *err)
{
	int pipefd[2], status;
	size_t len = strlen(text);
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return moat_error_set(err, errno, "%s hook %zu: pipe", kind, i);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return moat_error_set(err, errno, "%s hook %zu: fork", kind, i);
	}
	if (pid == 0)
		hook_child(h, pipefd[0], before_exec);
	close(pipefd[0]);
	/* The state is small (well under a pipe's buffer); a hook that does not
	 * read it still runs. */
	signal(SIGPIPE, SIG_IGN);
	if (write(pipefd[1], text, len) < 0 && errno != EPIPE)
		fprintf(stderr, "moat: %s hook %s: write the state: %s\n", kind, h->path,
			strerror(errno));
	close(pipefd[1]);
	status = wait_hook(pid, h->timeout.set ? h->timeout.value : 0);
	if (status == -1)
		return moat_error_setx(err, ETIMEDOUT, "%s hook %s: timed out after %lld s", kind,
				       h->path, (long long)h->timeout.value);
	if (WIFSIGNALED(status))
		return moat_error_setx(err, ECHILD, "%s hook %s: killed by signal %d", kind,
				       h->path, WTERMSIG(status));
	if (WEXITSTATUS(status) != 0)
		return moat_error_setx(err, ECHILD, "%s hook %s: exit status %d", kind, h->path,
				       WEXITSTATUS(status));
	return 0;
}

int container_hooks_run_with(const struct oci_hook_list *hooks, const char *kind, json_t *state,
			     int (*before_exec)(struct moat_error *), struct moat_error *err)
{
	char *text;
	int r = 0;

	if (!hooks->n_hooks)
		return 0;
	text = json_dumps(state, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!text)
		return moat_error_set(err, ENOMEM, "%s hooks: state", kind);
	for (size_t i = 0; i < hooks->n_hooks && r == 0; i++)
		r = run_one(&hooks->hooks[i], kind, i, text, before_exec, err);
	free(text);
	return r;
}

int container_hooks_run(const struct oci_hook_list *hooks, const char *kind, json_t *state,
			struct moat_error *err)
{
	return container_hooks_run_with(hooks, kind, state, NULL, err);
}
