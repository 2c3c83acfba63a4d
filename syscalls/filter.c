/* SPDX-License-Identifier: Apache-2.0 */
/*
 * seccomp filters generated from the syscall table through libseccomp.
 *
 * What libseccomp 2.5.4 does with rules for one syscall (seen with
 * seccomp_export_pfc; tests/unit/test_filter.c checks the outcome row by row):
 *  - an unconditional rule silently replaces every conditional rule of the
 *    syscall, whatever the actions and the order they were added in;
 *  - overlapping conditional rules with different actions: a narrower rule
 *    added after a broader one on the same arguments is silently dropped
 *    (added before it, the broader one fails with -EEXIST); rules on
 *    different arguments are tested in libseccomp's own order (higher
 *    argument first), so which action wins is not the caller's choice;
 *  - a rule may compare each argument once: a second comparison of the same
 *    argument is -EINVAL;
 *  - an always-true comparison (mask 0, ">= 0") is dropped, which turns the
 *    rule into an unconditional one;
 *  - a rule whose action is the default action is refused with -EACCES;
 *  - numbers it does not know (451+) are accepted as they are.
 * "Allow when a rule matches, else trap" therefore cannot be written as
 * rules plus a catch-all. Instead a row's rules are compiled into a partition
 * of the argument space: the rules' region and its complement, each a union
 * of cubes (at most one masked equality per argument), and no cube of one
 * action overlaps a cube of the other. Whatever libseccomp then merges, the
 * outcome is the table's.
 */
#include "filter.h"
#include "filter_internal.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/filter.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "nr_extra.h"
#include "table.h"
#include "../lib/cleanup.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

#define NARGS 6
/* Bound on the cubes of one row; the table's largest row needs about 70. */
#define CUBES_MAX 4096
/* BPF_MAXINSNS: the kernel's limit for one classic BPF program. */
#define FILTER_MAX_INSNS 4096

/* Hot syscalls are tested first within their branch of the BPF tree. */
static const int hot_syscalls[] = {
#define SYSCALL(name_, ...)
#define SYSCALL_HOT(name_, ...) __NR_##name_,
#include "table.def"
};

static void seccomp_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}
#define _cleanup_seccomp_ __attribute__((cleanup(seccomp_releasep)))

/*
 * A cube: the calls whose every argument i satisfies
 * (arg[i] & mask[i]) == value[i]. All masks 0 is every call.
 */
struct cube {
	uint64_t mask[NARGS];
	uint64_t value[NARGS];
};

struct cubes {
	struct cube *v;
	size_t n, cap;
};

static void cubes_free(struct cubes *s)
{
	free(s->v);
	*s = (struct cubes){0};
}
#define _cleanup_cubes_ __attribute__((cleanup(cubes_free)))

static int cubes_push(struct cubes *s, const struct cube *c)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct cube *v;

		if (s->n >= CUBES_MAX)
			return -E2BIG;
		v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *c;
	return 0;
}

/* Intersection of two cubes; false when it is empty. */
static bool cube_and(const struct cube *a, const struct cube *b, struct cube *out)
{
	for (int i = 0; i < NARGS; i++) {
		if ((a->value[i] ^ b->value[i]) & a->mask[i] & b->mask[i])
			return false;
		out->mask[i] = a->mask[i] | b->mask[i];
		out->value[i] = a->value[i] | b->value[i];
	}
	return true;
}

/* out = a AND b. Intersections of two disjoint families stay disjoint. */
static int cubes_and(const struct cubes *a, const struct cubes *b, struct cubes *out)
{
	struct cube c;
	int rc;

	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < b->n; j++)
			if (cube_and(&a->v[i], &b->v[j], &c) && (rc = cubes_push(out, &c)) < 0)
				return rc;
	return 0;
}

/* Replace *s with *s AND other. */
static int cubes_and_inplace(struct cubes *s, const struct cubes *other)
{
	struct cubes out = {0};
	int rc = cubes_and(s, other, &out);

	cubes_free(s);
	*s = out;
	return rc;
}

/*
 * The complement of a cube as disjoint cubes: walking its constrained bits in
 * order, the calls that agree with it on every earlier bit and differ on this
 * one.
 */
