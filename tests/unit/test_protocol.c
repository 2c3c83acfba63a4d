/* SPDX-License-Identifier: Apache-2.0 */
/* The gofer protocol codec: round trips and hostile input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <cmocka.h>

#include "gofer/protocol.h"

static unsigned char buf[GOFER_MSG_MAX + 64];
static char scratch[2 * (GOFER_PATH_MAX + 1)];

static const struct gofer_creds creds = {
    .fsuid = 1000,
    .fsgid = 100,
    .cap_effective = 0x3,
    .ngroups = 3,
    .groups = {100, 27, 4},
};

static ssize_t encode_simple(uint16_t op, const char *path, const char *path2)
{
	return gofer_encode_request(buf, sizeof(buf), op, 7, 0, 0, 0, &creds, path,
				    path ? (uint32_t)strlen(path) : 0, path2,
				    path2 ? (uint32_t)strlen(path2) : 0, NULL, 0);
}

/* Patch one header field of the encoded request in buf. */
#define PATCH(field, value)                                                                        \
	do {                                                                                       \
		struct gofer_request h;                                                            \
		memcpy(&h, buf, sizeof(h));                                                        \
		h.field = (value);                                                                 \
		memcpy(buf, &h, sizeof(h));                                                        \
	} while (0)

static void test_request_round_trip(void **state)
{
	static const char data[] = {1, 2, 0, 3};
	struct gofer_msg m;
	ssize_t n;

	n = gofer_encode_request(buf, sizeof(buf), GOFER_OP_RENAME, 42, 0x5, 0644, 0x1122334455ull,
				 &creds, "/a/b", 4, "/c", 2, data, sizeof(data));
	assert_true(n > 0);
	assert_int_equal(n, sizeof(struct gofer_request) + 3 * 4 + 4 + 2 + sizeof(data));
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)), 0);
	assert_int_equal(m.op, GOFER_OP_RENAME);
	assert_int_equal(m.id, 42);
	assert_int_equal(m.flags, 0x5);
	assert_int_equal(m.mode, 0644);
	assert_true(m.arg == 0x1122334455ull);
	assert_int_equal(m.creds.fsuid, 1000);
	assert_int_equal(m.creds.fsgid, 100);
	assert_true(m.creds.cap_effective == 0x3);
	assert_int_equal(m.creds.ngroups, 3);
	assert_int_equal(m.creds.groups[0], 100);
	assert_int_equal(m.creds.groups[2], 4);
	assert_string_equal(m.path, "/a/b");
	assert_int_equal(m.path_len, 4);
	assert_string_equal(m.path2, "/c");
	assert_int_equal(m.data_len, sizeof(data));
	assert_memory_equal(m.data, data, sizeof(data));
}

static void test_request_empty_and_max(void **state)
{
	static char path[GOFER_PATH_MAX + 1];
	static unsigned char data[GOFER_DATA_MAX];
	struct gofer_creds many = {.ngroups = GOFER_GROUPS_MAX};
	struct gofer_msg m;
	ssize_t n;

	/* A CHANNEL request carries nothing. */
	n = gofer_encode_request(buf, sizeof(buf), GOFER_OP_CHANNEL, 0, 0, 0, 0, NULL, NULL, 0,
				 NULL, 0, NULL, 0);
	assert_int_equal(n, sizeof(struct gofer_request));
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)), 0);
	assert_int_equal(m.op, GOFER_OP_CHANNEL);
	assert_int_equal(m.path_len, 0);
	assert_null(m.data);

	/* Everything at its maximum fits GOFER_MSG_MAX exactly. */
	memset(path, 'x', GOFER_PATH_MAX);
	path[0] = '/';
	for (int i = 0; i < GOFER_GROUPS_MAX; i++)
		many.groups[i] = (uint32_t)i;
	n = gofer_encode_request(buf, GOFER_MSG_MAX, GOFER_OP_RENAME, 1, 0, 0, 0, &many, path,
				 GOFER_PATH_MAX, path, GOFER_PATH_MAX, data, GOFER_DATA_MAX);
	assert_int_equal(n, GOFER_MSG_MAX);
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)), 0);
	assert_int_equal(m.path_len, GOFER_PATH_MAX);
	assert_int_equal(strlen(m.path), GOFER_PATH_MAX);
	assert_int_equal(m.creds.groups[GOFER_GROUPS_MAX - 1], GOFER_GROUPS_MAX - 1);
}

