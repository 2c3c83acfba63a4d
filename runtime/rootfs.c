/* SPDX-License-Identifier: Apache-2.0 */
#include "rootfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/log.h"
#include "container.h"
#include "container_process.h"
#include "host_lower.h"
#include "mounts.h"
#include "oci_config.h"
#include "userns.h"

#define NR(p) ROOTFS_NEWROOT p

/* Host top-level entries the sandbox gets fresh instead of from the host. */
int rootfs_fresh_toplevel(const char *name)
{
	static const char *const fresh[] = {"proc", "sys", "dev", "tmp", NULL};

	for (int i = 0; fresh[i]; i++)
		if (!strcmp(name, fresh[i]))
			return 1;
	return 0;
}

/*
 * The root directory of an overlay takes its owner and mode from the upper
 * layer, which we create. Make it look like the host's directory as far as
 * the user namespace allows: as root, owned by the overflow ids like every
 * other host-root file inside; unprivileged, without write permission unless
 * the caller owns the host directory.
 */
static int match_upper_to_lower(const struct sandbox_config *cfg, const char *lower,
				const char *upper, struct moat_error *err)
{
	struct stat st;
	mode_t mode;

	if (stat(lower, &st) < 0)
		return moat_error_set(err, errno, "stat %s", lower);
	mode = st.st_mode & 07777;
	if (cfg->host_root) {
		if (chown(upper, USERNS_OVERFLOW_ID, USERNS_OVERFLOW_ID) < 0)
			return moat_error_set(err, errno, "chown %s", upper);
	} else if (st.st_uid != cfg->inside_uid || st.st_uid == USERNS_OVERFLOW_ID) {
		/* Seen from here an unmapped owner is the overflow id. */
		mode &= ~0222;
	}
	if (chmod(upper, mode) < 0)
		return moat_error_set(err, errno, "chmod %s", upper);
	return 0;
}

/*
 * Copy-up of a directory whose owner is not mapped in the user namespace
 * fails (EOVERFLOW), so a world-writable host directory such as /var/tmp
 * could not be written even though every user may write it natively. Give
 * such directories, up to two levels below the top, an upper directory of
 * their own in advance (with their parents), so they are merged, not copied up.
 */
/* One directory of precreate_writable's walk, made in the upper layer on demand. */
struct upper_level {
	const char *lower, *upper;
	int made;
	struct upper_level *parent;
};

static int upper_level_make(const struct sandbox_config *cfg, struct upper_level *lv,
			    struct moat_error *err)
{
	if (lv->made)
		return 0;
	if (lv->parent && upper_level_make(cfg, lv->parent, err) < 0)
		return -err->code;
	if (mkdir(lv->upper, 0755) < 0 && errno != EEXIST)
		return moat_error_set(err, errno, "create %s", lv->upper);
	/* Kept (not empty): make it look like the host's directory. */
	if (match_upper_to_lower(cfg, lv->lower, lv->upper, err) < 0)
		return -err->code;
	lv->made = 1;
	return 0;
}

