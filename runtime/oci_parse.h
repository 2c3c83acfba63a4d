/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals of the config.json parser (runtime/oci_*.c only).
 *
 * jansson keeps no positions for values, so a type error found after loading
 * is placed by walking the original text along the field path being parsed
 * (oci_json_locate). The parser keeps that path as a stack of steps, pushed
 * on the way down; every message names it: "/b/config.json: line 12, column
 * 20: process.user.uid: expected an integer, got string".
 */
#ifndef MOAT_RUNTIME_OCI_PARSE_H
#define MOAT_RUNTIME_OCI_PARSE_H

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/error.h"
#include "oci_config.h"

/* ------------------------------------------------------------- locator */

/* One step of a field path: an object key, or an array index when key is NULL. */
struct oci_json_step {
	const char *key;
	size_t index;
};

/* Follow path through JSON text (as jansson would read it: for a key given
 * twice, the last one) and store the offset of the first byte of the value it
 * names. Returns the number of steps resolved: depth when found; less when a
 * step is missing, with *offset at the deepest value reached (the object or
 * array lacking the next step). Returns -EINVAL when the text is malformed
 * before the value is reached. */
int oci_json_locate(const char *text, size_t len, const struct oci_json_step *path, size_t depth,
		    size_t *offset);
/* 1-based line and column (in characters, as jansson counts) of offset. */
void oci_json_line_column(const char *text, size_t len, size_t offset, int *line, int *column);
/* Rewrite, in place, integer literals outside the int64 range into real
 * literals of the same length ("18446744073709551615" -> "184467440737095516e2")
 * so that jansson loads them; oci_value_uint() reads the exact value back
 * from the original text. Positions and line breaks are unchanged. */
void oci_json_widen_integers(char *text, size_t len);

/* ------------------------------------------------------------- context */

#define OCI_PATH_MAX_DEPTH 16

struct oci_parser {
	const char *name; /* file name in messages */
	const char *text; /* the original bytes */
	size_t len;
	struct moat_error *err;
	struct oci_json_step path[OCI_PATH_MAX_DEPTH];
	size_t depth;
};

void oci_push_key(struct oci_parser *p, const char *key);
void oci_push_index(struct oci_parser *p, size_t index);
void oci_pop(struct oci_parser *p);
/* The current path as text: "mounts[2].options", `annotations["a b"]`. */
void oci_path_format(const struct oci_parser *p, char *buf, size_t size);

/* Fail at the current path: "NAME: line L, column C: PATH: message". Placed
 * at the value, or at the enclosing value when the field is missing. */
