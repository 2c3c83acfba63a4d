/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's identity. It always runs in a user namespace, so its uid 0
 * is never host root unless dev.moat.host-ids=true says so:
 *
 * - config.json without mappings (runc's semantics: the engine expects host
 *   ids): as root, a slice of root's subordinate ids of its own (id_alloc.c),
 *   and the rootfs and every bind mount idmapped through the container's map,
 *   so that ownership inside is what the image and the volumes say and a
 *   file written by container uid N lands as uid N on disk;
 * - config.json with linux.uidMappings/gidMappings (podman --userns, K8s user
 *   namespaces): those, if they lie inside root's subordinate ranges (the
 *   caller's own id when unprivileged); nothing is idmapped but mounts that
 *   ask for it (the engine prepared the ownership, as with runc);
 * - dev.moat.host-ids=true (root only): config.json's mappings as given,
 *   else the identity map; no idmapping but what mounts ask for;
 * - unprivileged without mappings: 0 inside is the caller (userns.c).
 */
#include "container_ids.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/log.h"
#include "container.h"
#include "container_join.h"
#include "oci_config.h"
#include "userns.h"

static bool within(unsigned long start, unsigned long size, const struct id_range *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (start >= r[i].start && start + size <= r[i].start + r[i].count)
			return true;
	return false;
}

static int host_ids_requested(const struct oci_config *oci, bool *out, struct moat_error *err)
{
	*out = false;
	for (size_t i = 0; i < oci->n_annotations; i++) {
		const struct oci_kv *a = &oci->annotations[i];

		if (strcmp(a->key, CONTAINER_HOST_IDS_ANNOTATION))
			continue;
		if (strcmp(a->value, "true") && strcmp(a->value, "false"))
			return moat_error_setx(err, EINVAL,
					       "annotations[\"%s\"]: expected \"true\" or "
					       "\"false\", got \"%s\"",
					       a->key, a->value);
		*out = !strcmp(a->value, "true");
	}
	return 0;
}

/*
 * config.json's mappings as uid_map/gid_map text. Unless any_host, every host
 * range must lie inside what moat maps anyway: root's subordinate ranges, or
 * the caller alone. Container id 0 must be mapped (the set-up runs as it).
 */
static int plan_config_map(const char *field, const struct oci_id_mapping *maps, size_t n,
			   bool is_gid, bool any_host, char *out, size_t len,
			   struct moat_error *err)
{
	unsigned caller = is_gid ? (unsigned)getgid() : (unsigned)getuid();
	struct id_range range[USERNS_MAX_RANGES];
	size_t nr, used = 0;
	bool zero = false;

	if (userns_host_root()) {
		nr = userns_root_ranges(is_gid, range, USERNS_MAX_RANGES);
	} else {
		range[0] = (struct id_range){.start = caller, .count = 1};
		nr = 1;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned long last = (unsigned long)maps[i].host_id + maps[i].size - 1;

		if (maps[i].size == 0)
			return moat_error_setx(err, EINVAL, "%s[%zu]: size must not be 0", field,
					       i);
		if (!any_host && !within(maps[i].host_id, maps[i].size, range, nr))
			return moat_error_setx(
			    err, EPERM,
			    "%s[%zu]: host ids %u-%lu are outside what moat may map "
			    "(%lu-%lu%s: %s)",
			    field, i, maps[i].host_id, last, range[0].start,
			    range[0].start + range[0].count - 1, nr > 1 ? " and more" : "",
			    caller == 0 ? "root's subordinate ranges" : "the caller's own id");
		zero |= maps[i].container_id == 0;
		used += snprintf(out + used, used < len ? len - used : 0, "%u %u %u\n",
				 maps[i].container_id, maps[i].host_id, maps[i].size);
	}
	if (used >= len)
		return moat_error_setx(err, E2BIG, "%s: too many mappings", field);
	if (!zero)
		return moat_error_setx(err, EINVAL, "%s: container id 0 must be mapped", field);
	return 0;
}

