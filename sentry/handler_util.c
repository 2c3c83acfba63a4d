/* SPDX-License-Identifier: Apache-2.0 */
#include "handler_util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "path.h"
#include "sentry.h"
#include "task.h"

/* A relative path of "." components only ("." "./" "./." ...)? */
static int dot_only(const char *rel)
{
	if (rel[0] == '/')
		return 0;
	for (const char *s = rel; *s;) {
		size_t n = strcspn(s, "/");

		if (n != 1 || s[0] != '.')
			return 0;
		s += n;
		s += strspn(s, "/");
	}
	return 1;
}

/* Is path exactly one of the names path_rewrite_self() rewrites? */
static enum path_kind self_link_kind(const char *path)
{
	static const char *const dev[] = {"/dev/fd", "/dev/stdin", "/dev/stdout", "/dev/stderr"};

	if (!strcmp(path, "/proc/self"))
		return PATH_PROC_SELF;
	if (!strcmp(path, "/proc/thread-self"))
		return PATH_THREAD_SELF;
	for (size_t i = 0; i < sizeof(dev) / sizeof(dev[0]); i++)
		if (!strcmp(path, dev[i]))
			return PATH_DEV_LINK;
	return PATH_PLAIN;
}

/* Is path "/proc/<tgid>/fd/<fd>" with fd written as procfs names it (no
 * leading zeros), trailing slashes aside? */
static int canonical_fd_name(const char *path, pid_t tgid, int fd)
{
	char want[64];
	int n = snprintf(want, sizeof(want), "/proc/%d/fd/%d", (int)tgid, fd);

	return !strncmp(path, want, (size_t)n) && path[n + strspn(path + n, "/")] == '\0';
}

/*
 * "/proc/<tgid>/cwd/x", "/proc/<tgid>/root/x", "/proc/<tgid>/fd/N/x": a magic
 * link of the caller's own that the path goes through (the gofer would refuse
 * it). Replace the link by the path it leads to, as the task sees it, so that
 * the gofer resolves the rest. Returns 0 (done or nothing to do) or -errno.
 */
static int expand_own_link(struct sentry_call *call, struct call_path *p, pid_t tgid)
{
	char prefix[32], link[64], target[GOFER_PATH_MAX];
	int n = snprintf(prefix, sizeof(prefix), "/proc/%d/", (int)tgid);
	const char *s = p->path + n, *rest;
	size_t name_len;
	ssize_t tl;

	if (strncmp(p->path, prefix, (size_t)n))
		return 0;
	name_len = strcspn(s, "/");
	if (!strncmp(s, "fd/", 3) && s[3] >= '0' && s[3] <= '9')
		name_len = 3 + strcspn(s + 3, "/");
	rest = s + name_len;
	/* Only the link itself (trailing slashes aside): not gone through. */
	if (rest[strspn(rest, "/")] == '\0')
		return 0;
	if (name_len == 3 && !strncmp(s, "cwd", 3)) {
		tl = task_fd_path(call->sentry->proc_fd, call->n->pid, -1, target, sizeof(target));
	} else if (name_len == 4 && !strncmp(s, "root", 4)) {
		snprintf(link, sizeof(link), "%d/root", call->n->pid);
		tl = readlinkat(call->sentry->proc_fd, link, target, sizeof(target) - 1);
		if (tl < 0)
			return -errno;
		target[tl] = '\0';
	} else if (name_len > 3 && !strncmp(s, "fd/", 3)) {
		char *end;
		long fd = strtol(s + 3, &end, 10);

		/* procfs names fds without leading zeros. */
		if (end != rest || (s[3] == '0' && name_len > 4) || fd > 0x7fffffff)
			return -ENOENT;
		tl = task_fd_path(call->sentry->proc_fd, call->n->pid, (int)fd, target,
				  sizeof(target));
		if (tl == -EBADF)
			return -ENOENT;
	} else {
		return 0;
	}
	if (tl < 0)
		return (int)tl;
	{
		char joined[GOFER_PATH_MAX];

		tl = path_join(joined, sizeof(joined), target, rest + 1);
		if (tl < 0 || (size_t)tl + 1 > sizeof(p->path))
			return -ENAMETOOLONG;
		memcpy(p->path, joined, (size_t)tl + 1);
	}
	return 0;
}

/* Resolve a path string already copied out of the task. */
int util_resolve(struct sentry_call *call, int dirfd, const char *rel, enum last_link last,
		 struct call_path *p)
{
	enum path_kind kind = PATH_PLAIN;
	size_t rl = strlen(rel);
	ssize_t n;

