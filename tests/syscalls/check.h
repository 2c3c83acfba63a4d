/* Shared helpers for the differential syscall programs in this directory.
 *
 * Every program prints one line per check, "name: result", where result is
 * "ok", a value, or an errno name (never a number, pid, inode, time or
 * absolute temp path), so that the output of a native run and of a run under
 * `moat do` can be compared byte for byte. Exit status 0 means the checks ran;
 * 2 means the harness itself broke (the scratch dir was unusable, …). */
#ifndef MOAT_TESTS_SYSCALLS_CHECK_H
#define MOAT_TESTS_SYSCALLS_CHECK_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static inline const char *errname(int err)
{
	const char *name = strerrorname_np(err);
	return name ? name : "E?";
}

/* "name: ok" for ret >= 0, "name: ENAME" otherwise (errno read at once). */
static inline void check(const char *name, long ret)
{
	int err = errno;

	if (ret < 0)
		printf("%s: %s\n", name, errname(err));
	else
		printf("%s: ok\n", name);
}

/* "name: <ret>" for ret >= 0, "name: ENAME" otherwise. */
static inline void check_val(const char *name, long ret)
{
	int err = errno;

	if (ret < 0)
		printf("%s: %s\n", name, errname(err));
	else
		printf("%s: %ld\n", name, ret);
}

static inline void say(const char *name, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void say(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static inline const char *yesno(int cond)
{
	return cond ? "yes" : "no";
}

/* A harness error, not a test result: the runner reports a non-zero exit. */
static inline void die(const char *what)
{
	fprintf(stderr, "harness error: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* Line-buffered stdout (fork-safe once each line is complete), a fixed
 * umask (the caller's must not leak into modes), then cd into the scratch
 * directory given as argv[1]. */
static inline void enter_scratch(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	umask(022);
	if (argc < 2) {
		fprintf(stderr, "usage: %s SCRATCH_DIR\n", argv[0]);
		exit(2);
	}
	if (chdir(argv[1]) < 0)
		die("chdir scratch");
}

/* Capabilities differ between host root and sandbox root (which has none),
 * so checks that root would pass by privilege print this instead. */
static inline int skip_as_root(const char *name)
{
	if (geteuid() != 0)
		return 0;
	say(name, "skipped-as-root");
	return 1;
}

#endif
