/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host view's lower layers, captured by moat as root before the
 * sandbox's user namespace exists.
 *
 * `moat do` shows each top-level host directory as an overlay. In the
 * sandbox's user namespace the mounts below a directory are locked to it, so
 * overlayfs refuses the directory as a lower layer ("failed to clone
 * lowerpath"), and so does a non-recursive clone; the only way left is a
 * recursive read-only bind, through which a host daemon's unix socket can be
 * connected to (an overlay shows its own inode instead, which refuses).
 * Outside the user namespace root can take each mount alone: the top-level
 * directory and every mount below it, each then shown as an overlay of its
 * own (runtime/rootfs.c). Unprivileged callers cannot; docs/security.md says
 * what that leaves.
 */
#ifndef MOAT_RUNTIME_HOST_LOWER_H
#define MOAT_RUNTIME_HOST_LOWER_H

#include <stddef.h>

#include "../lib/error.h"

struct host_lower {
	char *path; /* absolute host path: a top-level directory or a mount below one */
	int fd;	    /* its mount alone, detached and read-only */
};

/*
 * For every top-level host directory with mounts below it: the directory's
 * mount and each mount below it that is a directory or a regular file
 * (sockets and devices stay hidden), parents first. A mount that cannot be
 * cloned is left out (shown hidden; for a top-level directory: as the
 * recursive read-only bind). Returns 0 or -errno (memory).
 */
int host_lowers_capture(struct host_lower **out, int *count, struct moat_error *err);
void host_lowers_free(struct host_lower *lowers, int count);
/* Append (path, fd) to *list of *n entries. 0 or -ENOMEM (fd not taken). */
int host_lowers_add(struct host_lower **list, int *n, const char *path, int fd);

/* The entry for path, or NULL. */
const struct host_lower *host_lower_find(const struct host_lower *lowers, int count,
					 const char *path);

#endif
