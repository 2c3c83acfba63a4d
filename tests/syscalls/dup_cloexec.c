/* dup, dup2, dup3, fcntl F_DUPFD/F_DUPFD_CLOEXEC/F_GETFD/F_SETFD/F_GETFL and
 * close-on-exec observed across an exec of this same program. */
#include <fcntl.h>
#include <sys/wait.h>
#include "check.h"

/* Re-executed as: prog SCRATCH --child FD... ; prints which fds are open. */
static int child(int argc, char **argv)
{
	for (int i = 3; i < argc; i++) {
		int fd = atoi(argv[i]);
		int fl = fcntl(fd, F_GETFD);
		printf("child_fd_%s: %s\n", argv[i],
		       fl < 0		   ? errname(errno)
		       : (fl & FD_CLOEXEC) ? "open cloexec"
					   : "open");
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[2], "--child")) {
		enter_scratch(argc, argv);
		return child(argc, argv);
	}
	enter_scratch(argc, argv);

	int fd = open("f", O_CREAT | O_RDWR, 0644);
	if (fd < 0)
		die("create");
	int d = dup(fd);
	check("dup", d);
	check_val("dup_shares_offset_write", write(fd, "abc", 3));
	check_val("dup_offset", lseek(d, 0, SEEK_CUR));
	check_val("dup2_to_20", dup2(fd, 20));
	check_val("dup2_same_fd", dup2(20, 20));
	check_val("dup3_to_21_cloexec", dup3(fd, 21, O_CLOEXEC));
	check("dup3_same_fd", dup3(21, 21, 0));
	check("dup3_bad_flags", dup3(fd, 22, 0x4));
	check_val("f_dupfd_30", fcntl(fd, F_DUPFD, 30));
	check_val("f_dupfd_cloexec_40", fcntl(fd, F_DUPFD_CLOEXEC, 40));
	check_val("f_getfd_20", fcntl(20, F_GETFD));
	check_val("f_getfd_21", fcntl(21, F_GETFD));
	check("f_setfd_20_cloexec", fcntl(20, F_SETFD, FD_CLOEXEC));
	check("f_setfd_21_clear", fcntl(21, F_SETFD, 0));
	int fl = fcntl(fd, F_GETFL);
	say("f_getfl_accmode_rdwr", "%s", yesno((fl & O_ACCMODE) == O_RDWR));
	check("f_setfl_append", fcntl(fd, F_SETFL, fl | O_APPEND));
	say("append_shared_with_dup", "%s", yesno(fcntl(d, F_GETFL) & O_APPEND));
	check("dup_bad_fd", dup(99));
	check("dup2_bad_target", dup2(fd, -1));
	check("f_getfd_closed", fcntl(99, F_GETFD));
	check("close_twice_first", close(d));
	check("close_twice_second", close(d));
	int p = open("f", O_RDONLY | O_CLOEXEC);
	if (p < 0 || dup2(p, 50) < 0)
		die("open/dup2");
	check_val("o_cloexec_set", fcntl(p, F_GETFD));
	check_val("dup2_clears_cloexec", fcntl(50, F_GETFD));
	close(p);

	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char *args[] = {argv[0], argv[1], "--child", "20", "21", "30", "40", "50", NULL};
		execv(argv[0], args);
		_exit(127);
	}
	int status;
	waitpid(pid, &status, 0);
	say("child_exit", "%d", WEXITSTATUS(status));
	return 0;
}
