/* SPDX-License-Identifier: Apache-2.0 */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/cleanup.h"

int mnt_mount(const char *src, const char *target, const char *type, unsigned long flags,
	      const char *data, struct moat_error *err)
{
	if (mount(src, target, type, flags, data) < 0)
		return moat_error_set(err, errno, "mount %s on %s%s%s",
				      type  ? type
				      : src ? src
					    : "",
				      target, data ? " with " : "", data ? data : "");
	return 0;
}

int mnt_clone_tree(const char *path, int readonly, int userns_fd, struct moat_error *err)
{
	struct mount_attr attr = {0};
	_cleanup_close_ int fd = -1;

	fd = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (fd < 0)
		return moat_error_set(err, errno, "clone mount tree of %s", path);
	if (readonly)
		attr.attr_set |= MOUNT_ATTR_RDONLY;
	if (userns_fd >= 0) {
		attr.attr_set |= MOUNT_ATTR_IDMAP;
		attr.userns_fd = userns_fd;
	}
	if (attr.attr_set &&
	    mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return moat_error_set(err, errno, "%s%s%s mount of %s", readonly ? "read-only" : "",
				      readonly && userns_fd >= 0 ? ", " : "",
				      userns_fd >= 0 ? "idmapped" : "", path);
	return steal_fd(&fd);
}

int mnt_clone_lone(const char *path, struct moat_error *err)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
	_cleanup_close_ int fd = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (fd < 0)
		return moat_error_set(err, errno, "clone the mount of %s", path);
	if (mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return moat_error_set(err, errno, "read-only mount of %s", path);
	return steal_fd(&fd);
}

int mnt_attach(int tree_fd, const char *target, struct moat_error *err)
{
	if (move_mount(tree_fd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return moat_error_set(err, errno, "attach mount at %s", target);
	return 0;
}

int mnt_make_readonly(const char *target, struct moat_error *err)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};

	if (mount_setattr(AT_FDCWD, target, AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return moat_error_set(err, errno, "make %s read-only", target);
	return 0;
}

int mnt_make_point(const char *path, int as_file, struct moat_error *err)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return moat_error_setx(err, ENAMETOOLONG, "%s: path too long", path);
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return moat_error_set(err, errno, "create directory %s", buf);
		*p = '/';
	}
	if (as_file) {
		int fd = open(buf, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);

		if (fd < 0 && errno != EEXIST && errno != EISDIR)
			return moat_error_set(err, errno, "create mount point %s", buf);
		if (fd >= 0)
			close(fd);
	} else if (mkdir(buf, 0755) < 0 && errno != EEXIST) {
		return moat_error_set(err, errno, "create directory %s", buf);
	}
	return 0;
}

void mnt_unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] && s[3]) {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

int mnt_points_below(char *const *points, size_t count, const char *dir)
{
	size_t dl = strlen(dir);

	for (size_t i = 0; i < count; i++)
		if (!strncmp(points[i], dir, dl) && points[i][dl] == '/' && points[i][dl + 1])
			return 1;
	return 0;
}

int mnt_list_submounts(const char *dir, char ***out, size_t *count)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0, dl = strlen(dir), n = 0;
	char **list = NULL;

	*out = NULL;
	*count = 0;
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		char point[4096], **grown;
		int seen = 0;

		if (sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1)
			continue;
		mnt_unescape(point);
		if (strncmp(point, dir, dl) || point[dl] != '/' || !point[dl + 1])
			continue;
		for (size_t i = 0; i < n && !seen; i++)
			seen = !strcmp(list[i], point);
		if (seen)
			continue;
		grown = realloc(list, (n + 1) * sizeof(*list));
		if (!grown) {
			mnt_list_free(list, n);
			return -ENOMEM;
		}
		list = grown;
		list[n] = strdup(point);
		if (!list[n]) {
			mnt_list_free(list, n);
			return -ENOMEM;
		}
		n++;
	}
	*out = list;
	*count = n;
	return 0;
}

int mnt_find(const char *point, char *fstype, size_t fstype_len, char **super_options)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	int found = 0;

	*super_options = NULL;
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		char *sep = strstr(line, " - "), *fields[3], *save = NULL, *mp;
		int n = 0;

		if (!sep)
			continue;
		*sep = '\0';
		/* "id parent dev root point ...": the fifth field */
		mp = strtok_r(line, " ", &save);
		for (int i = 0; mp && i < 4; i++)
			mp = strtok_r(NULL, " ", &save);
		if (!mp)
			continue;
		mnt_unescape(mp);
		if (strcmp(mp, point))
			continue;
		save = NULL;
		for (char *t = strtok_r(sep + 3, " \n", &save); t && n < 3;
		     t = strtok_r(NULL, " \n", &save))
			fields[n++] = t;
		if (n < 3)
			continue;
		/* the last line for a point is the mount on top */
		free(*super_options);
		*super_options = strdup(fields[2]);
		if (!*super_options)
			return -ENOMEM;
		snprintf(fstype, fstype_len, "%s", fields[0]);
		found = 1;
	}
	return found ? 0 : -ENOENT;
}

void mnt_list_free(char **list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(list[i]);
	free(list);
}
