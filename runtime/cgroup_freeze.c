/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Freezing a container's cgroup (`moat pause` / `resume`): the v1 freezer
 * controller's freezer.state, else cgroup v2's cgroup.freeze. Only the
 * container's processes are in its cgroup; the monitor, the gofer and the
 * sentry stay in moat's, so they keep serving what a frozen task had
 * asked for before it stopped.
 */
#include "cgroup.h"

#include <errno.h>
#include <string.h>
#include <time.h>

bool cgroup_dir_frozen(const struct cgroup_dir *d)
{
	char state[256];

	if (d->version == 1)
		return (d->controllers & CG_BIT(CG_FREEZER)) &&
		       cgroup_read(d->path, "freezer.state", state, sizeof(state)) == 0 &&
		       (!strcmp(state, "FROZEN") || !strcmp(state, "FREEZING"));
	/* cgroup.events' "frozen" line is the effective state (ancestors too). */
	return cgroup_read_all(d->path, "cgroup.events", state, sizeof(state)) == 0 &&
	       strstr(state, "frozen 1");
}

/* The v1 freezer's directory, else a v2 one that can freeze; NULL if none. */
static const struct cgroup_dir *freezer_dir(const struct cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (cg->d[i].version == 1 && (cg->d[i].controllers & CG_BIT(CG_FREEZER)))
			return &cg->d[i];
	for (size_t i = 0; i < cg->n; i++)
		if (cg->d[i].version == 2 && cgroup_file_exists(cg->d[i].path, "cgroup.freeze"))
			return &cg->d[i];
	return NULL;
}

int cgroup_is_frozen(const struct cgroup *cg)
{
	const struct cgroup_dir *d = freezer_dir(cg);

	return d && cgroup_dir_frozen(d);
}

static bool settled(const struct cgroup_dir *d, bool freeze)
{
	char state[256];

	if (d->version == 1)
		return cgroup_read(d->path, "freezer.state", state, sizeof(state)) == 0 &&
		       !strcmp(state, freeze ? "FROZEN" : "THAWED");
	return cgroup_read_all(d->path, "cgroup.events", state, sizeof(state)) == 0 &&
	       strstr(state, freeze ? "frozen 1" : "frozen 0");
}

static int write_state(const struct cgroup_dir *d, bool freeze)
{
	if (d->version == 1)
		return cgroup_write_file(d->path, "freezer.state", freeze ? "FROZEN" : "THAWED");
	return cgroup_write_file(d->path, "cgroup.freeze", freeze ? "1" : "0");
}

int cgroup_freeze(const struct cgroup *cg, bool freeze, struct moat_error *err)
{
	const struct timespec tick = {.tv_nsec = 10 * 1000 * 1000};
	const struct cgroup_dir *d = freezer_dir(cg);
	int r;

	if (!d)
		return moat_error_setx(err, ENOTSUP,
				       "cgroups: the container has no freezer (the v1 freezer "
				       "controller or cgroup v2)");
	r = write_state(d, freeze);
	if (r < 0)
		return moat_error_set(err, -r, "%s %s", freeze ? "freeze" : "thaw", d->path);
	/* A task in an uninterruptible sleep holds "FREEZING" until it wakes. */
	for (int i = 0; i < 500; i++) {
		if (settled(d, freeze))
			return 0;
		nanosleep(&tick, NULL);
	}
	if (freeze)
		write_state(d, false); /* as runc: a container half frozen is thawed again */
	return moat_error_setx(err, EBUSY, "cgroups: %s did not %s in 5 s", d->path,
			       freeze ? "freeze" : "thaw");
}
