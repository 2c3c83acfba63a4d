/* SPDX-License-Identifier: Apache-2.0 */
#include "path.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ssize_t path_join(char *out, size_t cap, const char *base, const char *rel)
{
	size_t bl = strlen(base), rl = strlen(rel);
	int slash = bl == 0 || base[bl - 1] != '/';

	if (bl + slash + rl + 1 > cap)
		return -ENAMETOOLONG;
	memmove(out, base, bl);
	if (slash)
		out[bl++] = '/';
	memcpy(out + bl, rel, rl + 1);
	return bl + rl;
}

/* Does path start with prefix as a whole component ("/proc/self" or "/proc/self/...")? */
static size_t component_prefix(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(path, prefix, n))
		return 0;
	return path[n] == '\0' || path[n] == '/' ? n : 0;
}

static ssize_t replace_prefix(char *path, size_t cap, size_t old_len, const char *new_prefix)
{
	size_t nl = strlen(new_prefix), rest = strlen(path + old_len);

	if (nl + rest + 1 > cap)
		return -ENAMETOOLONG;
	memmove(path + nl, path + old_len, rest + 1);
	memcpy(path, new_prefix, nl);
	return nl + rest;
}

ssize_t path_rewrite_self(char *path, size_t cap, pid_t tgid, pid_t tid)
{
	char repl[96];
	size_t n;

	/* Collapse leading "//" so "//proc/self" is recognised too. */
	while (path[0] == '/' && path[1] == '/')
		memmove(path, path + 1, strlen(path));
	if ((n = component_prefix(path, "/proc/self"))) {
		snprintf(repl, sizeof(repl), "/proc/%d", tgid);
	} else if ((n = component_prefix(path, "/proc/thread-self"))) {
		snprintf(repl, sizeof(repl), "/proc/%d/task/%d", tgid, tid);
	} else if ((n = component_prefix(path, "/proc/net"))) {
		/* procfs links to self/: the gofer has no self in this pid namespace */
		snprintf(repl, sizeof(repl), "/proc/%d/net", tgid);
	} else if ((n = component_prefix(path, "/proc/mounts"))) {
		snprintf(repl, sizeof(repl), "/proc/%d/mounts", tgid);
	} else if ((n = component_prefix(path, "/dev/fd"))) {
		snprintf(repl, sizeof(repl), "/proc/%d/fd", tgid);
	} else if ((n = component_prefix(path, "/dev/stdin"))) {
		snprintf(repl, sizeof(repl), "/proc/%d/fd/0", tgid);
	} else if ((n = component_prefix(path, "/dev/stdout"))) {
		snprintf(repl, sizeof(repl), "/proc/%d/fd/1", tgid);
	} else if ((n = component_prefix(path, "/dev/stderr"))) {
		snprintf(repl, sizeof(repl), "/proc/%d/fd/2", tgid);
	} else {
		return strlen(path);
	}
	return replace_prefix(path, cap, n, repl);
}

int path_self_fd(const char *path, pid_t tgid)
{
	char prefix[48];
	size_t n = snprintf(prefix, sizeof(prefix), "/proc/%d/fd/", tgid);
	const char *p;
	char *end;
	long fd;

	if (strncmp(path, prefix, n))
		return -1;
	p = path + n;
	if (*p < '0' || *p > '9')
		return -1;
	fd = strtol(p, &end, 10);
	while (*end == '/')
		end++;
	if (*end || fd > 0x7fffffff)
		return -1;
	return (int)fd;
}
