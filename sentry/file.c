/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Opening files: open, openat, openat2, creat. The gofer opens the file as
 * the caller and the fd is injected into the task; O_PATH and O_TMPFILE
 * opens are checked that way and then run by the kernel (see
 * open_checked()); the caller's own /proc/<pid>/fd/N is reopened by the
 * sentry. Flags are checked here as the kernel's build_open_flags() checks
 * them, so that the errors do not depend on how the gofer calls openat2.
 *
 * Known gap: openat2's RESOLVE_BENEATH, RESOLVE_IN_ROOT, RESOLVE_NO_SYMLINKS
 * and RESOLVE_NO_XDEV are refused with EINVAL (what a kernel without them
 * says): the gofer protocol cannot scope a lookup to dirfd or refuse
 * symlinks and mount crossings, and resolving more loosely than asked would
 * drop a protection the caller asked for.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <unistd.h>

#include "call.h"
#include "handler_util.h"
#include "handlers.h"

/* The kernel's values: glibc's O_LARGEFILE is 0 on x86_64 and its
 * __O_TMPFILE includes O_DIRECTORY. */
#define K_O_LARGEFILE	0100000
#define K_O_TMPFILE_BIT 020000000
#define K_O_SYNC_BIT	04000000

#define VALID_OPEN_FLAGS                                                                           \
	(O_RDONLY | O_WRONLY | O_RDWR | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |         \
	 O_NDELAY | O_NONBLOCK | K_O_SYNC_BIT | O_DSYNC | FASYNC | O_DIRECT | K_O_LARGEFILE |      \
	 O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH | K_O_TMPFILE_BIT)
/* The first published struct open_how (the kernel's include/linux/fcntl.h). */
#define OPEN_HOW_SIZE_VER0 24
#define O_PATH_FLAGS	   (O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC)
#define VALID_RESOLVE_FLAGS                                                                        \
	(RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH |         \
	 RESOLVE_IN_ROOT | RESOLVE_CACHED)
/* What the gofer's fixed resolution already honours (it never follows magic
 * links) or what needs no resolution change (a cached-only lookup may always
 * be served by a full one). */
#define SUPPORTED_RESOLVE_FLAGS (RESOLVE_NO_MAGICLINKS | RESOLVE_CACHED)

static int will_create(uint64_t flags)
{
	return (flags & (O_CREAT | K_O_TMPFILE_BIT)) != 0;
}

/* The checks of the kernel's build_open_flags(), in its order. */
static int open_check(const struct open_how *how)
{
	uint64_t flags = how->flags & ~(uint64_t)O_CLOEXEC;

	if (flags & ~(uint64_t)VALID_OPEN_FLAGS)
		return -EINVAL;
	if (how->resolve & ~(uint64_t)VALID_RESOLVE_FLAGS)
		return -EINVAL;
	if ((how->resolve & RESOLVE_BENEATH) && (how->resolve & RESOLVE_IN_ROOT))
		return -EINVAL;
	if (will_create(flags) ? (how->mode & ~(uint64_t)07777) != 0 : how->mode != 0)
		return -EINVAL;
	if ((flags & (O_DIRECTORY | O_CREAT)) == (O_DIRECTORY | O_CREAT))
		return -EINVAL;
	if (flags & K_O_TMPFILE_BIT) {
		if (!(flags & O_DIRECTORY))
			return -EINVAL;
		if ((flags & O_ACCMODE) == O_RDONLY)
			return -EINVAL;
	}
	if ((flags & O_PATH) && (flags & ~(uint64_t)O_PATH_FLAGS))
		return -EINVAL;
	if ((how->resolve & RESOLVE_CACHED) && (flags & (O_TRUNC | O_CREAT | K_O_TMPFILE_BIT)))
		return -EAGAIN;
	/* The known gap (see the top of this file). */
	if (how->resolve & ~(uint64_t)SUPPORTED_RESOLVE_FLAGS)
		return -EINVAL;
	return 0;
}

/* open("/proc/self/fd/N"): follow the task's own magic link, as the kernel does. */
static void open_own_fd(struct sentry_call *call, const struct call_path *p,
			const struct open_how *how)
{
	int flags = (int)how->flags;
	int fd;

	/* O_CREAT|O_EXCL does not follow the last component: it exists. */
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
		call_fail(call, EEXIST);
		return;
	}
	if ((flags & O_NOFOLLOW) || (how->resolve & RESOLVE_NO_MAGICLINKS)) {
		call_fail(call, ELOOP);
		return;
	}
	/* "/proc/self/fd/N/": the file must be a directory, and O_CREAT cannot
	 * create one. */
	if (util_trailing_slash(p)) {
		if (flags & O_CREAT) {
			call_fail(call, EISDIR);
			return;
		}
		flags |= O_DIRECTORY;
	}
	fd = call_reopen_own_fd(call, p->proc_fd, flags & ~O_CLOEXEC);
	if (fd < 0)
		call_fail(call, -fd);
	else
		call_return_fd(call, fd, flags & O_CLOEXEC);
}

/*
 * O_PATH and O_TMPFILE: the gofer performs the open as the caller, as a
 * check, and the kernel then opens the path itself, in the task's own root,
 * which is the sandbox's root (only the path can change in between, and a
 * changed path reaches nothing the task could not open through the gofer).
 *  - ADDFD cannot install an O_PATH file (the kernel's fget() skips them:
 *    EBADF). An O_PATH fd gives no access to contents, and every path call
 *    made through it (as a dirfd or via /proc/self/fd) comes back here.
 *  - An O_TMPFILE file gets its name from linkat(fd, "", AT_EMPTY_PATH),
 *    which (without CAP_DAC_READ_SEARCH) needs the fd's open-time
 *    credentials to be the caller's: an fd the gofer opened never has them.
 */
