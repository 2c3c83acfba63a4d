/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Steps the path-based handlers share: read and resolve a path argument,
 * run one gofer op on it, copy a result struct back into the task.
 */
#ifndef MOAT_SENTRY_HANDLER_UTIL_H
#define MOAT_SENTRY_HANDLER_UTIL_H

#include <stdint.h>
#include <sys/types.h>

#include "call.h"

/* The kernel declares these parameters int: it ignores the upper half. */
static inline int arg_int(const struct sentry_call *call, int i)
{
	return (int)call->n->args[i];
}

static inline unsigned arg_uint(const struct sentry_call *call, int i)
{
	return (unsigned)call->n->args[i];
}

/* What to do when the path names the caller's own /proc/<pid>/fd/N. */
enum own_fd_policy {
	OWN_FD_GOFER,	 /* the op does not follow the last component: the gofer serves it */
	OWN_FD_CONTINUE, /* the op follows the magic link to a file the task holds: let the
			    kernel run it in the task's own root */
};

/* Does the path end in '/' (the last component must then be a directory)? */
static inline int util_trailing_slash(const struct call_path *p)
{
	return p->len > 1 && p->path[p->len - 1] == '/';
}

/* call_get_path, with "" refused as the kernel's getname() does (-ENOENT). */
int util_path(struct sentry_call *call, int dirfd, uint64_t addr, struct call_path *p);

/*
 * 1 when addr is NULL or points at "", 0 when not, -errno when unreadable.
 * For AT_EMPTY_PATH calls that must know this before validating flags.
 */
int util_path_is_empty(struct sentry_call *call, uint64_t addr);

/*
 * The common handler body: resolve the path argument at addr against dirfd,
 * run op through the gofer with flags/mode/arg, answer with its result.
 */
void util_path_op(struct sentry_call *call, uint16_t op, int dirfd, uint64_t addr,
		  enum own_fd_policy own_fd, int32_t flags, uint32_t mode, uint64_t arg);

/* Answer value after copying len bytes to addr in the task, or EFAULT. */
void util_return_copied(struct sentry_call *call, uint64_t addr, const void *buf, size_t len,
			int64_t value);

/* The calling task's umask, or -errno. */
int util_umask(struct sentry_call *call, mode_t *out);

/*
 * The raw target of the caller's /proc/<pid>/fd/<fd> link ("socket:[123]",
 * "anon_inode:inotify", "/etc/passwd"), NUL-terminated. -EBADF when the fd
 * is not open.
 */
ssize_t util_fd_target(struct sentry_call *call, int fd, char *buf, size_t cap);

/*
 * Resolve a path already copied out of the task (rel, NUL-terminated) the
 * way call_get_path() resolves one it reads itself. For arguments whose path
 * is not a plain NUL-terminated string, such as a sockaddr_un's sun_path.
 */
int util_resolve(struct sentry_call *call, int dirfd, const char *rel, struct call_path *out);

#endif
