/* SPDX-License-Identifier: Apache-2.0 */
#include "sync.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../lib/fdpass.h"

int sync_send(int sock, int type, int value, int fd)
{
	struct sync_msg msg = {.type = type, .value = value};

	return fdpass_send(sock, &msg, sizeof(msg), &fd, fd >= 0 ? 1 : 0);
}

int sync_send_error(int sock, const struct moat_error *err)
{
	struct sync_msg msg = {.type = SYNC_ERROR, .value = err->code};

	snprintf(msg.text, sizeof(msg.text), "%s", err->msg);
	return fdpass_send(sock, &msg, sizeof(msg), NULL, 0);
}

int sync_send_text(int sock, int type, int value, int fd, const char *text)
{
	struct sync_msg msg = {.type = type, .value = value};

	if (strlen(text) >= sizeof(msg.text))
		return -ENAMETOOLONG;
	strcpy(msg.text, text);
	return fdpass_send(sock, &msg, sizeof(msg), &fd, fd >= 0 ? 1 : 0);
}

int sync_recv(int sock, struct sync_msg *msg, int *fd)
{
	int fds[1] = {-1};
	ssize_t n = fdpass_recv(sock, msg, sizeof(*msg), fds, 1);

	if (fd)
		*fd = fds[0];
	else if (fds[0] >= 0)
		close(fds[0]);
	if (n < 0)
		return (int)n;
	if (n == 0)
		return 0;
	if ((size_t)n != sizeof(*msg))
		return -EPROTO;
	msg->text[sizeof(msg->text) - 1] = '\0';
	return 1;
}
