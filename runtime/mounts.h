/* SPDX-License-Identifier: Apache-2.0 */
/* Small wrappers over mount(2) and the new mount API, each with a clear error. */
#ifndef MOAT_RUNTIME_MOUNTS_H
#define MOAT_RUNTIME_MOUNTS_H

#include <stddef.h>
#include <sys/types.h>

#include "../lib/error.h"

int mnt_mount(const char *src, const char *target, const char *type, unsigned long flags,
	      const char *data, struct moat_error *err);
/* Detached copy of the tree at path (recursive), optionally read-only and
 * idmapped through userns_fd (-1 for none). Returns the fd or -errno. */
int mnt_clone_tree(const char *path, int readonly, int userns_fd, struct moat_error *err);
/* Detached read-only copy of the mount at path alone, without the mounts
 * below it (only where they are not locked: outside a user namespace). */
int mnt_clone_lone(const char *path, struct moat_error *err);
/* Attach a detached tree at target. */
int mnt_attach(int tree_fd, const char *target, struct moat_error *err);
/* Make every mount under target read-only (recursive bind remount). */
int mnt_make_readonly(const char *target, struct moat_error *err);
/* mkdir -p with mode 0755; the final component as a file if as_file. */
int mnt_make_point(const char *path, int as_file, struct moat_error *err);
/*
 * The mount points strictly below dir ("" for all but /), parents before
 * children (the order of /proc/self/mountinfo), each once. 0 or -errno; free
 * with mnt_list_free().
 */
int mnt_list_submounts(const char *dir, char ***out, size_t *count);
void mnt_list_free(char **list, size_t count);
/*
 * The mount on top at point (an absolute path as mountinfo shows it): its
 * file system type and its super options (still escaped; free them).
 * 0, -ENOENT when nothing is mounted there, or -errno.
 */
int mnt_find(const char *point, char *fstype, size_t fstype_len, char **super_options);
/* Undo mountinfo's octal escapes (\040 for space) in place. */
void mnt_unescape(char *s);
/* Does any of points lie strictly below dir? */
int mnt_points_below(char *const *points, size_t count, const char *dir);

#endif
