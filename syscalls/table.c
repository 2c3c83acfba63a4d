/* SPDX-License-Identifier: Apache-2.0 */
/* The syscall table built from table.def, its argument rules and lookups. */
#include <fcntl.h>
#include "table.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "nr_extra.h"
#include "../lib/cleanup.h"
#include "../sentry/handlers.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/*
 * Argument rules, named by the RULES() column of table.def. Integer
 * arguments are compared on their low 32 bits only: the kernel ignores the
 * upper half of an int, so a filter comparing all 64 bits could be dodged
 * with garbage there.
 */
#define LOW32 0xffffffffULL
/* clang-format off */
#define EQ32(a, v) {.arg = (a), .op = RULE_EQ, .mask = LOW32, .value = (v)}
/* clang-format on */

/* clone: no CLONE_NEW* flag (clone3 is denied, so flags are always in arg0). */
#define CLONE_NAMESPACE_FLAGS                                                                      \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |             \
	 CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWTIME)
static const struct arg_rule rules_clone[] = {
    {1, {{.arg = 0, .op = RULE_EQ, .mask = CLONE_NAMESPACE_FLAGS, .value = 0}}},
};

/* socket: the families a sandbox needs; netlink for `ip`-style route queries only. */
static const struct arg_rule rules_socket[] = {
    {1, {EQ32(0, AF_UNIX)}},
    {1, {EQ32(0, AF_INET)}},
    {1, {EQ32(0, AF_INET6)}},
    {2, {EQ32(0, AF_NETLINK), EQ32(2, NETLINK_ROUTE)}},
};

/* personality: Linux, or the 0xffffffff query of the current persona. */
static const struct arg_rule rules_personality[] = {
    {1, {EQ32(0, PER_LINUX)}},
    {1, {EQ32(0, 0xffffffff)}},
};

/* ioctl (a DENIED row): these requests push input into a terminal. */
static const struct arg_rule rules_ioctl[] = {
    {1, {EQ32(1, TIOCSTI)}},
    {1, {EQ32(1, TIOCLINUX)}},
};

/*
 * Emulated rows with rules: a native fast path. fstat(2) in glibc is
 * newfstatat(fd, "", buf, AT_EMPTY_PATH), and statx(fd, "", AT_EMPTY_PATH)
 * is how Rust and Go stat an fd; trapping them costs a round trip for an fd
 * the task already holds. With AT_EMPTY_PATH a non-empty path is still
 * resolved, but by the kernel in the workload's own root (the sandbox's) with
 * its own credentials: the answer the gofer would give.
 */
static const struct arg_rule rules_newfstatat[] = {
    {1, {{.arg = 3, .op = RULE_EQ, .mask = AT_EMPTY_PATH, .value = AT_EMPTY_PATH}}},
};
static const struct arg_rule rules_statx[] = {
    {1, {{.arg = 2, .op = RULE_EQ, .mask = AT_EMPTY_PATH, .value = AT_EMPTY_PATH}}},
};

/*
 * readlink(at): native when the buffer size is a non-negative int (every
 * sane call; a negative one is trapped and answered EINVAL by the sentry).
 * gcc, make and realpath() call it on every path component: a build does
 * hundreds of thousands, nearly all on non-links (EINVAL). The kernel
 * resolves the path in the workload's own root with its own credentials
 * and returns only link text: what the gofer would return.
 */
static const struct arg_rule rules_readlink[] = {
    {1, {{.arg = 2, .op = RULE_EQ, .mask = 0x80000000ULL, .value = 0}}},
};
static const struct arg_rule rules_readlinkat[] = {
    {1, {{.arg = 3, .op = RULE_EQ, .mask = 0x80000000ULL, .value = 0}}},
};

/* Column helpers of table.def. */
/* clang-format off */
#define sentry_sys_0 NULL
#define ARGS_PICK(_1, _2, _3, _4, _5, _6, n, ...) n
#define ARGS(...) ARGS_PICK(__VA_ARGS__, ARGS6, ARGS5, ARGS4, ARGS3, ARGS2, ARGS1, _)(__VA_ARGS__)
#define ARGS1(a) {ARG_##a}
#define ARGS2(a, b) {ARG_##a, ARG_##b}
#define ARGS3(a, b, c) {ARG_##a, ARG_##b, ARG_##c}
#define ARGS4(a, b, c, d) {ARG_##a, ARG_##b, ARG_##c, ARG_##d}
#define ARGS5(a, b, c, d, e) {ARG_##a, ARG_##b, ARG_##c, ARG_##d, ARG_##e}
#define ARGS6(a, b, c, d, e, f) {ARG_##a, ARG_##b, ARG_##c, ARG_##d, ARG_##e, ARG_##f}
#define NOARGS {ARG_NONE}
#define RULES(x) .rules = rules_##x, .nrules = ARRAY_SIZE(rules_##x)
#define NO_RULES .rules = NULL, .nrules = 0
/* clang-format on */

const struct syscall_row syscall_table[] = {
#define SYSCALL(name_, disp_, errno_, handler_, args_, self_, rules_, note_)                       \
	{                                                                                          \
	    .name = #name_,                                                                        \
	    .nr = __NR_##name_,                                                                    \
	    .disp = DISP_##disp_,                                                                  \
	    .deny_errno = (errno_),                                                                \
	    .handler = sentry_sys_##handler_,                                                      \
	    .args = args_,                                                                         \
	    .self = (self_),                                                                       \
	    rules_,                                                                                \
	    .note = note_,                                                                         \
	},
#include "table.def"
};
const unsigned syscall_table_len = ARRAY_SIZE(syscall_table);

/* Row positions; a name used twice fails to compile here. */
enum row_index {
#define SYSCALL(name_, ...) ROW_##name_,
#include "table.def"
	ROW_COUNT
};
_Static_assert(ROW_COUNT == ARRAY_SIZE(syscall_table), "table.def expanded inconsistently");

/*
 * Syscall number to row position + 1 (0: no row). Sized by the largest
 * number; a number used twice is an -Woverride-init error.
 */
static const unsigned short row_by_nr[] = {
#define SYSCALL(name_, ...) [__NR_##name_] = ROW_##name_ + 1,
#include "table.def"
};

const struct syscall_row *syscall_by_nr(int nr)
{
	if (nr < 0 || (size_t)nr >= ARRAY_SIZE(row_by_nr) || row_by_nr[nr] == 0)
		return NULL;
	return &syscall_table[row_by_nr[nr] - 1];
}

/* Not on a hot path (CLI, tests, --strace setup): a linear scan is enough. */
const struct syscall_row *syscall_by_name(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(syscall_table); i++)
		if (strcmp(syscall_table[i].name, name) == 0)
			return &syscall_table[i];
	return NULL;
}

const char *disposition_name(enum disposition d)
{
	switch (d) {
	case DISP_NATIVE:
		return "native";
	case DISP_EMULATED:
		return "emulated";
	case DISP_CHECKED:
		return "checked";
	case DISP_DENIED:
		return "denied";
	case DISP_UNKNOWN:
		return "unknown";
	}
	return "?";
}
