/* SPDX-License-Identifier: Apache-2.0 */
/* moat: the command line. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "../lib/error.h"
#include "../syscalls/print.h"
#include "container.h"
#include "do_options.h"
#include "init.h"
#include "oci_config.h"
#include "sandbox.h"

#define MOAT_VERSION "0.1.0"

static void usage(FILE *out)
{
	fputs(
	    "usage: moat COMMAND [ARG]...\n\n"
	    "  do [OPTION]... -- CMD [ARG]...   run CMD in a sandbox (moat do --help)\n"
	    "  syscalls [--markdown]            the syscall table and its dispositions\n"
	    "  spec [--rootless] [--bundle DIR] write a default OCI config.json (as runc spec)\n"
	    "  [--root DIR] [--log FILE] [--log-format text|json] [--debug] COMMAND\n"
	    "    create [-b BUNDLE] [--pid-file F] [--console-socket S] ID\n"
	    "    start ID | run [-b BUNDLE] [-d] [--keep] ID | state ID\n"
	    "    kill [--all] ID [SIGNAL] | delete [--force] ID | pause ID | resume ID\n"
	    "    update [-r FILE|-] [--memory N] [--pids-limit N] [--cpu-share N]... ID\n"
	    "    list [--format table|json] [-q]\n"
	    "    exec [-p FILE] [-t] [-d] [-e K=V] [-u UID[:GID]] [--cwd DIR] ID [CMD [ARG]...]\n"
	    "    ps [--format table|json] ID [PS-OPTION]...\n"
	    "                                   the OCI container lifecycle, as runc's\n"
	    "  features                         what of the OCI runtime spec moat accepts (JSON)\n"
	    "  version                          print the version\n",
	    out);
}

static int cmd_do(int argc, char **argv)
{
	struct sandbox_config cfg;
	struct moat_error err = {0};
	int r = do_parse_options(argc, argv, &cfg, &err);

	if (r == 1)
		return 0;
	if (r < 0) {
		moat_error_print(&err);
		return 125;
	}
	return sandbox_run(&cfg);
}

static int cmd_syscalls(int argc, char **argv)
{
	int markdown = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--markdown")) {
			markdown = 1;
		} else {
			fprintf(stderr, "moat: syscalls: unknown option '%s'\n", argv[i]);
			return 125;
		}
	}
	return syscalls_print(stdout, markdown) < 0 ? 125 : 0;
}

int main(int argc, char **argv)
{
	init_note_caller_signals();
	/* An ignored SIGCHLD is inherited across exec and makes the kernel reap
	 * our children itself: waitpid() would then lose every exit status (pid
	 * 1's, a hook's) and the monitor's wait loop would spin on ECHILD. */
	signal(SIGCHLD, SIG_DFL);
	if (argc < 2) {
		usage(stderr);
		return 125;
	}
	/* runc's global options come first: "moat --root X create ..." */
	if ((argv[1][0] == '-' && argv[1][1] == '-' && strcmp(argv[1], "--version") &&
	     strcmp(argv[1], "--help")) ||
	    (oci_cli_is_command(argv[1]) && strcmp(argv[1], "spec") && strcmp(argv[1], "features")))
		return oci_cli_main(argc, argv, MOAT_VERSION);
	if (!strcmp(argv[1], "do"))
		return cmd_do(argc - 1, argv + 1);
	if (!strcmp(argv[1], "syscalls"))
		return cmd_syscalls(argc - 1, argv + 1);
	if (!strcmp(argv[1], "spec"))
		return oci_spec_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "features"))
		return oci_features_main(argc - 1, argv + 1, MOAT_VERSION);
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version") ||
	    !strcmp(argv[1], "-v")) {
		/* runc's shape: engines show the lines they recognise */
		printf("moat version %s\nspec: %s\n", MOAT_VERSION, OCI_VERSION_SPEC);
		return 0;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "moat: unknown command '%s' (see 'moat help')\n", argv[1]);
	return 125;
}
