/* SPDX-License-Identifier: Apache-2.0 */
/*
 * moat's side of a sandbox: create the namespaces, write the id maps, hand
 * over idmapped mounts, then wait for the workload while forwarding signals
 * (and, with a terminal, relaying it through a pty).
 */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/log.h"
#include "container_join.h"
#include "host_lower.h"
#include "idmap.h"
#include "monitor.h"
#include "mounts.h"
#include "pty.h"
#include "sync.h"
#include "userns.h"

static int prepare(struct sandbox_config *cfg, struct moat_error *err)
{
	static char cwd[PATH_MAX];
	int r = userns_plan(cfg, err);

	if (r < 0)
		return r;
	if (!cfg->cwd) {
		if (!getcwd(cwd, sizeof(cwd)))
			strcpy(cwd, "/");
		cfg->cwd = cwd;
	}
	if (cfg->trace) {
		if (cfg->trace_file) {
			cfg->trace_fd =
			    open(cfg->trace_file,
				 O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_APPEND, 0644);
			if (cfg->trace_fd < 0)
				return moat_error_set(err, errno, "--strace=%s", cfg->trace_file);
		} else {
			cfg->trace_fd =
			    fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3 + cfg->preserve_fds);
			if (cfg->trace_fd < 0)
				return moat_error_set(err, errno, "--strace: duplicate stderr");
		}
	}
	if (!cfg->container) /* a container's terminal is process.terminal */
		cfg->tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	return 0;
}

/* SYNC_GO, then the host's mounts taken alone (runtime/host_lower.h). */
static int send_go_and_lowers(int sock, int nmounts, struct moat_error *err)
{
	struct host_lower *lowers;
	int nlowers, r;

	r = host_lowers_capture(&lowers, &nlowers, err);
	if (r < 0)
		return r;
	r = sync_send(sock, SYNC_GO, nmounts + nlowers, -1);
	if (r < 0)
		moat_error_set(err, -r, "start the sandbox");
	for (int i = 0; i < nlowers && r >= 0; i++) {
		r = sync_send_text(sock, SYNC_LOWER, i, lowers[i].fd, lowers[i].path);
		if (r < 0)
			moat_error_set(err, -r, "hand over %s", lowers[i].path);
	}
	host_lowers_free(lowers, nlowers);
	return r < 0 ? r : 0;
}

/* As root, --rw and --ro trees are idmapped so the workload owns there what we own. */
static int send_mounts(struct sandbox_config *cfg, pid_t child, int sock, struct moat_error *err)
{
	_cleanup_close_ int userns = -1;
	char path[64];
	int n = 0, r;

	if (!cfg->host_root)
		return sync_send(sock, SYNC_GO, 0, -1);
	for (int i = 0; i < cfg->nmounts; i++)
		n += cfg->mounts[i].kind != MOUNT_TMPFS;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", child);
	if (cfg->container && container_joins(cfg->container, CLONE_NEWUSER))
		/* the monitor joins it once the mounts are in: not there yet */
		userns =
		    fcntl(container_join_fd(cfg->container, CLONE_NEWUSER), F_DUPFD_CLOEXEC, 0);
	else
		userns = open(path, O_RDONLY | O_CLOEXEC);
	if (userns < 0)
		return moat_error_set(err, errno, "open %s", path);
	if (cfg->container) /* the rootfs and bind mounts, idmapped as planned */
		return idmap_send_container_trees(cfg, userns, sock, err);
	r = send_go_and_lowers(sock, n, err);
	if (r < 0 || n == 0)
		return r;
	for (int i = 0; i < cfg->nmounts; i++) {
		struct mount_request *m = &cfg->mounts[i];
		_cleanup_close_ int fd = -1;

		if (m->kind == MOUNT_TMPFS)
			continue;
		fd = mnt_clone_tree(m->path, m->kind == MOUNT_RO, userns, err);
		if (fd < 0)
			return moat_error_prefix(err, "%s %s",
						 m->kind == MOUNT_RW ? "--rw" : "--ro", m->path);
		r = sync_send(sock, SYNC_MOUNT, i, fd);
		if (r < 0)
			return moat_error_set(err, -r, "hand over %s", m->path);
	}
	return 0;
}

