/* SPDX-License-Identifier: Apache-2.0 */
#include "resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "protocol.h"

/* Attempts at an openat2 that fails with EAGAIN (RESOLVE_IN_ROOT raced a rename). */
#define RESOLVE_RETRIES 32
/* Symlinks followed by resolve_final, as the kernel's MAXSYMLINKS. */
#define RESOLVE_MAX_SYMLINKS 40

static int openat2_retry(int dirfd, const char *path, uint64_t flags, uint64_t mode,
			 uint64_t resolve)
{
	struct open_how how = {.flags = flags, .mode = mode, .resolve = resolve};

	for (int i = 0; i < RESOLVE_RETRIES; i++) {
		long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));

		if (fd >= 0)
			return (int)fd;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
	}
	return -EAGAIN;
}

/*
 * Where to cut a path that is too long for one openat2: the last '/' such
 * that the head fits in PATH_MAX - 1 bytes, is not empty, and the tail starts
 * with a name (so that it stays relative). 0 when there is none.
 */
static size_t long_path_cut(const char *path, size_t len)
{
	size_t i = len - 1 < PATH_MAX - 1 ? len - 1 : PATH_MAX - 1;

	for (; i >= 1; i--) {
		if (path[i] == '/' && i + 1 < len && path[i + 1] != '/')
			return i;
	}
	return 0;
}

/*
 * The long-path rule: the first piece is resolved in the root with
 * RESOLVE_IN_ROOT; later pieces are resolved relative to it with
 * RESOLVE_NO_MAGICLINKS only (RESOLVE_IN_ROOT would make the piece's start
 * its root). Confinement of those pieces ("..", absolute symlinks) rests on
 * the gofer's own root being the sandbox's root (it has pivoted into it).
 */
int resolve_open(int root_fd, const char *path, size_t len, uint64_t flags, uint64_t mode)
{
	_cleanup_close_ int dirfd = -1;
	uint64_t resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	char piece[PATH_MAX];
	int base = root_fd;

	if (len == 0)
		return -ENOENT;
	if (len > GOFER_PATH_MAX)
		return -ENAMETOOLONG;
	while (len > PATH_MAX - 1) {
		size_t cut = long_path_cut(path, len);
		int fd;

		if (cut == 0)
			return -ENAMETOOLONG;
		memcpy(piece, path, cut);
		piece[cut] = '\0';
		fd = openat2_retry(base, piece, O_PATH | O_DIRECTORY | O_CLOEXEC, 0, resolve);
		if (fd < 0)
			return fd;
		cleanup_closep(&dirfd);
		dirfd = fd;
		base = fd;
		path += cut + 1;
		len -= cut + 1;
		resolve = RESOLVE_NO_MAGICLINKS;
	}
	memcpy(piece, path, len);
	piece[len] = '\0';
	return openat2_retry(base, piece, flags, mode, resolve);
}

void resolved_parent_release(struct resolved_parent *rp)
{
	cleanup_closep(&rp->dirfd);
	rp->dirfd = -1;
}

int resolve_parent(int root_fd, const char *path, size_t len, struct resolved_parent *out)
{
	size_t end = len, start, name_len;
	int fd;

	memset(out, 0, sizeof(*out));
	out->dirfd = -1;
	if (len == 0)
		return -ENOENT;
	if (path[0] != '/')
		return -EINVAL;
	while (end > 0 && path[end - 1] == '/')
		end--;
	if (end == 0) {
		out->is_root = 1;
		out->trailing_slash = len > 1;
		return 0;
	}
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	name_len = end - start;
	if (name_len > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(out->name, path + start, name_len);
	out->trailing_slash = end < len;
	if (out->trailing_slash)
		out->name[name_len++] = '/';
	out->name[name_len] = '\0';
	out->name_offset = start;
	/* path[0, start) is the parent with its trailing '/': "/a/b/" of "/a/b/c". */
	fd = resolve_open(root_fd, path, start, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	out->dirfd = fd;
	return 0;
}

/* The root has no parent: name it as "." in a fresh fd of the root. */
static int resolve_root_as_dot(int root_fd, struct resolved_parent *out)
{
	int fd = resolve_open(root_fd, "/", 1, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);

	if (fd < 0)
		return fd;
	out->dirfd = fd;
	strcpy(out->name, ".");
	return 0;
}

/*
 * One pass of resolve_final: walk final symlinks by hand, each hop a fresh
 * in-root resolution of the link's directory plus its text. Fills out and
 * *st (the object out designates, not followed).
 */
static int walk_final(int root_fd, const char *path, size_t len, int nofollow,
		      struct resolved_parent *out, struct stat *st)
{
	char cur[GOFER_PATH_MAX + PATH_MAX + 2], target[PATH_MAX];
	size_t cur_len = len;

	memcpy(cur, path, len);
	for (int hops = 0;; hops++) {
		int trailing, r;
		ssize_t n;
		size_t dir_len;

		r = resolve_parent(root_fd, cur, cur_len, out);
		if (r < 0)
			return r;
		if (out->is_root)
			r = resolve_root_as_dot(root_fd, out);
		if (r < 0)
			return r;
		trailing = out->trailing_slash;
		if (trailing && !out->is_root)
			out->name[strlen(out->name) - 1] = '\0';
		if (fstatat(out->dirfd, out->name, st, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		/* A trailing slash follows a final symlink even under NOFOLLOW. */
		if (!S_ISLNK(st->st_mode) || (nofollow && !trailing))
			return 0;
		if (hops == RESOLVE_MAX_SYMLINKS)
			return -ELOOP;
		n = readlinkat(out->dirfd, out->name, target, sizeof(target));
		if (n < 0)
			return -errno;
		if ((size_t)n >= sizeof(target))
			return -ENAMETOOLONG;
		/* Absolute text restarts at the root; relative text replaces the name. */
		dir_len = target[0] == '/' ? 0 : out->name_offset;
		if (dir_len + (size_t)n + 1 > GOFER_PATH_MAX)
			return -ENAMETOOLONG;
		memmove(cur + dir_len, target, (size_t)n);
		cur_len = dir_len + (size_t)n;
		if (trailing)
			cur[cur_len++] = '/';
		if (cur_len == 0)
			return -ENOENT;
		resolved_parent_release(out);
	}
}

int resolve_final(int root_fd, const char *path, size_t len, int nofollow,
		  struct resolved_parent *out)
{
	_cleanup_close_ int ref = -1;
	struct stat want, got;
	int r;

	memset(out, 0, sizeof(*out));
	out->dirfd = -1;
	/* openat2 gives the native errors and refuses magic links anywhere. */
	ref = resolve_open(root_fd, path, len, O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0), 0);
	if (ref < 0)
		return ref;
	if (fstat(ref, &want) < 0)
		return -errno;
	for (int attempt = 0; attempt < 4; attempt++) {
		r = walk_final(root_fd, path, len, nofollow, out, &got);
		if (r < 0) {
			resolved_parent_release(out);
			return r;
		}
		if (got.st_dev == want.st_dev && got.st_ino == want.st_ino)
			return 0;
		/* The tree changed between the two walks (or a magic link was swapped in). */
		resolved_parent_release(out);
	}
	return -EAGAIN;
}