int oci_fail(struct oci_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int oci_fail_type(struct oci_parser *p, const json_t *v, const char *expected);
/* Out of memory: always -ENOMEM (inline, so that analyzers see it). */
static inline int oci_nomem(struct oci_parser *p)
{
	moat_error_set(p->err, ENOMEM, "%s", p->name);
	return -ENOMEM;
}
const char *oci_json_type_name(const json_t *v);

/* ------------------------------------------------------------- getters */

/* Values at the current path. */
int oci_value_string(struct oci_parser *p, const json_t *v, char **out);
int oci_value_uint(struct oci_parser *p, const json_t *v, uint64_t max, uint64_t *out);
int oci_value_int(struct oci_parser *p, const json_t *v, int64_t min, int64_t max, int64_t *out);

/* Members of obj. A missing (or null) member is an error when required and
 * otherwise leaves *out as it was (NULL, false, unset). */
int oci_get_string(struct oci_parser *p, const json_t *obj, const char *key, bool required,
		   char **out);
int oci_get_bool(struct oci_parser *p, const json_t *obj, const char *key, bool *out);
int oci_get_uint(struct oci_parser *p, const json_t *obj, const char *key, bool required,
		 uint64_t max, struct oci_opt_u64 *out);
int oci_get_int(struct oci_parser *p, const json_t *obj, const char *key, bool required,
		int64_t min, int64_t max, struct oci_opt_i64 *out);
int oci_get_u32(struct oci_parser *p, const json_t *obj, const char *key, bool required,
		uint32_t *out);
/* An optional array (absent or null: nothing done) of items of size bytes:
 * *items becomes a zeroed array of its length + 1, and parse fills
 * items[i] from e at the path key[i]. *n counts the items begun, on error
 * too (a partly parsed one included), so that the caller's free frees them. */
typedef int (*oci_item_fn)(struct oci_parser *p, const json_t *e, void *items, size_t i, void *ctx);
int oci_get_array(struct oci_parser *p, const json_t *obj, const char *key, size_t size,
		  oci_item_fn parse, void *ctx, void **items, size_t *n);
/* A NULL-terminated array of strings. */
int oci_get_strings(struct oci_parser *p, const json_t *obj, const char *key, bool required,
		    char ***out, size_t *n);
/* An object of string values, in document order. */
int oci_get_string_map(struct oci_parser *p, const json_t *obj, const char *key,
		       struct oci_kv **out, size_t *n);
int oci_get_id_mappings(struct oci_parser *p, const json_t *obj, const char *key,
			struct oci_id_mapping **out, size_t *n);

/* Enter obj[key] when it is an object (or array): pushes key, stores the
 * member and returns 1; returns 0 when absent (an error if required), or a
 * negative errno on a type error. Pair a return of 1 with oci_pop(). */
int oci_enter_object(struct oci_parser *p, const json_t *obj, const char *key, bool required,
		     json_t **out);
int oci_enter_array(struct oci_parser *p, const json_t *obj, const char *key, bool required,
		    json_t **out);
/* Check that v (at the current path) is an object. */
int oci_expect_object(struct oci_parser *p, const json_t *v);

void oci_strv_free(char **v);
void oci_kv_free(struct oci_kv *kv, size_t n);

/* ------------------------------------------------------------- tables */

enum oci_mount_option_kind {
	OCI_MOPT_NONE,	      /* known, no effect ("defaults") */
	OCI_MOPT_SET,	      /* MS_* flag set */
	OCI_MOPT_CLEAR,	      /* MS_* flag cleared */
	OCI_MOPT_PROPAGATION, /* MS_SHARED|MS_REC ... */
	OCI_MOPT_REC_SET,     /* MOUNT_ATTR_* set recursively */
	OCI_MOPT_REC_CLEAR,   /* MOUNT_ATTR_* cleared recursively */
	OCI_MOPT_EXTENSION,   /* OCI_MOUNT_EXT_* */
	OCI_MOPT_IDMAP,	      /* value: enum oci_mount_idmap */
};

struct oci_mount_option {
	const char *name;
	enum oci_mount_option_kind kind;
	uint64_t value;
};

/* The entry of a known option, or NULL. */
const struct oci_mount_option *oci_mount_option_lookup(const char *name);

/* ------------------------------------------------------------- sections */

int oci_parse_process(struct oci_parser *p, const json_t *obj, struct oci_process *out);
int oci_parse_mounts(struct oci_parser *p, const json_t *root, struct oci_config *cfg);
void oci_mount_free(struct oci_mount *m);
int oci_parse_linux(struct oci_parser *p, const json_t *obj, struct oci_linux *out);
void oci_linux_free(struct oci_linux *l);
int oci_parse_resources(struct oci_parser *p, const json_t *linux_obj, struct oci_resources *out);
/* The same for a resources object itself (`moat update --resources`). */
int oci_parse_resources_object(struct oci_parser *p, const json_t *res, struct oci_resources *out);
void oci_resources_free(struct oci_resources *r);
int oci_parse_seccomp(struct oci_parser *p, const json_t *linux_obj, struct oci_seccomp *out);
void oci_seccomp_free(struct oci_seccomp *s);

/* Load text with jansson into an object; syntax errors are reported with
 * jansson's line and column. */
int oci_json_load(struct oci_parser *p, json_t **out);

#endif