int sandbox_wait(struct sandbox_config *cfg, int sock, pid_t monitor, pid_t init_pid, int pty)
{
	struct pty_relay relay = {.master = -1};
	_cleanup_close_ int sfd = pty_relay_signalfd();
	_cleanup_close_ int init_fd = init_pid > 0 ? (int)syscall(SYS_pidfd_open, init_pid, 0) : -1;
	int code = -1;

	if (pty >= 0 && pty_relay_start(&relay, pty) < 0)
		close(pty);

	while (code < 0) {
		struct pollfd pfd[4] = {{.fd = sock, .events = POLLIN},
					{.fd = sfd, .events = POLLIN},
					{.fd = -1},
					{.fd = -1}};
		int nfds = 2;

		if (relay.master >= 0)
			nfds = pty_relay_pollfds(&relay, &pfd[2]) + 2;
		if (poll(pfd, nfds, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents & POLLIN)
			pty_relay_signals(&relay, sfd, init_pid);
		if (relay.master >= 0)
			pty_relay_pump(&relay, &pfd[2]);
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			struct sync_msg msg;
			int fd = -1, r = sync_recv(sock, &msg, &fd);

			if (r <= 0) {
				fprintf(stderr,
					"moat: the sandbox's monitor exited unexpectedly\n");
				/* Its sentry and gofer die with it; pid 1 only while it
				 * keeps its parent-death signal (a change of ids clears it). */
				if (init_fd >= 0)
					syscall(SYS_pidfd_send_signal, init_fd, SIGKILL, NULL, 0);
				code = 125;
				break;
			}
			switch (msg.type) {
			case SYNC_READY:
				init_pid = msg.value;
				if (init_fd < 0)
					init_fd = (int)syscall(SYS_pidfd_open, init_pid, 0);
				break;
			case SYNC_PTY:
				if (pty_relay_start(&relay, fd) < 0)
					close(fd);
				break;
			case SYNC_EXIT:
				code = msg.value;
				break;
			case SYNC_ERROR:
				fprintf(stderr, "moat: %s\n", msg.text);
				code = 125;
				break;
			default:
				break;
			}
		}
	}
	if (relay.master >= 0)
		pty_relay_finish(&relay);
	waitpid(monitor, NULL, 0);
	return code;
}

int sandbox_spawn(struct sandbox_config *cfg, int *sock_out, pid_t *monitor_out,
		  struct moat_error *err)
{
	int sock[2], flags, r, joined_user;
	pid_t child;

	r = prepare(cfg, err);
	if (r < 0)
		return r;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0)
		return moat_error_set(err, errno, "socketpair");
	flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP;
	if (!cfg->net_host)
		flags |= CLONE_NEWNET;
	if (cfg->container && cfg->container->n_joins) {
		/* Namespaces given by path: moat joins them; the sandbox inherits them. */
		r = container_join_enter(cfg->container, err);
		if (r < 0) {
			close(sock[0]);
			close(sock[1]);
			return r;
		}
		flags &= ~r;
		/* A user namespace by path: the monitor joins it and makes the rest. */
		if (container_joins(cfg->container, CLONE_NEWUSER)) {
			cfg->container->join_unshare = flags & ~CLONE_NEWUSER;
			if (container_joins(cfg->container, CLONE_NEWCGROUP))
				cfg->container->join_unshare &= ~CLONE_NEWCGROUP;
			flags = 0;
		}
	}
	joined_user = cfg->container ? container_join_fd(cfg->container, CLONE_NEWUSER) : -1;
	fflush(NULL);
	child = (pid_t)syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
	if (child < 0) {
		r = moat_error_set(err, errno, "create the sandbox's namespaces");
		close(sock[0]);
		close(sock[1]);
		return r;
	}
	if (child == 0) {
		close(sock[0]);
		if (cfg->container) /* joined already: nothing below needs them */
			container_join_close_joined(cfg->container);
		monitor_main(cfg, sock[1]);
	}
	close(sock[1]);
	r = joined_user < 0 ? userns_write_maps(child, cfg, err) : 0;
	if (r == 0)
		r = send_mounts(cfg, child, sock[0], err);
	if (r < 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		close(sock[0]);
		return r;
	}
	*sock_out = sock[0];
	*monitor_out = child;
	return 0;
}

int sandbox_run(struct sandbox_config *cfg)
{
	struct moat_error err = {0};
	pid_t child;
	int sock, r;

	log_set_debug(cfg->debug);
	if (sandbox_spawn(cfg, &sock, &child, &err) < 0) {
		moat_error_print(&err);
		return 125;
	}
	r = sandbox_wait(cfg, sock, child, -1, -1);
	close(sock);
	return r;
}
