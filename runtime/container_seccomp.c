/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.json's linux.seccomp: the container's own profile, compiled with
 * libseccomp and loaded in addition to moat's workload filter. Filters
 * stack and the kernel takes the most restrictive action across them
 * (KILL > TRAP > ERRNO > USER_NOTIF > TRACE > LOG > ALLOW), so the profile
 * can only take away: an ERRNO or KILL in the profile beats moat's
 * USER_NOTIF, and a profile's ALLOW never lets a trapped call skip the
 * sentry. The profile is loaded last, in the container's process right
 * before execve, so that none of moat's own set-up runs under it (pid 1,
 * which forks the process, never does).
 *
 * SCMP_ACT_NOTIFY and listenerPath are refused: the kernel allows one
 * listener per filter chain and moat's sentry holds it.
 */
#include "container_process.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../syscalls/filter.h"
#include "../lib/cleanup.h"
#include "../lib/log.h"
#include "oci_config.h"

static void release_ctx(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}
#define _cleanup_ctx_ __attribute__((cleanup(release_ctx)))

/* The compiled profile, loaded by container_seccomp_load() (pid 1's memory,
 * inherited by every child it forks). */
static struct sock_filter *profile_insns;
static size_t profile_count;
static unsigned int profile_flags;

/* runc's defaults: ERRNO and TRACE without errnoRet return EPERM. */
static uint32_t full_action(uint32_t base, const struct oci_opt_u64 *errno_ret)
{
	uint16_t e = errno_ret->set ? (uint16_t)errno_ret->value : EPERM;

	if (base == SCMP_ACT_ERRNO(0))
		return SCMP_ACT_ERRNO(e);
	if (base == SCMP_ACT_TRACE(0))
		return SCMP_ACT_TRACE(e);
	return base;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t def, const struct oci_seccomp_rule *rule,
		    size_t index, struct moat_error *err)
{
	uint32_t action = full_action(rule->action, &rule->errno_ret);
	struct scmp_arg_cmp cmp[6];
	bool repeated = false;

	if (rule->n_args > 6)
		return moat_error_setx(err, EINVAL, "linux.seccomp.syscalls[%zu]: more than 6 args",
				       index);
	for (size_t i = 0; i < rule->n_args; i++) {
		cmp[i] = (struct scmp_arg_cmp){.arg = rule->args[i].index,
					       .op = (enum scmp_compare)rule->args[i].op,
					       .datum_a = rule->args[i].value,
					       .datum_b = rule->args[i].value_two};
		for (size_t j = 0; j < i; j++)
			repeated |= rule->args[j].index == rule->args[i].index;
	}
	if (action == def)
		return 0; /* libseccomp refuses a rule that is the default; so does runc */
	for (size_t n = 0; n < rule->n_names; n++) {
		int nr = seccomp_syscall_resolve_name(rule->names[n]);
		int rc = 0;

		if (nr == __NR_SCMP_ERROR) {
			log_debug("linux.seccomp: unknown syscall %s skipped", rule->names[n]);
			continue;
		}
		/* The same argument twice cannot be one AND-ed rule: runc adds one
		 * rule per comparison (an OR) then. */
		if (repeated) {
			for (size_t i = 0; i < rule->n_args && rc == 0; i++)
				rc = seccomp_rule_add_array(ctx, action, nr, 1, &cmp[i]);
		} else {
			rc = seccomp_rule_add_array(ctx, action, nr, (unsigned)rule->n_args, cmp);
		}
		if (rc < 0)
			return moat_error_set(err, -rc, "linux.seccomp.syscalls[%zu]: %s", index,
					      rule->names[n]);
	}
	return 0;
}

static int compile(const struct oci_seccomp *sc, scmp_filter_ctx *out, struct moat_error *err)
{
	uint32_t def = full_action(sc->default_action, &sc->default_errno_ret);
	_cleanup_ctx_ scmp_filter_ctx ctx = seccomp_init(def);
	int rc;

	if (!ctx)
		return moat_error_setx(err, EINVAL, "linux.seccomp: cannot initialise libseccomp");
	/* moat loads the program itself (no_new_privs is its decision). */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0)
		return moat_error_set(err, -rc, "linux.seccomp: attributes");
	for (size_t i = 0; i < sc->n_architectures; i++) {
		rc = seccomp_arch_add(ctx, sc->architectures[i]);
		if (rc < 0 && rc != -EEXIST)
			return moat_error_set(err, -rc, "linux.seccomp.architectures[%zu]", i);
	}
	for (size_t i = 0; i < sc->n_syscalls; i++)
		if ((rc = add_rule(ctx, def, &sc->syscalls[i], i, err)) < 0)
			return rc;
	*out = steal_pointer(&ctx);
	return 0;
}

int container_seccomp_check(const struct oci_seccomp *sc, struct moat_error *err)
{
	_cleanup_ctx_ scmp_filter_ctx ctx = NULL;

	if (!sc->present)
		return 0;
	if (sc->listener_path)
		return moat_error_setx(err, ENOTSUP,
				       "linux.seccomp.listenerPath: not supported (moat's sentry "
				       "holds the container's seccomp listener)");
	if (sc->default_action == SCMP_ACT_NOTIFY)
		return moat_error_setx(err, ENOTSUP,
				       "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY is not "
				       "supported (moat's sentry holds the seccomp listener)");
	for (size_t i = 0; i < sc->n_syscalls; i++)
		if (sc->syscalls[i].action == SCMP_ACT_NOTIFY)
			return moat_error_setx(
			    err, ENOTSUP,
			    "linux.seccomp.syscalls[%zu].action: SCMP_ACT_NOTIFY "
			    "is not supported (moat's sentry holds the seccomp "
			    "listener)",
			    i);
	return compile(sc, &ctx, err);
}

int container_seccomp_prepare(const struct oci_seccomp *sc, struct moat_error *err)
{
	_cleanup_ctx_ scmp_filter_ctx ctx = NULL;
	int r;

	if (!sc->present)
		return 0;
	r = compile(sc, &ctx, err);
	if (r == 0)
		r = filter_export_bpf(ctx, &profile_insns, &profile_count, err);
	if (r < 0)
		return moat_error_prefix(err, "linux.seccomp");
	/* WAIT_KILLABLE_RECV only means something with a listener, which a
	 * profile cannot have here; the kernel refuses it without one. */
	profile_flags = sc->flags & (SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG |
				     SECCOMP_FILTER_FLAG_SPEC_ALLOW);
	return 0;
}

/* Precondition: no_new_privs, or CAP_SYS_ADMIN in the container's user namespace. */
int container_seccomp_load(struct moat_error *err)
{
	struct sock_fprog prog = {.len = (unsigned short)profile_count, .filter = profile_insns};

	if (!profile_insns)
		return 0;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, profile_flags, &prog) < 0)
		return moat_error_set(err, errno, "load the linux.seccomp profile");
	return 0;
}
