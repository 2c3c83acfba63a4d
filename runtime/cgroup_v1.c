/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroup v1: one hierarchy per controller (or group of them). The files and
 * their order follow runc's fs driver; a requested value whose file does not
 * exist is an error, never skipped.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "oci_config.h"

static int plan_memory(const struct oci_resources *r, const char *dir, struct cgroup_plan *plan,
		       struct moat_error *err)
{
	const char *memsw = "memory.memsw.limit_in_bytes";
	int64_t limit = r->memory.limit.set ? r->memory.limit.value : 0;
	int64_t swap = r->memory.swap.set ? r->memory.swap.value : 0;

	/* runc: an unlimited memory with swap unset means unlimited swap too,
	 * where swap is accounted. */
	if (limit == -1 && swap == 0 && cgroup_file_exists(dir, memsw))
		swap = -1;
	if (swap != 0 && !cgroup_file_exists(dir, memsw))
		return moat_error_setx(err, ENOTSUP,
				       "linux.resources.memory.swap: %s/%s does not exist "
				       "(swap accounting is off in this kernel)",
				       dir, memsw);
	/* The kernel wants memsw >= memory at every step: a fresh cgroup's
	 * limits are unlimited, so memory goes first, then memory+swap; an
	 * update (`moat update`, as runc) that lifts memory+swap above the
	 * current memory limit, or to unlimited, writes memory+swap first. */
	if (limit != 0 && swap != 0) {
		char cur[32];
		bool swap_first = swap == -1 || (cgroup_read(dir, "memory.limit_in_bytes", cur,
							     sizeof(cur)) == 0 &&
						 strtoull(cur, NULL, 10) < (uint64_t)swap);

		if (swap_first)
			CGROUP_PLAN_ADD("linux.resources.memory.swap", memsw, "%" PRId64, swap);
		CGROUP_PLAN_ADD("linux.resources.memory.limit", "memory.limit_in_bytes", "%" PRId64,
				limit);
		if (!swap_first)
			CGROUP_PLAN_ADD("linux.resources.memory.swap", memsw, "%" PRId64, swap);
	} else if (limit != 0) {
		CGROUP_PLAN_ADD("linux.resources.memory.limit", "memory.limit_in_bytes", "%" PRId64,
				limit);
	} else if (swap != 0) {
		CGROUP_PLAN_ADD("linux.resources.memory.swap", memsw, "%" PRId64, swap);
	}
	if (r->memory.reservation.set && r->memory.reservation.value != 0)
		CGROUP_PLAN_ADD("linux.resources.memory.reservation", "memory.soft_limit_in_bytes",
				"%" PRId64, r->memory.reservation.value);
	if (r->memory.disable_oom_killer)
		CGROUP_PLAN_ADD("linux.resources.memory.disableOOMKiller", "memory.oom_control",
				"1");
	if (r->memory.swappiness.set)
		CGROUP_PLAN_ADD("linux.resources.memory.swappiness", "memory.swappiness",
				"%" PRIu64, r->memory.swappiness.value);
	return 0;
}

static int plan_cpu(const struct oci_resources *r, struct cgroup_plan *plan, struct moat_error *err)
{
	if (r->cpu.shares.set && r->cpu.shares.value != 0 &&
	    cgroup_plan_add(plan, "linux.resources.cpu.shares", "cpu.shares", true, "%" PRIu64,
			    r->cpu.shares.value) < 0)
		return moat_error_setx(err, E2BIG, "linux.resources: too many values");
	/* Period before quota: a fresh cgroup has no quota to conflict with. */
	if (r->cpu.period.set && r->cpu.period.value != 0)
		CGROUP_PLAN_ADD("linux.resources.cpu.period", "cpu.cfs_period_us", "%" PRIu64,
				r->cpu.period.value);
	if (r->cpu.quota.set && r->cpu.quota.value != 0)
		CGROUP_PLAN_ADD("linux.resources.cpu.quota", "cpu.cfs_quota_us", "%" PRId64,
				r->cpu.quota.value);
	if (r->cpu.burst.set)
		CGROUP_PLAN_ADD("linux.resources.cpu.burst", "cpu.cfs_burst_us", "%" PRIu64,
				r->cpu.burst.value);
	if (r->cpu.idle.set)
		CGROUP_PLAN_ADD("linux.resources.cpu.idle", "cpu.idle", "%" PRId64,
				r->cpu.idle.value);
	if (r->cpu.realtime_period.set && r->cpu.realtime_period.value != 0)
		CGROUP_PLAN_ADD("linux.resources.cpu.realtimePeriod", "cpu.rt_period_us",
				"%" PRIu64, r->cpu.realtime_period.value);
	if (r->cpu.realtime_runtime.set && r->cpu.realtime_runtime.value != 0)
		CGROUP_PLAN_ADD("linux.resources.cpu.realtimeRuntime", "cpu.rt_runtime_us",
				"%" PRId64, r->cpu.realtime_runtime.value);
	return 0;
}