	p->len = 0;
	p->empty = rl == 0;
	p->proc_fd = -1;
	p->path[0] = '\0';
	if (rl == 0)
		return 0;
	if (rel[0] == '/') {
		if (rl + 1 > sizeof(p->path))
			return -ENAMETOOLONG;
		memcpy(p->path, rel, rl + 1);
	} else {
		char base[GOFER_PATH_MAX];

		n = task_fd_path(call->sentry->proc_fd, call->n->pid,
				 dirfd == CALL_AT_FDCWD ? -1 : dirfd, base, sizeof(base));
		if (n < 0)
			return (int)n;
		n = path_join(p->path, sizeof(p->path), base, rel);
		if (n < 0)
			return (int)n;
		if (dot_only(rel))
			kind = PATH_DOT;
	}
	/* Only paths under /proc or /dev can name the caller itself. */
	if (!strncmp(p->path, "/proc/", 6) || !strncmp(p->path, "/dev/", 5) ||
	    !strncmp(p->path, "//", 2)) {
		const struct task_status *st;
		int r;

		while (p->path[0] == '/' && p->path[1] == '/')
			memmove(p->path, p->path + 1, strlen(p->path));
		if (last == LAST_NOFOLLOW && kind == PATH_PLAIN) {
			kind = self_link_kind(p->path);
			if (kind != PATH_PLAIN) {
				p->len = strlen(p->path);
				return kind;
			}
		}
		r = call_status(call, &st);
		if (r < 0)
			return r;
		n = path_rewrite_self(p->path, sizeof(p->path), st->ns_tgid, st->ns_tid);
		if (n < 0)
			return (int)n;
		r = expand_own_link(call, p, st->ns_tgid);
		if (r < 0)
			return r;
		p->proc_fd = path_self_fd(p->path, st->ns_tgid);
		if (p->proc_fd >= 0 && !canonical_fd_name(p->path, st->ns_tgid, p->proc_fd))
			p->proc_fd = -1; /* "/proc/self/fd/03" names nothing: the gofer says so */
	}
	p->len = strlen(p->path);
	return kind;
}

int util_get_path(struct sentry_call *call, int dirfd, uint64_t addr, enum last_link last,
		  struct call_path *p)
{
	char rel[PATH_MAX];
	ssize_t n = call_read_string(call, addr, rel, sizeof(rel));

	p->len = 0;
	p->empty = 0;
	p->proc_fd = -1;
	p->path[0] = '\0';
	if (n < 0)
		return (int)n;
	return util_resolve(call, dirfd, rel, last, p);
}

int util_path(struct sentry_call *call, int dirfd, uint64_t addr, enum last_link last,
	      struct call_path *p)
{
	int r = util_get_path(call, dirfd, addr, last, p);

	if (r < 0)
		return r;
	return p->empty ? -ENOENT : r;
}

/*
 * /proc/<pid>/... of any task of the sandbox. The gofer refuses the magic
 * links there (fd/N, cwd, root, exe); handlers then let the kernel resolve
 * them for the calling task (CONTINUE): it does so with the task's own
 * credentials and ptrace checks, and every task it can see lives in the
 * sandbox, with the sandbox's root.
 */
int util_own_proc(struct sentry_call *call, const struct call_path *p)
{
	const char *s = p->path + 6;

	if (strncmp(p->path, "/proc/", 6) || *s < '1' || *s > '9')
		return 0;
	while (*s >= '0' && *s <= '9')
		s++;
	return *s == '/' || *s == '\0';
}

int util_own_magic_link(struct sentry_call *call, const struct call_path *p, int64_t res)
{
	/* procfs has no symlink loops: ELOOP there is the gofer's refusal. */
	return res == -ELOOP && util_own_proc(call, p);
}

int util_path_is_empty(struct sentry_call *call, uint64_t addr)
{
	char c;
	int r;

	if (addr == 0)
		return 1;
	r = call_read(call, addr, &c, 1);
	if (r < 0)
		return r;
	return c == '\0';
}

void util_path_op(struct sentry_call *call, uint16_t op, int dirfd, uint64_t addr,
		  enum last_link last, int32_t flags, uint32_t mode, uint64_t arg)
{
	struct call_path p;
	int64_t res;
	int r = util_path(call, dirfd, addr, last, &p);

	if (r < 0) {
		call_fail(call, -r);
		return;
	}
	/* "." in a removed directory still names it; the gofer cannot reach it. */
	if (last == LAST_FOLLOW && (p.proc_fd >= 0 || r == PATH_DOT)) {
		call_continue(call);
		return;
	}
	res = call_gofer(call, op, &p, NULL, 0, flags, mode, arg, NULL, 0, NULL, 0, NULL);
	if (last == LAST_FOLLOW && util_own_magic_link(call, &p, res))
		call_continue(call);
	else
		call_return_result(call, res);
}

void util_return_copied(struct sentry_call *call, uint64_t addr, const void *buf, size_t len,
			int64_t value)
{
	int r = call_write(call, addr, buf, len);

	if (r < 0)
		call_fail(call, -r);
	else
		call_return(call, value);
}

int util_umask(struct sentry_call *call, mode_t *out)
{
	const struct task_status *st;
	int r = call_status(call, &st);

	if (r < 0)
		return r;
	*out = st->umask;
	return 0;
}

ssize_t util_fd_target(struct sentry_call *call, int fd, char *buf, size_t cap)
{
	char link[64];
	ssize_t n;

	if (fd < 0)
		return -EBADF;
	snprintf(link, sizeof(link), "%d/fd/%d", call->n->pid, fd);
	n = readlinkat(call->sentry->proc_fd, link, buf, cap - 1);
	if (n < 0)
		return errno == ENOENT ? -EBADF : -errno;
	buf[n] = '\0';
	return n;
}
