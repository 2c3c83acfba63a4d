/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.json plumbing: the parser's field path and messages (placed with
 * oci_locate.c), loading, and typed getters over jansson values.
 */
#include "oci_parse.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cleanup.h"

/* ------------------------------------------------------------- context */

/* Steps beyond OCI_PATH_MAX_DEPTH are counted but not stored. */
static size_t path_depth(const struct oci_parser *p)
{
	return p->depth < OCI_PATH_MAX_DEPTH ? p->depth : OCI_PATH_MAX_DEPTH;
}

/* The number literal at the current path in the original text, or NULL. */
static char *raw_literal(struct oci_parser *p, char *buf, size_t size)
{
	size_t off, n = 0;

	if (oci_json_locate(p->text, p->len, p->path, path_depth(p), &off) != (int)p->depth)
		return NULL;
	while (off + n < p->len && strchr("0123456789+-.eE", p->text[off + n]))
		n++;
	if (n == 0 || n >= size)
		return NULL;
	memcpy(buf, p->text + off, n);
	buf[n] = '\0';
	return buf;
}

void oci_push_key(struct oci_parser *p, const char *key)
{
	if (p->depth < OCI_PATH_MAX_DEPTH)
		p->path[p->depth] = (struct oci_json_step){.key = key};
	p->depth++;
}

void oci_push_index(struct oci_parser *p, size_t index)
{
	if (p->depth < OCI_PATH_MAX_DEPTH)
		p->path[p->depth] = (struct oci_json_step){.key = NULL, .index = index};
	p->depth++;
}

void oci_pop(struct oci_parser *p)
{
	if (p->depth > 0)
		p->depth--;
}

static bool plain_key(const char *k)
{
	if (!*k || (*k >= '0' && *k <= '9'))
		return false;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		      (*k >= '0' && *k <= '9') || *k == '_'))
			return false;
	return true;
}

void oci_path_format(const struct oci_parser *p, char *buf, size_t size)
{
	size_t used = 0, depth = path_depth(p);

	buf[0] = '\0';
	for (size_t s = 0; s < depth && used < size; s++) {
		const struct oci_json_step *st = &p->path[s];
		int n;

		if (!st->key)
			n = snprintf(buf + used, size - used, "[%zu]", st->index);
		else if (plain_key(st->key))
			n = snprintf(buf + used, size - used, "%s%s", used ? "." : "", st->key);
		else
			n = snprintf(buf + used, size - used, "[\"%s\"]", st->key);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

int oci_fail(struct oci_parser *p, const char *fmt, ...)
{
	char path[256], msg[512], where[64] = "";
	size_t off;
	int line, column;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	oci_path_format(p, path, sizeof(path));
	if (oci_json_locate(p->text, p->len, p->path, path_depth(p), &off) >= 0) {
		oci_json_line_column(p->text, p->len, off, &line, &column);
		snprintf(where, sizeof(where), "line %d, column %d: ", line, column);
	}
	return moat_error_setx(p->err, EINVAL, "%s: %s%s%s%s", p->name, where, path,
			       path[0] ? ": " : "", msg);
}

const char *oci_json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return "integer";
	case JSON_REAL:
		return "number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	case JSON_NULL:
		return "null";
	}
	return "?";
}

int oci_fail_type(struct oci_parser *p, const json_t *v, const char *expected)
{
	return oci_fail(p, "expected %s, got %s", expected, oci_json_type_name(v));
}

int oci_json_load(struct oci_parser *p, json_t **out)
{
	_cleanup_free_ char *copy = malloc(p->len ? p->len : 1);
	json_error_t jerr;
	json_t *root = NULL;

	if (!copy)
		return oci_nomem(p);
	memcpy(copy, p->text, p->len);
	oci_json_widen_integers(copy, p->len);
	root = json_loadb(copy, p->len, 0, &jerr);
	if (!root)
		return moat_error_setx(p->err, EINVAL, "%s: line %d, column %d: invalid JSON: %s",
				       p->name, jerr.line, jerr.column, jerr.text);
	if (!json_is_object(root)) {
		int r = oci_fail_type(p, root, "an object");

		json_decref(root);
		return r;
	}
	*out = root;
	return 0;
}

/* ------------------------------------------------------------- getters */

int oci_value_string(struct oci_parser *p, const json_t *v, char **out)
{
	char *s;

	if (!json_is_string(v))
		return oci_fail_type(p, v, "a string");
	s = strdup(json_string_value(v));
	if (!s)
		return oci_nomem(p);
	free(*out);
	*out = s;
	return 0;
}

