/* SPDX-License-Identifier: Apache-2.0 */
/* seccomp filters generated from the syscall table (through libseccomp). */
#ifndef MOAT_SYSCALLS_FILTER_H
#define MOAT_SYSCALLS_FILTER_H

#include <linux/filter.h>
#include <stddef.h>
#include <seccomp.h>

#include "../lib/error.h"

/*
 * The workload's filter: native rows ALLOW (under their argument rules),
 * emulated / checked / unknown rows and unmatched rule rows NOTIFY, denied
 * rows ERRNO(deny_errno), other ABIs (i386, x32) refused. *out is a fresh
 * context the caller releases. Returns 0 or -errno.
 */
int filter_build_workload(scmp_filter_ctx *out, struct moat_error *err);

/*
 * The workload filter exported at build time (syscalls/gen/bpf.c writes it
 * into the moat binary), so that a start does not spend ~5 ms in libseccomp.
 * Weak: programs linked without it (the generator itself, unit tests) build
 * the same filter at run time; test_filter checks the two are identical.
 */
extern const struct sock_filter filter_workload_bpf[] __attribute__((weak));
extern const unsigned filter_workload_bpf_len __attribute__((weak));

/*
 * The filter in ctx as classic BPF: *insns (malloc'ed, the caller frees) and
 * *count instructions. Returns 0 or -errno.
 */
int filter_export_bpf(scmp_filter_ctx ctx, struct sock_filter **insns, size_t *count,
		      struct moat_error *err);

/*
 * Build and load the workload filter on the calling thread with
 * SECCOMP_FILTER_FLAG_NEW_LISTENER (and WAIT_KILLABLE_RECV when the kernel
 * has it). no_new_privs must already be set. Returns the listener fd or -errno.
 */
int filter_install_workload(struct moat_error *err);

/*
 * Load the allowlist of one of moat's own processes (SELF_SENTRY or
 * SELF_GOFER): rows with that bit ALLOW, everything else kills the process.
 * Returns 0 or -errno.
 */
int filter_install_self(unsigned self_bit, struct moat_error *err);

#endif