/* idmap, ridmap and mount-level mappings: bind mounts only, root only. */
static int check_mount_idmaps(const struct oci_config *oci, bool root, struct moat_error *err)
{
	for (size_t i = 0; i < oci->n_mounts; i++) {
		const struct oci_mount *m = &oci->mounts[i];

		if (m->parsed.idmap == OCI_MOUNT_IDMAP_NONE)
			continue;
		if (!container_mount_is_captured_bind(m))
			return moat_error_setx(err, EINVAL,
					       "mounts[%zu] (%s): idmapped mounts are supported "
					       "on bind mounts only",
					       i, m->destination);
		if (!m->n_uid_mappings != !m->n_gid_mappings)
			return moat_error_setx(err, EINVAL,
					       "mounts[%zu] (%s): uidMappings and gidMappings: "
					       "give both or neither",
					       i, m->destination);
		for (size_t k = 0; k < m->n_uid_mappings + m->n_gid_mappings; k++)
			if ((k < m->n_uid_mappings ? m->uid_mappings[k]
						   : m->gid_mappings[k - m->n_uid_mappings])
				.size == 0)
				return moat_error_setx(err, EINVAL,
						       "mounts[%zu] (%s): a mapping's size must "
						       "not be 0",
						       i, m->destination);
		if (!root)
			return moat_error_setx(err, EPERM,
					       "mounts[%zu] (%s): idmapped mounts need root (only "
					       "CAP_SYS_ADMIN over the host's user namespace can "
					       "idmap the host's file systems)",
					       i, m->destination);
	}
	return 0;
}

/* Does a uid_map text map host id 0? */
static bool maps_host_root(const char *text)
{
	struct id_map_line l[USERNS_MAX_MAP_LINES];
	size_t n = userns_map_lines(text, l, USERNS_MAX_MAP_LINES);

	for (size_t i = 0; i < n; i++)
		if (l[i].host == 0 && l[i].count)
			return true;
	return false;
}

