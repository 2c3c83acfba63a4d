/* SPDX-License-Identifier: Apache-2.0 */
#include "container_join.h"

#include <errno.h>
#include <linux/mount.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "oci_config.h"

/*
 * Why a namespace type cannot be joined by path, or NULL when it can:
 * network, ipc, uts and time (moat joins them), user, cgroup and pid (the
 * sandbox's monitor and pid 1 do).
 */
static const char *join_refusal(enum oci_namespace_type type)
{
	if (type == OCI_NS_MOUNT)
		return "moat builds the container's root in a mount namespace of its own";
	return NULL;
}

static bool same_ns(int a, int b)
{
	struct stat x, y;

	return fstat(a, &x) == 0 && fstat(b, &y) == 0 && x.st_ino == y.st_ino &&
	       x.st_dev == y.st_dev;
}

int container_join_pid_owner(int pid_ns, struct moat_error *err)
{
	_cleanup_close_ int own = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	int owner = ioctl(pid_ns, NS_GET_USERNS);

	if (owner < 0)
		return moat_error_set(err, errno, "the user namespace owning the pid namespace");
	if (own >= 0 && same_ns(owner, own)) {
		close(owner);
		/* Its /proc could be mounted only by a process privileged there. */
		return moat_error_setx(err, EPERM,
				       "the pid namespace belongs to moat's own user namespace "
				       "(the host's, or another runtime's container): a container "
				       "shares a pid namespace only inside the user namespace "
				       "that owns it");
	}
	return owner;
}

/* Types moat itself joins, before it creates the sandbox. */
static bool joined_by_moat(int flag)
{
	return flag == CLONE_NEWNET || flag == CLONE_NEWIPC || flag == CLONE_NEWUTS ||
	       flag == CLONE_NEWTIME;
}

/* "network" for CLONE_NEWNET: config.json's name of a joined type. */
static const char *join_name(int flag)
{
	for (int t = 0; t < OCI_NS_COUNT; t++)
		if (oci_namespace_clone_flag(t) == flag)
			return oci_namespace_name(t);
	return "";
}

/*
 * A pid namespace is joined inside the user namespace that owns it (pid 1
 * mounts its /proc): that one, when config.json names no user namespace (a
 * pod's containers share the sandbox's ids), else it must be the one named.
 */
static int join_pid_owner(const char *file, struct container_setup *setup, struct moat_error *err)
{
	int pid = container_join_fd(setup, CLONE_NEWPID), user, owner;

	if (pid < 0)
		return 0;
	owner = container_join_pid_owner(pid, err);
	if (owner < 0) {
		container_join_close(setup);
		return moat_error_prefix(err, "%s: linux.namespaces: pid", file);
	}
	user = container_join_fd(setup, CLONE_NEWUSER);
	if (user >= 0) {
		bool same = same_ns(user, owner);

		close(owner);
		if (same)
			return 0;
		container_join_close(setup);
		return moat_error_setx(err, EINVAL,
				       "%s: linux.namespaces: the pid namespace given is not owned "
				       "by the user namespace given",
				       file);
	}
	setup->join_fd[setup->n_joins] = owner;
	setup->join_type[setup->n_joins++] = CLONE_NEWUSER;
	return 0;
}

int container_join_open(const struct oci_config *oci, const char *file,
			struct container_setup *setup, struct moat_error *err)
{
	setup->n_joins = 0;
	for (size_t i = 0; i < oci->linux_config.n_namespaces; i++) {
		const struct oci_namespace *ns = &oci->linux_config.namespaces[i];
		const char *name = oci_namespace_name(ns->type);
		int flag = oci_namespace_clone_flag(ns->type), fd, got;
		const char *why = join_refusal(ns->type);

		if (!ns->path)
			continue;
		if (why) {
			container_join_close(setup);
			return moat_error_setx(err, ENOTSUP,
					       "%s: linux.namespaces[%zu]: joining a %s namespace "
					       "by path is not supported: %s",
					       file, i, name, why);
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
	return join_pid_owner(file, setup, err);
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
		if (!joined_by_moat(setup->join_type[i]))
			continue;
		if (setns(setup->join_fd[i], setup->join_type[i]) < 0)
			return moat_error_set(err, errno, "join the container's %s namespace",
					      join_name(setup->join_type[i]));
		joined |= setup->join_type[i];
	}
	return joined;
}

int container_join_fd(const struct container_setup *setup, int type)
{
	for (int i = 0; i < setup->n_joins; i++)
		if (setup->join_type[i] == type)
			return setup->join_fd[i];
	return -1;
}

int container_joins(const struct container_setup *setup, int type)
{
	return container_join_fd(setup, type) >= 0;
}

void container_join_close_joined(struct container_setup *setup)
{
	int kept = 0;

	for (int i = 0; i < setup->n_joins; i++) {
		if (joined_by_moat(setup->join_type[i])) {
			close(setup->join_fd[i]);
			continue;
		}
		setup->join_fd[kept] = setup->join_fd[i];
		setup->join_type[kept++] = setup->join_type[i];
	}
	setup->n_joins = kept;
}

int container_join_sandbox(struct container_setup *setup, struct moat_error *err)
{
	int user = container_join_fd(setup, CLONE_NEWUSER);

	if (user < 0)
		return 0;
	if (setns(user, CLONE_NEWUSER) < 0)
		return moat_error_set(err, errno, "join the container's user namespace");
	if (unshare(setup->join_unshare) < 0)
		return moat_error_set(err, errno, "create the sandbox's namespaces");
	return 0;
}

int container_join_cgroup(const struct container_setup *setup, struct moat_error *err)
{
	int fd = container_join_fd(setup, CLONE_NEWCGROUP);

	if (fd < 0)
		return 0;
	if (setns(fd, CLONE_NEWCGROUP) < 0)
		return moat_error_set(err, errno, "join the container's cgroup namespace");
	return 1;
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
