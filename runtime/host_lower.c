/* SPDX-License-Identifier: Apache-2.0 */
#include "host_lower.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/log.h"
#include "mounts.h"
#include "rootfs.h"

int host_lowers_add(struct host_lower **list, int *n, const char *path, int fd)
{
	struct host_lower *grown = realloc(*list, (size_t)(*n + 1) * sizeof(**list));

	if (!grown)
		return -ENOMEM;
	*list = grown;
	grown[*n].path = strdup(path);
	if (!grown[*n].path)
		return -ENOMEM;
	grown[*n].fd = fd;
	(*n)++;
	return 0;
}

/* The top-level directory dir and the mounts below it (from all points). */
static int capture_dir(const char *dir, char *const *points, size_t np, struct host_lower **list,
		       int *n)
{
	size_t dl = strlen(dir);
	struct moat_error why;
	int fd, r;

	fd = mnt_clone_lone(dir, &why);
	if (fd < 0) {
		log_debug("%s", why.msg);
		return 0;
	}
	r = host_lowers_add(list, n, dir, fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	for (size_t i = 0; i < np && r == 0; i++) {
		struct stat st;

		if (strncmp(points[i], dir, dl) || points[i][dl] != '/')
			continue;
		if (lstat(points[i], &st) < 0 || !(S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)))
			continue;
		fd = mnt_clone_lone(points[i], &why);
		if (fd < 0) {
			log_debug("%s: not shown in the sandbox", why.msg);
			continue;
		}
		r = host_lowers_add(list, n, points[i], fd);
		if (r < 0)
			close(fd);
	}
	return r;
}

int host_lowers_capture(struct host_lower **out, int *count, struct moat_error *err)
{
	_cleanup_closedir_ DIR *d = opendir("/");
	struct host_lower *list = NULL;
	struct dirent *e;
	char **points = NULL;
	size_t np = 0;
	int n = 0, r;

	*out = NULL;
	*count = 0;
	if (!d)
		return moat_error_set(err, errno, "open host /");
	r = mnt_list_submounts("", &points, &np);
	while (r == 0 && (e = readdir(d))) {
		char dir[PATH_MAX];

		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    rootfs_fresh_toplevel(e->d_name))
			continue;
		snprintf(dir, sizeof(dir), "/%s", e->d_name);
		if (mnt_points_below(points, np, dir))
			r = capture_dir(dir, points, np, &list, &n);
	}
	mnt_list_free(points, np);
	if (r < 0) {
		host_lowers_free(list, n);
		return moat_error_set(err, -r, "capture the host's mounts");
	}
	*out = list;
	*count = n;
	return 0;
}

void host_lowers_free(struct host_lower *lowers, int count)
{
	for (int i = 0; i < count; i++) {
		free(lowers[i].path);
		if (lowers[i].fd >= 0)
			close(lowers[i].fd);
	}
	free(lowers);
}

const struct host_lower *host_lower_find(const struct host_lower *lowers, int count,
					 const char *path)
{
	for (int i = 0; i < count; i++)
		if (!strcmp(lowers[i].path, path))
			return &lowers[i];
	return NULL;
}
