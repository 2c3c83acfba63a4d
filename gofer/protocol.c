/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The gofer protocol codec. Both directions are decoded as hostile input:
 * every length is bounded before it is used, the message must be exactly as
 * long as its header says, and paths carry no NUL bytes.
 */
#include <sys/types.h> /* ssize_t, which protocol.h uses */

#include "protocol.h"

#include <errno.h>
#include <string.h>

static const char *const gofer_op_names[GOFER_OP_MAX] = {
    [GOFER_OP_CHANNEL] = "channel",
    [GOFER_OP_OPEN] = "open",
    [GOFER_OP_STAT] = "stat",
    [GOFER_OP_STATX] = "statx",
    [GOFER_OP_ACCESS] = "access",
    [GOFER_OP_READLINK] = "readlink",
    [GOFER_OP_MKDIR] = "mkdir",
    [GOFER_OP_MKNOD] = "mknod",
    [GOFER_OP_UNLINK] = "unlink",
    [GOFER_OP_RENAME] = "rename",
    [GOFER_OP_LINK] = "link",
    [GOFER_OP_SYMLINK] = "symlink",
    [GOFER_OP_CHMOD] = "chmod",
    [GOFER_OP_CHOWN] = "chown",
    [GOFER_OP_UTIMENS] = "utimens",
    [GOFER_OP_TRUNCATE] = "truncate",
    [GOFER_OP_STATFS] = "statfs",
    [GOFER_OP_GETXATTR] = "getxattr",
    [GOFER_OP_LISTXATTR] = "listxattr",
    [GOFER_OP_SETXATTR] = "setxattr",
    [GOFER_OP_REMOVEXATTR] = "removexattr",
    [GOFER_OP_CHECK_EXEC] = "check_exec",
    [GOFER_OP_CHECK_DIR] = "check_dir",
    [GOFER_OP_CHECK_PARENT] = "check_parent",
};

const char *gofer_op_name(uint16_t op)
{
	if (op < GOFER_OP_MAX && gofer_op_names[op])
		return gofer_op_names[op];
	return "unknown";
}

/* path2 is a second absolute path for these ops; a name or text otherwise. */
static int op_path2_is_path(uint16_t op)
{
	return op == GOFER_OP_RENAME || op == GOFER_OP_LINK;
}

ssize_t gofer_encode_request(void *buf, size_t cap, uint16_t op, uint32_t id, int32_t flags,
			     uint32_t mode, uint64_t arg, const struct gofer_creds *creds,
			     const char *path, uint32_t path_len, const char *path2,
			     uint32_t path2_len, const void *data, uint32_t data_len)
{
	struct gofer_request hdr = {
	    .magic = GOFER_MAGIC,
	    .version = GOFER_VERSION,
	    .op = op,
	    .id = id,
	    .flags = flags,
	    .mode = mode,
	    .arg = arg,
	    .path_len = path_len,
	    .path2_len = path2_len,
	    .data_len = data_len,
	};
	uint32_t ngroups = creds ? creds->ngroups : 0;
	unsigned char *p = buf;
	size_t total;

	if (path_len > GOFER_PATH_MAX || path2_len > GOFER_PATH_MAX)
		return -ENAMETOOLONG;
	if (data_len > GOFER_DATA_MAX)
		return -EMSGSIZE;
	if (ngroups > GOFER_GROUPS_MAX)
		return -EINVAL;
	if ((path_len && !path) || (path2_len && !path2) || (data_len && !data))
		return -EINVAL;
	if (creds) {
		hdr.fsuid = creds->fsuid;
		hdr.fsgid = creds->fsgid;
		hdr.cap_effective = creds->cap_effective;
		hdr.ngroups = ngroups;
	}
	total = sizeof(hdr) + (size_t)ngroups * sizeof(uint32_t) + path_len + path2_len + data_len;
	if (total > cap)
		return -EMSGSIZE;

	memcpy(p, &hdr, sizeof(hdr));
	p += sizeof(hdr);
	if (ngroups) {
		memcpy(p, creds->groups, ngroups * sizeof(uint32_t));
		p += ngroups * sizeof(uint32_t);
	}
	if (path_len) {
		memcpy(p, path, path_len);
		p += path_len;
	}
	if (path2_len) {
		memcpy(p, path2, path2_len);
		p += path2_len;
	}
	if (data_len)
		memcpy(p, data, data_len);
	return (ssize_t)total;
}

/*
 * On failure the caller may still reply: out->op and out->id are filled as
 * soon as a complete header with the right magic has been seen (else 0).
 */
