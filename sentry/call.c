/* SPDX-License-Identifier: Apache-2.0 */
#include "call.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../gofer/client.h"
#include "channels.h"
#include "../lib/cleanup.h"
#include "path.h"
#include "sentry.h"

void call_return(struct sentry_call *call, int64_t value)
{
	call->result.kind = RESULT_VALUE;
	call->result.value = value;
}

void call_fail(struct sentry_call *call, int err)
{
	call->result.kind = RESULT_ERRNO;
	call->result.value = err;
}

void call_return_result(struct sentry_call *call, int64_t r)
{
	if (r < 0)
		call_fail(call, (int)-r);
	else
		call_return(call, r);
}

void call_return_fd(struct sentry_call *call, int fd, unsigned fd_flags)
{
	call->result.kind = RESULT_FD;
	call->result.fd = fd;
	call->result.fd_flags = fd_flags;
}

void call_continue(struct sentry_call *call)
{
	call->result.kind = RESULT_CONTINUE;
}

ssize_t call_read_string(struct sentry_call *call, uint64_t addr, char *buf, size_t cap)
{
	size_t got = 0;

	if (addr == 0)
		return -EFAULT;
	/* Read page by page: the string may end just before an unmapped page. */
	while (got < cap) {
		uint64_t at = addr + got;
		size_t chunk = 4096 - (at & 4095);
		ssize_t n;
		char *nul;

		if (chunk > cap - got)
			chunk = cap - got;
		n = call->platform->ops->read_memory(call->platform, call->n, buf + got, at, chunk);
		if (n < 0)
			return n;
		if (n == 0)
			return -EFAULT;
		nul = memchr(buf + got, '\0', n);
		if (nul)
			return nul - buf;
		got += n;
		if ((size_t)n < chunk)
			return -EFAULT;
	}
	return -ENAMETOOLONG;
}

int call_read(struct sentry_call *call, uint64_t addr, void *dst, size_t len)
{
	ssize_t n = call->platform->ops->read_memory(call->platform, call->n, dst, addr, len);

	if (n < 0)
		return (int)n;
	return (size_t)n == len ? 0 : -EFAULT;
}

int call_write(struct sentry_call *call, uint64_t addr, const void *src, size_t len)
{
	ssize_t n = call->platform->ops->write_memory(call->platform, call->n, addr, src, len);

	if (n < 0)
		return (int)n;
	return (size_t)n == len ? 0 : -EFAULT;
}

int call_status(struct sentry_call *call, const struct task_status **out)
{
	if (!call->status_loaded) {
		int r = task_read_status(call->sentry->proc_fd, call->n->pid, &call->status);

		if (r < 0)
			return r;
		call->status_loaded = 1;
	}
	*out = &call->status;
	return 0;
}

/* The credentials the gofer should act with for this call. */
static int call_creds(struct sentry_call *call, const struct gofer_creds **out)
{
	struct sentry *s = call->sentry;
	const struct task_status *st;
	int r;

	if (s->creds_fixed && atomic_load(&s->fixed_loaded)) {
		*out = &s->fixed_creds;
		return 0;
	}
	r = call_status(call, &st);
	if (r < 0)
		return r;
	if (s->creds_fixed && !atomic_load(&s->fixed_loaded)) {
		/* Racing workers write identical bytes; publish after the copy. */
		s->fixed_creds = st->creds;
		atomic_store(&s->fixed_loaded, 1);
	}
	*out = &st->creds;
	return 0;
}

static void yield_lead(void *platform)
{
	struct platform *p = platform;

	p->ops->yield(p);
}

int64_t call_gofer(struct sentry_call *call, uint16_t op, const struct call_path *path,
		   const char *path2, uint32_t path2_len, int32_t flags, uint32_t mode,
		   uint64_t arg, const void *data, uint32_t data_len, void *out, size_t out_cap,
		   int *out_fd)
{
	/* Waiting for the gofer: hand receiving over if another call arrives. */
	struct gofer_wait_hook hook = {
	    .fd = call->platform->ops->lead_fd(call->platform),
	    .ready = yield_lead,
	    .arg = call->platform,
	};
	const struct gofer_creds *creds;
	struct gofer_channel *ch;
	uint32_t out_len = 0;
	int64_t r;
	int ret, slot;

	ret = call_creds(call, &creds);
	if (ret < 0)
		return ret;
	ch = channels_take(call->sentry, call->gofer, &slot);
	ch->hook = &hook;
	r = gofer_channel_call(ch, op, flags, mode, arg, creds, path->path, (uint32_t)path->len,
			       path2, path2_len, data, data_len, out, out_cap, &out_len, out_fd);
	channels_put(call->sentry, slot);
	if (r == -EPIPE || r == -ECONNRESET) {
		/* Never fail open: without a gofer the sandbox cannot go on. */
		sentry_fatal("the gofer went away");
	}
	return r;
}

/* Preconditions: called on the worker thread that serves the call. */
int call_reopen_own_fd(struct sentry_call *call, int fd, int flags)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct saved[2], none[2];
	const struct task_status *st;
	char path[64];
	int r, newfd, err;

	r = call_status(call, &st);
	if (r < 0)
		return r;
	if (syscall(SYS_capget, &hdr, saved) < 0)
		return -errno;
	memcpy(none, saved, sizeof(none));
	none[0].effective = none[1].effective = 0;
	/* Act as the caller for the permission check, then restore. */
	syscall(SYS_setfsuid, st->creds.fsuid);
	syscall(SYS_setfsgid, st->creds.fsgid);
	if (syscall(SYS_capset, &hdr, none) < 0) {
		err = -errno;
		goto restore;
	}
	snprintf(path, sizeof(path), "%d/fd/%d", call->n->pid, fd);
	newfd = openat(call->sentry->proc_fd, path, (flags & ~O_NOFOLLOW) | O_CLOEXEC);
	err = newfd < 0 ? (errno == ENOENT ? -EBADF : -errno) : newfd;
restore:
	syscall(SYS_setfsuid, geteuid());
	syscall(SYS_setfsgid, getegid());
	syscall(SYS_capset, &hdr, saved);
	return err;
}
