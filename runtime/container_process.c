/* SPDX-License-Identifier: Apache-2.0 */
/*
 * process.capabilities, noNewPrivileges, rlimits, oomScoreAdj and
 * user.umask, and the hooks that run inside the container.
 *
 * Capabilities are those of the container's user namespace: pid 1 (which
 * forks the process and holds what it holds) sets the five sets after the
 * uid change, so nothing of the set-up is left to the workload. Without
 * no_new_privs a seccomp filter may only be loaded with CAP_SYS_ADMIN;
 * pid 1 then keeps it, on top of the requested sets, until the workload's
 * filter and (in the process, right before execve) the container's profile
 * are loaded, and drops it at once afterwards. The only call the profile
 * must then allow is that capset (runc's profiles must allow more).
 */
#include "container_process.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../gofer/creds.h"
#include "../lib/log.h"
#include "caps.h"
#include "container.h"
#include "oci_config.h"
#include "rootfs.h"

/* pid 1's memory, inherited by what it forks. */
static struct caps_sets final_caps;
static uint64_t transitional; /* CAP_SYS_ADMIN held only to load filters */

static void sets_of(const struct oci_capabilities *oc, struct caps_sets *out)
{
	uint64_t known = oci_capability_kernel_mask();

	*out = (struct caps_sets){0};
	if (!oc->present)
		return; /* no capabilities at all, as runc */
	*out = (struct caps_sets){.bounding = oc->bounding & known,
				  .effective = oc->effective & known,
				  .inheritable = oc->inheritable & known,
				  .permitted = oc->permitted & known,
				  .ambient = oc->ambient & known};
}

static const char *first_cap(uint64_t mask)
{
	for (int i = 0; i < 64; i++)
		if (mask & (1ULL << i))
			return oci_capability_name(i) ? oci_capability_name(i) : "?";
	return "?";
}

/* The rules capset and PR_CAP_AMBIENT_RAISE enforce, named before anything starts. */
static int check_caps(const struct oci_capabilities *oc, struct moat_error *err)
{
	struct caps_sets s;
	uint64_t bad;

	sets_of(oc, &s);
	if ((bad = s.effective & ~s.permitted))
		return moat_error_setx(err, EINVAL,
				       "process.capabilities.effective: %s is not in the "
				       "permitted set",
				       first_cap(bad));
	if ((bad = s.inheritable & ~s.bounding))
		return moat_error_setx(err, EINVAL,
				       "process.capabilities.inheritable: %s is not in the "
				       "bounding set",
				       first_cap(bad));
	if ((bad = s.ambient & ~(s.permitted & s.inheritable)))
		return moat_error_setx(err, EINVAL,
				       "process.capabilities.ambient: %s is not in both the "
				       "permitted and the inheritable set",
				       first_cap(bad));
	if (oc->present &&
	    (bad = (oc->bounding | oc->effective | oc->inheritable | oc->permitted | oc->ambient) &
		   ~oci_capability_kernel_mask()))
		fprintf(stderr,
			"moat: warning: process.capabilities: %s is unknown to this "
			"kernel; ignored\n",
			first_cap(bad));
	return 0;
}

int container_process_check_caps(const struct oci_process *p, struct moat_error *err)
{
	return check_caps(&p->capabilities, err);
}

int container_process_check(const struct oci_config *oci, struct moat_error *err)
{
	int r = check_caps(&oci->process.capabilities, err);

	if (r == 0)
		r = container_sysctl_check(oci, err);
	if (r == 0)
		r = container_seccomp_check(&oci->linux_config.seccomp, err);
	return r;
}

/*
 * The sentry may read the credentials once (the first trapped call's) only
 * if every task of the container always has the same ones as far as the
 * gofer is concerned: fsuid, fsgid, groups and the file-access
 * capabilities (GOFER_FILE_CAPS). That holds with no_new_privs and no
 * CAP_SETUID, CAP_SETGID or file-access capability in any set (the
 * bounding set counts: container root regains it at execve), e.g. for
 * `moat spec`'s CAP_AUDIT_WRITE, CAP_KILL and CAP_NET_BIND_SERVICE.
 */
bool container_process_creds_dynamic(const struct oci_process *p)
{
	const uint64_t relevant = GOFER_FILE_CAPS | (1ULL << CAP_SETUID) | (1ULL << CAP_SETGID);
	struct caps_sets s;

	sets_of(&p->capabilities, &s);
	return !p->no_new_privileges ||
	       ((s.bounding | s.effective | s.inheritable | s.permitted | s.ambient) & relevant);
}

/* oci_rlimit_name() takes a table index; this takes RLIMIT_*. */
static const char *rlimit_name(int resource)
{
	const char *name;

	for (int i = 0; (name = oci_rlimit_name(i)); i++)
		if (oci_rlimit_from_name(name) == resource)
			return name;
	return "RLIMIT_?";
}

