/* SPDX-License-Identifier: Apache-2.0 */
#include "caps.h"

#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int caps_drop_all(struct moat_error *err)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {{0}};

	for (int cap = 0; cap <= 63; cap++) {
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return moat_error_set(err, errno,
					      "drop capability %d from the bounding set", cap);
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return moat_error_set(err, errno, "clear ambient capabilities");
	if (syscall(SYS_capset, &hdr, data) < 0)
		return moat_error_set(err, errno, "drop capabilities");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return moat_error_set(err, errno, "set no_new_privs");
	return 0;
}

static int capset_sets(uint64_t permitted, uint64_t effective, uint64_t inheritable)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {
	    {(uint32_t)effective, (uint32_t)permitted, (uint32_t)inheritable},
	    {(uint32_t)(effective >> 32), (uint32_t)(permitted >> 32),
	     (uint32_t)(inheritable >> 32)},
	};

	return syscall(SYS_capset, &hdr, data) < 0 ? -errno : 0;
}

int caps_apply(const struct caps_sets *want, uint64_t extra, struct moat_error *err)
{
	int r;

	if (prctl(PR_SET_SECUREBITS, 0, 0, 0, 0) < 0)
		return moat_error_set(err, errno, "clear securebits");
	for (int cap = 0; cap <= 63; cap++) {
		if (want->bounding & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return moat_error_set(err, errno,
					      "drop capability %d from the bounding set", cap);
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return moat_error_set(err, errno, "clear ambient capabilities");
	r = capset_sets(want->permitted | extra, want->effective | extra, want->inheritable);
	if (r < 0)
		return moat_error_set(err, -r, "set capabilities (capset)");
	for (int cap = 0; cap <= 63; cap++) {
		if (!(want->ambient & (1ULL << cap)))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return moat_error_set(err, errno, "raise ambient capability %d", cap);
	}
	return 0;
}

int caps_finish(const struct caps_sets *want, struct moat_error *err)
{
	int r = capset_sets(want->permitted, want->effective, want->inheritable);

	return r < 0 ? moat_error_set(err, -r, "set capabilities (capset)") : 0;
}
