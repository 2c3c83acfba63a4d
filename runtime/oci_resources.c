/* SPDX-License-Identifier: Apache-2.0 */
/* config.json "linux.resources": the cgroup settings moat knows. */
#include "oci_parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cleanup.h"

static int parse_device_rule(struct oci_parser *p, const json_t *e, void *items, size_t i,
			     void *ctx)
{
	struct oci_device_rule *d = (struct oci_device_rule *)items + i;
	_cleanup_free_ char *type = NULL, *access = NULL;
	struct oci_opt_i64 major = {0}, minor = {0};
	json_t *allow = json_object_get(e, "allow");
	int r = oci_expect_object(p, e);

	if (r == 0 && (!allow || json_is_null(allow))) {
		oci_push_key(p, "allow");
		r = oci_fail(p, "required field is missing");
		oci_pop(p);
	}
	if (r == 0)
		r = oci_get_bool(p, e, "allow", &d->allow);
	if (r == 0)
		r = oci_get_string(p, e, "type", false, &type);
	d->type = 'a';
	if (r == 0 && type) {
		if (strlen(type) != 1 || !strchr("abc", type[0])) {
			oci_push_key(p, "type");
			r = oci_fail(p, "unknown device type \"%s\" (a, b or c)", type);
			oci_pop(p);
		}
		d->type = type[0];
	}
	if (r == 0)
		r = oci_get_int(p, e, "major", false, -1, INT64_MAX, &major);
	if (r == 0)
		r = oci_get_int(p, e, "minor", false, -1, INT64_MAX, &minor);
	d->major = major.set ? major.value : -1;
	d->minor = minor.set ? minor.value : -1;
	/* Required, as runc requires it: an allow rule with no access would
	 * otherwise mean everything. */
	if (r == 0)
		r = oci_get_string(p, e, "access", true, &access);
	if (r == 0) {
		size_t n = strlen(access);

		if (n == 0 || n > 3 || strspn(access, "rwm") != n) {
			oci_push_key(p, "access");
			r = oci_fail(p, "\"%s\" is not a non-empty subset of \"rwm\"", access);
			oci_pop(p);
		} else {
			memcpy(d->access, access, n + 1);
		}
	}
	return r;
}

static int parse_device_rules(struct oci_parser *p, const json_t *res, struct oci_resources *out)
{
	void *v = out->devices;
	int r = oci_get_array(p, res, "devices", sizeof(*out->devices), parse_device_rule, NULL, &v,
			      &out->n_devices);

	out->devices = v;
	return r;
}

static int parse_memory(struct oci_parser *p, const json_t *res, struct oci_resources *out)
{
	json_t *m = NULL;
	int r = oci_enter_object(p, res, "memory", false, &m);

	if (r <= 0)
		return r;
	r = oci_get_int(p, m, "limit", false, INT64_MIN, INT64_MAX, &out->memory.limit);
	if (r == 0)
		r = oci_get_int(p, m, "reservation", false, INT64_MIN, INT64_MAX,
				&out->memory.reservation);
	if (r == 0)
		r = oci_get_int(p, m, "swap", false, INT64_MIN, INT64_MAX, &out->memory.swap);
	if (r == 0)
		r = oci_get_uint(p, m, "swappiness", false, 100, &out->memory.swappiness);
	if (r == 0)
		r = oci_get_bool(p, m, "disableOOMKiller", &out->memory.disable_oom_killer);
	oci_pop(p);
	return r;
}

