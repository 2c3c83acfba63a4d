/* SPDX-License-Identifier: Apache-2.0 */
/* What the sentry learns about a trapped task from procfs. */
#ifndef MOAT_SENTRY_TASK_H
#define MOAT_SENTRY_TASK_H

#include <stdint.h>
#include <sys/types.h>

#include "../gofer/protocol.h"

struct task_status {
	pid_t ns_tgid; /* thread group id in the sandbox's pid namespace */
	pid_t ns_tid;  /* thread id in the sandbox's pid namespace */
	pid_t tgid;    /* thread group id in the sentry's pid namespace */
	mode_t umask;
	struct gofer_creds creds;
};

/* Parse <proc_fd>/<tid>/status. Returns 0 or -errno (-ESRCH: task gone). */
int task_read_status(int proc_fd, pid_t tid, struct task_status *out);
/* Parse the text of a status file (exposed for unit tests). */
int task_parse_status(const char *text, struct task_status *out);
/*
 * The path of the task's cwd (fd < 0) or of its fd, as the task sees it.
 * Returns the length or -errno (-EBADF for a closed fd, -ENOTDIR when the fd
 * has no path, such as a pipe).
 */
ssize_t task_fd_path(int proc_fd, pid_t tid, int fd, char *buf, size_t cap);

#endif
