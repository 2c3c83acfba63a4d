/* SPDX-License-Identifier: Apache-2.0 */
#include "monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../gofer/gofer.h"
#include "../lib/cleanup.h"
#include "../lib/log.h"
#include "../sentry/sentry.h"
#include "cgroup.h"
#include "container.h"
#include "container_join.h"
#include "host_lower.h"
#include "container_process.h"
#include "init.h"
#include "net.h"
#include "oci_config.h"
#include "rootfs.h"
#include "sync.h"

#define SENTRY_ROOT ROOTFS_STAGE "/sentry"

static void monitor_fail(int moat_sock, struct moat_error *err) __attribute__((noreturn));
static void monitor_fail(int moat_sock, struct moat_error *err)
{
	sync_send_error(moat_sock, err);
	_exit(125);
}

static void stdio_to_null(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		_exit(125);
	for (int i = 0; i < 3; i++)
		if (dup2(fd, i) < 0)
			_exit(125);
	if (fd > 2)
		close(fd);
}

/* Only pid 1 waits on the exec FIFO (`moat start`). */
static void close_exec_fifo(struct sandbox_config *cfg)
{
	if (cfg->container && cfg->container->exec_fifo_fd >= 0) {
		close(cfg->container->exec_fifo_fd);
		cfg->container->exec_fifo_fd = -1;
	}
}

static int become_inside_ids(const struct sandbox_config *cfg, struct moat_error *err)
{
	if (cfg->host_root) {
		gid_t g = 0;

		if (setgroups(1, &g) < 0)
			return moat_error_set(err, errno, "setgroups");
	}
	if (setresgid(cfg->inside_gid, cfg->inside_gid, cfg->inside_gid) < 0)
		return moat_error_set(err, errno, "setresgid %u", (unsigned)cfg->inside_gid);
	if (setresuid(cfg->inside_uid, cfg->inside_uid, cfg->inside_uid) < 0)
		return moat_error_set(err, errno, "setresuid %u", (unsigned)cfg->inside_uid);
	return 0;
}

/* The gofer waits for the root, then serves from it. */
static void gofer_child(int control, int go_fd) __attribute__((noreturn));
static void gofer_child(int control, int go_fd)
{
	struct moat_error err = {0};
	char byte;
	int root, r;

	log_set_role("moat-gofer");
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (read(go_fd, &byte, 1) != 1)
		_exit(1);
	close(go_fd);
	if (chdir("/") < 0)
		_exit(1);
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		_exit(1);
	r = gofer_run(control, root, &err);
	if (r < 0) {
		moat_error_print(&err);
		_exit(1);
	}
	_exit(0);
}

/* The sentry moves to an empty mount namespace of its own, then serves. */
static void sentry_child(const struct sandbox_config *cfg, int control, int listener_sock,
			 int exec_control, int proc_fd) __attribute__((noreturn));
static void sentry_child(const struct sandbox_config *cfg, int control, int listener_sock,
			 int exec_control, int proc_fd)
{
	struct sentry_config sc = {.gofer_control = control,
				   .init_sock = listener_sock,
				   .control = exec_control,
				   .proc_fd = proc_fd,
				   .trace_fd = cfg->trace_fd,
				   .hostname = cfg->hostname,
				   /* moat do: pid 1 drops every capability and sets
				    * no_new_privs; see below for containers */
				   .creds_fixed = 1};
	struct moat_error err = {0};
	int r;

	log_set_role("moat-sentry");
	/* A container's process may be able to change its credentials
	 * (capabilities, or no no_new_privs): the sentry reads them per call. */
	if (cfg->container && container_process_creds_dynamic(&cfg->container->oci->process))
		sc.creds_fixed = 0;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", SENTRY_ROOT, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "size=4k,mode=0500") < 0 ||
	    chdir(SENTRY_ROOT) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
	    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0 ||
	    mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0) {
		log_errno(-errno, "empty mount namespace");
		_exit(1);
	}
	/* Tell the monitor we are out of the shared namespace before pid 1 pivots it. */
	if (sync_send(listener_sock, SYNC_READY, 0, -1) < 0)
		_exit(1);
	r = sentry_run(&sc, &err);
	if (r < 0)
		moat_error_print(&err);
	_exit(1);
}

