/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `moat update`: new cgroup limits for a created, running or paused
 * container, as runc's update (what docker update, podman update and
 * Kubernetes' in-place resize call). Either --resources/-r FILE (or - for
 * stdin), a linux.resources object, or runc's flags. As with runc, 0 and ""
 * leave a value as it is; only what is given is written, into the
 * container's existing cgroup directories (runtime/cgroup.c cgroup_update).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "cgroup.h"
#include "container.h"
#include "oci_config.h"
#include "oci_parse.h"

#define UPDATE_MAX_SIZE (1u << 20)

/* Docker's RAMInBytes: "64m", "1.5g", "512 MiB", "1048576"; binary units. */
static int parse_bytes(const char *s, int64_t *out)
{
	static const char units[] = "bkmgtp";
	char *end, *u;
	double v = strtod(s, &end);
	int shift = 0;

	if (end == s || v < 0)
		return -EINVAL;
	if (*end == ' ')
		end++;
	if (*end && (u = strchr(units, (char)(*end | 0x20)))) {
		shift = (int)(u - units) * 10;
		end++;
		if ((*end | 0x20) == 'i')
			end++;
		if (shift && (*end | 0x20) == 'b')
			end++;
	}
	if (*end || v * (double)(1ull << shift) > (double)INT64_MAX)
		return -EINVAL;
	*out = (int64_t)(v * (double)(1ull << shift));
	return 0;
}

/* runc's zero: "leave it as it is". */
static void zero_is_unset_u(struct oci_opt_u64 *o)
{
	if (o->set && o->value == 0)
		o->set = false;
}

static void zero_is_unset_i(struct oci_opt_i64 *o)
{
	if (o->set && o->value == 0)
		o->set = false;
}

static void zero_is_unset(struct oci_resources *r)
{
	zero_is_unset_i(&r->memory.limit);
	zero_is_unset_i(&r->memory.reservation);
	zero_is_unset_i(&r->memory.swap);
	zero_is_unset_u(&r->cpu.shares);
	zero_is_unset_u(&r->cpu.period);
	zero_is_unset_u(&r->cpu.realtime_period);
	zero_is_unset_i(&r->cpu.quota);
	zero_is_unset_i(&r->cpu.realtime_runtime);
	zero_is_unset_u(&r->block_io.weight);
	zero_is_unset_i(&r->pids_limit);
	if (r->cpu.cpus && !r->cpu.cpus[0]) {
		free(r->cpu.cpus);
		r->cpu.cpus = NULL;
	}
	if (r->cpu.mems && !r->cpu.mems[0]) {
		free(r->cpu.mems);
		r->cpu.mems = NULL;
	}
}

static int read_all(const char *path, char **text, size_t *len, struct moat_error *err)
{
	_cleanup_close_ int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : dup(0);
	_cleanup_free_ char *buf = malloc(UPDATE_MAX_SIZE + 1);
	size_t n = 0;

	if (fd < 0)
		return moat_error_set(err, errno, "--resources %s", path);
	if (!buf)
		return moat_error_set(err, ENOMEM, "--resources %s", path);
	for (;;) {
		ssize_t k = read(fd, buf + n, UPDATE_MAX_SIZE - n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return moat_error_set(err, errno, "read %s", path);
		if (k == 0)
			break;
		n += (size_t)k;
		if (n == UPDATE_MAX_SIZE)
			return moat_error_setx(err, EFBIG, "%s: larger than 1 MiB", path);
	}
	buf[n] = '\0';
	*len = n;
	*text = steal_pointer(&buf);
	return 0;
}

/* A linux.resources object from path ("-": stdin), errors naming line and field. */
static int load_resources(const char *path, struct oci_resources *r, struct moat_error *err)
{
	_cleanup_free_ char *text = NULL;
	struct oci_parser p = {.name = strcmp(path, "-") ? path : "<stdin>", .err = err};
	json_t *top = NULL;
	size_t len = 0;
	int ret = read_all(path, &text, &len, err);

	if (ret < 0)
		return ret;
	p.text = text;
	p.len = len;
	ret = oci_json_load(&p, &top);
	if (ret < 0)
		return ret;
	if (!json_is_object(top))
		ret = moat_error_setx(err, EINVAL, "%s: expected a linux.resources object", p.name);
	else
		ret = oci_parse_resources_object(&p, top, r);
	json_decref(top);
	return ret < 0 ? ret : 0;
}

enum {
	OPT_BLKIO_WEIGHT = 256,
	OPT_CPU_PERIOD,
	OPT_CPU_QUOTA,
	OPT_CPU_SHARE,
	OPT_CPU_RT_PERIOD,
	OPT_CPU_RT_RUNTIME,
	OPT_CPUSET_CPUS,
	OPT_CPUSET_MEMS,
	OPT_KERNEL_MEMORY,
	OPT_MEMORY,
	OPT_MEMORY_RESERVATION,
	OPT_MEMORY_SWAP,
	OPT_PIDS_LIMIT,
	OPT_RDT,
};

static const struct option update_options[] = {
    {"resources", required_argument, NULL, 'r'},
    {"blkio-weight", required_argument, NULL, OPT_BLKIO_WEIGHT},
    {"cpu-period", required_argument, NULL, OPT_CPU_PERIOD},
    {"cpu-quota", required_argument, NULL, OPT_CPU_QUOTA},
    {"cpu-share", required_argument, NULL, OPT_CPU_SHARE},
    {"cpu-rt-period", required_argument, NULL, OPT_CPU_RT_PERIOD},
    {"cpu-rt-runtime", required_argument, NULL, OPT_CPU_RT_RUNTIME},
    {"cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS},
    {"cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS},
    {"kernel-memory", required_argument, NULL, OPT_KERNEL_MEMORY},
    {"kernel-memory-tcp", required_argument, NULL, OPT_KERNEL_MEMORY},
    {"memory", required_argument, NULL, OPT_MEMORY},
    {"memory-reservation", required_argument, NULL, OPT_MEMORY_RESERVATION},
    {"memory-swap", required_argument, NULL, OPT_MEMORY_SWAP},
    {"pids-limit", required_argument, NULL, OPT_PIDS_LIMIT},
    {"l3-cache-schema", required_argument, NULL, OPT_RDT},
    {"mem-bw-schema", required_argument, NULL, OPT_RDT},
    {NULL, 0, NULL, 0},
};

static int set_u64(const char *name, const char *arg, struct oci_opt_u64 *out,
		   struct moat_error *err)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || *end || end == arg || arg[0] == '-')
		return moat_error_setx(err, EINVAL, "invalid value for %s: \"%s\"", name, arg);
	*out = (struct oci_opt_u64){.set = true, .value = v};
	return 0;
}

static int set_i64(const char *name, const char *arg, struct oci_opt_i64 *out,
		   struct moat_error *err)
{
	char *end;
	int64_t v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno || *end || end == arg)
		return moat_error_setx(err, EINVAL, "invalid value for %s: \"%s\"", name, arg);
	*out = (struct oci_opt_i64){.set = true, .value = v};
	return 0;
}

