/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Identity. The workload never holds host root: an unprivileged caller is
 * mapped to itself (or to 0 inside with --root, like `unshare -r`); host root
 * is mapped to root's /etc/subuid and /etc/subgid ranges, so uid 0 inside is
 * an unprivileged uid outside and host files keep host permissions.
 */
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/cleanup.h"

size_t userns_subid_ranges(const char *file, const char *user, uid_t uid, struct id_range *out,
			   size_t max)
{
	_cleanup_fclose_ FILE *f = fopen(file, "re");
	char line[256], uidstr[32];
	size_t n = 0;

	if (!f)
		return 0;
	snprintf(uidstr, sizeof(uidstr), "%u", (unsigned)uid);
	while (n < max && fgets(line, sizeof(line), f)) {
		char *name = strtok(line, ":"), *start = strtok(NULL, ":"),
		     *count = strtok(NULL, ":\n"), *end1, *end2;

		if (!name || !start || !count)
			continue;
		if (strcmp(name, user) && strcmp(name, uidstr))
			continue;
		out[n].start = strtoul(start, &end1, 10);
		out[n].count = strtoul(count, &end2, 10);
		/* a malformed line, or one past the last valid id, maps nothing */
		if (*end1 || *end2 || out[n].count == 0 ||
		    out[n].start + out[n].count > USERNS_ID_LIMIT)
			continue;
		n++;
	}
	return n;
}

int userns_subid_range(const char *file, const char *user, uid_t uid, struct id_range *out)
{
	if (userns_subid_ranges(file, user, uid, out, 1) == 0) {
		out->start = USERNS_DEFAULT_BASE;
		out->count = USERNS_DEFAULT_COUNT;
		return 0;
	}
	if (out->count > USERNS_DEFAULT_COUNT)
		out->count = USERNS_DEFAULT_COUNT;
	return 1;
}

size_t userns_root_ranges(bool gids, struct id_range *out, size_t max)
{
	struct passwd *pw = getpwuid(0);
	size_t n = userns_subid_ranges(gids ? "/etc/subgid" : "/etc/subuid",
				       pw ? pw->pw_name : "root", 0, out, max);

	if (n == 0 && max > 0) {
		out[0].start = USERNS_DEFAULT_BASE;
		out[0].count = USERNS_DEFAULT_COUNT;
		n = 1;
	}
	return n;
}

int userns_available(struct moat_error *err)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/sys/user/max_user_namespaces", "re");
	long max = -1;

	if (f && fscanf(f, "%ld", &max) == 1 && max == 0)
		return moat_error_setx(err, EPERM,
				       "user namespaces are unavailable "
				       "(/proc/sys/user/max_user_namespaces is 0)");
	return 0;
}

bool userns_host_root(void)
{
	static int cached = -1;

	if (cached < 0) {
		_cleanup_fclose_ FILE *f = fopen("/proc/self/uid_map", "re");
		unsigned long inside, outside, count;

		/* The initial namespace maps every id onto itself. */
		cached = geteuid() == 0 && f &&
			 fscanf(f, "%lu %lu %lu", &inside, &outside, &count) == 3 && inside == 0 &&
			 outside == 0 && count == 4294967295UL;
	}
	return cached;
}

int userns_plan(struct sandbox_config *cfg, struct moat_error *err)
{
	int r = userns_available(err);

	if (r < 0)
		return r;
	cfg->caller_uid = getuid();
	cfg->caller_gid = getgid();
	cfg->host_root = userns_host_root();
	if (cfg->caller_uid == 0 || cfg->as_root) {
		cfg->inside_uid = 0;
		cfg->inside_gid = 0;
	} else {
		cfg->inside_uid = cfg->caller_uid;
		cfg->inside_gid = cfg->caller_gid;
	}
	return 0;
}

int userns_write_proc(pid_t pid, const char *name, const char *text, struct moat_error *err)
{
	char path[64];
	_cleanup_close_ int fd = -1;
	size_t len = strlen(text);

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return moat_error_set(err, errno, "open %s", path);
	if (write(fd, text, len) != (ssize_t)len)
		return moat_error_set(err, errno, "write %s ('%.*s')", path,
				      (int)strcspn(text, "\n"), text);
	return 0;
}

