/* SPDX-License-Identifier: Apache-2.0 */
/* The --strace line format (sentry/strace.c), without a task. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "sentry/strace.h"
#include "syscalls/table.h"

static const struct syscall_row row_openat = {
    .name = "openat",
    .nr = SYS_openat,
    .disp = DISP_EMULATED,
    .args = {ARG_DIRFD, ARG_PATH, ARG_OPEN_FLAGS, ARG_MODE},
};

static const struct syscall_row row_unlinkat = {
    .name = "unlinkat",
    .nr = SYS_unlinkat,
    .disp = DISP_EMULATED,
    .args = {ARG_DIRFD, ARG_PATH, ARG_AT_FLAGS},
};

static const struct syscall_row row_faccessat2 = {
    .name = "faccessat2",
    .nr = 439,
    .disp = DISP_EMULATED,
    .args = {ARG_DIRFD, ARG_PATH, ARG_HEX, ARG_AT_FLAGS},
};

static const struct syscall_row row_kill = {
    .name = "kill",
    .nr = SYS_kill,
    .disp = DISP_NATIVE,
    .args = {ARG_PID, ARG_SIGNAL},
};

static const struct syscall_row row_mknod = {
    .name = "mknod",
    .nr = SYS_mknod,
    .disp = DISP_EMULATED,
    .args = {ARG_PATH, ARG_MODE, ARG_HEX},
};

static const struct syscall_row row_read = {
    .name = "read",
    .nr = SYS_read,
    .disp = DISP_NATIVE,
    .args = {ARG_FD, ARG_PTR, ARG_UINT},
};

static const struct syscall_row row_getpid = {
    .name = "getpid",
    .nr = SYS_getpid,
    .disp = DISP_NATIVE,
};

static char line[STRACE_LINE_MAX];

static const char *format(const struct strace_line *l)
{
	size_t n = strace_format(line, sizeof(line), l);

	assert_int_equal(n, strlen(line));
	return line;
}

static void set_str(struct strace_line *l, int i, const char *s)
{
	l->str[i] = s;
	l->str_len[i] = strlen(s);
}

static void test_openat_fd(void **state)
{
	struct strace_line l = {
	    .pid = 7,
	    .nr = SYS_openat,
	    .row = &row_openat,
	    .args = {(uint64_t)AT_FDCWD, 0x1000, O_RDONLY | O_CLOEXEC, 0},
	    .result = {.kind = RESULT_FD, .value = 3},
	};

	(void)state;
	set_str(&l, 1, "/etc/hostname");
	assert_string_equal(
	    format(&l), "[pid 7] openat(AT_FDCWD, \"/etc/hostname\", O_RDONLY|O_CLOEXEC) = 3\n");
}

static void test_openat_errno(void **state)
{
	struct strace_line l = {
	    .pid = 12,
	    .nr = SYS_openat,
	    .row = &row_openat,
	    .args = {5, 0x1000, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644},
	    .result = {.kind = RESULT_ERRNO, .value = ENOENT},
	};

	(void)state;
	set_str(&l, 1, "out/x");
	assert_string_equal(format(&l), "[pid 12] openat(5, \"out/x\", "
					"O_WRONLY|O_CREAT|O_TRUNC|O_NOFOLLOW, 0644) = -1 ENOENT "
					"(No such file or directory)\n");
}

static void test_open_composite_flags(void **state)
{
	struct strace_line l = {
	    .pid = 1,
	    .nr = SYS_openat,
	    .row = &row_openat,
	    /* O_TMPFILE and O_SYNC span two bits each; 0x40000000 is unknown. */
	    .args = {(uint64_t)AT_FDCWD, 0, O_RDWR | O_TMPFILE | O_SYNC | 0x40000000u, 0600},
	    .result = {.kind = RESULT_FD, .value = 4},
	};

	(void)state;
	assert_string_equal(format(&l), "[pid 1] openat(AT_FDCWD, NULL, "
					"O_RDWR|O_TMPFILE|O_SYNC|0x40000000, 0600) = 4\n");
}

