/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Path resolution in the gofer. Every path is absolute in the sandbox's root
 * and is resolved by the kernel with openat2(RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS) against the root fd; see docs/gofer-protocol.md.
 */
#ifndef MOAT_GOFER_RESOLVE_H
#define MOAT_GOFER_RESOLVE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

/*
 * openat2 of path (len bytes, absolute) with the given open flags and mode.
 * Paths longer than PATH_MAX - 1 are resolved piecewise (the long-path rule).
 * Returns an fd (O_CLOEXEC is the caller's to ask for) or -errno.
 */
int resolve_open(int root_fd, const char *path, size_t len, uint64_t flags, uint64_t mode);

/* The directory holding a path's last component, and that component. */
struct resolved_parent {
	int dirfd;		 /* O_PATH directory; -1 when is_root */
	int is_root;		 /* the path names "/" itself: there is no parent */
	int trailing_slash;	 /* the path ended in '/' */
	size_t name_offset;	 /* where the last component starts in the path */
	char name[NAME_MAX + 2]; /* last component, plus one '/' if trailing_slash */
};

/*
 * Split path into parent + last component and resolve the parent. The name
 * keeps one trailing '/' when the path had one, so that the *at() syscalls
 * apply the kernel's own trailing-slash rules. 0 or -errno; on success the
 * caller closes out->dirfd (resolved_parent_release).
 */
int resolve_parent(int root_fd, const char *path, size_t len, struct resolved_parent *out);
void resolved_parent_release(struct resolved_parent *rp);

/*
 * A directory fd and a single name (no '/') that designate the object path
 * leads to (following a final symlink unless nofollow), for syscalls that
 * work only by name with AT_SYMLINK_NOFOLLOW (the xattr family refuses O_PATH
 * fds). Final symlinks are followed one at a time in the root, and the result
 * is checked to be the object openat2 reaches. 0 or -errno.
 */
int resolve_final(int root_fd, const char *path, size_t len, int nofollow,
		  struct resolved_parent *out);

#endif
