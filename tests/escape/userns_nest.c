/* A nested user namespace would give the workload a full capability set
 * (inside it) and a much larger kernel surface. unshare and clone with
 * namespace flags must fail with EPERM; clone3 with ENOSYS. */
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/sched.h>
#include "escape.h"

static void try_clone(const char *step, unsigned long flags)
{
	long r = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
	if (r == 0)
		_exit(0);
	int err = errno;
	if (r > 0)
		waitpid((pid_t)r, NULL, 0);
	errno = err;
	expect_denied(step, r, EPERM, 0);
}

static void try_unshare(const char *step, int flags)
{
	/* In a child, so that a success does not change this process. */
	int p[2];
	if (pipe(p) < 0)
		exit(2);
	pid_t pid = fork();
	if (pid == 0) {
		int err = unshare(flags) < 0 ? errno : 0;
		_exit(write(p[1], &err, sizeof(err)) == sizeof(err) ? 0 : 1);
	}
	int err = -1;
	if (read(p[0], &err, sizeof(err)) != sizeof(err))
		exit(2);
	waitpid(pid, NULL, 0);
	close(p[0]);
	close(p[1]);
	errno = err;
	expect_denied(step, err ? -1 : 0, EPERM, 0);
}

int main(int argc, char **argv)
{
	escape_args(argc, argv);
	try_unshare("unshare user", CLONE_NEWUSER);
	try_unshare("unshare user+mount", CLONE_NEWUSER | CLONE_NEWNS);
	try_unshare("unshare mount", CLONE_NEWNS);
	try_unshare("unshare net", CLONE_NEWNET);
	try_clone("clone newuser", CLONE_NEWUSER);
	try_clone("clone newpid", CLONE_NEWPID);
	try_clone("clone newns", CLONE_NEWNS);
	struct clone_args ca = {.flags = CLONE_NEWUSER, .exit_signal = SIGCHLD};
	long r = syscall(SYS_clone3, &ca, sizeof(ca));
	if (r == 0)
		_exit(0);
	expect_denied("clone3 newuser", r, ENOSYS, 0);
	expect_denied("setns", syscall(SYS_setns, open("/proc/self/ns/user", O_RDONLY), 0), EPERM,
		      0);
	contained("no new namespace could be created");
}
