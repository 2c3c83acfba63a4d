/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `moat exec`: a further process in a running container, sandboxed exactly
 * as its pid 1 is. moat (the caller's credentials, on the host) joins pid 1's
 * pid namespace for its children and forks; the child joins pid 1's user,
 * mount, ipc, uts, network and cgroup namespaces (which puts it in the
 * container's root), takes the process's user, drops every capability, sets
 * no_new_privs and installs the table's filter: the code pid 1 runs
 * (runtime/init.c). It hands the filter's listener to moat, which gives it to
 * the container's monitor over ROOT/ID/exec.sock; the monitor passes it to
 * the container's sentry, which serves it with the same gofer. Only once the
 * sentry holds the listener does the child exec the command; on any failure
 * before that the child is killed, so no process ever runs unserved.
 */
#include <errno.h>
#include <linux/nsfs.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fdpass.h"
#include "../lib/log.h"
#include "../sentry/sentry.h"
#include "../syscalls/filter.h"
#include "cgroup.h"
#include "container.h"
#include "container_process.h"
#include "init.h"
#include "oci_config.h"
#include "pty.h"
#include "sync.h"
#include "userns.h"

#define EXEC_TIMEOUT_SECONDS 10

/* ---- the monitor's side ---- */

static void set_timeouts(int fd)
{
	struct timeval tv = {.tv_sec = EXEC_TIMEOUT_SECONDS};

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/*
 * One request: a listener from `moat exec`, forwarded to the sentry, whose
 * answer goes back. The socket lives in the owner's 0700 state directory;
 * SO_PEERCRED (as this user namespace sees it) must be the owner's uid too.
 */
void container_exec_serve(int listen_fd, int sentry_sock, uid_t owner)
{
	static uint32_t seq;
	struct sentry_control_msg msg = {SENTRY_CONTROL_LISTENER, -EPROTO, 0};
	_cleanup_close_ int conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	_cleanup_close_ int listener = -1;
	struct ucred peer;
	socklen_t len = sizeof(peer);
	ssize_t n;

	if (conn < 0)
		return;
	set_timeouts(conn);
	/* Read the request first: closing on an unread one would reset the peer's read. */
	n = fdpass_recv(conn, &msg, sizeof(msg), &listener, 1);
	if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &peer, &len) < 0 || peer.uid != owner) {
		msg = (struct sentry_control_msg){SENTRY_CONTROL_LISTENER, -EACCES, 0};
		fdpass_send(conn, &msg, sizeof(msg), NULL, 0);
		return;
	}
	if (n != sizeof(msg) || msg.op != SENTRY_CONTROL_LISTENER || listener < 0) {
		msg = (struct sentry_control_msg){SENTRY_CONTROL_LISTENER, -EPROTO, 0};
		fdpass_send(conn, &msg, sizeof(msg), NULL, 0);
		return;
	}
	msg.seq = ++seq;
	set_timeouts(sentry_sock);
	if (fdpass_send(sentry_sock, &msg, sizeof(msg), &listener, 1) < 0) {
		msg.result = -EPIPE;
	} else {
		/* Skip answers to requests that timed out before. */
		struct sentry_control_msg reply;

		do
			n = fdpass_recv(sentry_sock, &reply, sizeof(reply), NULL, 0);
		while (n == sizeof(reply) && reply.seq != msg.seq);
		msg.result = n == sizeof(reply) ? reply.result : n < 0 ? (int32_t)n : -EPIPE;
	}
	fdpass_send(conn, &msg, sizeof(msg), NULL, 0);
}

/* A unix socket path can be long; reach the state directory through its fd. */
static int exec_sock_path(const struct container *c, struct sockaddr_un *addr)
{
	*addr = (struct sockaddr_un){.sun_family = AF_UNIX};
	snprintf(addr->sun_path, sizeof(addr->sun_path), "/proc/self/fd/%d/" CONTAINER_EXEC_SOCK,
		 c->dir_fd);
	return 0;
}

int container_exec_socket(struct container *c, struct moat_error *err)
{
	struct sockaddr_un addr;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	exec_sock_path(c, &addr);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 8) < 0) {
		moat_error_set(err, errno, "create %s/" CONTAINER_EXEC_SOCK, c->dir);
		if (fd >= 0)
			close(fd);
		return -err->code;
	}
	return fd;
}

