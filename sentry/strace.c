/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --strace output, one line per call in strace's notation:
 *   [pid 7] openat(AT_FDCWD, "/etc/hostname", O_RDONLY|O_CLOEXEC) = 3
 *   [pid 7] stat("/nope", 0x7ffc2a1b3c40) = -1 ENOENT (No such file or directory)
 *   [pid 7] execve("/bin/true", 0x5612..., 0x5612...) = <continued>
 * Arguments are decoded by their roles in the syscall table.
 */
#include "strace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "call.h"
#include "sentry.h"

/* A bounded line buffer; output past the end is dropped. */
struct out {
	char *buf;
	size_t cap; /* bytes usable for text, the NUL excluded */
	size_t len;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len >= o->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len + 1, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n < o->cap - o->len ? (size_t)n : o->cap - o->len;
}

struct flag_name {
	uint64_t bits;
	const char *name;
};

/* Print the flags of table (multi-bit entries first), then any rest in hex. */
static void put_flags(struct out *o, uint64_t v, const struct flag_name *table, size_t n,
		      int printed)
{
	for (size_t i = 0; i < n; i++) {
		if ((v & table[i].bits) == table[i].bits) {
			put(o, "%s%s", printed ? "|" : "", table[i].name);
			v &= ~table[i].bits;
			printed = 1;
		}
	}
	if (v || !printed)
		put(o, "%s%#llx", printed ? "|" : "", (unsigned long long)v);
}

static const struct flag_name open_flags[] = {
    {020200000, "O_TMPFILE"}, /* __O_TMPFILE | O_DIRECTORY */
    {04010000, "O_SYNC"},     /* __O_SYNC | O_DSYNC */
    {O_CREAT, "O_CREAT"},     {O_EXCL, "O_EXCL"},	    {O_NOCTTY, "O_NOCTTY"},
    {O_TRUNC, "O_TRUNC"},     {O_APPEND, "O_APPEND"},	    {O_NONBLOCK, "O_NONBLOCK"},
    {O_DSYNC, "O_DSYNC"},     {FASYNC, "O_ASYNC"},	    {O_DIRECT, "O_DIRECT"},
    {0100000, "O_LARGEFILE"}, {O_DIRECTORY, "O_DIRECTORY"}, {O_NOFOLLOW, "O_NOFOLLOW"},
    {O_NOATIME, "O_NOATIME"}, {O_CLOEXEC, "O_CLOEXEC"},	    {O_PATH, "O_PATH"},
};