static int plan_v1(const struct oci_resources *r, unsigned controllers, const char *dir,
		   struct cgroup_plan *plan, struct moat_error *err)
{
	int ret = 0;

	if (controllers & CGROUP_PLAN_UNIFIED)
		return moat_error_setx(err, ENOTSUP, "linux.resources.unified: needs cgroup v2");
	if (controllers & CG_BIT(CG_MEMORY))
		ret = plan_memory(r, dir, plan, err);
	if (ret == 0 && (controllers & CG_BIT(CG_CPU)))
		ret = plan_cpu(r, plan, err);
	if (ret < 0)
		return ret;
	ret = cgroup_plan_cpuset_pids(r, controllers, plan, err);
	if (ret < 0)
		return ret;
	/* 0 is "not set", as in runc's fs driver: docker writes weight 0 */
	if ((controllers & CG_BIT(CG_IO)) && r->block_io.weight.set && r->block_io.weight.value) {
		const char *file = cgroup_file_exists(dir, "blkio.weight") ? "blkio.weight"
				   : cgroup_file_exists(dir, "blkio.bfq.weight")
				       ? "blkio.bfq.weight"
				       : NULL;

		if (!file)
			return moat_error_setx(err, ENOTSUP,
					       "linux.resources.blockIO.weight: neither "
					       "blkio.weight nor blkio.bfq.weight exists in %s (no "
					       "proportional I/O scheduler)",
					       dir);
		CGROUP_PLAN_ADD("linux.resources.blockIO.weight", file, "%" PRIu64,
				r->block_io.weight.value);
	}
	if ((controllers & CG_BIT(CG_IO)) && r->block_io.leaf_weight.set &&
	    r->block_io.leaf_weight.value)
		CGROUP_PLAN_ADD("linux.resources.blockIO.leafWeight", "blkio.leaf_weight",
				"%" PRIu64, r->block_io.leaf_weight.value);
	return cgroup_plan_hugetlb(r, controllers, "limit_in_bytes", plan, err);
}

static int copy_cpuset(const char *path, struct moat_error *err)
{
	const char *files[] = {"cpuset.cpus", "cpuset.mems"};
	char parent[CGROUP_PATH_MAX];

	snprintf(parent, sizeof(parent), "%s", path);
	*strrchr(parent, '/') = '\0';
	for (size_t i = 0; i < 2; i++) {
		char value[4096];
		int r = cgroup_read(path, files[i], value, sizeof(value));

		if (r == 0 && !value[0]) {
			r = cgroup_read(parent, files[i], value, sizeof(value));
			if (r == 0)
				r = cgroup_write_file(path, files[i], value);
		}
		if (r < 0)
			return moat_error_set(err, -r, "cgroups: copy %s from %s to %s", files[i],
					      parent, path);
	}
	return 0;
}

/*
 * Copy cpuset.cpus/mems from the parent into each empty directory on the
 * way from the hierarchy's root to the container's, top down: empty in a new
 * v1 cpuset cgroup, and no task can join until set. Ancestors moat did not
 * make can be empty too (made by an engine or a test), as runc also fills.
 */
static int prepare_v1(const struct cgroup_dir *d, unsigned needed, struct moat_error *err)
{
	char path[CGROUP_PATH_MAX];
	char *p;

	(void)needed;
	if (!(d->controllers & CG_BIT(CG_CPUSET)) || !d->top[0])
		return 0;
	snprintf(path, sizeof(path), "%s", d->path);
	p = strchr(path + strlen(d->mount) + 1, '/');
	if (!p)
		p = path + strlen(path);
	for (;;) {
		char saved = *p;
		int r;

		*p = '\0';
		r = copy_cpuset(path, err);
		*p = saved;
		if (r < 0 || !saved)
			return r;
		p = strchr(p + 1, '/');
		if (!p)
			p = path + strlen(path);
	}
}

/* Freeze (so nothing forks meanwhile), SIGKILL everything, thaw. */
static int kill_v1(const char *dir, struct moat_error *err)
{
	const struct timespec tick = {.tv_nsec = 5 * 1000 * 1000};

	if (cgroup_file_exists(dir, "freezer.state") &&
	    cgroup_write_file(dir, "freezer.state", "FROZEN") == 0) {
		char state[32], procs[CGROUP_PATH_MAX + 32];
		FILE *f;
		int pid;

		for (int i = 0; i < 200; i++) {
			if (cgroup_read(dir, "freezer.state", state, sizeof(state)) < 0 ||
			    !strcmp(state, "FROZEN"))
				break;
			nanosleep(&tick, NULL);
		}
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
		f = fopen(procs, "re");
		while (f && fscanf(f, "%d", &pid) == 1)
			kill(pid, SIGKILL);
		if (f)
			fclose(f);
		cgroup_write_file(dir, "freezer.state", "THAWED");
	}
	return cgroup_kill_procs(dir, err);
}

const struct cgroup_backend cgroup_v1_backend = {
    .plan = plan_v1,
    .prepare = prepare_v1,
    .kill = kill_v1,
};
