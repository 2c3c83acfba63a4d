/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Idmapped mounts (mount_setattr MOUNT_ATTR_IDMAP). Only host root can make
 * them for the host's file systems (the kernel wants CAP_SYS_ADMIN over the
 * file system's user namespace), so moat makes them, outside the sandbox,
 * and hands the detached trees to the monitor.
 */
#ifndef MOAT_RUNTIME_IDMAP_H
#define MOAT_RUNTIME_IDMAP_H

#include <stdbool.h>
#include <sys/types.h>

#include "../lib/error.h"
#include "config.h"

struct oci_id_mapping;

/* A user namespace (fd) with these uid_map/gid_map texts, for a mount's idmap. */
int idmap_userns_fd(const char *uid_map, const char *gid_map, struct moat_error *err);

/* uid_map text of OCI mappings ("containerID hostID size" lines). */
int idmap_map_text(const struct oci_id_mapping *maps, size_t n, char *out, size_t len);

/* Idmap a detached tree (open_tree clone) through userns_fd. */
int idmap_tree(int tree, int userns_fd, bool recursive, struct moat_error *err);

/*
 * An overlay of idmapped clones of the layers of the engine's overlay
 * mounted at rootfs, created as the container's root (host uid/gid, the ids
 * its container 0 maps to) by a helper in a mount namespace of its own.
 * Returns the detached overlay's fd, or -errno when rootfs is no overlay
 * this can rebuild.
 */
int idmap_overlay_rootfs(const char *rootfs, int userns_fd, uid_t uid, gid_t gid,
			 struct moat_error *err);

/*
 * In moat, as root, once the container's maps are written (userns_fd is its
 * user namespace): the rootfs and the bind mounts that are to be idmapped,
 * opened and idmapped here and sent to the monitor after SYNC_GO (rootfs as
 * SYNC_MOUNT -1, mounts[i] as -2 - i). Fails, before SYNC_GO, when one
 * cannot be idmapped.
 */
int idmap_send_container_trees(struct sandbox_config *cfg, int userns_fd, int sock,
			       struct moat_error *err);

#endif