int gofer_decode_request(const void *buf, size_t len, struct gofer_msg *out, char *scratch,
			 size_t scratch_len)
{
	const unsigned char *p = buf;
	struct gofer_request hdr;
	char *path_copy, *path2_copy;
	size_t want;

	memset(out, 0, sizeof(*out));
	if (!buf || len < sizeof(hdr))
		return -EPROTO;
	memcpy(&hdr, p, sizeof(hdr));
	if (hdr.magic != GOFER_MAGIC)
		return -EPROTO;
	out->op = hdr.op;
	out->id = hdr.id;
	if (hdr.version != GOFER_VERSION)
		return -EPROTO;
	out->cpu_hint = hdr.cpu_hint;
	if (hdr.op == 0 || hdr.op >= GOFER_OP_MAX)
		return -EPROTO;
	if (hdr.ngroups > GOFER_GROUPS_MAX || hdr.path_len > GOFER_PATH_MAX ||
	    hdr.path2_len > GOFER_PATH_MAX || hdr.data_len > GOFER_DATA_MAX)
		return -EPROTO;
	/* Each term is bounded above, so the sum cannot overflow. */
	want = sizeof(hdr) + (size_t)hdr.ngroups * sizeof(uint32_t) + hdr.path_len + hdr.path2_len +
	       hdr.data_len;
	if (len != want)
		return -EPROTO;
	if (!scratch || scratch_len < 2 * ((size_t)GOFER_PATH_MAX + 1))
		return -EINVAL;

	out->flags = hdr.flags;
	out->mode = hdr.mode;
	out->arg = hdr.arg;
	out->creds.fsuid = hdr.fsuid;
	out->creds.fsgid = hdr.fsgid;
	out->creds.cap_effective = hdr.cap_effective;
	out->creds.ngroups = hdr.ngroups;
	p += sizeof(hdr);
	memcpy(out->creds.groups, p, hdr.ngroups * sizeof(uint32_t));
	p += hdr.ngroups * sizeof(uint32_t);

	path_copy = scratch;
	path2_copy = scratch + GOFER_PATH_MAX + 1;
	memcpy(path_copy, p, hdr.path_len);
	path_copy[hdr.path_len] = '\0';
	p += hdr.path_len;
	memcpy(path2_copy, p, hdr.path2_len);
	path2_copy[hdr.path2_len] = '\0';
	p += hdr.path2_len;

	out->path = path_copy;
	out->path_len = hdr.path_len;
	out->path2 = path2_copy;
	out->path2_len = hdr.path2_len;
	out->data = hdr.data_len ? p : NULL;
	out->data_len = hdr.data_len;

	if (memchr(path_copy, '\0', hdr.path_len) || memchr(path2_copy, '\0', hdr.path2_len))
		return -EINVAL;
	if (hdr.op != GOFER_OP_CHANNEL) {
		if (hdr.path_len && path_copy[0] != '/')
			return -EINVAL;
		if (op_path2_is_path(hdr.op) && hdr.path2_len && path2_copy[0] != '/')
			return -EINVAL;
	}
	return 0;
}

ssize_t gofer_encode_reply(void *buf, size_t cap, uint32_t id, int64_t result, const void *data,
			   uint32_t data_len, int has_fd)
{
	struct gofer_reply hdr = {
	    .magic = GOFER_MAGIC,
	    .id = id,
	    .result = result,
	    .data_len = data_len,
	    .has_fd = has_fd ? 1 : 0,
	};
	size_t total = sizeof(hdr) + data_len;

	if (data_len > GOFER_DATA_MAX || (data_len && !data))
		return -EMSGSIZE;
	if (total > cap)
		return -EMSGSIZE;
	memcpy(buf, &hdr, sizeof(hdr));
	if (data_len)
		memcpy((unsigned char *)buf + sizeof(hdr), data, data_len);
	return (ssize_t)total;
}

int gofer_decode_reply(const void *buf, size_t len, struct gofer_reply *hdr, const void **data)
{
	memset(hdr, 0, sizeof(*hdr));
	*data = NULL;
	if (!buf || len < sizeof(*hdr))
		return -EPROTO;
	memcpy(hdr, buf, sizeof(*hdr));
	if (hdr->magic != GOFER_MAGIC || hdr->has_fd > 1 || hdr->data_len > GOFER_DATA_MAX ||
	    len != sizeof(*hdr) + hdr->data_len)
		return -EPROTO;
	/* An error never carries an fd; a result is an errno only down to -4095. */
	if (hdr->result < -4095 || (hdr->result < 0 && hdr->has_fd))
		return -EPROTO;
	if (hdr->data_len)
		*data = (const unsigned char *)buf + sizeof(*hdr);
	return 0;
}