/* ---- moat exec ---- */

struct exec_launch {
	struct oci_config oci; /* the bundle's config.json: defaults */
	struct oci_process file_process;
	bool has_file_process;
	const struct oci_process *p; /* the process to run */
	char *argv[EXEC_MAX_LIST + 1];
	gid_t groups[EXEC_MAX_LIST];
	struct container_setup setup;
	struct sandbox_config cfg;
};

static int parse_user(const char *spec, uid_t *uid, gid_t *gid, struct moat_error *err)
{
	char *end;
	unsigned long u = strtoul(spec, &end, 10), g = *gid;

	if (end == spec || (*end && *end != ':'))
		return moat_error_setx(err, EINVAL, "--user %s: expected UID[:GID] (numbers)",
				       spec);
	if (*end == ':') {
		const char *gs = end + 1;

		g = strtoul(gs, &end, 10);
		if (end == gs || *end)
			return moat_error_setx(err, EINVAL,
					       "--user %s: expected UID[:GID] (numbers)", spec);
	}
	if (u > UINT32_MAX - 1 || g > UINT32_MAX - 1)
		return moat_error_setx(err, EINVAL, "--user %s: out of range", spec);
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}

/* Does the container's user namespace (pid 1's uid_map or gid_map) map id? */
static bool id_mapped(pid_t init, const char *map, uint32_t id)
{
	char path[64];
	_cleanup_fclose_ FILE *f = NULL;
	unsigned long inside, outside, count;

	snprintf(path, sizeof(path), "/proc/%d/%s", init, map);
	f = fopen(path, "re");
	while (f && fscanf(f, "%lu %lu %lu", &inside, &outside, &count) == 3)
		if (id >= inside && id - inside < count)
			return true;
	return false;
}

/* The process's ids must exist in the container (else setresuid fails mid-way). */
static int check_ids(pid_t init, uid_t uid, gid_t gid, const gid_t *groups, size_t n,
		     struct moat_error *err)
{
	if (!id_mapped(init, "uid_map", uid))
		return moat_error_setx(err, EINVAL, "exec: uid %u is not mapped in the container",
				       (unsigned)uid);
	if (!id_mapped(init, "gid_map", gid))
		return moat_error_setx(err, EINVAL, "exec: gid %u is not mapped in the container",
				       (unsigned)gid);
	for (size_t i = 0; i < n; i++)
		if (!id_mapped(init, "gid_map", groups[i]))
			return moat_error_setx(
			    err, EINVAL, "exec: additional gid %u is not mapped in the container",
			    (unsigned)groups[i]);
	/* An unprivileged caller's container denies setgroups (userns.c). */
	if (n && !userns_host_root())
		return moat_error_setx(err, EPERM,
				       "exec --additional-gids: unprivileged, a container's groups "
				       "cannot be set");
	return 0;
}

static int read_process_file(struct exec_launch *l, const char *path, struct moat_error *err)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_free_ char *text = NULL;
	size_t len = 0;

	if (!f)
		return moat_error_set(err, errno, "--process %s", path);
	if (getdelim(&text, &len, '\0', f) < 0 && ferror(f))
		return moat_error_set(err, errno, "--process %s", path);
	len = text ? strlen(text) : 0;
	if (oci_process_parse(path, text ? text : "", len, &l->file_process, err) < 0)
		return -err->code;
	l->has_file_process = true;
	return 0;
}

/*
 * runc's rules: --process gives the whole process; otherwise the bundle's
 * process is the base, with the command, --env appended, --cwd, --user,
 * --additional-gids and --tty applied.
 */
