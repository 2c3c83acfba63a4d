/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What cgroup v1 and v2 share: finding the hierarchies, resolving the
 * container's directories the way runc's cgroupfs driver does, creating and
 * removing them, moving processes in. The per-version writes are in
 * cgroup_v1.c and cgroup_v2.c.
 */
#include "cgroup.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/log.h"
#include "container.h"
#include "oci_config.h"
#include "userns.h"

static const struct {
	const char *name;
	enum cgroup_controller c;
} controller_names[] = {
    {"cpu", CG_CPU},  {"cpuset", CG_CPUSET}, {"memory", CG_MEMORY},   {"pids", CG_PIDS},
    {"blkio", CG_IO}, {"io", CG_IO},	     {"hugetlb", CG_HUGETLB}, {"freezer", CG_FREEZER},
};

static const char *const controller_fields[CG_COUNT] = {
    [CG_CPU] = "linux.resources.cpu",	    [CG_CPUSET] = "linux.resources.cpu.cpus/mems",
    [CG_MEMORY] = "linux.resources.memory", [CG_PIDS] = "linux.resources.pids",
    [CG_IO] = "linux.resources.blockIO",    [CG_HUGETLB] = "linux.resources.hugepageLimits",
};

static const char *const controller_labels[CG_COUNT] = {
    [CG_CPU] = "cpu",
    [CG_CPUSET] = "cpuset",
    [CG_MEMORY] = "memory",
    [CG_PIDS] = "pids",
    [CG_IO] = "blkio (v1) or io (v2)",
    [CG_HUGETLB] = "hugetlb",
    [CG_FREEZER] = "freezer",
};

static unsigned controllers_of_list(const char *list)
{
	char buf[256], *save = NULL;
	unsigned bits = 0;

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, ", \n", &save); t; t = strtok_r(NULL, ", \n", &save))
		for (size_t i = 0; i < ARRAY_SIZE(controller_names); i++)
			if (!strcmp(t, controller_names[i].name))
				bits |= CG_BIT(controller_names[i].c);
	return bits;
}

/* Does the comma-separated opts hold every token of list? */
static bool options_hold(const char *opts, const char *list)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		size_t n = strlen(t);
		const char *p = opts;
		bool found = false;

		while (!found && p && *p) {
			found = !strncmp(p, t, n) && (p[n] == ',' || p[n] == '\0');
			p = strchr(p, ',');
			p = p ? p + 1 : NULL;
		}
		if (!found)
			return false;
	}
	return true;
}

struct mount_entry {
	char root[CGROUP_PATH_MAX], point[CGROUP_PATH_MAX], type[32], opts[512];
};

/* Fields 4 (root) and 5 (mount point), and after " - ": type, source, super options. */
static bool parse_mountinfo_line(char *line, struct mount_entry *m)
{
	char *sep = strstr(line, " - "), *f[6], *save = NULL;
	int n = 0;

	if (!sep)
		return false;
	*sep = '\0';
	for (char *t = strtok_r(line, " ", &save); t && n < 6; t = strtok_r(NULL, " ", &save))
		f[n++] = t;
	if (n < 5)
		return false;
	snprintf(m->root, sizeof(m->root), "%s", f[3]);
	snprintf(m->point, sizeof(m->point), "%s", f[4]);
	save = NULL;
	n = 0;
	for (char *t = strtok_r(sep + 3, " \n", &save); t && n < 3;
	     t = strtok_r(NULL, " \n", &save))
		f[n++] = t;
	if (n < 3)
		return false;
	snprintf(m->type, sizeof(m->type), "%s", f[0]);
	snprintf(m->opts, sizeof(m->opts), "%s", f[2]);
	return true;
}

/* The first cgroup mount of the hierarchy: type "cgroup2", or "cgroup" holding list. */
static bool find_mount(const char *mountinfo, bool v2, const char *list, struct mount_entry *out)
{
	_cleanup_fclose_ FILE *f = fopen(mountinfo, "re");
	char line[4096];

	while (f && fgets(line, sizeof(line), f)) {
		if (!parse_mountinfo_line(line, out))
			continue;
		if (v2 ? !strcmp(out->type, "cgroup2")
		       : !strcmp(out->type, "cgroup") && options_hold(out->opts, list))
			return true;
	}
	return false;
}

