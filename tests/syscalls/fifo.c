/* FIFOs: mkfifo, a reader and a writer in two processes, O_NONBLOCK opens,
 * and an open that blocks in one thread while another thread keeps doing
 * file operations (the sandbox must serve calls concurrently). */
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "check.h"

static char thread_got[64];
static int thread_open_errno;

static void *blocking_reader(void *arg)
{
	(void)arg;
	int fd = open("f2", O_RDONLY); /* blocks until a writer opens */
	if (fd < 0) {
		thread_open_errno = errno;
		return NULL;
	}
	if (read(fd, thread_got, sizeof(thread_got) - 1) < 0)
		thread_open_errno = errno;
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	check("mkfifo", mkfifo("f", 0644));
	check("mkfifo_exists", mkfifo("f", 0644));
	struct stat st;
	check("stat", stat("f", &st));
	say("is_fifo", "%s", yesno(S_ISFIFO(st.st_mode)));
	check("mknod_fifo", mknod("f_mknod", S_IFIFO | 0600, 0));

	pid_t pid = fork();
	if (pid == 0) {
		int fd = open("f", O_WRONLY);
		if (fd < 0)
			_exit(1);
		const char msg[] = "through the fifo";
		_exit(write(fd, msg, sizeof(msg) - 1) == sizeof(msg) - 1 ? 0 : 2);
	}
	int fd = open("f", O_RDONLY);
	check("open_reader", fd);
	char buf[64] = {0};
	ssize_t total = 0, n;
	while ((n = read(fd, buf + total, sizeof(buf) - 1 - total)) > 0)
		total += n;
	say("received", "%s", buf);
	close(fd);
	int status;
	waitpid(pid, &status, 0);
	say("writer_exit", "%d", WEXITSTATUS(status));

	check("open_wronly_nonblock_no_reader", open("f", O_WRONLY | O_NONBLOCK));
	fd = open("f", O_RDONLY | O_NONBLOCK);
	check("open_rdonly_nonblock", fd);
	check_val("read_no_writer", read(fd, buf, 1));
	int wfd = open("f", O_WRONLY | O_NONBLOCK);
	check("open_wronly_nonblock_with_reader", wfd);
	check("read_empty_with_writer", read(fd, buf, 1));
	close(wfd);
	close(fd);
	fd = open("f", O_RDWR);
	check("open_rdwr_does_not_block", fd);
	close(fd);

	/* The concurrency check: thread blocks in open(), main keeps working. */
	check("mkfifo_f2", mkfifo("f2", 0600));
	pthread_t t;
	if (pthread_create(&t, NULL, blocking_reader, NULL))
		die("pthread_create");
	usleep(200000);
	int ops = 0;
	for (int i = 0; i < 20; i++) {
		char name[32];
		snprintf(name, sizeof(name), "side%d", i);
		int sfd = open(name, O_CREAT | O_WRONLY | O_EXCL, 0644);
		if (sfd < 0)
			continue;
		close(sfd);
		ops += stat(name, &st) == 0;
		ops += unlink(name) == 0;
	}
	say("file_ops_while_open_blocks", "%d", ops);
	wfd = open("f2", O_WRONLY);
	check("open_writer_unblocks", wfd);
	check_val("write_to_thread", write(wfd, "hi thread", 9));
	close(wfd);
	pthread_join(t, NULL);
	say("thread_open", "%s", thread_open_errno ? errname(thread_open_errno) : "ok");
	say("thread_read", "%s", thread_got);
	check("unlink", unlink("f"));
	return 0;
}
