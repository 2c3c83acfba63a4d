/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.devices. A user namespace cannot mknod a device, so, as runc does
 * for rootless containers, each device is the host's node at the same path
 * bind-mounted onto a file created in the rootfs, after checking that the
 * host's node is what config.json describes (type, major, minor). The
 * node's mode and owner stay the host's (fileMode, uid and gid cannot be
 * applied to a node the container does not own; runc's rootless mode
 * ignores them too). moat's minimal /dev is there already.
 */
#include "container_process.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "container.h"
#include "oci_config.h"

static bool type_matches(char type, mode_t mode)
{
	switch (type) {
	case 'c':
	case 'u':
		return S_ISCHR(mode);
	case 'b':
		return S_ISBLK(mode);
	case 'p':
		return S_ISFIFO(mode);
	default:
		return false;
	}
}

static int create_device(int root, const struct oci_device *d, size_t i, struct moat_error *err)
{
	_cleanup_close_ int point = -1;
	char target[64];
	struct stat st;

	if (stat(d->path, &st) < 0)
		return moat_error_set(err, errno,
				      "linux.devices[%zu] %s: the host's node (a user namespace "
				      "cannot create devices; moat binds the host's)",
				      i, d->path);
	if (!type_matches(d->type, st.st_mode))
		return moat_error_setx(err, EINVAL,
				       "linux.devices[%zu] %s: type '%c' does not match the host's "
				       "node",
				       i, d->path, d->type);
	if (d->type != 'p' &&
	    ((int64_t)major(st.st_rdev) != d->major || (int64_t)minor(st.st_rdev) != d->minor))
		return moat_error_setx(err, EINVAL,
				       "linux.devices[%zu] %s: %lld:%lld does not match the host's "
				       "node (%u:%u)",
				       i, d->path, (long long)d->major, (long long)d->minor,
				       major(st.st_rdev), minor(st.st_rdev));
	point = container_rootfs_make_point(root, d->path, 1, err);
	if (point < 0)
		return moat_error_prefix(err, "linux.devices[%zu]", i);
	snprintf(target, sizeof(target), "/proc/self/fd/%d", point);
	if (mount(d->path, target, NULL, MS_BIND, NULL) < 0)
		return moat_error_set(err, errno, "linux.devices[%zu] %s: bind the host's node", i,
				      d->path);
	return 0;
}

int container_devices_create(const struct container_setup *c, int root, struct moat_error *err)
{
	const struct oci_linux *lx = &c->oci->linux_config;

	for (size_t i = 0; i < lx->n_devices; i++) {
		int r;

		/* moat's /dev/ptmx is pts/ptmx, the container's own devpts (as
		 * runc's): the host's node would allocate ptys on the host's. */
		if (!strcmp(lx->devices[i].path, "/dev/ptmx"))
			continue;
		r = create_device(root, &lx->devices[i], i, err);
		if (r < 0)
			return r;
	}
	return 0;
}