int cgroup_read_all(const char *dir, const char *file, char *buf, size_t len)
{
	char path[CGROUP_PATH_MAX + 128];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

int cgroup_read(const char *dir, const char *file, char *buf, size_t len)
{
	int r = cgroup_read_all(dir, file, buf, len);

	if (r == 0)
		buf[strcspn(buf, "\n")] = '\0';
	return r;
}

int cgroup_write_file(const char *dir, const char *file, const char *value)
{
	char path[CGROUP_PATH_MAX + 128];
	_cleanup_close_ int fd = -1;
	size_t len = strlen(value);

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, value, len) != (ssize_t)len)
		return errno ? -errno : -EIO;
	return 0;
}

bool cgroup_file_exists(const char *dir, const char *file)
{
	char path[CGROUP_PATH_MAX + 128];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return access(path, F_OK) == 0;
}

int cgroup_detect(const char *mountinfo, const char *self_cgroup, struct cgroup_layout *out,
		  struct moat_error *err)
{
	_cleanup_fclose_ FILE *f = fopen(self_cgroup, "re");
	char line[4096];

	memset(out, 0, sizeof(*out));
	if (!f)
		return moat_error_set(err, errno, "cgroups: open %s", self_cgroup);
	while (fgets(line, sizeof(line), f)) {
		char *list = strchr(line, ':'), *path = list ? strchr(list + 1, ':') : NULL;
		struct cgroup_hierarchy *h = &out->h[out->n];
		struct mount_entry m;
		size_t rootlen;
		bool v2;

		if (!path)
			continue;
		*list++ = '\0';
		*path++ = '\0';
		path[strcspn(path, "\n")] = '\0';
		v2 = !strcmp(line, "0") && !*list;
		if (!v2 && !*list)
			continue;
		if (!find_mount(mountinfo, v2, list, &m))
			continue; /* not mounted: as runc, nothing to join there */
		if (out->n == CGROUP_MAX)
			return moat_error_setx(err, E2BIG, "cgroups: more than %d hierarchies",
					       CGROUP_MAX);
		h->version = v2 ? 2 : 1;
		snprintf(h->label, sizeof(h->label), "%s", list);
		snprintf(h->mount, sizeof(h->mount), "%s", m.point);
		/* A mount of a sub-tree (root "/a") shows the cgroup "/a/b" as "/b". */
		rootlen = strcmp(m.root, "/") ? strlen(m.root) : 0;
		if (rootlen && !strncmp(path, m.root, rootlen) &&
		    (path[rootlen] == '/' || !path[rootlen]))
			path += rootlen;
		snprintf(h->own, sizeof(h->own), "%s", *path ? path : "/");
		if (v2) {
			char ctrl[512];

			if (cgroup_read(h->mount, "cgroup.controllers", ctrl, sizeof(ctrl)) == 0)
				h->controllers = controllers_of_list(ctrl);
		} else {
			h->controllers = controllers_of_list(list);
			out->has_v1 = true;
		}
		out->n++;
	}
	if (out->n == 0)
		return moat_error_setx(err, ENOENT,
				       "cgroups: no cgroup hierarchy is mounted (%s, %s)",
				       mountinfo, self_cgroup);
	return 0;
}

unsigned cgroup_needed(const struct oci_resources *r, bool *unified)
{
	unsigned bits = 0;

	*unified = r->n_unified > 0;
	if (r->memory.limit.set || r->memory.reservation.set || r->memory.swap.set ||
	    r->memory.swappiness.set || r->memory.disable_oom_killer)
		bits |= CG_BIT(CG_MEMORY);
	if (r->cpu.shares.set || r->cpu.quota.set || r->cpu.period.set || r->cpu.burst.set ||
	    r->cpu.realtime_period.set || r->cpu.realtime_runtime.set || r->cpu.idle.set)
		bits |= CG_BIT(CG_CPU);
	if (r->cpu.cpus || r->cpu.mems)
		bits |= CG_BIT(CG_CPUSET);
	if (r->pids_limit.set)
		bits |= CG_BIT(CG_PIDS);
	if (r->block_io.weight.set || r->block_io.leaf_weight.set)
		bits |= CG_BIT(CG_IO);
	if (r->n_hugepage_limits)
		bits |= CG_BIT(CG_HUGETLB);
	return bits;
}

