/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test harness for the gofer's serving code: a gofer served in a forked child
 * whose root is a temporary directory (as root: a new mount namespace and
 * chroot; unprivileged: a user namespace mapping only our ids, as 0, plus a
 * mount namespace), and helpers to call it through the real client. The
 * child runs gofer_serve_control(), i.e. the gofer minus gofer_lockdown().
 * Header-only: included by one test program.
 */
#ifndef MOAT_TESTS_GOFER_HARNESS_H
#define MOAT_TESTS_GOFER_HARNESS_H

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>

#include <cmocka.h>

#include "gofer/client.h"
#include "gofer/creds.h"
#include "gofer/serve.h"
#include "lib/fdpass.h"

struct child_status {
	char status; /* 'k' serving, 's' skip (why), 'f' failed (why) */
	char proc_ok;
	uint32_t ngroups;
	uint32_t groups[GOFER_GROUPS_MAX];
	char why[200];
};

static struct {
	char dir[PATH_MAX];
	int host_fd; /* the temporary root, seen from the host */
	int control;
	pid_t child;
	int userns; /* unprivileged: only uid/gid 0 exist in the gofer's namespace */
	int proc_ok;
	struct gofer_creds creds;
	struct gofer_channel ch;
} fx = {.host_fd = -1, .control = -1};

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror(path);
		close(fd);
	}
}

static void child_fail(int status_fd, struct child_status *st, char kind, const char *what)
{
	st->status = kind;
	snprintf(st->why, sizeof(st->why), "%s: %s", what, strerror(errno));
	if (write(status_fd, st, sizeof(*st)) < 0)
		_exit(2);
	_exit(kind == 's' ? 0 : 1);
}

