/* Shared by the escape programs in this directory. Each program tries one
 * technique and ends with exactly one verdict line:
 *   CONTAINED: ...  exit 0   the sandbox held
 *   ESCAPED: ...    exit 1   the technique worked
 *   WRONG: ...      exit 3   held, but not the way the design says (errno)
 *   SKIPPED: ...    exit 77  cannot be tried here (e.g. no tty)
 * Exit 2 is a harness error.
 *
 * Usage: prog MARKER TOKEN OUTSIDE WORKDIR
 *   MARKER   host path of a file the sandbox hides (run.sh passes
 *            --tmpfs over its directory); its contents are TOKEN
 *   OUTSIDE  host directory not bound writable: anything created in it
 *            must not appear on the host (run.sh checks afterwards)
 *   WORKDIR  a --rw directory the program may use */
#ifndef MOAT_TESTS_ESCAPE_H
#define MOAT_TESTS_ESCAPE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *marker, *token, *outside, *workdir;

static inline void escape_args(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 5) {
		fprintf(stderr, "usage: %s MARKER TOKEN OUTSIDE WORKDIR\n", argv[0]);
		exit(2);
	}
	marker = argv[1];
	token = argv[2];
	outside = argv[3];
	workdir = argv[4];
}

static inline const char *errname(int err)
{
	const char *name = strerrorname_np(err);
	return name ? name : "E?";
}

static inline void escaped(const char *how)
{
	printf("ESCAPED: %s\n", how);
	exit(1);
}

static inline void contained(const char *why)
{
	printf("CONTAINED: %s\n", why);
	exit(0);
}

static inline void wrong(const char *what)
{
	printf("WRONG: %s\n", what);
	exit(3);
}

static inline void skipped(const char *why)
{
	printf("SKIPPED: %s\n", why);
	exit(77);
}

/* 1 if path (relative to dirfd) is the host marker: its contents are the
 * token. Prints what happened as "step: result". */
static inline int marker_at(const char *step, int dirfd, const char *path)
{
	char buf[256] = {0};
	int fd = openat(dirfd, path, O_RDONLY | O_NOCTTY | O_NONBLOCK);

	if (fd < 0) {
		printf("%s: %s\n", step, errname(errno));
		return 0;
	}
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	int hit = n > 0 && !strncmp(buf, token, strlen(token));
	printf("%s: %s\n", step, hit ? "MARKER READ" : "other file");
	return hit;
}

/* Expects ret < 0 with errno `want`; success is an escape, another errno
 * is WRONG unless `alt` (0 for none) matches. */
static inline void expect_denied(const char *step, long ret, int want, int alt)
{
	int err = errno;

	if (ret >= 0) {
		printf("%s: succeeded\n", step);
		escaped(step);
	}
	printf("%s: %s\n", step, errname(err));
	if (err != want && (!alt || err != alt)) {
		char msg[128];
		snprintf(msg, sizeof(msg), "%s failed with %s, expected %s", step, errname(err),
			 errname(want));
		wrong(msg);
	}
}

#endif
