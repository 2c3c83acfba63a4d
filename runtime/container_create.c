/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `moat create` and `moat run`: a bundle becomes a sandbox built by the same
 * code as `moat do` (monitor, gofer, sentry, pid 1, the table's filter), with
 * the bundle's rootfs as its root. pid 1 then waits on the exec FIFO until
 * `moat start`. For create (and run -d) the monitor is detached and outlives
 * moat; its stdio, and so the container's, are moat's own, as with runc.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fdpass.h"
#include "../lib/log.h"
#include "cgroup.h"
#include "container.h"
#include "container_join.h"
#include "container_ids.h"
#include "container_process.h"
#include "oci_config.h"
#include "sandbox.h"
#include "sync.h"

struct launch {
	struct oci_config oci;
	char bundle[PATH_MAX];
	char rootfs[PATH_MAX];
	struct container_ids ids;
	gid_t groups[64];
	int *mount_fds;
	struct container_setup setup;
	struct sandbox_config cfg;
	struct cgroup cgroup;
};

static int load_bundle(struct launch *l, const char *bundle, struct moat_error *err)
{
	char path[PATH_MAX + 16], root[2 * PATH_MAX];
	struct stat st;
	int r;

	if (!realpath(bundle ? bundle : ".", l->bundle))
		return moat_error_set(err, errno, "bundle %s", bundle ? bundle : ".");
	snprintf(path, sizeof(path), "%s/config.json", l->bundle);
	r = oci_config_load(path, &l->oci, err);
	if (r < 0)
		return r;
	if (!l->oci.has_process)
		return moat_error_setx(err, EINVAL, "%s: process: required to create a container",
				       path);
	if (l->oci.root_path[0] == '/')
		snprintf(root, sizeof(root), "%s", l->oci.root_path);
	else
		snprintf(root, sizeof(root), "%s/%s", l->bundle, l->oci.root_path);
	if (!realpath(root, l->rootfs) || stat(l->rootfs, &st) < 0)
		return moat_error_setx(err, ENOENT, "rootfs (\"%s\") does not exist", root);
	if (!S_ISDIR(st.st_mode))
		return moat_error_setx(err, ENOTDIR, "rootfs (\"%s\") is not a directory", root);
	for (size_t i = 0; i < l->oci.n_unsupported; i++)
		fprintf(stderr, "moat: warning: %s: %s is not supported; ignored\n", path,
			l->oci.unsupported[i]);
	return 0;
}

static void launch_release(struct launch *l)
{
	container_join_close(&l->setup);
	oci_config_free(&l->oci);
	free(l->mount_fds);
	l->mount_fds = NULL;
}

static int build_config(struct launch *l, const struct oci_globals *g,
			const struct create_options *o, bool detach, struct moat_error *err)
{
	const struct oci_process *p = &l->oci.process;
	struct sandbox_config *cfg = &l->cfg;
	const struct oci_namespace *net;
	char file[PATH_MAX];
	int r;

	memset(cfg, 0, sizeof(*cfg));
	cfg->trace_fd = -1;
	if (p->n_env > SANDBOX_MAX_ENV)
		return moat_error_setx(err, E2BIG, "process.env: more than %d entries",
				       SANDBOX_MAX_ENV);
	if (p->user.n_additional_gids > ARRAY_SIZE(l->groups))
		return moat_error_setx(err, E2BIG, "process.user.additionalGids: too many");
	r = container_ids_check(&l->oci, o->id, &l->ids, err);
	if (r < 0)
		return r;
	if (l->ids.source == CONTAINER_IDS_CALLER &&
	    (p->user.uid != 0 || p->user.gid != 0 || p->user.n_additional_gids))
		return moat_error_setx(err, EPERM,
				       "process.user: unprivileged, only uid and gid 0 "
				       "(the caller) exist in the container");
	l->mount_fds = calloc(l->oci.n_mounts + 1, sizeof(int));
	if (!l->mount_fds)
		return moat_error_set(err, ENOMEM, "mounts");
	for (size_t i = 0; i < l->oci.n_mounts; i++)
		l->mount_fds[i] = -1;
	for (size_t i = 0; i < p->user.n_additional_gids; i++)
		l->groups[i] = p->user.additional_gids[i];
	l->setup = (struct container_setup){
	    .oci = &l->oci,
	    .id = o->id,
	    .bundle = l->bundle,
	    .rootfs = l->rootfs,
	    .rootfs_fd = -1,
	    .exec_fifo_fd = -1,
	    .state_lock_fd = -1,
	    .exec_sock_fd = -1,
	    .detach = detach,
	    /* filled by container_ids_assign() once the state directory exists */
	    .uid_map = l->ids.source != CONTAINER_IDS_CALLER ? l->ids.uid_map : NULL,
	    .gid_map = l->ids.source != CONTAINER_IDS_CALLER ? l->ids.gid_map : NULL,
	    .idmap_default = l->ids.idmap_default,
	    .mount_fds = l->mount_fds,
	    .n_mount_fds = l->oci.n_mounts,
	    .user_uid = p->user.uid,
	    .user_gid = p->user.gid,
	    .user_groups = l->groups,
	    .n_user_groups = p->user.n_additional_gids,
	};
	cfg->container = &l->setup;
	cfg->argv = p->args;
	cfg->cwd = p->cwd;
	cfg->cwd_explicit = 1;
	cfg->clearenv = 1;
	for (size_t i = 0; i < p->n_env; i++)
		cfg->env_set[cfg->nenv++] = p->env[i];
	cfg->hostname = l->oci.hostname;
	cfg->as_root = 1; /* setup runs as container root; pid 1 then takes process.user */
	net = oci_config_namespace(&l->oci, OCI_NS_NETWORK);
	cfg->net_host = !net || net->path; /* no network namespace of its own to make */
	cfg->preserve_fds = o->preserve_fds;
	cfg->debug = g->debug;
	cfg->tty = p->terminal;
	snprintf(file, sizeof(file), "%s/config.json", l->bundle);
	return container_join_open(&l->oci, file, &l->setup, err);
}

static void rfc3339_now(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char base[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%09ldZ", base, ts.tv_nsec);
}

static json_t *annotations_json(const struct oci_config *oci)
{
	json_t *a = json_object();

	for (size_t i = 0; a && i < oci->n_annotations; i++)
		json_object_set_new(a, oci->annotations[i].key,
				    json_string(oci->annotations[i].value));
	return a;
}

static int write_state(struct container *c, struct launch *l, pid_t init, pid_t monitor,
		       struct moat_error *err)
{
	struct passwd *pw = getpwuid(geteuid());
	char created[64], owner[32];

	rfc3339_now(created, sizeof(created));
	snprintf(owner, sizeof(owner), "%u", (unsigned)geteuid());
	json_object_set_new(c->state, "ociVersion", json_string(l->oci.oci_version));
	json_object_set_new(c->state, "id", json_string(c->id));
	json_object_set_new(c->state, "pid", json_integer(init));
	json_object_set_new(c->state, "status", json_string("created"));
	json_object_set_new(c->state, "bundle", json_string(l->bundle));
	json_object_set_new(c->state, "rootfs", json_string(l->rootfs));
	json_object_set_new(c->state, "created", json_string(created));
	json_object_set_new(c->state, "owner", json_string(pw ? pw->pw_name : owner));
	json_object_set_new(c->state, "annotations", annotations_json(&l->oci));
	json_object_set_new(c->state, "idMappings", container_ids_json(&l->ids));
	json_object_set_new(c->state, "initStartTime",
			    json_integer((json_int_t)container_process_start_time(init)));
	json_object_set_new(c->state, "monitorPid", json_integer(monitor));
	json_object_set_new(c->state, "monitorStartTime",
			    json_integer((json_int_t)container_process_start_time(monitor)));
	json_object_set_new(c->state, "cgroup", cgroup_to_json(&l->cgroup));
	return container_save(c, err);
}

/* Written through a temp file and rename, so a reader never sees half a pid. */
int container_write_pid_file(const char *file, pid_t pid, struct moat_error *err)
{
	char tmp[PATH_MAX];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.moat-tmp", file);
	f = fopen(tmp, "we");
	if (!f)
		return moat_error_set(err, errno, "--pid-file %s", file);
	fprintf(f, "%d", pid);
	if (fclose(f) != 0 || rename(tmp, file) < 0) {
		unlink(tmp);
		return moat_error_set(err, errno, "--pid-file %s", file);
	}
	return 0;
}

/* runc's console socket protocol: the master as SCM_RIGHTS, with a name. */
int container_send_console(const char *socket_path, int master, struct moat_error *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char name[] = "/dev/ptmx";

	if (strlen(socket_path) >= sizeof(addr.sun_path))
		return moat_error_setx(err, ENAMETOOLONG, "--console-socket %s: too long",
				       socket_path);
	strcpy(addr.sun_path, socket_path);
	if (s < 0 || connect(s, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return moat_error_set(err, errno, "--console-socket %s", socket_path);
	if (fdpass_send(s, name, sizeof(name) - 1, &master, 1) < 0)
		return moat_error_set(err, errno, "--console-socket %s: send the pty", socket_path);
	return 0;
}

static int open_cgroup_dir(const struct cgroup *cg, struct moat_error *err)
{
	int fd = open(cg->d[0].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? moat_error_set(err, errno, "open %s", cg->d[0].path) : fd;
}

/* Wait for pid 1 to be set up (SYNC_READY); a pty master may come first,
 * and before that the request to move pid 1 into the cgroup. */
static pid_t await_ready(int sock, const struct create_options *o, const struct cgroup *cg,
			 bool shared_pid_ns, int *pty, struct moat_error *err)
{
	for (;;) {
		struct sync_msg msg;
		int fd = -1, r = sync_recv(sock, &msg, &fd);

		if (r <= 0)
			return moat_error_setx(err, EPIPE,
					       "the container's monitor exited "
					       "during set-up");
		if (msg.type == SYNC_READY)
			return msg.value;
		if (msg.type == SYNC_ERROR)
			return moat_error_setx(err, msg.value ? msg.value : EIO, "%s", msg.text);
		if (msg.type == SYNC_CGROUP) {
			if (fd >= 0)
				close(fd);
			r = cgroup_join_pid(cg, msg.value, err);
			if (r < 0)
				return r;
			/* The monitor ends a container whose pid namespace outlives
			 * pid 1 through its cgroup's cgroup.procs. */
			if (shared_pid_ns) {
				fd = open_cgroup_dir(cg, err);
				if (fd < 0)
					return fd;
			}
			r = sync_send(sock, SYNC_CGROUP, 0, fd);
			if (fd >= 0)
				close(fd);
			if (r < 0)
				return moat_error_set(err, -r, "resume the container's pid 1");
			continue;
		}
		if (msg.type == SYNC_PTY && fd >= 0) {
			if (o->console_socket) {
				r = container_send_console(o->console_socket, fd, err);
				close(fd);
				if (r < 0)
					return r;
			} else {
				*pty = fd;
			}
		} else if (fd >= 0) {
			close(fd);
		}
	}
}

static int make_exec_fifo(struct container *c, struct moat_error *err)
{
	char path[PATH_MAX + 16];
	int fd;

	snprintf(path, sizeof(path), "%s/" CONTAINER_EXEC_FIFO, c->dir);
	if (mkfifo(path, 0600) < 0)
		return moat_error_set(err, errno, "create %s", path);
	/* pid 1 (an unmapped or other uid on the host) opens it through its fd:
	 * the 0700 state directory keeps everyone else away. */
	if (chmod(path, 0622) < 0)
		return moat_error_set(err, errno, "chmod %s", path);
	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return moat_error_set(err, errno, "open %s", path);
	return fd;
}

/* prestart (deprecated, but still what many engines use) and createRuntime. */
static int run_create_hooks(struct container *c, const struct oci_config *oci,
			    struct moat_error *err)
{
	json_t *state = container_public_state(c);
	int r = container_hooks_run(&oci->hooks[OCI_HOOK_PRESTART], "prestart", state, err);

	if (r == 0)
		r = container_hooks_run(&oci->hooks[OCI_HOOK_CREATE_RUNTIME], "createRuntime",
					state, err);
	json_decref(state);
	return r;
}

/* Undo a failed create: the sandbox (its monitor takes the rest along), the
 * cgroup and the state. */
static void abandon(struct container *c, pid_t monitor, const struct cgroup *cg)
{
	struct moat_error ignored;

	if (monitor > 0) {
		kill(monitor, SIGKILL);
		waitpid(monitor, NULL, 0);
	}
	if (cgroup_destroy(cg, &ignored) < 0)
		fprintf(stderr, "moat: warning: %s\n", ignored.msg);
	if (container_remove(c, &ignored) < 0)
		container_close(c);
}

int container_create(const struct oci_globals *g, const struct create_options *o, bool run)
{
	struct moat_error err = {0};
	struct container c = {.dir_fd = -1};
	_cleanup_free_ struct launch *l = calloc(1, sizeof(*l));
	pid_t monitor = -1, init;
	int sock = -1, pty = -1, fifo, r, code;
	bool detach = !run || o->detach;

	if (!l)
		return oci_cli_fail(g, &(struct moat_error){ENOMEM, "out of memory"});
	log_set_debug(g->debug);
	if (container_check_id(o->id, &err) < 0 || load_bundle(l, o->bundle, &err) < 0 ||
	    build_config(l, g, o, detach, &err) < 0 || container_process_check(&l->oci, &err) < 0)
		goto fail_config;
	if (l->oci.process.terminal && detach && !o->console_socket) {
		moat_error_setx(&err, EINVAL,
				"cannot allocate tty if moat will detach without setting "
				"console socket");
		goto fail_config;
	}
	if (!l->oci.process.terminal && o->console_socket) {
		moat_error_setx(&err, EINVAL,
				"cannot use console socket if moat will not detach or allocate "
				"tty");
		goto fail_config;
	}
	if (container_new(g, o->id, &c, &err) < 0)
		goto fail_config;
	if (container_ids_assign(&l->ids, c.dir, &err) < 0)
		goto fail;
	if (cgroup_setup(&l->oci.linux_config.resources, l->oci.linux_config.cgroups_path, o->id,
			 &l->cgroup, &err) < 0)
		goto fail;
	l->setup.cgroup = l->cgroup.n ? &l->cgroup : NULL;
	if (!l->setup.cgroup && container_joins(&l->setup, CLONE_NEWPID)) {
		moat_error_setx(&err, ENOTSUP,
				"linux.namespaces: pid: a container that shares a pid namespace "
				"needs a cgroup of its own (its processes outlive pid 1 and are "
				"ended through it), and this one has none");
		goto fail;
	}
	fifo = make_exec_fifo(&c, &err);
	if (fifo < 0)
		goto fail;
	l->setup.exec_fifo_fd = fifo;
	l->setup.state_lock_fd = c.dir_fd;
	l->setup.exec_sock_fd = container_exec_socket(&c, &err); /* the monitor serves it */
	if (l->setup.exec_sock_fd < 0) {
		close(fifo);
		goto fail;
	}
	r = sandbox_spawn(&l->cfg, &sock, &monitor, &err);
	close(fifo);
	close(l->setup.exec_sock_fd);
	if (r < 0)
		goto fail;
	init =
	    await_ready(sock, o, &l->cgroup, container_joins(&l->setup, CLONE_NEWPID), &pty, &err);
	if (init < 0 || container_process_host_limits(init, &l->oci.process, &err) < 0 ||
	    write_state(&c, l, init, monitor, &err) < 0 ||
	    (o->pid_file && container_write_pid_file(o->pid_file, monitor, &err) < 0))
		goto fail;
	if (run_create_hooks(&c, &l->oci, &err) < 0)
		goto fail;
	if (!run) {
		close(sock);
		container_close(&c);
		launch_release(l);
		return 0;
	}
	if (container_start_locked(&c, &err) < 0)
		goto fail;
	container_close(&c); /* `moat state` and `kill` work while it runs */
	if (o->detach) {
		close(sock);
		launch_release(l);
		return 0;
	}
	code = sandbox_wait(&l->cfg, sock, monitor, init, pty);
	close(sock);
	if (!o->keep && container_open(g, o->id, &c, &err) == 0 && container_destroy(&c, &err) < 0)
		oci_cli_fail(g, &err);
	launch_release(l);
	return code;

fail:
	if (pty >= 0)
		close(pty);
	if (sock >= 0)
		close(sock);
	abandon(&c, monitor, &l->cgroup);
fail_config:
	launch_release(l);
	return oci_cli_fail(g, &err);
}