/*
 * After pid 1 is gone the sentry exits by itself once its workers have
 * answered what was in flight (sentry_run); give it a moment before SIGKILL.
 */
static void wait_sentry_drain(pid_t sentry_pid)
{
	const struct timespec tick = {.tv_nsec = 5 * 1000 * 1000};

	for (int i = 0; i < 200; i++) {
		if (waitpid(sentry_pid, NULL, WNOHANG) != 0)
			return;
		nanosleep(&tick, NULL);
	}
}

/* `moat exec`'s socket: only the monitor listens on it. */
static void close_exec_socket(struct sandbox_config *cfg)
{
	if (cfg->container && cfg->container->exec_sock_fd >= 0) {
		close(cfg->container->exec_sock_fd);
		cfg->container->exec_sock_fd = -1;
	}
}

/*
 * The container's cgroup directory (from moat) when its pid namespace is shared
 * (given by path): that namespace outlives pid 1, so ending the container
 * means ending every process of its cgroup. -1 otherwise.
 */
static int container_cgroup = -1;

/* Never fail open: pid 1 and, in a shared pid namespace, all the rest. */
static void end_container(pid_t init_pid)
{
	kill(init_pid, SIGKILL);
	if (container_cgroup >= 0)
		cgroup_kill_procs_at(container_cgroup);
}

/*
 * pid 1 in a pid namespace given by path: setns() moves only the caller's
 * later children there, so a helper joins it and starts pid 1 with
 * CLONE_PARENT, which makes it the monitor's child as usual.
 */
static pid_t fork_init_joined(struct sandbox_config *cfg, const struct init_fds *fds, int pid_ns)
{
	pid_t helper, init = -1;
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	helper = fork();
	if (helper == 0) {
		pid_t pid = -errno;

		close(p[0]);
		if (setns(pid_ns, CLONE_NEWPID) == 0) {
			pid = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
			if (pid < 0)
				pid = -errno;
		} else {
			pid = -errno;
		}
		if (pid == 0) {
			close(p[1]);
			close_exec_socket(cfg);
			init_main(cfg, fds);
		}
		(void)!write(p[1], &pid, sizeof(pid));
		_exit(0);
	}
	close(p[1]);
	if (helper > 0) {
		if (read(p[0], &init, sizeof(init)) != (ssize_t)sizeof(init))
			init = -EIO;
		waitpid(helper, NULL, 0);
	}
	close(p[0]);
	if (init < 0) {
		errno = -init;
		return -1;
	}
	return init;
}

static pid_t fork_init(struct sandbox_config *cfg, const struct init_fds *fds)
{
	int pid_ns = cfg->container ? container_join_fd(cfg->container, CLONE_NEWPID) : -1;
	pid_t pid;

	if (pid_ns >= 0)
		return fork_init_joined(cfg, fds, pid_ns);
	pid = (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0);

	if (pid == 0) {
		close_exec_socket(cfg);
		init_main(cfg, fds);
	}
	return pid;
}

/*
 * pid 1 waits at its start until moat (on the host, where the cgroup files
 * can be written) has moved it into the container's cgroup; the monitor,
 * the gofer and the sentry stay where moat was (docs/oci.md, cgroups).
 */
static int join_cgroup(int moat_sock, int init_sock, pid_t init_pid, struct moat_error *err)
{
	struct sync_msg msg;
	int fd = -1, r = sync_send(moat_sock, SYNC_CGROUP, init_pid, -1);

	if (r == 0)
		r = sync_recv(moat_sock, &msg, &fd);
	if (r <= 0 || msg.type != SYNC_CGROUP) {
		if (fd >= 0)
			close(fd);
		return moat_error_setx(err, EPROTO, "move pid 1 into the container's cgroup");
	}
	container_cgroup = fd; /* sent with a shared pid namespace only */
	r = sync_send(init_sock, SYNC_CGROUP, 0, -1);
	return r < 0 ? moat_error_set(err, -r, "resume pid 1") : 0;
}

