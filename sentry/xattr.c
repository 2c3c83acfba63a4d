/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Extended attributes by path. Arguments are checked in the kernel's order:
 * flags, then the name, then the value, then the path. Sizes above
 * XATTR_SIZE_MAX (64 KiB, GOFER_DATA_MAX) are capped for reads and refused
 * for writes, as the kernel does.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/limits.h>
#include <stdlib.h>
#include <sys/xattr.h>

#include "../lib/cleanup.h"
#include "call.h"
#include "handler_util.h"
#include "handlers.h"

#define XATTR_VALUE_MAX GOFER_DATA_MAX

/* The kernel's import_xattr_name(): "" and over-long names are ERANGE. */
static ssize_t read_xattr_name(struct sentry_call *call, uint64_t addr,
			       char name[XATTR_NAME_MAX + 1])
{
	ssize_t n = call_read_string(call, addr, name, XATTR_NAME_MAX + 1);

	if (n == 0 || n == -ENAMETOOLONG)
		return -ERANGE;
	return n;
}

/*
 * Resolve the path. Returns 1 when the call is already answered (an error,
 * or CONTINUE for the task's own fd N through /proc or its cwd as "."), 0 to go on.
 */
static int xattr_path(struct sentry_call *call, uint64_t addr, int nofollow, struct call_path *p)
{
	int r = util_path(call, CALL_AT_FDCWD, addr, nofollow ? LAST_NOFOLLOW : LAST_FOLLOW, p);

	if (r < 0) {
		call_fail(call, -r);
		return 1;
	}
	if (!nofollow && (p->proc_fd >= 0 || r == PATH_DOT)) {
		call_continue(call);
		return 1;
	}
	return 0;
}

/* Answer res, or CONTINUE when a following op met the caller's own magic link. */
static void xattr_answer(struct sentry_call *call, const struct call_path *p, int nofollow,
			 int64_t res)
{
	if (!nofollow && util_own_magic_link(call, p, res))
		call_continue(call);
	else
		call_return_result(call, res);
}

/* getxattr and listxattr: reply data of at most size bytes copied to buf. */
static void xattr_read_op(struct sentry_call *call, uint16_t op, const struct call_path *p,
			  const char *name, size_t name_len, int nofollow, uint64_t buf,
			  uint64_t size)
{
	size_t cap = size > XATTR_VALUE_MAX ? XATTR_VALUE_MAX : (size_t)size;
	_cleanup_free_ void *data = NULL;
	int64_t res;

	if (cap) {
		data = malloc(cap);
		if (!data) {
			call_fail(call, ENOMEM);
			return;
		}
	}
	res = call_gofer(call, op, p, name, (uint32_t)name_len, nofollow, 0, cap, NULL, 0, data,
			 cap, NULL);
	if (res < 0 || cap == 0 || res == 0)
		xattr_answer(call, p, nofollow, res);
	else if ((uint64_t)res > cap)
		call_fail(call, EIO);
	else
		util_return_copied(call, buf, data, (size_t)res, res);
}

static void getxattr_common(struct sentry_call *call, int nofollow)
{
	char name[XATTR_NAME_MAX + 1];
	struct call_path p;
	ssize_t n = read_xattr_name(call, call->n->args[1], name);

	if (n < 0) {
		call_fail(call, (int)-n);
		return;
	}
	if (xattr_path(call, call->n->args[0], nofollow, &p))
		return;
	xattr_read_op(call, GOFER_OP_GETXATTR, &p, name, (size_t)n, nofollow, call->n->args[2],
		      call->n->args[3]);
}

SENTRY_HANDLER(getxattr)
{
	getxattr_common(call, 0);
}

SENTRY_HANDLER(lgetxattr)
{
	getxattr_common(call, AT_SYMLINK_NOFOLLOW);
}

static void listxattr_common(struct sentry_call *call, int nofollow)
{
	struct call_path p;

	if (xattr_path(call, call->n->args[0], nofollow, &p))
		return;
	xattr_read_op(call, GOFER_OP_LISTXATTR, &p, NULL, 0, nofollow, call->n->args[1],
		      call->n->args[2]);
}

SENTRY_HANDLER(listxattr)
{
	listxattr_common(call, 0);
}

SENTRY_HANDLER(llistxattr)
{
	listxattr_common(call, AT_SYMLINK_NOFOLLOW);
}

static void setxattr_common(struct sentry_call *call, int nofollow)
{
	char name[XATTR_NAME_MAX + 1];
	_cleanup_free_ void *value = NULL;
	uint64_t size = call->n->args[3];
	int flags = arg_int(call, 4);
	struct call_path p;
	ssize_t n;
	int r;

	if (flags & ~(XATTR_CREATE | XATTR_REPLACE)) {
		call_fail(call, EINVAL);
		return;
	}
	n = read_xattr_name(call, call->n->args[1], name);
	if (n < 0) {
		call_fail(call, (int)-n);
		return;
	}
	if (size > XATTR_VALUE_MAX) {
		call_fail(call, E2BIG);
		return;
	}
	if (size) {
		value = malloc(size);
		if (!value) {
			call_fail(call, ENOMEM);
			return;
		}
		r = call_read(call, call->n->args[2], value, size);
		if (r < 0) {
			call_fail(call, -r);
			return;
		}
	}
	if (xattr_path(call, call->n->args[0], nofollow, &p))
		return;
	xattr_answer(call, &p, nofollow,
		     call_gofer(call, GOFER_OP_SETXATTR, &p, name, (uint32_t)n, nofollow,
				(uint32_t)flags, 0, value, (uint32_t)size, NULL, 0, NULL));
}

SENTRY_HANDLER(setxattr)
{
	setxattr_common(call, 0);
}

SENTRY_HANDLER(lsetxattr)
{
	setxattr_common(call, AT_SYMLINK_NOFOLLOW);
}

static void removexattr_common(struct sentry_call *call, int nofollow)
{
	char name[XATTR_NAME_MAX + 1];
	struct call_path p;
	ssize_t n = read_xattr_name(call, call->n->args[1], name);

	if (n < 0) {
		call_fail(call, (int)-n);
		return;
	}
	if (xattr_path(call, call->n->args[0], nofollow, &p))
		return;
	xattr_answer(call, &p, nofollow,
		     call_gofer(call, GOFER_OP_REMOVEXATTR, &p, name, (uint32_t)n, nofollow, 0, 0,
				NULL, 0, NULL, 0, NULL));
}

SENTRY_HANDLER(removexattr)
{
	removexattr_common(call, 0);
}

SENTRY_HANDLER(lremovexattr)
{
	removexattr_common(call, AT_SYMLINK_NOFOLLOW);
}
