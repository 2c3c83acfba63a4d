/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bare cost of the sentry -> gofer hop: a request/reply ping-pong of
 * small messages (the size of a GOFER_OP_STAT request and reply) between two
 * processes over a SOCK_SEQPACKET socketpair, as the sentry and the gofer
 * talk. No work on either side.
 *
 *   seqpacket_rtt PLACEMENT ITERATIONS     prints "PLACEMENT us_per_rtt"
 *
 * PLACEMENT: same (both on CPU 0), cross (CPU 0 and CPU 1), free (no pinning).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "seqpacket_rtt: %s: %s\n", what, strerror(errno));
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

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	int client_cpu = -1, server_cpu = -1, sv[2];
	char request[96] = {0}, reply[176] = {0};
	double start, elapsed;
	long iterations, i;
	pid_t pid;

	if (argc != 3) {
		fprintf(stderr, "usage: seqpacket_rtt same|cross|free ITERATIONS\n");
		return 2;
	}
	if (strcmp(argv[1], "same") == 0) {
		client_cpu = server_cpu = 0;
	} else if (strcmp(argv[1], "cross") == 0) {
		client_cpu = 0;
		server_cpu = 1;
	} else if (strcmp(argv[1], "free") != 0) {
		return 2;
	}
	iterations = strtol(argv[2], NULL, 10);
	if (iterations <= 0)
		return 2;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		die("socketpair");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		/* The "gofer": answer each request until the socket closes. */
		close(sv[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pin(server_cpu);
		while (recv(sv[1], request, sizeof(request), 0) > 0)
			if (send(sv[1], reply, sizeof(reply), MSG_NOSIGNAL) < 0)
				_exit(1);
		_exit(0);
	}
	close(sv[1]);
	pin(client_cpu);
	for (i = 0; i < iterations / 10 + 1; i++) {
		if (send(sv[0], request, sizeof(request), 0) < 0 ||
		    recv(sv[0], reply, sizeof(reply), 0) < 0)
			die("ping-pong");
	}
	start = now_ns();
	for (i = 0; i < iterations; i++) {
		if (send(sv[0], request, sizeof(request), 0) < 0 ||
		    recv(sv[0], reply, sizeof(reply), 0) < 0)
			die("ping-pong");
	}
	elapsed = now_ns() - start;
	close(sv[0]);
	waitpid(pid, NULL, 0);
	printf("%s %.2f\n", argv[1], elapsed / iterations / 1000.0);
	return 0;
}
