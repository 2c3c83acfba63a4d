/* File locks between processes: flock, fcntl F_SETLK/F_GETLK, OFD locks. */
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include "check.h"

/* Runs fn in a child and prints its errno name (or ok). */
static void in_child(const char *name, int (*fn)(void))
{
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	pid_t pid = fork();
	if (pid == 0) {
		int err = fn() < 0 ? errno : 0;
		_exit(write(p[1], &err, sizeof(err)) == sizeof(err) ? 0 : 1);
	}
	int err = -1;
	if (read(p[0], &err, sizeof(err)) != sizeof(err))
		err = -1;
	close(p[0]);
	close(p[1]);
	waitpid(pid, NULL, 0);
	say(name, "%s", err < 0 ? "child failed" : err ? errname(err) : "ok");
}

static int try_flock(void)
{
	int fd = open("f", O_RDWR);
	return flock(fd, LOCK_EX | LOCK_NB);
}

static int try_flock_shared(void)
{
	int fd = open("f", O_RDWR);
	return flock(fd, LOCK_SH | LOCK_NB);
}

static int try_posix(void)
{
	int fd = open("f", O_RDWR);
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
	return fcntl(fd, F_SETLK, &fl);
}

static int try_posix_other_range(void)
{
	int fd = open("f", O_RDWR);
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 100, .l_len = 10};
	return fcntl(fd, F_SETLK, &fl);
}

static int query_posix(void)
{
	int fd = open("f", O_RDWR);
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
	if (fcntl(fd, F_GETLK, &fl) < 0)
		return -1;
	if (fl.l_type == F_WRLCK && fl.l_pid == getppid())
		return 0;
	errno = ESRCH;
	return -1;
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	int fd = open("f", O_CREAT | O_RDWR, 0644);
	if (fd < 0 || ftruncate(fd, 200) < 0)
		die("create");
	check("flock_ex", flock(fd, LOCK_EX));
	in_child("child_flock_ex_blocked", try_flock);
	in_child("child_flock_sh_blocked", try_flock_shared);
	check("flock_un", flock(fd, LOCK_UN));
	in_child("child_flock_ex_free", try_flock);

	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
	check("posix_setlk", fcntl(fd, F_SETLK, &fl));
	in_child("child_posix_blocked", try_posix);
	in_child("child_posix_other_range", try_posix_other_range);
	in_child("child_getlk_sees_parent", query_posix);
	fl.l_type = F_UNLCK;
	check("posix_unlock", fcntl(fd, F_SETLK, &fl));
	in_child("child_posix_free", try_posix);

	struct flock ofd = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
	check("ofd_setlk", fcntl(fd, F_OFD_SETLK, &ofd));
	int other = open("f", O_RDWR);
	struct flock ofd2 = ofd;
	check("ofd_conflict_same_process", fcntl(other, F_OFD_SETLK, &ofd2));
	ofd.l_type = F_UNLCK;
	check("ofd_unlock", fcntl(fd, F_OFD_SETLK, &ofd));
	check("ofd_pid_must_be_zero",
	      fcntl(fd, F_OFD_SETLK, &(struct flock){.l_type = F_WRLCK, .l_pid = 1}));
	check("flock_bad_op", flock(fd, 0));
	close(other);
	close(fd);
	return 0;
}
