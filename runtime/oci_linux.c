/* SPDX-License-Identifier: Apache-2.0 */
/* config.json "linux": namespaces, id mappings, devices, paths, sysctl. */
#include "oci_parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cleanup.h"

static int parse_namespace(struct oci_parser *p, const json_t *e, void *items, size_t i, void *ctx)
{
	struct oci_namespace *ns = (struct oci_namespace *)items + i;
	unsigned *seen = ctx;
	_cleanup_free_ char *type = NULL;
	int t, r = oci_expect_object(p, e);

	if (r == 0)
		r = oci_get_string(p, e, "type", true, &type);
	if (r < 0)
		return r;
	oci_push_key(p, "type");
	t = oci_namespace_from_name(type);
	if (t < 0)
		r = oci_fail(p, "unknown namespace type \"%s\"", type);
	else if (*seen & (1u << t))
		r = oci_fail(p, "duplicate namespace \"%s\"", type);
	oci_pop(p);
	if (r < 0)
		return r;
	*seen |= 1u << t;
	ns->type = (enum oci_namespace_type)t;
	r = oci_get_string(p, e, "path", false, &ns->path);
	if (r == 0 && ns->path && ns->path[0] != '/') {
		oci_push_key(p, "path");
		r = oci_fail(p, "must be an absolute path, got \"%s\"", ns->path);
		oci_pop(p);
	}
	return r;
}

static int parse_namespaces(struct oci_parser *p, const json_t *lx, struct oci_linux *out)
{
	unsigned seen = 0;
	void *v = out->namespaces;
	int r = oci_get_array(p, lx, "namespaces", sizeof(*out->namespaces), parse_namespace, &seen,
			      &v, &out->n_namespaces);

	out->namespaces = v;
	return r;
}

static int parse_device(struct oci_parser *p, const json_t *e, void *items, size_t i, void *ctx)
{
	struct oci_device *d = (struct oci_device *)items + i;
	_cleanup_free_ char *type = NULL;
	struct oci_opt_i64 major = {0}, minor = {0};
	int r = oci_expect_object(p, e);

	if (r == 0)
		r = oci_get_string(p, e, "type", true, &type);
	if (r < 0)
		return r;
	if (strlen(type) != 1 || !strchr("cbup", type[0])) {
		oci_push_key(p, "type");
		r = oci_fail(p, "unknown device type \"%s\" (c, b, u or p)", type);
		oci_pop(p);
		return r;
	}
	d->type = type[0];
	r = oci_get_string(p, e, "path", true, &d->path);
	if (r == 0 && d->path[0] != '/') {
		oci_push_key(p, "path");
		r = oci_fail(p, "must be an absolute path, got \"%s\"", d->path);
		oci_pop(p);
	}
	/* A FIFO has no device number. */
	if (r == 0)
		r = oci_get_int(p, e, "major", d->type != 'p', 0, INT64_MAX, &major);
	if (r == 0)
		r = oci_get_int(p, e, "minor", d->type != 'p', 0, INT64_MAX, &minor);
	if (r == 0)
		r = oci_get_uint(p, e, "fileMode", false, 07777, &d->file_mode);
	if (r == 0)
		r = oci_get_uint(p, e, "uid", false, UINT32_MAX, &d->uid);
	if (r == 0)
		r = oci_get_uint(p, e, "gid", false, UINT32_MAX, &d->gid);
	d->major = major.value;
	d->minor = minor.value;
	return r;
}

static int parse_devices(struct oci_parser *p, const json_t *lx, struct oci_linux *out)
{
	void *v = out->devices;
	int r = oci_get_array(p, lx, "devices", sizeof(*out->devices), parse_device, NULL, &v,
			      &out->n_devices);

	out->devices = v;
	return r;
}

/* An array of absolute paths. */
static int get_paths(struct oci_parser *p, const json_t *lx, const char *key, char ***out,
		     size_t *n)
{
	int r = oci_get_strings(p, lx, key, false, out, n);

	for (size_t i = 0; i < *n && r == 0; i++) {
		if ((*out)[i][0] == '/')
			continue;
		oci_push_key(p, key);
		oci_push_index(p, i);
		r = oci_fail(p, "must be an absolute path, got \"%s\"", (*out)[i]);
		oci_pop(p);
		oci_pop(p);
	}
	return r;
}

static int parse_rootfs_propagation(struct oci_parser *p, const json_t *lx, struct oci_linux *out)
{
	_cleanup_free_ char *s = NULL;
	long v;
	int r = oci_get_string(p, lx, "rootfsPropagation", false, &s);

	if (r < 0 || !s)
		return r;
	v = oci_mount_propagation_from_name(s);
	if (v > 0) {
		out->rootfs_propagation = (unsigned long)v;
		return 0;
	}
	oci_push_key(p, "rootfsPropagation");
	r = oci_fail(p, "unknown propagation \"%s\"", s);
	oci_pop(p);
	return r;
}

int oci_parse_linux(struct oci_parser *p, const json_t *lx, struct oci_linux *out)
{
	int r;

	memset(out, 0, sizeof(*out));
	r = parse_namespaces(p, lx, out);
	if (r == 0)
		r = oci_get_id_mappings(p, lx, "uidMappings", &out->uid_mappings,
					&out->n_uid_mappings);
	if (r == 0)
		r = oci_get_id_mappings(p, lx, "gidMappings", &out->gid_mappings,
					&out->n_gid_mappings);
	if (r == 0)
		r = parse_devices(p, lx, out);
	if (r == 0)
		r = oci_parse_resources(p, lx, &out->resources);
	if (r == 0)
		r = oci_get_string(p, lx, "cgroupsPath", false, &out->cgroups_path);
	if (r == 0)
		r = get_paths(p, lx, "maskedPaths", &out->masked_paths, &out->n_masked_paths);
	if (r == 0)
		r = get_paths(p, lx, "readonlyPaths", &out->readonly_paths, &out->n_readonly_paths);
	if (r == 0)
		r = oci_get_string_map(p, lx, "sysctl", &out->sysctl, &out->n_sysctl);
	if (r == 0)
		r = oci_parse_seccomp(p, lx, &out->seccomp);
	if (r == 0)
		r = parse_rootfs_propagation(p, lx, out);
	if (r == 0)
		r = oci_get_string(p, lx, "mountLabel", false, &out->mount_label);
	if (r < 0)
		oci_linux_free(out);
	return r;
}

void oci_linux_free(struct oci_linux *l)
{
	for (size_t i = 0; i < l->n_namespaces; i++)
		free(l->namespaces[i].path);
	free(l->namespaces);
	free(l->uid_mappings);
	free(l->gid_mappings);
	for (size_t i = 0; i < l->n_devices; i++)
		free(l->devices[i].path);
	free(l->devices);
	oci_resources_free(&l->resources);
	free(l->cgroups_path);
	oci_strv_free(l->masked_paths);
	oci_strv_free(l->readonly_paths);
	oci_kv_free(l->sysctl, l->n_sysctl);
	oci_seccomp_free(&l->seccomp);
	free(l->mount_label);
	memset(l, 0, sizeof(*l));
}
