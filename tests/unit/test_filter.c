/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The generated seccomp filters. Two kinds of checks:
 *  - every row against its filter, by running the exported BPF in a small
 *    interpreter on many argument vectors (the compilation of argument rules
 *    into libseccomp rules is where mistakes would hide);
 *  - the policy the design fixes, by loading the filters in forked children
 *    and making real syscalls.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <termios.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/audit.h>

#include "syscalls/filter.h"
#include "syscalls/filter_internal.h"
#include "syscalls/table.h"

#define TRAP	      SCMP_ACT_ERRNO(ENOTSUP)
#define X32_BIT	      0x40000000
#define NR_PAST_TABLE 470

/* ---- the exported BPF, run in user space ---------------------------------- */

struct bpf {
	struct sock_filter *insns;
	size_t n;
};

static struct bpf export(scmp_filter_ctx ctx)
{
	struct bpf b = {0};
	int fd = memfd_create("bpf", MFD_CLOEXEC);
	off_t len;

	assert_true(fd >= 0);
	assert_int_equal(seccomp_export_bpf(ctx, fd), 0);
	len = lseek(fd, 0, SEEK_END);
	assert_true(len > 0);
	b.insns = malloc(len);
	assert_non_null(b.insns);
	assert_int_equal(pread(fd, b.insns, len, 0), (ssize_t)len);
	close(fd);
	b.n = len / sizeof(struct sock_filter);
	assert_true(b.n > 0 && b.n <= 4096);
	return b;
}

static uint32_t bpf_run(const struct bpf *b, const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {0};

	for (size_t pc = 0; pc < b->n; pc++) {
		const struct sock_filter *i = &b->insns[pc];

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			assert_true(i->k % 4 == 0 && i->k + 4 <= sizeof(*d));
			memcpy(&a, (const char *)d + i->k, 4);
			break;
		case BPF_LD | BPF_IMM:
			a = i->k;
			break;
		case BPF_LDX | BPF_IMM:
			x = i->k;
			break;
		case BPF_LD | BPF_MEM:
			a = mem[i->k % BPF_MEMWORDS];
			break;
		case BPF_ST:
			mem[i->k % BPF_MEMWORDS] = a;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= i->k;
			break;
		case BPF_ALU | BPF_OR | BPF_K:
			a |= i->k;
			break;
		case BPF_MISC | BPF_TAX:
			x = a;
			break;
		case BPF_MISC | BPF_TXA:
			a = x;
			break;
		case BPF_JMP | BPF_JA:
			pc += i->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & i->k) ? i->jt : i->jf;
			break;
		case BPF_RET | BPF_K:
			return i->k;
		case BPF_RET | BPF_A:
			return a;
		default:
			fail_msg("BPF opcode %#x not handled by the test interpreter", i->code);
		}
	}
	fail_msg("BPF program fell off its end");
	return 0;
}

static int rules_match(const struct syscall_row *row, const uint64_t *args)
{
	for (unsigned r = 0; r < row->nrules; r++) {
		int all = 1;

		for (unsigned c = 0; c < row->rules[r].nconds; c++) {
			const struct arg_cond *k = &row->rules[r].conds[c];
			int eq = (args[k->arg] & k->mask) == (k->value & k->mask);

			all &= k->op == RULE_EQ ? eq : !eq;
		}
		if (all)
			return 1;
	}
	return 0;
}

/* The table's meaning of a row, as filter.h and table.h define it. */
static uint32_t want_workload(const struct syscall_row *row, const uint64_t *args)
{
	switch (row->disp) {
	case DISP_NATIVE:
		return !row->nrules || rules_match(row, args) ? SCMP_ACT_ALLOW : SCMP_ACT_NOTIFY;
	case DISP_DENIED:
		return !row->nrules || rules_match(row, args) ? SCMP_ACT_ERRNO(row->deny_errno)
							      : SCMP_ACT_ALLOW;
	case DISP_EMULATED:
		/* Rules mark the native fast path of an emulated call. */
		return row->nrules && rules_match(row, args) ? SCMP_ACT_ALLOW : SCMP_ACT_NOTIFY;
	default:
		return SCMP_ACT_NOTIFY;
	}
}

