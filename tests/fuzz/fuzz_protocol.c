/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness for the gofer protocol decoders (tests/fuzz/README.md).
 * Every input is fed to both decoders; whatever decodes must re-encode to the
 * same bytes, and decoded paths must be NUL-free and within their limits.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gofer/protocol.h"

static unsigned char encoded[GOFER_MSG_MAX];
static char scratch[2 * (GOFER_PATH_MAX + 1)];

static void check_request(const uint8_t *buf, size_t len)
{
	struct gofer_msg m;
	ssize_t n;

	if (gofer_decode_request(buf, len, &m, scratch, sizeof(scratch)) < 0)
		return;
	if (m.path_len > GOFER_PATH_MAX || m.path2_len > GOFER_PATH_MAX ||
	    m.data_len > GOFER_DATA_MAX || m.creds.ngroups > GOFER_GROUPS_MAX)
		abort();
	if (strlen(m.path) != m.path_len || strlen(m.path2) != m.path2_len)
		abort();
	n = gofer_encode_request(encoded, sizeof(encoded), m.op, m.id, m.flags, m.mode, m.arg,
				 &m.creds, m.path, m.path_len, m.path2, m.path2_len, m.data,
				 m.data_len);
	if (n != (ssize_t)len || memcmp(encoded, buf, len) != 0)
		abort();
}

static void check_reply(const uint8_t *buf, size_t len)
{
	struct gofer_reply hdr;
	const void *data;
	ssize_t n;

	if (gofer_decode_reply(buf, len, &hdr, &data) < 0)
		return;
	if (hdr.data_len > GOFER_DATA_MAX || sizeof(hdr) + hdr.data_len != len)
		abort();
	n = gofer_encode_reply(encoded, sizeof(encoded), hdr.id, hdr.result, data, hdr.data_len,
			       (int)hdr.has_fd);
	if (n != (ssize_t)len || memcmp(encoded, buf, len) != 0)
		abort();
}

/*
 * Raw bytes rarely carry the magic, so also frame the input behind a valid
 * header whose op, group count and lengths come from its first bytes: that
 * reaches the path checks and the round trip.
 */
static void check_framed(const uint8_t *data, size_t size)
{
	static unsigned char framed[GOFER_MSG_MAX];
	struct gofer_request h = {.magic = GOFER_MAGIC, .version = GOFER_VERSION, .id = 1};
	size_t rest, groups;

	if (size < 6 || size - 6 > sizeof(framed) - sizeof(h))
		return;
	h.op = data[0] % (GOFER_OP_MAX + 1);
	h.ngroups = data[1] % 4;
	rest = size - 6;
	groups = h.ngroups * sizeof(uint32_t);
	if (groups > rest)
		return;
	rest -= groups;
	h.path_len = (uint32_t)((data[2] | data[3] << 8) % (rest + 1));
	rest -= h.path_len;
	h.path2_len = (uint32_t)((data[4] | data[5] << 8) % (rest + 1));
	h.data_len = (uint32_t)(rest - h.path2_len);
	memcpy(framed, &h, sizeof(h));
	memcpy(framed + sizeof(h), data + 6, size - 6);
	check_request(framed, sizeof(h) + size - 6);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private copy, so that ASan flags any read past the message. */
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	check_request(copy, size);
	check_reply(copy, size);
	check_framed(copy, size);
	free(copy);
	return 0;
}
