/* SPDX-License-Identifier: Apache-2.0 */
#include <sys/types.h>

#include "serve.h"

#include <errno.h>
#include <sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fdpass.h"
#include "../lib/log.h"
#include "creds.h"
#include "ops.h"
#include "protocol.h"

/* Buffers of one channel: heap, not the (small) thread stack. */
struct channel {
	int sock;
	int root_fd;
	struct creds_state creds;
	int cpu; /* the CPU this thread is pinned to, or -1 */
	unsigned char request[GOFER_MSG_MAX];
	unsigned char reply[sizeof(struct gofer_reply) + GOFER_DATA_MAX];
	unsigned char data[GOFER_DATA_MAX];
	char scratch[2 * (GOFER_PATH_MAX + 1)];
};

/* A failed send means the channel is broken: the caller stops serving it. */
static int channel_reply(struct channel *ch, uint32_t id, const struct op_reply *rep)
{
	ssize_t n;

	n = gofer_encode_reply(ch->reply, sizeof(ch->reply), id, rep->result, ch->data,
			       rep->data_len, rep->fd >= 0);
	if (n < 0)
		return (int)n;
	return fdpass_send(ch->sock, ch->reply, (size_t)n, rep->fd >= 0 ? &rep->fd : NULL,
			   rep->fd >= 0 ? 1 : 0);
}

/*
 * Run where the sentry worker that asks runs (it is woken on the trapping
 * task's CPU): on this machine a wake-up across CPUs costs 25-60 us, one on
 * the same CPU about 5. Re-pinned only when the worker moved.
 */
static void follow_cpu(struct channel *ch, uint32_t hint)
{
	cpu_set_t set;

	if (hint == 0 || (int)hint - 1 == ch->cpu || hint > CPU_SETSIZE)
		return;
	CPU_ZERO(&set);
	CPU_SET(hint - 1, &set);
	if (sched_setaffinity(0, sizeof(set), &set) == 0)
		ch->cpu = (int)hint - 1;
}

/* One request: decode, take on the caller's credentials, act. */
static void channel_handle(struct channel *ch, ssize_t len, int stray_fd, struct gofer_msg *msg,
			   struct op_reply *rep)
{
	int r;

	rep->result = 0;
	rep->data_len = 0;
	rep->fd = -1;
	r = gofer_decode_request(ch->request, (size_t)len, msg, ch->scratch, sizeof(ch->scratch));
	if (r < 0) {
		rep->result = r;
		return;
	}
	if (msg->op == GOFER_OP_CHANNEL) {
		rep->result = -EPROTO;
		return;
	}
	/* Requests on a channel carry no fd. */
	if (stray_fd >= 0) {
		rep->result = -EINVAL;
		return;
	}
	follow_cpu(ch, msg->cpu_hint);
	r = creds_apply(&ch->creds, &msg->creds);
	if (r < 0) {
		rep->result = r;
		return;
	}
	gofer_op_execute(ch->root_fd, msg, ch->data, rep);
}

static void channel_loop(struct channel *ch)
{
	for (;;) {
		_cleanup_close_ int stray_fd = -1;
		struct gofer_msg msg;
		struct op_reply rep;
		ssize_t n;
		int r;

		n = fdpass_recv(ch->sock, ch->request, sizeof(ch->request), &stray_fd, 1);
		if (n == 0)
			return;
		if (n < 0 && n != -EMSGSIZE) {
			if (n != -ECONNRESET)
				log_errno((int)n, "channel: receive");
			return;
		}
		if (n == -EMSGSIZE) {
			/* Oversized: answer with the id if the header survived. */
			gofer_decode_request(ch->request, sizeof(ch->request), &msg, ch->scratch,
					     sizeof(ch->scratch));
			rep = (struct op_reply){.result = -EPROTO, .fd = -1};
		} else {
			channel_handle(ch, n, stray_fd, &msg, &rep);
		}
		if (log_debug_enabled())
			log_debug("%s %s -> %lld", gofer_op_name(msg.op), msg.path ? msg.path : "",
				  (long long)rep.result);
		r = channel_reply(ch, msg.id, &rep);
		cleanup_closep(&rep.fd);
		if (r < 0) {
			if (r != -EPIPE && r != -ECONNRESET)
				log_errno(r, "channel: send reply");
			return;
		}
	}
}

int gofer_serve_channel(int sock, int root_fd)
{
	_cleanup_close_ int fd = sock;
	_cleanup_free_ struct channel *ch = NULL;
	int r;

	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return -ENOMEM;
	ch->sock = fd;
	ch->root_fd = root_fd;
	ch->cpu = -1;
	r = creds_init(&ch->creds);
	if (r < 0)
		return log_errno(r, "channel: read credentials");
	channel_loop(ch);
	return 0;
}

struct channel_start {
	int sock;
	int root_fd;
};

static void *channel_thread(void *arg)
{
	struct channel_start start = *(struct channel_start *)arg;

	free(arg);
	gofer_serve_channel(start.sock, start.root_fd);
	return NULL;
}

static int channel_spawn(int sock, int root_fd)
{
	struct channel_start *start;
	pthread_attr_t attr;
	pthread_t thread;
	sigset_t all, old;
	int r;

	start = malloc(sizeof(*start));
	if (!start)
		return -ENOMEM;
	start->sock = sock;
	start->root_fd = root_fd;
	r = pthread_attr_init(&attr);
	if (r) {
		free(start);
		return -r;
	}
	pthread_attr_setstacksize(&attr, GOFER_CHANNEL_STACK);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* Signals are the main thread's business: channel threads block them all. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&thread, &attr, channel_thread, start);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (r) {
		free(start);
		return -r;
	}
	return 0;
}

int gofer_serve_control(int control_sock, int root_fd, struct moat_error *err)
{
	_cleanup_free_ unsigned char *buf = NULL;
	_cleanup_free_ char *scratch = NULL;
	size_t scratch_len = 2 * (GOFER_PATH_MAX + 1);

	buf = malloc(GOFER_MSG_MAX);
	scratch = malloc(scratch_len);
	if (!buf || !scratch)
		return moat_error_set(err, ENOMEM, "gofer: control buffers");
	for (;;) {
		_cleanup_close_ int fd = -1;
		struct gofer_msg msg;
		ssize_t n;
		int r;

		n = fdpass_recv(control_sock, buf, GOFER_MSG_MAX, &fd, 1);
		if (n == 0)
			return 0;
		if (n == -EMSGSIZE) {
			log_msg("control: oversized message dropped");
			continue;
		}
		if (n < 0)
			return moat_error_set(err, (int)-n, "gofer: control socket: receive");
		r = gofer_decode_request(buf, (size_t)n, &msg, scratch, scratch_len);
		if (r < 0 || msg.op != GOFER_OP_CHANNEL || fd < 0) {
			log_msg("control: malformed request dropped (op %u, %s)", msg.op,
				r < 0	 ? "undecodable"
				: fd < 0 ? "no fd"
					 : "not a channel");
			continue;
		}
		r = channel_spawn(fd, root_fd);
		if (r < 0) {
			/* The sentry sees end of stream on the channel's first call. */
			log_errno(r, "control: start channel thread");
			continue;
		}
		fd = -1; /* the thread owns it */
	}
}
