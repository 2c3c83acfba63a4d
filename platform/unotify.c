/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The default platform: seccomp user notification. Many sentry threads call
 * receive() on the same listener at once; each notification goes to exactly
 * one of them.
 */
#include "platform.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../lib/cleanup.h"

/*
 * Leader/follower receive: one worker at a time blocks in NOTIF_RECV (the
 * leader, holding recv_lock); the others wait for the lock. NOTIF_RECV sleeps
 * on the filter's wait queue without WQ_FLAG_EXCLUSIVE, so several workers in
 * it would all be woken for each call; and with SYNC_WAKE_UP the kernel wakes
 * the sleeper on the trapping task's CPU only when it waits in the ioctl
 * itself (through epoll the wake-up is an ordinary one and usually crosses
 * CPUs: ~60 us here against ~5 us).
 *
 * The leader keeps the lock while it serves its call (see platform.h): a
 * hand-off per call would wake a follower, one more context switch on the
 * task's CPU for every trapped call. It yields when another call arrives
 * while it waits (lead_fd) and before it blocks for good.
 */
struct unotify {
	struct platform base;
	pthread_mutex_t recv_lock;
};

/* The platform whose lead this thread holds, if any. */
static __thread struct unotify *lead_held;

static void take_lead(struct unotify *u)
{
	if (lead_held == u)
		return;
	pthread_mutex_lock(&u->recv_lock);
	lead_held = u;
}

static void unotify_yield(struct platform *p)
{
	struct unotify *u = (struct unotify *)p;

	if (lead_held != u)
		return;
	lead_held = NULL;
	pthread_mutex_unlock(&u->recv_lock);
}

static int unotify_lead_fd(struct platform *p)
{
	return lead_held == (struct unotify *)p ? p->listener : -1;
}

/* After NOTIF_RECV found nothing: -ESHUTDOWN if no task uses the filter any
 * more (the sandbox is ending; the ioctl would return at once forever),
 * else -EAGAIN (the task died or was signalled before we got its call). */
static int nothing_received(struct platform *p)
{
	struct pollfd pfd = {.fd = p->listener, .events = POLLIN};

	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLERR)))
		return -ESHUTDOWN;
	return -EAGAIN;
}

static int unotify_receive(struct platform *p, struct platform_notification *out)
{
	struct seccomp_notif req;
	int r = 0;

	memset(&req, 0, sizeof(req));
	take_lead((struct unotify *)p);
	if (ioctl(p->listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		r = -errno;
	if (r == -ENOENT)
		return nothing_received(p);
	if (r == -EINTR)
		return -EAGAIN;
	if (r < 0)
		return r;
	out->id = req.id;
	out->pid = req.pid;
	out->nr = req.data.nr;
	out->arch = req.data.arch;
	out->ip = req.data.instruction_pointer;
	memcpy(out->args, req.data.args, sizeof(out->args));
	return 0;
}

static int unotify_still_valid(struct platform *p, const struct platform_notification *n)
{
	uint64_t id = n->id;

	if (ioctl(p->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0)
		return -ENOENT;
	return 0;
}

static ssize_t unotify_read_memory(struct platform *p, const struct platform_notification *n,
				   void *dst, uint64_t addr, size_t len)
{
	struct iovec local = {.iov_base = dst, .iov_len = len};
	struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = len};
	ssize_t got;

	if (addr == 0)
		return -EFAULT;
	got = process_vm_readv(n->pid, &local, 1, &remote, 1, 0);
	if (got < 0)
		got = errno == ESRCH ? -ENOENT : -EFAULT;
	/* The pid may have been reused by now: only a live notification proves
	 * the bytes came from the task that trapped. */
	if (unotify_still_valid(p, n) < 0)
		return -ENOENT;
	return got;
}

static ssize_t unotify_write_memory(struct platform *p, const struct platform_notification *n,
				    uint64_t addr, const void *src, size_t len)
{
	struct iovec local = {.iov_base = (void *)src, .iov_len = len};
	struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = len};
	ssize_t put;

	if (addr == 0)
		return -EFAULT;
	/* Check first: writing into a recycled pid would corrupt a stranger. */
	if (unotify_still_valid(p, n) < 0)
		return -ENOENT;
	put = process_vm_writev(n->pid, &local, 1, &remote, 1, 0);
	if (put < 0)
		return errno == ESRCH ? -ENOENT : -EFAULT;
	return put;
}

static int unotify_reply(struct platform *p, const struct platform_notification *n,
			 struct syscall_result *r)
{
	struct seccomp_notif_resp resp = {.id = n->id};

	switch (r->kind) {
	case RESULT_FD: {
		/*
		 * Install first, drop our copy, then answer: the task must not run
		 * while we still hold a writable copy (its execve would see
		 * ETXTBSY).
		 */
		struct seccomp_notif_addfd addfd = {
		    .id = n->id,
		    .srcfd = r->fd,
		    .newfd_flags = r->fd_flags & O_CLOEXEC,
		};
		int ret = ioctl(p->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
		int saved = errno;

		close(r->fd);
		r->fd = -1;
		if (ret >= 0) {
			r->value = ret;
			resp.val = ret;
			break;
		}
		if (saved == ENOENT)
			return -ENOENT;
		/* Could not install (e.g. EMFILE in the task): fail the call. */
		r->kind = RESULT_ERRNO;
		r->value = saved;
		resp.error = -saved;
		break;
	}
	case RESULT_CONTINUE:
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		break;
	case RESULT_ERRNO:
		resp.error = -(int32_t)r->value;
		break;
	case RESULT_VALUE:
		resp.val = r->value;
		break;
	}
	if (ioctl(p->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	return 0;
}

static void unotify_destroy(struct platform *p)
{
	struct unotify *u = (struct unotify *)p;

	if (p->listener >= 0)
		close(p->listener);
	pthread_mutex_destroy(&u->recv_lock);
	free(u);
}

static const struct platform_ops unotify_ops = {
    .name = "unotify",
    .receive = unotify_receive,
    .lead_fd = unotify_lead_fd,
    .yield = unotify_yield,
    .read_memory = unotify_read_memory,
    .write_memory = unotify_write_memory,
    .still_valid = unotify_still_valid,
    .reply = unotify_reply,
    .destroy = unotify_destroy,
};

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

int platform_unotify_open(int listener, struct platform **out)
{
	struct unotify *u = calloc(1, sizeof(*u));
	struct platform *p;

	if (!u)
		return -ENOMEM;
	p = &u->base;
	pthread_mutex_init(&u->recv_lock, NULL);
	/*
	 * Linux >= 6.6: wake the receiving worker on the trapping task's CPU
	 * (the task sleeps meanwhile), avoiding a cross-CPU wake-up per call.
	 * Older kernels refuse the ioctl; that only costs speed.
	 */
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
	p->ops = &unotify_ops;
	p->listener = listener;
	*out = p;
	return 0;
}