/*
 * --cap, as runc's exec: each goes into the bounding, effective and permitted
 * sets, and the ambient set when the process has inheritable ones. runc reads
 * --cap only for a process built from config.json (not with --process).
 */
static int add_caps(const struct exec_options *o, struct oci_capabilities *caps,
		    struct moat_error *err)
{
	for (int i = 0; i < o->ncaps; i++) {
		int n = oci_capability_from_name(o->caps[i]);
		uint64_t bit;

		if (n < 0)
			return moat_error_setx(err, EINVAL, "--cap %s: unknown capability",
					       o->caps[i]);
		if (!caps) {
			fprintf(stderr, "moat: warning: --cap %s: ignored with --process\n",
				o->caps[i]);
			continue;
		}
		bit = UINT64_C(1) << n;
		caps->present = true;
		caps->bounding |= bit;
		caps->effective |= bit;
		caps->permitted |= bit;
		if (caps->inheritable)
			caps->ambient |= bit;
	}
	return 0;
}

static int build_exec_config(struct exec_launch *l, const struct oci_globals *g,
			     const struct exec_options *o, const char *bundle, pid_t init,
			     struct moat_error *err)
{
	struct sandbox_config *cfg = &l->cfg;
	char path[PATH_MAX];
	const struct oci_process *p;
	uid_t uid;
	gid_t gid;
	size_t ngroups;

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	if (oci_config_load(path, &l->oci, err) < 0)
		return -err->code;
	if (o->process) {
		if (o->argc > 0)
			return moat_error_setx(err, EINVAL,
					       "exec: --process and a command cannot be combined");
		if (read_process_file(l, o->process, err) < 0)
			return -err->code;
		p = &l->file_process;
	} else {
		if (o->argc == 0)
			return moat_error_setx(err, EINVAL, "exec args cannot be empty");
		if (!l->oci.has_process)
			return moat_error_setx(err, EINVAL, "%s: process: required", path);
		p = &l->oci.process;
	}
	l->p = p;
	memset(cfg, 0, sizeof(*cfg));
	cfg->trace_fd = -1;
	cfg->clearenv = 1;
	if (o->process) {
		if (p->n_args > EXEC_MAX_LIST)
			return moat_error_setx(err, E2BIG, "process.args: too many");
		for (size_t i = 0; i < p->n_args; i++)
			l->argv[i] = p->args[i];
	} else {
		for (int i = 0; i < o->argc && i < EXEC_MAX_LIST; i++)
			l->argv[i] = o->argv[i];
	}
	cfg->argv = l->argv;
	if (p->n_env + (size_t)o->nenv > SANDBOX_MAX_ENV)
		return moat_error_setx(err, E2BIG, "exec: more than %d environment entries",
				       SANDBOX_MAX_ENV);
	for (size_t i = 0; i < p->n_env; i++)
		cfg->env_set[cfg->nenv++] = p->env[i];
	for (int i = 0; i < o->nenv; i++) {
		if (!strchr(o->env[i], '=') || o->env[i][0] == '=')
			return moat_error_setx(err, EINVAL, "--env %s: expected NAME=value",
					       o->env[i]);
		cfg->env_set[cfg->nenv++] = o->env[i];
	}
	cfg->cwd = o->cwd ? o->cwd : p->cwd;
	if (!cfg->cwd || cfg->cwd[0] != '/')
		return moat_error_setx(err, EINVAL, "--cwd %s: must be an absolute path",
				       cfg->cwd ? cfg->cwd : "");
	cfg->cwd_explicit = 1;
	uid = p->user.uid;
	gid = p->user.gid;
	if (o->user && parse_user(o->user, &uid, &gid, err) < 0)
		return -err->code;
	ngroups = o->ngroups ? (size_t)o->ngroups : p->user.n_additional_gids;
	if (ngroups > EXEC_MAX_LIST)
		return moat_error_setx(err, E2BIG, "additional gids: too many");
	for (size_t i = 0; i < ngroups; i++)
		l->groups[i] = o->ngroups ? o->groups[i] : p->user.additional_gids[i];
	if (check_ids(init, uid, gid, l->groups, ngroups, err) < 0)
		return -err->code;
	if (add_caps(o, o->process ? NULL : &l->oci.process.capabilities, err) < 0)
		return -err->code;
	/* `exec --no-new-privs` is accepted as always on (oci_cli.c): keep it so. */
	if (o->process)
		l->file_process.no_new_privileges = true;
	else
		l->oci.process.no_new_privileges = true;
	if (container_process_check_caps(p, err) < 0)
		return -err->code;
	l->setup = (struct container_setup){
	    .oci = &l->oci,
	    .process = p, /* its capabilities, no_new_privs, umask (container_process.c) */
	    .bundle = bundle,
	    .rootfs_fd = -1,
	    .exec_fifo_fd = -1,
	    .state_lock_fd = -1,
	    .exec_sock_fd = -1,
	    .user_uid = uid,
	    .user_gid = gid,
	    .user_groups = l->groups,
	    .n_user_groups = ngroups,
	};
	cfg->container = &l->setup;
	cfg->caller_uid = getuid();
	cfg->caller_gid = getgid();
	cfg->host_root = userns_host_root();
	cfg->preserve_fds = o->preserve_fds;
	cfg->debug = g->debug;
	cfg->tty = o->process ? p->terminal : o->tty;
	return 0;
}

