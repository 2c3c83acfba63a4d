/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Directory entries: mkdir, mknod, unlink, rmdir, rename, link, symlink.
 * None of these follows the last component of a path (link does with
 * AT_SYMLINK_FOLLOW), so the gofer serves paths through /proc/<pid>/fd too.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/stat.h>

#include "call.h"
#include "handler_util.h"
#include "handlers.h"

static void mkdir_common(struct sentry_call *call, int dirfd, uint64_t addr, uint16_t mode)
{
	mode_t umask;
	int r = util_umask(call, &umask);

	if (r < 0) {
		call_fail(call, -r);
		return;
	}
	/* The kernel keeps the permission and sticky bits; set-id bits of a new
	 * directory come from its parent. */
	util_path_op(call, GOFER_OP_MKDIR, dirfd, addr, LAST_NOFOLLOW, 0, mode & 01777 & ~umask, 0);
}

SENTRY_HANDLER(mkdir)
{
	mkdir_common(call, CALL_AT_FDCWD, call->n->args[0], (uint16_t)call->n->args[1]);
}

SENTRY_HANDLER(mkdirat)
{
	mkdir_common(call, arg_int(call, 0), call->n->args[1], (uint16_t)call->n->args[2]);
}

static void mknod_common(struct sentry_call *call, int dirfd, uint64_t addr, uint16_t mode,
			 unsigned dev)
{
	mode_t umask;
	int r;

	/* The kernel's may_mknod(), before the path is looked at. */
	switch (mode & S_IFMT) {
	case 0:
	case S_IFREG:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	case S_IFDIR:
		call_fail(call, EPERM);
		return;
	default:
		call_fail(call, EINVAL);
		return;
	}
	r = util_umask(call, &umask);
	if (r < 0) {
		call_fail(call, -r);
		return;
	}
	/* Devices without CAP_MKNOD: the gofer's kernel answers EPERM, after the
	 * lookup, as it would here. */
	util_path_op(call, GOFER_OP_MKNOD, dirfd, addr, LAST_NOFOLLOW, 0,
		     (mode & S_IFMT) | (mode & 07777 & ~umask), dev);
}

SENTRY_HANDLER(mknod)
{
	mknod_common(call, CALL_AT_FDCWD, call->n->args[0], (uint16_t)call->n->args[1],
		     arg_uint(call, 2));
}

SENTRY_HANDLER(mknodat)
{
	mknod_common(call, arg_int(call, 0), call->n->args[1], (uint16_t)call->n->args[2],
		     arg_uint(call, 3));
}

SENTRY_HANDLER(unlink)
{
	util_path_op(call, GOFER_OP_UNLINK, CALL_AT_FDCWD, call->n->args[0], LAST_NOFOLLOW, 0, 0,
		     0);
}

SENTRY_HANDLER(unlinkat)
{
	int flags = arg_int(call, 2);

	if (flags & ~AT_REMOVEDIR) {
		call_fail(call, EINVAL);
		return;
	}
	util_path_op(call, GOFER_OP_UNLINK, arg_int(call, 0), call->n->args[1], LAST_NOFOLLOW,
		     flags, 0, 0);
}

SENTRY_HANDLER(rmdir)
{
	util_path_op(call, GOFER_OP_UNLINK, CALL_AT_FDCWD, call->n->args[0], LAST_NOFOLLOW,
		     AT_REMOVEDIR, 0, 0);
}

/* Two paths, old then new, both resolved before the gofer is asked. */
static void two_path_op(struct sentry_call *call, uint16_t op, int olddirfd, uint64_t oldaddr,
			int newdirfd, uint64_t newaddr, int32_t flags)
{
	struct call_path old, new;
	int r;

	r = util_path(call, olddirfd, oldaddr, LAST_NOFOLLOW, &old);
	if (r >= 0)
		r = util_path(call, newdirfd, newaddr, LAST_NOFOLLOW, &new);
	if (r < 0) {
		call_fail(call, -r);
		return;
	}
	call_return_result(call, call_gofer(call, op, &old, new.path, (uint32_t) new.len, flags, 0,
					    0, NULL, 0, NULL, 0, NULL));
}

