/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bind and connect: checked calls for unix socket path names. The path is
 * validated through the gofer as the caller, then the kernel runs the call
 * as issued and resolves the name itself in the task's own root. Every
 * other address (inet, abstract or unnamed unix, malformed) goes straight
 * to the kernel, which reports its own errors in its own order.
 *
 * Known gap: a unix path given to a socket of another family is checked
 * anyway, so a missing path reports ENOENT where the kernel would report
 * EINVAL or EAFNOSUPPORT.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "call.h"
#include "handler_util.h"
#include "handlers.h"

/*
 * Copy the sun_path of the task's sockaddr (len bytes at addr) into out as
 * the kernel reads it: at most len - offsetof(sun_path) bytes, cut at the
 * first NUL. Returns 1 for a path name, 0 for anything else.
 */
static int unix_path_name(struct sentry_call *call, uint64_t addr, int len,
			  char out[sizeof(((struct sockaddr_un *)0)->sun_path) + 1])
{
	const int off = offsetof(struct sockaddr_un, sun_path);
	struct sockaddr_un sun;
	char target[64];
	ssize_t n;

	/* Unnamed (autobind) or too long for AF_UNIX: nothing to resolve. */
	if (len <= off || len > (int)sizeof(sun))
		return 0;
	n = util_fd_target(call, arg_int(call, 0), target, sizeof(target));
	if (n < 0 || strncmp(target, "socket:[", 8))
		return 0;
	if (call_read(call, addr, &sun, (size_t)len) < 0)
		return 0;
	if (sun.sun_family != AF_UNIX || sun.sun_path[0] == '\0')
		return 0;
	memcpy(out, sun.sun_path, (size_t)(len - off));
	out[len - off] = '\0';
	return 1;
}

static void unix_path_check(struct sentry_call *call, uint16_t op)
{
	char name[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	struct call_path p;
	struct stat st;
	int64_t res;
	int r;

	if (!unix_path_name(call, call->n->args[1], arg_int(call, 2), name)) {
		call_continue(call);
		return;
	}
	r = util_resolve(call, CALL_AT_FDCWD, name, LAST_FOLLOW, &p);
	if (r < 0) {
		call_fail(call, -r);
		return;
	}
	if (p.proc_fd >= 0) {
		/* The task's own fd: the gofer cannot follow it, the kernel can. */
		call_continue(call);
		return;
	}
	/* (A stat reply carries a struct stat; the check only needs the result.) */
	res = call_gofer(call, op, &p, NULL, 0, 0, 0, 0, NULL, 0, &st, sizeof(st), NULL);
	if (res < 0 && !util_own_magic_link(call, &p, res))
		call_fail(call, (int)-res);
	else
		call_continue(call);
}

SENTRY_HANDLER(bind)
{
	/* The kernel creates the socket file: its directory must resolve. */
	unix_path_check(call, GOFER_OP_CHECK_PARENT);
}

SENTRY_HANDLER(connect)
{
	/* The socket file must exist (connect follows symlinks). */
	unix_path_check(call, GOFER_OP_STAT);
}
