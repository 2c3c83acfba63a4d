/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-thread credentials of the gofer: each channel thread takes on the
 * caller's fsuid, fsgid, supplementary groups and file-access capabilities
 * before it acts, so that every permission check is the kernel's own.
 */
#ifndef MOAT_GOFER_CREDS_H
#define MOAT_GOFER_CREDS_H

#include <stdint.h>

#include <sys/types.h> /* protocol.h uses ssize_t */

#include "protocol.h"

/*
 * The capabilities a request may carry into the gofer: CAP_CHOWN,
 * CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER, CAP_FSETID,
 * CAP_LINUX_IMMUTABLE and CAP_MKNOD. Everything else is dropped.
 */
#define GOFER_FILE_CAPS                                                                            \
	((1ull << 0) | (1ull << 1) | (1ull << 2) | (1ull << 3) | (1ull << 4) | (1ull << 9) |       \
	 (1ull << 27))
/* What the gofer keeps permitted: the above plus CAP_SETGID and CAP_SETUID. */
#define GOFER_KEEP_CAPS (GOFER_FILE_CAPS | (1ull << 6) | (1ull << 7))

/* What one thread has applied last; owned by that thread. */
struct creds_state {
	int valid; /* fsuid, fsgid and caps below are in force */
	uint32_t fsuid;
	uint32_t fsgid;
	uint64_t effective;
	uint64_t permitted;
	uint64_t inheritable;
	int groups_known; /* groups below are the thread's current list */
	uint32_t ngroups;
	uint32_t groups[GOFER_GROUPS_MAX]; /* sorted */
};

/* Read the calling thread's capability sets and groups. 0 or -errno. */
int creds_init(struct creds_state *st);

/*
 * Make the calling thread act as c: setfsuid, setfsgid, setgroups (raw
 * syscalls, this thread only), then capset (last: setfsuid moves the fs caps
 * when fsuid crosses 0). Skips what is already in force. On failure the
 * thread holds no file-access capability, st is marked stale and -errno is
 * returned: the request must then fail rather than run as the gofer.
 */
int creds_apply(struct creds_state *st, const struct gofer_creds *c);

/* Restrict the calling thread's permitted set to GOFER_KEEP_CAPS. 0 or -errno. */
int creds_restrict_permitted(void);

#endif
