/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Metadata queries by path: the stat family, access, readlink, statfs.
 *
 * A path naming the caller's own /proc/<pid>/fd/N is a magic link the gofer
 * refuses. stat() follows it by reopening that fd as O_PATH in the sentry
 * and fstat()ing the reopened fd: the answer is about the very file the task
 * holds, and nothing is re-read from task memory. The other calls that
 * follow it (statx, statfs, access) are let through: the kernel answers about
 * the task's own file, in the task's own root (statx and fstatfs are not on
 * the sentry's own allowlist).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "call.h"
#include "handler_util.h"
#include "handlers.h"

#define STAT_AT_FLAGS (AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)

static void stat_own_fd(struct sentry_call *call, int own_fd, int want_dir, uint64_t buf)
{
	_cleanup_close_ int fd = call_reopen_own_fd(call, own_fd, O_PATH);
	struct stat st;

	if (fd < 0) {
		call_fail(call, -fd);
		return;
	}
	if (syscall(SYS_fstat, fd, &st) < 0) {
		call_fail(call, errno);
		return;
	}
	if (want_dir && !S_ISDIR(st.st_mode)) {
		call_fail(call, ENOTDIR);
		return;
	}
	util_return_copied(call, buf, &st, sizeof(st), 0);
}

/* stat or lstat of a resolved path of the given kind (enum path_kind). */
static void stat_path(struct sentry_call *call, const struct call_path *p, int kind, int nofollow,
		      uint64_t buf)
{
	struct stat st;
	int64_t res;

	if (kind == PATH_DOT) {
		/* dirfd or the cwd itself, which the task holds (and which the
		 * gofer cannot reach once removed). */
		call_continue(call);
		return;
	}
	if (p->proc_fd >= 0 && !nofollow) {
		stat_own_fd(call, p->proc_fd, util_trailing_slash(p), buf);
		return;
	}
	memset(&st, 0, sizeof(st));
	res = call_gofer(call, GOFER_OP_STAT, p, NULL, 0, nofollow ? AT_SYMLINK_NOFOLLOW : 0, 0, 0,
			 NULL, 0, &st, sizeof(st), NULL);
	if (!nofollow && util_own_magic_link(call, p, res))
		call_continue(call); /* /proc/self/exe and the like */
	else if (res < 0)
		call_fail(call, (int)-res);
	else
		util_return_copied(call, buf, &st, sizeof(st), 0);
}

static void stat_simple(struct sentry_call *call, int nofollow)
{
	struct call_path p;
	int r = util_path(call, CALL_AT_FDCWD, call->n->args[0],
			  nofollow ? LAST_NOFOLLOW : LAST_FOLLOW, &p);

	if (r < 0)
		call_fail(call, -r);
	else
		stat_path(call, &p, r, nofollow, call->n->args[1]);
}

SENTRY_HANDLER(stat)
{
	stat_simple(call, 0);
}

SENTRY_HANDLER(lstat)
{
	stat_simple(call, 1);
}

/*
 * AT_EMPTY_PATH with a NULL or "" path asks about dirfd (or the cwd) itself,
 * which the task already holds: the kernel answers, with its own checks.
 * glibc's fstat() is newfstatat(fd, "", buf, AT_EMPTY_PATH).
 */
static int at_empty_path(struct sentry_call *call, int flags, uint64_t addr)
{
	return (flags & AT_EMPTY_PATH) && util_path_is_empty(call, addr) == 1;
}

SENTRY_HANDLER(newfstatat)
{
	int dirfd = arg_int(call, 0), flags = arg_int(call, 3);
	uint64_t addr = call->n->args[1];
	struct call_path p;
	int r;

	if (at_empty_path(call, flags, addr)) {
		call_continue(call);
		return;
	}
	if (flags & ~STAT_AT_FLAGS) {
		call_fail(call, EINVAL);
		return;
	}
	r = util_path(call, dirfd, addr,
		      (flags & AT_SYMLINK_NOFOLLOW) ? LAST_NOFOLLOW : LAST_FOLLOW, &p);
	if (r < 0)
		call_fail(call, -r);
	else
		stat_path(call, &p, r, flags & AT_SYMLINK_NOFOLLOW, call->n->args[2]);
}

SENTRY_HANDLER(statx)
{
	int dirfd = arg_int(call, 0), flags = arg_int(call, 2);
	unsigned mask = arg_uint(call, 3);
	uint64_t addr = call->n->args[1], buf = call->n->args[4];
	struct call_path p;
	struct statx stx;
	int64_t res;
	int r;

	if (at_empty_path(call, flags, addr)) {
		call_continue(call);
		return;
	}
	if ((mask & STATX__RESERVED) || (flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE ||
	    (flags & ~STAT_AT_FLAGS)) {
		call_fail(call, EINVAL);
		return;
	}
	r = util_path(call, dirfd, addr,
		      (flags & AT_SYMLINK_NOFOLLOW) ? LAST_NOFOLLOW : LAST_FOLLOW, &p);
	if (r < 0) {
		call_fail(call, -r);
		return;
	}
	if (r == PATH_DOT || (p.proc_fd >= 0 && !(flags & AT_SYMLINK_NOFOLLOW))) {
		/* statx is not on the sentry's own allowlist: the kernel answers
		 * about the task's own dirfd, cwd or fd. */
		call_continue(call);
		return;
	}
	memset(&stx, 0, sizeof(stx));
	res = call_gofer(call, GOFER_OP_STATX, &p, NULL, 0, flags & ~AT_EMPTY_PATH, 0, mask, NULL,
			 0, &stx, sizeof(stx), NULL);
	if (!(flags & AT_SYMLINK_NOFOLLOW) && util_own_magic_link(call, &p, res))
		call_continue(call);
	else if (res < 0)
		call_fail(call, (int)-res);
	else
		util_return_copied(call, buf, &stx, sizeof(stx), 0);
}

/*
 * Known gap: the gofer checks with the caller's file-system ids and
 * effective capabilities; access(2) without AT_EACCESS uses the real ids
 * (and drops capabilities for a non-root real uid). They differ only for a
 * task whose real and effective ids differ.
 */
static void access_common(struct sentry_call *call, int dirfd, uint64_t addr, int mode, int flags)
{
	int nofollow = flags & AT_SYMLINK_NOFOLLOW;

	if (mode & ~(R_OK | W_OK | X_OK)) {
		call_fail(call, EINVAL);
		return;
	}
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
		call_fail(call, EINVAL);
		return;
	}
	if (at_empty_path(call, flags, addr)) {
		call_continue(call);
		return;
	}
	util_path_op(call, GOFER_OP_ACCESS, dirfd, addr, nofollow ? LAST_NOFOLLOW : LAST_FOLLOW,
		     nofollow, (uint32_t)mode, 0);
}

SENTRY_HANDLER(access)
{
	access_common(call, CALL_AT_FDCWD, call->n->args[0], arg_int(call, 1), 0);
}

SENTRY_HANDLER(faccessat)
{
	/* The original syscall has no flags argument. */
	access_common(call, arg_int(call, 0), call->n->args[1], arg_int(call, 2), 0);
}

SENTRY_HANDLER(faccessat2)
{
	access_common(call, arg_int(call, 0), call->n->args[1], arg_int(call, 2), arg_int(call, 3));
}

static void readlink_common(struct sentry_call *call, int dirfd, uint64_t addr, uint64_t buf,
			    int bufsiz)
{
	/* A symlink's target, or a procfs link's d_path(), fits in a page. */
	char target[4096];
	struct call_path p;
	int64_t res;
	int r;

	if (bufsiz <= 0) {
		call_fail(call, EINVAL);
		return;
	}
	r = util_get_path(call, dirfd, addr, LAST_NOFOLLOW, &p);
	if (r < 0) {
		call_fail(call, -r);
		return;
	}
	if (p.empty) {
		/* readlinkat(fd, "") reads the link an O_PATH fd names: only the fd. */
		call_continue(call);
		return;
	}
	if ((size_t)bufsiz > sizeof(target))
		bufsiz = sizeof(target);
	if (r == PATH_PROC_SELF || r == PATH_THREAD_SELF) {
		/* The gofer is not in the sandbox's pid namespace: procfs would
		 * give it nothing. The link's text is the caller's ids. */
		const struct task_status *st;
		int n, err = call_status(call, &st);

		if (err < 0) {
			call_fail(call, -err);
			return;
		}
		if (r == PATH_PROC_SELF)
			n = snprintf(target, sizeof(target), "%d", (int)st->ns_tgid);
		else
			n = snprintf(target, sizeof(target), "%d/task/%d", (int)st->ns_tgid,
				     (int)st->ns_tid);
		util_return_copied(call, buf, target, (size_t)(n < bufsiz ? n : bufsiz),
				   n < bufsiz ? n : bufsiz);
		return;
	}
	res = call_gofer(call, GOFER_OP_READLINK, &p, NULL, 0, 0, 0, (uint64_t)bufsiz, NULL, 0,
			 target, sizeof(target), NULL);
	if (res < 0)
		call_fail(call, (int)-res);
	else if (res > bufsiz)
		call_fail(call, EIO);
	else
		util_return_copied(call, buf, target, (size_t)res, res);
}

SENTRY_HANDLER(readlink)
{
	readlink_common(call, CALL_AT_FDCWD, call->n->args[0], call->n->args[1], arg_int(call, 2));
}

SENTRY_HANDLER(readlinkat)
{
	readlink_common(call, arg_int(call, 0), call->n->args[1], call->n->args[2],
			arg_int(call, 3));
}

SENTRY_HANDLER(statfs)
{
	uint64_t buf = call->n->args[1];
	struct call_path p;
	struct statfs sfs;
	int64_t res;
	int r = util_path(call, CALL_AT_FDCWD, call->n->args[0], LAST_FOLLOW, &p);

	if (r < 0) {
		call_fail(call, -r);
		return;
	}
	if (r == PATH_DOT || p.proc_fd >= 0) {
		/* As for statx: fstatfs is not on the sentry's own allowlist. */
		call_continue(call);
		return;
	}
	memset(&sfs, 0, sizeof(sfs));
	res = call_gofer(call, GOFER_OP_STATFS, &p, NULL, 0, 0, 0, 0, NULL, 0, &sfs, sizeof(sfs),
			 NULL);
	if (util_own_magic_link(call, &p, res))
		call_continue(call);
	else if (res < 0)
		call_fail(call, (int)-res);
	else
		util_return_copied(call, buf, &sfs, sizeof(sfs), 0);
}