static int cube_complement(const struct cube *c, struct cubes *out)
{
	struct cube prefix = {0};
	int rc;

	for (int i = 0; i < NARGS; i++) {
		for (int b = 63; b >= 0; b--) {
			uint64_t bit = 1ULL << b;
			struct cube flip;

			if (!(c->mask[i] & bit))
				continue;
			flip = prefix;
			flip.mask[i] |= bit;
			flip.value[i] |= ~c->value[i] & bit;
			if ((rc = cubes_push(out, &flip)) < 0)
				return rc;
			prefix.mask[i] |= bit;
			prefix.value[i] |= c->value[i] & bit;
		}
	}
	return 0;
}

/* The complement of a union of cubes: the intersection of their complements. */
static int cubes_complement(const struct cubes *s, struct cubes *out)
{
	static const struct cube all;
	int rc;

	if ((rc = cubes_push(out, &all)) < 0)
		return rc;
	for (size_t i = 0; i < s->n && out->n > 0; i++) {
		_cleanup_cubes_ struct cubes comp = {0};

		if ((rc = cube_complement(&s->v[i], &comp)) < 0 ||
		    (rc = cubes_and_inplace(out, &comp)) < 0)
			return rc;
	}
	return 0;
}

/* One condition as cubes: one for RULE_EQ, disjoint bit flips for RULE_NE. */
static int cond_cubes(const struct arg_cond *cond, struct cubes *out)
{
	struct cube c = {0};

	if (cond->arg >= NARGS || cond->mask == 0)
		return -EINVAL;
	c.mask[cond->arg] = cond->mask;
	c.value[cond->arg] = cond->value & cond->mask;
	switch (cond->op) {
	case RULE_EQ:
		return cubes_push(out, &c);
	case RULE_NE:
		return cube_complement(&c, out);
	}
	return -EINVAL;
}

/* The calls matching one of the row's rules. */
static int row_rule_cubes(const struct syscall_row *row, struct cubes *out)
{
	static const struct cube all;
	int rc;

	for (unsigned r = 0; r < row->nrules; r++) {
		const struct arg_rule *rule = &row->rules[r];
		_cleanup_cubes_ struct cubes match = {0};

		if (rule->nconds == 0 || rule->nconds > RULE_MAX_CONDS)
			return -EINVAL;
		if ((rc = cubes_push(&match, &all)) < 0)
			return rc;
		for (unsigned k = 0; k < rule->nconds; k++) {
			_cleanup_cubes_ struct cubes cond = {0};

			if ((rc = cond_cubes(&rule->conds[k], &cond)) < 0 ||
			    (rc = cubes_and_inplace(&match, &cond)) < 0)
				return rc;
		}
		for (size_t i = 0; i < match.n; i++)
			if ((rc = cubes_push(out, &match.v[i])) < 0)
				return rc;
	}
	return 0;
}

static int add_cubes(scmp_filter_ctx ctx, uint32_t action, int nr, const struct cubes *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct scmp_arg_cmp cmp[NARGS];
		unsigned n = 0;
		int rc;

		for (int a = 0; a < NARGS; a++)
			if (s->v[i].mask[a])
				cmp[n++] = SCMP_CMP64(a, SCMP_CMP_MASKED_EQ, s->v[i].mask[a],
						      s->v[i].value[a]);
		rc = seccomp_rule_add_exact_array(ctx, action, nr, n, cmp);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/*
 * Add one row: calls matching its rules (every call when it has none) get
 * match, the others get other. An action equal to the filter's default is
 * left to the default.
 */
static int add_row(scmp_filter_ctx ctx, uint32_t def, const struct syscall_row *row, uint32_t match,
		   uint32_t other, struct moat_error *err)
{
	_cleanup_cubes_ struct cubes yes = {0}, no = {0};
	int rc;

	if (row->nrules == 0) {
		rc = match == def ? 0 : seccomp_rule_add_exact(ctx, match, row->nr, 0);
	} else {
		rc = row_rule_cubes(row, &yes);
		if (rc >= 0)
			rc = cubes_complement(&yes, &no);
		if (rc < 0)
			return moat_error_set(err, -rc, "compile the argument rules of %s",
					      row->name);
		if (match != def)
			rc = add_cubes(ctx, match, row->nr, &yes);
		if (rc >= 0 && other != def)
			rc = add_cubes(ctx, other, row->nr, &no);
	}
	if (rc < 0)
		return moat_error_set(err, -rc, "seccomp rule for %s", row->name);
	return 0;
}

static int set_attrs(scmp_filter_ctx ctx, uint32_t badarch, uint32_t nnp, struct moat_error *err)
{
	const struct {
		enum scmp_filter_attr attr;
		uint32_t value;
		const char *what;
	} attrs[] = {
	    {SCMP_FLTATR_ACT_BADARCH, badarch, "bad-architecture action"},
	    {SCMP_FLTATR_CTL_NNP, nnp, "no_new_privs"},
	    {SCMP_FLTATR_CTL_OPTIMIZE, 2, "binary-tree optimisation"},
	    {SCMP_FLTATR_API_SYSRAWRC, 1, "raw error codes"},
	};
	int rc;

	for (size_t i = 0; i < ARRAY_SIZE(attrs); i++)
		if ((rc = seccomp_attr_set(ctx, attrs[i].attr, attrs[i].value)) < 0)
			return moat_error_set(err, -rc, "seccomp filter attribute: %s",
					      attrs[i].what);
	return 0;
}

static int prioritize(scmp_filter_ctx ctx, unsigned self_bit, struct moat_error *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(hot_syscalls); i++) {
		const struct syscall_row *row = syscall_by_nr(hot_syscalls[i]);
		int rc;

		if (self_bit && !(row->self & self_bit))
			continue;
		if ((rc = seccomp_syscall_priority(ctx, row->nr, 255)) < 0)
			return moat_error_set(err, -rc, "seccomp priority for %s", row->name);
	}
	return 0;
}