static int precreate_writable_in(const struct sandbox_config *cfg, struct upper_level *lv,
				 int depth, struct moat_error *err)
{
	_cleanup_closedir_ DIR *d = opendir(lv->lower);
	struct dirent *e;

	if (!d)
		return 0; /* not readable: nothing we could offer anyway */
	while ((e = readdir(d))) {
		char l[PATH_MAX], u[PATH_MAX];
		struct stat st;

		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		snprintf(l, sizeof(l), "%s/%s", lv->lower, e->d_name);
		snprintf(u, sizeof(u), "%s/%s", lv->upper, e->d_name);
		if (st.st_mode & S_IWOTH) {
			if (upper_level_make(cfg, lv, err) < 0)
				return -err->code;
			if (mkdir(u, 0755) < 0 && errno != EEXIST)
				return moat_error_set(err, errno, "create %s", u);
			if (match_upper_to_lower(cfg, l, u, err) < 0)
				return -err->code;
			if (chmod(u, st.st_mode & 07777) < 0)
				return moat_error_set(err, errno, "chmod %s", u);
		} else if (depth > 1) {
			/* Materialised only if something below needs it. */
			struct upper_level sub = {.lower = l, .upper = u, .parent = lv};
			int r = precreate_writable_in(cfg, &sub, depth - 1, err);

			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* upper exists already (the overlay's upper layer for lower). */
static int precreate_writable(const struct sandbox_config *cfg, const char *lower,
			      const char *upper, int depth, struct moat_error *err)
{
	struct upper_level top = {.lower = lower, .upper = upper, .made = 1};

	return precreate_writable_in(cfg, &top, depth, err);
}

/*
 * Overlay the host directory `host` at `target`: lowerdir is `lower` (host
 * itself, or where its mount taken alone is attached), the upper and work
 * directories are made in `layers`. -errno with err filled on failure.
 */
static int overlay_dir(const struct sandbox_config *cfg, const char *host, const char *lower,
		       const char *target, const char *layers, int precreate,
		       struct moat_error *err)
{
	char upper[PATH_MAX], work[PATH_MAX], opts[3 * PATH_MAX];

	snprintf(upper, sizeof(upper), "%s/upper", layers);
	snprintf(work, sizeof(work), "%s/work", layers);
	if ((mkdir(layers, 0755) < 0 && errno != EEXIST) || mkdir(upper, 0755) < 0 ||
	    mkdir(work, 0755) < 0)
		return moat_error_set(err, errno, "create overlay layers for %s", host);
	if (match_upper_to_lower(cfg, host, upper, err) < 0 ||
	    (precreate && precreate_writable(cfg, host, upper, 2, err) < 0))
		return -err->code;
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s,userxattr", lower, upper,
		 work);
	if (mount("overlay", target, "overlay", MS_NOSUID | MS_NODEV, opts) < 0)
		return moat_error_set(err, errno, "overlay of %s", host);
	return 0;
}

/* Attach a host mount taken alone at layers/lower; its path there. */
static int stage_lower(const struct host_lower *hl, const char *layers, char *out, size_t cap,
		       struct moat_error *err)
{
	if (mkdir(layers, 0755) < 0 && errno != EEXIST)
		return moat_error_set(err, errno, "create %s", layers);
	snprintf(out, cap, "%s/lower", layers);
	if (mkdir(out, 0755) < 0)
		return moat_error_set(err, errno, "create %s", out);
	return mnt_attach(hl->fd, out, err);
}

/*
 * The mounts below a top-level directory, which its overlay does not show
 * (overlayfs does not cross the lower layer's mount points): each directory
 * gets an overlay of its own, parents first, each file a read-only bind.
 * One that cannot be shown stays hidden behind its mount point.
 */
static void overlay_submounts(const struct sandbox_config *cfg, const char *top, unsigned *layer_id)
{
	size_t tl = strlen(top);

	for (int i = 0; i < cfg->nlowers; i++) {
		const struct host_lower *hl = &cfg->lowers[i];
		char target[PATH_MAX], layers[PATH_MAX], lower[PATH_MAX];
		struct moat_error why = {0};
		struct stat st;
		int r;

		if (strncmp(hl->path, top, tl) || hl->path[tl] != '/')
			continue;
		snprintf(target, sizeof(target), NR("%s"), hl->path);
		snprintf(layers, sizeof(layers), ROOTFS_STAGE "/sub/%u", (*layer_id)++);
		if (fstat(hl->fd, &st) < 0)
			r = moat_error_set(&why, errno, "fstat");
		else if (!S_ISDIR(st.st_mode))
			r = mnt_attach(hl->fd, target, &why);
		else if (strpbrk(hl->path, ",:\\"))
			r = moat_error_setx(&why, EINVAL, "overlayfs options cannot name it");
		else if ((r = stage_lower(hl, layers, lower, sizeof(lower), &why)) == 0)
			r = overlay_dir(cfg, hl->path, lower, target, layers, 0, &why);
		if (r < 0)
			log_debug("%s is not shown in the sandbox: %s", hl->path, why.msg);
	}
}

/*
 * Overlay /name (host lower, tmpfs upper). A directory with mounts below it
 * can be an overlay's lower only as its mount taken alone, which moat hands
 * over as root (runtime/host_lower.h); otherwise it becomes a recursive
 * read-only bind (docs/security.md: unix sockets under it can be reached).
 */
static int mount_toplevel_dir(const struct sandbox_config *cfg, const char *name, int has_submounts,
			      unsigned *layer_id, struct moat_error *err)
{
	char host[PATH_MAX], target[PATH_MAX], layers[PATH_MAX], lower[PATH_MAX];
	const struct host_lower *hl;
	int r;

	snprintf(host, sizeof(host), "/%s", name);
	snprintf(target, sizeof(target), NR("/%s"), name);
	snprintf(layers, sizeof(layers), ROOTFS_STAGE "/top/%s", name);
	if (mkdir(target, 0755) < 0 && errno != EEXIST)
		return moat_error_set(err, errno, "create %s", target);
	hl = host_lower_find(cfg->lowers, cfg->nlowers, host);
	if (!strpbrk(name, ",:\\") && (hl || !has_submounts)) {
		snprintf(lower, sizeof(lower), "%s", host);
		r = hl ? stage_lower(hl, layers, lower, sizeof(lower), err) : 0;
		if (r == 0)
			r = overlay_dir(cfg, host, lower, target, layers, 1, err);
		if (r == 0) {
			if (hl)
				overlay_submounts(cfg, host, layer_id);
			return 0;
		}
		log_debug("%s; using a read-only bind", err->msg);
	}
	_cleanup_close_ int tree = mnt_clone_tree(host, 1, -1, err);
	if (tree < 0)
		return moat_error_prefix(err, "top-level %s", host);
	r = mnt_attach(tree, target, err);
	return r < 0 ? moat_error_prefix(err, "top-level %s", host) : 0;
}

static int copy_toplevel_symlink(const char *name, struct moat_error *err)
{
	char host[PATH_MAX], target[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(host, sizeof(host), "/%s", name);
	snprintf(target, sizeof(target), NR("/%s"), name);
	n = readlink(host, link, sizeof(link) - 1);
	if (n < 0)
		return moat_error_set(err, errno, "readlink %s", host);
	link[n] = '\0';
	if (symlink(link, target) < 0 && errno != EEXIST)
		return moat_error_set(err, errno, "symlink %s", target);
	return 0;
}

static int build_toplevel(const struct sandbox_config *cfg, struct moat_error *err)
{
	_cleanup_closedir_ DIR *d = opendir("/");
	struct dirent *e;
	unsigned layer_id = 0;
	char **points = NULL;
	size_t np = 0;
	int r = 0, listed;

	if (!d)
		return moat_error_set(err, errno, "open host /");
	/* Read once: mountinfo grows with every overlay mounted below. */
	listed = mnt_list_submounts("", &points, &np) == 0;
	while (r == 0 && (e = readdir(d))) {
		struct stat st;
		char host[PATH_MAX];

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    rootfs_fresh_toplevel(e->d_name))
			continue;
		snprintf(host, sizeof(host), "/%s", e->d_name);
		if (lstat(host, &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode))
			r = copy_toplevel_symlink(e->d_name, err);
		else if (S_ISDIR(st.st_mode))
			r = mount_toplevel_dir(cfg, e->d_name,
					       !listed || mnt_points_below(points, np, host),
					       &layer_id, err);
	}
	mnt_list_free(points, np);
	return r;
}

int rootfs_build_dev(struct moat_error *err)
{
	static const char *const devices[] = {"null",	 "zero", "full", "random",
					      "urandom", "tty",	 NULL};
	static const char *const links[][2] = {
	    {"ptmx", "pts/ptmx"},	   {"fd", "/proc/self/fd"},
	    {"stdin", "/proc/self/fd/0"},  {"stdout", "/proc/self/fd/1"},
	    {"stderr", "/proc/self/fd/2"}, {"core", "/proc/kcore"},
	};
	char path[PATH_MAX];
	int r;

	r = mnt_mount("tmpfs", NR("/dev"), "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k",
		      err);
	if (r < 0)
		return r;
	for (int i = 0; devices[i]; i++) {
		char host[64];

		snprintf(host, sizeof(host), "/dev/%s", devices[i]);
		snprintf(path, sizeof(path), NR("/dev/%s"), devices[i]);
		r = mnt_make_point(path, 1, err);
		if (r < 0)
			return r;
		r = mnt_mount(host, path, NULL, MS_BIND, NULL, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		if (!strcmp(links[i][0], "core"))
			continue; /* /proc/kcore is masked: no link to it */
		snprintf(path, sizeof(path), NR("/dev/%s"), links[i][0]);
		if (symlink(links[i][1], path) < 0)
			return moat_error_set(err, errno, "symlink %s", path);
	}
	if (mkdir(NR("/dev/pts"), 0755) < 0 || mkdir(NR("/dev/shm"), 01777) < 0)
		return moat_error_set(err, errno, "create /dev/pts and /dev/shm");
	/* Ptys of group tty (5), as runc's spec gives, where the container maps
	 * gid 5 (not with a single-id map: devpts refuses an unmapped gid). */
	if (mount("devpts", NR("/dev/pts"), "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620,gid=5") < 0) {
		r = mnt_mount("devpts", NR("/dev/pts"), "devpts", MS_NOSUID | MS_NOEXEC,
			      "newinstance,ptmxmode=0666,mode=0620", err);
		if (r < 0)
			return r;
	}
	return mnt_mount("tmpfs", NR("/dev/shm"), "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", err);
}

/* Capture every bind source while the host tree is still in view. */
static int capture_binds(struct sandbox_config *cfg, struct moat_error *err)
{
	for (int i = 0; i < cfg->nmounts; i++) {
		struct mount_request *m = &cfg->mounts[i];

		if (m->kind == MOUNT_TMPFS || m->fd >= 0)
			continue;
		m->fd = mnt_clone_tree(m->path, m->kind == MOUNT_RO, -1, err);
		if (m->fd < 0)
			return moat_error_prefix(err, "%s %s",
						 m->kind == MOUNT_RW ? "--rw" : "--ro", m->path);
	}
	return 0;
}

static int apply_requests(struct sandbox_config *cfg, struct moat_error *err)
{
	for (int i = 0; i < cfg->nmounts; i++) {
		struct mount_request *m = &cfg->mounts[i];
		const char *opt = m->kind == MOUNT_RW	? "--rw"
				  : m->kind == MOUNT_RO ? "--ro"
							: "--tmpfs";
		char target[PATH_MAX + 16];
		struct stat st;
		int as_file = 0, r;

		snprintf(target, sizeof(target), NR("%s"), m->path);
		if (m->kind != MOUNT_TMPFS && fstat(m->fd, &st) == 0 && !S_ISDIR(st.st_mode))
			as_file = 1;
		r = mnt_make_point(target, as_file, err);
		if (r < 0)
			return moat_error_prefix(err, "%s %s", opt, m->path);
		if (m->kind == MOUNT_TMPFS)
			r = mnt_mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755",
				      err);
		else
			r = mnt_attach(m->fd, target, err);
		if (r < 0)
			return moat_error_prefix(err, "%s %s", opt, m->path);
		if (m->fd >= 0) {
			close(m->fd);
			m->fd = -1;
		}
	}
	return 0;
}

int rootfs_build(struct sandbox_config *cfg, struct moat_error *err)
{
	int r;

	r = mnt_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL, err);
	if (r < 0)
		return r;
	if (cfg->container)
		return container_rootfs_build(cfg, err);
	r = capture_binds(cfg, err);
	if (r < 0)
		return r;
	r = mnt_mount("tmpfs", ROOTFS_STAGE, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700", err);
	if (r < 0)
		return r;
	if (mkdir(ROOTFS_NEWROOT, 0755) < 0 || mkdir(ROOTFS_STAGE "/top", 0755) < 0 ||
	    mkdir(ROOTFS_STAGE "/sub", 0755) < 0)
		return moat_error_set(err, errno, "create staging directories");
	r = mnt_mount("tmpfs", ROOTFS_NEWROOT, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755", err);
	if (r < 0)
		return r;
	r = build_toplevel(cfg, err);
	if (r < 0)
		return r;
	if (mkdir(NR("/tmp"), 01777) < 0 || mkdir(NR("/dev"), 0755) < 0 ||
	    mkdir(NR("/proc"), 0555) < 0 || mkdir(NR("/sys"), 0555) < 0)
		return moat_error_set(err, errno, "create /tmp /dev /proc /sys");
	r = mnt_mount("tmpfs", NR("/tmp"), "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", err);
	if (r < 0)
		return r;
	r = rootfs_build_dev(err);
	if (r < 0)
		return moat_error_prefix(err, "/dev");
	{
		_cleanup_close_ int sys = mnt_clone_tree("/sys", 1, -1, err);

		if (sys < 0 || mnt_attach(sys, NR("/sys"), err) < 0)
			return moat_error_prefix(err, "/sys");
	}
	return apply_requests(cfg, err);
}

/*
 * Masked paths (a directory gets an empty read-only tmpfs, anything else
 * /dev/null bound over it) and read-only paths (a read-only recursive bind
 * onto themselves), as runc; a path that does not exist is skipped. prefix
 * is where the new root is: ROOTFS_NEWROOT before pivot_root (`moat do`,
 * runc's default lists), "" after it (a container's own lists: resolved by
 * the kernel inside the container's root, so an image's symlink stays in it).
 */
static int mask_paths(const char *prefix, const char *const *masked, const char *const *readonly,
		      struct moat_error *err)
{
	char path[PATH_MAX], null[PATH_MAX];
	struct stat st;

	snprintf(null, sizeof(null), "%s/dev/null", prefix);
	for (int i = 0; readonly && readonly[i]; i++) {
		snprintf(path, sizeof(path), "%s%s", prefix, readonly[i]);
		if (stat(path, &st) < 0)
			continue;
		if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0 ||
		    mnt_make_readonly(path, err) < 0)
			return moat_error_set(err, errno, "make %s read-only", readonly[i]);
	}
	for (int i = 0; masked && masked[i]; i++) {
		snprintf(path, sizeof(path), "%s%s", prefix, masked[i]);
		if (stat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0") < 0)
				return moat_error_set(err, errno, "mask %s", masked[i]);
		} else if (mount(null, path, NULL, MS_BIND, NULL) < 0) {
			return moat_error_set(err, errno, "mask %s", masked[i]);
		}
	}
	return 0;
}

int rootfs_enter(const struct sandbox_config *cfg, struct moat_error *err)
{
	const struct container_setup *c = cfg->container;
	int root_writable = c && !c->oci->root_readonly;
	int r;

	r = mnt_mount("proc", NR("/proc"), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err);
	if (r < 0)
		return r;
	if (!c)
		r = mask_paths(ROOTFS_NEWROOT, oci_default_masked_paths, oci_default_readonly_paths,
			       err);
	else
		r = container_process_create_hooks(c, err);
	if (r < 0)
		return r;
	if (chdir(ROOTFS_NEWROOT) < 0)
		return moat_error_set(err, errno, "chdir %s", ROOTFS_NEWROOT);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return moat_error_set(err, errno, "pivot_root");
	/* The old root is stacked under the new one: detach it. */
	if (umount2(".", MNT_DETACH) < 0)
		return moat_error_set(err, errno, "detach the old root");
	if (chdir("/") < 0)
		return moat_error_set(err, errno, "chdir /");
	if (!root_writable &&
	    mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) <
		0)
		return moat_error_set(err, errno, "make / read-only");
	if (mount(NULL, "/dev", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NOEXEC,
		  NULL) < 0)
		return moat_error_set(err, errno, "make /dev read-only");
	if (c) {
		/* As runc: sysctls, then config.json's read-only and masked paths
		 * (an empty or absent list means none). */
		const struct oci_linux *lx = &c->oci->linux_config;

		r = container_sysctl_apply(c->oci, err);
		if (r == 0)
			r = mask_paths("", (const char *const *)lx->masked_paths,
				       (const char *const *)lx->readonly_paths, err);
		/* Within the container's own mount namespace: it is made in moat's
		 * user namespace and is never a peer of the host's. */
		if (r == 0 && lx->rootfs_propagation &&
		    mount(NULL, "/", NULL, lx->rootfs_propagation, NULL) < 0)
			r = moat_error_set(err, errno, "linux.rootfsPropagation");
	}
	return r;
}