static void test_encode_limits(void **state)
{
	static char path[GOFER_PATH_MAX + 2];
	struct gofer_creds too_many = {.ngroups = GOFER_GROUPS_MAX + 1};
	static unsigned char data[GOFER_DATA_MAX + 1];

	memset(path, 'a', sizeof(path));
	assert_int_equal(gofer_encode_request(buf, sizeof(buf), GOFER_OP_STAT, 1, 0, 0, 0, NULL,
					      path, GOFER_PATH_MAX + 1, NULL, 0, NULL, 0),
			 -ENAMETOOLONG);
	assert_int_equal(gofer_encode_request(buf, sizeof(buf), GOFER_OP_RENAME, 1, 0, 0, 0, NULL,
					      "/a", 2, path, GOFER_PATH_MAX + 1, NULL, 0),
			 -ENAMETOOLONG);
	assert_int_equal(gofer_encode_request(buf, sizeof(buf), GOFER_OP_SETXATTR, 1, 0, 0, 0, NULL,
					      "/a", 2, "user.x", 6, data, GOFER_DATA_MAX + 1),
			 -EMSGSIZE);
	assert_int_equal(gofer_encode_request(buf, sizeof(buf), GOFER_OP_STAT, 1, 0, 0, 0,
					      &too_many, "/a", 2, NULL, 0, NULL, 0),
			 -EINVAL);
	/* Too small a buffer. */
	assert_int_equal(gofer_encode_request(buf, sizeof(struct gofer_request) + 1, GOFER_OP_STAT,
					      1, 0, 0, 0, NULL, "/ab", 3, NULL, 0, NULL, 0),
			 -EMSGSIZE);
	/* A length without its pointer. */
	assert_int_equal(gofer_encode_request(buf, sizeof(buf), GOFER_OP_STAT, 1, 0, 0, 0, NULL,
					      NULL, 3, NULL, 0, NULL, 0),
			 -EINVAL);
}

static void test_decode_truncated_and_trailing(void **state)
{
	struct gofer_msg m;
	ssize_t n = encode_simple(GOFER_OP_STAT, "/etc/passwd", NULL);

	assert_true(n > 0);
	for (ssize_t len = 0; len < n; len++)
		assert_int_equal(
		    gofer_decode_request(buf, (size_t)len, &m, scratch, sizeof(scratch)), -EPROTO);
	assert_int_equal(gofer_decode_request(buf, (size_t)n + 1, &m, scratch, sizeof(scratch)),
			 -EPROTO);
	assert_int_equal(gofer_decode_request(NULL, 0, &m, scratch, sizeof(scratch)), -EPROTO);
	/* A scratch buffer too small for two paths is the caller's bug. */
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, 100), -EINVAL);
}

static void test_decode_bad_header(void **state)
{
	struct gofer_msg m;
	ssize_t n;

	n = encode_simple(GOFER_OP_STAT, "/x", NULL);
	PATCH(magic, 0xdeadbeef);
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)),
			 -EPROTO);
	assert_int_equal(m.id, 0); /* not trusted: no id */

	n = encode_simple(GOFER_OP_STAT, "/x", NULL);
	PATCH(version, GOFER_VERSION + 1);
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)),
			 -EPROTO);
	assert_int_equal(m.id, 7); /* the id survives for the error reply */

	n = encode_simple(GOFER_OP_STAT, "/x", NULL);
	PATCH(cpu_hint, 2);
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)), 0);
	assert_int_equal(m.cpu_hint, 2); /* a hint, carried through */
}

static void test_decode_unknown_op(void **state)
{
	static const uint16_t bad_ops[] = {0, GOFER_OP_MAX, GOFER_OP_MAX + 1, 0xffff};
	struct gofer_msg m;

	for (size_t i = 0; i < sizeof(bad_ops) / sizeof(bad_ops[0]); i++) {
		ssize_t n = encode_simple(GOFER_OP_STAT, "/x", NULL);

		PATCH(op, bad_ops[i]);
		assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)),
				 -EPROTO);
		assert_int_equal(m.id, 7);
		assert_int_equal(m.op, bad_ops[i]);
	}
	assert_string_equal(gofer_op_name(0xffff), "unknown");
	assert_string_equal(gofer_op_name(GOFER_OP_OPEN), "open");
	assert_string_equal(gofer_op_name(GOFER_OP_CHECK_PARENT), "check_parent");
}