int filter_build(scmp_filter_ctx *out, uint32_t trap_action, struct moat_error *err)
{
	const uint32_t def = FILTER_DEFAULT_ACTION;
	_cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
	int rc;

	if (trap_action == def || trap_action == SCMP_ACT_ALLOW)
		return moat_error_setx(err, EINVAL, "workload filter: unusable trap action %#x",
				       trap_action);
	ctx = seccomp_init(def);
	if (!ctx)
		return moat_error_setx(err, ENOMEM, "seccomp_init failed");
	/* i386 and x32 (nr | 0x40000000 on x86_64) take the bad-arch path. */
	if ((rc = set_attrs(ctx, def, 0, err)) < 0)
		return moat_error_prefix(err, "workload filter");

	for (unsigned i = 0; i < syscall_table_len; i++) {
		const struct syscall_row *row = &syscall_table[i];
		uint32_t match, other = trap_action;

		switch (row->disp) {
		case DISP_NATIVE:
			match = SCMP_ACT_ALLOW;
			break;
		case DISP_DENIED:
			match = SCMP_ACT_ERRNO(row->deny_errno);
			other = SCMP_ACT_ALLOW;
			break;
		case DISP_EMULATED:
			/* Rules mark a native fast path; the rest is trapped. */
			match = row->nrules ? SCMP_ACT_ALLOW : trap_action;
			break;
		default:
			match = trap_action;
			if (row->nrules)
				return moat_error_setx(
				    err, EINVAL, "workload filter: %s is trapped and has rules",
				    row->name);
			break;
		}
		if ((rc = add_row(ctx, def, row, match, other, err)) < 0)
			return moat_error_prefix(err, "workload filter");
	}
	if ((rc = prioritize(ctx, 0, err)) < 0)
		return moat_error_prefix(err, "workload filter");
	*out = steal_pointer(&ctx);
	return 0;
}

int filter_build_workload(scmp_filter_ctx *out, struct moat_error *err)
{
	return filter_build(out, SCMP_ACT_NOTIFY, err);
}

/* The filter as classic BPF, through a memfd (libseccomp 2.5 exports to fds only). */
int filter_export_bpf(scmp_filter_ctx ctx, struct sock_filter **insns, size_t *count,
		      struct moat_error *err)
{
	_cleanup_close_ int fd = memfd_create("moat-seccomp-bpf", MFD_CLOEXEC);
	_cleanup_free_ struct sock_filter *buf = NULL;
	off_t size;
	int rc;

