/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OCI container lifecycle (`moat create|start|run|state|kill|delete|
 * list`): one state directory per container under --root, holding
 * state.json and, until `start`, the exec FIFO pid 1 waits on. Every command
 * that reads or changes a container holds flock(LOCK_EX) on its directory.
 * Errors follow runc: one line naming the thing, exit status 1.
 */
#ifndef MOAT_RUNTIME_CONTAINER_H
#define MOAT_RUNTIME_CONTAINER_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "../lib/error.h"
#include "config.h"

struct oci_config;
struct oci_hook_list;

#define CONTAINER_STATE_FILE "state.json"
#define CONTAINER_EXEC_FIFO  "exec.fifo"
#define CONTAINER_EXEC_SOCK  "exec.sock"

/* Global options (before the command), as runc's. */
struct oci_globals {
	const char *root; /* state root, made absolute and created 0700 */
	const char *log;  /* --log FILE: errors are also appended there */
	bool log_json;	  /* --log-format json */
	bool debug;
};

enum container_status {
	CONTAINER_CREATED,
	CONTAINER_RUNNING,
	CONTAINER_STOPPED,
	CONTAINER_PAUSED, /* running or created, its cgroup frozen */
};

/* An open, locked container: its directory and its state document. */
struct container {
	char id[256];
	char dir[4096];
	int dir_fd; /* flock(LOCK_EX) held while open */
	json_t *state;
};

struct create_options {
	const char *id;
	const char *bundle; /* default: the current directory */
	const char *pid_file;
	const char *console_socket;
	int preserve_fds;
	bool detach; /* run -d */
	bool keep;   /* run --keep */
};

#define EXEC_MAX_LIST 64

struct exec_options {
	const char *id;
	const char *process; /* --process FILE; NULL: the command and the bundle's process */
	char **argv;	     /* COMMAND ARGS... (NULL-terminated), with argc */
	int argc;
	const char *cwd;
	const char *env[EXEC_MAX_LIST];
	int nenv;
	const char *user; /* UID[:GID] */
	gid_t groups[EXEC_MAX_LIST];
	int ngroups;
	const char *caps[EXEC_MAX_LIST];
	int ncaps;
	bool tty;
	bool detach;
	const char *console_socket;
	const char *pid_file;
	int preserve_fds;
	bool ignore_paused; /* exec into a paused container (it runs once resumed) */
};

/* --- container_state.c */
/* Is id acceptable as a directory name (runc's rule: [A-Za-z0-9_+.-]+, not . or ..)? */
int container_check_id(const char *id, struct moat_error *err);
/* Default --root, or check and create the given one. */
int container_root_prepare(struct oci_globals *g, struct moat_error *err);
/* Create ROOT/ID (EEXIST: "container with id ... already exists") and lock it. */
int container_new(const struct oci_globals *g, const char *id, struct container *c,
		  struct moat_error *err);
/* Open and lock an existing container and load its state. */
int container_open(const struct oci_globals *g, const char *id, struct container *c,
		   struct moat_error *err);
/* container_open, and ESRCH "container not running" (closed again) when it
 * is stopped: for the commands that act on a live container (kill, ps). */
int container_open_running(const struct oci_globals *g, const char *id, struct container *c,
			   struct moat_error *err);
void container_close(struct container *c);
int container_save(struct container *c, struct moat_error *err);
/* Remove the state directory (the container must be stopped) and close. */
int container_remove(struct container *c, struct moat_error *err);
enum container_status container_status(const struct container *c);
const char *container_status_name(enum container_status s);
/* Is pid alive and the same process (start time) as recorded? */
bool container_process_alive(pid_t pid, unsigned long long start_time);
/* Is host pid init pid 1 of its pid namespace (not a shared one's member)? */
bool container_owns_pid_namespace(pid_t init);
/* Send sig to every process of the container's cgroup (kill --all, shared pid namespace). */
int container_signal_cgroup(const struct container *c, int sig, struct moat_error *err);
unsigned long long container_process_start_time(pid_t pid);
/* The runtime-spec state (runc's fields), as a new JSON object. */
json_t *container_public_state(const struct container *c);
pid_t container_init_pid(const struct container *c);

