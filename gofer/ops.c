/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The gofer's operations. Each one resolves its path(s) in the sandbox root
 * (resolve.c) and then acts through an fd or a (directory fd, name) pair, so
 * that no path is ever walked by the kernel from outside the root:
 *
 *  - ops that follow the final symlink resolve it to an O_PATH fd (O_NOFOLLOW
 *    for their NOFOLLOW variant) and use the AT_EMPTY_PATH form of the call;
 *  - ops on the final name itself (mkdir, unlink, rename...) resolve the
 *    parent directory and call the *at() syscall with the last component;
 *  - xattr ops use a (directory, name) pair from resolve_final(), because
 *    the *xattrat() calls refuse O_PATH fds (EBADF on 6.18).
 *
 * Flags are checked the way the kernel checks them, so that the sandbox sees
 * the same errno as a native call.
 */
#include "ops.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "resolve.h"

/* Syscalls newer than the build host's headers (numbers are x86_64). */
#define NR_fchmodat2	 452
#define NR_setxattrat	 463
#define NR_getxattrat	 464
#define NR_listxattrat	 465
#define NR_removexattrat 466

/* include/uapi/linux/xattr.h (6.13+): the *xattrat() value argument. */
struct gofer_xattr_args {
	uint64_t value __attribute__((aligned(8))); /* user pointer */
	uint32_t size;
	uint32_t flags; /* XATTR_CREATE / XATTR_REPLACE for setxattrat, 0 otherwise */
};
_Static_assert(sizeof(struct gofer_xattr_args) == 16, "XATTR_ARGS_SIZE_VER0");

#define XATTR_SIZE_MAX 65536
#define XATTR_LIST_MAX 65536
_Static_assert(GOFER_DATA_MAX >= XATTR_SIZE_MAX, "reply data holds any xattr value");

/* The kernel's values where glibc's differ (O_LARGEFILE is 0, __O_TMPFILE has O_DIRECTORY). */
#define K_O_LARGEFILE 0100000
#define K_O_TMPFILE   020000000
#define K_VALID_OPEN_FLAGS                                                                         \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC |     \
	 FASYNC | O_DIRECT | K_O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC |    \
	 O_SYNC | O_PATH | K_O_TMPFILE)
#define K_O_PATH_FLAGS (O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC)

struct op_ctx {
	int root_fd;
	const struct gofer_msg *msg;
	void *data;
	struct op_reply *out;
};

static int64_t syscall_result(long r)
{
	return r < 0 ? -errno : r;
}

/* The object a path leads to, as an O_PATH fd. */
static int open_object(const struct op_ctx *c, int nofollow)
{
	return resolve_open(c->root_fd, c->msg->path, c->msg->path_len,
			    O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0), 0);
}

static int nofollow_flag(const struct op_ctx *c)
{
	return (c->msg->flags & AT_SYMLINK_NOFOLLOW) != 0;
}

static int64_t set_data(struct op_ctx *c, const void *src, size_t len)
{
	memcpy(c->data, src, len);
	c->out->data_len = (uint32_t)len;
	return 0;
}

/* As openat(2): unknown flags are ignored, the mode only matters when creating. */
static int64_t op_open(struct op_ctx *c)
{
	uint64_t flags = (uint32_t)c->msg->flags & K_VALID_OPEN_FLAGS;
	uint64_t mode = 0;
	int fd;

	if (flags & O_PATH)
		flags &= K_O_PATH_FLAGS;
	if (flags & (O_CREAT | K_O_TMPFILE))
		mode = c->msg->mode & 07777;
	/*
	 * The gofer's fds are close-on-exec (the sentry decides the workload's
	 * flag), and it must never gain a controlling terminal.
	 */
	flags |= O_CLOEXEC;
	if (!(flags & O_PATH))
		flags |= O_NOCTTY;
	fd = resolve_open(c->root_fd, c->msg->path, c->msg->path_len, flags, mode);
	if (fd < 0)
		return fd;
	c->out->fd = fd;
	return 0;
}

