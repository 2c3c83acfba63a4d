/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runc's command line: global options (--root, --log, --log-format, --debug,
 * --systemd-cgroup) before the command, then the command's own options with
 * runc's names. Errors exit 1, as runc's do.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/log.h"
#include "container.h"
#include "oci_config.h"

static const char *const commands[] = {"create", "start", "run",    "state",	"kill",
				       "delete", "list",  "spec",   "features", "exec",
				       "ps",	 "pause", "resume", "update",	NULL};

bool oci_cli_is_command(const char *name)
{
	for (int i = 0; commands[i]; i++)
		if (!strcmp(name, commands[i]))
			return true;
	return false;
}

int oci_cli_fail(const struct oci_globals *g, const struct moat_error *err)
{
	(void)g;
	moat_error_print(err);
	log_file_line("error", err->msg);
	return 1;
}

static int usage_error(const struct oci_globals *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int usage_error(const struct oci_globals *g, const char *fmt, ...)
{
	struct moat_error err = {.code = EINVAL};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err.msg, sizeof(err.msg), fmt, ap);
	va_end(ap);
	return oci_cli_fail(g, &err);
}

/* The one positional argument most commands take. */
static const char *container_id_arg(const struct oci_globals *g, int argc, char **argv,
				    const char *cmd)
{
	if (optind != argc - 1) {
		usage_error(g, "%s: expects exactly one argument: the container id", cmd);
		return NULL;
	}
	return argv[optind];
}

enum {
	OPT_BUNDLE = 256,
	OPT_PID_FILE,
	OPT_CONSOLE,
	OPT_PRESERVE,
	OPT_NOOP,
	OPT_KEEP,
	OPT_CWD,
	OPT_NOOP_ARG,
	OPT_IGNORE_PAUSED
};

static int parse_preserve_fds(const struct oci_globals *g, const char *arg, int *out)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (*end || n < 0 || n > 1000)
		return usage_error(g, "--preserve-fds %s: expected 0..1000", arg);
	*out = (int)n;
	return 0;
}

