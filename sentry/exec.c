/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checked calls: the gofer validates the path as the caller, then the kernel
 * runs the call as issued (CONTINUE) and resolves the path again itself, in
 * the workload's own root, which is the sandbox's root: a task that rewrites
 * the path in between reaches nothing it could not name anyway.
 *
 * Errors the check cannot see (argv faults, ELOOP under AT_SYMLINK_NOFOLLOW,
 * ENOTDIR under IN_ONLYDIR, ...) come from the kernel after CONTINUE.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "call.h"
#include "handler_util.h"
#include "handlers.h"

/* Answer the gofer's error, or let the kernel run the call. */
static void check_then_continue(struct sentry_call *call, uint16_t op, const struct call_path *p,
				int32_t flags, uint32_t mode)
{
	int64_t res = call_gofer(call, op, p, NULL, 0, flags, mode, 0, NULL, 0, NULL, 0, NULL);

	if (res < 0)
		call_fail(call, (int)-res);
	else
		call_continue(call);
}

static void exec_common(struct sentry_call *call, int dirfd, uint64_t addr, int flags)
{
	struct call_path p;
	int r;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
		/* The kernel reports a bad path string before bad flags. */
		char path[PATH_MAX];
		ssize_t n = call_read_string(call, addr, path, sizeof(path));

		if (n < 0)
			call_fail(call, (int)-n);
		else if (n == 0 && !(flags & AT_EMPTY_PATH))
			call_fail(call, ENOENT);
		else
			call_fail(call, EINVAL);
		return;
	}
	if ((flags & AT_EMPTY_PATH) && addr == 0) {
		call_continue(call);
		return;
	}
	r = util_get_path(call, dirfd, addr, LAST_FOLLOW, &p);
	if (r < 0) {
		call_fail(call, -r);
		return;
	}
	if (p.empty) {
		/* fexecve(): execveat(fd, "", ..., AT_EMPTY_PATH) runs the fd. */
		if (flags & AT_EMPTY_PATH)
			call_continue(call);
		else
			call_fail(call, ENOENT);
		return;
	}
	if (util_own_proc(call, &p)) {
		/* The older fexecve() through /proc/self/fd/N, a re-exec through
		 * /proc/self/exe: the task's own files, behind magic links the
		 * gofer refuses. */
		call_continue(call);
		return;
	}
	check_then_continue(call, GOFER_OP_CHECK_EXEC, &p, 0, 0);
}

SENTRY_HANDLER(execve)
{
	exec_common(call, CALL_AT_FDCWD, call->n->args[0], 0);
}

SENTRY_HANDLER(execveat)
{
	exec_common(call, arg_int(call, 0), call->n->args[1], arg_int(call, 4));
}

SENTRY_HANDLER(chdir)
{
	struct call_path p;
	int r = util_path(call, CALL_AT_FDCWD, call->n->args[0], LAST_FOLLOW, &p);

	if (r < 0) {
		call_fail(call, -r);
		return;
	}
	if (util_own_proc(call, &p)) {
		/* /proc/self/cwd, /proc/self/fd/N...: the task's own directories. */
		call_continue(call);
		return;
	}
	check_then_continue(call, GOFER_OP_CHECK_DIR, &p, 0, 0);
}

#define ALL_INOTIFY_BITS                                                                           \
	(IN_ALL_EVENTS | IN_UNMOUNT | IN_Q_OVERFLOW | IN_IGNORED | IN_ONLYDIR | IN_DONT_FOLLOW |   \
	 IN_EXCL_UNLINK | IN_MASK_CREATE | IN_MASK_ADD | IN_ISDIR | IN_ONESHOT)

SENTRY_HANDLER(inotify_add_watch)
{
	uint32_t mask = (uint32_t)call->n->args[2];
	int nofollow = (mask & IN_DONT_FOLLOW) != 0;
	char target[64];
	struct call_path p;
	ssize_t n;
	int r;

	/* The kernel checks the mask, then the fd, then the path. */
	if (((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE)) || !(mask & ALL_INOTIFY_BITS)) {
		call_fail(call, EINVAL);
		return;
	}
	n = util_fd_target(call, arg_int(call, 0), target, sizeof(target));
	if (n == -EBADF) {
		call_fail(call, EBADF);
		return;
	}
	if (n >= 0 && strcmp(target, "anon_inode:inotify")) {
		call_fail(call, EINVAL);
		return;
	}
	r = util_path(call, CALL_AT_FDCWD, call->n->args[1], nofollow ? LAST_NOFOLLOW : LAST_FOLLOW,
		      &p);
	if (r < 0) {
		call_fail(call, -r);
		return;
	}
	if (!nofollow && util_own_proc(call, &p)) {
		/* Watching the task's own /proc files: the kernel resolves them. */
		call_continue(call);
		return;
	}
	/* Watching needs read permission on the inode. */
	check_then_continue(call, GOFER_OP_ACCESS, &p, nofollow ? AT_SYMLINK_NOFOLLOW : 0, R_OK);
}
