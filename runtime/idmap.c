/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Idmapped mounts for containers. A mount idmapped through a user namespace
 * U shows a file whose on-disk owner is k as U's host id for k, and stores a
 * write by host id h as the k that U maps to h. Through the container's own
 * namespace (0 -> B, 65536 ids) on-disk 0 shows as container 0 and a write
 * by container uid N lands as N: runc's ownership, while the container's
 * ids on the host are B + N.
 */
#include "idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/log.h"
#include "container.h"
#include "container_join.h"
#include "mounts.h"
#include "oci_config.h"
#include "sync.h"
#include "userns.h"

int idmap_userns_fd(const char *uid_map, const char *gid_map, struct moat_error *err)
{
	char path[64];
	int fd = -1, r;
	pid_t pid;

	/* A child that only holds the namespace until we have its fd. */
	pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0)
		return moat_error_set(err, errno, "create a user namespace for an idmapped mount");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	r = userns_write_proc(pid, "uid_map", uid_map, err);
	if (r == 0)
		r = userns_write_proc(pid, "gid_map", gid_map, err);
	if (r == 0) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			r = moat_error_set(err, errno, "open %s", path);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return r < 0 ? r : fd;
}

int idmap_map_text(const struct oci_id_mapping *maps, size_t n, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		used += snprintf(out + used, used < len ? len - used : 0, "%u %u %u\n",
				 maps[i].container_id, maps[i].host_id, maps[i].size);
	return used < len ? 0 : -E2BIG;
}

int idmap_tree(int tree, int userns_fd, bool recursive, struct moat_error *err)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (__u64)userns_fd};

	if (mount_setattr(tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr,
			  sizeof(attr)) < 0)
		return moat_error_set(err, errno, "idmapped mount");
	return 0;
}

/* A user namespace of a mount's own mappings (uidMappings/gidMappings). */
static int mount_userns(const struct oci_mount *m, struct moat_error *err)
{
	char uid_map[1024], gid_map[1024];

	if (idmap_map_text(m->uid_mappings, m->n_uid_mappings, uid_map, sizeof(uid_map)) < 0 ||
	    idmap_map_text(m->gid_mappings, m->n_gid_mappings, gid_map, sizeof(gid_map)) < 0)
		return moat_error_setx(err, E2BIG, "too many mappings");
	return idmap_userns_fd(uid_map, gid_map, err);
}

/*
 * A bind mount's source, idmapped: through its own mappings, else through
 * the container's namespace (bare idmap/ridmap, or moat's default).
 */
static int open_bind(const struct container_setup *c, const struct oci_mount *m, int container_ns,
		     struct moat_error *err)
{
	bool explicit = m->parsed.idmap != OCI_MOUNT_IDMAP_NONE;
	bool recursive = explicit ? m->parsed.idmap == OCI_MOUNT_IDMAP_RECURSIVE
				  : container_mount_is_recursive(m);
	_cleanup_close_ int tree = container_bind_source_open(c->bundle, m, err);
	_cleanup_close_ int own_ns = -1;

	if (tree < 0)
		return tree;
	if (m->n_uid_mappings) {
		own_ns = mount_userns(m, err);
		if (own_ns < 0)
			return moat_error_prefix(err, "mount %s", m->destination);
	}
	if (idmap_tree(tree, own_ns >= 0 ? own_ns : container_ns, recursive, err) < 0) {
		if (explicit)
			return moat_error_prefix(err, "mount %s (%s)", m->destination, m->source);
		/* moat's own idmapping: without it the volume's owners would not
		 * show as themselves and writes would land with other ids */
		return moat_error_prefix(err,
					 "mount %s: %s cannot be idmapped, so its owners would "
					 "not show as themselves (give config.json a user "
					 "namespace with uidMappings/gidMappings, or set %s=true)",
					 m->destination, m->source, "dev.moat.host-ids");
	}
	return steal_fd(&tree);
}

/* The host id that container id 0 maps to in a uid_map text. */
static int host_of_root(const char *map, unsigned *out)
{
	struct id_map_line l[USERNS_MAX_MAP_LINES];
	size_t n = userns_map_lines(map, l, USERNS_MAX_MAP_LINES);

	for (size_t i = 0; i < n; i++)
		if (l[i].inside == 0 && l[i].count) {
			*out = (unsigned)l[i].host;
			return 0;
		}
	return -ENOENT;
}