int oci_value_uint(struct oci_parser *p, const json_t *v, uint64_t max, uint64_t *out)
{
	char buf[64], *lit, *end;
	uint64_t x;

	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);

		if (i < 0)
			return oci_fail(
			    p, "expected a non-negative integer, got %" JSON_INTEGER_FORMAT, i);
		x = (uint64_t)i;
	} else if (json_is_real(v)) {
		/* A real, or an integer too large for jansson (widened). */
		lit = raw_literal(p, buf, sizeof(buf));
		if (!lit || strpbrk(lit, ".eE+"))
			return oci_fail_type(p, v, "an integer");
		if (lit[0] == '-')
			return oci_fail(p, "expected a non-negative integer, got %s", lit);
		errno = 0;
		x = strtoull(lit, &end, 10);
		if (errno == ERANGE || *end)
			return oci_fail(p, "%s is out of range (at most %" PRIu64 ")", lit, max);
	} else {
		return oci_fail_type(p, v, "an integer");
	}
	if (x > max)
		return oci_fail(p, "%" PRIu64 " is out of range (at most %" PRIu64 ")", x, max);
	*out = x;
	return 0;
}

int oci_value_int(struct oci_parser *p, const json_t *v, int64_t min, int64_t max, int64_t *out)
{
	char buf[64];
	int64_t x;

	if (json_is_real(v)) {
		const char *lit = raw_literal(p, buf, sizeof(buf));

		if (lit && !strpbrk(lit, ".eE+"))
			return oci_fail(p, "%s is out of range (%" PRId64 "..%" PRId64 ")", lit,
					min, max);
		return oci_fail_type(p, v, "an integer");
	}
	if (!json_is_integer(v))
		return oci_fail_type(p, v, "an integer");
	x = json_integer_value(v);
	if (x < min || x > max)
		return oci_fail(p, "%" PRId64 " is out of range (%" PRId64 "..%" PRId64 ")", x, min,
				max);
	*out = x;
	return 0;
}

/* obj[key], or NULL when absent or null; an error if required. */
static int member(struct oci_parser *p, const json_t *obj, const char *key, bool required,
		  json_t **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v && !json_is_null(v)) {
		*out = v;
		return 0;
	}
	if (!required)
		return 0;
	oci_push_key(p, key);
	oci_fail(p, "required field is missing");
	oci_pop(p);
	return -EINVAL;
}

int oci_get_string(struct oci_parser *p, const json_t *obj, const char *key, bool required,
		   char **out)
{
	json_t *v;
	int r = member(p, obj, key, required, &v);

	if (r < 0 || !v)
		return r;
	oci_push_key(p, key);
	r = oci_value_string(p, v, out);
	oci_pop(p);
	return r;
}

int oci_get_bool(struct oci_parser *p, const json_t *obj, const char *key, bool *out)
{
	json_t *v;
	int r = member(p, obj, key, false, &v);

	if (r < 0 || !v)
		return r;
	if (!json_is_boolean(v)) {
		oci_push_key(p, key);
		r = oci_fail_type(p, v, "a boolean");
		oci_pop(p);
		return r;
	}
	*out = json_is_true(v);
	return 0;
}

int oci_get_uint(struct oci_parser *p, const json_t *obj, const char *key, bool required,
		 uint64_t max, struct oci_opt_u64 *out)
{
	json_t *v;
	int r = member(p, obj, key, required, &v);

	if (r < 0 || !v)
		return r;
	oci_push_key(p, key);
	r = oci_value_uint(p, v, max, &out->value);
	oci_pop(p);
	if (r == 0)
		out->set = true;
	return r;
}

int oci_get_int(struct oci_parser *p, const json_t *obj, const char *key, bool required,
		int64_t min, int64_t max, struct oci_opt_i64 *out)
{
	json_t *v;
	int r = member(p, obj, key, required, &v);

	if (r < 0 || !v)
		return r;
	oci_push_key(p, key);
	r = oci_value_int(p, v, min, max, &out->value);
	oci_pop(p);
	if (r == 0)
		out->set = true;
	return r;
}

int oci_get_u32(struct oci_parser *p, const json_t *obj, const char *key, bool required,
		uint32_t *out)
{
	struct oci_opt_u64 v = {0};
	int r = oci_get_uint(p, obj, key, required, UINT32_MAX, &v);

	if (r == 0 && v.set)
		*out = (uint32_t)v.value;
	return r;
}

static int enter(struct oci_parser *p, const json_t *obj, const char *key, bool required,
		 json_t **out, bool array)
{
	json_t *v;
	int r = member(p, obj, key, required, &v);

	*out = NULL;
	if (r < 0 || !v)
		return r;
	oci_push_key(p, key);
	if (array ? !json_is_array(v) : !json_is_object(v)) {
		r = oci_fail_type(p, v, array ? "an array" : "an object");
		oci_pop(p);
		return r;
	}
	*out = v;
	return 1;
}

