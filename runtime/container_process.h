/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.json's process and security attributes for `moat create|run`:
 * capabilities, noNewPrivileges, rlimits, oomScoreAdj, umask
 * (container_process.c), linux.seccomp (container_seccomp.c),
 * linux.sysctl and domainname (container_sysctl.c), linux.devices
 * (container_devices.c) and the hooks that run inside the container.
 *
 * Where each runs:
 *   moat, before the sandbox    container_process_check (every refusal)
 *   moat, after pid 1 is set up container_process_host_limits (as the caller)
 *   the monitor, building root  container_devices_create
 *   pid 1, before pivot_root    createContainer hooks
 *   pid 1, after pivot_root     container_sysctl_apply, masked/read-only paths
 *   pid 1, after the uid change container_process_apply (umask, profile
 *                               compiled, capabilities, no_new_privs)
 *   pid 1, filter loaded        startContainer hooks
 *   pid 1, before execve        container_process_before_exec (profile
 *                               loaded, transitional CAP_SYS_ADMIN dropped);
 *                               pid 1 is the process (a `moat exec`'d one
 *                               does the same before its execve)
 */
#ifndef MOAT_RUNTIME_CONTAINER_PROCESS_H
#define MOAT_RUNTIME_CONTAINER_PROCESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "../lib/error.h"
#include "config.h"

struct oci_config;
struct oci_process;
struct oci_seccomp;

/* --- container_process.c */
/* Everything moat can refuse before starting anything: capability sets
 * the kernel would refuse, sysctls, the seccomp profile. */
int container_process_check(const struct oci_config *oci, struct moat_error *err);
/* The capability sets of one process object (`exec --process`). */
int container_process_check_caps(const struct oci_process *p, struct moat_error *err);
/* Can the credentials the gofer acts with differ between the container's
 * tasks or over time (a file-access capability, CAP_SETUID or CAP_SETGID
 * in any set, or no no_new_privs)? Then the sentry must read them per call. */
bool container_process_creds_dynamic(const struct oci_process *p);
/* rlimits and oomScoreAdj, set by moat on pid (pid 1, before it forks the
 * process) with the caller's own privileges, as runc's are. */
int container_process_host_limits(pid_t pid, const struct oci_process *p, struct moat_error *err);
/* pid 1, after taking process.user (capabilities still full). */
int container_process_apply(const struct container_setup *c, struct moat_error *err);
/* The same for any process object (what `exec --process` brings). */
int container_process_apply_to(const struct oci_process *p, const struct oci_seccomp *sc,
			       struct moat_error *err);
/* pid 1, before pivot_root: the createContainer hooks, in the rootfs. */
int container_process_create_hooks(const struct container_setup *c, struct moat_error *err);
/* pid 1, workload filter loaded: the startContainer hooks. */
int container_process_start_hooks(const struct container_setup *c, struct moat_error *err);
/* The process (and each startContainer hook), right before execve. */
int container_process_before_exec(struct moat_error *err);
/* In-container hooks (createContainer, startContainer) with the state on stdin. */
int container_process_run_hooks(const struct container_setup *c, int kind, const char *status,
				int (*before_exec)(struct moat_error *), struct moat_error *err);

/* --- container_seccomp.c */
int container_seccomp_check(const struct oci_seccomp *sc, struct moat_error *err);
/* Compile the profile (pid 1, before any filter). */
int container_seccomp_prepare(const struct oci_seccomp *sc, struct moat_error *err);
/* Load what prepare compiled (nothing if there is no profile). */
int container_seccomp_load(struct moat_error *err);

/* --- container_sysctl.c */
int container_sysctl_check(const struct oci_config *oci, struct moat_error *err);
/* pid 1 after pivot_root, in the container's namespaces: domainname, then
 * linux.sysctl through /proc/sys. */
int container_sysctl_apply(const struct oci_config *oci, struct moat_error *err);

/* --- container_devices.c */
/* linux.devices into the rootfs (root: O_PATH fd of it), in the monitor
 * while the host's /dev is in view. */
int container_devices_create(const struct container_setup *c, int root, struct moat_error *err);

#endif