int userns_write_maps(pid_t pid, const struct sandbox_config *cfg, struct moat_error *err)
{
	char uid_map[512], gid_map[512];
	int r;

	if (cfg->container && cfg->container->uid_map) {
		/* config.json's mappings, checked by the container code */
		snprintf(uid_map, sizeof(uid_map), "%s", cfg->container->uid_map);
		snprintf(gid_map, sizeof(gid_map), "%s", cfg->container->gid_map);
		if (!cfg->host_root) {
			r = userns_write_proc(pid, "setgroups", "deny", err);
			if (r < 0)
				return r;
		}
	} else if (cfg->host_root) {
		struct passwd *pw = getpwuid(0);
		const char *name = pw ? pw->pw_name : "root";
		struct id_range u, g;

		userns_subid_range("/etc/subuid", name, 0, &u);
		userns_subid_range("/etc/subgid", name, 0, &g);
		snprintf(uid_map, sizeof(uid_map), "0 %lu %lu\n", u.start, u.count);
		snprintf(gid_map, sizeof(gid_map), "0 %lu %lu\n", g.start, g.count);
	} else {
		/* Without privilege a process may map only itself. */
		snprintf(uid_map, sizeof(uid_map), "%u %u 1\n", (unsigned)cfg->inside_uid,
			 (unsigned)cfg->caller_uid);
		snprintf(gid_map, sizeof(gid_map), "%u %u 1\n", (unsigned)cfg->inside_gid,
			 (unsigned)cfg->caller_gid);
		r = userns_write_proc(pid, "setgroups", "deny", err);
		if (r < 0)
			return r;
	}
	r = userns_write_proc(pid, "uid_map", uid_map, err);
	if (r < 0)
		return r;
	return userns_write_proc(pid, "gid_map", gid_map, err);
}

int userns_read_maps(int ns, const char *path, char *uid_map, size_t uid_len, char *gid_map,
		     size_t gid_len, struct moat_error *err)
{
	char buf[2048] = "", *sep;
	int fds[2], status;
	struct stat a, b;
	ssize_t n = 0;
	pid_t pid;
	bool own;

	/* setns() refuses the caller's own namespace: read that one in place */
	own = fstat(ns, &a) == 0 && stat("/proc/self/ns/user", &b) == 0 && a.st_ino == b.st_ino &&
	      a.st_dev == b.st_dev;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return moat_error_set(err, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return moat_error_set(err, errno, "fork");
	}
	if (pid == 0) {
		/* From inside, /proc/self/uid_map and gid_map show the namespace's
		 * own maps against its parent's ids. */
		char text[1024];
		int f, k;

		close(fds[0]);
		if (!own && setns(ns, CLONE_NEWUSER) < 0)
			_exit(errno);
		for (int i = 0; i < 2; i++) {
			f = open(i ? "/proc/self/gid_map" : "/proc/self/uid_map", O_RDONLY);
			k = f < 0 ? -1 : (int)read(f, text, sizeof(text) - 1);
			if (k < 0)
				_exit(EIO);
			text[k] = '\0';
			dprintf(fds[1], "%s%s", text, i ? "" : "-\n");
		}
		_exit(0);
	}
	close(fds[1]);
	for (ssize_t k; n < (ssize_t)sizeof(buf) - 1 &&
			(k = read(fds[0], buf + n, sizeof(buf) - 1 - (size_t)n)) > 0;)
		n += k;
	close(fds[0]);
	waitpid(pid, &status, 0);
	buf[n] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return moat_error_set(err, WIFEXITED(status) ? WEXITSTATUS(status) : EIO,
				      "join the user namespace %s", path);
	sep = strstr(buf, "-\n");
	if (!sep)
		return moat_error_setx(err, EIO, "%s: its maps could not be read", path);
	*sep = '\0';
	snprintf(uid_map, uid_len, "%s", buf);
	snprintf(gid_map, gid_len, "%s", sep + 2);
	return 0;
}

size_t userns_map_lines(const char *text, struct id_map_line *out, size_t max)
{
	size_t n = 0;
	int used;

	while (n < max && sscanf(text, "%lu %lu %lu%n", &out[n].inside, &out[n].host, &out[n].count,
				 &used) == 3) {
		text += used;
		n++;
	}
	return n;
}
