/* SPDX-License-Identifier: Apache-2.0 */
/* Relay between the caller's terminal and the sandbox's pty. */
#ifndef MOAT_RUNTIME_PTY_H
#define MOAT_RUNTIME_PTY_H

#include <poll.h>
#include <sys/types.h>
#include <termios.h>

struct pty_relay {
	int master;
	int stdin_open;
	int raw; /* the caller's terminal is in raw mode */
	struct termios saved;
};

/* Take the master: copy the window size, put our terminal in raw mode. */
int pty_relay_start(struct pty_relay *relay, int master);
/* Fill up to two pollfds; returns how many. */
int pty_relay_pollfds(struct pty_relay *relay, struct pollfd *pfd);
/* Move data for the pollfds that are ready. */
void pty_relay_pump(struct pty_relay *relay, const struct pollfd *pfd);
void pty_relay_resize(struct pty_relay *relay);
/* Drain what the workload wrote last and restore the terminal. */
void pty_relay_finish(struct pty_relay *relay);

/* Block the signals moat forwards to the workload (SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT, SIGUSR1, SIGUSR2) and SIGWINCH; a non-blocking signalfd for them,
 * or -1. */
int pty_relay_signalfd(void);
/* Read the signals pending on sfd: SIGWINCH resizes the relay's pty (if it
 * has one), any other is sent to pid (when pid > 0). */
void pty_relay_signals(struct pty_relay *relay, int sfd, pid_t pid);

#endif