/* --- container_rootfs.c: in the monitor (rootfs.c calls it for containers) */
int container_rootfs_build(struct sandbox_config *cfg, struct moat_error *err);
struct oci_mount;
/* A bind mount whose source is captured with open_tree (not one moat makes itself)? */
bool container_mount_is_captured_bind(const struct oci_mount *m);
bool container_mount_is_recursive(const struct oci_mount *m); /* rbind */
/* open_tree clone of a bind mount's source (relative to bundle). fd or -errno. */
int container_bind_source_open(const char *bundle, const struct oci_mount *m,
			       struct moat_error *err);
/* mkdir -p of dest inside the rootfs (root: O_PATH fd; the last component a
 * file if as_file), each step resolved in the root. An O_PATH fd of it. */
int container_rootfs_make_point(int root, const char *dest, int as_file, struct moat_error *err);

/* --- container_hooks.c */
/* Run a hook list with the state on stdin. 0, or -errno with the failing hook named. */
int container_hooks_run(const struct oci_hook_list *hooks, const char *kind, json_t *state,
			struct moat_error *err);
/* The same, with before_exec run in each hook's process before its execve. */
int container_hooks_run_with(const struct oci_hook_list *hooks, const char *kind, json_t *state,
			     int (*before_exec)(struct moat_error *), struct moat_error *err);

/* --- container_create.c */
/* `create` (detach) and `run`: the exit status to return (runc's: 0 or 1; run: the container's). */
int container_create(const struct oci_globals *g, const struct create_options *o, bool run);
/* --pid-file, written through a temp file and rename. */
int container_write_pid_file(const char *file, pid_t pid, struct moat_error *err);
/* runc's console socket protocol: the pty master with SCM_RIGHTS. */
int container_send_console(const char *socket_path, int master, struct moat_error *err);

/* --- container_ops.c */
/* Open the exec FIFO: pid 1 goes on to exec the process. c must be created. */
int container_start_locked(struct container *c, struct moat_error *err);
/* Kill (if alive), wait for the processes to go, run poststop hooks, remove. */
int container_destroy(struct container *c, struct moat_error *err);
int container_cmd_start(const struct oci_globals *g, const char *id);
int container_cmd_state(const struct oci_globals *g, const char *id);
int container_cmd_kill(const struct oci_globals *g, const char *id, const char *sig, bool all);
int container_cmd_delete(const struct oci_globals *g, const char *id, bool force);
/* `moat update [OPTION]... ID` (runtime/container_update.c). */
int container_cmd_update(const struct oci_globals *g, int argc, char **argv);
/* `moat pause` (freeze) and `moat resume` (thaw), through the container's cgroup. */
int container_cmd_pause(const struct oci_globals *g, const char *id, bool pause);
int container_cmd_list(const struct oci_globals *g, bool json, bool quiet);

/* --- container_exec.c */
int container_cmd_exec(const struct oci_globals *g, const struct exec_options *o);
/* In the monitor: one `moat exec` request on the listening socket (see container_exec.c). */
void container_exec_serve(int listen_fd, int sentry_sock, uid_t owner);
/* In `moat create`: ROOT/ID/exec.sock, listening; the fd, or -errno. */
int container_exec_socket(struct container *c, struct moat_error *err);

/* --- container_ps.c */
int container_cmd_ps(const struct oci_globals *g, const char *id, bool json, char **ps_args,
		     int n_ps_args);

/* --- oci_cli.c */
/* Report a command's failure: "moat: <msg>" on stderr and in --log. Returns 1. */
int oci_cli_fail(const struct oci_globals *g, const struct moat_error *err);
/* The OCI commands with runc's global options; argv[0] is "moat". */
int oci_cli_main(int argc, char **argv, const char *version);
bool oci_cli_is_command(const char *name);

#endif
