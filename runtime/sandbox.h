/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MOAT_RUNTIME_SANDBOX_H
#define MOAT_RUNTIME_SANDBOX_H

#include <sys/types.h>

#include "../lib/error.h"
#include "config.h"

/*
 * Start a sandbox: namespaces, id maps, mount hand-over. On success *sock is
 * moat's end of the channel to the monitor (SYNC_PTY, SYNC_READY, SYNC_EXIT
 * and SYNC_ERROR arrive there) and *monitor its pid. 0 or -errno.
 */
int sandbox_spawn(struct sandbox_config *cfg, int *sock, pid_t *monitor, struct moat_error *err);

/*
 * Wait for the sandbox's exit status, forwarding signals to init_pid (or to
 * the pid a later SYNC_READY names when it is -1) and relaying pty (a master
 * received already, or -1). Returns the status to report; reaps the monitor.
 */
int sandbox_wait(struct sandbox_config *cfg, int sock, pid_t monitor, pid_t init_pid, int pty);

/* Run cfg->argv in a new sandbox and return the exit status to report. */
int sandbox_run(struct sandbox_config *cfg);

#endif