/* The namespaces of pid 1 that differ from ours (joining one's own is refused). */
static int namespaces_to_join(pid_t init, struct moat_error *err)
{
	static const struct {
		const char *name;
		int flag;
	} ns[] = {{"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},  {"ipc", CLONE_NEWIPC},
		  {"uts", CLONE_NEWUTS},   {"net", CLONE_NEWNET}, {"cgroup", CLONE_NEWCGROUP},
		  {"time", CLONE_NEWTIME}};
	int flags = 0;

	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		char theirs[64], ours[64];
		struct stat a, b;

		snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", init, ns[i].name);
		snprintf(ours, sizeof(ours), "/proc/self/ns/%s", ns[i].name);
		if (stat(theirs, &a) < 0)
			return moat_error_set(err, errno, "%s", theirs);
		if (stat(ours, &b) < 0)
			return moat_error_set(err, errno, "%s", ours);
		if (a.st_ino != b.st_ino || a.st_dev != b.st_dev)
			flags |= ns[i].flag;
	}
	if (!(flags & CLONE_NEWUSER) || !(flags & CLONE_NEWNS))
		return moat_error_setx(
		    err, EPERM, "pid %d is not in a user and mount namespace of its own", init);
	return flags;
}

static void child_fail(int sock, struct moat_error *err) __attribute__((noreturn));
static void child_fail(int sock, struct moat_error *err)
{
	sync_send_error(sock, err);
	_exit(125);
}

/* The exec'd process, in pid 1's namespaces: from here on what pid 1 itself runs. */
static void exec_child(struct exec_launch *l, int state_dir_fd, int sock) __attribute__((noreturn));
static void exec_child(struct exec_launch *l, int state_dir_fd, int sock)
{
	struct moat_error err = {0};
	struct sync_msg msg;
	int listener, pty_slave = -1;

	/*
	 * The state directory (moat's locked fd) must not outlive our set-up:
	 * once dumpable, our fds are open to the container through /proc.
	 */
	close(state_dir_fd);
	/* Wait until moat has moved us into the container's cgroup. */
	if (sync_recv(sock, &msg, NULL) <= 0 || msg.type != SYNC_GO)
		_exit(125);
	if (l->cfg.tty) {
		int master;

		if (init_open_pty(&master, &pty_slave, &err) < 0)
			child_fail(sock, &err);
		sync_send(sock, SYNC_PTY, 0, master);
		close(master);
	}
	if (init_drop_privileges(&l->cfg, &err) < 0)
		child_fail(sock, &err);
	/* From here on every syscall of this process and its children is filtered. */
	listener = filter_install_workload(&err);
	if (listener < 0)
		child_fail(sock, &err);
	if (sync_send(sock, SYNC_GO, 0, listener) < 0)
		_exit(125);
	close(listener);
	/* Run nothing until moat says the sentry holds the listener. */
	if (sync_recv(sock, &msg, NULL) <= 0 || msg.type != SYNC_GO)
		_exit(125);
	close(sock);
	init_make_traceable(&l->cfg);
	init_exec_command(&l->cfg, pty_slave);
}