/* --memory and its kin: bytes with units, or -1 (unlimited). */
static int set_bytes(const char *name, const char *arg, struct oci_opt_i64 *out,
		     struct moat_error *err)
{
	int64_t v = -1;

	if (strcmp(arg, "-1") && parse_bytes(arg, &v) < 0)
		return moat_error_setx(err, EINVAL, "invalid value for %s: \"%s\"", name, arg);
	*out = (struct oci_opt_i64){.set = true, .value = v};
	return 0;
}

static int set_string(const char *arg, char **out, struct moat_error *err)
{
	free(*out);
	*out = strdup(arg);
	return *out ? 0 : moat_error_set(err, ENOMEM, "update");
}

static int parse_flag(int c, const char *arg, struct oci_resources *r, struct moat_error *err)
{
	const char *name = "";

	for (const struct option *o = update_options; o->name; o++)
		if (o->val == c)
			name = o->name;
	switch (c) {
	case OPT_BLKIO_WEIGHT:
		return set_u64(name, arg, &r->block_io.weight, err);
	case OPT_CPU_PERIOD:
		return set_u64(name, arg, &r->cpu.period, err);
	case OPT_CPU_SHARE:
		return set_u64(name, arg, &r->cpu.shares, err);
	case OPT_CPU_RT_PERIOD:
		return set_u64(name, arg, &r->cpu.realtime_period, err);
	case OPT_CPU_QUOTA:
		return set_i64(name, arg, &r->cpu.quota, err);
	case OPT_CPU_RT_RUNTIME:
		return set_i64(name, arg, &r->cpu.realtime_runtime, err);
	case OPT_CPUSET_CPUS:
		return set_string(arg, &r->cpu.cpus, err);
	case OPT_CPUSET_MEMS:
		return set_string(arg, &r->cpu.mems, err);
	case OPT_MEMORY:
		return set_bytes("memory", arg, &r->memory.limit, err);
	case OPT_MEMORY_RESERVATION:
		return set_bytes("memory-reservation", arg, &r->memory.reservation, err);
	case OPT_MEMORY_SWAP:
		return set_bytes("memory-swap", arg, &r->memory.swap, err);
	case OPT_PIDS_LIMIT:
		return set_i64(name, arg, &r->pids_limit, err);
	case OPT_KERNEL_MEMORY:
		fprintf(stderr, "moat: warning: kernel memory settings are ignored (as by "
				"runc)\n");
		return 0;
	case OPT_RDT:
		return moat_error_setx(err, ENOTSUP,
				       "--l3-cache-schema, --mem-bw-schema: Intel "
				       "RDT is not supported");
	default:
		return moat_error_setx(err, EINVAL, "update: unknown option or missing argument");
	}
}

static int apply(const struct oci_globals *g, const char *id, struct oci_resources *r,
		 struct moat_error *err)
{
	_cleanup_free_ struct cgroup *cg = NULL;
	struct container c;
	int ret;

	ret = container_open(g, id, &c, err);
	if (ret < 0)
		return ret;
	if (container_status(&c) == CONTAINER_STOPPED)
		ret = moat_error_setx(err, ESRCH, "container not running");
	else if (!(cg = cgroup_of_container(&c, err)))
		ret = -err->code;
	else if (!cg->n)
		ret = moat_error_setx(err, ENOTSUP, "container \"%s\" has no cgroup to update", id);
	else
		ret = cgroup_update(cg, r, err);
	container_close(&c);
	return ret;
}

int container_cmd_update(const struct oci_globals *g, int argc, char **argv)
{
	struct moat_error err = {0};
	struct oci_resources r = {0};
	const char *file = NULL;
	int c, ret = 0;

	while (ret == 0 && (c = getopt_long(argc, argv, "r:", update_options, NULL)) != -1) {
		if (c == 'r')
			file = optarg;
		else
			ret = parse_flag(c, optarg, &r, &err);
	}
	if (ret == 0 && optind != argc - 1)
		ret = moat_error_setx(&err, EINVAL, "update: usage: moat update [OPTION]... ID");
	if (ret == 0 && file) { /* as runc: the other options are then ignored */
		oci_resources_free(&r);
		ret = load_resources(file, &r, &err);
	}
	if (ret == 0) {
		zero_is_unset(&r);
		ret = apply(g, argv[argc - 1], &r, &err);
	}
	oci_resources_free(&r);
	return ret < 0 ? oci_cli_fail(g, &err) : 0;
}