/* Lexically clean: no "", "." or ".." components; ".." stops at the top. */
static int clean_path(const char *in, char *out, size_t len)
{
	char buf[CGROUP_PATH_MAX], *save = NULL;
	size_t used = 0;

	if (strlen(in) >= sizeof(buf))
		return -ENAMETOOLONG;
	snprintf(buf, sizeof(buf), "%s", in);
	out[0] = '\0';
	for (char *t = strtok_r(buf, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (!strcmp(t, "."))
			continue;
		if (!strcmp(t, "..")) {
			char *slash = strrchr(out, '/');

			used = slash ? (size_t)(slash - out) : 0;
			out[used] = '\0';
			continue;
		}
		if (used + strlen(t) + 2 > len)
			return -ENAMETOOLONG;
		used += snprintf(out + used, len - used, "/%s", t);
	}
	return 0;
}

int cgroup_resolve(const struct cgroup_layout *layout, const char *cgroups_path, const char *id,
		   struct cgroup *out, struct moat_error *err)
{
	const char *given = cgroups_path && *cgroups_path ? cgroups_path : id;
	bool absolute = given[0] == '/';
	char inner[CGROUP_PATH_MAX];
	const char *c1 = strchr(given, ':');

	memset(out, 0, sizeof(*out));
	if (!absolute && c1 && strchr(c1 + 1, ':') && !strchr(strchr(c1 + 1, ':') + 1, ':'))
		return moat_error_setx(err, ENOTSUP,
				       "linux.cgroupsPath \"%s\": the form slice:prefix:name is "
				       "for the systemd cgroup driver, which moat does not support",
				       given);
	if (clean_path(given, inner, sizeof(inner)) < 0)
		return moat_error_setx(err, ENAMETOOLONG, "linux.cgroupsPath: too long");
	if (!inner[0])
		return moat_error_setx(err, EINVAL,
				       "linux.cgroupsPath \"%s\": names the root cgroup", given);
	for (size_t i = 0; i < layout->n; i++) {
		const struct cgroup_hierarchy *h = &layout->h[i];
		struct cgroup_dir *d = &out->d[out->n++];
		char parent[CGROUP_PATH_MAX];
		int n;

		d->version = h->version;
		d->controllers = h->controllers;
		snprintf(d->label, sizeof(d->label), "%s", h->label);
		snprintf(d->mount, sizeof(d->mount), "%s", h->mount);
		/* runc's fs2 starts from the parent of its own cgroup: the own one
		 * holds processes, so no controller could be enabled below it. */
		snprintf(parent, sizeof(parent), "%s", absolute ? "/" : h->own);
		if (!absolute && h->version == 2 && !layout->has_v1) {
			char *slash = strrchr(parent, '/');

			if (slash)
				*slash = '\0';
		}
		if (!strcmp(parent, "/"))
			parent[0] = '\0';
		n = snprintf(d->path, sizeof(d->path), "%s%s%s", h->mount, parent, inner);
		if (n < 0 || (size_t)n >= sizeof(d->path))
			return moat_error_setx(err, ENAMETOOLONG, "linux.cgroupsPath: too long");
	}
	return 0;
}

/* mkdir -p below the mount, remembering the highest directory made. */
static int make_dirs(struct cgroup_dir *d, struct moat_error *err)
{
	char path[CGROUP_PATH_MAX];
	char *p;

	snprintf(path, sizeof(path), "%s", d->path);
	p = strchr(path + strlen(d->mount) + 1, '/');
	for (;;) {
		if (p)
			*p = '\0';
		if (mkdir(path, 0755) == 0) {
			if (!d->top[0])
				snprintf(d->top, sizeof(d->top), "%s", path);
		} else if (errno != EEXIST) {
			return moat_error_set(err, errno, "cgroups: create %s", path);
		}
		if (!p)
			return 0;
		*p = '/';
		p = strchr(p + 1, '/');
	}
}

int cgroup_plan_add(struct cgroup_plan *plan, const char *field, const char *file, bool verify,
		    const char *fmt, ...)
{
	struct cgroup_write *w;
	va_list ap;

	if (plan->n == ARRAY_SIZE(plan->w))
		return -E2BIG;
	w = &plan->w[plan->n++];
	w->field = field;
	w->verify = verify;
	snprintf(w->file, sizeof(w->file), "%s", file);
	va_start(ap, fmt);
	vsnprintf(w->value, sizeof(w->value), fmt, ap);
	va_end(ap);
	return 0;
}

int cgroup_plan_cpuset_pids(const struct oci_resources *r, unsigned controllers,
			    struct cgroup_plan *plan, struct moat_error *err)
{
	if (controllers & CG_BIT(CG_CPUSET)) {
		if (r->cpu.cpus)
			CGROUP_PLAN_ADD("linux.resources.cpu.cpus", "cpuset.cpus", "%s",
					r->cpu.cpus);
		if (r->cpu.mems)
			CGROUP_PLAN_ADD("linux.resources.cpu.mems", "cpuset.mems", "%s",
					r->cpu.mems);
	}
	if ((controllers & CG_BIT(CG_PIDS)) && r->pids_limit.set) {
		if (r->pids_limit.value > 0)
			CGROUP_PLAN_ADD("linux.resources.pids.limit", "pids.max", "%" PRId64,
					r->pids_limit.value);
		else
			CGROUP_PLAN_ADD("linux.resources.pids.limit", "pids.max", "max");
	}
	return 0;
}

/* "2MB" style hugepage sizes only: digits then a unit. */
static bool page_size_ok(const char *s)
{
	size_t digits = strspn(s, "0123456789");

	return digits > 0 && digits < 8 && s[digits] &&
	       strspn(s + digits, "KMGTPkmgtpB") == strlen(s + digits);
}

int cgroup_plan_hugetlb(const struct oci_resources *r, unsigned controllers, const char *suffix,
			struct cgroup_plan *plan, struct moat_error *err)
{
	for (size_t i = 0; (controllers & CG_BIT(CG_HUGETLB)) && i < r->n_hugepage_limits; i++) {
		char file[96];

		if (!page_size_ok(r->hugepage_limits[i].page_size))
			return moat_error_setx(err, EINVAL,
					       "linux.resources.hugepageLimits[%zu].pageSize: bad "
					       "size \"%s\"",
					       i, r->hugepage_limits[i].page_size);
		snprintf(file, sizeof(file), "hugetlb.%s.%s", r->hugepage_limits[i].page_size,
			 suffix);
		CGROUP_PLAN_ADD("linux.resources.hugepageLimits", file, "%" PRIu64,
				r->hugepage_limits[i].limit);
	}
	return 0;
}

int cgroup_plan_apply(const char *dir, const struct cgroup_plan *plan, struct moat_error *err)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct cgroup_write *w = &plan->w[i];
		char back[512];
		int r = cgroup_write_file(dir, w->file, w->value);

		if (r < 0)
			return moat_error_set(err, -r, "%s: write \"%s\" to %s/%s", w->field,
					      w->value, dir, w->file);
		if (w->verify &&
		    (cgroup_read(dir, w->file, back, sizeof(back)) < 0 || strcmp(back, w->value)))
			return moat_error_setx(err, EINVAL,
					       "%s: %s/%s holds %s after writing %s (out of the "
					       "kernel's range)",
					       w->field, dir, w->file, back, w->value);
	}
	return 0;
}

