/* SPDX-License-Identifier: Apache-2.0 */
/* The command line of `moat do`. */
#include "do_options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum {
	OPT_RW = 256,
	OPT_RO,
	OPT_TMPFS,
	OPT_NET,
	OPT_CWD,
	OPT_ENV,
	OPT_CLEARENV,
	OPT_HOSTNAME,
	OPT_ROOT,
	OPT_STRACE,
	OPT_PRESERVE_FDS,
	OPT_PLATFORM,
	OPT_DEBUG,
	OPT_HELP,
};

static const struct option do_long_options[] = {
    {"rw", required_argument, NULL, OPT_RW},
    {"ro", required_argument, NULL, OPT_RO},
    {"tmpfs", required_argument, NULL, OPT_TMPFS},
    {"net", required_argument, NULL, OPT_NET},
    {"cwd", required_argument, NULL, OPT_CWD},
    {"env", required_argument, NULL, OPT_ENV},
    {"clearenv", no_argument, NULL, OPT_CLEARENV},
    {"hostname", required_argument, NULL, OPT_HOSTNAME},
    {"root", no_argument, NULL, OPT_ROOT},
    {"strace", optional_argument, NULL, OPT_STRACE},
    {"preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS},
    {"platform", required_argument, NULL, OPT_PLATFORM},
    {"debug", no_argument, NULL, OPT_DEBUG},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

void do_usage(FILE *out)
{
	fputs("usage: moat do [OPTION]... -- CMD [ARG]...\n"
	      "Run CMD in a sandbox: syscalls served by the sentry, paths by the gofer.\n\n"
	      "  --rw PATH          bind PATH writable (writes land on the host)\n"
	      "  --ro PATH          bind PATH read-only\n"
	      "  --tmpfs PATH       mount an empty tmpfs on PATH\n"
	      "  --net none|host    network namespace (default none: loopback only)\n"
	      "  --cwd DIR          working directory (default: the current one)\n"
	      "  --env K=V          set an environment variable (repeatable)\n"
	      "  --clearenv         start from an empty environment\n"
	      "  --hostname NAME    hostname inside the sandbox\n"
	      "  --root             be uid 0 inside (like unshare -r)\n"
	      "  --strace[=FILE]    print each trapped syscall (stderr or FILE)\n"
	      "  --preserve-fds N   pass fds 3..3+N-1 through\n"
	      "  --platform unotify seccomp user notification (the default)\n"
	      "  --debug            log the sandbox's set-up\n",
	      out);
}

static int add_mount(struct sandbox_config *cfg, enum mount_kind kind, const char *arg,
		     struct moat_error *err)
{
	const char *opt = kind == MOUNT_RW ? "--rw" : kind == MOUNT_RO ? "--ro" : "--tmpfs";
	struct mount_request *m;
	char *path;

	if (cfg->nmounts >= SANDBOX_MAX_MOUNTS)
		return moat_error_setx(err, E2BIG, "%s %s: too many mounts (at most %d)", opt, arg,
				       SANDBOX_MAX_MOUNTS);
	if (arg[0] == '\0')
		return moat_error_setx(err, EINVAL, "%s: empty path", opt);
	if (kind == MOUNT_TMPFS) {
		if (arg[0] != '/')
			return moat_error_setx(err, EINVAL, "%s %s: path must be absolute", opt,
					       arg);
		path = strdup(arg);
	} else {
		struct stat st;

		path = realpath(arg, NULL);
		if (!path)
			return moat_error_set(err, errno, "%s %s", opt, arg);
		if (stat(path, &st) < 0) {
			int e = errno;

			free(path);
			return moat_error_set(err, e, "%s %s", opt, arg);
		}
	}
	if (!path)
		return moat_error_set(err, ENOMEM, "%s", opt);
	m = &cfg->mounts[cfg->nmounts++];
	m->kind = kind;
	m->path = path;
	m->fd = -1;
	return 0;
}

int do_parse_options(int argc, char **argv, struct sandbox_config *cfg, struct moat_error *err)
{
	int c, r;

	memset(cfg, 0, sizeof(*cfg));
	cfg->trace_fd = -1;
	optind = 1;
	opterr = 0;
	/* "+": stop at the first non-option so CMD's own options are left alone. */
	while ((c = getopt_long(argc, argv, "+h", do_long_options, NULL)) != -1) {
		switch (c) {
		case OPT_RW:
		case OPT_RO:
		case OPT_TMPFS:
			r = add_mount(cfg,
				      c == OPT_RW   ? MOUNT_RW
				      : c == OPT_RO ? MOUNT_RO
						    : MOUNT_TMPFS,
				      optarg, err);
			if (r < 0)
				return r;
			break;
		case OPT_NET:
			if (!strcmp(optarg, "none"))
				cfg->net_host = 0;
			else if (!strcmp(optarg, "host"))
				cfg->net_host = 1;
			else
				return moat_error_setx(
				    err, EINVAL, "--net %s: expected 'none' or 'host'", optarg);
			break;
		case OPT_CWD:
			if (optarg[0] != '/')
				return moat_error_setx(err, EINVAL,
						       "--cwd %s: path must be absolute", optarg);
			cfg->cwd = optarg;
			cfg->cwd_explicit = 1;
			break;
		case OPT_ENV:
			if (!strchr(optarg, '=') || optarg[0] == '=')
				return moat_error_setx(err, EINVAL, "--env %s: expected K=V",
						       optarg);
			if (cfg->nenv >= SANDBOX_MAX_ENV)
				return moat_error_setx(err, E2BIG, "--env: too many (at most %d)",
						       SANDBOX_MAX_ENV);
			cfg->env_set[cfg->nenv++] = optarg;
			break;
		case OPT_CLEARENV:
			cfg->clearenv = 1;
			break;
		case OPT_HOSTNAME:
			if (!optarg[0] || strlen(optarg) > 64)
				return moat_error_setx(
				    err, EINVAL, "--hostname '%s': must be 1 to 64 bytes", optarg);
			cfg->hostname = optarg;
			break;
		case OPT_ROOT:
			cfg->as_root = 1;
			break;
		case OPT_STRACE:
			cfg->trace = 1;
			cfg->trace_file = optarg;
			break;
		case OPT_PRESERVE_FDS: {
			char *end;
			long n = strtol(optarg, &end, 10);

			if (*end || n < 0 || n > 1000)
				return moat_error_setx(
				    err, EINVAL, "--preserve-fds %s: expected a number 0..1000",
				    optarg);
			cfg->preserve_fds = (int)n;
			break;
		}
		case OPT_PLATFORM:
			if (strcmp(optarg, "unotify"))
				return moat_error_setx(
				    err, EINVAL,
				    "--platform %s: unknown platform (available: "
				    "unotify)",
				    optarg);
			break;
		case OPT_DEBUG:
			cfg->debug = 1;
			break;
		case OPT_HELP:
		case 'h':
			do_usage(stdout);
			return 1;
		case '?':
		default:
			if (optopt)
				return moat_error_setx(
				    err, EINVAL, "do: option '%s' needs an argument or is unknown",
				    argv[optind - 1]);
			return moat_error_setx(err, EINVAL, "do: unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return moat_error_setx(
		    err, EINVAL,
		    "do: missing command (usage: moat do [OPTION]... -- CMD [ARG]...)");
	cfg->argv = &argv[optind];
	return 0;
}