static void put_open_flags(struct out *o, uint64_t v)
{
	static const char *const access[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", NULL};
	unsigned acc = (unsigned)v & O_ACCMODE;
	uint64_t rest = (uint32_t)v & ~(uint64_t)O_ACCMODE;

	if (access[acc])
		put(o, "%s", access[acc]);
	else
		put(o, "%#x", acc);
	if (rest)
		put_flags(o, rest, open_flags, sizeof(open_flags) / sizeof(open_flags[0]), 1);
}

static void put_at_flags(struct out *o, int nr, uint64_t v)
{
	/* 0x200 means AT_REMOVEDIR to unlinkat, AT_EACCESS to the access calls. */
	const struct flag_name table[] = {
	    {AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW"},
	    {0x200, nr == SYS_unlinkat ? "AT_REMOVEDIR" : "AT_EACCESS"},
	    {AT_SYMLINK_FOLLOW, "AT_SYMLINK_FOLLOW"},
	    {AT_NO_AUTOMOUNT, "AT_NO_AUTOMOUNT"},
	    {AT_EMPTY_PATH, "AT_EMPTY_PATH"},
	    {AT_STATX_FORCE_SYNC, "AT_STATX_FORCE_SYNC"},
	    {AT_STATX_DONT_SYNC, "AT_STATX_DONT_SYNC"},
	    {AT_RECURSIVE, "AT_RECURSIVE"},
	};

	if ((uint32_t)v == 0)
		put(o, "0");
	else
		put_flags(o, (uint32_t)v, table, sizeof(table) / sizeof(table[0]), 0);
}

static void put_mode(struct out *o, uint64_t v)
{
	static const struct flag_name types[] = {
	    {S_IFREG, "S_IFREG"}, {S_IFDIR, "S_IFDIR"}, {S_IFCHR, "S_IFCHR"},
	    {S_IFBLK, "S_IFBLK"}, {S_IFIFO, "S_IFIFO"}, {S_IFSOCK, "S_IFSOCK"},
	    {S_IFLNK, "S_IFLNK"},
	};
	unsigned mode = (unsigned)v;
	unsigned type = mode & S_IFMT;

	if (type) {
		const char *name = NULL;

		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (types[i].bits == type)
				name = types[i].name;
		if (name)
			put(o, "%s|", name);
		else
			put(o, "%#o|", type);
		mode &= ~S_IFMT;
	}
	put(o, "%#03o", mode);
}

static const char *const signal_names[] = {
    NULL,	 "SIGHUP",  "SIGINT",	 "SIGQUIT", "SIGILL",	"SIGTRAP", "SIGABRT", "SIGBUS",
    "SIGFPE",	 "SIGKILL", "SIGUSR1",	 "SIGSEGV", "SIGUSR2",	"SIGPIPE", "SIGALRM", "SIGTERM",
    "SIGSTKFLT", "SIGCHLD", "SIGCONT",	 "SIGSTOP", "SIGTSTP",	"SIGTTIN", "SIGTTOU", "SIGURG",
    "SIGXCPU",	 "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS",
};

static void put_signal(struct out *o, uint64_t v)
{
	int sig = (int)v;

	if (sig > 0 && sig < (int)(sizeof(signal_names) / sizeof(signal_names[0])))
		put(o, "%s", signal_names[sig]);
	else if (sig >= 32 && sig <= 64)
		put(o, "SIGRT_%d", sig - 32);
	else
		put(o, "%d", sig);
}

/* A C string literal of at most STRACE_STR_MAX bytes, "..." when cut. */
static void put_quoted(struct out *o, const char *s, size_t len)
{
	size_t shown = len > STRACE_STR_MAX ? STRACE_STR_MAX : len;

	put(o, "\"");
	for (size_t i = 0; i < shown; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':
			put(o, "\\\"");
			break;
		case '\\':
			put(o, "\\\\");
			break;
		case '\n':
			put(o, "\\n");
			break;
		case '\t':
			put(o, "\\t");
			break;
		case '\r':
			put(o, "\\r");
			break;
		case '\v':
			put(o, "\\v");
			break;
		case '\f':
			put(o, "\\f");
			break;
		default:
			if (c >= 0x20 && c < 0x7f)
				put(o, "%c", c);
			else
				put(o, "\\%03o", c);
		}
	}
	put(o, "\"%s", len > STRACE_STR_MAX ? "..." : "");
}

static void put_pointer(struct out *o, uint64_t v)
{
	if (v)
		put(o, "%#llx", (unsigned long long)v);
	else
		put(o, "NULL");
}

static void put_arg(struct out *o, const struct strace_line *l, int i)
{
	uint64_t v = l->args[i];

	switch (l->row ? l->row->args[i] : ARG_NONE) {
	case ARG_INT:
	case ARG_FD:
	case ARG_PID:
		put(o, "%d", (int)v);
		break;
	case ARG_UINT:
		put(o, "%llu", (unsigned long long)v);
		break;
	case ARG_DIRFD:
		if ((int)v == AT_FDCWD)
			put(o, "AT_FDCWD");
		else
			put(o, "%d", (int)v);
		break;
	case ARG_PATH:
	case ARG_STR:
		if (l->str[i])
			put_quoted(o, l->str[i], l->str_len[i]);
		else
			put_pointer(o, v);
		break;
	case ARG_OPEN_FLAGS:
		put_open_flags(o, v);
		break;
	case ARG_MODE:
		put_mode(o, v);
		break;
	case ARG_AT_FLAGS:
		put_at_flags(o, l->nr, v);
		break;
	case ARG_SIGNAL:
		put_signal(o, v);
		break;
	case ARG_PTR:
	case ARG_SOCKADDR:
		put_pointer(o, v);
		break;
	case ARG_HEX:
	case ARG_NONE:
	default:
		put(o, "%#llx", (unsigned long long)v);
		break;
	}
}

struct errno_name {
	int err;
	const char *name;
	const char *text;
};

static const struct errno_name errno_names[] = {
    {EPERM, "EPERM", "Operation not permitted"},
    {ENOENT, "ENOENT", "No such file or directory"},
    {ESRCH, "ESRCH", "No such process"},
    {EINTR, "EINTR", "Interrupted system call"},
    {EIO, "EIO", "Input/output error"},
    {ENXIO, "ENXIO", "No such device or address"},
    {E2BIG, "E2BIG", "Argument list too long"},
    {ENOEXEC, "ENOEXEC", "Exec format error"},
    {EBADF, "EBADF", "Bad file descriptor"},
    {ECHILD, "ECHILD", "No child processes"},
    {EAGAIN, "EAGAIN", "Resource temporarily unavailable"},
    {ENOMEM, "ENOMEM", "Cannot allocate memory"},
    {EACCES, "EACCES", "Permission denied"},
    {EFAULT, "EFAULT", "Bad address"},
    {EBUSY, "EBUSY", "Device or resource busy"},
    {EEXIST, "EEXIST", "File exists"},
    {EXDEV, "EXDEV", "Invalid cross-device link"},
    {ENODEV, "ENODEV", "No such device"},
    {ENOTDIR, "ENOTDIR", "Not a directory"},
    {EISDIR, "EISDIR", "Is a directory"},
    {EINVAL, "EINVAL", "Invalid argument"},
    {ENFILE, "ENFILE", "Too many open files in system"},
    {EMFILE, "EMFILE", "Too many open files"},
    {ENOTTY, "ENOTTY", "Inappropriate ioctl for device"},
    {ETXTBSY, "ETXTBSY", "Text file busy"},
    {EFBIG, "EFBIG", "File too large"},
    {ENOSPC, "ENOSPC", "No space left on device"},
    {ESPIPE, "ESPIPE", "Illegal seek"},
    {EROFS, "EROFS", "Read-only file system"},
    {EMLINK, "EMLINK", "Too many links"},
    {EPIPE, "EPIPE", "Broken pipe"},
    {ERANGE, "ERANGE", "Numerical result out of range"},
    {EDEADLK, "EDEADLK", "Resource deadlock avoided"},
    {ENAMETOOLONG, "ENAMETOOLONG", "File name too long"},
    {ENOSYS, "ENOSYS", "Function not implemented"},
    {ENOTEMPTY, "ENOTEMPTY", "Directory not empty"},
    {ELOOP, "ELOOP", "Too many levels of symbolic links"},
    {ENODATA, "ENODATA", "No data available"},
    {EOVERFLOW, "EOVERFLOW", "Value too large for defined data type"},
    {ENOTSOCK, "ENOTSOCK", "Socket operation on non-socket"},
    {EPROTO, "EPROTO", "Protocol error"},
    {EOPNOTSUPP, "EOPNOTSUPP", "Operation not supported"},
    {EAFNOSUPPORT, "EAFNOSUPPORT", "Address family not supported by protocol"},
    {EADDRINUSE, "EADDRINUSE", "Address already in use"},
    {ECONNREFUSED, "ECONNREFUSED", "Connection refused"},
    {EISCONN, "EISCONN", "Transport endpoint is already connected"},
    {ENOTCONN, "ENOTCONN", "Transport endpoint is not connected"},
    {ETIMEDOUT, "ETIMEDOUT", "Connection timed out"},
    {EINPROGRESS, "EINPROGRESS", "Operation now in progress"},
    {ESTALE, "ESTALE", "Stale file handle"},
    {EDQUOT, "EDQUOT", "Disk quota exceeded"},
    {ECANCELED, "ECANCELED", "Operation canceled"},
};

static const struct errno_name *errno_lookup(int err)
{
	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].err == err)
			return &errno_names[i];
	return NULL;
}

