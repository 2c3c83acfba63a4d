/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One trapped syscall as a handler sees it, and the helpers handlers use:
 * copying arguments out of the task (once; decisions are made on the copy),
 * turning a path argument into a sandbox-absolute path, and asking the gofer.
 */
#ifndef MOAT_SENTRY_CALL_H
#define MOAT_SENTRY_CALL_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include "../gofer/protocol.h"
#include "../platform/platform.h"
#include "../syscalls/table.h"
#include "task.h"

struct sentry;
struct gofer_channel;

struct sentry_call {
	struct sentry *sentry;
	struct platform *platform;
	const struct platform_notification *n;
	const struct syscall_row *row;
	struct gofer_channel *gofer;
	struct syscall_result result;
	/* The task's status, read once per call when first needed. */
	struct task_status status;
	int status_loaded;
};

/* Answers. */
void call_return(struct sentry_call *call, int64_t value);
void call_fail(struct sentry_call *call, int err); /* err: positive errno */
/* Negative values are -errno, others are returned as is. */
void call_return_result(struct sentry_call *call, int64_t r);
void call_return_fd(struct sentry_call *call, int fd, unsigned fd_flags);
void call_continue(struct sentry_call *call);

/* Read a NUL-terminated string argument (at most cap bytes incl. NUL). -EFAULT,
 * -ENAMETOOLONG or -ENOENT (task gone). Returns length. */
ssize_t call_read_string(struct sentry_call *call, uint64_t addr, char *buf, size_t cap);
/* Copy a struct-sized argument exactly; -EFAULT when short. */
int call_read(struct sentry_call *call, uint64_t addr, void *dst, size_t len);
int call_write(struct sentry_call *call, uint64_t addr, const void *src, size_t len);

/*
 * A path argument turned into an absolute path in the sandbox's root:
 * relative paths are joined to the task's cwd (dirfd == AT_FDCWD) or to the
 * directory dirfd names; /proc/self, /proc/thread-self, /dev/fd and
 * /dev/std{in,out,err} are rewritten for the calling task. At most
 * GOFER_PATH_MAX bytes.
 */
struct call_path {
	char path[GOFER_PATH_MAX];
	size_t len;
	int empty;   /* the argument was "" */
	int proc_fd; /* >= 0: the path names /proc/<task>/fd/N of the caller */
};

#define CALL_AT_FDCWD ((int)-100)

/* Paths are read and resolved by util_get_path() (sentry/handler_util.h). */

/* The task's pid-namespace ids, credentials and umask. 0 or -errno. */
int call_status(struct sentry_call *call, const struct task_status **out);

/*
 * Open the caller's own fd N again with new flags, as open("/proc/self/fd/N")
 * does natively: the gofer refuses magic links, so the sentry reopens through
 * its procfs with the caller's file-system credentials. Returns an fd or -errno.
 */
int call_reopen_own_fd(struct sentry_call *call, int fd, int flags);

/*
 * Ask the gofer to perform op as the calling task. out/out_cap receive reply
 * data; *out_fd (if non-NULL) receives a returned fd or -1. Returns the
 * gofer's result (>= 0 or -errno).
 */
int64_t call_gofer(struct sentry_call *call, uint16_t op, const struct call_path *path,
		   const char *path2, uint32_t path2_len, int32_t flags, uint32_t mode,
		   uint64_t arg, const void *data, uint32_t data_len, void *out, size_t out_cap,
		   int *out_fd);

#endif