/*
 * How the kernel shows host uid `host` to this process (SO_PEERCRED is
 * translated into the receiver's user namespace): through our uid_map, or
 * the overflow uid when unmapped (host root, as root's subordinate range
 * never maps it). Read while /proc is still the host's.
 */
static uid_t uid_as_seen(uid_t host)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/uid_map", "re");
	unsigned long inside, outside, count, overflow = 65534;

	while (f && fscanf(f, "%lu %lu %lu", &inside, &outside, &count) == 3)
		if (host >= outside && host - outside < count)
			return (uid_t)(inside + (host - outside));
	if (f)
		fclose(f);
	f = fopen("/proc/sys/kernel/overflowuid", "re");
	if (f && fscanf(f, "%lu", &overflow) != 1)
		overflow = 65534;
	return (uid_t)overflow;
}

/* Block until pid 1, the gofer or the sentry ends (or serve a `moat exec` meanwhile). */
static pid_t wait_for_child(struct sandbox_config *cfg, int sentry_sock, uid_t owner,
			    const pid_t pids[3], int *status)
{
	int exec_sock = cfg->container ? cfg->container->exec_sock_fd : -1;
	struct pollfd pfd[4] = {{.fd = exec_sock, .events = POLLIN}};

	for (int i = 0; i < 3; i++)
		pfd[i + 1] = (struct pollfd){.fd = (int)syscall(SYS_pidfd_open, pids[i], 0),
					     .events = POLLIN};
	for (;;) {
		pid_t pid = waitpid(-1, status, WNOHANG);

		if (pid > 0 || (pid < 0 && errno != EINTR)) {
			for (int i = 1; i < 4; i++)
				if (pfd[i].fd >= 0)
					close(pfd[i].fd);
			return pid;
		}
		if (pid == 0 && poll(pfd, 4, -1) > 0 && (pfd[0].revents & POLLIN))
			container_exec_serve(exec_sock, sentry_sock, owner);
	}
}

static int receive_go(struct sandbox_config *cfg, int moat_sock, struct moat_error *err)
{
	struct sync_msg msg;
	int fd, r, expected;

	r = sync_recv(moat_sock, &msg, &fd);
	if (r <= 0 || msg.type != SYNC_GO)
		_exit(125); /* moat went away */
	expected = msg.value;
	for (int i = 0; i < expected; i++) {
		r = sync_recv(moat_sock, &msg, &fd);
		if (r > 0 && msg.type == SYNC_MOUNT && msg.value == -1 && cfg->container) {
			cfg->container->rootfs_fd = fd; /* the bundle's rootfs, idmapped */
			continue;
		}
		if (r > 0 && msg.type == SYNC_MOUNT && msg.value <= -2 && cfg->container &&
		    cfg->container->mount_fds &&
		    (size_t)(-2 - msg.value) < cfg->container->n_mount_fds) {
			cfg->container->mount_fds[-2 - msg.value] = fd; /* an idmapped bind */
			continue;
		}
		if (r > 0 && msg.type == SYNC_LOWER && !cfg->container && fd >= 0) {
			/* A host mount taken alone (runtime/host_lower.h). */
			r = msg.text[0] == '/'
				? host_lowers_add(&cfg->lowers, &cfg->nlowers, msg.text, fd)
				: -EPROTO;
			if (r < 0) {
				close(fd);
				return moat_error_set(err, -r, "host mount %s", msg.text);
			}
			continue;
		}
		if (r <= 0 || msg.type != SYNC_MOUNT || msg.value < 0 || msg.value >= cfg->nmounts)
			return moat_error_setx(err, EPROTO, "bad mount hand-over from moat");
		cfg->mounts[msg.value].fd = fd;
	}
	return 0;
}

/* SIGKILL when moat (PARENT) exits; at once if it has exited already. */
static void die_with_parent(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(125);
}