static int64_t op_stat(struct op_ctx *c)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (c->msg->flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH))
		return -EINVAL;
	fd = open_object(c, nofollow_flag(c));
	if (fd < 0)
		return fd;
	if (fstatat(fd, "", &st, AT_EMPTY_PATH) < 0)
		return -errno;
	return set_data(c, &st, sizeof(st));
}

static int64_t op_statx(struct op_ctx *c)
{
	_cleanup_close_ int fd = -1;
	struct statx stx;
	int flags = (c->msg->flags & ~AT_SYMLINK_NOFOLLOW) | AT_EMPTY_PATH;

	fd = open_object(c, nofollow_flag(c));
	if (fd < 0)
		return fd;
	memset(&stx, 0, sizeof(stx));
	if (statx(fd, "", flags, (unsigned int)c->msg->arg, &stx) < 0)
		return -errno;
	return set_data(c, &stx, sizeof(stx));
}

/* AT_EACCESS: the check uses fsuid/fsgid, which the thread has set to the caller's. */
static int check_access(int fd, int mode)
{
	if (syscall(SYS_faccessat2, fd, "", mode, AT_EMPTY_PATH | AT_EACCESS) < 0)
		return -errno;
	return 0;
}

static int64_t op_access(struct op_ctx *c)
{
	_cleanup_close_ int fd = -1;

	if (c->msg->mode & ~(uint32_t)(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (c->msg->flags & ~(AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH))
		return -EINVAL;
	fd = open_object(c, nofollow_flag(c));
	if (fd < 0)
		return fd;
	return check_access(fd, (int)c->msg->mode);
}

static int64_t op_readlink(struct op_ctx *c)
{
	_cleanup_close_ int fd = -1;
	int bufsiz = (int)(uint32_t)c->msg->arg; /* readlinkat's int bufsiz */
	struct stat st;
	ssize_t n;

	if (bufsiz <= 0)
		return -EINVAL;
	if (bufsiz > GOFER_DATA_MAX)
		bufsiz = GOFER_DATA_MAX;
	fd = open_object(c, 1);
	if (fd < 0)
		return fd;
	n = readlinkat(fd, "", c->data, (size_t)bufsiz);
	if (n < 0) {
		int err = errno;

		/* With an empty path the kernel says ENOENT for "not a symlink". */
		if (err == ENOENT && fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 &&
		    !S_ISLNK(st.st_mode))
			return -EINVAL;
		return -err;
	}
	c->out->data_len = (uint32_t)n;
	return n;
}

static int64_t op_mkdir(struct op_ctx *c)
{
	struct resolved_parent rp;
	int64_t r;

	r = resolve_parent(c->root_fd, c->msg->path, c->msg->path_len, &rp);
	if (r < 0)
		return r;
	if (rp.is_root)
		return -EEXIST;
	r = syscall_result(mkdirat(rp.dirfd, rp.name, c->msg->mode));
	resolved_parent_release(&rp);
	return r;
}

/* may_mknod() runs before the lookup. */
static int mknod_type_ok(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
	case 0:
		return 0;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
}

static int64_t op_mknod(struct op_ctx *c)
{
	struct resolved_parent rp;
	int64_t r = mknod_type_ok(c->msg->mode);

	if (r < 0)
		return r;
	r = resolve_parent(c->root_fd, c->msg->path, c->msg->path_len, &rp);
	if (r < 0)
		return r;
	if (rp.is_root)
		return -EEXIST;
	/* The raw call: the kernel takes an unsigned int dev, glibc a dev_t. */
	r = syscall_result(
	    syscall(SYS_mknodat, rp.dirfd, rp.name, c->msg->mode, (unsigned int)c->msg->arg));
	resolved_parent_release(&rp);
	return r;
}

static int64_t op_unlink(struct op_ctx *c)
{
	struct resolved_parent rp;
	int flags = c->msg->flags;
	int64_t r;

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	r = resolve_parent(c->root_fd, c->msg->path, c->msg->path_len, &rp);
	if (r < 0)
		return r;
	if (rp.is_root)
		return (flags & AT_REMOVEDIR) ? -EBUSY : -EISDIR;
	r = syscall_result(unlinkat(rp.dirfd, rp.name, flags));
	resolved_parent_release(&rp);
	return r;
}

static int64_t op_rename(struct op_ctx *c)
{
	struct resolved_parent from, to;
	unsigned int flags = (unsigned int)c->msg->flags;
	int64_t r;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))
		return -EINVAL;
	r = resolve_parent(c->root_fd, c->msg->path, c->msg->path_len, &from);
	if (r < 0)
		return r;
	r = resolve_parent(c->root_fd, c->msg->path2, c->msg->path2_len, &to);
	if (r < 0) {
		resolved_parent_release(&from);
		return r;
	}
	if (from.is_root || to.is_root)
		r = -EBUSY;
	else
		r = syscall_result(
		    syscall(SYS_renameat2, from.dirfd, from.name, to.dirfd, to.name, flags));
	resolved_parent_release(&from);
	resolved_parent_release(&to);
	return r;
}

