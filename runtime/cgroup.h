/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's cgroups: config.json's linux.cgroupsPath and linux.resources
 * on cgroup v1, v2 and the hybrid of both (v1 controllers plus a v2
 * hierarchy). Every mounted hierarchy is a struct cgroup_hierarchy; the
 * container gets one directory in each (struct cgroup_dir), and each
 * resource is written in the hierarchy that holds its controller, by that
 * hierarchy's backend (cgroup_v1.c, cgroup_v2.c). cgroup.c holds what both
 * share: detection, path resolution (runc's cgroupfs rules), creation,
 * joining, killing and removal.
 */
#ifndef MOAT_RUNTIME_CGROUP_H
#define MOAT_RUNTIME_CGROUP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../lib/error.h"

struct oci_resources;
struct container;

/* Controllers moat writes to (blkio on v1 and io on v2 are both CG_IO). */
enum cgroup_controller {
	CG_CPU,
	CG_CPUSET,
	CG_MEMORY,
	CG_PIDS,
	CG_IO,
	CG_HUGETLB,
	CG_FREEZER,
	CG_COUNT
};
#define CG_BIT(c) (1u << (c))
/* For plan(): also write linux.resources.unified (v2 only). */
#define CGROUP_PLAN_UNIFIED (1u << 31)

#define CGROUP_MAX	16 /* hierarchies; more are refused */
#define CGROUP_PATH_MAX 1024

struct cgroup_hierarchy {
	int version;		     /* 1 or 2 */
	unsigned controllers;	     /* CG_BIT()s it holds */
	char label[128];	     /* "memory", "cpu,cpuacct", "name=systemd", "" for v2 */
	char mount[CGROUP_PATH_MAX]; /* its mount point */
	char own[CGROUP_PATH_MAX];   /* the caller's cgroup, relative to the mount ("/x/y") */
};

struct cgroup_layout {
	struct cgroup_hierarchy h[CGROUP_MAX];
	size_t n;
	bool has_v1; /* a v2 hierarchy beside v1 ones is the hybrid layout */
};

struct cgroup_dir {
	int version;
	unsigned controllers;
	char label[128];
	char mount[CGROUP_PATH_MAX];
	char path[CGROUP_PATH_MAX]; /* the container's cgroup */
	char top[CGROUP_PATH_MAX];  /* highest directory moat created, "" if none */
};

/* The container's cgroup, one directory per hierarchy (n == 0: none). */
struct cgroup {
	struct cgroup_dir d[CGROUP_MAX];
	size_t n;
};

/* One write a resource needs: field (for messages), file in the cgroup, value. */
struct cgroup_write {
	const char *field;
	char file[96];
	char value[512];
	bool verify; /* read back and compare (v1 cpu.shares clamps silently) */
};

struct cgroup_plan {
	struct cgroup_write w[48];
	size_t n;
};

/* A cgroup version's ways. */
struct cgroup_backend {
	/*
	 * The writes r needs in a hierarchy holding controllers, in order. dir
	 * (the container's directory, existing) is only probed for optional
	 * files (blkio.weight or blkio.bfq.weight). A value the version cannot
	 * express is an error naming the field.
	 */
	int (*plan)(const struct oci_resources *r, unsigned controllers, const char *dir,
		    struct cgroup_plan *plan, struct moat_error *err);
	/*
	 * Make the new directories usable for the controllers before a task
	 * joins: v1 copies cpuset.cpus/mems down from the parent into each
	 * directory moat created; v2 enables the needed controllers in every
	 * ancestor's cgroup.subtree_control below the mount.
	 */
	int (*prepare)(const struct cgroup_dir *d, unsigned needed, struct moat_error *err);
	/* SIGKILL everything in dir and wait until it is empty. */
	int (*kill)(const char *dir, struct moat_error *err);
};

extern const struct cgroup_backend cgroup_v1_backend;
extern const struct cgroup_backend cgroup_v2_backend;

/* --- cgroup.c */

/* The hierarchies from mountinfo text and /proc/self/cgroup text (files, for tests). */
int cgroup_detect(const char *mountinfo_path, const char *self_cgroup_path,
		  struct cgroup_layout *out, struct moat_error *err);
/* Controllers r needs (CG_BIT()s); *unified is set when r.unified is not empty. */
unsigned cgroup_needed(const struct oci_resources *r, bool *unified);
/*
 * The container's directories, by runc's cgroupfs rules: an absolute
 * cgroupsPath under each hierarchy's mount; a relative one under the
 * caller's own cgroup (v1 and the hybrid's v2) or its parent (pure v2, whose
 * own cgroup holds processes); an empty one is the container id, relative.
 * ".." never climbs above the mount. The systemd form is refused.
 */
int cgroup_resolve(const struct cgroup_layout *layout, const char *cgroups_path, const char *id,
		   struct cgroup *out, struct moat_error *err);
/* Create every directory (refusing one that already holds processes), then
 * prepare and write r. On failure everything created is removed. */
int cgroup_create(struct cgroup *cg, const struct oci_resources *r, struct moat_error *err);
/* `moat update`: write what r sets into the container's existing directories. */
int cgroup_update(const struct cgroup *cg, const struct oci_resources *r, struct moat_error *err);
/* Apply a plan to dir; an error names the field, the file and the value. */
int cgroup_plan_apply(const char *dir, const struct cgroup_plan *plan, struct moat_error *err);
/* Move pid into every directory. */
int cgroup_join_pid(const struct cgroup *cg, pid_t pid, struct moat_error *err);
/* Kill what is left, remove the directories and the ancestors moat created. */
int cgroup_destroy(const struct cgroup *cg, struct moat_error *err);

/*
 * The container's cgroup for `moat create`: detect, resolve, create, apply.
 * Unprivileged without a delegated hierarchy: with no resources requested
 * cg->n is 0 and create goes on without one (a --debug line says so); with
 * resources, an error.
 */
int cgroup_setup(const struct oci_resources *r, const char *cgroups_path, const char *id,
		 struct cgroup *cg, struct moat_error *err);

/* As kept in state.json ("cgroup"), so that delete finds it whatever config.json says. */
json_t *cgroup_to_json(const struct cgroup *cg);
int cgroup_from_json(const json_t *j, struct cgroup *cg);

/* Put pid (a host pid, e.g. an exec'd process) into container c's cgroup. */
int cgroup_join(const struct container *c, pid_t pid, struct moat_error *err);
/* The container's cgroup from its state (n == 0: it has none); free it. NULL on error. */
struct cgroup *cgroup_of_container(const struct container *c, struct moat_error *err);

/* --- helpers shared by the backends */
int cgroup_plan_add(struct cgroup_plan *plan, const char *field, const char *file, bool verify,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
bool cgroup_file_exists(const char *dir, const char *file);

/* --- cgroup_freeze.c */

/* Is this directory frozen, or freezing (its ancestors' state included on v2)? */
bool cgroup_dir_frozen(const struct cgroup_dir *d);
/* 1 when the container's cgroup is frozen or freezing, else 0 (also without a freezer). */
int cgroup_is_frozen(const struct cgroup *cg);
/* Freeze or thaw the container's processes (v1 freezer, else v2 cgroup.freeze), until done. */
int cgroup_freeze(const struct cgroup *cg, bool freeze, struct moat_error *err);
/* Read a cgroup file's first line (newline stripped). 0 or -errno. */
/* The whole file (up to len - 1 bytes), NUL-terminated. 0 or -errno. */
int cgroup_read_all(const char *dir, const char *file, char *buf, size_t len);
int cgroup_read(const char *dir, const char *file, char *buf, size_t len);
int cgroup_write_file(const char *dir, const char *file, const char *value);
/* SIGKILL every pid in dir/cgroup.procs until it stays empty (about 5 s at most). */
int cgroup_kill_procs(const char *dir, struct moat_error *err);
/* The same in the cgroup directory open as dir: 0, -EBUSY or -errno. */
int cgroup_kill_procs_at(int dir);
/* In a plan function (with plan and err in scope): add an unverified write,
 * or return -E2BIG with "too many values". */
#define CGROUP_PLAN_ADD(field, file, ...)                                                          \
	do {                                                                                       \
		if (cgroup_plan_add(plan, field, file, false, __VA_ARGS__) < 0)                    \
			return moat_error_setx(err, E2BIG, "linux.resources: too many values");    \
	} while (0)
/* The writes that are the same in v1 and v2: cpuset.cpus/mems (when the
 * cpuset controller is asked for) and pids.max ("max" for a limit <= 0). */
int cgroup_plan_cpuset_pids(const struct oci_resources *r, unsigned controllers,
			    struct cgroup_plan *plan, struct moat_error *err);
/* hugetlb.<pageSize>.<suffix> for each linux.resources.hugepageLimits entry
 * (when the hugetlb controller is asked for; "2MB" style sizes only): v1's
 * suffix is "limit_in_bytes", v2's "max". */
int cgroup_plan_hugetlb(const struct oci_resources *r, unsigned controllers, const char *suffix,
			struct cgroup_plan *plan, struct moat_error *err);
/* cpu.shares to cpu.weight, runc's formula: a quadratic in log2(shares)
 * through (2, 1), (1024, 100) and (262144, 10000). */
uint64_t cgroup_v2_cpu_weight(uint64_t shares);

#endif