static void test_decode_oversized_lengths(void **state)
{
	struct gofer_msg m;
	ssize_t n;

	/* Lengths beyond the limits, including ones that would wrap a 32-bit sum. */
	n = encode_simple(GOFER_OP_STAT, "/x", NULL);
	PATCH(path_len, GOFER_PATH_MAX + 1);
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)),
			 -EPROTO);
	n = encode_simple(GOFER_OP_STAT, "/x", NULL);
	PATCH(path_len, 0xffffffffu);
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)),
			 -EPROTO);
	n = encode_simple(GOFER_OP_STAT, "/x", NULL);
	PATCH(path2_len, 0xfffffffeu);
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)),
			 -EPROTO);
	n = encode_simple(GOFER_OP_STAT, "/x", NULL);
	PATCH(data_len, GOFER_DATA_MAX + 1);
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)),
			 -EPROTO);
	n = encode_simple(GOFER_OP_STAT, "/x", NULL);
	PATCH(ngroups, GOFER_GROUPS_MAX + 1);
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)),
			 -EPROTO);
	n = encode_simple(GOFER_OP_STAT, "/x", NULL);
	PATCH(ngroups, 0x40000001u); /* 4 * ngroups wraps to 4 */
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)),
			 -EPROTO);
	/* Lengths that disagree with the message size (one byte moved to path2). */
	n = encode_simple(GOFER_OP_RENAME, "/x", "/y");
	PATCH(path_len, 1);
	PATCH(path2_len, 3);
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)),
			 -EINVAL); /* "/" and "x/y": path2 is then relative */
	n = encode_simple(GOFER_OP_STAT, "/x", NULL);
	PATCH(path_len, 3);
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)),
			 -EPROTO);
}

static void test_decode_bad_paths(void **state)
{
	struct gofer_msg m;
	ssize_t n;

	n = gofer_encode_request(buf, sizeof(buf), GOFER_OP_OPEN, 1, 0, 0, 0, NULL, "/a\0b", 4,
				 NULL, 0, NULL, 0);
	assert_true(n > 0);
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)),
			 -EINVAL);
	n = gofer_encode_request(buf, sizeof(buf), GOFER_OP_OPEN, 1, 0, 0, 0, NULL, "/ab\0", 4,
				 NULL, 0, NULL, 0);
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)),
			 -EINVAL);
	n = gofer_encode_request(buf, sizeof(buf), GOFER_OP_GETXATTR, 1, 0, 0, 0, NULL, "/a", 2,
				 "user.\0x", 7, NULL, 0);
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)),
			 -EINVAL);
	/* Relative paths are refused; a relative symlink target is just text. */
	n = encode_simple(GOFER_OP_STAT, "etc/passwd", NULL);
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)),
			 -EINVAL);
	n = encode_simple(GOFER_OP_RENAME, "/a", "b");
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)),
			 -EINVAL);
	n = encode_simple(GOFER_OP_LINK, "/a", "b");
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)),
			 -EINVAL);
	n = encode_simple(GOFER_OP_SYMLINK, "/a", "../b");
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)), 0);
	assert_string_equal(m.path2, "../b");
	n = encode_simple(GOFER_OP_SETXATTR, "/a", "user.name");
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)), 0);
	/* An empty path decodes (the op answers ENOENT). */
	n = encode_simple(GOFER_OP_STAT, NULL, NULL);
	assert_int_equal(gofer_decode_request(buf, (size_t)n, &m, scratch, sizeof(scratch)), 0);
	assert_string_equal(m.path, "");
}