/*
 * link(2) looks its old path up fully (following a final symlink only with
 * AT_SYMLINK_FOLLOW, or because of a trailing slash). Following is done by
 * openat2, never by linkat: the object is linked through its O_PATH fd with
 * AT_EMPTY_PATH, which the kernel allows because that fd was opened with the
 * thread's current credentials.
 */
static int64_t op_link(struct op_ctx *c)
{
	_cleanup_close_ int old_fd = -1;
	struct resolved_parent from = {.dirfd = -1}, to;
	const struct gofer_msg *m = c->msg;
	int follow = (m->flags & AT_SYMLINK_FOLLOW) != 0;
	int64_t r;

	if (m->flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (m->path_len == 0)
		return -ENOENT;
	if (!follow) {
		r = resolve_parent(c->root_fd, m->path, m->path_len, &from);
		if (r < 0)
			return r;
		follow = from.is_root || from.trailing_slash;
		if (follow)
			resolved_parent_release(&from);
	}
	if (follow) {
		old_fd = open_object(c, 0);
		if (old_fd < 0)
			return old_fd;
	}
	r = resolve_parent(c->root_fd, m->path2, m->path2_len, &to);
	if (r < 0) {
		resolved_parent_release(&from);
		return r;
	}
	if (to.is_root)
		r = -EEXIST;
	else if (old_fd >= 0)
		r = syscall_result(linkat(old_fd, "", to.dirfd, to.name, AT_EMPTY_PATH));
	else
		r = syscall_result(linkat(from.dirfd, from.name, to.dirfd, to.name, 0));
	resolved_parent_release(&from);
	resolved_parent_release(&to);
	return r;
}

static int64_t op_symlink(struct op_ctx *c)
{
	struct resolved_parent rp;
	int64_t r;

	/* symlinkat copies the target text before it looks anything up. */
	if (c->msg->path2_len == 0)
		return -ENOENT;
	if (c->msg->path2_len >= PATH_MAX)
		return -ENAMETOOLONG;
	r = resolve_parent(c->root_fd, c->msg->path, c->msg->path_len, &rp);
	if (r < 0)
		return r;
	if (rp.is_root)
		return -EEXIST;
	r = syscall_result(symlinkat(c->msg->path2, rp.dirfd, rp.name));
	resolved_parent_release(&rp);
	return r;
}

/* fchmodat2 on an O_PATH fd of a symlink gives EOPNOTSUPP, as chmod of a link does. */
static int64_t op_chmod(struct op_ctx *c)
{
	_cleanup_close_ int fd = -1;

	if (c->msg->flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	fd = open_object(c, nofollow_flag(c));
	if (fd < 0)
		return fd;
	return syscall_result(syscall(NR_fchmodat2, fd, "", c->msg->mode, AT_EMPTY_PATH));
}

static int64_t op_chown(struct op_ctx *c)
{
	_cleanup_close_ int fd = -1;
	uid_t uid = (uint32_t)c->msg->arg;
	gid_t gid = (uint32_t)(c->msg->arg >> 32);

	if (c->msg->flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	fd = open_object(c, nofollow_flag(c));
	if (fd < 0)
		return fd;
	return syscall_result(fchownat(fd, "", uid, gid, AT_EMPTY_PATH));
}

static int64_t op_utimens(struct op_ctx *c)
{
	_cleanup_close_ int fd = -1;
	struct timespec times[2];

	if (c->msg->flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (c->msg->data_len != 0 && c->msg->data_len != sizeof(times))
		return -EINVAL;
	if (c->msg->data_len)
		memcpy(times, c->msg->data, sizeof(times));
	fd = open_object(c, nofollow_flag(c));
	if (fd < 0)
		return fd;
	return syscall_result(utimensat(fd, "", c->msg->data_len ? times : NULL, AT_EMPTY_PATH));
}

/*
 * truncate(2) has no AT_EMPTY_PATH form. The type is checked on an O_PATH fd
 * first (truncate's EISDIR / EINVAL, and no FIFO or device is ever opened on
 * purpose), then the file is opened for writing and ftruncate'd; the open does
 * the permission, read-only, append-only and busy-text checks truncate does.
 */
static int64_t op_truncate(struct op_ctx *c)
{
	_cleanup_close_ int fd = -1, wfd = -1;
	int64_t length = (int64_t)c->msg->arg;
	struct stat st;

	if (length < 0)
		return -EINVAL;
	fd = open_object(c, 0);
	if (fd < 0)
		return fd;
	if (fstatat(fd, "", &st, AT_EMPTY_PATH) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	wfd = resolve_open(c->root_fd, c->msg->path, c->msg->path_len,
			   O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
	if (wfd < 0)
		return wfd;
	return syscall_result(ftruncate(wfd, length));
}

static int64_t op_statfs(struct op_ctx *c)
{
	_cleanup_close_ int fd = -1;
	struct statfs sfs;

	fd = open_object(c, 0);
	if (fd < 0)
		return fd;
	if (fstatfs(fd, &sfs) < 0)
		return -errno;
	return set_data(c, &sfs, sizeof(sfs));
}

static int64_t op_getxattr(struct op_ctx *c)
{
	struct resolved_parent rp;
	size_t size = c->msg->arg > XATTR_SIZE_MAX ? XATTR_SIZE_MAX : c->msg->arg;
	struct gofer_xattr_args args = {.value = (uintptr_t)c->data, .size = (uint32_t)size};
	int64_t r;

	r = resolve_final(c->root_fd, c->msg->path, c->msg->path_len, nofollow_flag(c), &rp);
	if (r < 0)
		return r;
	r = syscall_result(syscall(NR_getxattrat, rp.dirfd, rp.name, AT_SYMLINK_NOFOLLOW,
				   c->msg->path2, &args, sizeof(args)));
	resolved_parent_release(&rp);
	if (r > 0 && size > 0)
		c->out->data_len = (uint32_t)r;
	return r;
}

static int64_t op_listxattr(struct op_ctx *c)
{
	struct resolved_parent rp;
	size_t size = c->msg->arg > XATTR_LIST_MAX ? XATTR_LIST_MAX : c->msg->arg;
	int64_t r;

	r = resolve_final(c->root_fd, c->msg->path, c->msg->path_len, nofollow_flag(c), &rp);
	if (r < 0)
		return r;
	r = syscall_result(syscall(NR_listxattrat, rp.dirfd, rp.name, AT_SYMLINK_NOFOLLOW,
				   size ? c->data : NULL, size));
	resolved_parent_release(&rp);
	if (r > 0 && size > 0)
		c->out->data_len = (uint32_t)r;
	return r;
}

static int64_t op_setxattr(struct op_ctx *c)
{
	struct resolved_parent rp;
	struct gofer_xattr_args args = {
	    .value = (uintptr_t)c->msg->data,
	    .size = c->msg->data_len,
	    .flags = c->msg->mode,
	};
	int64_t r;

	r = resolve_final(c->root_fd, c->msg->path, c->msg->path_len, nofollow_flag(c), &rp);
	if (r < 0)
		return r;
	r = syscall_result(syscall(NR_setxattrat, rp.dirfd, rp.name, AT_SYMLINK_NOFOLLOW,
				   c->msg->path2, &args, sizeof(args)));
	resolved_parent_release(&rp);
	return r;
}

static int64_t op_removexattr(struct op_ctx *c)
{
	struct resolved_parent rp;
	int64_t r;

	r = resolve_final(c->root_fd, c->msg->path, c->msg->path_len, nofollow_flag(c), &rp);
	if (r < 0)
		return r;
	r = syscall_result(
	    syscall(NR_removexattrat, rp.dirfd, rp.name, AT_SYMLINK_NOFOLLOW, c->msg->path2));
	resolved_parent_release(&rp);
	return r;
}

/* As execve: the file must be regular (else EACCES) and executable for the caller. */
static int64_t op_check_exec(struct op_ctx *c)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	fd = open_object(c, 0);
	if (fd < 0)
		return fd;
	if (fstatat(fd, "", &st, AT_EMPTY_PATH) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	return check_access(fd, X_OK);
}

/* As chdir: a directory (ENOTDIR) the caller may search. */
static int64_t op_check_dir(struct op_ctx *c)
{
	_cleanup_close_ int fd = -1;

	fd = resolve_open(c->root_fd, c->msg->path, c->msg->path_len,
			  O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	return check_access(fd, X_OK);
}

static int64_t op_check_parent(struct op_ctx *c)
{
	struct resolved_parent rp;
	int64_t r = resolve_parent(c->root_fd, c->msg->path, c->msg->path_len, &rp);

	if (r < 0)
		return r;
	resolved_parent_release(&rp);
	return 0;
}

typedef int64_t (*op_fn)(struct op_ctx *c);

static const op_fn op_table[GOFER_OP_MAX] = {
    [GOFER_OP_OPEN] = op_open,
    [GOFER_OP_STAT] = op_stat,
    [GOFER_OP_STATX] = op_statx,
    [GOFER_OP_ACCESS] = op_access,
    [GOFER_OP_READLINK] = op_readlink,
    [GOFER_OP_MKDIR] = op_mkdir,
    [GOFER_OP_MKNOD] = op_mknod,
    [GOFER_OP_UNLINK] = op_unlink,
    [GOFER_OP_RENAME] = op_rename,
    [GOFER_OP_LINK] = op_link,
    [GOFER_OP_SYMLINK] = op_symlink,
    [GOFER_OP_CHMOD] = op_chmod,
    [GOFER_OP_CHOWN] = op_chown,
    [GOFER_OP_UTIMENS] = op_utimens,
    [GOFER_OP_TRUNCATE] = op_truncate,
    [GOFER_OP_STATFS] = op_statfs,
    [GOFER_OP_GETXATTR] = op_getxattr,
    [GOFER_OP_LISTXATTR] = op_listxattr,
    [GOFER_OP_SETXATTR] = op_setxattr,
    [GOFER_OP_REMOVEXATTR] = op_removexattr,
    [GOFER_OP_CHECK_EXEC] = op_check_exec,
    [GOFER_OP_CHECK_DIR] = op_check_dir,
    [GOFER_OP_CHECK_PARENT] = op_check_parent,
};

void gofer_op_execute(int root_fd, const struct gofer_msg *msg, void *data, struct op_reply *out)
{
	struct op_ctx c = {.root_fd = root_fd, .msg = msg, .data = data, .out = out};

	out->data_len = 0;
	out->fd = -1;
	/* CHANNEL belongs on the control socket only. */
	if (msg->op >= GOFER_OP_MAX || !op_table[msg->op]) {
		out->result = -EPROTO;
		return;
	}
	out->result = op_table[msg->op](&c);
	if (out->result < 0 && out->fd >= 0) {
		close(out->fd);
		out->fd = -1;
	}
}