static uint32_t want_self(const struct syscall_row *row, const uint64_t *args, unsigned bit)
{
	if (!(row->self & bit))
		return SCMP_ACT_KILL_PROCESS;
	if (!row->nrules || row->disp == DISP_EMULATED)
		return SCMP_ACT_ALLOW;
	if (row->disp == DISP_DENIED)
		return rules_match(row, args) ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_ALLOW;
	return rules_match(row, args) ? SCMP_ACT_ALLOW : SCMP_ACT_KILL_PROCESS;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Argument values worth trying: random, small, and each rule value with one bit flipped. */
static void random_args(uint64_t *args)
{
	for (int i = 0; i < 6; i++) {
		uint64_t r = rng();

		switch (r % 4) {
		case 0:
			args[i] = rng();
			break;
		case 1:
			args[i] = r % 64;
			break;
		case 2:
			args[i] = (rng() << 32) | (r % 64); /* garbage in the upper half */
			break;
		default:
			args[i] = (uint32_t)rng();
			break;
		}
	}
}

typedef uint32_t (*want_fn)(const struct syscall_row *row, const uint64_t *args, unsigned bit);

static uint32_t want_workload_fn(const struct syscall_row *row, const uint64_t *args, unsigned bit)
{
	return want_workload(row, args);
}

static void check_one(const struct bpf *b, const struct syscall_row *row, const uint64_t *args,
		      want_fn want, unsigned bit)
{
	struct seccomp_data d = {.nr = row->nr, .arch = AUDIT_ARCH_X86_64};
	uint32_t got, exp;

	memcpy(d.args, args, sizeof(d.args));
	got = bpf_run(b, &d);
	exp = want(row, args, bit);
	if (got != exp)
		fail_msg("%s(%#llx, %#llx, %#llx, ...): filter says %#x, table says %#x", row->name,
			 (unsigned long long)args[0], (unsigned long long)args[1],
			 (unsigned long long)args[2], got, exp);
}

static void check_all_rows(const struct bpf *b, want_fn want, unsigned bit)
{
	uint64_t args[6];

	for (unsigned r = 0; r < syscall_table_len; r++) {
		const struct syscall_row *row = &syscall_table[r];

		for (int i = 0; i < (row->nrules ? 3000 : 8); i++) {
			random_args(args);
			check_one(b, row, args, want, bit);
		}
		for (unsigned k = 0; k < row->nrules; k++) {
			const struct arg_rule *rule = &row->rules[k];

			random_args(args);
			for (unsigned c = 0; c < rule->nconds; c++)
				args[rule->conds[c].arg] = rule->conds[c].value;
			check_one(b, row, args, want, bit);
			for (unsigned c = 0; c < rule->nconds; c++) {
				for (int bitno = 0; bitno < 64; bitno++) {
					uint64_t saved = args[rule->conds[c].arg];

					args[rule->conds[c].arg] ^= 1ULL << bitno;
					check_one(b, row, args, want, bit);
					args[rule->conds[c].arg] = saved;
				}
			}
		}
	}
}

static uint32_t run_nr(const struct bpf *b, uint32_t arch, int nr)
{
	struct seccomp_data d = {.nr = nr, .arch = arch};

	return bpf_run(b, &d);
}

static void test_workload_bpf_matches_table(void **state)
{
	struct moat_error err = {0};
	scmp_filter_ctx ctx = NULL;
	uint32_t attr = 0;
	struct bpf b;

	if (filter_build_workload(&ctx, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(seccomp_attr_get(ctx, SCMP_FLTATR_ACT_DEFAULT, &attr), 0);
	assert_int_equal(attr, SCMP_ACT_ERRNO(ENOSYS));
	assert_int_equal(seccomp_attr_get(ctx, SCMP_FLTATR_ACT_BADARCH, &attr), 0);
	assert_int_equal(attr, SCMP_ACT_ERRNO(ENOSYS));
	b = export(ctx);
	check_all_rows(&b, want_workload_fn, 0);

	/* Numbers without a row, other ABIs. */
	for (int nr = 0; nr < 1100; nr++)
		if (!syscall_by_nr(nr))
			assert_int_equal(run_nr(&b, AUDIT_ARCH_X86_64, nr), SCMP_ACT_ERRNO(ENOSYS));
	for (int nr = 0; nr < 600; nr++) {
		assert_int_equal(run_nr(&b, AUDIT_ARCH_X86_64, nr | X32_BIT),
				 SCMP_ACT_ERRNO(ENOSYS));
		assert_int_equal(run_nr(&b, AUDIT_ARCH_I386, nr), SCMP_ACT_ERRNO(ENOSYS));
	}
	assert_int_equal(run_nr(&b, AUDIT_ARCH_X86_64, -1), SCMP_ACT_ERRNO(ENOSYS));
	print_message("workload filter: %zu BPF instructions\n", b.n);
	free(b.insns);
	seccomp_release(ctx);
}

/* The filter the moat binary carries (exported at build time) is the table's. */
static void test_build_time_bpf_is_current(void **state)
{
	struct moat_error err = {0};
	scmp_filter_ctx ctx = NULL;
	struct bpf b;

	assert_non_null(&filter_workload_bpf_len);
	if (filter_build_workload(&ctx, &err) < 0)
		fail_msg("%s", err.msg);
	b = export(ctx);
	assert_int_equal(filter_workload_bpf_len, b.n);
	assert_memory_equal(filter_workload_bpf, b.insns, b.n * sizeof(struct sock_filter));
	free(b.insns);
	seccomp_release(ctx);
}

static void test_self_bpf_matches_table(void **state)
{
	static const unsigned bits[] = {SELF_SENTRY, SELF_GOFER};
	struct moat_error err = {0};

	for (size_t i = 0; i < 2; i++) {
		scmp_filter_ctx ctx = NULL;
		struct bpf b;

		if (filter_build_self(&ctx, bits[i], &err) < 0)
			fail_msg("%s", err.msg);
		b = export(ctx);
		check_all_rows(&b, want_self, bits[i]);
		assert_int_equal(run_nr(&b, AUDIT_ARCH_I386, 20), SCMP_ACT_KILL_PROCESS);
		assert_int_equal(run_nr(&b, AUDIT_ARCH_X86_64, 39 | X32_BIT),
				 SCMP_ACT_KILL_PROCESS);
		assert_int_equal(run_nr(&b, AUDIT_ARCH_X86_64, NR_PAST_TABLE),
				 SCMP_ACT_KILL_PROCESS);
		free(b.insns);
		seccomp_release(ctx);
	}
	assert_true(filter_build_self(&(scmp_filter_ctx){NULL}, 0, &err) == -EINVAL);
}

/* ---- real syscalls in forked children ------------------------------------- */

static void child_fail(int line, const char *what, long ret, int e)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "  child: line %d: %s returned %ld, errno %d (%s)\n",
			 line, what, ret, e, strerror(e));

	if (write(2, buf, n) < 0)
		_exit(101);
	_exit(100);
}

/* The call succeeds (returns >= 0). */
#define EXPECT_OK(call)                                                                            \
	do {                                                                                       \
		errno = 0;                                                                         \
		long r_ = (long)(call);                                                            \
		if (r_ < 0)                                                                        \
			child_fail(__LINE__, #call, r_, errno);                                    \
	} while (0)
/* The call fails with errno e. */
#define EXPECT_ERR(call, e)                                                                        \
	do {                                                                                       \
		errno = 0;                                                                         \
		long r_ = (long)(call);                                                            \
		if (r_ != -1 || errno != (e))                                                      \
			child_fail(__LINE__, #call " (wanted " #e ")", r_, errno);                 \
	} while (0)
/* The call reached the kernel: neither the trap action nor a filter ENOSYS. */
#define EXPECT_NATIVE(call)                                                                        \
	do {                                                                                       \
		errno = 0;                                                                         \
		long r_ = (long)(call);                                                            \
		if (r_ < 0 && (errno == ENOTSUP || errno == ENOSYS))                               \
			child_fail(__LINE__, #call " (wanted native)", r_, errno);                 \
	} while (0)

/* Side effects stay harmless if a check fails: paths that do not exist. */
#define MISSING "/nonexistent-moat-test"

/* A fork-like clone; should it succeed after all, the new process leaves at once. */
static long clone_flags(unsigned long flags)
{
	long r = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);

	if (r == 0)
		_exit(0);
	if (r > 0)
		waitpid((pid_t)r, NULL, 0);
	return r;
}

static long int80(long nr)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr) : "memory");
	return ret;
}

