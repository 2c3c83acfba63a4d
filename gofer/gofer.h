/* SPDX-License-Identifier: Apache-2.0 */
/* The gofer process: the only process of moat that resolves paths. */
#ifndef MOAT_GOFER_H
#define MOAT_GOFER_H

#include "../lib/error.h"

/*
 * Serve requests until control_sock closes. root_fd is an O_PATH directory fd
 * of the sandbox's root; the calling process already lives in the sandbox's
 * mount namespace with that root. Installs the gofer's own seccomp filter
 * before serving. Returns only on error (-errno, err filled); when the
 * control socket reaches end of stream it waits to be killed by the monitor.
 */
int gofer_run(int control_sock, int root_fd, struct moat_error *err);

#endif
