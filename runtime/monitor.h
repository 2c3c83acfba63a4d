/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MOAT_RUNTIME_MONITOR_H
#define MOAT_RUNTIME_MONITOR_H

#include "config.h"

/*
 * The sandbox's monitor: first process in the new user namespace. Builds the
 * root, starts the gofer, the sentry and pid 1, then watches them: if the
 * gofer or the sentry dies the workload is killed; when pid 1 exits its
 * status goes to moat. Never returns.
 */
void monitor_main(struct sandbox_config *cfg, int moat_sock) __attribute__((noreturn));

#endif