static void test_unreadable_path_is_pointer(void **state)
{
	struct strace_line l = {
	    .pid = 1,
	    .nr = SYS_openat,
	    .row = &row_openat,
	    .args = {(uint64_t)AT_FDCWD, 0x7ffc0010, O_RDONLY | O_PATH, 0},
	    .result = {.kind = RESULT_ERRNO, .value = EFAULT},
	};

	(void)state;
	assert_string_equal(
	    format(&l), "[pid 1] openat(AT_FDCWD, 0x7ffc0010, O_RDONLY|O_PATH) = -1 EFAULT (Bad "
			"address)\n");
}

static void test_at_flags(void **state)
{
	struct strace_line l = {
	    .pid = 3,
	    .nr = SYS_unlinkat,
	    .row = &row_unlinkat,
	    .args = {(uint64_t)AT_FDCWD, 1, AT_REMOVEDIR},
	    .result = {.kind = RESULT_VALUE, .value = 0},
	};
	struct strace_line a = {
	    .pid = 3,
	    .nr = 439,
	    .row = &row_faccessat2,
	    .args = {4, 1, 4, AT_EACCESS | AT_SYMLINK_NOFOLLOW | 0x10000},
	    .result = {.kind = RESULT_ERRNO, .value = EACCES},
	};

	(void)state;
	set_str(&l, 1, "dir");
	assert_string_equal(format(&l), "[pid 3] unlinkat(AT_FDCWD, \"dir\", AT_REMOVEDIR) = 0\n");
	set_str(&a, 1, "f");
	assert_string_equal(format(&a), "[pid 3] faccessat2(4, \"f\", 0x4, "
					"AT_SYMLINK_NOFOLLOW|AT_EACCESS|0x10000) = -1 EACCES "
					"(Permission denied)\n");
	l.args[2] = 0;
	assert_string_equal(format(&l), "[pid 3] unlinkat(AT_FDCWD, \"dir\", 0) = 0\n");
}

static void test_escapes(void **state)
{
	struct strace_line l = {
	    .pid = 9,
	    .nr = SYS_mknod,
	    .row = &row_mknod,
	    .args = {1, S_IFIFO | 0640, 0},
	    .result = {.kind = RESULT_VALUE, .value = 0},
	};
	static const char name[] = "a\"b\\c\nd\t\001\377";

	(void)state;
	l.str[0] = name;
	l.str_len[0] = sizeof(name) - 1;
	assert_string_equal(
	    format(&l), "[pid 9] mknod(\"a\\\"b\\\\c\\nd\\t\\001\\377\", S_IFIFO|0640, 0) = 0\n");
}

static void test_truncated_string(void **state)
{
	char big[STRACE_STR_MAX + 1];
	char want[STRACE_STR_MAX + 128];
	struct strace_line l = {
	    .pid = 2,
	    .nr = SYS_unlinkat,
	    .row = &row_unlinkat,
	    .args = {(uint64_t)AT_FDCWD, 1, 0},
	    .result = {.kind = RESULT_ERRNO, .value = ENAMETOOLONG},
	};

	(void)state;
	/* A capture keeps one byte more than it shows: that is how it knows. */
	memset(big, 'x', sizeof(big));
	l.str[1] = big;
	l.str_len[1] = sizeof(big);
	snprintf(want, sizeof(want),
		 "[pid 2] unlinkat(AT_FDCWD, \"%.*s\"..., 0) = -1 ENAMETOOLONG "
		 "(File name too long)\n",
		 STRACE_STR_MAX, big);
	assert_string_equal(format(&l), want);
	/* Exactly the limit: not cut. */
	l.str_len[1] = STRACE_STR_MAX;
	snprintf(want, sizeof(want),
		 "[pid 2] unlinkat(AT_FDCWD, \"%.*s\", 0) = -1 ENAMETOOLONG "
		 "(File name too long)\n",
		 STRACE_STR_MAX, big);
	assert_string_equal(format(&l), want);
}