static const struct cgroup_backend *backend_of(const struct cgroup_dir *d)
{
	return d->version == 2 ? &cgroup_v2_backend : &cgroup_v1_backend;
}

/* The directory of the hierarchy holding controller c, or NULL. */
static const struct cgroup_dir *dir_with(const struct cgroup *cg, unsigned bit)
{
	for (size_t i = 0; i < cg->n; i++)
		if (cg->d[i].controllers & bit)
			return &cg->d[i];
	return NULL;
}

static int check_empty(const struct cgroup_dir *d, struct moat_error *err)
{
	char procs[64];

	if (d->top[0] || cgroup_read(d->path, "cgroup.procs", procs, sizeof(procs)) < 0 ||
	    !procs[0])
		return 0;
	return moat_error_setx(err, EBUSY,
			       "linux.cgroupsPath: %s already holds processes (pid %s ...); a "
			       "container needs a cgroup of its own",
			       d->path, procs);
}

/* A frozen cgroup (or one under a frozen ancestor) would stop pid 1 at once:
 * `create` would wait forever. runc refuses it as well. */
static int check_not_frozen(const struct cgroup_dir *d, struct moat_error *err)
{
	if (cgroup_dir_frozen(d))
		return moat_error_setx(err, EBUSY, "linux.cgroupsPath: %s is frozen", d->path);
	return 0;
}

