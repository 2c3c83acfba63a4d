/* SPDX-License-Identifier: Apache-2.0 */
/* The sentry's side of the gofer protocol: one channel per worker thread. */
#ifndef MOAT_GOFER_CLIENT_H
#define MOAT_GOFER_CLIENT_H

#include <stdint.h>

#include "protocol.h"

/*
 * Something else to watch while a reply is awaited: when fd becomes readable
 * (or hangs up), ready(arg) is called once and the wait goes on for the reply
 * alone. The sentry uses it to hand over receiving when another trapped call
 * arrives (platform.h, lead_fd).
 */
struct gofer_wait_hook {
	int fd;
	void (*ready)(void *arg);
	void *arg;
};

struct gofer_channel {
	int sock;
	uint32_t next_id;
	unsigned char *buf; /* GOFER_MSG_MAX bytes, reused for requests and replies */
	const struct gofer_wait_hook *hook; /* for the next call only, or NULL */
};

/* Make a socketpair, hand one end to the gofer over control_sock. 0 or -errno. */
int gofer_channel_open(int control_sock, struct gofer_channel *ch);
void gofer_channel_close(struct gofer_channel *ch);

/*
 * One request/reply round trip. Reply data (up to out_cap bytes) goes to out,
 * its length to *out_len; a returned fd to *out_fd (else -1). Returns the
 * gofer's result (>= 0 or -errno); -EPIPE / -ECONNRESET when the gofer is gone,
 * -EPROTO on a malformed reply.
 */
int64_t gofer_channel_call(struct gofer_channel *ch, uint16_t op, int32_t flags, uint32_t mode,
			   uint64_t arg, const struct gofer_creds *creds, const char *path,
			   uint32_t path_len, const char *path2, uint32_t path2_len,
			   const void *data, uint32_t data_len, void *out, size_t out_cap,
			   uint32_t *out_len, int *out_fd);

#endif
