/* SPDX-License-Identifier: Apache-2.0 */
#include "creds.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CAP_BIT_SETGID (1ull << 6)
#define CAP_BIT_SETUID (1ull << 7)

struct cap_sets {
	uint64_t effective;
	uint64_t permitted;
	uint64_t inheritable;
};

static int caps_get(struct cap_sets *out)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	out->effective = data[0].effective | (uint64_t)data[1].effective << 32;
	out->permitted = data[0].permitted | (uint64_t)data[1].permitted << 32;
	out->inheritable = data[0].inheritable | (uint64_t)data[1].inheritable << 32;
	return 0;
}

/* capset acts on the calling thread only (pid 0). */
static int caps_set(const struct cap_sets *s)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2] = {
	    {(uint32_t)s->effective, (uint32_t)s->permitted, (uint32_t)s->inheritable},
	    {(uint32_t)(s->effective >> 32), (uint32_t)(s->permitted >> 32),
	     (uint32_t)(s->inheritable >> 32)},
	};

	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	return 0;
}

static void sort_groups(uint32_t *g, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++) {
		uint32_t v = g[i], j = i;

		while (j > 0 && g[j - 1] > v) {
			g[j] = g[j - 1];
			j--;
		}
		g[j] = v;
	}
}

int creds_init(struct creds_state *st)
{
	struct cap_sets caps;
	gid_t groups[GOFER_GROUPS_MAX];
	int n, r;

	memset(st, 0, sizeof(*st));
	r = caps_get(&caps);
	if (r < 0)
		return r;
	st->permitted = caps.permitted;
	st->inheritable = caps.inheritable;
	/* getgroups(2) reads this thread's credentials; EINVAL: too many to cache. */
	n = (int)syscall(SYS_getgroups, GOFER_GROUPS_MAX, groups);
	if (n >= 0) {
		st->groups_known = 1;
		st->ngroups = (uint32_t)n;
		for (int i = 0; i < n; i++)
			st->groups[i] = groups[i];
		sort_groups(st->groups, st->ngroups);
	}
	return 0;
}

/* setfsuid/setfsgid report no error: read the value back with -1 (never valid). */
static int set_fsid(long nr, uint32_t id)
{
	syscall(nr, id);
	if ((uint32_t)syscall(nr, -1) != id)
		return -EPERM;
	return 0;
}

static int groups_equal(const struct creds_state *st, const uint32_t *sorted, uint32_t n)
{
	return st->groups_known && st->ngroups == n &&
	       memcmp(st->groups, sorted, n * sizeof(uint32_t)) == 0;
}

static void creds_fail_closed(struct creds_state *st)
{
	struct cap_sets none = {0, st->permitted, st->inheritable};

	/* The group list stays known: setgroups changes all of it or nothing. */
	st->valid = 0;
	/* If even this fails the thread cannot be trusted to act: abort. */
	if (caps_set(&none) < 0)
		_exit(127);
}

int creds_apply(struct creds_state *st, const struct gofer_creds *c)
{
	uint64_t want = c->cap_effective & GOFER_FILE_CAPS & st->permitted;
	uint32_t sorted[GOFER_GROUPS_MAX];
	uint32_t n = c->ngroups;
	int same_groups, r;

	if (n > GOFER_GROUPS_MAX)
		return -EINVAL;
	memcpy(sorted, c->groups, n * sizeof(uint32_t));
	sort_groups(sorted, n);
	same_groups = groups_equal(st, sorted, n);
	if (st->valid && same_groups && st->fsuid == c->fsuid && st->fsgid == c->fsgid) {
		if (st->effective == want)
			return 0;
	} else {
		/* Changing ids needs CAP_SETUID / CAP_SETGID in the effective set. */
		struct cap_sets raise = {st->permitted & (CAP_BIT_SETUID | CAP_BIT_SETGID),
					 st->permitted, st->inheritable};

		st->valid = 0;
		r = caps_set(&raise);
		if (r < 0)
			goto fail;
		r = set_fsid(SYS_setfsuid, c->fsuid);
		if (r < 0)
			goto fail;
		r = set_fsid(SYS_setfsgid, c->fsgid);
		if (r < 0)
			goto fail;
		if (!same_groups) {
			gid_t groups[GOFER_GROUPS_MAX];

			for (uint32_t i = 0; i < n; i++)
				groups[i] = sorted[i];
			/* The raw syscall: glibc's setgroups() changes every thread. */
			if (syscall(SYS_setgroups, (size_t)n, groups) < 0) {
				r = -errno;
				goto fail;
			}
			st->groups_known = 1;
			st->ngroups = n;
			memcpy(st->groups, sorted, n * sizeof(uint32_t));
		}
		st->fsuid = c->fsuid;
		st->fsgid = c->fsgid;
	}
	{
		struct cap_sets final = {want, st->permitted, st->inheritable};

		r = caps_set(&final);
		if (r < 0)
			goto fail;
	}
	st->effective = want;
	st->valid = 1;
	return 0;
fail:
	creds_fail_closed(st);
	return r;
}

int creds_restrict_permitted(void)
{
	struct cap_sets caps;
	int r = caps_get(&caps);

	if (r < 0)
		return r;
	caps.permitted &= GOFER_KEEP_CAPS;
	caps.effective &= caps.permitted;
	caps.inheritable = 0;
	return caps_set(&caps);
}