/* The hierarchies r needs exist; *v2 is the cgroup v2 one (or NULL). */
static int check_needed(const struct cgroup *cg, const struct oci_resources *r,
			const struct cgroup_dir **v2, struct moat_error *err)
{
	bool unified;
	unsigned needed = cgroup_needed(r, &unified);

	for (int c = 0; c < CG_COUNT; c++)
		if ((needed & CG_BIT(c)) && !dir_with(cg, CG_BIT(c)))
			return moat_error_setx(err, ENOTSUP,
					       "%s: no mounted cgroup hierarchy has the %s "
					       "controller",
					       controller_fields[c], controller_labels[c]);
	*v2 = NULL;
	for (size_t i = 0; i < cg->n; i++)
		if (cg->d[i].version == 2)
			*v2 = &cg->d[i];
	if (unified && !*v2)
		return moat_error_setx(err, ENOTSUP,
				       "linux.resources.unified: needs cgroup v2, and this host "
				       "has none mounted");
	return 0;
}

/* The controllers of d that r sets (the v2 one also those unified's keys name). */
static unsigned dir_controllers(const struct cgroup_dir *d, const struct cgroup_dir *v2,
				const struct oci_resources *r)
{
	bool unified;
	unsigned mine = cgroup_needed(r, &unified) & d->controllers;

	if (d == v2)
		for (size_t k = 0; k < r->n_unified; k++) {
			char prefix[64]; /* "memory" of "memory.high" */

			snprintf(prefix, sizeof(prefix), "%.*s",
				 (int)strcspn(r->unified[k].key, "."), r->unified[k].key);
			mine |= controllers_of_list(prefix) & d->controllers;
		}
	return mine;
}

/* Write what r sets into d (a container's directory, ready for it). */
static int apply_resources(const struct cgroup_dir *d, const struct cgroup_dir *v2, unsigned mine,
			   const struct oci_resources *r, struct moat_error *err)
{
	_cleanup_free_ struct cgroup_plan *plan = calloc(1, sizeof(*plan));
	int ret = 0;

	if (!plan)
		return moat_error_set(err, ENOMEM, "cgroups");
	if (d == v2 && r->n_unified)
		mine |= CGROUP_PLAN_UNIFIED;
	if (mine)
		ret = backend_of(d)->plan(r, mine, d->path, plan, err);
	if (ret == 0)
		ret = cgroup_plan_apply(d->path, plan, err);
	return ret;
}

int cgroup_update(const struct cgroup *cg, const struct oci_resources *r, struct moat_error *err)
{
	const struct cgroup_dir *v2;
	int ret = check_needed(cg, r, &v2, err);

	for (size_t i = 0; i < cg->n && ret == 0; i++) {
		const struct cgroup_dir *d = &cg->d[i];
		unsigned mine = dir_controllers(d, v2, r);

		/* v2: enable controllers not needed at create; v1's prepare would
		 * copy the parent's cpuset over the container's own */
		ret = d->version == 2 ? backend_of(d)->prepare(d, mine, err) : 0;
		if (ret == 0)
			ret = apply_resources(d, v2, mine, r, err);
	}
	return ret;
}

