/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The syscall table: one row per x86_64 syscall the installed kernel headers
 * define. Rows live in syscalls/table.def; everything else (the workload's
 * BPF filter, the sentry's dispatch, the --strace decoder, `moat syscalls`,
 * docs/syscalls.md and the self-policies of the sentry and gofer) is derived
 * from them. Nothing else in moat lists syscalls.
 */
#ifndef MOAT_SYSCALLS_TABLE_H
#define MOAT_SYSCALLS_TABLE_H

#include <stdint.h>

struct sentry_call;
typedef void (*sentry_handler_fn)(struct sentry_call *call);

enum disposition {
	DISP_NATIVE,   /* allowed in BPF */
	DISP_EMULATED, /* trapped, the sentry implements it */
	DISP_CHECKED,  /* trapped, validated through the gofer, then CONTINUE */
	DISP_DENIED,   /* fixed errno from BPF */
	DISP_UNKNOWN,  /* trapped, ENOSYS plus one log line */
};

/* What an argument is, for decoding (--strace) and for handlers' docs. */
enum arg_role {
	ARG_NONE = 0,
	ARG_INT,	/* signed integer */
	ARG_UINT,	/* unsigned / size */
	ARG_HEX,	/* flags or mask printed in hex */
	ARG_FD,		/* file descriptor */
	ARG_DIRFD,	/* dirfd: AT_FDCWD printed by name */
	ARG_PATH,	/* pointer to a NUL-terminated path */
	ARG_STR,	/* pointer to another NUL-terminated string */
	ARG_PTR,	/* pointer to memory (buffer or struct) */
	ARG_OPEN_FLAGS, /* O_* flags */
	ARG_MODE,	/* octal mode */
	ARG_AT_FLAGS,	/* AT_* flags */
	ARG_PID,	/* process or thread id */
	ARG_SIGNAL,	/* signal number */
	ARG_SOCKADDR,	/* pointer to struct sockaddr */
};

/* Which of moat's own processes may use a syscall (their seccomp allowlists). */
enum self_use {
	SELF_NONE = 0,
	SELF_SENTRY = 1 << 0,
	SELF_GOFER = 1 << 1,
};

/*
 * An argument condition. For native rows, BPF allows the call only when one
 * of the row's rules matches (rules are alternatives; conditions within a rule
 * are ANDed); a call matching none is trapped and the sentry answers with the
 * row's deny_errno. For denied rows with rules, BPF denies when a rule matches
 * and allows otherwise.
 */
enum rule_op {
	RULE_EQ, /* (arg & mask) == value */
	RULE_NE, /* (arg & mask) != value */
};

struct arg_cond {
	uint8_t arg;   /* 0..5 */
	uint8_t op;    /* enum rule_op */
	uint64_t mask; /* applied before comparing; ~0 for none */
	uint64_t value;
};

#define RULE_MAX_CONDS 3
struct arg_rule {
	uint8_t nconds;
	struct arg_cond conds[RULE_MAX_CONDS];
};

struct syscall_row {
	const char *name;
	int nr;
	enum disposition disp;
	int deny_errno;		   /* DENIED, or fallback for rows with rules */
	sentry_handler_fn handler; /* EMULATED / CHECKED; NULL otherwise */
	uint8_t args[6];	   /* enum arg_role */
	unsigned self;		   /* enum self_use bits */
	const struct arg_rule *rules;
	unsigned nrules;
	const char *note;
};

/* Rows in ascending syscall number. */
extern const struct syscall_row syscall_table[];
extern const unsigned syscall_table_len;

/* Row for a syscall number, or NULL. O(1). */
const struct syscall_row *syscall_by_nr(int nr);
/* Row by name, or NULL. */
const struct syscall_row *syscall_by_name(const char *name);
const char *disposition_name(enum disposition d);

#endif