/* Is the uid_map text exactly these mappings, in this order? */
static bool same_map(const char *text, const struct oci_id_mapping *maps, size_t n)
{
	struct id_map_line l[USERNS_MAX_MAP_LINES];

	if (userns_map_lines(text, l, USERNS_MAX_MAP_LINES) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (l[i].inside != maps[i].container_id || l[i].host != maps[i].host_id ||
		    l[i].count != maps[i].size)
			return false;
	return true;
}

/*
 * A user namespace given by path (a pod's, another container's): its maps
 * are the container's; host root among them only with the annotation.
 */
static int joined_ids(const struct oci_linux *lx, int ns, const char *path, bool host_ids,
		      struct container_ids *ids, struct moat_error *err)
{
	int r;

	r = userns_read_maps(ns, path, ids->uid_map, sizeof(ids->uid_map), ids->gid_map,
			     sizeof(ids->gid_map), err);
	if (r < 0)
		return moat_error_prefix(err, "linux.namespaces: user");
	/* Mappings beside a path (containerd gives both for a pod with user
	 * namespaces) only describe the namespace: they must be its own. */
	if ((lx->n_uid_mappings || lx->n_gid_mappings) &&
	    (!same_map(ids->uid_map, lx->uid_mappings, lx->n_uid_mappings) ||
	     !same_map(ids->gid_map, lx->gid_mappings, lx->n_gid_mappings)))
		return moat_error_setx(err, EINVAL,
				       "linux.uidMappings/gidMappings: not those of the user "
				       "namespace given by path (%s)",
				       path);
	if (!ids->uid_map[0])
		return moat_error_setx(err, EINVAL,
				       "linux.namespaces: user namespace %s maps no ids", path);
	if (!host_ids && (maps_host_root(ids->uid_map) || maps_host_root(ids->gid_map)))
		return moat_error_setx(err, EPERM,
				       "linux.namespaces: user namespace %s maps host root (uid "
				       "or gid 0): the container's root would be host root "
				       "(set %s=true to allow it)",
				       path, CONTAINER_HOST_IDS_ANNOTATION);
	if (host_ids)
		fprintf(stderr,
			"moat: warning: %s=true: the container runs in user namespace %s, "
			"unchecked: if it maps host root, the container's root is host root to "
			"every file it reaches\n",
			CONTAINER_HOST_IDS_ANNOTATION, path);
	ids->source = CONTAINER_IDS_JOINED;
	ids->idmap_default = ids->root;
	return 0;
}

/*
 * The ids of a container that joins a user namespace: the one named, or
 * the owner of the pid namespace named (container_join.c joins the same).
 */
static int user_to_join(const struct oci_linux *lx, const struct oci_namespace *user,
			const struct oci_namespace *pid, bool host_ids, struct container_ids *ids,
			struct moat_error *err)
{
	const char *path = user && user->path ? user->path : pid->path;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int owner = -1;
	char shown[PATH_MAX + 64];

	if (fd < 0)
		return moat_error_set(err, errno, "linux.namespaces: %s", path);
	if (user && user->path)
		return joined_ids(lx, fd, path, host_ids, ids, err);
	owner = container_join_pid_owner(fd, err);
	if (owner < 0)
		return moat_error_prefix(err, "linux.namespaces: pid %s", path);
	snprintf(shown, sizeof(shown), "(the owner of pid namespace %s)", path);
	return joined_ids(lx, owner, shown, host_ids, ids, err);
}

int container_ids_check(const struct oci_config *oci, const char *id, struct container_ids *ids,
			struct moat_error *err)
{
	const struct oci_linux *lx = &oci->linux_config;
	const struct oci_namespace *user = oci_config_namespace(oci, OCI_NS_USER);
	const struct oci_namespace *pid = oci_config_namespace(oci, OCI_NS_PID);
	bool host_ids;
	int r = host_ids_requested(oci, &host_ids, err);

	memset(ids, 0, sizeof(*ids));
	ids->root = userns_host_root();
	if (r < 0)
		return r;
	if (host_ids && !ids->root)
		return moat_error_setx(err, EPERM,
				       "annotations[\"%s\"]: only root can run a container with "
				       "host ids",
				       CONTAINER_HOST_IDS_ANNOTATION);
	r = check_mount_idmaps(oci, ids->root, err);
	if (r < 0)
		return r;
	if ((user && user->path) || (pid && pid->path))
		return user_to_join(lx, user, pid, host_ids, ids, err);
	if (!lx->n_uid_mappings != !lx->n_gid_mappings)
		return moat_error_setx(
		    err, EINVAL, "linux.uidMappings and linux.gidMappings: give both or neither");
	if (lx->n_uid_mappings) {
		r = plan_config_map("linux.uidMappings", lx->uid_mappings, lx->n_uid_mappings,
				    false, host_ids, ids->uid_map, sizeof(ids->uid_map), err);
		if (r == 0)
			r = plan_config_map("linux.gidMappings", lx->gid_mappings,
					    lx->n_gid_mappings, true, host_ids, ids->gid_map,
					    sizeof(ids->gid_map), err);
		if (r < 0)
			return r;
		ids->source = host_ids ? CONTAINER_IDS_HOST : CONTAINER_IDS_CONFIG;
	} else if (host_ids) {
		ids->source = CONTAINER_IDS_HOST;
		snprintf(ids->uid_map, sizeof(ids->uid_map), "0 0 %lu\n", USERNS_ID_LIMIT);
		snprintf(ids->gid_map, sizeof(ids->gid_map), "0 0 %lu\n", USERNS_ID_LIMIT);
	} else {
		ids->source = ids->root ? CONTAINER_IDS_SLICE : CONTAINER_IDS_CALLER;
		ids->idmap_default = ids->root;
	}
	if (host_ids)
		fprintf(stderr,
			"moat: warning: container %s: %s=true: the container runs with host ids "
			"(%s): its uid 0 is host uid 0 to every file it reaches; it keeps a user "
			"namespace, so its capabilities still reach only its own namespaces\n",
			id, CONTAINER_HOST_IDS_ANNOTATION,
			lx->n_uid_mappings ? "config.json's mappings, unchecked"
					   : "the identity map");
	return 0;
}

/* {hostID, size} of each line of uid_map text; returns how many (at most max). */
static size_t host_ranges(const char *text, unsigned long (*out)[2], size_t max)
{
	struct id_map_line l[USERNS_MAX_MAP_LINES];
	size_t n =
	    userns_map_lines(text, l, max < USERNS_MAX_MAP_LINES ? max : USERNS_MAX_MAP_LINES);

	for (size_t i = 0; i < n; i++) {
		out[i][0] = l[i].host;
		out[i][1] = l[i].count;
	}
	return n;
}

int container_ids_assign(struct container_ids *ids, const char *owner, struct moat_error *err)
{
	int r;

	if (ids->root &&
	    (ids->source == CONTAINER_IDS_CONFIG || ids->source == CONTAINER_IDS_JOINED)) {
		/* So that moat's own slices keep clear of what the engine chose. */
		unsigned long u[128][2], g[128][2];

		return id_alloc_note(owner, u, host_ranges(ids->uid_map, u, 128), g,
				     host_ranges(ids->gid_map, g, 128), err);
	}
	if (ids->source != CONTAINER_IDS_SLICE)
		return 0;
	r = id_alloc_acquire(owner, &ids->slice, err);
	if (r < 0)
		return r;
	if (ids->slice.shared)
		ids->source = CONTAINER_IDS_SHARED;
	snprintf(ids->uid_map, sizeof(ids->uid_map), "0 %lu %lu\n", ids->slice.uid_start,
		 ids->slice.count);
	snprintf(ids->gid_map, sizeof(ids->gid_map), "0 %lu %lu\n", ids->slice.gid_start,
		 ids->slice.count);
	log_debug("ids: container uids 0-%lu are host %lu-%lu, gids host %lu-%lu%s",
		  ids->slice.count - 1, ids->slice.uid_start,
		  ids->slice.uid_start + ids->slice.count - 1, ids->slice.gid_start,
		  ids->slice.gid_start + ids->slice.count - 1,
		  ids->slice.shared ? " (shared by every container)" : "");
	return 0;
}

static json_t *map_json(const char *text)
{
	struct id_map_line l[USERNS_MAX_MAP_LINES];
	size_t n = userns_map_lines(text, l, USERNS_MAX_MAP_LINES);
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(
		    a, json_pack("{sIsIsI}", "containerID", (json_int_t)l[i].inside, "hostID",
				 (json_int_t)l[i].host, "size", (json_int_t)l[i].count));
	return a;
}

json_t *container_ids_json(const struct container_ids *ids)
{
	static const char *const names[] = {"slice",	"shared", "config",
					    "host-ids", "caller", "joined"};
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "source", json_string(names[ids->source]));
	if (ids->source == CONTAINER_IDS_CALLER) {
		char m[64];

		snprintf(m, sizeof(m), "0 %u 1\n", (unsigned)getuid());
		json_object_set_new(o, "uidMappings", map_json(m));
		snprintf(m, sizeof(m), "0 %u 1\n", (unsigned)getgid());
		json_object_set_new(o, "gidMappings", map_json(m));
	} else {
		json_object_set_new(o, "uidMappings", map_json(ids->uid_map));
		json_object_set_new(o, "gidMappings", map_json(ids->gid_map));
	}
	json_object_set_new(o, "idmappedMounts", json_boolean(ids->idmap_default));
	return o;
}
