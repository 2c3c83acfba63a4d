/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *log_role = "moat";
static int log_debug_on;

void log_set_role(const char *role)
{
	log_role = role;
}

void log_set_debug(int on)
{
	log_debug_on = on;
}

int log_debug_enabled(void)
{
	return log_debug_on;
}

/* One write(2) per line so lines of concurrent threads do not interleave. */
static void log_vline(const char *fmt, va_list ap, const char *suffix)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), "%s: ", log_role);

	if (n < 0)
		return;
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if ((size_t)n >= sizeof(line) - 2)
		n = sizeof(line) - 2;
	if (suffix)
		n += snprintf(line + n, sizeof(line) - n, ": %s", suffix);
	if ((size_t)n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}

void log_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline(fmt, ap, NULL);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_debug_on)
		return;
	va_start(ap, fmt);
	log_vline(fmt, ap, NULL);
	va_end(ap);
}

int log_errno(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline(fmt, ap, strerror(err < 0 ? -err : err));
	va_end(ap);
	return err;
}
