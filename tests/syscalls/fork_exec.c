/* fork, execve, waitpid: exit statuses, exec errors, vfork, posix_spawn. */
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "check.h"

extern char **environ;

static void report_status(const char *name, pid_t pid)
{
	int status;

	if (pid < 0) {
		say(name, "fork %s", errname(errno));
		return;
	}
	if (waitpid(pid, &status, 0) < 0)
		say(name, "waitpid %s", errname(errno));
	else if (WIFEXITED(status))
		say(name, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		say(name, "signal %s", sigabbrev_np(WTERMSIG(status)));
	else
		say(name, "status?");
}

/* Runs argv in a child; the child reports an exec failure as exit 100+err. */
static void run(const char *name, const char *path, char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		execv(path, argv);
		_exit(errno == ENOENT ? 101 : errno == EACCES ? 102 : 103);
	}
	report_status(name, pid);
}

static void exec_error(const char *name, const char *path)
{
	char *const argv[] = {(char *)path, NULL};
	int pipefd[2];
	int err = 0;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		die("pipe2");
	pid_t pid = fork();
	if (pid == 0) {
		execv(path, argv);
		err = errno;
		if (write(pipefd[1], &err, sizeof(err)) < 0)
			_exit(3);
		_exit(0);
	}
	close(pipefd[1]);
	ssize_t n = read(pipefd[0], &err, sizeof(err));
	close(pipefd[0]);
	waitpid(pid, NULL, 0);
	say(name, "%s", n == sizeof(err) ? errname(err) : "exec succeeded");
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	report_status("fork_exit_7", pid);
	run("exec_true", "/bin/true", (char *const[]){"true", NULL});
	run("exec_false", "/bin/false", (char *const[]){"false", NULL});
	run("exec_sh_exit_3", "/bin/sh", (char *const[]){"sh", "-c", "exit 3", NULL});
	run("exec_sh_kill_self", "/bin/sh", (char *const[]){"sh", "-c", "kill -USR1 $$", NULL});
	run("exec_sh_relative_file", "/bin/sh",
	    (char *const[]){"sh", "-c", "echo hi > out && test -s out", NULL});

	exec_error("exec_missing", "./missing");
	int fd = open("plain", O_CREAT | O_WRONLY, 0644);
	if (fd < 0 || write(fd, "#!/bin/sh\nexit 0\n", 17) != 17)
		die("create plain");
	close(fd);
	exec_error("exec_not_executable", "./plain");
	exec_error("exec_directory", ".");
	fd = open("garbage", O_CREAT | O_WRONLY, 0755);
	if (fd < 0 || write(fd, "\x01\x02\x03\x04garbage", 11) != 11)
		die("create garbage");
	close(fd);
	exec_error("exec_garbage", "./garbage");
	fd = open("badinterp", O_CREAT | O_WRONLY, 0755);
	if (fd < 0 || write(fd, "#!/nonexistent/interp\n", 22) != 22)
		die("create badinterp");
	close(fd);
	exec_error("exec_bad_interpreter", "./badinterp");
	chmod("plain", 0755);
	run("exec_script", "./plain", (char *const[]){"plain", NULL});
	symlink("/bin/true", "true_link");
	run("exec_via_symlink", "./true_link", (char *const[]){"true_link", NULL});

	pid = vfork();
	if (pid == 0)
		_exit(9);
	report_status("vfork_exit_9", pid);

	pid_t sp;
	char *const sargv[] = {"sh", "-c", "exit 5", NULL};
	int rc = posix_spawn(&sp, "/bin/sh", NULL, NULL, sargv, environ);
	say("posix_spawn", "%s", rc ? errname(rc) : "ok");
	if (!rc)
		report_status("posix_spawn_exit", sp);

	check("waitpid_no_children", waitpid(-1, NULL, WNOHANG));
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	check_val("waitpid_wnohang_running", waitpid(pid, NULL, WNOHANG));
	kill(pid, SIGKILL);
	report_status("killed_child", pid);

	/* A grandchild's exit is reaped by its parent, not by us. */
	pid = fork();
	if (pid == 0) {
		pid_t g = fork();
		if (g == 0)
			_exit(4);
		int st;
		waitpid(g, &st, 0);
		_exit(WEXITSTATUS(st) + 10);
	}
	report_status("grandchild_status_via_child", pid);
	pid = fork();
	if (pid == 0)
		_exit(getppid() == getpid() ? 1 : 0);
	report_status("child_ppid_differs", pid);
	return 0;
}
