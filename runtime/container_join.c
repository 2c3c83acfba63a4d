/* SPDX-License-Identifier: Apache-2.0 */
#include "container_join.h"

#include <errno.h>
#include <linux/mount.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "oci_config.h"

/* The CLONE_NEW* flag of a namespace type moat joins by path, else 0. */
static int join_flag(enum oci_namespace_type type)
{
	if (type == OCI_NS_NETWORK || type == OCI_NS_IPC || type == OCI_NS_UTS)
		return oci_namespace_clone_flag(type);
	return 0;
}

/* "network" for CLONE_NEWNET: config.json's name of a joined type. */
static const char *join_name(int flag)
{
	for (int t = 0; t < OCI_NS_COUNT; t++)
		if (oci_namespace_clone_flag(t) == flag)
			return oci_namespace_name(t);
	return "";
}

int container_join_open(const struct oci_config *oci, const char *file,
			struct container_setup *setup, struct moat_error *err)
{
	setup->n_joins = 0;
	for (size_t i = 0; i < oci->linux_config.n_namespaces; i++) {
		const struct oci_namespace *ns = &oci->linux_config.namespaces[i];
		const char *name = oci_namespace_name(ns->type);
		int flag = join_flag(ns->type), fd, got;

		if (!ns->path)
			continue;
		if (!flag) {
			container_join_close(setup);
			return moat_error_setx(
			    err, ENOTSUP,
			    "%s: linux.namespaces[%zu]: joining a %s namespace "
			    "by path is not supported (network, ipc and uts are)",
			    file, i, name);
		}
		fd = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			int e = errno;

			container_join_close(setup);
			return moat_error_set(err, e, "%s: linux.namespaces[%zu].path: %s", file, i,
					      ns->path);
		}
		got = ioctl(fd, NS_GET_NSTYPE);
		if (got != flag) {
			close(fd);
			container_join_close(setup);
			return moat_error_setx(err, EINVAL,
					       "%s: linux.namespaces[%zu].path: %s is not a %s "
					       "namespace",
					       file, i, ns->path, name);
		}
		setup->join_fd[setup->n_joins] = fd;
		setup->join_type[setup->n_joins++] = flag;
	}
	return 0;
}

void container_join_close(struct container_setup *setup)
{
	for (int i = 0; i < setup->n_joins; i++)
		close(setup->join_fd[i]);
	setup->n_joins = 0;
}

int container_join_enter(const struct container_setup *setup, struct moat_error *err)
{
	int joined = 0;

	for (int i = 0; i < setup->n_joins; i++) {
		if (setns(setup->join_fd[i], setup->join_type[i]) < 0)
			return moat_error_set(err, errno, "join the container's %s namespace",
					      join_name(setup->join_type[i]));
		joined |= setup->join_type[i];
	}
	return joined;
}

int container_joins(const struct container_setup *setup, int type)
{
	for (int i = 0; i < setup->n_joins; i++)
		if (setup->join_type[i] == type)
			return 1;
	return 0;
}

int container_join_mqueue(struct moat_error *err)
{
	_cleanup_close_ int fs = (int)syscall(SYS_fsopen, "mqueue", FSOPEN_CLOEXEC);
	int mnt;

	if (fs < 0)
		return moat_error_set(err, errno, "fsopen mqueue");
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return moat_error_set(err, errno, "create an mqueue file system");
	mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
			   MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (mnt < 0)
		return moat_error_set(err, errno, "mount an mqueue file system");
	return mnt;
}
