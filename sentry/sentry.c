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
 */
#include "sentry.h"

#include <errno.h>
#include <sched.h>
#include <linux/audit.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../gofer/client.h"
#include "../lib/cleanup.h"
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
	if (uname(&s.uts) < 0)
		return moat_error_set(err, errno, "uname");
	if (cfg->hostname)
		snprintf(s.uts.nodename, sizeof(s.uts.nodename), "%s", cfg->hostname);
	r = channels_init(&s);
	if (r < 0)
		return moat_error_set(err, -r, "gofer channels");
	r = platform_unotify_open(cfg->listener, &s.platform);
	if (r < 0)
		return moat_error_set(err, -r, "platform");
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
	pthread_mutex_lock(&s.lock);
	for (int i = 0; i < SENTRY_MIN_WORKERS; i++) {
		r = spawn_worker_locked(&s);
		if (r < 0) {
			pthread_mutex_unlock(&s.lock);
			return moat_error_set(err, -r, "start sentry worker");
		}
	}
	pthread_mutex_unlock(&s.lock);
	/* The workers serve until the sandbox's monitor ends this process. */
	for (;;)
		pause();
	return 0;
}
