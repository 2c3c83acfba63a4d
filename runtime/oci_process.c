/* SPDX-License-Identifier: Apache-2.0 */
/* config.json "process" (also the whole of `exec --process FILE`). */
#include "oci_parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cleanup.h"

static int parse_console_size(struct oci_parser *p, const json_t *proc, struct oci_process *out)
{
	json_t *cs = NULL;
	int r = oci_enter_object(p, proc, "consoleSize", false, &cs);

	if (r <= 0)
		return r;
	r = oci_get_u32(p, cs, "height", true, &out->console_height);
	if (r == 0)
		r = oci_get_u32(p, cs, "width", true, &out->console_width);
	oci_pop(p);
	out->console_size_set = r == 0;
	return r;
}

static int parse_gid(struct oci_parser *p, const json_t *e, void *items, size_t i, void *ctx)
{
	uint64_t gid = 0;
	int r = oci_value_uint(p, e, UINT32_MAX, &gid);

	((uint32_t *)items)[i] = (uint32_t)gid;
	return r;
}

static int parse_user(struct oci_parser *p, const json_t *proc, struct oci_user *u)
{
	json_t *user = NULL;
	int r = oci_enter_object(p, proc, "user", false, &user);

	if (r <= 0)
		return r;
	r = oci_get_u32(p, user, "uid", false, &u->uid);
	if (r == 0)
		r = oci_get_u32(p, user, "gid", false, &u->gid);
	if (r == 0)
		r = oci_get_uint(p, user, "umask", false, 0777, &u->umask);
	if (r == 0) {
		void *v = u->additional_gids;

		r = oci_get_array(p, user, "additionalGids", sizeof(*u->additional_gids), parse_gid,
				  NULL, &v, &u->n_additional_gids);
		u->additional_gids = v;
	}
	oci_pop(p);
	return r;
}

static int check_env(struct oci_parser *p, struct oci_process *out)
{
	for (size_t i = 0; i < out->n_env; i++) {
		const char *eq = strchr(out->env[i], '=');
		int r = 0;

		if (eq && eq != out->env[i])
			continue;
		oci_push_key(p, "env");
		oci_push_index(p, i);
		if (!eq)
			r = oci_fail(p, "\"%s\" is not NAME=value (missing '=')", out->env[i]);
		else
			r = oci_fail(p, "\"%s\" has an empty variable name", out->env[i]);
		oci_pop(p);
		oci_pop(p);
		return r;
	}
	return 0;
}

/* One capability set: names into a bitmask. */
static int parse_cap_set(struct oci_parser *p, const json_t *caps, const char *key, uint64_t *mask)
{
	json_t *arr = NULL;
	int r = oci_enter_array(p, caps, key, false, &arr);

	if (r <= 0)
		return r;
	for (size_t i = 0; i < json_array_size(arr) && r >= 0; i++) {
		_cleanup_free_ char *name = NULL;
		int cap;

		oci_push_index(p, i);
		r = oci_value_string(p, json_array_get(arr, i), &name);
		if (r == 0) {
			cap = oci_capability_from_name(name);
			if (cap < 0)
				r = oci_fail(p, "unknown capability \"%s\"", name);
			else
				*mask |= UINT64_C(1) << cap;
		}
		oci_pop(p);
	}
	oci_pop(p);
	return r < 0 ? r : 0;
}

static int parse_capabilities(struct oci_parser *p, const json_t *proc, struct oci_capabilities *c)
{
	json_t *caps = NULL;
	int r = oci_enter_object(p, proc, "capabilities", false, &caps);

	if (r <= 0)
		return r;
	c->present = true;
	r = parse_cap_set(p, caps, "bounding", &c->bounding);
	if (r == 0)
		r = parse_cap_set(p, caps, "effective", &c->effective);
	if (r == 0)
		r = parse_cap_set(p, caps, "inheritable", &c->inheritable);
	if (r == 0)
		r = parse_cap_set(p, caps, "permitted", &c->permitted);
	if (r == 0)
		r = parse_cap_set(p, caps, "ambient", &c->ambient);
	oci_pop(p);
	return r;
}