/*
 * Join pid 1's namespaces (the user namespace first: joining its pid
 * namespace takes CAP_SYS_ADMIN in ours too, which only the user namespace
 * gives an unprivileged caller), then start the process as moat's own child
 * (CLONE_PARENT) in pid 1's pid namespace, report its pid and leave.
 */
/*
 * Join now, one by one, pid 1's namespaces that its user namespace does not
 * own (those the container joined by path: runtime/container_join.h): once in
 * the container's user namespace we would lack the privilege over them.
 * Returns the flags left for the pidfd setns, or -errno.
 */
static int join_foreign_namespaces(pid_t init, int pidfd, int ns_flags, struct moat_error *err)
{
	static const struct {
		const char *name;
		int flag;
	} ns[] = {{"net", CLONE_NEWNET}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS}};
	char path[64];
	struct stat user, owner;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", init);
	if (stat(path, &user) < 0)
		return moat_error_set(err, errno, "%s", path);
	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		_cleanup_close_ int fd = -1, owner_fd = -1;

		if (!(ns_flags & ns[i].flag))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", init, ns[i].name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return moat_error_set(err, errno, "%s", path);
		owner_fd = ioctl(fd, NS_GET_USERNS);
		if (owner_fd < 0 || fstat(owner_fd, &owner) < 0)
			return moat_error_set(err, errno, "owner of %s", path);
		if (owner.st_ino == user.st_ino && owner.st_dev == user.st_dev)
			continue;
		/* Still pid 1's (a pid is not reused while its process lives)? */
		if (syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0)
			return moat_error_setx(err, ESRCH, "pid 1 of the container is gone");
		if (setns(fd, ns[i].flag) < 0)
			return moat_error_set(err, errno, "join the container's %s namespace",
					      ns[i].name);
		ns_flags &= ~ns[i].flag;
	}
	return ns_flags;
}

static void exec_join(struct exec_launch *l, pid_t init, int pidfd, int ns_flags, int state_dir_fd,
		      int sock) __attribute__((noreturn));
static void exec_join(struct exec_launch *l, pid_t init, int pidfd, int ns_flags, int state_dir_fd,
		      int sock)
{
	struct moat_error err = {0};
	pid_t pid;

	log_set_role("moat-exec");
	ns_flags = join_foreign_namespaces(init, pidfd, ns_flags, &err);
	if (ns_flags < 0)
		child_fail(sock, &err);
	if (setns(pidfd, ns_flags) < 0) {
		moat_error_set(&err, errno, "join the container's namespaces");
		child_fail(sock, &err);
	}
	close(pidfd);
	pid = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		exec_child(l, state_dir_fd, sock);
	if (pid < 0) {
		moat_error_set(&err, errno, "start a process in the container");
		child_fail(sock, &err);
	}
	sync_send(sock, SYNC_READY, pid, -1);
	_exit(0);
}