/*
 * The rootfs, idmapped: a clone of its tree, or, for an overlay (which
 * cannot be idmapped itself), an overlay of idmapped clones of its layers.
 * -EINVAL (err says why) when neither can be made.
 */
static int open_rootfs(const struct container_setup *c, int userns_fd, struct moat_error *err)
{
	struct moat_error tree_err = {0};
	unsigned uid, gid;
	int fd = mnt_clone_tree(c->rootfs, 0, userns_fd, &tree_err);

	if (fd >= 0 || tree_err.code != EINVAL) {
		*err = tree_err;
		return fd;
	}
	if (host_of_root(c->uid_map, &uid) < 0 || host_of_root(c->gid_map, &gid) < 0)
		return moat_error_setx(err, EINVAL, "%s; the container maps no root",
				       strerror(tree_err.code));
	fd = idmap_overlay_rootfs(c->rootfs, userns_fd, uid, gid, err);
	if (fd < 0) { /* the overlay's reason is the one that tells */
		char why[sizeof(err->msg)];

		snprintf(why, sizeof(why), "%s", err->msg);
		return moat_error_setx(err, EINVAL, "%s", why);
	}
	log_debug("rootfs %s: an overlay of its idmapped layers", c->rootfs);
	return fd;
}

int idmap_send_container_trees(struct sandbox_config *cfg, int userns_fd, int sock,
			       struct moat_error *err)
{
	struct container_setup *c = cfg->container;
	const struct oci_config *oci = c->oci;
	_cleanup_free_ int *fds = calloc(oci->n_mounts + 1, sizeof(int));
	_cleanup_close_ int rootfs = -1;
	int n = 0, r = 0;

	if (!fds)
		return moat_error_set(err, ENOMEM, "mounts");
	for (size_t i = 0; i < oci->n_mounts; i++)
		fds[i] = -1;
	if (c->idmap_default) {
		rootfs = open_rootfs(c, userns_fd, err);
		if (rootfs < 0 && err->code != EINVAL) {
			r = moat_error_prefix(err, "rootfs");
			goto out;
		}
		/*
		 * Neither the file system nor its layers can be idmapped. Unlike
		 * a volume's, the rootfs is the container's own layer, and an
		 * unidmapped one gives it fewer rights, not more: go on, but say
		 * what changes.
		 */
		if (rootfs < 0)
			fprintf(stderr,
				"moat: warning: rootfs %s: cannot be idmapped (%s): files of ids "
				"the container does not map show as nobody (65534), and files it "
				"writes there land with its host ids; for the image's ownership, "
				"give config.json a user namespace with uidMappings/gidMappings "
				"and a rootfs owned by those ids\n",
				c->rootfs, err->msg);
		else
			n++;
	}
	for (size_t i = 0; i < oci->n_mounts && r == 0; i++) {
		const struct oci_mount *m = &oci->mounts[i];

		if (m->type && !strcmp(m->type, "mqueue") && container_joins(c, CLONE_NEWIPC)) {
			/* Only a process privileged over the joined ipc namespace
			 * (moat, not the sandbox) can mount its mqueue. */
			fds[i] = container_join_mqueue(err);
			if (fds[i] < 0)
				r = moat_error_prefix(err, "mount %s", m->destination);
			else
				n++;
			continue;
		}
		if (!container_mount_is_captured_bind(m) ||
		    (m->parsed.idmap == OCI_MOUNT_IDMAP_NONE && !c->idmap_default))
			continue;
		fds[i] = open_bind(c, m, userns_fd, err);
		if (fds[i] < 0)
			r = fds[i];
		else
			n++;
	}
	if (r < 0)
		goto out;
	r = sync_send(sock, SYNC_GO, n, -1);
	if (r == 0 && rootfs >= 0)
		r = sync_send(sock, SYNC_MOUNT, -1, rootfs);
	for (size_t i = 0; i < oci->n_mounts && r == 0; i++)
		if (fds[i] >= 0)
			r = sync_send(sock, SYNC_MOUNT, -2 - (int)i, fds[i]);
	if (r < 0)
		r = moat_error_set(err, -r, "hand the container's mounts over");
out:
	for (size_t i = 0; i < oci->n_mounts; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return r;
}
