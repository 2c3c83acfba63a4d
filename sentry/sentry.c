/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sentry's event loop. A pool of worker threads take turns in the
 * platform's receive() (one receives, the others wait for the lead; see
 * platform.h); each serves one trapped call at a time, and hands the lead
 * on when it must wait, so a call that blocks (a FIFO open, a connect) holds
 * up only its own worker. When the last idle worker takes a call, another is
 * started, up to SENTRY_MAX_WORKERS. Gofer requests go over the channel of
 * the CPU the worker runs on, or the worker's own channel when that one is
 * busy (sentry/channels.h), so they never queue behind each other either.
 *
 * `moat exec` adds listeners: each is served by a sentry process of its own,
 * forked from this one (same empty mount namespace, allowlist, procfs and
 * gofer), so that its end (its filter has no users) ends only it, its
 * credentials cache is its own, and no idle worker of a finished exec lingers.
 * This process ends with pid 1's filter; if an exec's sentry dies uncleanly,
 * this one ends too (and the monitor then kills the container).
 */
#include "sentry.h"

#include <errno.h>
#include <sched.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../gofer/client.h"
#include "../lib/cleanup.h"
#include "../lib/fdpass.h"
#include "../lib/log.h"
#include "../syscalls/filter.h"
#include "../syscalls/table.h"
#include "call.h"
#include "channels.h"
#include "strace.h"

void sentry_fatal(const char *why)
{
	log_msg("fatal: %s; stopping the sandbox", why);
	_exit(1);
}

static void dispatch(struct sentry_call *call)
{
	const struct platform_notification *n = call->n;
	const struct syscall_row *row;

	if (n->arch != AUDIT_ARCH_X86_64) {
		call_fail(call, ENOSYS);
		return;
	}
	row = syscall_by_nr(n->nr);
	call->row = row;
	if (!row) {
		call_fail(call, ENOSYS);
		return;
	}
	switch (row->disp) {
	case DISP_EMULATED:
	case DISP_CHECKED:
		if (row->handler) {
			row->handler(call);
			return;
		}
		call_fail(call, ENOSYS);
		return;
	case DISP_NATIVE:
		/* Trapped only because no argument rule allowed it. */
		call_fail(call, row->deny_errno ? row->deny_errno : EPERM);
		return;
	case DISP_DENIED:
		call_fail(call, row->deny_errno ? row->deny_errno : EPERM);
		return;
	case DISP_UNKNOWN:
		log_msg("unsupported syscall %s (%d): ENOSYS", row->name, n->nr);
		call_fail(call, ENOSYS);
		return;
	}
	call_fail(call, ENOSYS);
}

static void serve_one(struct sentry *s, struct gofer_channel *ch,
		      const struct platform_notification *n)
{
	struct sentry_call call = {
	    .sentry = s,
	    .platform = s->platform,
	    .n = n,
	    .gofer = ch,
	    .result = {.kind = RESULT_ERRNO, .value = ENOSYS, .fd = -1},
	};
	int r;

	dispatch(&call);
	/* Read the arguments for --strace while the call is still live. */
	if (s->trace_fd >= 0)
		strace_capture(&call);
	r = s->platform->ops->reply(s->platform, n, &call.result);
	if (r < 0 && r != -ENOENT)
		log_errno(r, "answer %d", n->nr);
	if (s->trace_fd >= 0) {
		/* Writing the trace may block: let another worker receive. */
		s->platform->ops->yield(s->platform);
		strace_print(&call);
	}
}

static void *worker_main(void *arg);

/* Preconditions: s->lock held. */
static int spawn_worker_locked(struct sentry *s)
{
	pthread_attr_t attr;
	pthread_t thread;
	int r;

	if (atomic_load(&s->workers) >= SENTRY_MAX_WORKERS)
		return -EAGAIN;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	atomic_fetch_add(&s->workers, 1);
	r = pthread_create(&thread, &attr, worker_main, s);
	pthread_attr_destroy(&attr);
	if (r) {
		atomic_fetch_sub(&s->workers, 1);
		return -r;
	}
	return 0;
}

