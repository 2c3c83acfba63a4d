/* umask applied to open(O_CREAT), mkdir, mkfifo, mknod, and inherited across
 * fork; O_TMPFILE and a default ACL-free directory. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "check.h"

static void mode(const char *name, const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		say(name, "%s", errname(errno));
	else
		say(name, "%o", st.st_mode & 07777);
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	static const mode_t masks[] = {0, 022, 077, 0777, 0027};
	for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		char f[32], d[32], p[32], name[48];
		umask(masks[i]);
		snprintf(f, sizeof(f), "file_%03o", masks[i]);
		snprintf(d, sizeof(d), "dir_%03o", masks[i]);
		snprintf(p, sizeof(p), "fifo_%03o", masks[i]);
		int fd = open(f, O_CREAT | O_WRONLY, 0666);
		close(fd);
		mkdir(d, 0777);
		mkfifo(p, 0666);
		snprintf(name, sizeof(name), "umask_%03o_file", masks[i]);
		mode(name, f);
		snprintf(name, sizeof(name), "umask_%03o_dir", masks[i]);
		mode(name, d);
		snprintf(name, sizeof(name), "umask_%03o_fifo", masks[i]);
		mode(name, p);
	}
	umask(022);
	say("umask_returns_previous", "%03o", umask(077));
	say("umask_returns_077", "%03o", umask(022));

	/* An explicit chmod is not masked. */
	umask(077);
	int fd = open("explicit", O_CREAT | O_WRONLY, 0666);
	fchmod(fd, 0666);
	close(fd);
	mode("chmod_not_masked", "explicit");
	fd = open(".", O_TMPFILE | O_WRONLY, 0666);
	if (fd >= 0) {
		struct stat st;
		fstat(fd, &st);
		say("tmpfile_masked", "%o", st.st_mode & 07777);
		close(fd);
	} else {
		say("tmpfile_masked", "%s", errname(errno));
	}

	umask(0026);
	pid_t pid = fork();
	if (pid == 0) {
		int cfd = open("from_child", O_CREAT | O_WRONLY, 0666);
		close(cfd);
		_exit((int)umask(0));
	}
	int status;
	waitpid(pid, &status, 0);
	say("child_inherited_umask", "%03o", WEXITSTATUS(status));
	mode("child_file", "from_child");
	symlink("explicit", "link");
	struct stat st;
	lstat("link", &st);
	say("symlink_mode_unmasked", "%o", st.st_mode & 0777);
	return 0;
}
