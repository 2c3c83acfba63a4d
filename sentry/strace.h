/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --strace: one line per served call, decoded by the argument roles of the
 * syscall table. strace_format() is pure (unit-tested); strace_print(),
 * declared in sentry.h, gathers its input from a call and writes the line.
 */
#ifndef MOAT_SENTRY_STRACE_H
#define MOAT_SENTRY_STRACE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../platform/platform.h"
#include "../syscalls/table.h"

/* String arguments are shown up to this many bytes, then "...". */
#define STRACE_STR_MAX	256
#define STRACE_LINE_MAX 8192

struct sentry_call;

struct strace_line {
	pid_t pid;
	int nr;
	const struct syscall_row *row; /* NULL when the number has no row */
	uint64_t args[6];
	/*
	 * ARG_PATH / ARG_STR arguments as read from the task: str[i] holds
	 * str_len[i] bytes (more than STRACE_STR_MAX means cut short), or is
	 * NULL when unread, and then the pointer is shown.
	 */
	const char *str[6];
	size_t str_len[6];
	struct syscall_result result;
};

/* Format the line, newline included, into buf (NUL-terminated); returns its length. */
size_t strace_format(char *buf, size_t cap, const struct strace_line *line);

/* "ENOENT", or NULL for an errno outside the table. */
const char *strace_errno_name(int err);

/*
 * Read the call's string arguments while the trapped call is still waiting
 * (a platform refuses to read memory for a call already answered). The
 * dispatcher calls this before the reply when tracing; strace_print() then
 * uses what it read. Without it, strings show as pointers.
 */
void strace_capture(struct sentry_call *call);

#endif