/* Runs body in a child that first loads ctx; returns the wait status. */
static int run_filtered(scmp_filter_ctx ctx, void (*body)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_load(ctx) < 0)
			_exit(99);
		body(arg);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void assert_exit0(int status)
{
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("child: %s %d", WIFEXITED(status) ? "exit" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

struct fds {
	int pipe[2];
	int pty; /* -1 when the machine has no ptys */
};

static void workload_body(void *arg)
{
	const struct fds *fds = arg;
	struct termios tio;
	struct utsname uts;
	struct stat st;
	char c = 'x';
	int n, status;
	pid_t pid;

	/* native */
	EXPECT_OK(getppid());
	EXPECT_OK(write(fds->pipe[1], "a", 1));
	EXPECT_OK(ioctl(fds->pipe[0], FIONREAD, &n));
	EXPECT_OK(kill(getpid(), 0));
	/* emulated and checked rows go to the trap action */
	EXPECT_ERR(syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY), ENOTSUP);
	EXPECT_ERR(syscall(SYS_stat, "/", &st), ENOTSUP);
	EXPECT_ERR(uname(&uts), ENOTSUP);
	EXPECT_ERR(syscall(SYS_execve, MISSING, NULL, NULL), ENOTSUP);
	EXPECT_ERR(syscall(SYS_chdir, "/"), ENOTSUP);
	/* denied */
	EXPECT_ERR(syscall(SYS_mount, "none", MISSING, "tmpfs", 0, NULL), EPERM);
	EXPECT_ERR(syscall(SYS_unshare, CLONE_NEWUSER), EPERM);
	EXPECT_ERR(syscall(SYS_unshare, 0), EPERM);
	EXPECT_ERR(syscall(SYS_clone3, NULL, 0), ENOSYS);
	EXPECT_ERR(syscall(SYS_bpf, 0, NULL, 0), EPERM);
	EXPECT_ERR(syscall(SYS_io_uring_setup, 1, NULL), EPERM);
	EXPECT_ERR(syscall(SYS_ptrace, -1L, 0, 0, 0), EPERM);
	EXPECT_ERR(syscall(452 /* fchmodat2 */, AT_FDCWD, MISSING, 0755, 0), ENOSYS);
	EXPECT_ERR(syscall(457 /* statmount */, NULL, NULL, 0, 0), ENOSYS);
	/* newer native rows reach the kernel */
	EXPECT_NATIVE(syscall(454 /* futex_wake */, &n, 0, 1, 0x82));
	EXPECT_NATIVE(syscall(462 /* mseal */, NULL, 0, 0));
	/* ioctl: TIOCSTI and TIOCLINUX refused by BPF, on the low 32 bits */
	EXPECT_ERR(ioctl(fds->pipe[0], TIOCSTI, &c), EPERM);
	EXPECT_ERR(syscall(SYS_ioctl, fds->pipe[0], 0xdead00000000UL | TIOCSTI, &c), EPERM);
	EXPECT_ERR(ioctl(fds->pipe[0], TIOCLINUX, &c), EPERM);
	if (fds->pty >= 0) {
		EXPECT_OK(ioctl(fds->pty, TCGETS, &tio));
		EXPECT_OK(syscall(SYS_ioctl, fds->pty, (1UL << 32) | TCGETS, &tio));
		EXPECT_ERR(ioctl(fds->pty, TIOCSTI, &c), EPERM);
	}
	/* socket: allowed families, everything else to the trap action */
	EXPECT_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
	EXPECT_OK(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	EXPECT_NATIVE(socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	EXPECT_OK(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
	EXPECT_OK(syscall(SYS_socket, (1UL << 32) | AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
	EXPECT_ERR(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT), ENOTSUP);
	EXPECT_ERR(socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0), ENOTSUP);
	EXPECT_ERR(syscall(SYS_socket, (1UL << 32) | AF_PACKET, SOCK_RAW, 0), ENOTSUP);
	/* clone: namespace flags to the trap action, plain fork works */
	EXPECT_ERR(clone_flags(CLONE_NEWUSER), ENOTSUP);
	EXPECT_ERR(clone_flags(CLONE_NEWNET), ENOTSUP);
	EXPECT_ERR(clone_flags(CLONE_NEWNS), ENOTSUP);
	EXPECT_ERR(clone_flags(CLONE_NEWPID | CLONE_NEWIPC), ENOTSUP);
	pid = fork();
	if (pid == 0)
		_exit(7);
	EXPECT_OK(pid);
	EXPECT_OK(waitpid(pid, &status, 0));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 7)
		child_fail(__LINE__, "fork child status", status, 0);
	/* personality: Linux and the query only */
	EXPECT_OK(personality(0xffffffff));
	EXPECT_OK(personality(PER_LINUX));
	EXPECT_ERR(personality(ADDR_NO_RANDOMIZE), ENOTSUP);
	/* other ABIs and numbers without a row */
	EXPECT_ERR(syscall(X32_BIT | SYS_getpid), ENOSYS);
	EXPECT_ERR(syscall(NR_PAST_TABLE), ENOSYS);
	EXPECT_ERR(syscall(1000), ENOSYS);
	if (int80(20 /* i386 getpid */) != -ENOSYS)
		child_fail(__LINE__, "int 0x80 getpid", int80(20), 0);
}

static void test_workload_policy_in_child(void **state)
{
	struct moat_error err = {0};
	scmp_filter_ctx ctx = NULL;
	struct fds fds;

	assert_int_equal(pipe2(fds.pipe, O_CLOEXEC), 0);
	fds.pty = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (filter_build(&ctx, TRAP, &err) < 0)
		fail_msg("%s", err.msg);
	assert_exit0(run_filtered(ctx, workload_body, &fds));
	seccomp_release(ctx);
	close(fds.pipe[0]);
	close(fds.pipe[1]);
	if (fds.pty >= 0)
		close(fds.pty);
}

/*
 * Other ABIs take libseccomp's bad-arch path. The kernel here has no x32 and
 * would answer ENOSYS by itself, so a marker errno shows the filter did it.
 */
static void abi_body(void *arg)
{
	int marker = *(int *)arg;

	EXPECT_ERR(syscall(X32_BIT | SYS_getpid), marker);
	EXPECT_ERR(syscall(X32_BIT | SYS_openat, AT_FDCWD, "/", O_RDONLY), marker);
	if (int80(20 /* i386 getpid */) != -marker)
		child_fail(__LINE__, "int 0x80 getpid", int80(20), 0);
	EXPECT_OK(getpid());
}

static void test_other_abis_refused(void **state)
{
	struct moat_error err = {0};
	scmp_filter_ctx ctx = NULL;
	int marker = EXDEV;

	if (filter_build(&ctx, TRAP, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(marker)), 0);
	assert_exit0(run_filtered(ctx, abi_body, &marker));
	seccomp_release(ctx);
}

struct notify_thread {
	long ret;
	int err;
};

static void *trapped_open(void *arg)
{
	struct notify_thread *t = arg;

	t->ret = syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY);
	t->err = errno;
	return NULL;
}

/* The real install: a listener fd, O_CLOEXEC, that receives the trapped call. */
static void test_install_workload_listener(void **state)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct moat_error err = {0};
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;
		struct notify_thread t = {0};
		pthread_t th;
		int fd;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(98);
		fd = filter_install_workload(&err);
		if (fd < 0) {
			fprintf(stderr, "  child: %s\n", err.msg);
			_exit(99);
		}
		EXPECT_OK(fd);
		if (!(fcntl(fd, F_GETFD) & FD_CLOEXEC))
			child_fail(__LINE__, "listener FD_CLOEXEC", fcntl(fd, F_GETFD), 0);
		EXPECT_OK(getppid());
		EXPECT_ERR(syscall(SYS_mount, "none", MISSING, "tmpfs", 0, NULL), EPERM);
		/* glibc's pthread_create meets clone3's ENOSYS and falls back to clone */
		if (pthread_create(&th, NULL, trapped_open, &t) != 0)
			child_fail(__LINE__, "pthread_create", -1, 0);
		memset(&req, 0, sizeof(req));
		EXPECT_OK(ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req));
		if (req.data.nr != SYS_openat)
			child_fail(__LINE__, "notification nr", req.data.nr, 0);
		resp = (struct seccomp_notif_resp){.id = req.id, .error = -EXDEV};
		EXPECT_OK(ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp));
		pthread_join(th, NULL);
		if (t.ret != -1 || t.err != EXDEV)
			child_fail(__LINE__, "answered openat", t.ret, t.err);
		/* Without a listener, trapped calls fail with ENOSYS. */
		close(fd);
		EXPECT_ERR(syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY), ENOSYS);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_exit0(status);
}