static void *worker_main(void *arg)
{
	struct sentry *s = arg;
	struct gofer_channel ch;
	int r;

	r = gofer_channel_open(s->gofer_control, &ch);
	if (r < 0)
		sentry_fatal("cannot open a gofer channel");
	for (;;) {
		struct platform_notification n;

		atomic_fetch_add(&s->idle, 1);
		r = s->platform->ops->receive(s->platform, &n);
		if (atomic_fetch_sub(&s->idle, 1) == 1 && r == 0) {
			/* We were the last idle worker: keep one listening. */
			pthread_mutex_lock(&s->lock);
			if (atomic_load(&s->idle) == 0)
				spawn_worker_locked(s);
			pthread_mutex_unlock(&s->lock);
		}
		if (r == -EAGAIN)
			continue;
		if (r == -ESHUTDOWN) {
			/*
			 * Every filtered task is gone. Wait until every other
			 * worker is back in receive() (any call in flight is
			 * answered and traced), then end the sentry. Idle
			 * workers wait for the receive lead, which this worker
			 * holds, so do not wait for them to notice.
			 */
			const struct timespec tick = {.tv_nsec = 1000 * 1000};

			for (int i = 0; i < 1000; i++) {
				if (atomic_load(&s->idle) >= atomic_load(&s->workers) - 1)
					break;
				nanosleep(&tick, NULL);
			}
			if (s->done_fd >= 0 && write(s->done_fd, "0", 1) != 1)
				_exit(1);
			_exit(0);
		}
		if (r < 0) {
			log_errno(r, "seccomp listener");
			sentry_fatal("cannot receive trapped syscalls");
		}
		serve_one(s, &ch, &n);
	}
	return NULL;
}

static int start_workers(struct sentry *s)
{
	int r = 0;

	pthread_mutex_lock(&s->lock);
	for (int i = 0; i < SENTRY_MIN_WORKERS && r == 0; i++)
		r = spawn_worker_locked(s);
	pthread_mutex_unlock(&s->lock);
	return r;
}

/* The sentries serving exec'd processes: the read end each tells before a clean end. */
static int exec_done[SENTRY_MAX_EXECS];
static int n_exec;

/*
 * In the forked child: serve one exec's listener until its filter has no
 * users. Everything the parent's other threads held is gone with them;
 * the child starts from the copied struct with its own platform, counters
 * and credentials cache.
 */
/* Close every fd at or above 3 but those in keep (n of them). */
static void close_all_but(int *keep, int n)
{
	int from = 3;

	for (int i = 1; i < n; i++) /* a few entries: insertion sort */
		for (int j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];

			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	for (int i = 0; i < n; i++) {
		if (keep[i] < from)
			continue;
		if (keep[i] > from)
			syscall(SYS_close_range, from, keep[i] - 1, 0);
		from = keep[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0);
}

/*
 * In the forked child: serve one exec's listener until its filter has no
 * users. Only the forking thread exists here; everything the parent's other
 * threads held (pid 1's listener and its platform, the gofer channels and
 * their locks) is dropped: every inherited fd but the ones this process
 * needs is closed, and the struct starts afresh with its own platform,
 * gofer channels, counters and credentials cache.
 */
static void exec_sentry_main(struct sentry *s, int listener, int done) __attribute__((noreturn));
static void exec_sentry_main(struct sentry *s, int listener, int done)
{
	int keep[] = {s->gofer_control, s->proc_fd, s->trace_fd, listener, done};

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	close_all_but(keep, (int)ARRAY_SIZE(keep));
	pthread_mutex_init(&s->lock, NULL);
	atomic_store(&s->idle, 0);
	atomic_store(&s->workers, 0);
	atomic_store(&s->fixed_loaded, 0);
	/* An exec'd process holds the capabilities of its own process object,
	 * which the container's decision did not see: read them per call. */
	s->creds_fixed = 0;
	s->done_fd = done;
	s->platform = NULL; /* the parent's, for pid 1's listener (closed above) */
	if (channels_init(s) < 0 || platform_unotify_open(listener, &s->platform) < 0 ||
	    start_workers(s) < 0)
		sentry_fatal("cannot serve an exec'd process");
	for (;;)
		pause();
}

/* A listener from the monitor: check it is one, then fork its sentry. 0 or -errno. */
static int add_exec_listener(struct sentry *s, int listener)
{
	uint64_t id = 0;
	int done[2];
	pid_t pid;

	/* Only a seccomp listener knows this ioctl; no notification has id 0. */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0 || errno != ENOENT)
		return -EBADF;
	if (n_exec >= SENTRY_MAX_EXECS)
		return -EAGAIN;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, done) < 0)
		return -errno;
	pid = fork();
	if (pid == 0) {
		close(done[0]);
		exec_sentry_main(s, listener, done[1]);
	}
	close(done[1]);
	if (pid < 0) {
		close(done[0]);
		return -errno;
	}
	exec_done[n_exec++] = done[0];
	return 0;
}

