/* SPDX-License-Identifier: Apache-2.0 */
/* `moat start|state|kill|delete|list`: what runc does in each state, with runc's messages. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "cgroup.h"
#include "container.h"
#include "oci_config.h"

static unsigned long long state_u64(const struct container *c, const char *key)
{
	return (unsigned long long)json_integer_value(json_object_get(c->state, key));
}

static void set_status(struct container *c, enum container_status s)
{
	json_object_set_new(c->state, "status", json_string(container_status_name(s)));
}

/* The bundle's hooks of one kind, read again from config.json. */
static int run_bundle_hooks(struct container *c, enum oci_hook_kind kind, const char *name,
			    struct moat_error *err)
{
	const char *bundle = json_string_value(json_object_get(c->state, "bundle"));
	struct oci_config oci;
	char path[PATH_MAX];
	json_t *state;
	int r;

	if (!bundle)
		return 0;
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	r = oci_config_load(path, &oci, err);
	if (r < 0)
		return r;
	state = container_public_state(c);
	if (state && kind == OCI_HOOK_POSTSTART) {
		/* The state as of the start (runc's too), even if the process
		 * has already exited by the time the hook runs. */
		json_object_set_new(state, "status", json_string("running"));
		json_object_set_new(state, "pid", json_integer(container_init_pid(c)));
	}
	r = container_hooks_run(&oci.hooks[kind], name, state, err);
	json_decref(state);
	oci_config_free(&oci);
	return r;
}

int container_start_locked(struct container *c, struct moat_error *err)
{
	char path[PATH_MAX + 16];
	_cleanup_close_ int fd = -1;
	char byte;

	snprintf(path, sizeof(path), "%s/" CONTAINER_EXEC_FIFO, c->dir);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return moat_error_set(err, errno, "open %s", path);
	/* Opening the read end lets pid 1's open for writing return; it then
	 * writes one byte. Until then, make sure it is still there. */
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};

		if (poll(&pfd, 1, 100) > 0 && read(fd, &byte, 1) == 1)
			break;
		if (container_status(c) == CONTAINER_STOPPED)
			return moat_error_setx(err, ESRCH, "container \"%s\" exited before start",
					       c->id);
	}
	if (unlink(path) < 0)
		return moat_error_set(err, errno, "remove %s", path);
	set_status(c, CONTAINER_RUNNING);
	if (container_save(c, err) < 0)
		return -err->code;
	/* The spec: a poststart hook's failure is logged, the container keeps running. */
	if (run_bundle_hooks(c, OCI_HOOK_POSTSTART, "poststart", err) < 0)
		fprintf(stderr, "moat: warning: %s\n", err->msg);
	return 0;
}

int container_cmd_start(const struct oci_globals *g, const char *id)
{
	struct moat_error err = {0};
	struct container c;
	enum container_status s;
	int r;

	if (container_open(g, id, &c, &err) < 0)
		return oci_cli_fail(g, &err);
	s = container_status(&c);
	if (s != CONTAINER_CREATED) {
		moat_error_setx(&err, EINVAL,
				s == CONTAINER_RUNNING ? "cannot start an already running container"
				: s == CONTAINER_STOPPED
				    ? "cannot start a container that has stopped"
				    : "cannot start a container in the paused "
				      "state");
		container_close(&c);
		return oci_cli_fail(g, &err);
	}
	r = container_start_locked(&c, &err);
	container_close(&c);
	return r < 0 ? oci_cli_fail(g, &err) : 0;
}

int container_cmd_state(const struct oci_globals *g, const char *id)
{
	struct moat_error err = {0};
	struct container c;
	json_t *out;

	if (container_open(g, id, &c, &err) < 0)
		return oci_cli_fail(g, &err);
	out = container_public_state(&c);
	container_close(&c);
	if (!out || json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0) {
		json_decref(out);
		return oci_cli_fail(g, &(struct moat_error){EIO, "write the state"});
	}
	putchar('\n');
	json_decref(out);
	return 0;
}

/* "KILL", "SIGKILL", "9", "sigkill". -1 when unknown. */
static int parse_signal(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s && !*end)
		return n >= 0 && n < NSIG ? (int)n : -1; /* 0: is it there? */
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (int i = 1; i < NSIG; i++) {
		const char *abbrev = sigabbrev_np(i);

		if (abbrev && !strcasecmp(s, abbrev))
			return i;
	}
	if (!strncasecmp(s, "RTMIN+", 6) || !strncasecmp(s, "RTMAX-", 6)) {
		n = strtol(s + 6, &end, 10);
		n = toupper((unsigned char)s[4]) == 'I' ? SIGRTMIN + n : SIGRTMAX - n;
		return *end || n < SIGRTMIN || n > SIGRTMAX ? -1 : (int)n;
	}
	return -1;
}

