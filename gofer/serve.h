/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The gofer's serving loops, apart from gofer_run() so that tests can drive
 * them without the gofer's seccomp filter (gofer_run = lockdown + these).
 */
#ifndef MOAT_GOFER_SERVE_H
#define MOAT_GOFER_SERVE_H

#include "../lib/error.h"

/* Thread stacks of channel threads; there may be dozens of channels. */
#define GOFER_CHANNEL_STACK (256 * 1024)

/*
 * Serve the control socket: each GOFER_OP_CHANNEL request with one fd starts
 * a detached thread serving that channel. The process umask must already be
 * 0 (the sentry applies the caller's). Returns 0 at end of stream, or -errno
 * with err filled when the control socket fails.
 */
int gofer_serve_control(int control_sock, int root_fd, struct moat_error *err);

/*
 * Serve one channel on the calling thread, one request at a time, until end
 * of stream or a broken socket. Closes sock. Returns 0, or -errno when the
 * thread could not start serving.
 */
int gofer_serve_channel(int sock, int root_fd);

/*
 * The gofer's own confinement, before any channel thread exists: permitted
 * capabilities cut to GOFER_KEEP_CAPS, not dumpable, no_new_privs, and the
 * SELF_GOFER seccomp allowlist. 0 or -errno with err filled.
 */
int gofer_lockdown(struct moat_error *err);

#endif