/* An exec's sentry ended: cleanly if it said so first. */
static void reap_exec_sentry(int i)
{
	char byte;

	if (read(exec_done[i], &byte, 1) != 1)
		sentry_fatal("the sentry of an exec'd process died");
	close(exec_done[i]);
	exec_done[i] = exec_done[--n_exec];
}

/* pid 1's listener: the first fd on init_sock (the message itself is the monitor's business). */
static void take_init_listener(struct sentry *s, int init_sock)
{
	char buf[2048];
	int fd = -1;
	ssize_t n = fdpass_recv(init_sock, buf, sizeof(buf), &fd, 1);

	if (n <= 0 || fd < 0)
		sentry_fatal("pid 1 did not hand over its listener");
	close(init_sock);
	if (platform_unotify_open(fd, &s->platform) < 0)
		sentry_fatal("cannot serve pid 1's listener");
	if (start_workers(s) < 0)
		sentry_fatal("cannot start the sentry's workers");
}

/*
 * The main thread: take pid 1's listener when it comes, and serve the
 * monitor's control requests until it goes.
 */
static void control_loop(struct sentry *s, int init_sock, int control) __attribute__((noreturn));
static void control_loop(struct sentry *s, int init_sock, int control)
{
	for (;;) {
		struct pollfd pfd[SENTRY_MAX_EXECS + 2];
		struct sentry_control_msg msg;
		int fd = -1;
		ssize_t n;

		pfd[0] = (struct pollfd){.fd = control, .events = POLLIN};
		pfd[1] = (struct pollfd){.fd = init_sock, .events = POLLIN};
		for (int i = 0; i < n_exec; i++)
			pfd[i + 2] = (struct pollfd){.fd = exec_done[i], .events = POLLIN};
		if (poll(pfd, n_exec + 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			sentry_fatal("poll the control socket");
		}
		if (pfd[1].revents) {
			take_init_listener(s, init_sock);
			init_sock = -1;
		}
		for (int i = n_exec - 1; i >= 0; i--)
			if (pfd[i + 2].revents)
				reap_exec_sentry(i);
		if (!pfd[0].revents)
			continue;
		n = fdpass_recv(control, &msg, sizeof(msg), &fd, 1);
		if (n == 0 || n == -ECONNRESET) {
			/* The monitor is gone; its death signal ends us. */
			close(control);
			control = -1;
			continue;
		}
		if (n != sizeof(msg) || msg.op != SENTRY_CONTROL_LISTENER || fd < 0) {
			if (fd >= 0)
				close(fd);
			msg.op = SENTRY_CONTROL_LISTENER;
			msg.result = -EPROTO;
		} else {
			msg.result = add_exec_listener(s, fd);
			close(fd);
		}
		if (fdpass_send(control, &msg, sizeof(msg), NULL, 0) < 0)
			log_msg("cannot answer the monitor");
	}
}

int sentry_run(const struct sentry_config *cfg, struct moat_error *err)
{
	static struct sentry s;
	int r;

	prctl(PR_SET_NAME, "moat-sentry");
	memset(&s, 0, sizeof(s));
	pthread_mutex_init(&s.lock, NULL);
	s.gofer_control = cfg->gofer_control;
	s.proc_fd = cfg->proc_fd;
	s.trace_fd = cfg->trace_fd;
	s.creds_fixed = cfg->creds_fixed;
	s.done_fd = -1;
	/* Exec sentries are our children; nothing here waits for them. */
	signal(SIGCHLD, SIG_IGN);
	if (uname(&s.uts) < 0)
		return moat_error_set(err, errno, "uname");
	if (cfg->hostname)
		snprintf(s.uts.nodename, sizeof(s.uts.nodename), "%s", cfg->hostname);
	r = channels_init(&s);
	if (r < 0)
		return moat_error_set(err, -r, "gofer channels");
	/*
	 * SCHED_BATCH: a worker woken by the gofer's reply does not preempt
	 * the gofer thread, which then finishes its loop and sleeps before the
	 * worker runs; as SCHED_OTHER the gofer thread was preempted mid-loop
	 * and needed one more context switch per call to finish it. Workers
	 * inherit the policy. Only speed depends on it.
	 */
	sched_setscheduler(0, SCHED_BATCH, &(struct sched_param){0});
	r = filter_install_self(SELF_SENTRY, err);
	if (r < 0)
		return moat_error_prefix(err, "sentry seccomp allowlist");
	/* Workers serve pid 1's filter until it has no users; then they end the process. */
	control_loop(&s, cfg->init_sock, cfg->control);
}
