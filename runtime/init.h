/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MOAT_RUNTIME_INIT_H
#define MOAT_RUNTIME_INIT_H

#include "../lib/error.h"
#include "config.h"

struct init_fds {
	int monitor; /* socket to the monitor */
	int moat;    /* socket to moat (pty master goes there) */
	int sentry;  /* socket to the sentry: the seccomp listener goes there */
};

/*
 * pid 1 of the sandbox's pid namespace. Enters the root, drops every
 * capability, installs the workload's filter (handing the listener to the
 * sentry), starts the command, forwards signals to it, reaps orphans and
 * exits with the command's status (128+N for a signal). Never returns.
 */
void init_main(struct sandbox_config *cfg, const struct init_fds *fds) __attribute__((noreturn));

/*
 * What pid 1 and `moat exec` share, in this order: init_open_pty (with a
 * terminal), init_drop_privileges, filter_install_workload (then hand the
 * listener to the sentry), init_make_traceable, init_exec_command.
 */

/* A pty in the current root's devpts: *master and *slave, O_CLOEXEC. 0 or -errno. */
int init_open_pty(int *master, int *slave, struct moat_error *err);
/* A container's process.user (uid, gid, groups), then its capabilities,
 * no_new_privs and umask (container_process_apply); `moat do`: no
 * capabilities at all and no_new_privs. 0 or -errno. */
int init_drop_privileges(const struct sandbox_config *cfg, struct moat_error *err);
/* Scrub moat's own environment (containers) and become dumpable, so that the
 * sentry can read the command's memory. Call after the filter is installed. */
void init_make_traceable(const struct sandbox_config *cfg);
/* Note the signals moat's caller ignored and blocked, before moat changes
 * any: `moat do`'s command gets them as it would natively. Call first. */
void init_note_caller_signals(void);
/* Under the filter: the caller's signals (`moat do`; a container's process
 * gets defaults and an empty mask), a new session (the pty slave as its
 * terminal), only fds 0-2 and --preserve-fds, env, cwd, execvp. */
void init_exec_command(struct sandbox_config *cfg, int pty_slave) __attribute__((noreturn));

#endif
