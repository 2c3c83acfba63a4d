/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to syscalls/filter.c and its tests. */
#ifndef MOAT_SYSCALLS_FILTER_INTERNAL_H
#define MOAT_SYSCALLS_FILTER_INTERNAL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <seccomp.h>

#include "../lib/error.h"

/*
 * The workload filter with trap_action where emulated, checked and unknown
 * rows (and unmatched rule rows) go. filter_build_workload() passes
 * SCMP_ACT_NOTIFY; tests pass e.g. SCMP_ACT_ERRNO(ENOTSUP) to load the filter
 * without a listener. trap_action must differ from SCMP_ACT_ERRNO(ENOSYS).
 * Returns 0 or -errno.
 */
int filter_build(scmp_filter_ctx *out, uint32_t trap_action, struct moat_error *err);

/*
 * The allowlist of one of moat's own processes (SELF_SENTRY or SELF_GOFER),
 * as filter_install_self() loads it. Returns 0 or -errno.
 */
int filter_build_self(scmp_filter_ctx *out, unsigned self_bit, struct moat_error *err);

/* The default action, also for other ABIs: numbers the table does not know. */
#define FILTER_DEFAULT_ACTION SCMP_ACT_ERRNO(ENOSYS)

#endif
