/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Who a container is on the host: the id maps of its user namespace (it
 * always has one) and which mounts are idmapped. See docs/oci.md, Identity.
 */
#ifndef MOAT_RUNTIME_CONTAINER_IDS_H
#define MOAT_RUNTIME_CONTAINER_IDS_H

#include <jansson.h>
#include <stdbool.h>

#include "../lib/error.h"
#include "id_alloc.h"

struct oci_config;

/* The annotation that gives a container host ids (root only). */
#define CONTAINER_HOST_IDS_ANNOTATION "dev.moat.host-ids"

enum container_ids_source {
	CONTAINER_IDS_SLICE,  /* root: a slice of root's subordinate ids of its own */
	CONTAINER_IDS_SHARED, /* root: root's only slice, shared by every container */
	CONTAINER_IDS_CONFIG, /* config.json's linux.uidMappings/gidMappings */
	CONTAINER_IDS_HOST,   /* dev.moat.host-ids=true: host ids */
	CONTAINER_IDS_CALLER, /* unprivileged: 0 inside is the caller */
	CONTAINER_IDS_JOINED, /* the maps of a user namespace given by path */
};

struct container_ids {
	enum container_ids_source source;
	bool root;	    /* the caller is host root */
	bool idmap_default; /* rootfs and bind mounts idmapped through the container's map */
	struct id_slice slice;
	char uid_map[512], gid_map[512]; /* empty for CONTAINER_IDS_CALLER */
};

/*
 * Before anything is created: the annotation, config.json's mappings (only
 * inside what moat may map, unless host ids were asked for), and the
 * mounts' idmap options. Prints the host-ids warning.
 */
int container_ids_check(const struct oci_config *oci, const char *id, struct container_ids *ids,
			struct moat_error *err);

/* After the state directory (owner) exists: take a slice and write the maps. */
int container_ids_assign(struct container_ids *ids, const char *owner, struct moat_error *err);

/* For state.json: {"source", "uidMappings", "gidMappings"} in the spec's form. */
json_t *container_ids_json(const struct container_ids *ids);

#endif
