/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MOAT_RUNTIME_INIT_H
#define MOAT_RUNTIME_INIT_H

#include "config.h"

struct init_fds {
	int monitor; /* socket to the monitor */
	int moat;    /* socket to moat (pty master goes there) */
	int sentry;  /* socket to the sentry: the seccomp listener goes there */
};

/*
 * pid 1 of the sandbox's pid namespace. Enters the root, drops every
 * capability, installs the workload's filter (handing the listener to the
 * sentry), starts the command, forwards signals to it, reaps orphans and
 * exits with the command's status (128+N for a signal). Never returns.
 */
void init_main(struct sandbox_config *cfg, const struct init_fds *fds) __attribute__((noreturn));

#endif
