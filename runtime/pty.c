/* SPDX-License-Identifier: Apache-2.0 */
#include "pty.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

static const int forwarded_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

static int write_all(int fd, const char *buf, ssize_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= w;
	}
	return 0;
}

void pty_relay_resize(struct pty_relay *relay)
{
	struct winsize ws;

	if (relay->master >= 0 && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(relay->master, TIOCSWINSZ, &ws);
}

int pty_relay_signalfd(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	for (size_t i = 0; i < sizeof(forwarded_signals) / sizeof(forwarded_signals[0]); i++)
		sigaddset(&mask, forwarded_signals[i]);
	sigaddset(&mask, SIGWINCH);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	return signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
}

void pty_relay_signals(struct pty_relay *relay, int sfd, pid_t pid)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGWINCH)
			pty_relay_resize(relay);
		else if (pid > 0)
			kill(pid, (int)si.ssi_signo);
	}
}

int pty_relay_start(struct pty_relay *relay, int master)
{
	struct termios raw;

	relay->master = master;
	relay->stdin_open = 1;
	pty_relay_resize(relay);
	if (tcgetattr(STDIN_FILENO, &relay->saved) == 0) {
		raw = relay->saved;
		cfmakeraw(&raw);
		if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0)
			relay->raw = 1;
	}
	return 0;
}

int pty_relay_pollfds(struct pty_relay *relay, struct pollfd *pfd)
{
	pfd[0].fd = relay->master;
	pfd[0].events = POLLIN;
	pfd[1].fd = relay->stdin_open ? STDIN_FILENO : -1;
	pfd[1].events = POLLIN;
	return 2;
}

void pty_relay_pump(struct pty_relay *relay, const struct pollfd *pfd)
{
	char buf[8192];
	ssize_t n;

	if (pfd[0].revents & POLLIN) {
		n = read(relay->master, buf, sizeof(buf));
		if (n > 0)
			write_all(STDOUT_FILENO, buf, n);
	}
	if (pfd[1].revents & (POLLIN | POLLHUP)) {
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n > 0)
			write_all(relay->master, buf, n);
		else if (n == 0 || errno != EINTR)
			relay->stdin_open = 0;
	}
}

void pty_relay_finish(struct pty_relay *relay)
{
	char buf[8192];
	ssize_t n;

	/* The slave side is gone once the workload exits: read what is left. */
	fcntl(relay->master, F_SETFL, O_NONBLOCK);
	while ((n = read(relay->master, buf, sizeof(buf))) > 0)
		write_all(STDOUT_FILENO, buf, n);
	if (relay->raw)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &relay->saved);
	close(relay->master);
	relay->master = -1;
}