static const char *rlimit_value(uint64_t v, char *buf, size_t len)
{
	if (v == RLIM_INFINITY)
		return "unlimited";
	snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

static int set_oom_score_adj(pid_t pid, int64_t value, struct moat_error *err)
{
	char path[64], text[32], old[32] = "?";
	int fd, len;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", pid);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return moat_error_set(err, errno, "process.oomScoreAdj: open %s", path);
	n = read(fd, old, sizeof(old) - 1);
	old[n > 0 ? n : 1] = '\0';
	old[strcspn(old, "\n")] = '\0';
	len = snprintf(text, sizeof(text), "%lld", (long long)value);
	if (pwrite(fd, text, len, 0) != len) {
		int e = errno;

		close(fd);
		if (e == EACCES)
			return moat_error_setx(err, EACCES,
					       "process.oomScoreAdj %lld: lowering it below %s "
					       "needs CAP_SYS_RESOURCE on the host",
					       (long long)value, old);
		return moat_error_set(err, e, "process.oomScoreAdj %lld", (long long)value);
	}
	close(fd);
	return 0;
}

int container_process_host_limits(pid_t pid, const struct oci_process *p, struct moat_error *err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct oci_rlimit *rl = &p->rlimits[i];
		struct rlimit want = {.rlim_cur = rl->soft, .rlim_max = rl->hard}, old;
		char a[32], b[32];

		if (prlimit(pid, rl->resource, NULL, &old) < 0)
			return moat_error_set(err, errno, "process.rlimits %s",
					      rlimit_name(rl->resource));
		if (prlimit(pid, rl->resource, &want, NULL) == 0)
			continue;
		if (errno == EPERM && want.rlim_max > old.rlim_max)
			return moat_error_setx(err, EPERM,
					       "process.rlimits %s: cannot raise the hard limit "
					       "from %s to %s (needs CAP_SYS_RESOURCE on the host)",
					       rlimit_name(rl->resource),
					       rlimit_value(old.rlim_max, a, sizeof(a)),
					       rlimit_value(want.rlim_max, b, sizeof(b)));
		return moat_error_set(err, errno, "process.rlimits %s: soft %s, hard %s",
				      rlimit_name(rl->resource),
				      rlimit_value(want.rlim_cur, a, sizeof(a)),
				      rlimit_value(want.rlim_max, b, sizeof(b)));
	}
	if (p->oom_score_adj.set)
		return set_oom_score_adj(pid, p->oom_score_adj.value, err);
	return 0;
}

int container_process_apply(const struct container_setup *c, struct moat_error *err)
{
	return container_process_apply_to(c->process ? c->process : &c->oci->process,
					  &c->oci->linux_config.seccomp, err);
}

int container_process_apply_to(const struct oci_process *p, const struct oci_seccomp *sc,
			       struct moat_error *err)
{
	int r;

	umask(p->user.umask.set ? (mode_t)p->user.umask.value : 022); /* runc's default */
	/* Compiled now: libseccomp's work is moat's, not the profile's to allow. */
	r = container_seccomp_prepare(sc, err);
	if (r < 0)
		return r;
	sets_of(&p->capabilities, &final_caps);
	transitional = 0;
	if (!p->no_new_privileges && !(final_caps.effective & (1ULL << CAP_SYS_ADMIN)))
		transitional = 1ULL << CAP_SYS_ADMIN;
	r = caps_apply(&final_caps, transitional, err);
	if (r < 0)
		return moat_error_prefix(err, "process.capabilities");
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return moat_error_set(err, errno, "process.noNewPrivileges");
	return 0;
}

int container_process_before_exec(struct moat_error *err)
{
	int r = container_seccomp_load(err);

	if (r == 0 && transitional)
		r = caps_finish(&final_caps, err);
	return r;
}

static json_t *hook_state(const struct container_setup *c, const char *status)
{
	const struct oci_config *oci = c->oci;
	json_t *a = json_object(), *s;

	for (size_t i = 0; a && i < oci->n_annotations; i++)
		json_object_set_new(a, oci->annotations[i].key,
				    json_string(oci->annotations[i].value));
	/* pid as the hook sees it: the container's pid namespace (runc does the same). */
	s = json_pack("{s:s, s:s, s:s, s:i, s:s, s:o}", "ociVersion", oci->oci_version, "id",
		      c->id ? c->id : "", "status", status, "pid", (int)getpid(), "bundle",
		      c->bundle, "annotations", a ? a : json_object());
	return s;
}

int container_process_run_hooks(const struct container_setup *c, int kind, const char *status,
				int (*before_exec)(struct moat_error *), struct moat_error *err)
{
	const struct oci_hook_list *hooks = &c->oci->hooks[kind];
	json_t *state;
	int r;

	if (!hooks->n_hooks)
		return 0;
	state = hook_state(c, status);
	if (!state)
		return moat_error_setx(err, ENOMEM, "%s hooks: state", oci_hook_name(kind));
	r = container_hooks_run_with(hooks, oci_hook_name(kind), state, before_exec, err);
	json_decref(state);
	return r;
}

int container_process_start_hooks(const struct container_setup *c, struct moat_error *err)
{
	return container_process_run_hooks(c, OCI_HOOK_START_CONTAINER, "created",
					   container_process_before_exec, err);
}

/* As runc: in the container's namespaces, the host's tree still in view,
 * the working directory the rootfs. */
int container_process_create_hooks(const struct container_setup *c, struct moat_error *err)
{
	if (!c->oci->hooks[OCI_HOOK_CREATE_CONTAINER].n_hooks)
		return 0;
	if (chdir(ROOTFS_NEWROOT) < 0)
		return moat_error_set(err, errno, "createContainer hooks: chdir to the rootfs");
	return container_process_run_hooks(c, OCI_HOOK_CREATE_CONTAINER, "creating", NULL, err);
}
