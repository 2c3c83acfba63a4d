/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The root of an OCI container: the bundle's rootfs instead of the host's
 * overlay, then config.json's mounts in order. Runs in the monitor, in the
 * sandbox's user and mount namespaces, while the host tree is still visible
 * (bind sources are captured first). Mount points are resolved inside the
 * rootfs (openat2 RESOLVE_IN_ROOT), so a symlink in an image cannot send a
 * mount elsewhere; mounts then target the resolved fd.
 */
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/log.h"
#include "cgroup.h"
#include "mounts.h"
#include "container_process.h"
#include "oci_config.h"
#include "rootfs.h"

static int open_in_root(int root, const char *path, int flags)
{
	struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC),
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};

	return (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
}

/*
 * mkdir -p of dest inside the rootfs (the last component a file if as_file),
 * every step resolved in the root. Returns an O_PATH fd of the mount point.
 */
int container_rootfs_make_point(int root, const char *dest, int as_file, struct moat_error *err)
{
	char path[PATH_MAX];
	char *p;
	int fd;

	if (snprintf(path, sizeof(path), "/%s", dest) >= (int)sizeof(path))
		return moat_error_setx(err, ENAMETOOLONG, "mount point %s: too long", dest);
	for (p = path + 1;; p++) {
		int last = *p == '\0';
		char saved = *p;

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		fd = open_in_root(root, path, O_PATH);
		if (fd < 0 && errno == ENOENT) {
			char *slash = strrchr(path, '/');
			_cleanup_close_ int parent = -1;

			*slash = '\0';
			parent = open_in_root(root, *path ? path : "/", O_PATH | O_DIRECTORY);
			*slash = '/';
			if (parent < 0)
				return moat_error_set(err, errno, "mount point %s", path);
			if (last && as_file) {
				int f = openat(parent, slash + 1,
					       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
					       0644);
				if (f >= 0)
					close(f);
			} else {
				mkdirat(parent, slash + 1, 0755);
			}
			fd = open_in_root(root, path, O_PATH);
		}
		if (fd < 0)
			return moat_error_set(err, errno, "mount point %s", path);
		*p = saved;
		if (last)
			return fd;
		close(fd);
	}
}

static const char *fd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
	return buf;
}

static int is_type(const struct oci_mount *m, const char *type)
{
	return m->type && !strcmp(m->type, type);
}

static int is_bind(const struct oci_mount *m)
{
	return (m->parsed.flags & MS_BIND) || is_type(m, "bind") || is_type(m, "rbind");
}

bool container_mount_is_recursive(const struct oci_mount *m)
{
	return (m->parsed.flags & MS_REC) || is_type(m, "rbind");
}

/* Capture a bind mount's source tree while the host is in view. */
int container_bind_source_open(const char *bundle, const struct oci_mount *m,
			       struct moat_error *err)
{
	char src[PATH_MAX];
	int rec = container_mount_is_recursive(m);
	int fd;

	if (!m->source)
		return moat_error_setx(err, EINVAL, "mount %s: bind without a source",
				       m->destination);
	if (m->source[0] == '/')
		snprintf(src, sizeof(src), "%s", m->source);
	else
		snprintf(src, sizeof(src), "%s/%s", bundle, m->source);
	fd = open_tree(AT_FDCWD, src,
		       OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0));
	if (fd < 0)
		return moat_error_set(err, errno, "mount %s: bind source %s", m->destination, src);
	return fd;
}

/* ro, nosuid, nodev, noexec and the r* attributes of a bind, on its tree. */
static int set_bind_attrs(int tree, const struct oci_mount *m, struct moat_error *err)
{
	struct mount_attr attr = {0};
	unsigned long f = m->parsed.flags;

	attr.attr_set =
	    (f & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0) | (f & MS_NOSUID ? MOUNT_ATTR_NOSUID : 0) |
	    (f & MS_NODEV ? MOUNT_ATTR_NODEV : 0) | (f & MS_NOEXEC ? MOUNT_ATTR_NOEXEC : 0);
	if (attr.attr_set &&
	    mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return moat_error_set(err, errno, "mount %s: options", m->destination);
	if (m->parsed.rec_attr_set || m->parsed.rec_attr_clr) {
		struct mount_attr rec = {.attr_set = m->parsed.rec_attr_set,
					 .attr_clr = m->parsed.rec_attr_clr};

		if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &rec, sizeof(rec)) < 0)
			return moat_error_set(err, errno, "mount %s: recursive options",
					      m->destination);
	}
	return 0;
}