int cgroup_create(struct cgroup *cg, const struct oci_resources *r, struct moat_error *err)
{
	const struct cgroup_dir *v2;
	int ret = check_needed(cg, r, &v2, err);

	for (size_t i = 0; i < cg->n && ret == 0; i++) {
		struct cgroup_dir *d = &cg->d[i];
		unsigned mine = dir_controllers(d, v2, r);

		ret = make_dirs(d, err);
		if (ret == 0)
			ret = check_empty(d, err);
		if (ret == 0)
			ret = check_not_frozen(d, err);
		if (ret == 0)
			ret = backend_of(d)->prepare(d, mine, err);
		if (ret == 0)
			ret = apply_resources(d, v2, mine, r, err);
		if (ret < 0)
			cg->n = i + 1; /* remove what exists so far */
	}
	if (ret < 0) {
		/* Only what moat made: a directory that existed is not ours to empty. */
		struct cgroup *made = calloc(1, sizeof(*made));
		struct moat_error ignored;

		for (size_t i = 0; made && i < cg->n; i++)
			if (cg->d[i].top[0])
				made->d[made->n++] = cg->d[i];
		if (made)
			cgroup_destroy(made, &ignored);
		free(made);
	}
	return ret;
}

int cgroup_join_pid(const struct cgroup *cg, pid_t pid, struct moat_error *err)
{
	char value[32];

	snprintf(value, sizeof(value), "%d", pid);
	for (size_t i = 0; i < cg->n; i++) {
		int r = cgroup_write_file(cg->d[i].path, "cgroup.procs", value);

		if (r < 0)
			return moat_error_set(err, -r, "cgroups: move pid %d into %s", pid,
					      cg->d[i].path);
	}
	return 0;
}

/*
 * SIGKILL every pid of cgroup.procs in the cgroup directory dir until it
 * reads empty. The file is opened anew each round: cgroup v1 keeps the pid
 * list an open file read first (for a while), so a re-read would show the
 * dead.
 */
int cgroup_kill_procs_at(int dir)
{
	const struct timespec tick = {.tv_nsec = 10 * 1000 * 1000};

	for (int round = 0; round < 500; round++) {
		int fd = openat(dir, "cgroup.procs", O_RDONLY | O_CLOEXEC);
		_cleanup_fclose_ FILE *f = fd < 0 ? NULL : fdopen(fd, "r");
		bool any = false;
		int pid;

		if (!f) {
			if (fd >= 0)
				close(fd);
			return -errno;
		}
		while (fscanf(f, "%d", &pid) == 1) {
			any = true;
			kill(pid, SIGKILL);
		}
		if (!any)
			return 0;
		nanosleep(&tick, NULL);
	}
	return -EBUSY;
}

int cgroup_kill_procs(const char *dir, struct moat_error *err)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = fd < 0 ? -errno : cgroup_kill_procs_at(fd);

	if (r == -ENOENT)
		return 0;
	if (r == -EBUSY)
		return moat_error_setx(err, EBUSY, "cgroups: processes in %s do not exit", dir);
	return r < 0 ? moat_error_set(err, -r, "read %s/cgroup.procs", dir) : 0;
}

/* rmdir, waiting a little for dying tasks to leave. */
static int remove_dir(const char *path)
{
	const struct timespec tick = {.tv_nsec = 10 * 1000 * 1000};

	for (int i = 0; i < 300; i++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		nanosleep(&tick, NULL);
	}
	return -EBUSY;
}

int cgroup_destroy(const struct cgroup *cg, struct moat_error *err)
{
	int ret = 0;

	for (size_t i = 0; i < cg->n; i++) {
		const struct cgroup_dir *d = &cg->d[i];
		char path[CGROUP_PATH_MAX];
		struct moat_error e;

		if (access(d->path, F_OK) == 0) {
			int r;

			if (backend_of(d)->kill(d->path, &e) < 0 && ret == 0)
				ret = moat_error_setx(err, e.code, "%s", e.msg);
			r = remove_dir(d->path);
			if (r < 0 && ret == 0)
				ret = moat_error_set(err, -r, "cgroups: remove %s", d->path);
		}
		/* Ancestors moat made, while empty (another container may share
		 * them); also after a create that failed half-way down. */
		snprintf(path, sizeof(path), "%s", d->path);
		while (d->top[0] && strlen(path) > strlen(d->top)) {
			*strrchr(path, '/') = '\0';
			if (rmdir(path) < 0 && errno != ENOENT)
				break;
		}
	}
	return ret;
}

int cgroup_setup(const struct oci_resources *r, const char *cgroups_path, const char *id,
		 struct cgroup *cg, struct moat_error *err)
{
	_cleanup_free_ struct cgroup_layout *layout = calloc(1, sizeof(*layout));
	bool unified;
	unsigned needed = cgroup_needed(r, &unified);
	bool requested = needed || unified;
	int ret;

