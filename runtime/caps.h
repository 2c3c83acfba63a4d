/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MOAT_RUNTIME_CAPS_H
#define MOAT_RUNTIME_CAPS_H

#include <stdint.h>

#include "../lib/error.h"

/* Drop every capability (bounding, ambient, inheritable, permitted, effective)
 * and set no_new_privs. Irreversible. */
int caps_drop_all(struct moat_error *err);

/* The five sets, bit N = capability N (config.json's process.capabilities),
 * limited to the capabilities the kernel has. */
struct caps_sets {
	uint64_t bounding, effective, inheritable, permitted, ambient;
};

/*
 * Set the calling process's capabilities to want: securebits cleared (the
 * SECBIT_NO_SETUID_FIXUP the uid change needed is not left to the
 * workload), the bounding set reduced, then permitted, effective and
 * inheritable with capset and the ambient set raised. extra is added to
 * permitted and effective (the CAP_SYS_ADMIN a filter without no_new_privs
 * needs until it is loaded); caps_finish() removes it. Needs CAP_SETPCAP,
 * i.e. runs before anything else is dropped.
 */
int caps_apply(const struct caps_sets *want, uint64_t extra, struct moat_error *err);

/* capset to want's permitted, effective and inheritable (dropping the extra). */
int caps_finish(const struct caps_sets *want, struct moat_error *err);

#endif