/*
 * A cloned tree keeps the propagation of its source: under a shared mount
 * (dockerd bind-mounts its data root onto itself, shared) it would be a
 * peer of the host's mount, so pivot_root refuses it (EINVAL) and mounts
 * made inside could reach the host. Every tree moat attaches is private.
 */
static int make_private(int tree, const char *what, struct moat_error *err)
{
	struct mount_attr attr = {.propagation = MS_PRIVATE};

	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return moat_error_set(err, errno, "%s: make private", what);
	return 0;
}

static int attach_tree(int root, int tree, const char *dest, struct moat_error *err)
{
	struct stat st;
	_cleanup_close_ int point = -1;

	if (make_private(tree, dest, err) < 0)
		return -err->code;
	if (fstat(tree, &st) < 0)
		return moat_error_set(err, errno, "mount %s", dest);
	point = container_rootfs_make_point(root, dest, !S_ISDIR(st.st_mode), err);
	if (point < 0)
		return point;
	if (move_mount(tree, "", point, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return moat_error_set(err, errno, "mount %s", dest);
	return 0;
}

/* Mounts moat makes itself (/proc, /dev and its pts and shm) or skips. */
static int handled_by_moat(const struct oci_mount *m, const char *dest)
{
	if (is_type(m, "proc") && !strcmp(dest, "/proc"))
		return 1; /* the sandbox's own procfs, mounted by pid 1 */
	if ((is_type(m, "tmpfs") && (!strcmp(dest, "/dev") || !strcmp(dest, "/dev/shm"))) ||
	    (is_type(m, "devpts") && !strcmp(dest, "/dev/pts"))) {
		log_debug("mount %s: moat's minimal /dev provides it", dest);
		return 1;
	}
	return 0;
}

/*
 * config.json's cgroup mount shows the container's own cgroups, read-only
 * unless "rw" is given: with v1 hierarchies (pure or hybrid), a tmpfs with
 * each hierarchy's directory bound under the mount's name and a symlink per
 * co-mounted controller, as runc does; on pure v2, the directory itself.
 * The binds are of the host directories, which the cgroup namespace of pid 1
 * also has as its root.
 */
static int mount_cgroups(const struct container_setup *c, int root, const struct oci_mount *m,
			 const char *dest, struct moat_error *err)
{
	const struct cgroup *cg = c->cgroup;
	struct mount_attr attr = {.attr_set =
				      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
				      (m->parsed.flags & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0)};
	_cleanup_close_ int point = -1, top = -1;
	char buf[64];

	if (!cg) {
		log_debug("mount %s: the container has no cgroup; skipped", dest);
		return 0;
	}
	for (size_t i = 0; i < cg->n; i++) {
		const struct cgroup_dir *d = &cg->d[i];
		const char *name = strrchr(d->mount, '/') + 1;
		_cleanup_close_ int tree =
		    open_tree(AT_FDCWD, d->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

		if (tree < 0 || mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
			return moat_error_set(err, errno, "mount %s: bind %s", dest, d->path);
		if (cg->n == 1 && d->version == 2)
			return attach_tree(root, tree, dest, err);
		if (top < 0) {
			point = container_rootfs_make_point(root, dest, 0, err);
			if (point < 0)
				return point;
			if (mount("tmpfs", fd_path(point, buf, sizeof(buf)), "tmpfs",
				  MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755") < 0)
				return moat_error_set(err, errno, "mount %s (tmpfs)", dest);
			top = open_in_root(root, dest, O_PATH | O_DIRECTORY);
			if (top < 0)
				return moat_error_set(err, errno, "mount %s", dest);
		}
		if ((mkdirat(top, name, 0755) < 0 && errno != EEXIST) ||
		    move_mount(tree, "", top, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return moat_error_set(err, errno, "mount %s/%s", dest, name);
		if (strchr(name, ',')) {
			char list[128], *save = NULL;

			snprintf(list, sizeof(list), "%s", name);
			for (char *t = strtok_r(list, ",", &save); t;
			     t = strtok_r(NULL, ",", &save))
				if (symlinkat(name, top, t) < 0 && errno != EEXIST)
					return moat_error_set(err, errno, "mount %s: link %s", dest,
							      t);
		}
	}
	if (top >= 0 && (m->parsed.flags & MS_RDONLY)) {
		struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};

		if (mount_setattr(top, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
			return moat_error_set(err, errno, "mount %s: read-only", dest);
	}
	return 0;
}

bool container_mount_is_captured_bind(const struct oci_mount *m)
{
	return is_bind(m) && !handled_by_moat(m, "");
}

static int apply_mount(const struct container_setup *c, int root, const struct oci_mount *m,
		       int tree, struct moat_error *err)
{
	char dest[PATH_MAX], buf[64];
	_cleanup_close_ int point = -1;
	unsigned long flags;

	snprintf(dest, sizeof(dest), "%s%s", m->destination[0] == '/' ? "" : "/", m->destination);
	if (handled_by_moat(m, dest))
		return 0;
	if (is_type(m, "cgroup") || is_type(m, "cgroup2"))
		return mount_cgroups(c, root, m, dest, err);
	if (tree >= 0)
		return set_bind_attrs(tree, m, err) < 0 ? -err->code
							: attach_tree(root, tree, dest, err);
	if (is_type(m, "sysfs")) {
		/* sysfs belongs to the host's network namespace: a read-only view */
		_cleanup_close_ int sys = mnt_clone_tree("/sys", 1, -1, err);

		return sys < 0 ? moat_error_prefix(err, "mount %s", dest)
			       : attach_tree(root, sys, dest, err);
	}
	(void)c;
	point = container_rootfs_make_point(root, dest, 0, err);
	if (point < 0)
		return point;
	flags = m->parsed.flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
	if (mount(m->source ? m->source : m->type, fd_path(point, buf, sizeof(buf)), m->type, flags,
		  m->parsed.data) < 0)
		return moat_error_set(err, errno, "mount %s (%s%s%s)", dest,
				      m->type ? m->type : "no type", *m->parsed.data ? ", " : "",
				      m->parsed.data);
	return 0;
}

/* /dev, /proc and /sys must be plain directories of the rootfs: the shared
 * code mounts on them by path. */
static int require_dir(int root, const char *name, struct moat_error *err)
{
	char path[PATH_MAX];
	struct stat st;
	int fd = container_rootfs_make_point(root, name, 0, err);

	if (fd < 0)
		return fd;
	close(fd);
	snprintf(path, sizeof(path), ROOTFS_NEWROOT "/%s", name);
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return moat_error_setx(err, ENOTDIR, "rootfs /%s: not a directory", name);
	return 0;
}

int container_rootfs_build(struct sandbox_config *cfg, struct moat_error *err)
{
	struct container_setup *c = cfg->container;
	const struct oci_config *oci = c->oci;
	_cleanup_free_ int *trees = calloc(oci->n_mounts + 1, sizeof(int));
	_cleanup_close_ int root = -1;
	int r = 0;

	if (!trees)
		return moat_error_set(err, ENOMEM, "mounts");
	for (size_t i = 0; i < oci->n_mounts; i++)
		trees[i] = -1;
	if (c->rootfs_fd < 0) {
		c->rootfs_fd = mnt_clone_tree(c->rootfs, 0, -1, err);
		if (c->rootfs_fd < 0)
			return moat_error_prefix(err, "rootfs");
	}
	for (size_t i = 0; i < oci->n_mounts && r == 0; i++) {
		if (c->mount_fds && c->mount_fds[i] >= 0) /* idmapped by moat */
			trees[i] = steal_fd(&c->mount_fds[i]);
		else if (container_mount_is_captured_bind(&oci->mounts[i]))
			r = container_bind_source_open(c->bundle, &oci->mounts[i], err);
		if (r > 0) { /* an fd, not an error */
			trees[i] = r;
			r = 0;
		}
	}
	if (r < 0)
		goto out;
	r = mnt_mount("tmpfs", ROOTFS_STAGE, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700", err);
	if (r < 0)
		goto out;
	if (mkdir(ROOTFS_NEWROOT, 0755) < 0) {
		r = moat_error_set(err, errno, "create %s", ROOTFS_NEWROOT);
		goto out;
	}
	r = make_private(c->rootfs_fd, "rootfs", err);
	if (r == 0)
		r = mnt_attach(c->rootfs_fd, ROOTFS_NEWROOT, err);
	close(c->rootfs_fd);
	c->rootfs_fd = -1;
	if (r < 0)
		goto out;
	root = open(ROOTFS_NEWROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		r = moat_error_set(err, errno, "open the rootfs");
		goto out;
	}
	r = require_dir(root, "proc", err);
	if (r == 0)
		r = require_dir(root, "dev", err);
	if (r == 0)
		r = rootfs_build_dev(err);
	if (r < 0) {
		moat_error_prefix(err, "/dev");
		goto out;
	}
	for (size_t i = 0; i < oci->n_mounts && r == 0; i++)
		r = apply_mount(c, root, &oci->mounts[i], trees[i], err);
	if (r == 0)
		r = container_devices_create(c, root, err);
out:
	for (size_t i = 0; i < oci->n_mounts; i++)
		if (trees[i] >= 0)
			close(trees[i]);
	return r;
}
