/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.namespaces entries with a path: the container joins an existing
 * namespace (a CNI network namespace, a pod's IPC and UTS namespaces)
 * instead of getting a new one.
 *
 * A network, ipc, uts or time namespace may be owned by another user
 * namespace (the host's, for CNI's) and can then only be joined from outside
 * the sandbox's: moat joins it itself, then creates the sandbox without a
 * namespace of that type; everything the sandbox starts (monitor, gofer,
 * sentry, pid 1) inherits it. A user namespace given by path is joined by
 * the monitor, which then makes the other namespaces inside it (moat stays
 * host root to idmap the mounts through it); a cgroup namespace by pid 1, in
 * place of the one it would make. A pid namespace is joined inside the user
 * namespace that owns it (joined with it when config.json names none): the
 * monitor starts pid 1 in it, and ends every process of the container's
 * cgroup when pid 1, the sentry or the gofer ends (a shared pid namespace
 * outlives them). Joining a mount namespace by path is refused.
 */
#ifndef MOAT_RUNTIME_CONTAINER_JOIN_H
#define MOAT_RUNTIME_CONTAINER_JOIN_H

#include "../lib/error.h"
#include "config.h"

struct oci_config;

/*
 * Open and check every namespace path of config.json (file names it for
 * errors) into setup->join_*. Returns 0 or -errno with err naming the field.
 */
int container_join_open(const struct oci_config *oci, const char *file,
			struct container_setup *setup, struct moat_error *err);
void container_join_close(struct container_setup *setup);

/*
 * Join them (in the calling process) and return the CLONE_NEW* flags the
 * sandbox must then not create. -errno with err filled on failure.
 */
int container_join_enter(const struct container_setup *setup, struct moat_error *err);

/*
 * The user namespace owning pid namespace pid_ns (a new fd), refused when it
 * is moat's own (the host's). -errno with err filled.
 */
int container_join_pid_owner(int pid_ns, struct moat_error *err);

/* The fd of the namespace of this CLONE_NEW* type joined by path, or -1. */
int container_join_fd(const struct container_setup *setup, int type);

/* In the sandbox: close what moat joined already, keep the rest. */
void container_join_close_joined(struct container_setup *setup);

/*
 * In the monitor, first: join the user namespace given by path and make
 * setup->join_unshare's namespaces in it. 0 when there is none to join.
 */
int container_join_sandbox(struct container_setup *setup, struct moat_error *err);

/* In pid 1: join the cgroup namespace given by path: 1 if done, 0 if none. */
int container_join_cgroup(const struct container_setup *setup, struct moat_error *err);

/* Does the container join a namespace of this CLONE_NEW* type by path? */
int container_joins(const struct container_setup *setup, int type);

/*
 * A detached mqueue mount of the calling process's ipc namespace (moat's,
 * once it has joined the container's): the sandbox's user namespace does not
 * own a joined ipc namespace and could not mount it. fd or -errno.
 */
int container_join_mqueue(struct moat_error *err);

#endif