static void gofer_child(int control, int status_fd)
{
	struct child_status st = {0};
	struct moat_error err;
	char buf[PATH_MAX + 64];
	gid_t groups[GOFER_GROUPS_MAX];
	int root_fd, n;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (geteuid() != 0) {
		uid_t uid = getuid();
		gid_t gid = getgid();

		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
			child_fail(status_fd, &st, 's', "user namespaces unavailable: unshare");
		write_file("/proc/self/setgroups", "deny");
		snprintf(buf, sizeof(buf), "0 %u 1", uid);
		write_file("/proc/self/uid_map", buf);
		snprintf(buf, sizeof(buf), "0 %u 1", gid);
		write_file("/proc/self/gid_map", buf);
	} else if (unshare(CLONE_NEWNS) < 0) {
		child_fail(status_fd, &st, 'f', "unshare(CLONE_NEWNS)");
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		child_fail(status_fd, &st, 'f', "make / private");
	snprintf(buf, sizeof(buf), "%s/proc", fx.dir);
	st.proc_ok = mount("/proc", buf, NULL, MS_BIND | MS_REC, NULL) == 0;
	if (chroot(fx.dir) < 0 || chdir("/") < 0)
		child_fail(status_fd, &st, 'f', "chroot");
	root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		child_fail(status_fd, &st, 'f', "open root");
	umask(0);
	n = getgroups(GOFER_GROUPS_MAX, groups);
	st.ngroups = n > 0 ? (uint32_t)n : 0;
	for (int i = 0; i < n; i++)
		st.groups[i] = groups[i];
	st.status = 'k';
	if (write(status_fd, &st, sizeof(st)) != sizeof(st))
		_exit(1);
	close(status_fd);
	_exit(gofer_serve_control(control, root_fd, &err) < 0 ? 1 : 0);
}

static int setup(void **state)
{
	struct child_status st = {0};
	int sv[2], pipefd[2];

	snprintf(fx.dir, sizeof(fx.dir), "%s/moat-gofer-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(fx.dir) || chmod(fx.dir, 0755) < 0)
		return -1;
	fx.host_fd = open(fx.dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	mkdirat(fx.host_fd, "proc", 0755);
	mkdirat(fx.host_fd, "etc", 0755);
	{
		int fd = openat(fx.host_fd, "etc/passwd", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);

		if (fd < 0 || write(fd, "inside\n", 7) != 7)
			return -1;
		close(fd);
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0 ||
	    pipe2(pipefd, O_CLOEXEC) < 0)
		return -1;
	fx.userns = geteuid() != 0;
	fx.child = fork();
	if (fx.child == 0) {
		close(sv[0]);
		close(pipefd[0]);
		gofer_child(sv[1], pipefd[1]);
	}
	close(sv[1]);
	close(pipefd[1]);
	fx.control = sv[0];
	if (read(pipefd[0], &st, sizeof(st)) != sizeof(st))
		st.status = 'f';
	close(pipefd[0]);
	if (st.status != 'k') {
		fprintf(stderr, "gofer child: %s\n", st.why);
		if (st.status == 's')
			*state = strdup(st.why);
		return st.status == 's' ? 0 : -1;
	}
	fx.proc_ok = st.proc_ok;
	fx.creds.cap_effective = GOFER_FILE_CAPS;
	fx.creds.ngroups = st.ngroups;
	memcpy(fx.creds.groups, st.groups, sizeof(st.groups));
	return gofer_channel_open(fx.control, &fx.ch);
}

/* Paths in the tree exceed PATH_MAX: remove it relative to directory fds. */
static void remove_tree_at(int dfd, const char *name)
{
	struct dirent *e;
	DIR *d;
	int fd;

	if (unlinkat(dfd, name, 0) == 0)
		return;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			remove_tree_at(dirfd(d), e->d_name);
	closedir(d);
	unlinkat(dfd, name, AT_REMOVEDIR);
}

static int teardown(void **state)
{
	free(*state);
	gofer_channel_close(&fx.ch);
	if (fx.control >= 0)
		close(fx.control);
	if (fx.child > 0)
		waitpid(fx.child, NULL, 0);
	if (fx.host_fd >= 0)
		close(fx.host_fd);
	remove_tree_at(AT_FDCWD, fx.dir);
	return 0;
}

static void skip_if_unavailable(void **state)
{
	if (*state) {
		fprintf(stderr, "skipped: %s\n", (char *)*state);
		skip();
	}
}

/* One call on a channel with explicit credentials; closes any returned fd. */
static int64_t call_as(struct gofer_channel *ch, const struct gofer_creds *cr, uint16_t op,
		       const char *path, const char *path2, int32_t flags, uint32_t mode,
		       uint64_t arg, void *out, size_t cap, int *fd)
{
	static char big_out[GOFER_DATA_MAX];
	int got_fd = -1;
	int64_t r;

	r = gofer_channel_call(ch, op, flags, mode, arg, cr, path, path ? strlen(path) : 0, path2,
			       path2 ? strlen(path2) : 0, NULL, 0, out ? out : big_out,
			       out ? cap : sizeof(big_out), NULL, &got_fd);
	if (fd)
		*fd = got_fd;
	else if (got_fd >= 0)
		close(got_fd);
	return r;
}

#define CALL(op, path, path2, flags, mode, arg)                                                    \
	call_as(&fx.ch, &fx.creds, op, path, path2, flags, mode, arg, NULL, 0, NULL)

static int gopen(const char *path, int flags, uint32_t mode)
{
	int fd = -1;
	int64_t r =
	    call_as(&fx.ch, &fx.creds, GOFER_OP_OPEN, path, NULL, flags, mode, 0, NULL, 0, &fd);

	if (r < 0)
		return (int)r;
	assert_int_equal(r, 0);
	assert_true(fd >= 0);
	return fd;
}

static int64_t gstat(const char *path, int flags, struct stat *st)
{
	return call_as(&fx.ch, &fx.creds, GOFER_OP_STAT, path, NULL, flags, 0, 0, st, sizeof(*st),
		       NULL);
}

static void host_stat(const char *rel, struct stat *st)
{
	assert_int_equal(fstatat(fx.host_fd, rel, st, AT_SYMLINK_NOFOLLOW), 0);
}

static void host_file(const char *rel, mode_t mode, const char *text)
{
	int fd = openat(fx.host_fd, rel, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmodat(fx.host_fd, rel, mode, 0), 0);
	close(fd);
}

static void read_host(const char *rel, char *buf, size_t cap)
{
	int fd = openat(fx.host_fd, rel, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, cap - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
}

#endif