const char *strace_errno_name(int err)
{
	const struct errno_name *e = errno_lookup(err);

	return e ? e->name : NULL;
}

static void put_result(struct out *o, const struct syscall_result *r)
{
	const struct errno_name *e;

	switch (r->kind) {
	case RESULT_VALUE:
	case RESULT_FD:
		put(o, " = %lld", (long long)r->value);
		break;
	case RESULT_ERRNO:
		e = errno_lookup((int)r->value);
		if (e)
			put(o, " = -1 %s (%s)", e->name, e->text);
		else
			put(o, " = -1 errno %lld", (long long)r->value);
		break;
	case RESULT_CONTINUE:
		put(o, " = <continued>");
		break;
	}
}

size_t strace_format(char *buf, size_t cap, const struct strace_line *l)
{
	struct out o = {.buf = buf, .cap = cap > 1 ? cap - 2 : 0}; /* room for "\n\0" */
	int nargs = 0;

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	put(&o, "[pid %d] ", (int)l->pid);
	if (l->row) {
		for (int i = 0; i < 6; i++)
			if (l->row->args[i] != ARG_NONE)
				nargs = i + 1;
		put(&o, "%s(", l->row->name);
		/* As strace: a mode follows open flags only when they create. */
		if (nargs >= 2 && l->row->args[nargs - 1] == ARG_MODE &&
		    l->row->args[nargs - 2] == ARG_OPEN_FLAGS &&
		    !(l->args[nargs - 2] & (O_CREAT | 020000000)))
			nargs--;
	} else {
		nargs = 6;
		put(&o, "syscall_%d(", l->nr);
	}
	for (int i = 0; i < nargs; i++) {
		if (i)
			put(&o, ", ");
		put_arg(&o, l, i);
	}
	put(&o, ")");
	put_result(&o, &l->result);
	if (cap > 1) {
		buf[o.len++] = '\n';
		buf[o.len] = '\0';
	}
	return o.len;
}