static void self_allowed_body(void *arg)
{
	unsigned bit = *(unsigned *)arg;
	struct utsname uts;
	int p[2], n;

	EXPECT_OK(getpid());
	EXPECT_OK(syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_CLOEXEC));
	if (bit == SELF_SENTRY) {
		EXPECT_OK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, p));
		EXPECT_OK(ioctl(p[0], FIONREAD, &n));
		EXPECT_OK(uname(&uts));
	}
}

static void self_socket_body(void *arg)
{
	EXPECT_OK(getpid());
	syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
	_exit(0); /* not reached: SIGSYS */
}

static void self_clone_ns_body(void *arg)
{
	clone_flags(CLONE_NEWUSER);
	_exit(0);
}

static void self_tiocsti_body(void *arg)
{
	char c = 'x';

	ioctl(0, TIOCSTI, &c);
	_exit(0);
}

static int run_self(unsigned bit, void (*body)(void *))
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct moat_error err = {0};

		if (filter_install_self(bit, &err) < 0) {
			fprintf(stderr, "  child: %s\n", err.msg);
			_exit(99);
		}
		body(&bit);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void assert_sigsys(int status)
{
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSYS)
		fail_msg("child: wanted SIGSYS, got %s %d", WIFEXITED(status) ? "exit" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

static void test_install_self(void **state)
{
	assert_exit0(run_self(SELF_GOFER, self_allowed_body));
	assert_exit0(run_self(SELF_SENTRY, self_allowed_body));
	assert_sigsys(run_self(SELF_GOFER, self_socket_body));
	assert_sigsys(run_self(SELF_SENTRY, self_socket_body));
	assert_sigsys(run_self(SELF_SENTRY, self_clone_ns_body));
	assert_sigsys(run_self(SELF_SENTRY, self_tiocsti_body));
	assert_sigsys(run_self(SELF_GOFER, self_tiocsti_body)); /* no ioctl at all */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_workload_bpf_matches_table),
	    cmocka_unit_test(test_build_time_bpf_is_current),
	    cmocka_unit_test(test_self_bpf_matches_table),
	    cmocka_unit_test(test_workload_policy_in_child),
	    cmocka_unit_test(test_other_abis_refused),
	    cmocka_unit_test(test_install_workload_listener),
	    cmocka_unit_test(test_install_self),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