int oci_enter_object(struct oci_parser *p, const json_t *obj, const char *key, bool required,
		     json_t **out)
{
	return enter(p, obj, key, required, out, false);
}

int oci_enter_array(struct oci_parser *p, const json_t *obj, const char *key, bool required,
		    json_t **out)
{
	return enter(p, obj, key, required, out, true);
}

int oci_expect_object(struct oci_parser *p, const json_t *v)
{
	return json_is_object(v) ? 0 : oci_fail_type(p, v, "an object");
}

void oci_strv_free(char **v)
{
	if (!v)
		return;
	for (char **s = v; *s; s++)
		free(*s);
	free(v);
}

void oci_kv_free(struct oci_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

int oci_get_array(struct oci_parser *p, const json_t *obj, const char *key, size_t size,
		  oci_item_fn parse, void *ctx, void **items, size_t *n)
{
	json_t *arr = NULL;
	size_t count;
	char *v;
	int r = oci_enter_array(p, obj, key, false, &arr);

	if (r <= 0)
		return r;
	count = json_array_size(arr);
	v = calloc(count + 1, size);
	*items = v;
	r = v ? 0 : oci_nomem(p);
	for (size_t i = 0; i < count && r == 0; i++) {
		oci_push_index(p, i);
		/* Counted first, so that a partly parsed item is freed too. */
		*n = i + 1;
		r = parse(p, json_array_get(arr, i), v, i, ctx);
		oci_pop(p);
	}
	oci_pop(p);
	return r;
}

int oci_get_strings(struct oci_parser *p, const json_t *obj, const char *key, bool required,
		    char ***out, size_t *n)
{
	json_t *arr = NULL;
	char **v;
	size_t count;
	int r = oci_enter_array(p, obj, key, required, &arr);

	if (r <= 0)
		return r;
	count = json_array_size(arr);
	v = calloc(count + 1, sizeof(*v));
	if (!v) {
		oci_pop(p);
		return oci_nomem(p);
	}
	for (size_t i = 0; i < count; i++) {
		oci_push_index(p, i);
		r = oci_value_string(p, json_array_get(arr, i), &v[i]);
		oci_pop(p);
		if (r < 0) {
			oci_strv_free(v);
			oci_pop(p);
			return r;
		}
	}
	oci_pop(p);
	oci_strv_free(*out);
	*out = v;
	*n = count;
	return 0;
}

int oci_get_string_map(struct oci_parser *p, const json_t *obj, const char *key,
		       struct oci_kv **out, size_t *n)
{
	json_t *map = NULL, *v;
	const char *k;
	struct oci_kv *kv;
	size_t i = 0;
	int r = oci_enter_object(p, obj, key, false, &map);

	if (r <= 0)
		return r;
	kv = calloc(json_object_size(map) + 1, sizeof(*kv));
	if (!kv) {
		oci_pop(p);
		return oci_nomem(p);
	}
	json_object_foreach(map, k, v)
	{
		oci_push_key(p, k);
		kv[i].key = strdup(k);
		r = kv[i].key ? oci_value_string(p, v, &kv[i].value) : oci_nomem(p);
		oci_pop(p);
		i++;
		if (r < 0) {
			oci_kv_free(kv, i);
			oci_pop(p);
			return r;
		}
	}
	oci_pop(p);
	*out = kv;
	*n = i;
	return 0;
}

int oci_get_id_mappings(struct oci_parser *p, const json_t *obj, const char *key,
			struct oci_id_mapping **out, size_t *n)
{
	json_t *arr = NULL;
	struct oci_id_mapping *m;
	size_t count;
	int r = oci_enter_array(p, obj, key, false, &arr);

	if (r <= 0)
		return r;
	count = json_array_size(arr);
	m = calloc(count + 1, sizeof(*m));
	if (!m) {
		oci_pop(p);
		return oci_nomem(p);
	}
	for (size_t i = 0; i < count && r >= 0; i++) {
		json_t *e = json_array_get(arr, i);

		oci_push_index(p, i);
		r = oci_expect_object(p, e);
		if (r == 0)
			r = oci_get_u32(p, e, "containerID", true, &m[i].container_id);
		if (r == 0)
			r = oci_get_u32(p, e, "hostID", true, &m[i].host_id);
		if (r == 0)
			r = oci_get_u32(p, e, "size", true, &m[i].size);
		oci_pop(p);
	}
	oci_pop(p);
	if (r < 0) {
		free(m);
		return r;
	}
	*out = m;
	*n = count;
	return 0;
}