/* items[0..i) are the rlimits before: a type may stand only once. */
static int parse_rlimit(struct oci_parser *p, const json_t *e, void *items, size_t i, void *ctx)
{
	const struct oci_rlimit *seen = items;
	struct oci_rlimit *rl = (struct oci_rlimit *)items + i;
	_cleanup_free_ char *type = NULL;
	struct oci_opt_u64 soft = {0}, hard = {0};
	int r = oci_expect_object(p, e);

	if (r == 0)
		r = oci_get_string(p, e, "type", true, &type);
	if (r < 0)
		return r;
	oci_push_key(p, "type");
	rl->resource = oci_rlimit_from_name(type);
	if (rl->resource < 0)
		r = oci_fail(p, "unknown rlimit \"%s\"", type);
	for (size_t j = 0; j < i && r == 0; j++)
		if (seen[j].resource == rl->resource)
			r = oci_fail(p, "duplicate rlimit \"%s\"", type);
	oci_pop(p);
	if (r == 0)
		r = oci_get_uint(p, e, "soft", true, UINT64_MAX, &soft);
	if (r == 0)
		r = oci_get_uint(p, e, "hard", true, UINT64_MAX, &hard);
	if (r < 0)
		return r;
	rl->soft = soft.value;
	rl->hard = hard.value;
	if (rl->soft > rl->hard) {
		oci_push_key(p, "soft");
		r = oci_fail(p, "soft limit is above the hard limit");
		oci_pop(p);
	}
	return r;
}

static int parse_rlimits(struct oci_parser *p, const json_t *proc, struct oci_process *out)
{
	void *v = out->rlimits;
	int r = oci_get_array(p, proc, "rlimits", sizeof(*out->rlimits), parse_rlimit, NULL, &v,
			      &out->n_rlimits);

	out->rlimits = v;
	return r;
}

int oci_parse_process(struct oci_parser *p, const json_t *proc, struct oci_process *out)
{
	int r;

	memset(out, 0, sizeof(*out));
	r = oci_get_bool(p, proc, "terminal", &out->terminal);
	if (r == 0)
		r = parse_console_size(p, proc, out);
	if (r == 0)
		r = parse_user(p, proc, &out->user);
	if (r == 0)
		r = oci_get_strings(p, proc, "args", true, &out->args, &out->n_args);
	if (r == 0 && out->n_args == 0) {
		oci_push_key(p, "args");
		r = oci_fail(p, "must hold at least the program to run");
		oci_pop(p);
	}
	if (r == 0)
		r = oci_get_strings(p, proc, "env", false, &out->env, &out->n_env);
	if (r == 0)
		r = check_env(p, out);
	if (r == 0)
		r = oci_get_string(p, proc, "cwd", true, &out->cwd);
	if (r == 0 && out->cwd[0] != '/') {
		oci_push_key(p, "cwd");
		r = oci_fail(p, "must be an absolute path, got \"%s\"", out->cwd);
		oci_pop(p);
	}
	if (r == 0)
		r = parse_capabilities(p, proc, &out->capabilities);
	if (r == 0)
		r = parse_rlimits(p, proc, out);
	if (r == 0)
		r = oci_get_bool(p, proc, "noNewPrivileges", &out->no_new_privileges);
	if (r == 0)
		r = oci_get_int(p, proc, "oomScoreAdj", false, -1000, 1000, &out->oom_score_adj);
	if (r == 0)
		r = oci_get_string(p, proc, "apparmorProfile", false, &out->apparmor_profile);
	if (r == 0)
		r = oci_get_string(p, proc, "selinuxLabel", false, &out->selinux_label);
	if (r < 0)
		oci_process_free(out);
	return r;
}

void oci_process_free(struct oci_process *proc)
{
	if (!proc)
		return;
	free(proc->user.additional_gids);
	oci_strv_free(proc->args);
	oci_strv_free(proc->env);
	free(proc->cwd);
	free(proc->rlimits);
	free(proc->apparmor_profile);
	free(proc->selinux_label);
	memset(proc, 0, sizeof(*proc));
}

int oci_process_parse(const char *name, const char *text, size_t len, struct oci_process *proc,
		      struct moat_error *err)
{
	struct oci_parser p = {.name = name, .text = text, .len = len, .err = err};
	json_t *root = NULL;
	int r;

	memset(proc, 0, sizeof(*proc));
	r = oci_json_load(&p, &root);
	if (r < 0)
		return r;
	r = oci_parse_process(&p, root, proc);
	json_decref(root);
	return r;
}
