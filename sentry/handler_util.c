/* SPDX-License-Identifier: Apache-2.0 */
#include "handler_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "path.h"
#include "sentry.h"
#include "task.h"

int util_path(struct sentry_call *call, int dirfd, uint64_t addr, struct call_path *p)
{
	int r = call_get_path(call, dirfd, addr, p);

	if (r < 0)
		return r;
	return p->empty ? -ENOENT : 0;
}

int util_path_is_empty(struct sentry_call *call, uint64_t addr)
{
	char c;
	int r;

	if (addr == 0)
		return 1;
	r = call_read(call, addr, &c, 1);
	if (r < 0)
		return r;
	return c == '\0';
}

void util_path_op(struct sentry_call *call, uint16_t op, int dirfd, uint64_t addr,
		  enum own_fd_policy own_fd, int32_t flags, uint32_t mode, uint64_t arg)
{
	struct call_path p;
	int r = util_path(call, dirfd, addr, &p);

	if (r < 0) {
		call_fail(call, -r);
		return;
	}
	if (p.proc_fd >= 0 && own_fd == OWN_FD_CONTINUE) {
		call_continue(call);
		return;
	}
	call_return_result(
	    call, call_gofer(call, op, &p, NULL, 0, flags, mode, arg, NULL, 0, NULL, 0, NULL));
}

void util_return_copied(struct sentry_call *call, uint64_t addr, const void *buf, size_t len,
			int64_t value)
{
	int r = call_write(call, addr, buf, len);

	if (r < 0)
		call_fail(call, -r);
	else
		call_return(call, value);
}

int util_umask(struct sentry_call *call, mode_t *out)
{
	const struct task_status *st;
	int r = call_status(call, &st);

	if (r < 0)
		return r;
	*out = st->umask;
	return 0;
}

ssize_t util_fd_target(struct sentry_call *call, int fd, char *buf, size_t cap)
{
	char link[64];
	ssize_t n;

	if (fd < 0)
		return -EBADF;
	snprintf(link, sizeof(link), "%d/fd/%d", call->n->pid, fd);
	n = readlinkat(call->sentry->proc_fd, link, buf, cap - 1);
	if (n < 0)
		return errno == ENOENT ? -EBADF : -errno;
	buf[n] = '\0';
	return n;
}

int util_resolve(struct sentry_call *call, int dirfd, const char *rel, struct call_path *out)
{
	size_t rl = strlen(rel);
	ssize_t n;

	out->len = 0;
	out->empty = rl == 0;
	out->proc_fd = -1;
	out->path[0] = '\0';
	if (rl == 0)
		return 0;
	if (rel[0] == '/') {
		if (rl + 1 > sizeof(out->path))
			return -ENAMETOOLONG;
		memcpy(out->path, rel, rl + 1);
	} else {
		char base[GOFER_PATH_MAX];

		n = task_fd_path(call->sentry->proc_fd, call->n->pid,
				 dirfd == CALL_AT_FDCWD ? -1 : dirfd, base, sizeof(base));
		if (n < 0)
			return (int)n;
		n = path_join(out->path, sizeof(out->path), base, rel);
		if (n < 0)
			return (int)n;
	}
	if (!strncmp(out->path, "/proc/", 6) || !strncmp(out->path, "/dev/", 5) ||
	    !strncmp(out->path, "//", 2)) {
		const struct task_status *st;
		int r = call_status(call, &st);

		if (r < 0)
			return r;
		n = path_rewrite_self(out->path, sizeof(out->path), st->ns_tgid, st->ns_tid);
		if (n < 0)
			return (int)n;
		out->proc_fd = path_self_fd(out->path, st->ns_tgid);
	}
	out->len = strlen(out->path);
	return 0;
}
