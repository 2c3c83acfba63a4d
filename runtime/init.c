/* SPDX-License-Identifier: Apache-2.0 */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/securebits.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/log.h"
#include "../syscalls/filter.h"
#include "caps.h"
#include "container_join.h"
#include "container_process.h"
#include "oci_config.h"
#include "rootfs.h"
#include "sync.h"

static volatile pid_t init_child = -1;

static const int forwarded_signals[] = {SIGINT,	 SIGTERM, SIGHUP,   SIGQUIT,
					SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT};

static void forward_signal(int sig)
{
	if (init_child > 0)
		kill(init_child, sig);
}

extern char **environ;

static char **build_env(const struct sandbox_config *cfg)
{
	size_t n = 0, cap;
	char **env;

	for (char **e = environ; !cfg->clearenv && e && *e; e++)
		n++;
	cap = n + cfg->nenv + 1;
	env = calloc(cap, sizeof(char *));
	if (!env)
		return NULL;
	n = 0;
	for (char **e = environ; !cfg->clearenv && e && *e; e++)
		env[n++] = *e;
	for (int i = 0; i < cfg->nenv; i++) {
		size_t kl = strcspn(cfg->env_set[i], "=") + 1;
		size_t j;

		for (j = 0; j < n; j++)
			if (!strncmp(env[j], cfg->env_set[i], kl))
				break;
		env[j] = (char *)cfg->env_set[i];
		if (j == n)
			n++;
	}
	env[n] = NULL;
	return env;
}

/*
 * Like a shell: 127 when the command does not exist, 126 when it exists but
 * cannot be run. execvp reports EACCES when any PATH directory was not
 * searchable (inside, host-root directories such as /root are not), so look
 * for the file before blaming permissions.
 */
static void report_exec_failure(const char *cmd, int err) __attribute__((noreturn));
static void report_exec_failure(const char *cmd, int err)
{
	const char *path = getenv("PATH");
	int found = strchr(cmd, '/') != NULL;
	struct stat st;

	if (!found && err == EACCES) {
		char *copy = strdup(path ? path : "/usr/local/bin:/bin:/usr/bin");

		for (char *save = NULL, *dir = strtok_r(copy, ":", &save); dir && !found;
		     dir = strtok_r(NULL, ":", &save)) {
			char candidate[PATH_MAX];

			snprintf(candidate, sizeof(candidate), "%s/%s", *dir ? dir : ".", cmd);
			found = stat(candidate, &st) == 0;
		}
		free(copy);
		if (!found)
			err = ENOENT;
	}
	if (err == ENOENT && !strchr(cmd, '/'))
		fprintf(stderr, "moat: %s: command not found\n", cmd);
	else
		fprintf(stderr, "moat: %s: %s\n", cmd, strerror(err));
	_exit(err == ENOENT ? 127 : 126);
}

/* process.cwd entered while still container root (init_drop_privileges). */
static bool cwd_entered;

static sigset_t caller_ignored, caller_blocked;

void init_note_caller_signals(void)
{
	struct sigaction sa;

	sigemptyset(&caller_ignored);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
			sigaddset(&caller_ignored, sig);
	sigprocmask(SIG_SETMASK, NULL, &caller_blocked);
}

void init_exec_command(struct sandbox_config *cfg, int pty_slave)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL}, ign = {.sa_handler = SIG_IGN};
	sigset_t none;
	char **env;

	/* The monitor ignored most signals. `moat do`'s command starts with
	 * what its caller ignored and blocked (nohup, a CI harness), as it
	 * would natively and as under bwrap; a container's with defaults. */
	for (int sig = 1; sig < NSIG; sig++) {
		bool keep_ignored = !cfg->container && sigismember(&caller_ignored, sig) == 1;

		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, keep_ignored ? &ign : &dfl, NULL);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, cfg->container ? &none : &caller_blocked, NULL);
	if (setsid() < 0)
		_exit(125);
	if (pty_slave >= 0) {
		if (ioctl(pty_slave, TIOCSCTTY, 0) < 0)
			fprintf(stderr, "moat: cannot make the pty the controlling terminal: %s\n",
				strerror(errno));
		for (int fd = 0; fd < 3; fd++)
			dup2(pty_slave, fd);
	}
	syscall(SYS_close_range, 3 + cfg->preserve_fds, ~0U, 0);
	env = build_env(cfg);
	if (!env)
		_exit(125);
	if (!cwd_entered && chdir(cfg->cwd) < 0) {
		if (cfg->cwd_explicit) {
			fprintf(stderr, "moat: %s %s: %s\n",
				cfg->container ? "process.cwd" : "--cwd", cfg->cwd,
				strerror(errno));
			_exit(125);
		}
		if (chdir("/") < 0)
			_exit(125);
	}
	if (cfg->container) {
		struct moat_error err = {0};

		/* The container's seccomp profile, then its final capabilities. */
		if (container_process_before_exec(&err) < 0) {
			moat_error_print(&err);
			_exit(125);
		}
		environ = env; /* a container's PATH, not moat's, finds the command */
		execvp(cfg->argv[0], cfg->argv);
	} else {
		execvpe(cfg->argv[0], cfg->argv, env);
	}
	report_exec_failure(cfg->argv[0], errno);
}

