/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container state on disk: ROOT/ID/state.json (the runtime-spec state plus
 * moat's private fields: the start times of pid 1 and of the monitor, so a
 * recycled pid is never mistaken for the container) and ROOT/ID/exec.fifo
 * while the container is created but not started.
 */
#include "container.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "cgroup.h"
#include "id_alloc.h"
#include "userns.h"

int container_check_id(const char *id, struct moat_error *err)
{
	size_t n = strlen(id);

	if (n == 0)
		return moat_error_setx(err, EINVAL, "container id cannot be empty");
	if (n > 200 || !strcmp(id, ".") || !strcmp(id, ".."))
		return moat_error_setx(err, EINVAL, "invalid container id \"%s\"", id);
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_+.-", *p))
			return moat_error_setx(err, EINVAL, "invalid container id \"%s\"", id);
	return 0;
}

/* mkdir -p; the last component 0700 and, when new, ours. */
static int make_root(const char *root, struct moat_error *err)
{
	char buf[PATH_MAX];
	struct stat st;

	if (snprintf(buf, sizeof(buf), "%s", root) >= (int)sizeof(buf))
		return moat_error_setx(err, ENAMETOOLONG, "--root %s: too long", root);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return moat_error_set(err, errno, "--root: create %s", buf);
		*p = '/';
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return moat_error_set(err, errno, "--root: create %s", buf);
	if (lstat(buf, &st) < 0)
		return moat_error_set(err, errno, "--root %s", buf);
	if (!S_ISDIR(st.st_mode))
		return moat_error_setx(err, ENOTDIR, "--root %s: not a directory", buf);
	/* Someone else's directory could hold forged state (say, a pid to kill). */
	if (st.st_uid != geteuid() || (st.st_mode & 022))
		return moat_error_setx(err, EPERM,
				       "--root %s: must be owned by uid %u and writable only by it",
				       buf, (unsigned)geteuid());
	return 0;
}

int container_root_prepare(struct oci_globals *g, struct moat_error *err)
{
	static char path[PATH_MAX];

	if (!g->root) {
		const char *xdg = getenv("XDG_RUNTIME_DIR");

		if (userns_host_root())
			snprintf(path, sizeof(path), "/run/moat");
		else if (xdg && xdg[0] == '/')
			snprintf(path, sizeof(path), "%s/moat", xdg);
		else
			snprintf(path, sizeof(path), "/tmp/moat-%u", (unsigned)geteuid());
	} else if (g->root[0] != '/') {
		char cwd[PATH_MAX];

		if (!getcwd(cwd, sizeof(cwd)))
			return moat_error_set(err, errno, "--root %s", g->root);
		snprintf(path, sizeof(path), "%s/%s", cwd, g->root);
	} else {
		snprintf(path, sizeof(path), "%s", g->root);
	}
	g->root = path;
	return make_root(path, err);
}

static int lock_dir(struct container *c, struct moat_error *err)
{
	c->dir_fd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (c->dir_fd < 0)
		return errno == ENOENT
			   ? moat_error_setx(err, ENOENT, "container \"%s\" does not exist", c->id)
			   : moat_error_set(err, errno, "open %s", c->dir);
	if (flock(c->dir_fd, LOCK_EX) < 0)
		return moat_error_set(err, errno, "lock %s", c->dir);
	return 0;
}

static int container_init(const struct oci_globals *g, const char *id, struct container *c,
			  struct moat_error *err)
{
	int r;

	memset(c, 0, sizeof(*c));
	c->dir_fd = -1;
	r = container_check_id(id, err);
	if (r < 0)
		return r;
	snprintf(c->id, sizeof(c->id), "%s", id);
	if (snprintf(c->dir, sizeof(c->dir), "%s/%s", g->root, id) >= (int)sizeof(c->dir))
		return moat_error_setx(err, ENAMETOOLONG, "container \"%s\": path too long", id);
	return 0;
}

int container_new(const struct oci_globals *g, const char *id, struct container *c,
		  struct moat_error *err)
{
	int r = container_init(g, id, c, err);

	if (r < 0)
		return r;
	if (mkdir(c->dir, 0700) < 0)
		return errno == EEXIST
			   ? moat_error_setx(err, EEXIST, "container with id \"%s\" already exists",
					     id)
			   : moat_error_set(err, errno, "create %s", c->dir);
	r = lock_dir(c, err);
	if (r < 0) {
		rmdir(c->dir);
		return r;
	}
	c->state = json_object();
	return c->state ? 0 : moat_error_set(err, ENOMEM, "state");
}

int container_open(const struct oci_globals *g, const char *id, struct container *c,
		   struct moat_error *err)
{
	char path[PATH_MAX + 16];
	json_error_t jerr;
	int r = container_init(g, id, c, err);

