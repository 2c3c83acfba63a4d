/* SPDX-License-Identifier: Apache-2.0 */
/* The gofer's operations: one decoded request in, one reply out. */
#ifndef MOAT_GOFER_OPS_H
#define MOAT_GOFER_OPS_H

#include <stdint.h>

#include <sys/types.h> /* protocol.h uses ssize_t */

#include "protocol.h"

/* What one operation produced; data points to the caller's buffer. */
struct op_reply {
	int64_t result;	   /* >= 0, or -errno */
	uint32_t data_len; /* bytes written to the data buffer */
	int fd;		   /* >= 0: an fd to send with the reply (the caller closes it) */
};

/*
 * Perform msg as the calling thread's current credentials (creds_apply has
 * run). root_fd is the sandbox root (O_PATH). data receives up to
 * GOFER_DATA_MAX bytes of reply data.
 */
void gofer_op_execute(int root_fd, const struct gofer_msg *msg, void *data, struct op_reply *out);

#endif
