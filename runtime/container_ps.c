/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `moat ps`: the container's processes as host pids. runc reads them from
 * the container's cgroup; moat takes every host process whose pid namespace
 * is pid 1's, which holds exactly pid 1, its descendants and `moat exec`'d
 * processes (not the monitor, the gofer or the sentry: they are moat's, in
 * the host's pid namespace), and, when pid 1's pid namespace is shared (a
 * pod's, given by path), the container's cgroup's. Table mode runs ps(1)
 * with the given options (default -ef) and keeps the header and the rows
 * whose PID is one of them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "cgroup.h"
#include "container.h"

struct pid_list {
	pid_t *pids;
	size_t n;
};

static int compare_pids(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

static int add_pid(struct pid_list *out, long pid, struct moat_error *err)
{
	pid_t *grown = realloc(out->pids, (out->n + 1) * sizeof(pid_t));

	if (!grown)
		return moat_error_set(err, ENOMEM, "list the container's processes");
	out->pids = grown;
	out->pids[out->n++] = (pid_t)pid;
	return 0;
}

bool container_owns_pid_namespace(pid_t init)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	char path[64], *last;
	size_t cap = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", init);
	f = fopen(path, "re");
	while (f && getline(&line, &cap, f) > 0) {
		if (strncmp(line, "NSpid:", 6))
			continue;
		last = strrchr(line, '\t'); /* "NSpid:\t<host>\t...\t<innermost>" */
		return !last || atoi(last + 1) == 1;
	}
	return true;
}

/* Every pid in the container's cgroup.procs (its first hierarchy's). */
static int cgroup_pids(const struct container *c, struct pid_list *out, struct moat_error *err)
{
	_cleanup_free_ char *buf = malloc(1 << 20);
	_cleanup_free_ struct cgroup *cg = cgroup_of_container(c, err);
	int r;

	out->n = 0;
	if (!cg)
		return -err->code;
	if (!buf)
		return moat_error_set(err, ENOMEM, "list the container's processes");
	if (!cg->n)
		return moat_error_setx(err, ENOENT, "container \"%s\": no cgroup", c->id);
	r = cgroup_read_all(cg->d[0].path, "cgroup.procs", buf, 1 << 20);
	if (r < 0)
		return moat_error_set(err, -r, "read %s/cgroup.procs", cg->d[0].path);
	for (char *p = buf, *end;; p = end) {
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		if (pid > 0 && add_pid(out, pid, err) < 0)
			return -err->code;
	}
	qsort(out->pids, out->n, sizeof(pid_t), compare_pids);
	return 0;
}

/* Every host pid whose /proc/PID/ns/pid is pid 1's namespace. */
static int namespace_pids(pid_t init, struct pid_list *out, struct moat_error *err)
{
	_cleanup_closedir_ DIR *d = opendir("/proc");
	char path[64];
	struct stat want;
	struct dirent *e;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", init);
	if (stat(path, &want) < 0)
		return moat_error_set(err, errno, "%s", path);
	if (!d)
		return moat_error_set(err, errno, "open /proc");
	out->n = 0;
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		struct stat st;

		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/pid", pid);
		if (stat(path, &st) < 0 || st.st_ino != want.st_ino || st.st_dev != want.st_dev)
			continue;
		if (add_pid(out, pid, err) < 0)
			return -err->code;
	}
	qsort(out->pids, out->n, sizeof(pid_t), compare_pids);
	return 0;
}

static int container_pids(const struct container *c, struct pid_list *out, struct moat_error *err)
{
	pid_t init = container_init_pid(c);

	return container_owns_pid_namespace(init) ? namespace_pids(init, out, err)
						  : cgroup_pids(c, out, err);
}

int container_signal_cgroup(const struct container *c, int sig, struct moat_error *err)
{
	struct pid_list pids = {0};
	int r = cgroup_pids(c, &pids, err);

	for (size_t i = 0; r == 0 && i < pids.n; i++)
		kill(pids.pids[i], sig);
	free(pids.pids);
	return r;
}

static bool has_pid(const struct pid_list *l, long pid)
{
	pid_t key = (pid_t)pid;

	return l->n && bsearch(&key, l->pids, l->n, sizeof(pid_t), compare_pids);
}

/* Which whitespace-separated column of the header is "PID" (0-based), or -1. */
static int pid_column(const char *header)
{
	int col = 0;

	for (const char *p = header; *p;) {
		size_t len;

		p += strspn(p, " \t");
		len = strcspn(p, " \t\n");
		if (!len)
			break;
		if (len == 3 && !strncmp(p, "PID", 3))
			return col;
		col++;
		p += len;
	}
	return -1;
}

static long column_value(const char *line, int col)
{
	const char *p = line;

	for (int i = 0; i < col; i++) {
		p += strspn(p, " \t");
		p += strcspn(p, " \t\n");
	}
	p += strspn(p, " \t");
	return strtol(p, NULL, 10);
}

static int ps_table(const struct pid_list *pids, char **ps_args, int n_ps_args,
		    struct moat_error *err)
{
	_cleanup_free_ char **argv = calloc((size_t)n_ps_args + 3, sizeof(char *));
	_cleanup_free_ char *line = NULL;
	_cleanup_fclose_ FILE *in = NULL;
	size_t cap = 0;
	int fds[2], col = -1, status;
	bool header = true;
	pid_t child;

	if (!argv)
		return moat_error_set(err, ENOMEM, "ps");
	argv[0] = "ps";
	if (n_ps_args == 0)
		argv[1] = "-ef";
	for (int i = 0; i < n_ps_args; i++)
		argv[i + 1] = ps_args[i];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return moat_error_set(err, errno, "ps: pipe");
	fflush(NULL);
	child = fork();
	if (child == 0) {
		dup2(fds[1], STDOUT_FILENO);
		execvp("ps", argv);
		fprintf(stderr, "moat: ps: %s\n", strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	if (child < 0) {
		close(fds[0]);
		return moat_error_set(err, errno, "ps: fork");
	}
	in = fdopen(fds[0], "r");
	while (in && getline(&line, &cap, in) > 0) {
		if (header) {
			header = false;
			col = pid_column(line);
			if (col < 0)
				break;
			fputs(line, stdout);
			continue;
		}
		if (has_pid(pids, column_value(line, col)))
			fputs(line, stdout);
	}
	if (in) {
		fclose(in);
		in = NULL;
	} else {
		close(fds[0]);
	}
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (col < 0)
		return moat_error_setx(err, EINVAL, "couldn't find PID field in ps output");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return moat_error_setx(err, EIO, "ps failed (status %d)",
				       WIFEXITED(status) ? WEXITSTATUS(status)
							 : 128 + WTERMSIG(status));
	return 0;
}

int container_cmd_ps(const struct oci_globals *g, const char *id, bool json, char **ps_args,
		     int n_ps_args)
{
	struct moat_error err = {0};
	struct pid_list pids = {0};
	struct container c;
	int r;

	if (container_open(g, id, &c, &err) < 0)
		return oci_cli_fail(g, &err);
	/* A stopped container has no processes left: runc lists none and succeeds. */
	r = container_status(&c) == CONTAINER_STOPPED ? 0 : container_pids(&c, &pids, &err);
	container_close(&c);
	if (r == 0 && json) {
		printf("[");
		for (size_t i = 0; i < pids.n; i++)
			printf("%s%d", i ? "," : "", pids.pids[i]);
		printf("]\n");
	} else if (r == 0) {
		r = ps_table(&pids, ps_args, n_ps_args, &err);
	}
	free(pids.pids);
	return r < 0 ? oci_cli_fail(g, &err) : 0;
}
