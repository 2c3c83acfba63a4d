/* SPDX-License-Identifier: Apache-2.0 */
/* Pure path manipulation for the sentry (no I/O; unit-tested). */
#ifndef MOAT_SENTRY_PATH_H
#define MOAT_SENTRY_PATH_H

#include <stddef.h>
#include <sys/types.h>

/* out = base + "/" + rel (rel relative). Returns length or -ENAMETOOLONG. */
ssize_t path_join(char *out, size_t cap, const char *base, const char *rel);

/*
 * Rewrite names that mean "the calling task" into the task's own /proc
 * directory: /proc/self -> /proc/<tgid>, /proc/thread-self ->
 * /proc/<tgid>/task/<tid>, /dev/fd -> /proc/<tgid>/fd, /dev/stdin|stdout|stderr
 * -> /proc/<tgid>/fd/0|1|2. In place; returns the new length or -ENAMETOOLONG.
 */
ssize_t path_rewrite_self(char *path, size_t cap, pid_t tgid, pid_t tid);

/* If path is /proc/<tgid>/fd/<N> (optionally with trailing slashes), return N, else -1. */
int path_self_fd(const char *path, pid_t tgid);

#endif
