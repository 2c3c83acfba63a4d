/* SPDX-License-Identifier: Apache-2.0 */
/* Diagnostics of moat's own processes: one line each, prefixed by role. */
#ifndef MOAT_LIB_LOG_H
#define MOAT_LIB_LOG_H

/* "moat", "sentry", "gofer", "init": set once per process after fork. */
void log_set_role(const char *role);
void log_set_debug(int on);
/* Also write every line to fd (the OCI commands' --log FILE), as logfmt or
 * JSON with a level: what runc's users parse. -1: none. */
void log_set_file(int fd, int json);
void log_set_json(int json);
/* One line of that file (nothing without one): level=L msg="..." or
 * {"level":L,"msg":...,"time":...}, quoted as runc's logrus does. */
void log_file_line(const char *level, const char *msg);
int log_debug_enabled(void);
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Logs "role: what: strerror(-err)" and returns err (negative errno). */
int log_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