/* Hand the listener to the container's sentry through its monitor. 0 or -errno. */
static int give_listener(const struct container *c, int listener, struct moat_error *err)
{
	struct sentry_control_msg msg = {SENTRY_CONTROL_LISTENER, 0, 0};
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	struct sockaddr_un addr;

	exec_sock_path(c, &addr);
	if (s < 0 || connect(s, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return moat_error_set(err, errno, "reach the container's monitor (%s/%s)", c->dir,
				      CONTAINER_EXEC_SOCK);
	set_timeouts(s);
	if (fdpass_send(s, &msg, sizeof(msg), &listener, 1) < 0 ||
	    fdpass_recv(s, &msg, sizeof(msg), NULL, 0) != sizeof(msg))
		return moat_error_setx(err, EPIPE, "the container's monitor did not answer");
	if (msg.result < 0)
		return moat_error_set(err, -msg.result,
				      "the container's sentry did not take the process's filter");
	return 0;
}

/* Wait for the exec'd process, forwarding signals and relaying its pty. */
static int wait_process(pid_t child, int pty)
{
	struct pty_relay relay = {.master = -1};
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	_cleanup_close_ int sfd = pty_relay_signalfd();
	int status;

	if (pty >= 0)
		pty_relay_start(&relay, pty);
	for (;;) {
		struct pollfd pfd[4] = {{.fd = pidfd, .events = POLLIN},
					{.fd = sfd, .events = POLLIN},
					{.fd = -1},
					{.fd = -1}};
		int nfds = 2;

		if (relay.master >= 0)
			nfds += pty_relay_pollfds(&relay, &pfd[2]);
		if (poll(pfd, nfds, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN)
			pty_relay_signals(&relay, sfd, child);
		if (relay.master >= 0)
			pty_relay_pump(&relay, &pfd[2]);
		if (pfd[0].revents & POLLIN)
			break;
	}
	if (relay.master >= 0)
		pty_relay_finish(&relay);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return 125;
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

/* The intermediate's report: the pid of the process (our child), or an error. */
static pid_t await_process(int sock, pid_t joiner, struct moat_error *err)
{
	struct sync_msg msg;
	int r = sync_recv(sock, &msg, NULL), status;

	while (waitpid(joiner, &status, 0) < 0 && errno == EINTR)
		;
	if (r <= 0)
		return moat_error_setx(err, EPIPE, "exec: joining the container failed");
	if (msg.type == SYNC_ERROR)
		return moat_error_setx(err, msg.value ? msg.value : EIO, "exec: %s", msg.text);
	if (msg.type != SYNC_READY || msg.value <= 0)
		return moat_error_setx(err, EPROTO, "exec: unexpected message during set-up");
	return msg.value;
}

/* Until the child runs the command: its pty master, then its listener. */
static int await_listener(int sock, int *pty, struct moat_error *err)
{
	for (;;) {
		struct sync_msg msg;
		int fd = -1, r = sync_recv(sock, &msg, &fd);

		if (r <= 0)
			return moat_error_setx(err, EPIPE, "the exec'd process died during set-up");
		if (msg.type == SYNC_ERROR)
			return moat_error_setx(err, msg.value ? msg.value : EIO, "exec: %s",
					       msg.text);
		if (msg.type == SYNC_PTY && fd >= 0 && *pty < 0) {
			*pty = fd;
			continue;
		}
		if (msg.type == SYNC_GO && fd >= 0)
			return fd;
		if (fd >= 0)
			close(fd);
		return moat_error_setx(err, EPROTO, "exec: unexpected message during set-up");
	}
}

static int check_options(const struct exec_options *o, bool tty, struct moat_error *err)
{
	if (tty && o->detach && !o->console_socket)
		return moat_error_setx(err, EINVAL,
				       "cannot allocate tty if moat will detach without setting "
				       "console socket");
	if (!tty && o->console_socket)
		return moat_error_setx(err, EINVAL,
				       "cannot use console socket if moat will not detach or "
				       "allocate tty");
	return 0;
}

int container_cmd_exec(const struct oci_globals *g, const struct exec_options *o)
{
	struct moat_error err = {0};
	struct container c = {.dir_fd = -1};
	_cleanup_free_ struct exec_launch *l = calloc(1, sizeof(*l));
	_cleanup_close_ int pidfd = -1;
	int sv[2] = {-1, -1}, pty = -1, listener = -1, ns_flags, code;
	pid_t init, joiner, child = -1;
	const char *bundle;
	enum container_status status;
	bool paused;

	if (!l)
		return oci_cli_fail(g, &(struct moat_error){ENOMEM, "out of memory"});
	log_set_debug(g->debug);
	if (container_open(g, o->id, &c, &err) < 0)
		goto fail;
	status = container_status(&c);
	paused = status == CONTAINER_PAUSED;
	if (status == CONTAINER_STOPPED) {
		moat_error_setx(&err, EINVAL, "cannot exec in a stopped container");
		goto fail;
	}
	if (paused && !o->ignore_paused) {
		moat_error_setx(&err, EINVAL, "cannot exec in a paused container");
		goto fail;
	}
	init = container_init_pid(&c);
	bundle = json_string_value(json_object_get(c.state, "bundle"));
	if (!bundle) {
		moat_error_setx(&err, EINVAL, "container \"%s\": no bundle in its state", o->id);
		goto fail;
	}
	if (build_exec_config(l, g, o, bundle, init, &err) < 0 ||
	    check_options(o, l->cfg.tty, &err) < 0)
		goto fail;
	/* Hold pid 1 by a pidfd, then check it is still the container's. */
	pidfd = (int)syscall(SYS_pidfd_open, init, 0);
	if (pidfd < 0 || container_status(&c) == CONTAINER_STOPPED) {
		moat_error_setx(&err, EINVAL, "cannot exec in a stopped container");
		goto fail;
	}
	ns_flags = namespaces_to_join(init, &err);
	if (ns_flags < 0)
		goto fail;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		moat_error_set(&err, errno, "socketpair");
		goto fail;
	}
	fflush(NULL);
	joiner = fork();
	if (joiner < 0) {
		moat_error_set(&err, errno, "fork");
		goto fail;
	}
	if (joiner == 0) {
		close(sv[0]);
		exec_join(l, init, pidfd, ns_flags | CLONE_NEWPID, c.dir_fd, sv[1]);
	}
	close(sv[1]);
	sv[1] = -1;
	child = await_process(sv[0], joiner, &err);
	if (child < 0)
		goto fail;
	/* Its set-up (its pty, its memory) already happens in the container's cgroup. */
	if (cgroup_join(&c, child, &err) < 0) {
		moat_error_prefix(&err, "exec: join the container's cgroup");
		goto fail;
	}
	if (container_process_host_limits(child, l->p, &err) < 0)
		goto fail;
	if (sync_send(sv[0], SYNC_GO, 0, -1) < 0) {
		moat_error_setx(&err, EPIPE, "the exec'd process died during set-up");
		goto fail;
	}
	/* A paused container's process waits frozen until `resume`, which
	 * takes the state lock: let go of it (the pidfd still holds pid 1). */
	if (paused)
		flock(c.dir_fd, LOCK_UN);
	listener = await_listener(sv[0], &pty, &err);
	if (listener < 0)
		goto fail;
	code = give_listener(&c, listener, &err);
	close(listener);
	if (code < 0)
		goto fail;
	if (o->pid_file && container_write_pid_file(o->pid_file, child, &err) < 0)
		goto fail;
	if (pty >= 0 && o->console_socket) {
		if (container_send_console(o->console_socket, pty, &err) < 0)
			goto fail;
		close(pty);
		pty = -1;
	}
	if (sync_send(sv[0], SYNC_GO, 0, -1) < 0) {
		moat_error_setx(&err, EPIPE, "the exec'd process died during set-up");
		goto fail;
	}
	close(sv[0]);
	container_close(&c); /* `moat state`, `kill` and `delete` work while it runs */
	if (l->has_file_process)
		oci_process_free(&l->file_process);
	oci_config_free(&l->oci);
	if (o->detach)
		return 0;
	return wait_process(child, pty);

fail:
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	if (pty >= 0)
		close(pty);
	for (int i = 0; i < 2; i++)
		if (sv[i] >= 0)
			close(sv[i]);
	container_close(&c);
	if (l->has_file_process)
		oci_process_free(&l->file_process);
	oci_config_free(&l->oci);
	/* runc: "exec failed: ..." and 255, apart from the process's own statuses */
	moat_error_prefix(&err, "exec failed");
	oci_cli_fail(g, &err);
	return 255;
}