	if (r < 0)
		return r;
	r = lock_dir(c, err);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s/" CONTAINER_STATE_FILE, c->dir);
	c->state = json_load_file(path, 0, &jerr);
	if (!c->state || !json_is_object(c->state)) {
		container_close(c);
		/* A directory without state is a create that failed or is under way. */
		return moat_error_setx(err, ENOENT, "container \"%s\" does not exist", id);
	}
	return 0;
}

int container_open_running(const struct oci_globals *g, const char *id, struct container *c,
			   struct moat_error *err)
{
	int r = container_open(g, id, c, err);

	if (r < 0)
		return r;
	if (container_status(c) == CONTAINER_STOPPED) {
		container_close(c);
		return moat_error_setx(err, ESRCH, "container not running");
	}
	return 0;
}

void container_close(struct container *c)
{
	if (c->dir_fd >= 0)
		close(c->dir_fd);
	c->dir_fd = -1;
	json_decref(c->state);
	c->state = NULL;
}

int container_save(struct container *c, struct moat_error *err)
{
	char tmp[PATH_MAX + 32], path[PATH_MAX + 16];

	snprintf(tmp, sizeof(tmp), "%s/." CONTAINER_STATE_FILE ".tmp", c->dir);
	snprintf(path, sizeof(path), "%s/" CONTAINER_STATE_FILE, c->dir);
	if (json_dump_file(c->state, tmp, JSON_PRESERVE_ORDER | JSON_COMPACT) < 0)
		return moat_error_setx(err, EIO, "write %s", tmp);
	if (rename(tmp, path) < 0)
		return moat_error_set(err, errno, "write %s", path);
	return 0;
}

int container_remove(struct container *c, struct moat_error *err)
{
	_cleanup_closedir_ DIR *d = opendir(c->dir);
	struct dirent *e;

	if (!d)
		return moat_error_set(err, errno, "open %s", c->dir);
	id_alloc_release(c->dir); /* its host id range, if it had one of its own */
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    unlinkat(dirfd(d), e->d_name, 0) < 0)
			return moat_error_set(err, errno, "remove %s/%s", c->dir, e->d_name);
	if (rmdir(c->dir) < 0)
		return moat_error_set(err, errno, "remove %s", c->dir);
	container_close(c);
	return 0;
}

unsigned long long container_process_start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* comm may hold spaces and parentheses: fields resume after the last ')' */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return 0; /* a zombie has exited */
	p += 2;
	/* field 3 is the state; starttime is field 22 */
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (p)
		start = strtoull(p, NULL, 10);
	return start;
}

bool container_process_alive(pid_t pid, unsigned long long start_time)
{
	if (pid <= 0)
		return false;
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return false;
	return container_process_start_time(pid) == start_time && start_time != 0;
}

pid_t container_init_pid(const struct container *c)
{
	return (pid_t)json_integer_value(json_object_get(c->state, "pid"));
}

/* Is the container's cgroup frozen (`moat pause`)? */
static bool container_frozen(const struct container *c)
{
	struct moat_error ignored;
	_cleanup_free_ struct cgroup *cg = cgroup_of_container(c, &ignored);

	return cg && cg->n && cgroup_is_frozen(cg);
}

enum container_status container_status(const struct container *c)
{
	unsigned long long start =
	    (unsigned long long)json_integer_value(json_object_get(c->state, "initStartTime"));
	char fifo[PATH_MAX + 16];

	if (!container_process_alive(container_init_pid(c), start))
		return CONTAINER_STOPPED;
	if (container_frozen(c))
		return CONTAINER_PAUSED;
	snprintf(fifo, sizeof(fifo), "%s/" CONTAINER_EXEC_FIFO, c->dir);
	return access(fifo, F_OK) == 0 ? CONTAINER_CREATED : CONTAINER_RUNNING;
}

const char *container_status_name(enum container_status s)
{
	return s == CONTAINER_CREATED	? "created"
	       : s == CONTAINER_RUNNING ? "running"
	       : s == CONTAINER_PAUSED	? "paused"
					: "stopped";
}

json_t *container_public_state(const struct container *c)
{
	static const char *const fields[] = {"ociVersion", "id",     "pid",	"status",
					     "bundle",	   "rootfs", "created", "owner"};
	enum container_status s = container_status(c);
	json_t *out = json_object(), *ann;

	if (!out)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		json_t *v = json_object_get(c->state, fields[i]);

		if (!strcmp(fields[i], "status"))
			v = json_string(container_status_name(s));
		else if (!strcmp(fields[i], "pid"))
			v = json_integer(s == CONTAINER_STOPPED ? 0 : container_init_pid(c));
		else
			v = json_incref(v ? v : json_string(""));
		json_object_set_new(out, fields[i], v);
	}
	ann = json_object_get(c->state, "annotations");
	if (ann && json_object_size(ann))
		json_object_set(out, "annotations", ann);
	return out;
}