/* exec [options] ID [COMMAND ARGS...]: options end at the id, as runc's. */
static int cmd_exec(const struct oci_globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"process", required_argument, NULL, 'p'},
	    {"tty", no_argument, NULL, 't'},
	    {"console-socket", required_argument, NULL, OPT_CONSOLE},
	    {"cwd", required_argument, NULL, OPT_CWD},
	    {"env", required_argument, NULL, 'e'},
	    {"user", required_argument, NULL, 'u'},
	    {"additional-gids", required_argument, NULL, 'g'},
	    {"cap", required_argument, NULL, 'c'},
	    {"detach", no_argument, NULL, 'd'},
	    {"pid-file", required_argument, NULL, OPT_PID_FILE},
	    {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
	    {"no-new-privs", no_argument, NULL, OPT_NOOP}, /* always on */
	    {"ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED},
	    {"process-label", required_argument, NULL, OPT_NOOP_ARG},
	    {"apparmor", required_argument, NULL, OPT_NOOP_ARG},
	    {NULL, 0, NULL, 0},
	};
	static struct exec_options o;
	int c;

	memset(&o, 0, sizeof(o));
	while ((c = getopt_long(argc, argv, "+p:te:u:g:c:d", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o.process = optarg;
			break;
		case 't':
			o.tty = true;
			break;
		case OPT_CONSOLE:
			o.console_socket = optarg;
			break;
		case OPT_CWD:
			o.cwd = optarg;
			break;
		case 'e':
			if (o.nenv >= EXEC_MAX_LIST)
				return usage_error(g, "exec: too many --env");
			o.env[o.nenv++] = optarg;
			break;
		case 'u':
			o.user = optarg;
			break;
		case 'g': {
			char *end;
			unsigned long gid = strtoul(optarg, &end, 10);

			if (*end || end == optarg || gid > UINT32_MAX - 1 ||
			    o.ngroups >= EXEC_MAX_LIST)
				return usage_error(g, "--additional-gids %s: expected a gid",
						   optarg);
			o.groups[o.ngroups++] = (gid_t)gid;
			break;
		}
		case 'c':
			if (o.ncaps >= EXEC_MAX_LIST)
				return usage_error(g, "exec: too many --cap");
			o.caps[o.ncaps++] = optarg;
			break;
		case 'd':
			o.detach = true;
			break;
		case OPT_PID_FILE:
			o.pid_file = optarg;
			break;
		case OPT_PRESERVE:
			if (parse_preserve_fds(g, optarg, &o.preserve_fds) < 0)
				return 1;
			break;
		case OPT_IGNORE_PAUSED:
			o.ignore_paused = true;
			break;
		case OPT_NOOP:
			break;
		case OPT_NOOP_ARG:
			return usage_error(g, "exec: %s is not supported", argv[optind - 1]);
		default:
			return usage_error(g, "exec: unknown option or missing argument");
		}
	}
	if (optind >= argc)
		return usage_error(g, "exec: expects the container id");
	o.id = argv[optind++];
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	o.argv = argv + optind;
	o.argc = argc - optind;
	return container_cmd_exec(g, &o);
}

/* ps [--format table|json] ID [ps options...] */
static int cmd_ps(const struct oci_globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {NULL, 0, NULL, 0},
	};
	const char *format = "table", *id;
	int c;

	while ((c = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
		if (c != 'f')
			return usage_error(g, "ps: unknown option or missing argument");
		format = optarg;
	}
	if (strcmp(format, "table") && strcmp(format, "json"))
		return usage_error(g, "ps: invalid format option \"%s\"", format);
	if (optind >= argc)
		return usage_error(g, "ps: expects the container id");
	id = argv[optind++];
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	return container_cmd_ps(g, id, !strcmp(format, "json"), argv + optind, argc - optind);
}

static int cmd_create_run(const struct oci_globals *g, int argc, char **argv, bool run)
{
	static const struct option opts[] = {
	    {"bundle", required_argument, NULL, 'b'},
	    {"pid-file", required_argument, NULL, OPT_PID_FILE},
	    {"console-socket", required_argument, NULL, OPT_CONSOLE},
	    {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
	    {"no-pivot", no_argument, NULL, OPT_NOOP},
	    {"no-new-keyring", no_argument, NULL, OPT_NOOP},
	    {"no-subreaper", no_argument, NULL, OPT_NOOP},
	    {"detach", no_argument, NULL, 'd'},
	    {"keep", no_argument, NULL, OPT_KEEP},
	    {NULL, 0, NULL, 0},
	};
	struct create_options o = {0};
	int c;

	while ((c = getopt_long(argc, argv, run ? "b:d" : "b:", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			o.bundle = optarg;
			break;
		case OPT_PID_FILE:
			o.pid_file = optarg;
			break;
		case OPT_CONSOLE:
			o.console_socket = optarg;
			break;
		case OPT_PRESERVE:
			if (parse_preserve_fds(g, optarg, &o.preserve_fds) < 0)
				return 1;
			break;
		case OPT_NOOP: /* moat always pivots and never joins a session keyring */
			break;
		case 'd':
			o.detach = true;
			break;
		case OPT_KEEP:
			o.keep = true;
			break;
		default:
			return usage_error(g, "%s: unknown option or missing argument", argv[0]);
		}
	}
	if (run && o.keep && o.detach)
		return usage_error(g, "%s: --keep and --detach cannot be combined", argv[0]);
	o.id = container_id_arg(g, argc, argv, argv[0]);
	if (!o.id)
		return 1;
	return container_create(g, &o, run);
}

static int cmd_simple(const struct oci_globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"all", no_argument, NULL, 'a'},
	    {"force", no_argument, NULL, 'f'},
	    {"format", required_argument, NULL, 'F'},
	    {"quiet", no_argument, NULL, 'q'},
	    {NULL, 0, NULL, 0},
	};
	const char *cmd = argv[0], *format = "table", *id;
	bool kill = !strcmp(cmd, "kill"), del = !strcmp(cmd, "delete"), list = !strcmp(cmd, "list");
	bool all = false, force = false, quiet = false;
	int c;

	while ((c = getopt_long(argc, argv,
				list   ? "f:q"
				: kill ? "a"
				: del  ? "f"
				       : "",
				opts, NULL)) != -1) {
		if (c == 'a' && kill)
			all = true;
		else if (c == 'f' && del)
			force = true;
		else if ((c == 'F' || c == 'f') && list)
			format = optarg;
		else if (c == 'q' && list)
			quiet = true;
		else
			return usage_error(g, "%s: unknown option or missing argument", cmd);
	}
	if (list) {
		if (strcmp(format, "table") && strcmp(format, "json"))
			return usage_error(g, "list: invalid format option \"%s\"", format);
		if (optind != argc)
			return usage_error(g, "%s: takes no arguments", cmd);
		return container_cmd_list(g, !strcmp(format, "json"), quiet);
	}
	if (kill) {
		if (optind != argc - 1 && optind != argc - 2)
			return usage_error(g, "%s: usage: moat kill [--all] ID [SIGNAL]", cmd);
		return container_cmd_kill(g, argv[optind],
					  optind == argc - 2 ? argv[argc - 1] : NULL, all);
	}
	id = container_id_arg(g, argc, argv, cmd);
	if (!id)
		return 1;
	if (!strcmp(cmd, "start"))
		return container_cmd_start(g, id);
	if (!strcmp(cmd, "state"))
		return container_cmd_state(g, id);
	if (!strcmp(cmd, "pause") || !strcmp(cmd, "resume"))
		return container_cmd_pause(g, id, !strcmp(cmd, "pause"));
	return container_cmd_delete(g, id, force);
}

/* Global options; returns the index of the command, or -1 after an error (or 0 for help). */
/*
 * --log FILE, opened as soon as it is read (as runc: the file exists once a
 * command ran, even one refused; it takes every line of moat and its
 * sandbox, debug ones with --debug).
 */
static int open_log(struct oci_globals *g, const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0) {
		fprintf(stderr, "moat: --log %s: %s\n", path, strerror(errno));
		return -1;
	}
	g->log = path;
	log_set_file(fd, g->log_json);
	return 0;
}