static int parse_cpu(struct oci_parser *p, const json_t *res, struct oci_resources *out)
{
	json_t *c = NULL;
	int r = oci_enter_object(p, res, "cpu", false, &c);

	if (r <= 0)
		return r;
	r = oci_get_uint(p, c, "shares", false, UINT64_MAX, &out->cpu.shares);
	if (r == 0)
		r = oci_get_int(p, c, "quota", false, INT64_MIN, INT64_MAX, &out->cpu.quota);
	if (r == 0)
		r = oci_get_uint(p, c, "burst", false, UINT64_MAX, &out->cpu.burst);
	if (r == 0)
		r = oci_get_uint(p, c, "period", false, UINT64_MAX, &out->cpu.period);
	if (r == 0)
		r = oci_get_int(p, c, "realtimeRuntime", false, INT64_MIN, INT64_MAX,
				&out->cpu.realtime_runtime);
	if (r == 0)
		r = oci_get_uint(p, c, "realtimePeriod", false, UINT64_MAX,
				 &out->cpu.realtime_period);
	if (r == 0)
		r = oci_get_string(p, c, "cpus", false, &out->cpu.cpus);
	if (r == 0)
		r = oci_get_string(p, c, "mems", false, &out->cpu.mems);
	if (r == 0)
		r = oci_get_int(p, c, "idle", false, INT64_MIN, INT64_MAX, &out->cpu.idle);
	oci_pop(p);
	return r;
}

static int parse_pids_block_io(struct oci_parser *p, const json_t *res, struct oci_resources *out)
{
	json_t *o = NULL;
	int r = oci_enter_object(p, res, "pids", false, &o);

	if (r == 1) {
		r = oci_get_int(p, o, "limit", false, INT64_MIN, INT64_MAX, &out->pids_limit);
		oci_pop(p);
	}
	if (r == 0)
		r = oci_enter_object(p, res, "blockIO", false, &o);
	if (r == 1) {
		r = oci_get_uint(p, o, "weight", false, 1000, &out->block_io.weight);
		if (r == 0)
			r = oci_get_uint(p, o, "leafWeight", false, 1000,
					 &out->block_io.leaf_weight);
		oci_pop(p);
	}
	return r;
}

static int parse_hugepage(struct oci_parser *p, const json_t *e, void *items, size_t i, void *ctx)
{
	struct oci_hugepage_limit *h = (struct oci_hugepage_limit *)items + i;
	struct oci_opt_u64 limit = {0};
	int r = oci_expect_object(p, e);

	if (r == 0)
		r = oci_get_string(p, e, "pageSize", true, &h->page_size);
	if (r == 0)
		r = oci_get_uint(p, e, "limit", true, UINT64_MAX, &limit);
	h->limit = limit.value;
	return r;
}

static int parse_hugepages(struct oci_parser *p, const json_t *res, struct oci_resources *out)
{
	void *v = out->hugepage_limits;
	int r = oci_get_array(p, res, "hugepageLimits", sizeof(*out->hugepage_limits),
			      parse_hugepage, NULL, &v, &out->n_hugepage_limits);

	out->hugepage_limits = v;
	return r;
}

int oci_parse_resources(struct oci_parser *p, const json_t *lx, struct oci_resources *out)
{
	json_t *res = NULL;
	int r = oci_enter_object(p, lx, "resources", false, &res);

	if (r <= 0)
		return r;
	r = oci_parse_resources_object(p, res, out);
	oci_pop(p);
	return r;
}

int oci_parse_resources_object(struct oci_parser *p, const json_t *res, struct oci_resources *out)
{
	int r;

	out->present = true;
	r = parse_device_rules(p, res, out);
	if (r == 0)
		r = parse_memory(p, res, out);
	if (r == 0)
		r = parse_cpu(p, res, out);
	if (r == 0)
		r = parse_pids_block_io(p, res, out);
	if (r == 0)
		r = parse_hugepages(p, res, out);
	if (r == 0)
		r = oci_get_string_map(p, res, "unified", &out->unified, &out->n_unified);
	return r;
}

void oci_resources_free(struct oci_resources *r)
{
	free(r->devices);
	free(r->cpu.cpus);
	free(r->cpu.mems);
	for (size_t i = 0; i < r->n_hugepage_limits; i++)
		free(r->hugepage_limits[i].page_size);
	free(r->hugepage_limits);
	oci_kv_free(r->unified, r->n_unified);
	memset(r, 0, sizeof(*r));
}
