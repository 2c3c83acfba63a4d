/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The gofer process: the only process of moat that resolves paths. It runs
 * in the sandbox's mount namespace with the sandbox root as its own root,
 * confines itself (gofer_lockdown), then serves channels (serve.c).
 */
#include "gofer.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <sys/stat.h>

#include "../syscalls/filter.h"
#include "../syscalls/table.h"
#include "creds.h"
#include "serve.h"

int gofer_lockdown(struct moat_error *err)
{
	int r;

	r = creds_restrict_permitted();
	if (r < 0)
		return moat_error_set(err, -r, "gofer: restrict capabilities");
	/* The workload may share our uid: no ptrace, no core dumps, no /proc/<gofer> for it. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return moat_error_set(err, errno, "gofer: prctl(PR_SET_DUMPABLE)");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return moat_error_set(err, errno, "gofer: prctl(PR_SET_NO_NEW_PRIVS)");
	r = filter_install_self(SELF_GOFER, err);
	if (r < 0)
		return moat_error_prefix(err, "gofer: seccomp");
	return 0;
}

int gofer_run(int control_sock, int root_fd, struct moat_error *err)
{
	pid_t monitor = getppid();
	int r;

	/* A name for ps and for tests that kill it (tests/integration/failclosed.sh). */
	prctl(PR_SET_NAME, "moat-gofer");
	/* Modes arrive with the caller's umask applied by the sentry. */
	umask(0);
	/* Refuse to serve unconfined. */
	r = gofer_lockdown(err);
	if (r < 0)
		return r;
	r = gofer_serve_control(control_sock, root_fd, err);
	if (r < 0)
		return r;
	/*
	 * The sentry hung up: it died or the sandbox is ending. Either way the
	 * monitor ends us; exiting first would only blur which process failed.
	 * Unless the monitor is gone already: the parent-death signal set at
	 * fork may have been cleared since (the kernel clears it when a thread
	 * changes credentials), so set it again and look.
	 */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != monitor)
		_exit(1);
	for (;;)
		pause();
}
