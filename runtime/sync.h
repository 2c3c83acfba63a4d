/* SPDX-License-Identifier: Apache-2.0 */
/* Messages between moat, the sandbox's monitor and its pid 1 (SOCK_SEQPACKET). */
#ifndef MOAT_RUNTIME_SYNC_H
#define MOAT_RUNTIME_SYNC_H

#include "../lib/error.h"

enum sync_type {
	SYNC_GO = 1,	 /* moat -> monitor: id maps written; value = mounts that follow */
	SYNC_MOUNT,	 /* moat -> monitor: value = index, fd = detached mount */
	SYNC_ROOT_READY, /* init -> monitor: pivoted into the sandbox's root */
	SYNC_READY,	 /* monitor -> moat: value = pid 1's pid */
	SYNC_PTY,	 /* init -> moat: fd = pty master */
	SYNC_EXIT,	 /* monitor -> moat: value = the exit status to report */
	SYNC_ERROR,	 /* anyone -> moat/monitor: text = what failed */
	SYNC_CGROUP,	 /* monitor -> moat: value = pid 1, move it into the container's
			  * cgroup; moat -> monitor -> pid 1: done */
	SYNC_LOWER,	 /* moat -> monitor: text = host path, fd = its mount alone
			  * (runtime/host_lower.h) */
};

struct sync_msg {
	int type;
	int value;
	char text[1000];
};

/* Send a message (with an optional fd, -1 for none). 0 or -errno. */
int sync_send(int sock, int type, int value, int fd);
int sync_send_error(int sock, const struct moat_error *err);
/* A message with text (at most sizeof(msg.text) - 1 bytes, else -ENAMETOOLONG). */
int sync_send_text(int sock, int type, int value, int fd, const char *text);
/* Receive one message; *fd gets a passed fd or -1. 1 on a message, 0 at EOF, -errno. */
int sync_recv(int sock, struct sync_msg *msg, int *fd);

#endif
