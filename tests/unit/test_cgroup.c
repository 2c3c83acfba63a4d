/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runtime/cgroup*.c against fake trees: detection from mountinfo and
 * /proc/self/cgroup text, runc's path rules, the v2 backend's translation of
 * linux.resources into file/value pairs, refusals, creation on a fake v2
 * hierarchy (subtree_control, values written, clean-up after a failure),
 * and the v1 backend's choices that depend on which files exist. This host
 * has its controllers on v1, so the v2 backend is checked here only.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/cgroup.h"
#include "runtime/oci_config.h"

static char tmp[256];

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void get(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void mkdirs(const char *path)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = strchr(buf + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		mkdir(buf, 0755);
		*p = '/';
	}
	mkdir(buf, 0755);
}

static int setup_tmp(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/var/tmp/moat-test-cgroup.XXXXXX");
	return mkdtemp(tmp) ? 0 : -1;
}

static int teardown_tmp(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

/* A parsed config.json whose linux.resources is the given JSON object. */
static void parse_resources(const char *resources, struct oci_config *cfg)
{
	char text[4096];
	struct moat_error err = {0};
	int r;

	snprintf(text, sizeof(text),
		 "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, "
		 "\"linux\": {\"resources\": %s}}",
		 resources);
	r = oci_config_parse("config.json", text, strlen(text), cfg, &err);
	if (r < 0)
		fail_msg("%s", err.msg);
}

/* The value planned for file, or NULL. */
static const char *planned(const struct cgroup_plan *plan, const char *file)
{
	for (size_t i = 0; i < plan->n; i++)
		if (!strcmp(plan->w[i].file, file))
			return plan->w[i].value;
	return NULL;
}

static const unsigned all_v2 = CG_BIT(CG_CPU) | CG_BIT(CG_CPUSET) | CG_BIT(CG_MEMORY) |
			       CG_BIT(CG_PIDS) | CG_BIT(CG_IO) | CG_BIT(CG_HUGETLB);

/* Plan r on v2 in dir; 0 or -errno, err filled. */
static int plan_v2(const char *resources, const char *dir, struct cgroup_plan *plan,
		   struct moat_error *err)
{
	struct oci_config cfg;
	int r;

	parse_resources(resources, &cfg);
	memset(plan, 0, sizeof(*plan));
	r = cgroup_v2_backend.plan(&cfg.linux_config.resources, all_v2 | CGROUP_PLAN_UNIFIED, dir,
				   plan, err);
	oci_config_free(&cfg);
	return r;
}

static void test_cpu_weight(void **state)
{
	(void)state;
	assert_int_equal(cgroup_v2_cpu_weight(0), 0);
	assert_int_equal(cgroup_v2_cpu_weight(2), 1);
	assert_int_equal(cgroup_v2_cpu_weight(3), 2);
	assert_int_equal(cgroup_v2_cpu_weight(512), 59);
	assert_int_equal(cgroup_v2_cpu_weight(1024), 100); /* both defaults */
	assert_int_equal(cgroup_v2_cpu_weight(2048), 174);
	assert_int_equal(cgroup_v2_cpu_weight(100000), 4340);
	assert_int_equal(cgroup_v2_cpu_weight(262144), 10000);
	assert_int_equal(cgroup_v2_cpu_weight(1000000), 10000);
}

static void test_v2_plan(void **state)
{
	struct cgroup_plan plan;
	struct moat_error err = {0};
	char dir[512], file[600];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/plan", tmp);
	mkdirs(dir);
	snprintf(file, sizeof(file), "%s/memory.swap.max", dir);
	put(file, "");
	assert_int_equal(plan_v2("{\"memory\": {\"limit\": 1000000, \"reservation\": 500000, "
				 "\"swap\": 3000000}, \"cpu\": {\"shares\": 512, \"quota\": 50000, "
				 "\"period\": 200000, \"cpus\": \"0-1\", \"mems\": \"0\", "
				 "\"burst\": 1000, \"idle\": 1}, \"pids\": {\"limit\": 42}, "
				 "\"blockIO\": {\"weight\": 500}, \"hugepageLimits\": "
				 "[{\"pageSize\": \"2MB\", \"limit\": 4194304}], "
				 "\"unified\": {\"memory.high\": \"900000\"}}",
				 dir, &plan, &err),
			 0);
	/* memory.swap.max is swap alone: memory+swap - memory */
	assert_string_equal(planned(&plan, "memory.swap.max"), "2000000");
	assert_string_equal(planned(&plan, "memory.max"), "1000000");
	assert_string_equal(planned(&plan, "memory.low"), "500000");
	assert_string_equal(planned(&plan, "cpu.weight"), "59");
	assert_string_equal(planned(&plan, "cpu.max"), "50000 200000");
	assert_string_equal(planned(&plan, "cpu.max.burst"), "1000");
	assert_string_equal(planned(&plan, "cpu.idle"), "1");
	assert_string_equal(planned(&plan, "cpuset.cpus"), "0-1");
	assert_string_equal(planned(&plan, "cpuset.mems"), "0");
	assert_string_equal(planned(&plan, "pids.max"), "42");
	/* no BFQ here: io.weight, 10..1000 mapped onto 1..10000 */
	assert_string_equal(planned(&plan, "io.weight"), "4950");
	assert_null(planned(&plan, "io.bfq.weight"));
	assert_string_equal(planned(&plan, "hugetlb.2MB.max"), "4194304");
	assert_string_equal(planned(&plan, "memory.high"), "900000");
	/* cpu.max before its burst; the kernel checks the burst against the quota */
	for (size_t i = 0; i < plan.n; i++)
		if (!strcmp(plan.w[i].file, "cpu.max.burst"))
			assert_string_equal(plan.w[i - 1].file, "cpu.max");

	/* with BFQ, the blkio weight as is */
	snprintf(file, sizeof(file), "%s/io.bfq.weight", dir);
	put(file, "");
	assert_int_equal(plan_v2("{\"blockIO\": {\"weight\": 500}}", dir, &plan, &err), 0);
	assert_string_equal(planned(&plan, "io.bfq.weight"), "500");
	assert_null(planned(&plan, "io.weight"));

	/* unlimited: -1 is "max"; unlimited memory makes swap unlimited too */
	assert_int_equal(plan_v2("{\"memory\": {\"limit\": -1}, \"pids\": {\"limit\": -1}, "
				 "\"cpu\": {\"quota\": -1}}",
				 dir, &plan, &err),
			 0);
	assert_string_equal(planned(&plan, "memory.max"), "max");
	assert_string_equal(planned(&plan, "memory.swap.max"), "max");
	assert_string_equal(planned(&plan, "pids.max"), "max");
	assert_string_equal(planned(&plan, "cpu.max"), "max 100000");

	/* swap equal to the limit: no swap at all */
	assert_int_equal(
	    plan_v2("{\"memory\": {\"limit\": 1000000, \"swap\": 1000000}}", dir, &plan, &err), 0);
	assert_string_equal(planned(&plan, "memory.swap.max"), "0");
	/* nothing requested, nothing written */
	assert_int_equal(plan_v2("{}", dir, &plan, &err), 0);
	assert_int_equal(plan.n, 0);
}

static void expect_refused(const char *resources, const char *dir, const char *field)
{
	struct cgroup_plan plan;
	struct moat_error err = {0};

	assert_true(plan_v2(resources, dir, &plan, &err) < 0);
	if (!strstr(err.msg, field))
		fail_msg("\"%s\" does not name %s", err.msg, field);
}

static void test_v2_refusals(void **state)
{
	char dir[512];
	struct cgroup_plan plan;
	struct moat_error err = {0};

	(void)state;
	snprintf(dir, sizeof(dir), "%s/refuse", tmp);
	mkdirs(dir);
	expect_refused("{\"memory\": {\"swappiness\": 10}}", dir, "memory.swappiness");
	expect_refused("{\"memory\": {\"disableOOMKiller\": true}}", dir, "disableOOMKiller");
	expect_refused("{\"cpu\": {\"realtimeRuntime\": 1000}}", dir, "realtime");
	expect_refused("{\"blockIO\": {\"leafWeight\": 100}}", dir, "leafWeight");
	expect_refused("{\"memory\": {\"swap\": 1000000}}", dir, "memory.swap");
	expect_refused("{\"memory\": {\"limit\": 2000000, \"swap\": 1000000}}", dir, "memory.swap");
	expect_refused("{\"unified\": {\"../memory.max\": \"1\"}}", dir, "unified");
	expect_refused("{\"hugepageLimits\": [{\"pageSize\": \"2MB/../x\", \"limit\": 1}]}", dir,
		       "pageSize");
	/* a swap limit needs memory.swap.max (here absent) ... */
	expect_refused("{\"memory\": {\"limit\": 1000000, \"swap\": 3000000}}", dir,
		       "memory.swap.max");
	/* ... but "no swap" and "unlimited" hold without swap accounting */
	assert_int_equal(
	    plan_v2("{\"memory\": {\"limit\": 1000000, \"swap\": 1000000}}", dir, &plan, &err), 0);
	assert_null(planned(&plan, "memory.swap.max"));
	assert_string_equal(planned(&plan, "memory.max"), "1000000");
}

/* mountinfo and /proc/self/cgroup for a pure v2 host with its mount at tmp/v2. */
static void fake_v2(char *mountinfo, char *self, size_t len)
{
	char path[600];

	snprintf(mountinfo, len, "%s/mountinfo", tmp);
	snprintf(self, len, "%s/self-cgroup", tmp);
	snprintf(path, sizeof(path),
		 "22 1 0:20 / /sys rw - sysfs sysfs rw\n"
		 "30 22 0:26 / %s/v2 rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
		 "rw,nsdelegate,memory_recursiveprot\n",
		 tmp);
	put(mountinfo, path);
	put(self, "0::/user.slice/session-1.scope\n");
	snprintf(path, sizeof(path), "%s/v2/user.slice/session-1.scope", tmp);
	mkdirs(path);
	snprintf(path, sizeof(path), "%s/v2/cgroup.controllers", tmp);
	put(path, "cpuset cpu io memory hugetlb pids rdma misc\n");
	snprintf(path, sizeof(path), "%s/v2/cgroup.subtree_control", tmp);
	put(path, "");
	snprintf(path, sizeof(path), "%s/v2/user.slice/cgroup.subtree_control", tmp);
	put(path, "");
}

static void test_detect_and_resolve_v2(void **state)
{
	struct cgroup_layout layout;
	struct cgroup cg;
	struct moat_error err = {0};
	char mi[512], self[512], want[1024];

	(void)state;
	fake_v2(mi, self, sizeof(mi));
	assert_int_equal(cgroup_detect(mi, self, &layout, &err), 0);
	assert_int_equal(layout.n, 1);
	assert_false(layout.has_v1);
	assert_int_equal(layout.h[0].version, 2);
	assert_int_equal(layout.h[0].controllers, all_v2);
	assert_string_equal(layout.h[0].own, "/user.slice/session-1.scope");

	/* relative: under the parent of moat's own cgroup (which holds processes) */
	assert_int_equal(cgroup_resolve(&layout, "pod/c1", "id", &cg, &err), 0);
	snprintf(want, sizeof(want), "%s/v2/user.slice/pod/c1", tmp);
	assert_int_equal(cg.n, 1);
	assert_string_equal(cg.d[0].path, want);
	/* empty: the container id, relative */
	assert_int_equal(cgroup_resolve(&layout, NULL, "id7", &cg, &err), 0);
	snprintf(want, sizeof(want), "%s/v2/user.slice/id7", tmp);
	assert_string_equal(cg.d[0].path, want);
	/* absolute: under the mount; ".." cannot leave it */
	assert_int_equal(cgroup_resolve(&layout, "/a/../../../b//./c", "id", &cg, &err), 0);
	snprintf(want, sizeof(want), "%s/v2/b/c", tmp);
	assert_string_equal(cg.d[0].path, want);
	assert_int_equal(cgroup_resolve(&layout, "../../x", "id", &cg, &err), 0);
	snprintf(want, sizeof(want), "%s/v2/user.slice/x", tmp);
	assert_string_equal(cg.d[0].path, want);
	/* systemd's slice:prefix:name */
	assert_int_equal(cgroup_resolve(&layout, "system.slice:docker:abc", "id", &cg, &err),
			 -ENOTSUP);
	assert_non_null(strstr(err.msg, "systemd"));
	assert_int_equal(cgroup_resolve(&layout, "/..", "id", &cg, &err), -EINVAL);
}

static void test_create_v2(void **state)
{
	struct cgroup_layout layout;
	struct cgroup cg;
	struct oci_config cfg;
	struct moat_error err = {0};
	char mi[512], self[512], path[1024], buf[256];
	int r;

	(void)state;
	fake_v2(mi, self, sizeof(mi));
	assert_int_equal(cgroup_detect(mi, self, &layout, &err), 0);

	/* A fresh directory on a plain file system has no memory.max: create
	 * fails naming field and file, and removes what it made. */
	parse_resources("{\"memory\": {\"limit\": 1000000}}", &cfg);
	assert_int_equal(cgroup_resolve(&layout, "/new1", "id", &cg, &err), 0);
	r = cgroup_create(&cg, &cfg.linux_config.resources, &err);
	assert_true(r < 0);
	if (!strstr(err.msg, "linux.resources.memory.limit"))
		fail_msg("%s", err.msg);
	assert_non_null(strstr(err.msg, "/v2/new1/memory.max"));
	snprintf(path, sizeof(path), "%s/v2/new1", tmp);
	assert_int_equal(access(path, F_OK), -1);
	/* the root enabled memory for its children first */
	snprintf(path, sizeof(path), "%s/v2/cgroup.subtree_control", tmp);
	get(path, buf, sizeof(buf));
	assert_string_equal(buf, "+memory");
	oci_config_free(&cfg);

	/* An existing leaf with the kernel's files: values land there, and the
	 * ancestors enable the controller. */
	snprintf(path, sizeof(path), "%s/v2/user.slice/c2", tmp);
	mkdirs(path);
	snprintf(path, sizeof(path), "%s/v2/user.slice/c2/pids.max", tmp);
	put(path, "");
	snprintf(path, sizeof(path), "%s/v2/user.slice/c2/cgroup.procs", tmp);
	put(path, "");
	parse_resources("{\"pids\": {\"limit\": 64}}", &cfg);
	assert_int_equal(cgroup_resolve(&layout, "c2", "id", &cg, &err), 0);
	r = cgroup_create(&cg, &cfg.linux_config.resources, &err);
	if (r < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(cg.d[0].top, ""); /* moat made nothing */
	snprintf(path, sizeof(path), "%s/v2/user.slice/c2/pids.max", tmp);
	get(path, buf, sizeof(buf));
	assert_string_equal(buf, "64");
	snprintf(path, sizeof(path), "%s/v2/user.slice/cgroup.subtree_control", tmp);
	get(path, buf, sizeof(buf));
	assert_string_equal(buf, "+pids");
	oci_config_free(&cfg);

	/* A cgroup that already holds processes is refused. */
	snprintf(path, sizeof(path), "%s/v2/user.slice/c2/cgroup.procs", tmp);
	put(path, "1234\n");
	parse_resources("{}", &cfg);
	assert_int_equal(cgroup_resolve(&layout, "c2", "id", &cg, &err), 0);
	assert_int_equal(cgroup_create(&cg, &cfg.linux_config.resources, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "already holds processes"));
	oci_config_free(&cfg);

	/* A controller no hierarchy has. */
	snprintf(path, sizeof(path), "%s/v2/cgroup.controllers", tmp);
	put(path, "cpu io\n");
	assert_int_equal(cgroup_detect(mi, self, &layout, &err), 0);
	parse_resources("{\"pids\": {\"limit\": 64}}", &cfg);
	assert_int_equal(cgroup_resolve(&layout, "c3", "id", &cg, &err), 0);
	assert_int_equal(cgroup_create(&cg, &cfg.linux_config.resources, &err), -ENOTSUP);
	assert_non_null(strstr(err.msg, "linux.resources.pids"));
	oci_config_free(&cfg);
}

static void test_detect_hybrid_and_v1_plan(void **state)
{
	struct cgroup_layout layout;
	struct cgroup cg;
	struct cgroup_plan plan = {0};
	struct oci_config cfg;
	struct moat_error err = {0};
	char mi[512], self[512], text[2048], want[1024], dir[512], file[600];

	(void)state;
	snprintf(mi, sizeof(mi), "%s/mountinfo-hybrid", tmp);
	snprintf(self, sizeof(self), "%s/self-hybrid", tmp);
	snprintf(text, sizeof(text),
		 "40 30 0:30 / %s/memory rw,relatime - cgroup cgroup rw,memory\n"
		 "41 30 0:31 / %s/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
		 "42 30 0:32 /sub %s/systemd rw - cgroup cgroup rw,xattr,name=systemd\n"
		 "43 30 0:33 / %s/unified rw - cgroup2 cgroup2 rw\n",
		 tmp, tmp, tmp, tmp);
	put(mi, text);
	put(self, "7:pids:/\n4:memory:/agent/x\n2:cpu,cpuacct:/\n1:name=systemd:/sub/s\n0::/\n");
	assert_int_equal(cgroup_detect(mi, self, &layout, &err), 0);
	assert_int_equal(layout.n, 4); /* pids is not mounted: skipped */
	assert_true(layout.has_v1);
	assert_string_equal(layout.h[0].label, "memory");
	assert_int_equal(layout.h[0].controllers, CG_BIT(CG_MEMORY));
	assert_int_equal(layout.h[1].controllers, CG_BIT(CG_CPU));
	assert_string_equal(layout.h[2].own, "/s"); /* relative to the mount's root */
	assert_int_equal(layout.h[3].version, 2);

	/* relative: under moat's own cgroup in each v1 hierarchy (runc's fs) */
	assert_int_equal(cgroup_resolve(&layout, "c", "id", &cg, &err), 0);
	snprintf(want, sizeof(want), "%s/memory/agent/x/c", tmp);
	assert_string_equal(cg.d[0].path, want);
	snprintf(want, sizeof(want), "%s/systemd/s/c", tmp);
	assert_string_equal(cg.d[2].path, want);
	snprintf(want, sizeof(want), "%s/unified/c", tmp);
	assert_string_equal(cg.d[3].path, want);

	/* v1 plan: swap needs memory.memsw.limit_in_bytes; blkio weight file */
	snprintf(dir, sizeof(dir), "%s/v1dir", tmp);
	mkdirs(dir);
	parse_resources("{\"memory\": {\"limit\": 1000000, \"swap\": 2000000}}", &cfg);
	assert_true(cgroup_v1_backend.plan(&cfg.linux_config.resources, CG_BIT(CG_MEMORY), dir,
					   &plan, &err) < 0);
	assert_non_null(strstr(err.msg, "memory.memsw.limit_in_bytes"));
	snprintf(file, sizeof(file), "%s/memory.memsw.limit_in_bytes", dir);
	put(file, "");
	memset(&plan, 0, sizeof(plan));
	assert_int_equal(cgroup_v1_backend.plan(&cfg.linux_config.resources, CG_BIT(CG_MEMORY), dir,
						&plan, &err),
			 0);
	assert_string_equal(plan.w[0].file, "memory.limit_in_bytes"); /* before memsw */
	assert_string_equal(plan.w[1].value, "2000000");
	oci_config_free(&cfg);

	parse_resources("{\"blockIO\": {\"weight\": 300}, \"cpu\": {\"shares\": 100}}", &cfg);
	memset(&plan, 0, sizeof(plan));
	assert_true(cgroup_v1_backend.plan(&cfg.linux_config.resources, CG_BIT(CG_IO), dir, &plan,
					   &err) < 0);
	assert_non_null(strstr(err.msg, "blkio.bfq.weight"));
	snprintf(file, sizeof(file), "%s/blkio.bfq.weight", dir);
	put(file, "");
	memset(&plan, 0, sizeof(plan));
	assert_int_equal(cgroup_v1_backend.plan(&cfg.linux_config.resources,
						CG_BIT(CG_IO) | CG_BIT(CG_CPU), dir, &plan, &err),
			 0);
	assert_string_equal(planned(&plan, "blkio.bfq.weight"), "300");
	assert_string_equal(planned(&plan, "cpu.shares"), "100");
	assert_true(plan.w[0].verify); /* cpu.shares is read back: the kernel clamps */
	oci_config_free(&cfg);
}

static void test_state_json(void **state)
{
	struct cgroup cg = {0}, back;
	json_t *j;

	(void)state;
	cg.n = 1;
	cg.d[0].version = 1;
	cg.d[0].controllers = CG_BIT(CG_MEMORY);
	strcpy(cg.d[0].label, "memory");
	strcpy(cg.d[0].mount, "/sys/fs/cgroup/memory");
	strcpy(cg.d[0].path, "/sys/fs/cgroup/memory/a/b");
	strcpy(cg.d[0].top, "/sys/fs/cgroup/memory/a");
	j = cgroup_to_json(&cg);
	assert_int_equal(cgroup_from_json(j, &back), 0);
	assert_int_equal(back.n, 1);
	assert_memory_equal(&back.d[0], &cg.d[0], sizeof(cg.d[0]));
	/* forged: a path outside its mount is refused */
	json_object_set_new(json_array_get(j, 0), "path", json_string("/etc"));
	assert_int_equal(cgroup_from_json(j, &back), -EINVAL);
	json_object_set_new(json_array_get(j, 0), "path",
			    json_string("/sys/fs/cgroup/memory/a/../../../etc"));
	assert_int_equal(cgroup_from_json(j, &back), -EINVAL);
	json_object_set_new(json_array_get(j, 0), "path",
			    json_string("/sys/fs/cgroup/memory/a/.."));
	assert_int_equal(cgroup_from_json(j, &back), -EINVAL);
	json_object_set_new(json_array_get(j, 0), "path", json_string("/sys/fs/cgroup/memory"));
	assert_int_equal(cgroup_from_json(j, &back), -EINVAL);
	/* top must lie on the way to path */
	json_object_set_new(json_array_get(j, 0), "path", json_string("/sys/fs/cgroup/memory/b/c"));
	assert_int_equal(cgroup_from_json(j, &back), -EINVAL);
	json_decref(j);
	assert_int_equal(cgroup_from_json(NULL, &back), 0);
	assert_int_equal(back.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cpu_weight),	cmocka_unit_test(test_v2_plan),
	    cmocka_unit_test(test_v2_refusals), cmocka_unit_test(test_detect_and_resolve_v2),
	    cmocka_unit_test(test_create_v2),	cmocka_unit_test(test_detect_hybrid_and_v1_plan),
	    cmocka_unit_test(test_state_json),
	};

	return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
