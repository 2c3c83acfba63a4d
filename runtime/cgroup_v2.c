/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroup v2: one hierarchy; config.json's v1-shaped values are converted as
 * runc's fs2 driver converts them (cpu.weight from shares, memory.swap.max
 * from memory+swap, io.weight from the blkio weight). What v2 cannot express
 * (swappiness, disableOOMKiller, realtime, leafWeight) is refused rather
 * than dropped.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "oci_config.h"

/* runc's ConvertCPUSharesToCgroupV2Value: a quadratic in log2(shares). */
uint64_t cgroup_v2_cpu_weight(uint64_t shares)
{
	double l;

	if (shares == 0)
		return 0;
	if (shares <= 2)
		return 1;
	if (shares >= 262144)
		return 10000;
	l = log2((double)shares);
	return (uint64_t)ceil(pow(10, (l * l + 125 * l) / 612.0 - 7.0 / 34.0));
}

/* "max" for -1, the number otherwise (0: not set, as runc's numToStr). */
static void num(char *buf, size_t len, int64_t v)
{
	if (v == -1)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%" PRId64, v);
}

static int plan_memory(const struct oci_resources *r, const char *dir, struct cgroup_plan *plan,
		       struct moat_error *err)
{
	int64_t limit = r->memory.limit.set ? r->memory.limit.value : 0;
	int64_t swap = r->memory.swap.set ? r->memory.swap.value : 0;
	int64_t low = r->memory.reservation.set ? r->memory.reservation.value : 0;
	int64_t v2swap;
	char buf[32];

	if (r->memory.swappiness.set)
		return moat_error_setx(err, ENOTSUP,
				       "linux.resources.memory.swappiness: cgroup v2 has no "
				       "per-cgroup swappiness");
	if (r->memory.disable_oom_killer)
		return moat_error_setx(err, ENOTSUP,
				       "linux.resources.memory.disableOOMKiller: cgroup v2 cannot "
				       "disable the OOM killer");
	/* memory.swap.max is swap alone; config.json's swap is memory+swap. */
	if (limit == -1 && swap == 0)
		v2swap = -1;
	else if (swap == -1 || swap == 0 || limit == -1)
		v2swap = swap;
	else if (limit == 0)
		return moat_error_setx(err, EINVAL,
				       "linux.resources.memory.swap: cannot set a swap limit "
				       "without a memory limit");
	else if (limit < 0)
		return moat_error_setx(err, EINVAL,
				       "linux.resources.memory.limit: invalid %" PRId64, limit);
	else if (swap < limit)
		return moat_error_setx(err, EINVAL,
				       "linux.resources.memory.swap: memory+swap (%" PRId64
				       ") is below the memory limit (%" PRId64 ")",
				       swap, limit);
	else
		v2swap = swap - limit;
	if (v2swap != 0 || swap > 0) { /* swap == limit: "0", no swap at all */
		num(buf, sizeof(buf), v2swap);
		/* Without swap accounting only "no limit" and "no swap" hold anyway. */
		if (cgroup_file_exists(dir, "memory.swap.max"))
			CGROUP_PLAN_ADD("linux.resources.memory.swap", "memory.swap.max", "%s",
					buf);
		else if (strcmp(buf, "max") && strcmp(buf, "0"))
			return moat_error_setx(err, ENOTSUP,
					       "linux.resources.memory.swap: %s/memory.swap.max "
					       "does not exist (swap accounting is off)",
					       dir);
	}
	if (limit != 0) {
		num(buf, sizeof(buf), limit);
		CGROUP_PLAN_ADD("linux.resources.memory.limit", "memory.max", "%s", buf);
	}
	if (low != 0) {
		num(buf, sizeof(buf), low);
		CGROUP_PLAN_ADD("linux.resources.memory.reservation", "memory.low", "%s", buf);
	}
	return 0;
}

static int plan_cpu(const struct oci_resources *r, struct cgroup_plan *plan, struct moat_error *err)
{
	int64_t quota = r->cpu.quota.set ? r->cpu.quota.value : 0;
	uint64_t period = r->cpu.period.set ? r->cpu.period.value : 0;

	if ((r->cpu.realtime_period.set && r->cpu.realtime_period.value) ||
	    (r->cpu.realtime_runtime.set && r->cpu.realtime_runtime.value))
		return moat_error_setx(err, ENOTSUP,
				       "linux.resources.cpu.realtimeRuntime/realtimePeriod: "
				       "cgroup v2 has no realtime CPU controller");
	if (r->cpu.idle.set)
		CGROUP_PLAN_ADD("linux.resources.cpu.idle", "cpu.idle", "%" PRId64,
				r->cpu.idle.value);
	if (r->cpu.shares.set && r->cpu.shares.value != 0)
		CGROUP_PLAN_ADD("linux.resources.cpu.shares", "cpu.weight", "%" PRIu64,
				cgroup_v2_cpu_weight(r->cpu.shares.value));
	if (quota != 0 || period != 0) {
		char q[32];

		if (quota > 0)
			snprintf(q, sizeof(q), "%" PRId64, quota);
		else
			snprintf(q, sizeof(q), "max");
		CGROUP_PLAN_ADD("linux.resources.cpu.quota", "cpu.max", "%s %" PRIu64, q,
				period ? period : 100000);
	}
	/* After cpu.max: the kernel checks the burst against the quota. */
	if (r->cpu.burst.set)
		CGROUP_PLAN_ADD("linux.resources.cpu.burst", "cpu.max.burst", "%" PRIu64,
				r->cpu.burst.value);
	return 0;
}