void monitor_main(struct sandbox_config *cfg, int moat_sock)
{
	pid_t parent = getppid();
	struct moat_error err = {0};
	int gofer_ctl[2], listener_pair[2], init_pair[2], go_pipe[2], exec_pair[2];
	pid_t gofer_pid, sentry_pid, init_pid;
	uid_t owner;
	_cleanup_close_ int proc_fd = -1;
	struct sync_msg msg;
	int status, r, sentry_done = 0;

	log_set_role("moat");
	/* A created container outlives `moat create`: the monitor then has no
	 * parent to die with, and leaves the caller's session. */
	if (!cfg->container || !cfg->container->detach)
		die_with_parent(parent);
	/* Signals for the workload reach it through moat and pid 1; the monitor,
	 * the gofer and the sentry end only by SIGKILL (from us or PDEATHSIG). */
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD && sig != SIGSEGV &&
		    sig != SIGBUS && sig != SIGILL && sig != SIGFPE && sig != SIGABRT &&
		    sig != SIGSYS && sig != SIGTRAP && sig < SIGRTMIN)
			signal(sig, SIG_IGN);
	if (cfg->container && cfg->container->state_lock_fd >= 0)
		close(cfg->container->state_lock_fd); /* else the lock outlives `moat create` */
	if (cfg->container && cfg->container->detach)
		setsid();
	/* A detached container with a terminal talks through its pty only: nothing
	 * that outlives `moat create` may keep moat's stdio, which an engine can be
	 * reading to its end (containerd's shim reads create's output until EOF,
	 * as runc's create leaves nothing behind holding it). */
	if (cfg->container && cfg->container->detach && cfg->tty)
		stdio_to_null();
	else
		setpgid(0, 0); /* the terminal's ^C is moat's to forward, not ours */
	if (receive_go(cfg, moat_sock, &err) < 0)
		monitor_fail(moat_sock, &err);
	if (cfg->container && container_join_sandbox(cfg->container, &err) < 0)
		monitor_fail(moat_sock, &err);
	owner = uid_as_seen(cfg->caller_uid);
	if (become_inside_ids(cfg, &err) < 0)
		monitor_fail(moat_sock, &err);
	/* The kernel clears the parent-death signal when the effective ids or
	 * the capabilities change (the join and the id switch just above). */
	if (!cfg->container || !cfg->container->detach)
		die_with_parent(parent);
	proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (proc_fd < 0) {
		moat_error_set(&err, errno, "open /proc");
		monitor_fail(moat_sock, &err);
	}
	if (rootfs_build(cfg, &err) < 0)
		monitor_fail(moat_sock, &err);
	if (cfg->hostname && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0) {
		moat_error_set(&err, errno, "--hostname %s", cfg->hostname);
		monitor_fail(moat_sock, &err);
	}
	if (!cfg->net_host && net_loopback_up(&err) < 0)
		monitor_fail(moat_sock, &err);
	if (mkdir(SENTRY_ROOT, 0700) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, gofer_ctl) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, listener_pair) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, exec_pair) < 0 ||
	    pipe2(go_pipe, O_CLOEXEC) < 0) {
		moat_error_set(&err, errno, "create the sandbox's channels");
		monitor_fail(moat_sock, &err);
	}

	gofer_pid = fork();
	if (gofer_pid == 0) {
		close(gofer_ctl[0]);
		close(go_pipe[1]);
		close(moat_sock);
		close(listener_pair[0]);
		close(listener_pair[1]);
		close(exec_pair[0]);
		close(exec_pair[1]);
		close_exec_fifo(cfg);
		close_exec_socket(cfg);
		gofer_child(gofer_ctl[1], go_pipe[0]);
	}
	close(gofer_ctl[1]);
	close(go_pipe[0]);

	sentry_pid = fork();
	if (sentry_pid == 0) {
		close(listener_pair[0]);
		close(exec_pair[0]);
		close(moat_sock);
		close_exec_fifo(cfg);
		close_exec_socket(cfg);
		sentry_child(cfg, gofer_ctl[0], listener_pair[1], exec_pair[1], proc_fd);
	}
	close(gofer_ctl[0]);
	close(listener_pair[1]);
	close(exec_pair[1]);
	close(proc_fd);
	proc_fd = -1;
	if (gofer_pid < 0 || sentry_pid < 0 || sync_recv(listener_pair[0], &msg, NULL) <= 0 ||
	    msg.type != SYNC_READY) {
		moat_error_setx(&err, EPROTO, "start the gofer and the sentry");
		monitor_fail(moat_sock, &err);
	}

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, init_pair) < 0) {
		moat_error_set(&err, errno, "create the sandbox's channels");
		monitor_fail(moat_sock, &err);
	}
	{
		struct init_fds fds = {
		    .monitor = init_pair[1], .moat = moat_sock, .sentry = listener_pair[0]};

		init_pid = fork_init(cfg, &fds);
	}
	close(init_pair[1]);
	close(listener_pair[0]);
	close_exec_fifo(cfg);
	if (init_pid < 0) {
		moat_error_set(&err, errno, "start the sandbox's pid 1");
		kill(gofer_pid, SIGKILL);
		kill(sentry_pid, SIGKILL);
		monitor_fail(moat_sock, &err);
	}
	if (cfg->container && cfg->container->cgroup &&
	    join_cgroup(moat_sock, init_pair[0], init_pid, &err) < 0) {
		kill(init_pid, SIGKILL);
		kill(gofer_pid, SIGKILL);
		kill(sentry_pid, SIGKILL);
		monitor_fail(moat_sock, &err);
	}
	r = sync_recv(init_pair[0], &msg, NULL);
	if (r <= 0 || msg.type != SYNC_ROOT_READY) {
		if (r > 0 && msg.type == SYNC_ERROR) {
			moat_error_setx(&err, msg.value, "%s", msg.text);
			moat_error_prefix(&err, "sandbox set-up");
		} else {
			moat_error_setx(&err, EPROTO, "the sandbox's pid 1 failed during set-up");
		}
		kill(init_pid, SIGKILL);
		kill(gofer_pid, SIGKILL);
		kill(sentry_pid, SIGKILL);
		monitor_fail(moat_sock, &err);
	}
	if (write(go_pipe[1], "g", 1) != 1) {
		moat_error_set(&err, errno, "start the gofer");
		monitor_fail(moat_sock, &err);
	}
	close(go_pipe[1]);
	sync_send(moat_sock, SYNC_READY, init_pid, -1);

	for (;;) {
		const pid_t watched[3] = {init_pid, gofer_pid, sentry_pid};
		pid_t pid = wait_for_child(cfg, exec_pair[0], owner, watched, &status);
		const char *who;

		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			_exit(125);
		if (pid == init_pid) {
			int code =
			    WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);

			/* A shared pid namespace keeps the rest alive: end them first. */
			if (container_cgroup >= 0)
				cgroup_kill_procs_at(container_cgroup);
			/* Let the sentry finish its last answers (and --strace lines). */
			if (!sentry_done)
				wait_sentry_drain(sentry_pid);
			kill(gofer_pid, SIGKILL);
			kill(sentry_pid, SIGKILL);
			/* A set-up failure of pid 1 arrives as a message before its exit. */
			if (code == 125 && sync_recv(init_pair[0], &msg, NULL) > 0 &&
			    msg.type == SYNC_ERROR) {
				moat_error_setx(&err, msg.value, "%s", msg.text);
				monitor_fail(moat_sock, &err);
			}
			sync_send(moat_sock, SYNC_EXIT, code, -1);
			/* Engines (conmon, containerd's shim) reap the monitor, whose pid
			 * --pid-file gives them, and take its status as the container's. */
			_exit(code);
		}
		if (pid != gofer_pid && pid != sentry_pid)
			continue;
		/* The sentry leaves cleanly only once no task uses the filter. */
		if (pid == sentry_pid && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			sentry_done = 1;
			continue;
		}
		/* Never fail open: without its sentry or gofer the sandbox ends. */
		who = pid == gofer_pid ? "gofer" : "sentry";
		end_container(init_pid);
		kill(pid == gofer_pid ? sentry_pid : gofer_pid, SIGKILL);
		moat_error_setx(&err, EPIPE, "the %s died (%s %d); the workload was killed", who,
				WIFSIGNALED(status) ? "signal" : "exit status",
				WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		monitor_fail(moat_sock, &err);
	}
}
