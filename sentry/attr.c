/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Attributes by path: chmod, chown, the utime family, truncate.
 *
 * A call that acts on an fd the task holds (AT_EMPTY_PATH with "", or a NULL
 * path for utimensat) or that follows the task's own /proc/<pid>/fd/N link
 * (which the gofer refuses) is let through: the kernel then acts on the
 * task's own file, in the task's own root, with the task's credentials.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#include "call.h"
#include "handler_util.h"
#include "handlers.h"

static void chmod_common(struct sentry_call *call, int dirfd, uint64_t addr, uint16_t mode)
{
	util_path_op(call, GOFER_OP_CHMOD, dirfd, addr, LAST_FOLLOW, 0, mode & 07777, 0);
}

SENTRY_HANDLER(chmod)
{
	chmod_common(call, CALL_AT_FDCWD, call->n->args[0], (uint16_t)call->n->args[1]);
}

/* The syscall has no flags argument (glibc's AT_SYMLINK_NOFOLLOW emulation
 * goes through O_PATH and /proc/self/fd; fchmodat2 is a separate syscall). */
SENTRY_HANDLER(fchmodat)
{
	chmod_common(call, arg_int(call, 0), call->n->args[1], (uint16_t)call->n->args[2]);
}

static void chown_common(struct sentry_call *call, int dirfd, uint64_t addr, uint32_t uid,
			 uint32_t gid, int flags)
{
	int nofollow = flags & AT_SYMLINK_NOFOLLOW;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
		call_fail(call, EINVAL);
		return;
	}
	if ((flags & AT_EMPTY_PATH) && util_path_is_empty(call, addr) == 1) {
		call_continue(call);
		return;
	}
	util_path_op(call, GOFER_OP_CHOWN, dirfd, addr, nofollow ? LAST_NOFOLLOW : LAST_FOLLOW,
		     nofollow, 0, uid | (uint64_t)gid << 32);
	/*
	 * The flags were valid, so EINVAL means an id the sandbox's user
	 * namespace does not map. The host would map it and refuse a caller
	 * without CAP_CHOWN (EPERM, checked after validity); say that.
	 */
	if (call->result.kind == RESULT_ERRNO && call->result.value == EINVAL) {
		const struct task_status *st;

		if (call_status(call, &st) == 0 && !(st->creds.cap_effective & (1ULL << CAP_CHOWN)))
			call_fail(call, EPERM);
	}
}

SENTRY_HANDLER(chown)
{
	chown_common(call, CALL_AT_FDCWD, call->n->args[0], arg_uint(call, 1), arg_uint(call, 2),
		     0);
}

SENTRY_HANDLER(lchown)
{
	chown_common(call, CALL_AT_FDCWD, call->n->args[0], arg_uint(call, 1), arg_uint(call, 2),
		     AT_SYMLINK_NOFOLLOW);
}

SENTRY_HANDLER(fchownat)
{
	chown_common(call, arg_int(call, 0), call->n->args[1], arg_uint(call, 2), arg_uint(call, 3),
		     arg_int(call, 4));
}

/* The kernel's do_utimes(): times == NULL means "now". */
static void utimes_common(struct sentry_call *call, int dirfd, uint64_t addr,
			  const struct timespec *times, int flags)
{
	int nofollow = flags & AT_SYMLINK_NOFOLLOW;
	struct call_path p;
	int64_t res;
	int r;

	if (addr == 0 && dirfd != CALL_AT_FDCWD) {
		/* utimensat(fd, NULL, ...) is futimens(fd): only the fd. */
		call_continue(call);
		return;
	}
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
		call_fail(call, EINVAL);
		return;
	}
	if ((flags & AT_EMPTY_PATH) && util_path_is_empty(call, addr) == 1) {
		call_continue(call);
		return;
	}
	r = util_path(call, dirfd, addr, nofollow ? LAST_NOFOLLOW : LAST_FOLLOW, &p);
	if (r < 0) {
		call_fail(call, -r);
		return;
	}
	if (!nofollow && (p.proc_fd >= 0 || r == PATH_DOT)) {
		call_continue(call);
		return;
	}
	/* Invalid nanoseconds are the gofer kernel's EINVAL, after the lookup
	 * as here. */
	res = call_gofer(call, GOFER_OP_UTIMENS, &p, NULL, 0, nofollow, 0, 0, times,
			 times ? 2 * sizeof(*times) : 0, NULL, 0, NULL);
	if (!nofollow && util_own_magic_link(call, &p, res))
		call_continue(call);
	else
		call_return_result(call, res);
}

SENTRY_HANDLER(utime)
{
	uint64_t addr = call->n->args[1];
	struct timespec ts[2] = {{0}};
	/* struct utimbuf: actime, modtime, as longs. */
	int64_t ub[2];
	int r;

	if (addr) {
		r = call_read(call, addr, ub, sizeof(ub));
		if (r < 0) {
			call_fail(call, -r);
			return;
		}
		ts[0].tv_sec = ub[0];
		ts[1].tv_sec = ub[1];
	}
	utimes_common(call, CALL_AT_FDCWD, call->n->args[0], addr ? ts : NULL, 0);
}

/* utimes() and futimesat(): struct timeval[2] or NULL. */
static void timeval_common(struct sentry_call *call, int dirfd, uint64_t path, uint64_t addr)
{
	struct timespec ts[2];
	struct timeval tv[2];
	int r;

	if (addr) {
		r = call_read(call, addr, tv, sizeof(tv));
		if (r < 0) {
			call_fail(call, -r);
			return;
		}
		/* Checked before scaling, which would hide bad values (and
		 * UTIME_NOW/UTIME_OMIT are not valid here). */
		for (int i = 0; i < 2; i++) {
			if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000) {
				call_fail(call, EINVAL);
				return;
			}
			ts[i].tv_sec = tv[i].tv_sec;
			ts[i].tv_nsec = tv[i].tv_usec * 1000;
		}
	}
	utimes_common(call, dirfd, path, addr ? ts : NULL, 0);
}

SENTRY_HANDLER(utimes)
{
	timeval_common(call, CALL_AT_FDCWD, call->n->args[0], call->n->args[1]);
}

SENTRY_HANDLER(futimesat)
{
	timeval_common(call, arg_int(call, 0), call->n->args[1], call->n->args[2]);
}

SENTRY_HANDLER(utimensat)
{
	uint64_t addr = call->n->args[2];
	struct timespec ts[2];
	int r;

	if (addr) {
		r = call_read(call, addr, ts, sizeof(ts));
		if (r < 0) {
			call_fail(call, -r);
			return;
		}
		/* Nothing to do, and the path is not even looked at. */
		if (ts[0].tv_nsec == UTIME_OMIT && ts[1].tv_nsec == UTIME_OMIT) {
			call_return(call, 0);
			return;
		}
	}
	utimes_common(call, arg_int(call, 0), call->n->args[1], addr ? ts : NULL, arg_int(call, 3));
}

SENTRY_HANDLER(truncate)
{
	int64_t length = (int64_t)call->n->args[1];

	if (length < 0) {
		call_fail(call, EINVAL);
		return;
	}
	util_path_op(call, GOFER_OP_TRUNCATE, CALL_AT_FDCWD, call->n->args[0], LAST_FOLLOW, 0, 0,
		     (uint64_t)length);
}