/* Every process of pid 1's pid namespace (kill --all). */
static void signal_all(pid_t init, int sig)
{
	_cleanup_closedir_ DIR *d = opendir("/proc");
	char path[64], want[64], got[64];
	struct dirent *e;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", init);
	n = readlink(path, want, sizeof(want) - 1);
	if (n <= 0 || !d)
		return;
	want[n] = '\0';
	while ((e = readdir(d))) {
		pid_t pid = (pid_t)atoi(e->d_name);

		if (pid <= 0 || pid == init)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", pid);
		n = readlink(path, got, sizeof(got) - 1);
		if (n > 0 && (got[n] = '\0', !strcmp(got, want)))
			kill(pid, sig);
	}
}

static int thaw(struct container *c, struct moat_error *err);

int container_cmd_kill(const struct oci_globals *g, const char *id, const char *sig, bool all)
{
	struct moat_error err = {0};
	struct container c;
	int signo = parse_signal(sig ? sig : "SIGTERM");
	pid_t pid;

	if (signo < 0) {
		moat_error_setx(&err, EINVAL, "unknown signal \"%s\"", sig);
		return oci_cli_fail(g, &err);
	}
	if (container_open(g, id, &c, &err) < 0)
		return oci_cli_fail(g, &err);
	if (container_status(&c) == CONTAINER_STOPPED) {
		/* As runc: --all signals what the cgroup may still hold (nothing,
		 * usually) and succeeds; a stopped pid 1 is not signalled. */
		if (all)
			container_signal_cgroup(&c, signo, &err);
		else
			moat_error_setx(&err, ESRCH, "container not running");
		container_close(&c);
		return all ? 0 : oci_cli_fail(g, &err);
	}
	pid = container_init_pid(&c);
	/* A shared pid namespace holds others' processes: then the cgroup's */
	if (all && container_owns_pid_namespace(pid))
		signal_all(pid, signo);
	else if (all && container_signal_cgroup(&c, signo, &err) < 0)
		fprintf(stderr, "moat: warning: kill --all: %s\n", err.msg);
	if (kill(pid, signo) < 0) {
		moat_error_set(&err, errno, "kill container \"%s\"", id);
		container_close(&c);
		return oci_cli_fail(g, &err);
	}
	/* As runc: a frozen (v1) task dies only once thawed; only SIGKILL thaws. */
	if (signo == SIGKILL && container_status(&c) == CONTAINER_PAUSED && thaw(&c, &err) < 0)
		fprintf(stderr, "moat: warning: %s\n", err.msg);
	container_close(&c);
	return 0;
}

static int thaw(struct container *c, struct moat_error *err)
{
	_cleanup_free_ struct cgroup *cg = cgroup_of_container(c, err);

	return cg ? cgroup_freeze(cg, false, err) : -err->code;
}

int container_cmd_pause(const struct oci_globals *g, const char *id, bool pause)
{
	struct moat_error err = {0};
	_cleanup_free_ struct cgroup *cg = NULL;
	struct container c;
	enum container_status s;
	int r = -EINVAL;

	if (container_open(g, id, &c, &err) < 0)
		return oci_cli_fail(g, &err);
	s = container_status(&c);
	/* runc's rules: a created or running container pauses, a paused one resumes */
	if (pause ? (s != CONTAINER_RUNNING && s != CONTAINER_CREATED) : s != CONTAINER_PAUSED) {
		moat_error_setx(&err, EINVAL, "%s",
				!pause			? "container not paused"
				: s == CONTAINER_PAUSED ? "container already paused"
							: "container not running");
		container_close(&c);
		return oci_cli_fail(g, &err);
	}
	cg = cgroup_of_container(&c, &err);
	if (cg && !cg->n)
		moat_error_setx(&err, ENOTSUP, "container \"%s\" has no cgroup to %s", id,
				pause ? "freeze" : "thaw");
	else if (cg)
		r = cgroup_freeze(cg, pause, &err);
	container_close(&c);
	return r < 0 ? oci_cli_fail(g, &err) : 0;
}

static void wait_gone(pid_t pid, unsigned long long start)
{
	for (int i = 0; i < 1000 && container_process_alive(pid, start); i++)
		usleep(10000);
}