static int parse_globals(struct oci_globals *g, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i], *eq = strchr(a, '='), *v = NULL;
		size_t name_len = eq ? (size_t)(eq - a) : strlen(a);
		bool takes = false;

		if (a[1] == '-' && (!strncmp(a, "--root", name_len) && name_len == 6))
			takes = true;
		else if (name_len == 5 && !strncmp(a, "--log", 5))
			takes = true;
		else if (name_len == 12 && !strncmp(a, "--log-format", 12))
			takes = true;
		if (takes) {
			v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
			if (!v)
				return usage_error(g, "%s: needs an argument", a), -1;
			if (name_len == 6)
				g->root = v;
			else if (name_len == 5) {
				if (open_log(g, v) < 0)
					return -1;
			} else if (!strcmp(v, "json") || !strcmp(v, "text"))
				log_set_json(g->log_json = !strcmp(v, "json"));
			else
				return usage_error(g, "--log-format %s: expected text or json", v),
				       -1;
		} else if (!strcmp(a, "--debug")) {
			g->debug = true;
		} else if (!strcmp(a, "--systemd-cgroup")) {
			return usage_error(g, "%s: not supported", a), -1;
		} else if (!strcmp(a, "--rootless")) {
			if (++i >= argc) /* runc's --rootless true|false|auto: moat always is */
				return usage_error(g, "%s: needs an argument", a), -1;
		} else {
			return usage_error(g, "unknown global option '%s'", a), -1;
		}
	}
	if (i >= argc)
		return usage_error(g, "%s", "missing command (see 'moat help')"), -1;
	return i;
}

int oci_cli_main(int argc, char **argv, const char *version)
{
	struct oci_globals g = {0};
	struct moat_error err = {0};
	const char *cmd;
	int i = parse_globals(&g, argc, argv);

	if (i < 0)
		return 1;
	log_set_debug(g.debug);
	cmd = argv[i];
	argc -= i;
	argv += i;
	if (!strcmp(cmd, "spec"))
		return oci_spec_main(argc, argv);
	if (!strcmp(cmd, "features"))
		return oci_features_main(argc, argv, version);
	if (!oci_cli_is_command(cmd))
		return usage_error(&g, "unknown command '%s' (see 'moat help')", cmd);
	if (container_root_prepare(&g, &err) < 0)
		return oci_cli_fail(&g, &err);
	optind = 0; /* glibc: a full re-initialisation */
	opterr = 0;
	if (!strcmp(cmd, "create") || !strcmp(cmd, "run"))
		return cmd_create_run(&g, argc, argv, !strcmp(cmd, "run"));
	if (!strcmp(cmd, "exec"))
		return cmd_exec(&g, argc, argv);
	if (!strcmp(cmd, "ps"))
		return cmd_ps(&g, argc, argv);
	if (!strcmp(cmd, "update"))
		return container_cmd_update(&g, argc, argv);
	return cmd_simple(&g, argc, argv);
}
