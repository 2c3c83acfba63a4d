/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host id ranges for root's containers: root's subordinate ids (/etc/subuid,
 * /etc/subgid) carved into slices of ID_ALLOC_SLICE ids, one slice per
 * container while there are enough, recorded in a machine-wide registry so
 * that containers under different --root directories never share one.
 */
#ifndef MOAT_RUNTIME_ID_ALLOC_H
#define MOAT_RUNTIME_ID_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/error.h"

/* Ids per container: 0-65535 inside, what an image's files use. */
#define ID_ALLOC_SLICE 65536ul
/* The registry: one file per allocated slice, root only. */
#define ID_ALLOC_DIR "/run/moat-ids"

struct id_slice {
	unsigned long uid_start, gid_start, count;
	bool shared;	/* root's ranges fit one slice: every container maps it */
	unsigned total; /* slices root's ranges hold */
};

/*
 * Give the container whose state directory is owner (absolute) a slice of
 * root's subordinate ids. Fails when every slice is taken. Root only.
 */
int id_alloc_acquire(const char *owner, struct id_slice *out, struct moat_error *err);

/*
 * Record host ranges a container maps by config.json's choice ({start,
 * count} pairs): slices overlapping them are not handed out while owner
 * lives. Such ranges may overlap each other (engines decide). Root only.
 */
int id_alloc_note(const char *owner, const unsigned long (*uids)[2], size_t n_uids,
		  const unsigned long (*gids)[2], size_t n_gids, struct moat_error *err);

/* Release every range recorded for owner. No-op when not root or none. */
void id_alloc_release(const char *owner);

#endif