static void open_checked(struct sentry_call *call, const struct call_path *p, int kind,
			 const struct open_how *how, uint32_t mode)
{
	int32_t flags = (int32_t)(how->flags & ~(uint64_t)O_CLOEXEC);
	int64_t res;
	int fd = -1;

	if (p->proc_fd >= 0 || kind == PATH_DOT) {
		/* The task's own fd (or the link itself with O_NOFOLLOW), its
		 * own dirfd or cwd. */
		call_continue(call);
		return;
	}
	res = call_gofer(call, GOFER_OP_OPEN, p, NULL, 0, flags, mode, 0, NULL, 0, NULL, 0, &fd);
	if (fd >= 0)
		close(fd);
	if (res >= 0 || (!(flags & O_NOFOLLOW) && util_own_magic_link(call, p, res)))
		call_continue(call);
	else
		call_fail(call, (int)-res);
}

static void open_common(struct sentry_call *call, int dirfd, uint64_t addr, struct open_how *how)
{
	struct call_path p;
	int32_t flags;
	mode_t umask;
	int64_t res;
	int fd = -1;
	int r;

	r = open_check(how);
	if (r < 0) {
		call_fail(call, -r);
		return;
	}
	r = util_path(call, dirfd, addr, (how->flags & O_NOFOLLOW) ? LAST_NOFOLLOW : LAST_FOLLOW,
		      &p);
	if (r < 0) {
		call_fail(call, -r);
		return;
	}
	if (will_create(how->flags)) {
		int err = util_umask(call, &umask);

		if (err < 0) {
			call_fail(call, -err);
			return;
		}
		how->mode &= ~(uint64_t)umask;
	}
	if (how->flags & (O_PATH | K_O_TMPFILE_BIT)) {
		open_checked(call, &p, r, how, (uint32_t)how->mode);
		return;
	}
	if (p.proc_fd >= 0) {
		open_own_fd(call, &p, how);
		return;
	}
	flags = (int32_t)(how->flags & ~(uint64_t)O_CLOEXEC);
	res = call_gofer(call, GOFER_OP_OPEN, &p, NULL, 0, flags, (uint32_t)how->mode, 0, NULL, 0,
			 NULL, 0, &fd);
	if (res < 0 || fd < 0) {
		if (fd >= 0)
			close(fd);
		/*
		 * A magic link under /proc/<pid>: the kernel resolves it for the
		 * task. So it opens a ptrace-guarded file there (maps, environ,
		 * mem...) that the gofer, a task without the caller's
		 * capabilities, may not open for a caller holding some (an OCI
		 * container's): the kernel checks the caller itself.
		 */
		if ((!(how->flags & O_NOFOLLOW) && util_own_magic_link(call, &p, res)) ||
		    (res == -EACCES && util_own_proc(call, &p)))
			call_continue(call);
		else
			call_fail(call, res < 0 ? (int)-res : EIO);
		return;
	}
	call_return_fd(call, fd, how->flags & O_CLOEXEC);
}

/* What open(2) and openat(2) pass on: the kernel's build_open_how(). */
static struct open_how legacy_how(int flags, uint64_t mode)
{
	struct open_how how = {
	    .flags = (uint64_t)(unsigned)flags & VALID_OPEN_FLAGS,
	    .mode = (uint16_t)mode & 07777,
	};

	if (how.flags & O_PATH)
		how.flags &= O_PATH_FLAGS;
	if (!will_create(how.flags))
		how.mode = 0;
	return how;
}

SENTRY_HANDLER(open)
{
	struct open_how how = legacy_how(arg_int(call, 1), call->n->args[2]);

	open_common(call, CALL_AT_FDCWD, call->n->args[0], &how);
}

SENTRY_HANDLER(openat)
{
	struct open_how how = legacy_how(arg_int(call, 2), call->n->args[3]);

	open_common(call, arg_int(call, 0), call->n->args[1], &how);
}

SENTRY_HANDLER(creat)
{
	struct open_how how = legacy_how(O_CREAT | O_WRONLY | O_TRUNC, call->n->args[1]);

	open_common(call, CALL_AT_FDCWD, call->n->args[0], &how);
}

/* The kernel's copy_struct_from_user() for a struct open_how of usize bytes. */
static int read_open_how(struct sentry_call *call, uint64_t addr, uint64_t usize,
			 struct open_how *how)
{
	unsigned char tail[256];
	uint64_t off = sizeof(*how);
	int r;

	if (usize < OPEN_HOW_SIZE_VER0)
		return -EINVAL;
	if (usize > 4096)
		return -E2BIG;
	*how = (struct open_how){0};
	/* A larger struct from a newer libc is fine if its extra fields are 0. */
	while (off < usize) {
		size_t chunk = usize - off < sizeof(tail) ? usize - off : sizeof(tail);

		r = call_read(call, addr + off, tail, chunk);
		if (r < 0)
			return r;
		for (size_t i = 0; i < chunk; i++)
			if (tail[i])
				return -E2BIG;
		off += chunk;
	}
	return call_read(call, addr, how, usize < sizeof(*how) ? usize : sizeof(*how));
}

SENTRY_HANDLER(openat2)
{
	struct open_how how;
	int r = read_open_how(call, call->n->args[2], call->n->args[3], &how);

	if (r < 0) {
		call_fail(call, -r);
		return;
	}
	open_common(call, arg_int(call, 0), call->n->args[1], &how);
}
