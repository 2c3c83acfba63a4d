/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The narrow interface between the sentry's handlers and the mechanism that
 * traps the workload's syscalls. Handlers never know which platform runs them:
 * they read and write task memory and return a struct syscall_result, which
 * the platform applies.
 */
#ifndef MOAT_PLATFORM_H
#define MOAT_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct platform_notification {
	uint64_t id;   /* platform cookie identifying this trapped call */
	pid_t pid;     /* thread id, in the sentry's pid namespace */
	int nr;	       /* syscall number */
	uint32_t arch; /* AUDIT_ARCH_* */
	uint64_t ip;   /* instruction pointer */
	uint64_t args[6];
};

enum syscall_result_kind {
	RESULT_VALUE,	 /* return value (>= 0) */
	RESULT_ERRNO,	 /* fail with errno */
	RESULT_FD,	 /* inject fd into the task and return its number */
	RESULT_CONTINUE, /* let the kernel run the syscall as issued */
};

struct syscall_result {
	enum syscall_result_kind kind;
	int64_t value;	   /* RESULT_VALUE: value; RESULT_ERRNO: positive errno */
	int fd;		   /* RESULT_FD: sentry-side fd (the platform closes it) */
	unsigned fd_flags; /* RESULT_FD: O_CLOEXEC or 0 */
};

struct platform;

struct platform_ops {
	const char *name;
	/*
	 * Block until the next trapped syscall. Returns 0, -EAGAIN when the
	 * call should simply be retried (the task died before we saw it), or
	 * another -errno when the platform is gone (listener closed).
	 *
	 * One worker at a time receives (it holds the "lead"); it keeps the
	 * lead while it serves the call it got, so that a sandbox making one
	 * call at a time is served by one thread without hand-offs. A worker
	 * about to wait for something (the gofer) watches lead_fd() as well and
	 * calls yield() when it becomes ready: another call has arrived, and
	 * another worker must take it.
	 */
	int (*receive)(struct platform *p, struct platform_notification *n);
	/* The fd that becomes readable when a call is waiting, if the calling
	 * worker holds the lead; else -1. */
	int (*lead_fd)(struct platform *p);
	/* Give up the lead, if the calling worker holds it. */
	void (*yield)(struct platform *p);
	/*
	 * Copy task memory. Returns bytes copied (may be short at an unmapped
	 * page) or -errno (-EFAULT for a bad address). Afterwards the platform
	 * re-checks that the notification is still live (-ENOENT if not), so
	 * the copy can be trusted to belong to the trapped call.
	 */
	ssize_t (*read_memory)(struct platform *p, const struct platform_notification *n, void *dst,
			       uint64_t addr, size_t len);
	ssize_t (*write_memory)(struct platform *p, const struct platform_notification *n,
				uint64_t addr, const void *src, size_t len);
	/* 0 while the trapped call is still waiting for an answer, else -ENOENT. */
	int (*still_valid)(struct platform *p, const struct platform_notification *n);
	/*
	 * Apply a result. Returns 0 or -errno (-ENOENT: the task went away).
	 * For RESULT_FD, r->value receives the fd number the task got.
	 */
	int (*reply)(struct platform *p, const struct platform_notification *n,
		     struct syscall_result *r);
	void (*destroy)(struct platform *p);
};

struct platform {
	const struct platform_ops *ops;
	int listener; /* unotify: the seccomp listener fd */
};

/* Wrap a seccomp user-notification listener fd (takes ownership). */
int platform_unotify_open(int listener, struct platform **out);

#endif
