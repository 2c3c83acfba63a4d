/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An idmapped overlayfs rootfs. podman, docker and containerd's overlay
 * snapshotter hand the runtime a rootfs that is an overlay mount, and an
 * overlay mount cannot be idmapped itself (mount_setattr: EINVAL). Its
 * layers can (Linux 5.19): moat mounts an overlay of its own from idmapped
 * clones of the engine's lower and upper layers, so image files show with
 * the image's owners and the container's writes land in the engine's upper
 * layer with the ids the engine expects (container root's as 0).
 *
 * The new overlay is created by a helper that is host root with its fsuid
 * and fsgid set to the container root's host ids: overlayfs does its work on
 * the upper layer (copy-up, the work directory) with its creator's
 * credentials, and through the idmapped upper only ids the container maps
 * can write. It keeps every capability (SECBIT_NO_SETUID_FIXUP), so
 * trusted.overlay.* xattrs (opaque directories, redirects) mean what they
 * mean in the engine's overlay.
 *
 * The engine's overlay stays mounted on the host. Ours takes its own work
 * directory, "moat" inside the engine's (a work directory holds temporary
 * files of one mount; the engine removes it with the layer); the upper
 * directory is shared, which overlayfs allows (it notes in the kernel log
 * that using both mounts at once is undefined; the engine's is idle while
 * the container runs, as with runc, where only the engine's exists).
 */
#include "idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sched.h>
#include <linux/securebits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "mounts.h"

#define OVERLAY_MAX_LAYERS  500 /* overlayfs's own limit */
#define OVERLAY_MAX_OPTIONS 32
#define OVERLAY_WORKDIR	    "moat"

struct overlay_plan {
	char *lower[OVERLAY_MAX_LAYERS]; /* absolute, top first */
	size_t n_lower;
	char *upper_parent; /* the directory holding upper and work */
	char *upper_name;
	char *work_name;
	char *option[OVERLAY_MAX_OPTIONS]; /* passed on: "key=value" or "flag" */
	size_t n_option;
};

static void plan_free(struct overlay_plan *p)
{
	for (size_t i = 0; i < p->n_lower; i++)
		free(p->lower[i]);
	for (size_t i = 0; i < p->n_option; i++)
		free(p->option[i]);
	free(p->upper_parent);
	free(p->upper_name);
	free(p->work_name);
}

/*
 * A layer path from the overlay's options, unescaped and absolute. Engines
 * that mount with relative paths (containers/storage's "l/<link>" when the
 * options would exceed a page) mount from their overlay home, the directory
 * that holds <id>/merged: relative paths are taken from there.
 */
static char *layer_path(const char *raw, const char *mountpoint)
{
	_cleanup_free_ char *copy = strdup(raw), *home = strdup(mountpoint);
	char *out = NULL;

	if (!copy || !home)
		return NULL;
	mnt_unescape(copy);
	if (copy[0] == '/')
		return steal_pointer(&copy);
	if (asprintf(&out, "%s/%s", dirname(dirname(home)), copy) < 0)
		return NULL;
	return out;
}

static int split_upper(struct overlay_plan *p, const char *upper, const char *work,
		       struct moat_error *err)
{
	_cleanup_free_ char *u1 = strdup(upper), *u2 = strdup(upper), *w1 = strdup(work),
			    *w2 = strdup(work);

	if (!u1 || !u2 || !w1 || !w2)
		return moat_error_set(err, ENOMEM, "overlay options");
	if (strcmp(dirname(u1), dirname(w1)))
		return moat_error_setx(err, EINVAL,
				       "upperdir %s and workdir %s are not in one directory", upper,
				       work);
	p->upper_parent = strdup(u1);
	p->upper_name = strdup(basename(u2));
	p->work_name = strdup(basename(w2));
	if (!p->upper_parent || !p->upper_name || !p->work_name)
		return moat_error_set(err, ENOMEM, "overlay options");
	return 0;
}

static int parse_lowers(struct overlay_plan *p, char *list, const char *mountpoint,
			struct moat_error *err)
{
	char *save = NULL;

	if (strstr(list, "::"))
		return moat_error_setx(err, EINVAL, "data-only lower layers (\"::\")");
	for (char *l = strtok_r(list, ":", &save); l; l = strtok_r(NULL, ":", &save)) {
		if (p->n_lower == OVERLAY_MAX_LAYERS)
			return moat_error_setx(err, E2BIG, "more than %d lower layers",
					       OVERLAY_MAX_LAYERS);
		p->lower[p->n_lower] = layer_path(l, mountpoint);
		if (!p->lower[p->n_lower])
			return moat_error_set(err, ENOMEM, "overlay options");
		p->n_lower++;
	}
	return p->n_lower ? 0 : moat_error_setx(err, EINVAL, "no lowerdir");
}

/* The engine's overlay at mountpoint, from its mountinfo super options. */
static int plan_overlay(struct overlay_plan *p, const char *mountpoint, struct moat_error *err)
{
	_cleanup_free_ char *opts = NULL, *upper = NULL, *work = NULL;
	char fstype[64], *save = NULL;
	int r = mnt_find(mountpoint, fstype, sizeof(fstype), &opts);

	if (r < 0 || strcmp(fstype, "overlay"))
		return moat_error_setx(err, EINVAL, "not an overlay mount");
	for (char *o = strtok_r(opts, ",", &save); o && r == 0; o = strtok_r(NULL, ",", &save)) {
		if (!strncmp(o, "lowerdir=", 9)) {
			r = parse_lowers(p, o + 9, mountpoint, err);
		} else if (!strncmp(o, "upperdir=", 9)) {
			free(upper);
			upper = layer_path(o + 9, mountpoint);
		} else if (!strncmp(o, "workdir=", 8)) {
			free(work);
			work = layer_path(o + 8, mountpoint);
		} else if (strcmp(o, "rw") && strcmp(o, "ro")) {
			if (p->n_option == OVERLAY_MAX_OPTIONS)
				return moat_error_setx(err, E2BIG, "too many overlay options");
			p->option[p->n_option] = strdup(o);
			if (!p->option[p->n_option++])
				return moat_error_set(err, ENOMEM, "overlay options");
		}
	}
	if (r < 0)
		return r;
	if (!upper || !work) /* a read-only overlay: no upper layer to share */
		return moat_error_setx(err, EINVAL, "no upperdir/workdir");
	return split_upper(p, upper, work, err);
}

/* Clone the directory at path alone, idmap it and attach it at name (in cwd). */
static int attach_idmapped(const char *path, int userns_fd, const char *name,
			   struct moat_error *err)
{
	_cleanup_close_ int tree = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (tree < 0)
		return moat_error_set(err, errno, "clone layer %s", path);
	if (idmap_tree(tree, userns_fd, false, err) < 0)
		return moat_error_prefix(err, "layer %s", path);
	if (mkdir(name, 0700) < 0)
		return moat_error_set(err, errno, "create %s", name);
	if (move_mount(tree, "", AT_FDCWD, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return moat_error_set(err, errno, "attach layer %s", path);
	return 0;
}

static int fs_set(int fs, const char *option, struct moat_error *err)
{
	_cleanup_free_ char *key = strdup(option);
	char *value;
	int r;

	if (!key)
		return moat_error_set(err, ENOMEM, "overlay options");
	value = strchr(key, '=');
	if (value) {
		*value++ = '\0';
		r = fsconfig(fs, FSCONFIG_SET_STRING, key, value, 0);
	} else {
		r = fsconfig(fs, FSCONFIG_SET_FLAG, key, NULL, 0);
	}
	return r < 0 ? moat_error_set(err, errno, "overlay option %s", option) : 0;
}

/* overlayfs explains a refusal in the fs context's log: the last line. */
static int fs_failed(int fs, const char *what, struct moat_error *err)
{
	int code = errno;
	char line[512], last[512] = "";
	ssize_t n;

	while ((n = read(fs, line, sizeof(line) - 1)) > 0) {
		line[n] = '\0';
		snprintf(last, sizeof(last), "%s", line[1] == ' ' ? line + 2 : line);
	}
	if (last[0])
		return moat_error_setx(err, code, "%s: %s (%s)", what, strerror(code), last);
	return moat_error_set(err, code, "%s", what);
}

/*
 * In the helper, in a mount namespace of its own with cwd a private tmpfs
 * (mounted on the engine's rootfs, which holds none of its own layers):
 * the layers attached as 0..n-1 and "u", then the overlay. Returns the
 * detached overlay's fd.
 */
static int make_overlay(const struct overlay_plan *p, int userns_fd, uid_t uid, gid_t gid,
			struct moat_error *err)
{
	_cleanup_free_ char *lowers = NULL, *upper = NULL, *work = NULL;
	_cleanup_close_ int fs = -1;
	size_t len = 0;
	char name[16];
	int mnt;

	lowers = calloc(p->n_lower, 5);
	if (!lowers || asprintf(&upper, "u/%s", p->upper_name) < 0 ||
	    asprintf(&work, "u/%s/" OVERLAY_WORKDIR, p->work_name) < 0)
		return moat_error_set(err, ENOMEM, "overlay");
	for (size_t i = 0; i < p->n_lower; i++) {
		snprintf(name, sizeof(name), "%zu", i);
		if (attach_idmapped(p->lower[i], userns_fd, name, err) < 0)
			return -err->code;
		len += sprintf(lowers + len, "%s%zu", i ? ":" : "", i);
	}
	if (attach_idmapped(p->upper_parent, userns_fd, "u", err) < 0)
		return -err->code;
	/* Creator credentials: the container's root, with every capability. */
	if (prctl(PR_SET_SECUREBITS, SECBIT_NO_SETUID_FIXUP) < 0)
		return moat_error_set(err, errno, "keep capabilities for the overlay's creator");
	setfsgid(gid);
	setfsuid(uid);
	if ((uid_t)setfsuid((uid_t)-1) != uid || (gid_t)setfsgid((gid_t)-1) != gid)
		return moat_error_setx(err, EPERM, "take the container root's ids %u:%u", uid, gid);
	fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return moat_error_set(err, errno, "fsopen overlay");
	if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", lowers, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "workdir", work, 0) < 0)
		return fs_failed(fs, "overlay layers", err);
	for (size_t i = 0; i < p->n_option; i++)
		if (fs_set(fs, p->option[i], err) < 0)
			return -err->code;
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fs_failed(fs, "overlay of idmapped layers", err);
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0)
		return moat_error_set(err, errno, "fsmount overlay");
	return mnt;
}

struct helper_result {
	int fd; /* in the fd table the helper shares with moat */
	struct moat_error err;
};

static void helper(const struct overlay_plan *p, int userns_fd, uid_t uid, gid_t gid,
		   const char *scratch, int report)
{
	struct helper_result res = {.fd = -1};
	int r = 0;

	if (unshare(CLONE_NEWNS) < 0)
		r = moat_error_set(&res.err, errno, "unshare the mount namespace");
	if (r == 0)
		r = mnt_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL, &res.err);
	if (r == 0)
		r = mnt_mount("tmpfs", scratch, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700",
			      &res.err);
	if (r == 0 && chdir(scratch) < 0)
		r = moat_error_set(&res.err, errno, "chdir %s", scratch);
	if (r == 0)
		res.fd = make_overlay(p, userns_fd, uid, gid, &res.err);
	(void)!write(report, &res, sizeof(res));
	_exit(0);
}

int idmap_overlay_rootfs(const char *rootfs, int userns_fd, uid_t uid, gid_t gid,
			 struct moat_error *err)
{
	struct overlay_plan plan = {0};
	struct helper_result res = {.fd = -1};
	_cleanup_free_ char *workdir = NULL;
	_cleanup_close_ int rd = -1, wr = -1;
	int fds[2], r, status;
	pid_t pid;

	r = plan_overlay(&plan, rootfs, err);
	if (r == 0 &&
	    asprintf(&workdir, "%s/%s/" OVERLAY_WORKDIR, plan.upper_parent, plan.work_name) < 0)
		r = moat_error_set(err, ENOMEM, "overlay");
	/* root-owned on disk: the container's root through the idmap */
	if (r == 0 && mkdir(workdir, 0700) < 0 && errno != EEXIST)
		r = moat_error_set(err, errno, "create %s", workdir);
	if (r == 0 && pipe2(fds, O_CLOEXEC) < 0)
		r = moat_error_set(err, errno, "pipe");
	if (r < 0)
		goto out;
	rd = fds[0];
	wr = fds[1];
	/* CLONE_FILES: the overlay's fd lands in moat's own table. */
	pid = (pid_t)syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0) {
		r = moat_error_set(err, errno, "fork the overlay helper");
		goto out;
	}
	if (pid == 0)
		helper(&plan, userns_fd, uid, gid, rootfs, wr);
	/* The table is shared: wr is ours to close only once the helper is gone
	 * (its report, far below a pipe's capacity, is in the pipe by then). */
	waitpid(pid, &status, 0);
	close(steal_fd(&wr));
	if (read(rd, &res, sizeof(res)) != (ssize_t)sizeof(res))
		r = moat_error_setx(err, EIO, "the overlay helper died (status %#x)", status);
	if (r == 0 && res.fd < 0) {
		*err = res.err;
		r = -err->code;
	}
	if (r == 0)
		r = res.fd;
out:
	plan_free(&plan);
	return r;
}