	if (fd < 0)
		return moat_error_set(err, errno, "memfd_create");
	if ((rc = seccomp_export_bpf(ctx, fd)) < 0)
		return moat_error_set(err, -rc, "seccomp_export_bpf");
	size = lseek(fd, 0, SEEK_END);
	if (size < 0)
		return moat_error_set(err, errno, "seek the exported filter");
	if (size == 0 || size % sizeof(struct sock_filter) != 0)
		return moat_error_setx(err, EINVAL, "exported filter has %lld bytes",
				       (long long)size);
	if (size / sizeof(struct sock_filter) > FILTER_MAX_INSNS)
		return moat_error_setx(
		    err, E2BIG, "filter has %lld instructions, the kernel takes %d",
		    (long long)(size / sizeof(struct sock_filter)), FILTER_MAX_INSNS);
	buf = malloc(size);
	if (!buf)
		return moat_error_set(err, ENOMEM, "exported filter");
	if (pread(fd, buf, size, 0) != size)
		return moat_error_set(err, errno ? errno : EIO, "read the exported filter");
	*insns = steal_pointer(&buf);
	*count = size / sizeof(struct sock_filter);
	return 0;
}

/*
 * libseccomp 2.5.4 cannot ask for SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, so
 * the filter is loaded here with the seccomp syscall.
 * Precondition: no_new_privs is set (or the caller has CAP_SYS_ADMIN).
 */
int filter_install_workload(struct moat_error *err)
{
	_cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
	_cleanup_free_ struct sock_filter *insns = NULL;
	unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER;
	struct sock_fprog prog;
	size_t count = 0;
	int rc;
	long fd;

	if (&filter_workload_bpf_len && filter_workload_bpf_len > 0) {
		/* Built with the binary (syscalls/gen/bpf.c): saves ~5 ms a start. */
		prog = (struct sock_fprog){.len = (unsigned short)filter_workload_bpf_len,
					   .filter = (struct sock_filter *)filter_workload_bpf};
	} else {
		if ((rc = filter_build_workload(&ctx, err)) < 0 ||
		    (rc = filter_export_bpf(ctx, &insns, &count, err)) < 0)
			return rc;
		prog = (struct sock_fprog){.len = (unsigned short)count, .filter = insns};
	}

	/* The listener fd comes back O_CLOEXEC (the kernel sets it). */
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		     flags | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, &prog);
	if (fd < 0 && errno == EINVAL) /* kernel older than 5.19 */
		fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (fd < 0 && errno == EACCES)
		return moat_error_set(err, EACCES,
				      "load the workload filter: no_new_privs is not set");
	if (fd < 0)
		return moat_error_set(err, errno, "load the workload filter");
	return (int)fd;
}

int filter_build_self(scmp_filter_ctx *out, unsigned self_bit, struct moat_error *err)
{
	const uint32_t def = SCMP_ACT_KILL_PROCESS;
	const char *who = self_bit == SELF_SENTRY ? "sentry" : "gofer";
	_cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
	int rc;

	if (self_bit != SELF_SENTRY && self_bit != SELF_GOFER)
		return moat_error_setx(err, EINVAL, "self filter: bad process bit %#x", self_bit);
	ctx = seccomp_init(def);
	if (!ctx)
		return moat_error_setx(err, ENOMEM, "seccomp_init failed");
	if ((rc = set_attrs(ctx, def, 1, err)) < 0)
		return moat_error_prefix(err, "%s allowlist", who);

	/* Argument rules still apply: e.g. the sentry may not clone namespaces. */
	for (unsigned i = 0; i < syscall_table_len; i++) {
		const struct syscall_row *row = &syscall_table[i];
		uint32_t match = SCMP_ACT_ALLOW, other = def;

		if (!(row->self & self_bit))
			continue;
		if (row->disp == DISP_DENIED && row->nrules) {
			match = def;
			other = SCMP_ACT_ALLOW;
		} else if (row->disp == DISP_EMULATED) {
			/* An emulated row's rules describe the workload's fast path. */
			other = SCMP_ACT_ALLOW;
		}
		if ((rc = add_row(ctx, def, row, match, other, err)) < 0)
			return moat_error_prefix(err, "%s allowlist", who);
	}
	if ((rc = prioritize(ctx, self_bit, err)) < 0)
		return moat_error_prefix(err, "%s allowlist", who);
	*out = steal_pointer(&ctx);
	return 0;
}

/* Sets no_new_privs through libseccomp when it is not set yet. */
int filter_install_self(unsigned self_bit, struct moat_error *err)
{
	_cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
	int rc;

	if ((rc = filter_build_self(&ctx, self_bit, err)) < 0)
		return rc;
	if ((rc = seccomp_load(ctx)) < 0)
		return moat_error_set(err, -rc, "load the %s seccomp allowlist",
				      self_bit == SELF_SENTRY ? "sentry" : "gofer");
	return 0;
}
