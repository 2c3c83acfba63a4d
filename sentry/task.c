/* SPDX-License-Identifier: Apache-2.0 */
#include "task.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cleanup.h"

/* Last whitespace-separated number on a line: the innermost namespace's id. */
static long last_number(const char *line)
{
	const char *end = line + strcspn(line, "\n");
	const char *p = end;

	while (p > line && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	while (p > line && p[-1] >= '0' && p[-1] <= '9')
		p--;
	return strtol(p, NULL, 10);
}

static int parse_ids(const char *line, uint32_t *first_out)
{
	/* "Uid:\treal\teffective\tsaved\tfs": we want fs, the 4th. */
	unsigned long v[4];

	if (sscanf(line, "%lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3]) != 4)
		return -EPROTO;
	*first_out = (uint32_t)v[3];
	return 0;
}

int task_parse_status(const char *text, struct task_status *out)
{
	const char *line = text;
	int seen = 0;

	memset(out, 0, sizeof(*out));
	out->umask = 022;
	while (line && *line) {
		const char *val = strchr(line, ':');

		if (!val)
			break;
		val++;
		while (*val == ' ' || *val == '\t')
			val++;
		if (!strncmp(line, "Umask:", 6)) {
			out->umask = strtol(val, NULL, 8) & 0777;
		} else if (!strncmp(line, "Tgid:", 5)) {
			out->tgid = strtol(val, NULL, 10);
		} else if (!strncmp(line, "NStgid:", 7)) {
			out->ns_tgid = last_number(val);
			seen |= 1;
		} else if (!strncmp(line, "NSpid:", 6)) {
			out->ns_tid = last_number(val);
			seen |= 2;
		} else if (!strncmp(line, "Uid:", 4)) {
			if (parse_ids(val, &out->creds.fsuid) < 0)
				return -EPROTO;
			seen |= 4;
		} else if (!strncmp(line, "Gid:", 4)) {
			if (parse_ids(val, &out->creds.fsgid) < 0)
				return -EPROTO;
			seen |= 8;
		} else if (!strncmp(line, "Groups:", 7)) {
			const char *p = val;
			char *end;

			while (out->creds.ngroups < GOFER_GROUPS_MAX) {
				unsigned long g = strtoul(p, &end, 10);

				if (end == p)
					break;
				out->creds.groups[out->creds.ngroups++] = (uint32_t)g;
				p = end;
			}
		} else if (!strncmp(line, "CapEff:", 7)) {
			out->creds.cap_effective = strtoull(val, NULL, 16);
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return seen == 15 ? 0 : -EPROTO;
}

int task_read_status(int proc_fd, pid_t tid, struct task_status *out)
{
	char path[64], text[4096];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "%d/status", tid);
	fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	n = read(fd, text, sizeof(text) - 1);
	if (n < 0)
		return -errno;
	text[n] = '\0';
	return task_parse_status(text, out);
}

ssize_t task_fd_path(int proc_fd, pid_t tid, int fd, char *buf, size_t cap)
{
	char path[64];
	ssize_t n;

	if (fd < 0)
		snprintf(path, sizeof(path), "%d/cwd", tid);
	else
		snprintf(path, sizeof(path), "%d/fd/%d", tid, fd);
	n = readlinkat(proc_fd, path, buf, cap - 1);
	if (n < 0)
		return errno == ENOENT ? (fd < 0 ? -ESRCH : -EBADF) : -errno;
	if ((size_t)n >= cap - 1)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	if (buf[0] != '/')
		return -ENOTDIR; /* pipe:[..], socket:[..], anon_inode:[..] */
	return n;
}
