/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bare cost of the trap mechanism: a child traps getppid with
 * SECCOMP_RET_USER_NOTIF and an empty supervisor answers each call at once
 * (NOTIF_RECV, then NOTIF_SEND with val 0). No sentry, no gofer, no memory
 * reads: this is the floor under every emulated syscall.
 *
 *   unotify_rtt PLACEMENT WAKE ITERATIONS     prints "PLACEMENT WAKE us_per_rtt"
 *
 * PLACEMENT: same (both pinned to CPU 0), cross (child on CPU 0, supervisor
 * on CPU 1), task (only the child pinned, to CPU 0: where does the scheduler
 * wake the supervisor?), free (no pinning; the scheduler decides).
 * WAKE: how the supervisor waits and is woken.
 *   plain      blocks in NOTIF_RECV; the kernel's default wake-ups
 *   epoll      waits in epoll_wait on the listener, then NOTIF_RECV
 *   sync       epoll, with SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (Linux >= 6.6):
 *              the trapping task hands its CPU to the supervisor and the
 *              reply hands it back; this is what moat's workers do
 *   sync-recv  the flag, but blocking in NOTIF_RECV (whose semaphore wake-up
 *              the flag does not cover; only the reply side is synchronous)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

static void die(const char *what)
{
	fprintf(stderr, "unotify_rtt: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		die("sched_setaffinity");
}

static int install_filter(void)
{
	struct sock_filter code[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]), .filter = code};
	int fd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("no_new_privs");
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (fd < 0)
		die("seccomp");
	return fd;
}

static void send_fd(int sock, int fd)
{
	char data = 0, control[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = &data, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control,
			     .msg_controllen = sizeof(control)};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	if (sendmsg(sock, &msg, 0) != 1)
		die("sendmsg");
}

static int recv_fd(int sock)
{
	char data, control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = &data, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control,
			     .msg_controllen = sizeof(control)};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		die("recvmsg");
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		die("no fd received");
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* The trapping side: warm up, then time ITERATIONS getppid calls. */
static void child_main(int sock, int cpu, long iterations)
{
	double start, elapsed;
	int listener;
	long i;

	pin(cpu);
	listener = install_filter();
	send_fd(sock, listener);
	close(listener);
	for (i = 0; i < iterations / 10 + 1; i++)
		syscall(SYS_getppid);
	start = now_ns();
	for (i = 0; i < iterations; i++)
		syscall(SYS_getppid);
	elapsed = now_ns() - start;
	if (write(sock, &elapsed, sizeof(elapsed)) != sizeof(elapsed))
		die("write result");
	_exit(0);
}

struct supervisor {
	int listener;
	int use_epoll;
	int sync_flag;
	int cpu;
};

/*
 * The empty supervisor: answer every notification with 0. It runs in a
 * thread of its own because a NOTIF_RECV sleeper is not woken when the last
 * filtered task exits; the main thread ends the process once the child has
 * reported its time.
 */
static void *supervise(void *arg)
{
	const struct supervisor *sup = arg;
	int listener = sup->listener, use_epoll = sup->use_epoll;
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	struct epoll_event ev = {.events = EPOLLIN};
	int ep = -1;

	pin(sup->cpu);
	if (sup->sync_flag &&
	    ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0)
		die("SECCOMP_IOCTL_NOTIF_SET_FLAGS (needs Linux >= 6.6)");
	if (use_epoll) {
		ep = epoll_create1(EPOLL_CLOEXEC);
		if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev) < 0)
			die("epoll");
	}
	for (;;) {
		if (use_epoll) {
			int n = epoll_wait(ep, &ev, 1, -1);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				die("epoll_wait");
			if (ev.events & EPOLLHUP)
				return NULL;
		}
		memset(&req, 0, sizeof(req));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			return NULL; /* the child is gone */
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
			die("NOTIF_SEND");
	}
}

int main(int argc, char **argv)
{
	int child_cpu = -1, supervisor_cpu = -1, sv[2];
	struct supervisor sup;
	pthread_t thread;
	long iterations;
	double elapsed;
	pid_t pid;

	if (argc != 4) {
		fprintf(stderr,
			"usage: unotify_rtt same|cross|task|free plain|epoll|sync|sync-recv "
			"ITERATIONS\n");
		return 2;
	}
	if (strcmp(argv[1], "same") == 0) {
		child_cpu = supervisor_cpu = 0;
	} else if (strcmp(argv[1], "cross") == 0) {
		child_cpu = 0;
		supervisor_cpu = 1;
	} else if (strcmp(argv[1], "task") == 0) {
		child_cpu = 0;
	} else if (strcmp(argv[1], "free") != 0) {
		return 2;
	}
	sup.use_epoll = strcmp(argv[2], "epoll") == 0 || strcmp(argv[2], "sync") == 0;
	sup.sync_flag = strcmp(argv[2], "sync") == 0 || strcmp(argv[2], "sync-recv") == 0;
	if (!sup.use_epoll && !sup.sync_flag && strcmp(argv[2], "plain") != 0)
		return 2;
	iterations = strtol(argv[3], NULL, 10);
	if (iterations <= 0)
		return 2;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		die("socketpair");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(sv[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		child_main(sv[1], child_cpu, iterations);
	}
	close(sv[1]);
	sup.listener = recv_fd(sv[0]);
	sup.cpu = supervisor_cpu;
	if (pthread_create(&thread, NULL, supervise, &sup) != 0)
		die("pthread_create");
	if (read(sv[0], &elapsed, sizeof(elapsed)) != sizeof(elapsed))
		die("read result");
	waitpid(pid, NULL, 0);
	printf("%s %s %.2f\n", argv[1], argv[2], elapsed / iterations / 1000.0);
	fflush(stdout);
	_exit(0);
}
