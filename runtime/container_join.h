/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.namespaces entries with a path: the container joins an existing
 * namespace (a CNI network namespace, a pod's IPC and UTS namespaces)
 * instead of getting a new one.
 *
 * The sandbox's user namespace is made by moat, so a namespace owned by
 * another user namespace (the host's, for CNI's) can only be joined from
 * outside it: moat joins it itself, then creates the sandbox without a
 * namespace of that type; everything the sandbox starts (monitor, gofer,
 * sentry, pid 1) inherits it. Supported: network, ipc, uts. Joining a pid,
 * mount, user, cgroup or time namespace by path is refused.
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

/* Does the container join a namespace of this CLONE_NEW* type by path? */
int container_joins(const struct container_setup *setup, int type);

/*
 * A detached mqueue mount of the calling process's ipc namespace (moat's,
 * once it has joined the container's): the sandbox's user namespace does not
 * own a joined ipc namespace and could not mount it. fd or -errno.
 */
int container_join_mqueue(struct moat_error *err);

#endif
