/* SPDX-License-Identifier: Apache-2.0 */
/* The sandbox's root file system, built in a private mount namespace. */
#ifndef MOAT_RUNTIME_ROOTFS_H
#define MOAT_RUNTIME_ROOTFS_H

#include "../lib/error.h"
#include "config.h"

/* Where the tree is assembled before pivot_root (inside the private namespace). */
#define ROOTFS_STAGE   "/tmp"
#define ROOTFS_NEWROOT "/tmp/root"

/*
 * Runs in the set-up process, in the new user and mount namespaces, while
 * the host's tree is still visible: captures the bind sources, then builds
 * ROOTFS_NEWROOT: an overlay per top-level host directory (read-only lower,
 * tmpfs upper) and per mount below one (as root: runtime/host_lower.h), or
 * a recursive read-only bind where an unprivileged caller meets submounts,
 * fresh /tmp and /dev, an empty /proc, a read-only /sys, then the --rw, --ro
 * and --tmpfs requests in order.
 */
int rootfs_build(struct sandbox_config *cfg, struct moat_error *err);

/*
 * Runs in the sandbox's pid 1 (so procfs is the sandbox's): mounts /proc,
 * pivots into ROOTFS_NEWROOT (every process of this mount namespace
 * follows), drops the old root and makes / read-only (not for a container
 * whose root.readonly is false). `moat do` gets runc's default masked and
 * read-only paths; a container runs its createContainer hooks before the
 * pivot and gets its sysctls and its own masked and read-only paths after.
 */
int rootfs_enter(const struct sandbox_config *cfg, struct moat_error *err);

/* Is /name one the sandbox gets fresh (proc, sys, dev, tmp), not from the host? */
int rootfs_fresh_toplevel(const char *name);

/* A fresh minimal /dev on ROOTFS_NEWROOT/dev (an existing directory): null,
 * zero, full, random, urandom, tty, devpts with ptmx, shm, fd and std*. */
int rootfs_build_dev(struct moat_error *err);

#endif