static void test_reply_round_trip(void **state)
{
	struct gofer_reply hdr;
	const void *data;
	ssize_t n;

	n = gofer_encode_reply(buf, sizeof(buf), 9, 5, "hello", 5, 0);
	assert_int_equal(n, sizeof(struct gofer_reply) + 5);
	assert_int_equal(gofer_decode_reply(buf, (size_t)n, &hdr, &data), 0);
	assert_int_equal(hdr.id, 9);
	assert_int_equal(hdr.result, 5);
	assert_int_equal(hdr.data_len, 5);
	assert_int_equal(hdr.has_fd, 0);
	assert_memory_equal(data, "hello", 5);

	n = gofer_encode_reply(buf, sizeof(buf), 10, 0, NULL, 0, 1);
	assert_int_equal(gofer_decode_reply(buf, (size_t)n, &hdr, &data), 0);
	assert_int_equal(hdr.has_fd, 1);
	assert_null(data);

	n = gofer_encode_reply(buf, sizeof(buf), 11, -ENOENT, NULL, 0, 0);
	assert_int_equal(gofer_decode_reply(buf, (size_t)n, &hdr, &data), 0);
	assert_int_equal(hdr.result, -ENOENT);

	assert_int_equal(gofer_encode_reply(buf, 10, 1, 0, "abc", 3, 0), -EMSGSIZE);
	assert_int_equal(gofer_encode_reply(buf, sizeof(buf), 1, 0, NULL, GOFER_DATA_MAX + 1, 0),
			 -EMSGSIZE);
}

#define PATCH_REPLY(field, value)                                                                  \
	do {                                                                                       \
		struct gofer_reply h;                                                              \
		memcpy(&h, buf, sizeof(h));                                                        \
		h.field = (value);                                                                 \
		memcpy(buf, &h, sizeof(h));                                                        \
	} while (0)

static void test_reply_hostile(void **state)
{
	struct gofer_reply hdr;
	const void *data;
	ssize_t n;

	n = gofer_encode_reply(buf, sizeof(buf), 9, 3, "abc", 3, 0);
	for (ssize_t len = 0; len < n; len++)
		assert_int_equal(gofer_decode_reply(buf, (size_t)len, &hdr, &data), -EPROTO);
	assert_int_equal(gofer_decode_reply(buf, (size_t)n + 1, &hdr, &data), -EPROTO);
	PATCH_REPLY(magic, 1);
	assert_int_equal(gofer_decode_reply(buf, (size_t)n, &hdr, &data), -EPROTO);

	n = gofer_encode_reply(buf, sizeof(buf), 9, 3, "abc", 3, 0);
	PATCH_REPLY(has_fd, 2);
	assert_int_equal(gofer_decode_reply(buf, (size_t)n, &hdr, &data), -EPROTO);

	n = gofer_encode_reply(buf, sizeof(buf), 9, 3, "abc", 3, 0);
	PATCH_REPLY(data_len, 0xffffffffu);
	assert_int_equal(gofer_decode_reply(buf, (size_t)n, &hdr, &data), -EPROTO);

	/* An error with an fd, and a "negative errno" no errno can be. */
	n = gofer_encode_reply(buf, sizeof(buf), 9, -EPERM, NULL, 0, 1);
	assert_int_equal(gofer_decode_reply(buf, (size_t)n, &hdr, &data), -EPROTO);
	n = gofer_encode_reply(buf, sizeof(buf), 9, -5000, NULL, 0, 0);
	assert_int_equal(gofer_decode_reply(buf, (size_t)n, &hdr, &data), -EPROTO);
	assert_null(data);
}

/* Random bytes and random single-byte corruptions never crash the decoders. */
static void test_decode_random(void **state)
{
	struct gofer_msg m;
	struct gofer_reply hdr;
	const void *data;
	unsigned seed = 12345;

	for (int round = 0; round < 20000; round++) {
		ssize_t n = encode_simple(GOFER_OP_RENAME, "/a/b", "/c");
		size_t len = (size_t)n;

		seed = seed * 1103515245u + 12345u;
		buf[(seed >> 8) % len] ^= (unsigned char)(seed >> 20);
		if (round % 3 == 0)
			len = (seed >> 4) % (len + 8);
		(void)gofer_decode_request(buf, len, &m, scratch, sizeof(scratch));
		(void)gofer_decode_reply(buf, len, &hdr, &data);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_request_round_trip),
	    cmocka_unit_test(test_request_empty_and_max),
	    cmocka_unit_test(test_encode_limits),
	    cmocka_unit_test(test_decode_truncated_and_trailing),
	    cmocka_unit_test(test_decode_bad_header),
	    cmocka_unit_test(test_decode_unknown_op),
	    cmocka_unit_test(test_decode_oversized_lengths),
	    cmocka_unit_test(test_decode_bad_paths),
	    cmocka_unit_test(test_reply_round_trip),
	    cmocka_unit_test(test_reply_hostile),
	    cmocka_unit_test(test_decode_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
