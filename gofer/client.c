/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sentry's side of the gofer protocol. A channel is used by one thread at
 * a time (its owner), so it needs no lock; the gofer serves it on a thread of
 * its own, one request at a time.
 */
#include <sys/types.h>

#include "client.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fdpass.h"

/*
 * The control socket carries only CHANNEL requests and the gofer never answers
 * on it: concurrent openers would otherwise have to share the replies. A
 * channel the gofer refused is simply closed, and the first call on it sees
 * end of stream (-EPIPE).
 */
int gofer_channel_open(int control_sock, struct gofer_channel *ch)
{
	_cleanup_close_ int ours = -1, theirs = -1;
	_cleanup_free_ unsigned char *buf = NULL;
	int sv[2];
	ssize_t n;
	int r;

	ch->sock = -1;
	ch->next_id = 1;
	ch->buf = NULL;
	ch->hook = NULL;
	buf = malloc(GOFER_MSG_MAX);
	if (!buf)
		return -ENOMEM;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	ours = sv[0];
	theirs = sv[1];
	n = gofer_encode_request(buf, GOFER_MSG_MAX, GOFER_OP_CHANNEL, 0, 0, 0, 0, NULL, NULL, 0,
				 NULL, 0, NULL, 0);
	if (n < 0)
		return (int)n;
	r = fdpass_send(control_sock, buf, (size_t)n, &theirs, 1);
	if (r < 0)
		return r;
	ch->sock = steal_fd(&ours);
	ch->buf = steal_pointer(&buf);
	return 0;
}

void gofer_channel_close(struct gofer_channel *ch)
{
	if (ch->sock >= 0)
		close(ch->sock);
	ch->sock = -1;
	free(ch->buf);
	ch->buf = NULL;
}

/* Wait until the reply can be read, serving the hook meanwhile. */
static int wait_reply(const struct gofer_channel *ch, const struct gofer_wait_hook *hook)
{
	struct pollfd pfd[2] = {{.fd = ch->sock, .events = POLLIN},
				{.fd = hook ? hook->fd : -1, .events = POLLIN}};

	if (!hook || hook->fd < 0)
		return 0;
	for (;;) {
		int n = poll(pfd, 2, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (pfd[1].revents) {
			hook->ready(hook->arg);
			return 0;
		}
		if (pfd[0].revents)
			return 0;
	}
}

int64_t gofer_channel_call(struct gofer_channel *ch, uint16_t op, int32_t flags, uint32_t mode,
			   uint64_t arg, const struct gofer_creds *creds, const char *path,
			   uint32_t path_len, const char *path2, uint32_t path2_len,
			   const void *data, uint32_t data_len, void *out, size_t out_cap,
			   uint32_t *out_len, int *out_fd)
{
	const struct gofer_wait_hook *hook = ch->hook;
	_cleanup_close_ int fd = -1;
	struct gofer_reply hdr;
	const void *reply_data;
	uint32_t id;
	ssize_t n;
	int r;

	ch->hook = NULL;
	if (out_len)
		*out_len = 0;
	if (out_fd)
		*out_fd = -1;
	if (ch->sock < 0 || !ch->buf)
		return -EPIPE;
	if (op == GOFER_OP_CHANNEL)
		return -EINVAL;
	id = ch->next_id++;
	n = gofer_encode_request(ch->buf, GOFER_MSG_MAX, op, id, flags, mode, arg, creds, path,
				 path_len, path2, path2_len, data, data_len);
	if (n < 0)
		return n;
	{
		/* Where we run: the gofer thread follows (see follow_cpu()). */
		int cpu = sched_getcpu();

		((struct gofer_request *)ch->buf)->cpu_hint = cpu >= 0 ? (uint32_t)cpu + 1 : 0;
	}
	r = fdpass_send(ch->sock, ch->buf, (size_t)n, NULL, 0);
	if (r < 0)
		return r == -EMSGSIZE ? -EPROTO : r;
	r = wait_reply(ch, hook);
	if (r < 0)
		return r;

	n = fdpass_recv(ch->sock, ch->buf, GOFER_MSG_MAX, &fd, 1);
	if (n == 0)
		return -EPIPE;
	if (n < 0)
		return n == -EMSGSIZE ? -EPROTO : n;
	if (gofer_decode_reply(ch->buf, (size_t)n, &hdr, &reply_data) < 0 || hdr.id != id)
		return -EPROTO;
	if (hdr.has_fd != (fd >= 0))
		return -EPROTO;
	if (hdr.data_len > out_cap)
		return -EPROTO;
	if (hdr.data_len) {
		memcpy(out, reply_data, hdr.data_len);
		if (out_len)
			*out_len = hdr.data_len;
	}
	if (out_fd)
		*out_fd = steal_fd(&fd);
	return hdr.result;
}
