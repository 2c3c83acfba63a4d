/* SPDX-License-Identifier: Apache-2.0 */
/* Messages with file descriptors over unix sockets (SCM_RIGHTS). */
#ifndef MOAT_LIB_FDPASS_H
#define MOAT_LIB_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

#define FDPASS_MAX 4

/* Send len bytes and nfds fds in one message. Returns 0 or -errno. */
int fdpass_send(int sock, const void *buf, size_t len, const int *fds, int nfds);
/*
 * Receive one message into buf (at most len bytes) and up to max_fds fds
 * (received fds are O_CLOEXEC; unused slots set to -1). Returns the number of
 * bytes, 0 on end of stream, or -errno. A truncated message is -EMSGSIZE.
 */
ssize_t fdpass_recv(int sock, void *buf, size_t len, int *fds, int max_fds);

#endif