static int plan_unified(const struct oci_resources *r, struct cgroup_plan *plan,
			struct moat_error *err)
{
	for (size_t i = 0; i < r->n_unified; i++) {
		const char *key = r->unified[i].key;

		if (!strchr(key, '.') || strchr(key, '/') || key[0] == '.')
			return moat_error_setx(err, EINVAL,
					       "linux.resources.unified[\"%s\"]: not a cgroup file "
					       "name",
					       key);
		CGROUP_PLAN_ADD("linux.resources.unified", key, "%s", r->unified[i].value);
	}
	return 0;
}

static int plan_v2(const struct oci_resources *r, unsigned controllers, const char *dir,
		   struct cgroup_plan *plan, struct moat_error *err)
{
	int ret = 0;

	if (controllers & CG_BIT(CG_MEMORY))
		ret = plan_memory(r, dir, plan, err);
	if (ret == 0 && (controllers & CG_BIT(CG_CPU)))
		ret = plan_cpu(r, plan, err);
	if (ret < 0)
		return ret;
	ret = cgroup_plan_cpuset_pids(r, controllers, plan, err);
	if (ret < 0)
		return ret;
	if ((controllers & CG_BIT(CG_IO)) && r->block_io.leaf_weight.set)
		return moat_error_setx(err, ENOTSUP,
				       "linux.resources.blockIO.leafWeight: cgroup v2 has no leaf "
				       "weight");
	if ((controllers & CG_BIT(CG_IO)) && r->block_io.weight.set && r->block_io.weight.value) {
		uint64_t w = r->block_io.weight.value;

		/* BFQ takes the v1 range as is; io.weight is 1..10000. */
		if (cgroup_file_exists(dir, "io.bfq.weight"))
			CGROUP_PLAN_ADD("linux.resources.blockIO.weight", "io.bfq.weight",
					"%" PRIu64, w);
		else
			CGROUP_PLAN_ADD("linux.resources.blockIO.weight", "io.weight", "%" PRIu64,
					w < 10 ? 1 : 1 + (w - 10) * 9999 / 990);
	}
	ret = cgroup_plan_hugetlb(r, controllers, "max", plan, err);
	if (ret < 0)
		return ret;
	if (controllers & CGROUP_PLAN_UNIFIED)
		return plan_unified(r, plan, err);
	return 0;
}

static const char *const v2_names[CG_COUNT] = {
    [CG_CPU] = "cpu",	[CG_CPUSET] = "cpuset", [CG_MEMORY] = "memory",
    [CG_PIDS] = "pids", [CG_IO] = "io",		[CG_HUGETLB] = "hugetlb",
};

/* A controller's files appear in a cgroup only once its parent enables it:
 * enable the needed ones in every ancestor, from the mount down. */
static int prepare_v2(const struct cgroup_dir *d, unsigned needed, struct moat_error *err)
{
	char path[CGROUP_PATH_MAX];
	char *p;

	needed &= d->controllers;
	if (!needed)
		return 0;
	snprintf(path, sizeof(path), "%s", d->path);
	p = path + strlen(d->mount);
	while (p && *p) {
		char saved = *p;

		*p = '\0';
		for (int c = 0; c < CG_COUNT; c++) {
			char value[32];
			int r;

			if (!(needed & CG_BIT(c)) || !v2_names[c])
				continue;
			snprintf(value, sizeof(value), "+%s", v2_names[c]);
			r = cgroup_write_file(path, "cgroup.subtree_control", value);
			if (r < 0)
				return moat_error_set(err, -r,
						      "cgroups: enable the %s controller in "
						      "%s/cgroup.subtree_control",
						      v2_names[c], path);
		}
		*p = saved;
		p = strchr(p + 1, '/');
	}
	return 0;
}

static int kill_v2(const char *dir, struct moat_error *err)
{
	/* cgroup.kill (Linux 5.14) kills everything at once, forks included. */
	if (cgroup_file_exists(dir, "cgroup.kill"))
		cgroup_write_file(dir, "cgroup.kill", "1");
	return cgroup_kill_procs(dir, err);
}

const struct cgroup_backend cgroup_v2_backend = {
    .plan = plan_v2,
    .prepare = prepare_v2,
    .kill = kill_v2,
};