static void test_signal_and_continue(void **state)
{
	struct strace_line l = {
	    .pid = 4,
	    .nr = SYS_kill,
	    .row = &row_kill,
	    .args = {1, SIGTERM},
	    .result = {.kind = RESULT_CONTINUE},
	};

	(void)state;
	assert_string_equal(format(&l), "[pid 4] kill(1, SIGTERM) = <continued>\n");
	l.args[1] = 34;
	l.args[0] = (uint64_t)-1;
	assert_string_equal(format(&l), "[pid 4] kill(-1, SIGRT_2) = <continued>\n");
	l.args[1] = 0;
	assert_string_equal(format(&l), "[pid 4] kill(-1, 0) = <continued>\n");
}

static void test_plain_numbers(void **state)
{
	struct strace_line l = {
	    .pid = 5,
	    .nr = SYS_read,
	    .row = &row_read,
	    .args = {3, 0x7f0000001000, 4096},
	    .result = {.kind = RESULT_VALUE, .value = 17},
	};
	struct strace_line g = {
	    .pid = 5,
	    .nr = SYS_getpid,
	    .row = &row_getpid,
	    .result = {.kind = RESULT_VALUE, .value = 1},
	};

	(void)state;
	assert_string_equal(format(&l), "[pid 5] read(3, 0x7f0000001000, 4096) = 17\n");
	assert_string_equal(format(&g), "[pid 5] getpid() = 1\n");
}

static void test_unknown_row_and_errno(void **state)
{
	struct strace_line l = {
	    .pid = 6,
	    .nr = 1000,
	    .row = NULL,
	    .args = {1, 2, 3, 4, 5, 6},
	    .result = {.kind = RESULT_ERRNO, .value = 250},
	};

	(void)state;
	assert_string_equal(format(&l),
			    "[pid 6] syscall_1000(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 errno 250\n");
	assert_string_equal(strace_errno_name(ENOENT), "ENOENT");
	assert_string_equal(strace_errno_name(ENOSYS), "ENOSYS");
	assert_null(strace_errno_name(250));
}

static void test_small_buffer(void **state)
{
	struct strace_line l = {
	    .pid = 7,
	    .nr = SYS_getpid,
	    .row = &row_getpid,
	    .result = {.kind = RESULT_VALUE, .value = 1},
	};
	char small[12];
	size_t n;

	(void)state;
	/* Cut, but still one NUL-terminated line. */
	n = strace_format(small, sizeof(small), &l);
	assert_int_equal(n, sizeof(small) - 1);
	assert_int_equal(small[n - 1], '\n');
	assert_int_equal(strlen(small), n);
	assert_int_equal(strace_format(small, 0, &l), 0);
}

static void test_real_table_row(void **state)
{
	const struct syscall_row *row = syscall_by_nr(SYS_openat);
	struct strace_line l = {
	    .pid = 8,
	    .nr = SYS_openat,
	    .row = row,
	    .args = {(uint64_t)AT_FDCWD, 1, O_RDONLY, 0},
	    .result = {.kind = RESULT_FD, .value = 3},
	};

	(void)state;
	assert_non_null(row);
	set_str(&l, 1, "/etc/passwd");
	assert_non_null(strstr(format(&l), "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_openat_fd),
	    cmocka_unit_test(test_openat_errno),
	    cmocka_unit_test(test_open_composite_flags),
	    cmocka_unit_test(test_unreadable_path_is_pointer),
	    cmocka_unit_test(test_at_flags),
	    cmocka_unit_test(test_escapes),
	    cmocka_unit_test(test_truncated_string),
	    cmocka_unit_test(test_signal_and_continue),
	    cmocka_unit_test(test_plain_numbers),
	    cmocka_unit_test(test_unknown_row_and_errno),
	    cmocka_unit_test(test_small_buffer),
	    cmocka_unit_test(test_real_table_row),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
