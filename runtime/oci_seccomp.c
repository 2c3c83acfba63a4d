/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.json "linux.seccomp", kept as data: names are checked against the
 * tables, syscall names are not resolved (the runtime compiles the profile
 * with libseccomp, which skips names it does not know, as runc does).
 */
#include "oci_parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cleanup.h"

/* The errno an SCMP_ACT_ERRNO/TRACE action can carry (16 bits). */
#define ERRNO_RET_MAX 0xffff

/* A name in obj[key] looked up with from_name; fails naming what (an
 * "action", an "operator"). */
static int get_name(struct oci_parser *p, const json_t *obj, const char *key, const char *what,
		    int64_t (*from_name)(const char *), int64_t *out)
{
	_cleanup_free_ char *s = NULL;
	int r = oci_get_string(p, obj, key, true, &s);

	if (r < 0)
		return r;
	*out = from_name(s);
	if (*out >= 0)
		return 0;
	oci_push_key(p, key);
	r = oci_fail(p, "unknown %s \"%s\"", what, s);
	oci_pop(p);
	return r;
}

static int64_t operator_from_name(const char *name)
{
	return oci_seccomp_operator_from_name(name);
}

static int parse_arg(struct oci_parser *p, const json_t *e, void *items, size_t i, void *ctx)
{
	struct oci_seccomp_arg *a = (struct oci_seccomp_arg *)items + i;
	struct oci_opt_u64 index = {0}, value = {0}, value_two = {0};
	int64_t op = 0;
	int r = oci_expect_object(p, e);

	if (r == 0)
		r = oci_get_uint(p, e, "index", true, 5, &index);
	if (r == 0)
		r = oci_get_uint(p, e, "value", true, UINT64_MAX, &value);
	if (r == 0)
		r = oci_get_uint(p, e, "valueTwo", false, UINT64_MAX, &value_two);
	if (r == 0)
		r = get_name(p, e, "op", "operator", operator_from_name, &op);
	a->index = (unsigned)index.value;
	a->value = value.value;
	a->value_two = value_two.value;
	a->op = (int)op;
	return r;
}

static int parse_rule(struct oci_parser *p, const json_t *e, void *items, size_t i, void *ctx)
{
	struct oci_seccomp_rule *rule = (struct oci_seccomp_rule *)items + i;
	void *args = rule->args;
	int64_t action = 0;
	int r = oci_expect_object(p, e);

	if (r == 0)
		r = oci_get_strings(p, e, "names", true, &rule->names, &rule->n_names);
	if (r == 0 && rule->n_names == 0) {
		oci_push_key(p, "names");
		r = oci_fail(p, "must name at least one syscall");
		oci_pop(p);
	}
	if (r == 0)
		r = get_name(p, e, "action", "action", oci_seccomp_action_from_name, &action);
	rule->action = (uint32_t)action;
	if (r == 0)
		r = oci_get_uint(p, e, "errnoRet", false, ERRNO_RET_MAX, &rule->errno_ret);
	if (r == 0) {
		r = oci_get_array(p, e, "args", sizeof(*rule->args), parse_arg, NULL, &args,
				  &rule->n_args);
		rule->args = args;
	}
	return r;
}

/* A list of names into values (architectures) or a bitmask (flags). */
static int parse_names(struct oci_parser *p, const json_t *sc, const char *key, const char *what,
		       int64_t (*from_name)(const char *), uint32_t **values, size_t *n_values,
		       unsigned int *mask)
{
	json_t *arr = NULL;
	size_t n;
	int r = oci_enter_array(p, sc, key, false, &arr);

	if (r <= 0)
		return r;
	n = json_array_size(arr);
	if (values) {
		*values = calloc(n + 1, sizeof(**values));
		if (!*values) {
			oci_pop(p);
			return oci_nomem(p);
		}
	}
	r = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		_cleanup_free_ char *s = NULL;
		int64_t v = -1;

		oci_push_index(p, i);
		r = oci_value_string(p, json_array_get(arr, i), &s);
		if (r == 0)
			v = from_name(s);
		if (r == 0 && v < 0)
			r = oci_fail(p, "unknown %s \"%s\"", what, s);
		oci_pop(p);
		if (r == 0 && values)
			(*values)[(*n_values)++] = (uint32_t)v;
		if (r == 0 && mask)
			*mask |= (unsigned int)v;
	}
	oci_pop(p);
	return r;
}

static bool no_default_action(const json_t *sc)
{
	json_t *v = json_object_get(sc, "defaultAction");

	return !v || json_is_null(v) || (json_is_string(v) && !json_string_value(v)[0]);
}

static bool no_rules(const json_t *sc)
{
	json_t *v = json_object_get(sc, "syscalls");

	return !v || json_is_null(v) || (json_is_array(v) && json_array_size(v) == 0);
}

int oci_parse_seccomp(struct oci_parser *p, const json_t *lx, struct oci_seccomp *out)
{
	json_t *sc = NULL;
	int64_t action = 0;
	int r = oci_enter_object(p, lx, "seccomp", false, &sc);

	if (r <= 0)
		return r;
	/* runc: no default action and no rules means no seccomp at all. */
	if (no_default_action(sc) && no_rules(sc)) {
		oci_pop(p);
		return 0;
	}
	out->present = true;
	r = get_name(p, sc, "defaultAction", "action", oci_seccomp_action_from_name, &action);
	out->default_action = (uint32_t)action;
	if (r == 0)
		r = oci_get_uint(p, sc, "defaultErrnoRet", false, ERRNO_RET_MAX,
				 &out->default_errno_ret);
	if (r == 0)
		r = parse_names(p, sc, "architectures", "architecture", oci_seccomp_arch_from_name,
				&out->architectures, &out->n_architectures, NULL);
	if (r == 0) {
		json_t *flags = json_object_get(sc, "flags");

		out->flags_set = flags && !json_is_null(flags);
		r = parse_names(p, sc, "flags", "seccomp flag", oci_seccomp_flag_from_name, NULL,
				NULL, &out->flags);
	}
	if (r == 0)
		r = oci_get_string(p, sc, "listenerPath", false, &out->listener_path);
	if (r == 0)
		r = oci_get_string(p, sc, "listenerMetadata", false, &out->listener_metadata);
	if (r == 0) {
		void *v = out->syscalls;

		r = oci_get_array(p, sc, "syscalls", sizeof(*out->syscalls), parse_rule, NULL, &v,
				  &out->n_syscalls);
		out->syscalls = v;
	}
	oci_pop(p);
	return r;
}

void oci_seccomp_free(struct oci_seccomp *s)
{
	free(s->architectures);
	free(s->listener_path);
	free(s->listener_metadata);
	for (size_t i = 0; i < s->n_syscalls; i++) {
		oci_strv_free(s->syscalls[i].names);
		free(s->syscalls[i].args);
	}
	free(s->syscalls);
	memset(s, 0, sizeof(*s));
}
