/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Steps the path-based handlers share: read and resolve a path argument,
 * run one gofer op on it, copy a result struct back into the task.
 *
 * util_get_path() is the sentry's one path resolver: it fills a struct
 * call_path (sentry/call.h) and also tells the handler two things the
 * struct does not say: whether the path names dirfd (or the cwd) itself,
 * and, for calls that do not follow the last component, whether it is
 * exactly one of the links rewritten for the caller (/proc/self,
 * /dev/stdin...), which such a call must see as the link it is.
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

/*
 * Does the call follow a symlink in the last component of its path? The
 * magic links of the caller's own /proc/<pid> (fd/N, exe, cwd, root) lead
 * only to things the task already holds, but the gofer refuses them
 * (ELOOP): a following call on such a path is left to the kernel, which
 * resolves it in the task's own root, the sandbox's root.
 */
enum last_link {
	LAST_NOFOLLOW, /* acts on the last component itself */
	LAST_FOLLOW,
};

/* What a resolved path names, beyond its text. */
enum path_kind {
	PATH_PLAIN = 0,
	PATH_DOT,	  /* relative, "." components only: dirfd or the cwd itself */
	PATH_PROC_SELF,	  /* LAST_NOFOLLOW: exactly /proc/self, not rewritten */
	PATH_THREAD_SELF, /* LAST_NOFOLLOW: exactly /proc/thread-self, not rewritten */
	PATH_DEV_LINK,	  /* LAST_NOFOLLOW: exactly /dev/fd or /dev/std{in,out,err} */
};

/*
 * Read the path argument at addr and resolve it against dirfd. Returns enum
 * path_kind (>= 0) or -errno; "" sets p->empty.
 */
int util_get_path(struct sentry_call *call, int dirfd, uint64_t addr, enum last_link last,
		  struct call_path *p);

/* util_get_path(), with "" refused as the kernel's getname() does (-ENOENT). */
int util_path(struct sentry_call *call, int dirfd, uint64_t addr, enum last_link last,
	      struct call_path *p);

/*
 * The same for a path already copied out of the task (rel, NUL-terminated),
 * such as a sockaddr_un's sun_path, which is not a plain C string in task
 * memory.
 */
int util_resolve(struct sentry_call *call, int dirfd, const char *rel, enum last_link last,
		 struct call_path *p);

/* Does the path end in '/' (the last component must then be a directory)? */
static inline int util_trailing_slash(const struct call_path *p)
{
	return p->len > 1 && p->path[p->len - 1] == '/';
}

/* Is the path in the caller's own /proc/<pid> directory? */
int util_own_proc(struct sentry_call *call, const struct call_path *p);

/*
 * After a following gofer op returned res: was it the gofer refusing a magic
 * link of the caller's own /proc/<pid>? Then the kernel may run the call.
 */
int util_own_magic_link(struct sentry_call *call, const struct call_path *p, int64_t res);

/*
 * 1 when addr is NULL or points at "", 0 when not, -errno when unreadable.
 * For AT_EMPTY_PATH calls, which act on dirfd itself when it is.
 */
int util_path_is_empty(struct sentry_call *call, uint64_t addr);

/*
 * The common handler body: resolve the path argument at addr against dirfd,
 * run op through the gofer with flags/mode/arg, answer with its result. A
 * following call on the task's own objects (its cwd or dirfd as ".", its
 * /proc/<pid> magic links) is left to the kernel.
 */
void util_path_op(struct sentry_call *call, uint16_t op, int dirfd, uint64_t addr,
		  enum last_link last, int32_t flags, uint32_t mode, uint64_t arg);

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

#endif
