/* SPDX-License-Identifier: Apache-2.0 */
/* What `moat do` was asked to build: the parsed command line. */
#ifndef MOAT_RUNTIME_CONFIG_H
#define MOAT_RUNTIME_CONFIG_H

#include <stddef.h>
#include <sys/types.h>

enum mount_kind {
	MOUNT_RW,    /* --rw PATH: writable bind, idmapped when moat runs as root */
	MOUNT_RO,    /* --ro PATH: read-only bind */
	MOUNT_TMPFS, /* --tmpfs PATH: fresh empty tmpfs */
};

struct mount_request {
	enum mount_kind kind;
	char *path; /* absolute, canonical (realpath for binds) */
	int fd;	    /* detached mount tree (open_tree), or -1 */
};

#define SANDBOX_MAX_MOUNTS 64
#define SANDBOX_MAX_ENV	   256

struct oci_config;
struct cgroup;
struct host_lower;

/* What `moat create|run` adds: the bundle's container (NULL for `moat do`). */
#define CONTAINER_MAX_JOINS 8

struct container_setup {
	const struct oci_config *oci;
	const char *id; /* the container's id (in-container hooks' state) */
	/* The process to run, when not oci->process (`exec`'s). */
	const struct oci_process *process;
	const char *bundle;  /* absolute */
	const char *rootfs;  /* absolute, resolved on the host */
	int rootfs_fd;	     /* detached (idmapped) rootfs tree from moat, or -1 */
	int exec_fifo_fd;    /* O_PATH fd of the state dir's exec.fifo, or -1 */
	int state_lock_fd;   /* moat's flock on the state dir: the monitor closes its copy */
	int exec_sock_fd;    /* listening socket of `moat exec` (the monitor serves it), or -1 */
	int detach;	     /* outlive moat: setsid, no parent-death signal */
	const char *uid_map; /* uid_map/gid_map text; NULL for moat do's default */
	const char *gid_map;
	int idmap_default; /* rootfs and binds idmapped through the container's map */
	int *mount_fds;	   /* per config.json mount: idmapped tree from moat, or -1 */
	size_t n_mount_fds;
	uid_t user_uid; /* process.user, applied by pid 1 */
	gid_t user_gid;
	const gid_t *user_groups;
	size_t n_user_groups;
	/* The container's cgroup (cgroup.h), NULL when it has none: pid 1 waits
	 * until moat has moved it in, then unshares its cgroup namespace. */
	const struct cgroup *cgroup;
	/* linux.namespaces given by path: moat, the monitor or pid 1 joins
	 * them, and the sandbox makes no namespace of that type
	 * (runtime/container_join.h). */
	int join_fd[CONTAINER_MAX_JOINS];
	int join_type[CONTAINER_MAX_JOINS]; /* CLONE_NEW*: net, ipc, uts, time, user, cgroup */
	int n_joins;
	/* With a user namespace by path: the namespaces the monitor makes in it. */
	int join_unshare;
};

struct sandbox_config {
	char **argv; /* the command */
	struct mount_request mounts[SANDBOX_MAX_MOUNTS];
	int nmounts;
	struct host_lower *lowers; /* runtime/host_lower.h: as root, `moat do` only */
	int nlowers;
	int net_host;	 /* --net host */
	const char *cwd; /* --cwd, or NULL for the caller's cwd */
	int cwd_explicit;
	const char *env_set[SANDBOX_MAX_ENV]; /* --env K=V */
	int nenv;
	int clearenv;
	const char *hostname;
	int as_root; /* --root */
	int trace;   /* --strace */
	const char *trace_file;
	int preserve_fds;
	int debug;
	struct container_setup *container; /* NULL for `moat do` */

	/* Filled by the runtime. */
	uid_t caller_uid;
	int host_root; /* root of the initial user namespace (userns_host_root) */
	gid_t caller_gid;
	uid_t inside_uid; /* the workload's ids inside the user namespace */
	gid_t inside_gid;
	int trace_fd;
	int tty; /* stdin and stdout are a terminal: use a pty */
};

#endif
