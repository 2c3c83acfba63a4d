/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The gofer protocol, shared by the sentry (client) and the gofer (server).
 * docs/gofer-protocol.md is the prose version of this file.
 *
 * Transport: SOCK_SEQPACKET. The sentry opens one channel per worker thread
 * by sending one end of a fresh socketpair, with a GOFER_OP_CHANNEL request,
 * over the control socket; the gofer serves each channel on its own thread,
 * one request at a time, so a request that blocks (a FIFO open) stalls only
 * the worker that asked.
 *
 * Every request is one message: struct gofer_request, then ngroups uint32_t
 * supplementary groups, then path (path_len bytes, no NUL), then path2
 * (path2_len bytes), then data (data_len bytes). Every reply is one message:
 * struct gofer_reply then data_len bytes, plus one fd (SCM_RIGHTS) when the
 * op returns one. Paths are absolute in the sandbox's root ("/etc/passwd");
 * the gofer resolves them with openat2(root, path, RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS) as the caller's credentials.
 */
#ifndef MOAT_GOFER_PROTOCOL_H
#define MOAT_GOFER_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define GOFER_MAGIC   0x6d6f6174u /* "moat" */
#define GOFER_VERSION 1

#define GOFER_PATH_MAX	 8192 /* a path may exceed PATH_MAX (cwd + relative) */
#define GOFER_GROUPS_MAX 64
#define GOFER_DATA_MAX	 65536 /* xattr values, readlink targets, utimes */
#define GOFER_MSG_MAX                                                                              \
	(sizeof(struct gofer_request) + GOFER_GROUPS_MAX * 4 + 2 * GOFER_PATH_MAX + GOFER_DATA_MAX)

enum gofer_op {
	GOFER_OP_CHANNEL = 1,  /* control socket only: fd = new channel */
	GOFER_OP_OPEN,	       /* path, flags=O_*, mode -> fd */
	GOFER_OP_STAT,	       /* path, flags=AT_SYMLINK_NOFOLLOW -> struct stat */
	GOFER_OP_STATX,	       /* path, flags=AT_*, arg=mask -> struct statx */
	GOFER_OP_ACCESS,       /* path, mode=R_OK.., flags=AT_SYMLINK_NOFOLLOW -> 0 */
	GOFER_OP_READLINK,     /* path, arg=bufsize -> target bytes, result=len */
	GOFER_OP_MKDIR,	       /* path, mode (umask already applied) */
	GOFER_OP_MKNOD,	       /* path, mode (S_IFIFO/S_IFSOCK/S_IFREG/...), arg=dev */
	GOFER_OP_UNLINK,       /* path, flags=AT_REMOVEDIR */
	GOFER_OP_RENAME,       /* path (old), path2 (new), flags=RENAME_* */
	GOFER_OP_LINK,	       /* path (old), path2 (new), flags=AT_SYMLINK_FOLLOW */
	GOFER_OP_SYMLINK,      /* path (link to create), path2 (target text, verbatim) */
	GOFER_OP_CHMOD,	       /* path, mode, flags=AT_SYMLINK_NOFOLLOW */
	GOFER_OP_CHOWN,	       /* path, arg=uid | (uint64_t)gid << 32, flags */
	GOFER_OP_UTIMENS,      /* path, data=struct timespec[2] or empty (now), flags */
	GOFER_OP_TRUNCATE,     /* path, arg=length */
	GOFER_OP_STATFS,       /* path -> struct statfs */
	GOFER_OP_GETXATTR,     /* path, path2=name, arg=size, flags=AT_SYMLINK_NOFOLLOW */
	GOFER_OP_LISTXATTR,    /* path, arg=size, flags */
	GOFER_OP_SETXATTR,     /* path, path2=name, data=value, mode=XATTR_* flags, flags */
	GOFER_OP_REMOVEXATTR,  /* path, path2=name, flags */
	GOFER_OP_CHECK_EXEC,   /* path: exists, is a regular file, X_OK -> 0 */
	GOFER_OP_CHECK_DIR,    /* path: is a directory with search permission -> 0 */
	GOFER_OP_CHECK_PARENT, /* path: parent directory resolves (unix socket bind) -> 0 */
	GOFER_OP_MAX,
};

/* Credentials the gofer assumes for one request (per thread). */
struct gofer_creds {
	uint32_t fsuid;
	uint32_t fsgid;
	uint64_t cap_effective; /* only the file-access bits are honoured */
	uint32_t ngroups;
	uint32_t groups[GOFER_GROUPS_MAX];
};

struct gofer_request {
	uint32_t magic;
	uint16_t version;
	uint16_t op;
	uint32_t id;
	int32_t flags;
	uint32_t mode;
	uint32_t fsuid;
	uint32_t fsgid;
	uint32_t ngroups;
	uint64_t cap_effective;
	uint64_t arg;
	uint32_t path_len;
	uint32_t path2_len;
	uint32_t data_len;
	uint32_t cpu_hint; /* 1 + the CPU the sender runs on, or 0 for none */
};

struct gofer_reply {
	uint32_t magic;
	uint32_t id;
	int64_t result;	   /* >= 0 value, or -errno */
	uint32_t data_len; /* bytes after the header */
	uint32_t has_fd;   /* 1 when an fd travels with the reply */
};

/* A decoded request; pointers refer into the message buffer. */
struct gofer_msg {
	uint16_t op;
	uint32_t id;
	int32_t flags;
	uint32_t mode;
	uint64_t arg;
	uint32_t cpu_hint;
	struct gofer_creds creds;
	const char *path; /* NUL-terminated copy in the decode buffer */
	uint32_t path_len;
	const char *path2;
	uint32_t path2_len;
	const void *data;
	uint32_t data_len;
};

/*
 * Encode a request into buf (cap bytes). path/path2/data may be NULL with
 * length 0. Returns the message length or -errno (-ENAMETOOLONG, -EMSGSIZE,
 * -EINVAL).
 */
ssize_t gofer_encode_request(void *buf, size_t cap, uint16_t op, uint32_t id, int32_t flags,
			     uint32_t mode, uint64_t arg, const struct gofer_creds *creds,
			     const char *path, uint32_t path_len, const char *path2,
			     uint32_t path2_len, const void *data, uint32_t data_len);

/*
 * Decode and validate a request of len bytes in buf (untrusted). Paths must
 * not contain NUL; path must be empty or start with '/' for path ops. The
 * decoder NUL-terminates copies of path and path2 into scratch (at least
 * 2 * (GOFER_PATH_MAX + 1) bytes). Returns 0 or -EPROTO / -EINVAL.
 */
int gofer_decode_request(const void *buf, size_t len, struct gofer_msg *out, char *scratch,
			 size_t scratch_len);

ssize_t gofer_encode_reply(void *buf, size_t cap, uint32_t id, int64_t result, const void *data,
			   uint32_t data_len, int has_fd);
/* Returns 0 or -EPROTO; *data points into buf. */
int gofer_decode_reply(const void *buf, size_t len, struct gofer_reply *hdr, const void **data);

const char *gofer_op_name(uint16_t op);

#endif