/* Whatever is left in the container's cgroup (an exec'd process that left
 * the pid namespace's reach cannot, but be sure), then its directories. */
static int destroy_cgroup(struct container *c, struct moat_error *err)
{
	_cleanup_free_ struct cgroup *cg = cgroup_of_container(c, err);

	if (!cg)
		return -err->code;
	if (cgroup_destroy(cg, err) < 0)
		return moat_error_prefix(err, "container \"%s\"", c->id);
	return 0;
}

int container_destroy(struct container *c, struct moat_error *err)
{
	pid_t init = container_init_pid(c);
	pid_t monitor = (pid_t)json_integer_value(json_object_get(c->state, "monitorPid"));
	unsigned long long init_start = state_u64(c, "initStartTime");
	unsigned long long monitor_start = state_u64(c, "monitorStartTime");

	/* pid 1's death ends its pid namespace; the monitor's takes the gofer
	 * and the sentry along (parent-death signals). */
	bool paused = container_status(c) == CONTAINER_PAUSED;

	if (container_process_alive(init, init_start))
		kill(init, SIGKILL);
	if (container_process_alive(monitor, monitor_start))
		kill(monitor, SIGKILL);
	if (paused && thaw(c, err) < 0) /* frozen tasks die only once thawed */
		return -err->code;
	wait_gone(init, init_start);
	wait_gone(monitor, monitor_start);
	if (container_process_alive(init, init_start))
		return moat_error_setx(err, EBUSY, "container \"%s\": pid %d does not exit", c->id,
				       init);
	if (destroy_cgroup(c, err) < 0)
		return -err->code;
	set_status(c, CONTAINER_STOPPED);
	if (run_bundle_hooks(c, OCI_HOOK_POSTSTOP, "poststop", err) < 0)
		fprintf(stderr, "moat: warning: %s\n", err->msg);
	return container_remove(c, err);
}

int container_cmd_delete(const struct oci_globals *g, const char *id, bool force)
{
	struct moat_error err = {0};
	struct container c;
	enum container_status s;

	if (container_open(g, id, &c, &err) < 0) {
		/* runc: deleting a container that does not exist with --force succeeds */
		return force && err.code == ENOENT ? 0 : oci_cli_fail(g, &err);
	}
	s = container_status(&c);
	if ((s == CONTAINER_RUNNING || s == CONTAINER_PAUSED) && !force) {
		moat_error_setx(&err, EBUSY, "cannot delete container %s that is not stopped: %s",
				id, container_status_name(s));
		container_close(&c);
		return oci_cli_fail(g, &err);
	}
	if (container_destroy(&c, &err) < 0) {
		container_close(&c);
		return oci_cli_fail(g, &err);
	}
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int container_cmd_list(const struct oci_globals *g, bool json, bool quiet)
{
	_cleanup_closedir_ DIR *d = opendir(g->root);
	json_t *all = json_array();
	char **ids = NULL;
	size_t n = 0;
	struct dirent *e;

	if (!d || !all) {
		json_decref(all);
		return oci_cli_fail(g, &(struct moat_error){errno, "list: cannot read --root"});
	}
	while ((e = readdir(d))) {
		char **grown;

		if (e->d_name[0] == '.' || !(grown = realloc(ids, (n + 1) * sizeof(char *))))
			continue;
		ids = grown;
		ids[n] = strdup(e->d_name);
		if (ids[n])
			n++;
	}
	qsort(ids, n, sizeof(char *), compare_names);
	if (!json && !quiet)
		printf("%-12s%-8s%-10s%-40s%-32s%s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED",
		       "OWNER");
	for (size_t i = 0; i < n; i++) {
		struct moat_error err;
		struct container c;
		json_t *st;

		if (container_open(g, ids[i], &c, &err) == 0) {
			st = container_public_state(&c);
			container_close(&c);
			if (quiet)
				printf("%s\n", ids[i]);
			else if (json)
				json_array_append(all, st);
			else
				printf("%-12s%-8lld%-10s%-40s%-32s%s\n", ids[i],
				       json_integer_value(json_object_get(st, "pid")),
				       json_string_value(json_object_get(st, "status")),
				       json_string_value(json_object_get(st, "bundle")),
				       json_string_value(json_object_get(st, "created")),
				       json_string_value(json_object_get(st, "owner")));
			json_decref(st);
		}
		free(ids[i]);
	}
	free(ids);
	if (json) {
		json_dumpf(all, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		putchar('\n');
	}
	json_decref(all);
	return 0;
}