	memset(cg, 0, sizeof(*cg));
	if (!layout)
		return moat_error_set(err, ENOMEM, "cgroups");
	ret = cgroup_detect("/proc/self/mountinfo", "/proc/self/cgroup", layout, err);
	if (ret == 0)
		ret = cgroup_resolve(layout, cgroups_path, id, cg, err);
	if (ret == 0)
		ret = cgroup_create(cg, r, err);
	if (ret == 0)
		return 0;
	cg->n = 0;
	if (!userns_host_root() && ret != -ENOTSUP) {
		/* runc rootless: a cgroup only where delegated, required only for limits. */
		if (!requested) {
			log_debug("no cgroup for the container (%s); unprivileged and no "
				  "linux.resources limits requested, going on without one",
				  err->msg);
			return 0;
		}
		return moat_error_prefix(err, "linux.resources: unprivileged, the limits cannot be "
					      "applied without a delegated cgroup");
	}
	return ret;
}

json_t *cgroup_to_json(const struct cgroup *cg)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < cg->n; i++) {
		const struct cgroup_dir *d = &cg->d[i];

		json_array_append_new(a, json_pack("{s:i, s:s, s:s, s:s, s:s, s:i}", "version",
						   d->version, "label", d->label, "mount", d->mount,
						   "path", d->path, "top", d->top, "controllers",
						   (int)d->controllers));
	}
	return a;
}

/* Is path dir itself or below it? */
static bool within(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

/* Is path strictly below mount, with no "." or ".." component? */
static bool below(const char *path, const char *mount)
{
	size_t n = strlen(mount);

	return path[0] == '/' && within(path, mount) && path[n] == '/' && path[n + 1] &&
	       !strstr(path, "/./") && !strstr(path, "/../") && !strstr(path, "//") &&
	       strcmp(path + strlen(path) - 2, "/.") && strcmp(path + strlen(path) - 3, "/..");
}

int cgroup_from_json(const json_t *j, struct cgroup *cg)
{
	size_t i;
	json_t *e;

	memset(cg, 0, sizeof(*cg));
	if (!json_is_array(j))
		return 0; /* a container without a cgroup */
	json_array_foreach(j, i, e)
	{
		struct cgroup_dir *d;
		const char *label = NULL, *mount = NULL, *path = NULL, *top = NULL;
		int version = 0, controllers = 0;

		if (cg->n == CGROUP_MAX ||
		    json_unpack((json_t *)e, "{s:i, s:s, s:s, s:s, s:s, s:i}", "version", &version,
				"label", &label, "mount", &mount, "path", &path, "top", &top,
				"controllers", &controllers) < 0)
			return -EINVAL;
		/* Forged state could name any directory: a clean path below the
		 * mount, and top (if any) on the way to it. */
		if (!below(path, mount) || (top[0] && (!below(top, mount) || !within(path, top))))
			return -EINVAL;
		d = &cg->d[cg->n++];
		d->version = version;
		d->controllers = (unsigned)controllers;
		snprintf(d->label, sizeof(d->label), "%s", label);
		snprintf(d->mount, sizeof(d->mount), "%s", mount);
		snprintf(d->path, sizeof(d->path), "%s", path);
		snprintf(d->top, sizeof(d->top), "%s", top);
	}
	return 0;
}

struct cgroup *cgroup_of_container(const struct container *c, struct moat_error *err)
{
	struct cgroup *cg = calloc(1, sizeof(*cg));

	if (!cg) {
		moat_error_set(err, ENOMEM, "cgroups");
		return NULL;
	}
	if (cgroup_from_json(json_object_get(c->state, "cgroup"), cg) < 0) {
		moat_error_setx(err, EINVAL, "container \"%s\": bad cgroup in its state", c->id);
		free(cg);
		return NULL;
	}
	return cg;
}

int cgroup_join(const struct container *c, pid_t pid, struct moat_error *err)
{
	_cleanup_free_ struct cgroup *cg = cgroup_of_container(c, err);

	return cg ? cgroup_join_pid(cg, pid, err) : -err->code;
}