/*
 * A change of effective ids or capabilities clears the parent-death signal:
 * set it again, and leave if the monitor died meanwhile (its socket hung up;
 * getppid() is 0 in a new pid namespace).
 */
static void rearm_parent_death(int monitor_sock)
{
	struct pollfd p = {.fd = monitor_sock, .events = POLLIN};

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR)))
		_exit(125);
}

static void init_fail(const struct init_fds *fds, struct moat_error *err)
{
	sync_send_error(fds->monitor, err);
	_exit(125);
}

/*
 * config.json's process.user. Capabilities are still needed after the uid
 * changes (container_process_apply sets the container's next and clears
 * the securebit again), so the kernel's clearing of them on setuid is
 * switched off first.
 */
static int become_process_user(const struct sandbox_config *cfg, struct moat_error *err)
{
	const struct container_setup *c = cfg->container;

	if (prctl(PR_SET_SECUREBITS, SECBIT_NO_SETUID_FIXUP) < 0)
		return moat_error_set(err, errno, "keep capabilities across setuid");
	if (cfg->host_root && setgroups(c->n_user_groups, c->user_groups) < 0)
		return moat_error_set(err, errno, "process.user.additionalGids");
	if (setresgid(c->user_gid, c->user_gid, c->user_gid) < 0)
		return moat_error_set(err, errno, "process.user.gid %u", (unsigned)c->user_gid);
	if (setresuid(c->user_uid, c->user_uid, c->user_uid) < 0)
		return moat_error_set(err, errno, "process.user.uid %u", (unsigned)c->user_uid);
	return 0;
}

/*
 * A created container waits here until `moat start` opens the state
 * directory's exec FIFO for reading. The FIFO is reached through the O_PATH
 * fd moat opened before the pivot; the open blocks until a reader comes.
 */
static int wait_for_start(struct container_setup *c, struct moat_error *err)
{
	char path[64];
	int fd;

	if (c->exec_fifo_fd < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", c->exec_fifo_fd);
	do
		fd = open(path, O_WRONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return moat_error_set(err, errno, "open the exec FIFO");
	if (write(fd, "0", 1) != 1) {
		close(fd);
		return moat_error_set(err, errno, "write the exec FIFO");
	}
	close(fd);
	close(c->exec_fifo_fd);
	c->exec_fifo_fd = -1;
	return 0;
}

/*
 * Before any set-up (its work is then the container's): wait until moat has
 * moved this process into the container's cgroup (if it has one), then make
 * that cgroup the root of a cgroup namespace of its own, or join the one
 * config.json names.
 */
static int enter_cgroup(struct container_setup *c, const struct init_fds *fds,
			struct moat_error *err)
{
	struct sync_msg msg;
	int r;

	if (c->cgroup && (sync_recv(fds->monitor, &msg, NULL) <= 0 || msg.type != SYNC_CGROUP))
		_exit(125); /* the monitor failed and reports it */
	r = container_join_cgroup(c, err);
	if (r != 0 || !c->cgroup)
		return r < 0 ? r : 0;
	if (unshare(CLONE_NEWCGROUP) < 0)
		return moat_error_set(err, errno, "unshare the cgroup namespace");
	return 0;
}

int init_drop_privileges(const struct sandbox_config *cfg, struct moat_error *err)
{
	if (!cfg->container)
		return caps_drop_all(err);
	/* As runc: the cwd is entered before the user changes (a process.user
	 * may not reach it, as root may), else after, in init_exec_command. */
	cwd_entered = chdir(cfg->cwd) == 0;
	if (become_process_user(cfg, err) < 0)
		return -err->code;
	return container_process_apply(cfg->container, err);
}

int init_open_pty(int *master, int *slave, struct moat_error *err)
{
	char name[64];

	*slave = -1;
	*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0 || grantpt(*master) < 0 || unlockpt(*master) < 0 ||
	    ptsname_r(*master, name, sizeof(name)) != 0) {
		moat_error_set(err, errno, "allocate a pty");
		if (*master >= 0)
			close(*master);
		*master = -1;
		return -err->code;
	}
	*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0) {
		moat_error_set(err, errno, "open %s", name);
		close(*master);
		*master = -1;
		return -err->code;
	}
	return 0;
}