static void rename_common(struct sentry_call *call, int olddirfd, uint64_t oldaddr, int newdirfd,
			  uint64_t newaddr, unsigned flags)
{
	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) {
		call_fail(call, EINVAL);
		return;
	}
	if ((flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)) && (flags & RENAME_EXCHANGE)) {
		call_fail(call, EINVAL);
		return;
	}
	two_path_op(call, GOFER_OP_RENAME, olddirfd, oldaddr, newdirfd, newaddr, (int32_t)flags);
}

SENTRY_HANDLER(rename)
{
	rename_common(call, CALL_AT_FDCWD, call->n->args[0], CALL_AT_FDCWD, call->n->args[1], 0);
}

SENTRY_HANDLER(renameat)
{
	rename_common(call, arg_int(call, 0), call->n->args[1], arg_int(call, 2), call->n->args[3],
		      0);
}

SENTRY_HANDLER(renameat2)
{
	rename_common(call, arg_int(call, 0), call->n->args[1], arg_int(call, 2), call->n->args[3],
		      arg_uint(call, 4));
}

static void link_common(struct sentry_call *call, int olddirfd, uint64_t oldaddr, int newdirfd,
			uint64_t newaddr, int flags)
{
	struct call_path old, new;
	int r;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) {
		call_fail(call, EINVAL);
		return;
	}
	if (flags & AT_SYMLINK_FOLLOW)
		r = util_get_path(call, olddirfd, oldaddr, LAST_FOLLOW, &old);
	else
		r = util_get_path(call, olddirfd, oldaddr, LAST_NOFOLLOW, &old);
	if (r < 0) {
		call_fail(call, -r);
		return;
	}
	/*
	 * linkat(fd, "", AT_EMPTY_PATH) links the file fd holds, and
	 * linkat(AT_FDCWD, "/proc/self/fd/N", ..., AT_SYMLINK_FOLLOW) the file
	 * of the task's own fd N (how O_TMPFILE files get a name). The gofer
	 * cannot reach those files, so the kernel links them in the task's own
	 * root, with its rules: without CAP_DAC_READ_SEARCH only an fd whose
	 * open-time credentials are the caller's. Known gap: fds the gofer
	 * opened do not qualify, where natively the task's own opens would.
	 */
	if ((old.empty && (flags & AT_EMPTY_PATH)) ||
	    (old.proc_fd >= 0 && (flags & AT_SYMLINK_FOLLOW))) {
		call_continue(call);
		return;
	}
	if (old.empty) {
		call_fail(call, ENOENT);
		return;
	}
	r = util_path(call, newdirfd, newaddr, LAST_NOFOLLOW, &new);
	if (r < 0) {
		call_fail(call, -r);
		return;
	}
	call_return_result(call,
			   call_gofer(call, GOFER_OP_LINK, &old, new.path, (uint32_t) new.len,
				      flags & AT_SYMLINK_FOLLOW, 0, 0, NULL, 0, NULL, 0, NULL));
}

SENTRY_HANDLER(link)
{
	link_common(call, CALL_AT_FDCWD, call->n->args[0], CALL_AT_FDCWD, call->n->args[1], 0);
}

SENTRY_HANDLER(linkat)
{
	link_common(call, arg_int(call, 0), call->n->args[1], arg_int(call, 2), call->n->args[3],
		    arg_int(call, 4));
}

static void symlink_common(struct sentry_call *call, uint64_t target_addr, int newdirfd,
			   uint64_t newaddr)
{
	char target[PATH_MAX];
	struct call_path link;
	ssize_t n;
	int r;

	/* The target is text stored verbatim, never resolved here. */
	n = call_read_string(call, target_addr, target, sizeof(target));
	if (n == 0)
		n = -ENOENT;
	if (n < 0) {
		call_fail(call, (int)-n);
		return;
	}
	r = util_path(call, newdirfd, newaddr, LAST_NOFOLLOW, &link);
	if (r < 0) {
		call_fail(call, -r);
		return;
	}
	call_return_result(call, call_gofer(call, GOFER_OP_SYMLINK, &link, target, (uint32_t)n, 0,
					    0, 0, NULL, 0, NULL, 0, NULL));
}

SENTRY_HANDLER(symlink)
{
	symlink_common(call, call->n->args[0], CALL_AT_FDCWD, call->n->args[1]);
}

SENTRY_HANDLER(symlinkat)
{
	symlink_common(call, call->n->args[0], arg_int(call, 1), call->n->args[2]);
}
