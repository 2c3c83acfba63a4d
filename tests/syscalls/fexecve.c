/* Executing through fds and odd paths: fexecve, execveat with AT_EMPTY_PATH,
 * a relative path after chdir, and /proc/self/exe re-exec. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "check.h"

extern char **environ;

static void status_of(const char *name, pid_t pid)
{
	int st;

	waitpid(pid, &st, 0);
	if (WIFEXITED(st))
		say(name, "exit %d", WEXITSTATUS(st));
	else
		say(name, "signal %s", sigabbrev_np(WTERMSIG(st)));
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[2], "--child"))
		return 42;
	enter_scratch(argc, argv);

	char *sh_args[] = {"sh", "-c", "exit 6", NULL};
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open("/bin/sh", O_RDONLY);
		fexecve(fd, sh_args, environ);
		_exit(100);
	}
	status_of("fexecve_sh", pid);

	pid = fork();
	if (pid == 0) {
		int fd = open("/bin/sh", O_PATH);
		syscall(SYS_execveat, fd, "", sh_args, environ, AT_EMPTY_PATH);
		_exit(100);
	}
	status_of("execveat_o_path_empty", pid);

	pid = fork();
	if (pid == 0) {
		int fd = open("/bin", O_RDONLY | O_DIRECTORY);
		syscall(SYS_execveat, fd, "sh", sh_args, environ, 0);
		_exit(100);
	}
	status_of("execveat_dirfd_relative", pid);

	pid = fork();
	if (pid == 0) {
		int fd = open("/bin/sh", O_RDONLY);
		long r = syscall(SYS_execveat, fd, "", sh_args, environ, 0);
		_exit(r < 0 && errno == ENOENT ? 101 : 100);
	}
	status_of("execveat_empty_without_flag", pid);

	pid = fork();
	if (pid == 0) {
		if (chdir("/bin") < 0)
			_exit(99);
		execv("./sh", sh_args);
		_exit(100);
	}
	status_of("exec_relative_after_chdir", pid);

	pid = fork();
	if (pid == 0) {
		char *me[] = {argv[0], argv[1], "--child", NULL};
		execv("/proc/self/exe", me);
		_exit(100);
	}
	status_of("reexec_proc_self_exe", pid);

	pid = fork();
	if (pid == 0) {
		execvp("sh", sh_args);
		_exit(100);
	}
	status_of("execvp_path_search", pid);
	return 0;
}
