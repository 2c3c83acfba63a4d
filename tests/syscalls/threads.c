/* Threads doing file operations concurrently; results joined and printed in
 * thread order, so the output does not depend on scheduling. */
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "check.h"

#define NTHREADS 8
#define ROUNDS	 50

struct job {
	int index;
	int creates, stats, reads, unlinks, errors;
	int first_errno;
	int same_pid, own_tid;
};

static pthread_barrier_t start;
static pid_t main_pid;

static void *worker(void *arg)
{
	struct job *j = arg;
	char path[64], buf[64];

	j->same_pid = getpid() == main_pid;
	j->own_tid = (pid_t)syscall(SYS_gettid) != main_pid;
	pthread_barrier_wait(&start);
	for (int r = 0; r < ROUNDS; r++) {
		snprintf(path, sizeof(path), "t%d/f%d", j->index, r);
		int fd = open(path, O_CREAT | O_RDWR | O_EXCL, 0644);
		if (fd < 0)
			goto fail;
		j->creates++;
		int len = snprintf(buf, sizeof(buf), "thread %d round %d", j->index, r);
		if (write(fd, buf, len) != len || lseek(fd, 0, SEEK_SET) != 0)
			goto fail_fd;
		char back[64] = {0};
		if (read(fd, back, sizeof(back)) != len || memcmp(back, buf, len))
			goto fail_fd;
		j->reads++;
		close(fd);
		struct stat st;
		if (stat(path, &st) < 0 || st.st_size != len)
			goto fail;
		j->stats++;
		if (r % 2 == 0) {
			if (unlink(path) < 0)
				goto fail;
			j->unlinks++;
		}
		continue;
	fail_fd:
		close(fd);
	fail:
		if (!j->errors++)
			j->first_errno = errno;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	pthread_t tid[NTHREADS];
	struct job jobs[NTHREADS] = {0};
	main_pid = getpid();
	pthread_barrier_init(&start, NULL, NTHREADS);
	for (int i = 0; i < NTHREADS; i++) {
		char dir[16];
		snprintf(dir, sizeof(dir), "t%d", i);
		if (mkdir(dir, 0755) < 0)
			die("mkdir");
		jobs[i].index = i;
		if (pthread_create(&tid[i], NULL, worker, &jobs[i]))
			die("pthread_create");
	}
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(tid[i], NULL);
	for (int i = 0; i < NTHREADS; i++) {
		struct job *j = &jobs[i];
		printf("thread%d: creates=%d reads=%d stats=%d unlinks=%d errors=%d%s%s\n", i,
		       j->creates, j->reads, j->stats, j->unlinks, j->errors,
		       j->errors ? " first=" : "", j->errors ? errname(j->first_errno) : "");
	}

	/* Each thread has its own tid; all share the pid. */
	int same_pid = 1, own_tid = 1;
	for (int i = 0; i < NTHREADS; i++) {
		same_pid &= jobs[i].same_pid;
		own_tid &= jobs[i].own_tid;
	}
	pid_t main_tid = (pid_t)syscall(SYS_gettid);
	say("main_tid_is_pid", "%s", yesno(main_tid == getpid()));
	say("threads_share_pid", "%s", yesno(same_pid));
	say("threads_have_own_tid", "%s", yesno(own_tid));

	/* Count what remains: odd rounds only. */
	int remaining = 0;
	for (int i = 0; i < NTHREADS; i++)
		for (int r = 0; r < ROUNDS; r++) {
			char path[64];
			snprintf(path, sizeof(path), "t%d/f%d", i, r);
			remaining += access(path, F_OK) == 0;
		}
	say("files_remaining", "%d", remaining);
	return 0;
}