void init_make_traceable(const struct sandbox_config *cfg)
{
	/*
	 * A container's process gets only process.env, so moat's own
	 * environment (the caller's, which may hold secrets) has no business
	 * staying readable through /proc/PID/environ once we are dumpable.
	 */
	for (char **e = environ; cfg->clearenv && e && *e; e++)
		memset(*e, 0, strlen(*e));
	if (cfg->clearenv)
		environ = NULL;
	/*
	 * The setresuid calls made this mm non-dumpable; the command must be
	 * dumpable for the sentry (same uid, no CAP_SYS_PTRACE over this mm) to
	 * read its memory before its execve. pid 1 stays dumpable too, as a
	 * native init would: it holds nothing the workload does not (same uid,
	 * the command's capabilities, same filter), and /proc/1/root then works
	 * as usual.
	 */
	prctl(PR_SET_DUMPABLE, 1);
}

void init_main(struct sandbox_config *cfg, const struct init_fds *fds)
{
	struct moat_error err = {0};
	struct sigaction sa = {.sa_handler = forward_signal};
	int listener, pty_slave = -1, status;
	pid_t child;

	log_set_role("moat-init");
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (cfg->container && enter_cgroup(cfg->container, fds, &err) < 0)
		init_fail(fds, &err);
	if (rootfs_enter(cfg, &err) < 0)
		init_fail(fds, &err);
	if (cfg->tty) {
		int master;

		if (init_open_pty(&master, &pty_slave, &err) < 0)
			init_fail(fds, &err);
		/* The terminal is the process's, as with runc (its group is tty's). */
		if (cfg->container && fchown(pty_slave, cfg->container->user_uid, (gid_t)-1) < 0)
			log_debug("pty: chown to uid %u: %s", (unsigned)cfg->container->user_uid,
				  strerror(errno));
		sync_send(fds->moat, SYNC_PTY, 0, master);
		close(master);
	}
	if (sync_send(fds->monitor, SYNC_ROOT_READY, 0, -1) < 0)
		_exit(125);
	if (init_drop_privileges(cfg, &err) < 0)
		init_fail(fds, &err);
	rearm_parent_death(fds->monitor);
	if (cfg->container && wait_for_start(cfg->container, &err) < 0)
		init_fail(fds, &err);
	/* From here on every syscall of this process and its children is filtered. */
	listener = filter_install_workload(&err);
	if (listener < 0)
		init_fail(fds, &err);
	if (sync_send(fds->sentry, SYNC_GO, 0, listener) < 0)
		_exit(125);
	close(listener);
	close(fds->sentry);
	init_make_traceable(cfg);
	/* Like the command, the hooks must be dumpable for the sentry. */
	if (cfg->container && container_process_start_hooks(cfg->container, &err) < 0) {
		moat_error_print(&err); /* after `moat create`, the container's stderr */
		init_fail(fds, &err);
	}
	/* A container's process is its pid 1, as with runc and runsc: it gets
	 * kill's signals (a pid 1 ignores those it has no handler for) and
	 * reaps its own orphans, and no moat command line shows in its ps.
	 * `moat do` keeps this init (as bwrap does): it forwards the signals
	 * and reaps. */
	if (cfg->container)
		init_exec_command(cfg, pty_slave);
	for (size_t i = 0; i < sizeof(forwarded_signals) / sizeof(int); i++)
		sigaction(forwarded_signals[i], &sa, NULL);
	child = fork();
	if (child < 0)
		_exit(125);
	if (child == 0)
		init_exec_command(cfg, pty_slave);
	init_child = child;
	if (pty_slave >= 0)
		close(pty_slave);
	for (;;) {
		pid_t pid = wait(&status);

		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			_exit(125);
		if (pid != child)
			continue; /* an orphan reparented to us */
		if (WIFSIGNALED(status))
			_exit(128 + WTERMSIG(status));
		_exit(WEXITSTATUS(status));
	}
}
