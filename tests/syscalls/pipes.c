/* Pipes: data flow, EOF, EPIPE/SIGPIPE, O_NONBLOCK, pipe between processes. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include "check.h"

static volatile sig_atomic_t got_pipe;

static void on_pipe(int sig)
{
	(void)sig;
	got_pipe++;
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	int p[2];
	check("pipe", pipe(p));
	check_val("write", write(p[1], "hello", 5));
	char buf[4096] = {0};
	check_val("read", read(p[0], buf, sizeof(buf)));
	say("data", "%s", buf);
	close(p[1]);
	check_val("read_eof", read(p[0], buf, sizeof(buf)));
	close(p[0]);

	check("pipe2_nonblock_cloexec", pipe2(p, O_NONBLOCK | O_CLOEXEC));
	check("read_empty_nonblock", read(p[0], buf, 1));
	say("fd_cloexec", "%s", yesno(fcntl(p[0], F_GETFD) & FD_CLOEXEC));
	say("fl_nonblock", "%s", yesno(fcntl(p[1], F_GETFL) & O_NONBLOCK));
	long total = 0, n;
	memset(buf, 'x', sizeof(buf));
	while ((n = write(p[1], buf, sizeof(buf))) > 0)
		total += n;
	say("fill_until", "%s", errname(errno));
	say("filled_at_least_4096", "%s", yesno(total >= 4096));
	say("capacity_matches_getpipe_sz", "%s", yesno(total == fcntl(p[1], F_GETPIPE_SZ)));
	struct pollfd pf = {p[1], POLLOUT, 0};
	check_val("poll_full_pipe_writable", poll(&pf, 1, 0));
	pf.fd = p[0];
	pf.events = POLLIN;
	check_val("poll_readable", poll(&pf, 1, 0));
	close(p[0]);

	struct sigaction sa = {0};
	sa.sa_handler = on_pipe;
	sigaction(SIGPIPE, &sa, NULL);
	check("write_no_reader", write(p[1], "x", 1));
	say("sigpipe_delivered", "%d", got_pipe);
	close(p[1]);

	/* Parent to child and back through two pipes. */
	int down[2], up[2];
	if (pipe(down) < 0 || pipe(up) < 0)
		die("pipe");
	pid_t pid = fork();
	if (pid == 0) {
		close(down[1]);
		close(up[0]);
		char in[64] = {0};
		ssize_t got = read(down[0], in, sizeof(in) - 1);
		for (ssize_t i = 0; i < got; i++)
			in[i] = (char)(in[i] >= 'a' && in[i] <= 'z' ? in[i] - 32 : in[i]);
		_exit(write(up[1], in, got) == got ? 0 : 1);
	}
	close(down[0]);
	close(up[1]);
	check_val("to_child", write(down[1], "round trip", 10));
	close(down[1]);
	memset(buf, 0, sizeof(buf));
	check_val("from_child", read(up[0], buf, sizeof(buf)));
	say("child_data", "%s", buf);
	int status;
	waitpid(pid, &status, 0);
	say("child_exit", "%d", WEXITSTATUS(status));

	/* Large transfer through a pipe: 1 MiB in, checksum out. */
	if (pipe(p) < 0)
		die("pipe");
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		char chunk[8192];
		for (int i = 0; i < 128; i++) {
			memset(chunk, 'a' + i % 26, sizeof(chunk));
			if (write(p[1], chunk, sizeof(chunk)) != sizeof(chunk))
				_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	unsigned long sum = 0, bytes = 0;
	while ((n = read(p[0], buf, sizeof(buf))) > 0) {
		bytes += n;
		for (long i = 0; i < n; i++)
			sum = sum * 31 + (unsigned char)buf[i];
	}
	close(p[0]);
	waitpid(pid, &status, 0);
	say("bulk_bytes", "%lu", bytes);
	say("bulk_checksum", "%lx", sum);
	return 0;
}
