/* ptrace is denied outright: attaching to the parent (moat or the sandbox's
 * init), to pid 1, or even to one's own child must fail with EPERM, and
 * process_vm_readv on pid 1 must not work either. */
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include "escape.h"

static void try_attach(const char *step, pid_t pid)
{
	long r = ptrace(PTRACE_ATTACH, pid, 0, 0);
	int err = errno;
	if (r == 0) {
		waitpid(pid, NULL, __WALL);
		ptrace(PTRACE_DETACH, pid, 0, 0);
	}
	errno = err;
	expect_denied(step, r, EPERM, 0);
}

int main(int argc, char **argv)
{
	escape_args(argc, argv);
	pid_t ppid = getppid();
	if (ppid > 0)
		try_attach("attach parent", ppid);
	else
		printf("attach parent: no visible parent\n");
	if (getpid() != 1)
		try_attach("attach pid 1", 1);
	expect_denied("seize pid 1", getpid() != 1 ? ptrace(PTRACE_SEIZE, 1, 0, 0) : -1,
		      getpid() != 1 ? EPERM : errno, 0);

	char buf[16];
	struct iovec local = {buf, sizeof(buf)}, remote = {(void *)0x400000, sizeof(buf)};
	if (getpid() != 1) {
		long r = process_vm_readv(1, &local, 1, &remote, 1, 0);
		printf("process_vm_readv pid 1: %s\n", r < 0 ? errname(errno) : "read");
		if (r >= 0)
			escaped("read pid 1's memory");
	}

	pid_t child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	long r = ptrace(PTRACE_ATTACH, child, 0, 0);
	int err = errno;
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	errno = err;
	if (r == 0)
		wrong("ptrace of own child allowed: ptrace is not denied");
	expect_denied("attach own child", r, EPERM, 0);
	errno = 0;
	expect_denied("traceme", ptrace(PTRACE_TRACEME, 0, 0, 0), EPERM, 0);
	contained("every ptrace request was denied");
}
