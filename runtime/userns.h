/* SPDX-License-Identifier: Apache-2.0 */
/* The sandbox's user namespace: who the workload is inside and on the host. */
#ifndef MOAT_RUNTIME_USERNS_H
#define MOAT_RUNTIME_USERNS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../lib/error.h"
#include "config.h"

/* Where host root's sandboxes live when /etc/subuid has no entry for root. */
#define USERNS_DEFAULT_BASE  100000u
#define USERNS_DEFAULT_COUNT 65536u
/* Ids are 32-bit; (uid_t)-1 is never valid, so no map reaches past it. */
#define USERNS_ID_LIMIT 4294967295ul
/* The id unmapped host ids appear as (/proc/sys/kernel/overflowuid). */
#define USERNS_OVERFLOW_ID 65534u

struct id_range {
	unsigned long start;
	unsigned long count;
};

/* One line of uid_map/gid_map text: inside ids [inside, inside+count) are
 * host (parent) ids [host, host+count). The kernel allows 340 lines. */
struct id_map_line {
	unsigned long inside, host, count;
};
#define USERNS_MAX_MAP_LINES 340

/* The lines of uid_map/gid_map text ("inside host count" each), at most max. */
size_t userns_map_lines(const char *text, struct id_map_line *out, size_t max);

/* Root's range from a subid file ("name:start:count" lines), or the default;
 * the first line for user (or uid), at most USERNS_DEFAULT_COUNT ids. */
int userns_subid_range(const char *file, const char *user, uid_t uid, struct id_range *out);
/* Every valid line of a subid file for user (or uid), whole, at most max. */
size_t userns_subid_ranges(const char *file, const char *user, uid_t uid, struct id_range *out,
			   size_t max);
/* Host root's subordinate uid (or gid) ranges, or the default range. */
size_t userns_root_ranges(bool gids, struct id_range *out, size_t max);
#define USERNS_MAX_RANGES 32

/* Decide inside ids (fills cfg->inside_uid/gid). Fails when user namespaces are off. */
int userns_plan(struct sandbox_config *cfg, struct moat_error *err);

/* Write text to /proc/PID/NAME (uid_map, gid_map, setgroups) in one write;
 * an error names the file and the text's first line. */
int userns_write_proc(pid_t pid, const char *name, const char *text, struct moat_error *err);
/* Write uid_map, setgroups and gid_map of pid's user namespace. */
int userns_write_maps(pid_t pid, const struct sandbox_config *cfg, struct moat_error *err);

/*
 * Is this process root in the host's (initial) user namespace? uid 0 inside
 * another user namespace (rootless podman runs its runtime so) is not: it
 * holds only the ids that namespace maps, as runc's rootless mode assumes.
 */
bool userns_host_root(void);

/*
 * The uid_map and gid_map texts of the user namespace ns (path names it in
 * errors): host ids of its parent's, as /proc/PID/uid_map shows them from
 * inside.
 */
int userns_read_maps(int ns, const char *path, char *uid_map, size_t uid_len, char *gid_map,
		     size_t gid_len, struct moat_error *err);

/* Can this process create a user namespace? 0, or -errno with the reason. */
int userns_available(struct moat_error *err);

#endif
