/* SPDX-License-Identifier: Apache-2.0 */
/* The sentry: serves the workload's trapped syscalls. */
#ifndef MOAT_SENTRY_H
#define MOAT_SENTRY_H

#include <pthread.h>
#include <stdint.h>
#include <stdatomic.h>
#include <sys/utsname.h>

#include "../lib/error.h"
#include "../gofer/protocol.h"
#include "../platform/platform.h"

struct sentry_config {
	int init_sock;	   /* pid 1 sends its seccomp listener here (the first fd to arrive) */
	int control;	   /* socket from the monitor: further listeners (`moat exec`), or -1 */
	int gofer_control; /* control socket of the gofer */
	int proc_fd;	   /* procfs of the pid namespace notifications report pids in */
	int trace_fd;	   /* --strace output, or -1 */
	const char *hostname;
	/*
	 * The workload cannot change its credentials (no capabilities,
	 * no_new_privs, as under `moat do`): read them once instead of per call.
	 */
	int creds_fixed;
};

struct sentry {
	struct platform *platform;
	int gofer_control;
	int proc_fd;
	int trace_fd;
	struct utsname uts; /* what uname(2) answers */
	int creds_fixed;
	atomic_int fixed_loaded;
	struct gofer_creds fixed_creds; /* valid once fixed_loaded */
	atomic_int idle;		/* workers blocked in receive() */
	atomic_int workers;		/* live worker threads */
	atomic_int stopping;
	pthread_mutex_t lock;		  /* guards spawning */
	struct cpu_channel *cpu_channels; /* sentry/channels.c */
	int ncpu_channels;
	int done_fd; /* an exec's sentry: told before a clean end; else -1 */
};

/*
 * The control protocol (SOCK_SEQPACKET, one request at a time): the monitor
 * sends {SENTRY_CONTROL_LISTENER, 0, seq} with a seccomp listener
 * (SCM_RIGHTS); the sentry answers {SENTRY_CONTROL_LISTENER, 0 or -errno,
 * seq} once a sentry process serves it. This works before pid 1's listener
 * has come (a created container).
 */
struct sentry_control_msg {
	int32_t op;
	int32_t result;
	uint32_t seq; /* echoed, so a late answer is never taken for the next one */
};

#define SENTRY_CONTROL_LISTENER 1
#define SENTRY_MAX_EXECS	64 /* exec'd process trees served at once */

#define SENTRY_MAX_WORKERS 128
#define SENTRY_MIN_WORKERS 2

/*
 * Serve pid 1's listener (once it arrives on init_sock) until its filter has
 * no users, and each `moat exec` listener from the control socket in a
 * sentry process of its own. The caller has already made this process's
 * mount namespace empty; this installs the sentry's own seccomp allowlist
 * first. Returns only on a set-up failure: -errno with err filled.
 */
int sentry_run(const struct sentry_config *cfg, struct moat_error *err);

/* Log and end the sentry process; the sandbox's monitor then kills the workload. */
void sentry_fatal(const char *why) __attribute__((noreturn));

/* --strace: print one decoded line for a served call (sentry/strace.c). */
struct sentry_call;
void strace_print(struct sentry_call *call);

#endif