/* String arguments read for one call, kept per thread from capture to print. */
struct strace_strings {
	uint64_t id; /* the notification they belong to */
	int valid;
	char text[6][STRACE_STR_MAX + 1];
	size_t len[6];
	int ok[6];
};

static __thread struct strace_strings captured;

static void read_strings(struct sentry_call *call, struct strace_strings *s)
{
	const struct syscall_row *row = call->row;

	s->id = call->n->id;
	s->valid = 1;
	for (int i = 0; i < 6; i++) {
		ssize_t n;

		s->ok[i] = 0;
		if (!row || (row->args[i] != ARG_PATH && row->args[i] != ARG_STR) ||
		    !call->n->args[i])
			continue;
		n = call_read_string(call, call->n->args[i], s->text[i], sizeof(s->text[i]));
		if (n == -ENAMETOOLONG)
			n = (ssize_t)sizeof(s->text[i]); /* cut short: shown with "..." */
		if (n < 0)
			continue;
		s->len[i] = (size_t)n;
		s->ok[i] = 1;
	}
}

void strace_capture(struct sentry_call *call)
{
	if (call->sentry->trace_fd >= 0)
		read_strings(call, &captured);
}

void strace_print(struct sentry_call *call)
{
	struct strace_line l = {
	    .pid = call->n->pid,
	    .nr = call->n->nr,
	    .row = call->row,
	    .result = call->result,
	};
	char line[STRACE_LINE_MAX];
	size_t len, off = 0;

	if (call->sentry->trace_fd < 0)
		return;
	memcpy(l.args, call->n->args, sizeof(l.args));
	/* Without a capture, try now: works only while the call still waits. */
	if (!captured.valid || captured.id != call->n->id)
		read_strings(call, &captured);
	for (int i = 0; i < 6; i++) {
		l.str[i] = captured.ok[i] ? captured.text[i] : NULL;
		l.str_len[i] = captured.len[i];
	}
	captured.valid = 0;
	len = strace_format(line, sizeof(line), &l);
	/* One write(2), so lines of concurrent workers do not interleave. */
	while (off < len) {
		ssize_t n = write(call->sentry->trace_fd, line + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
}
