/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *log_role = "moat";
static int log_debug_on;
static int log_fd = -1; /* --log FILE of the OCI commands, or -1 */
static int log_fd_json;

void log_set_file(int fd, int json)
{
	log_fd = fd;
	log_fd_json = json;
}

void log_set_json(int json)
{
	log_fd_json = json;
}

void log_file_line(const char *level, const char *msg)
{
	char out[2600];
	size_t n = 0;

	if (log_fd < 0)
		return;
	n += (size_t)snprintf(out, sizeof(out),
			      log_fd_json ? "{\"level\":\"%s\",\"msg\":\"" : "level=%s msg=\"",
			      level);
	for (const char *p = msg; *p && n < sizeof(out) - 48; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\')
			n += (size_t)snprintf(out + n, sizeof(out) - n, "\\%c", c);
		else if (c < 0x20)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "\\u%04x", c);
		else
			out[n++] = (char)c;
	}
	if (log_fd_json) {
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
		n += (size_t)snprintf(out + n, sizeof(out) - n, "\",\"time\":\"%s\"}\n", stamp);
	} else {
		n += (size_t)snprintf(out + n, sizeof(out) - n, "\"\n");
	}
	if (write(log_fd, out, n) < 0)
		return;
}

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
static void log_vline(const char *level, const char *fmt, va_list ap, const char *suffix)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), "%s: ", log_role);
	int start = n;

	if (n < 0)
		return;
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if ((size_t)n >= sizeof(line) - 2)
		n = sizeof(line) - 2;
	if (suffix)
		n += snprintf(line + n, sizeof(line) - n, ": %s", suffix);
	if ((size_t)n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n] = '\0';
	log_file_line(level, line + start);
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}

void log_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline("info", fmt, ap, NULL);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_debug_on)
		return;
	va_start(ap, fmt);
	log_vline("debug", fmt, ap, NULL);
	va_end(ap);
}

int log_errno(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline("error", fmt, ap, strerror(err < 0 ? -err : err));
	va_end(ap);
	return err;
}
