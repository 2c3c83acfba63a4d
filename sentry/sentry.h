/* SPDX-License-Identifier: Apache-2.0 */
/* The sentry: serves the workload's trapped syscalls. */
#ifndef MOAT_SENTRY_H
#define MOAT_SENTRY_H

#include <pthread.h>
#include <stdatomic.h>
#include <sys/utsname.h>

#include "../lib/error.h"
#include "../gofer/protocol.h"
#include "../platform/platform.h"

struct sentry_config {
	int listener;	   /* seccomp listener (ownership passes to the sentry) */
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
	pthread_mutex_t lock; /* guards spawning */
	struct cpu_channel *cpu_channels; /* sentry/channels.c */
	int ncpu_channels;
};

#define SENTRY_MAX_WORKERS 128
#define SENTRY_MIN_WORKERS 2

/*
 * Serve until the platform reports it is gone. The caller has already made
 * this process's mount namespace empty; this installs the sentry's own
 * seccomp allowlist before serving. Returns 0 or -errno with err filled.
 */
int sentry_run(const struct sentry_config *cfg, struct moat_error *err);

/* Log and end the sentry process; the sandbox's monitor then kills the workload. */
void sentry_fatal(const char *why) __attribute__((noreturn));

/* --strace: print one decoded line for a served call (sentry/strace.c). */
struct sentry_call;
void strace_print(struct sentry_call *call);

#endif
