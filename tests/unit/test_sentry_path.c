/* SPDX-License-Identifier: Apache-2.0 */
/* sentry/path.c (pure path manipulation) and task_parse_status() of sentry/task.c. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sentry/path.h"
#include "sentry/task.h"

#define TGID 42
#define TID  43

/* Rewrite path for task 42/43 in a buffer of cap bytes; returns the result. */
static ssize_t rewrite(char *buf, size_t cap, const char *path)
{
	snprintf(buf, cap, "%s", path);
	return path_rewrite_self(buf, cap, TGID, TID);
}

static void assert_rewrites(const char *path, const char *want)
{
	char buf[256];
	ssize_t n = rewrite(buf, sizeof(buf), path);

	assert_int_equal(n, (ssize_t)strlen(want));
	assert_string_equal(buf, want);
}

static void test_join(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(path_join(out, sizeof(out), "/a", "b"), 4);
	assert_string_equal(out, "/a/b");
	assert_int_equal(path_join(out, sizeof(out), "/", "b"), 2);
	assert_string_equal(out, "/b");
	assert_int_equal(path_join(out, sizeof(out), "/a/", "b/"), 5);
	assert_string_equal(out, "/a/b/");
	assert_int_equal(path_join(out, sizeof(out), "/x", ".."), 5);
	assert_string_equal(out, "/x/..");
}

static void test_join_overflow(void **state)
{
	char out[8];

	(void)state;
	/* "/abc/def" needs 9 bytes with its NUL. */
	assert_int_equal(path_join(out, sizeof(out), "/abc", "def"), -ENAMETOOLONG);
	/* Exactly fitting: "/ab/def" + NUL = 8. */
	assert_int_equal(path_join(out, sizeof(out), "/ab", "def"), 7);
	assert_string_equal(out, "/ab/def");
}

static void test_rewrite_proc_self(void **state)
{
	(void)state;
	assert_rewrites("/proc/self", "/proc/42");
	assert_rewrites("/proc/self/", "/proc/42/");
	assert_rewrites("/proc/self/fd/3", "/proc/42/fd/3");
	assert_rewrites("/proc/self/status", "/proc/42/status");
}

static void test_rewrite_thread_self(void **state)
{
	(void)state;
	assert_rewrites("/proc/thread-self", "/proc/42/task/43");
	assert_rewrites("/proc/thread-self/comm", "/proc/42/task/43/comm");
}

static void test_rewrite_dev(void **state)
{
	(void)state;
	assert_rewrites("/dev/fd", "/proc/42/fd");
	assert_rewrites("/dev/fd/5", "/proc/42/fd/5");
	assert_rewrites("/dev/stdin", "/proc/42/fd/0");
	assert_rewrites("/dev/stdout", "/proc/42/fd/1");
	assert_rewrites("/dev/stderr", "/proc/42/fd/2");
}

static void test_rewrite_double_slash(void **state)
{
	(void)state;
	assert_rewrites("//proc/self", "/proc/42");
	assert_rewrites("///proc/self/fd/1", "/proc/42/fd/1");
}

static void test_rewrite_unchanged(void **state)
{
	(void)state;
	/* Only whole components match. */
	assert_rewrites("/proc/selfish", "/proc/selfish");
	assert_rewrites("/proc/thread-selfie", "/proc/thread-selfie");
	assert_rewrites("/dev/fdx", "/dev/fdx");
	assert_rewrites("/dev/stdinx", "/dev/stdinx");
	assert_rewrites("/proc/1/fd/3", "/proc/1/fd/3");
	assert_rewrites("/etc/proc/self", "/etc/proc/self");
	assert_rewrites("/proc", "/proc");
}

static void test_rewrite_overflow(void **state)
{
	char buf[14];

	(void)state;
	/* The names grow: "/dev/stdin" (10) becomes "/proc/42/fd/0" (13). */
	assert_int_equal(rewrite(buf, 11, "/dev/stdin"), -ENAMETOOLONG);
	assert_int_equal(rewrite(buf, 10, "/dev/fd/5"), -ENAMETOOLONG);
	assert_int_equal(rewrite(buf, 13, "/dev/stdin"), -ENAMETOOLONG);
	/* 13 bytes and the NUL fit exactly. */
	assert_int_equal(rewrite(buf, sizeof(buf), "/dev/stdin"), 13);
	assert_string_equal(buf, "/proc/42/fd/0");
}

static void test_self_fd(void **state)
{
	(void)state;
	assert_int_equal(path_self_fd("/proc/42/fd/3", TGID), 3);
	assert_int_equal(path_self_fd("/proc/42/fd/0", TGID), 0);
	assert_int_equal(path_self_fd("/proc/42/fd/1023", TGID), 1023);
	assert_int_equal(path_self_fd("/proc/42/fd/3/", TGID), 3);
	/* Not a fd link of this task. */
	assert_int_equal(path_self_fd("/proc/43/fd/3", TGID), -1);
	assert_int_equal(path_self_fd("/proc/420/fd/3", TGID), -1);
	assert_int_equal(path_self_fd("/proc/42/fd", TGID), -1);
	assert_int_equal(path_self_fd("/proc/42/fd/", TGID), -1);
	assert_int_equal(path_self_fd("/proc/42/fd/x", TGID), -1);
	assert_int_equal(path_self_fd("/proc/42/fd/3x", TGID), -1);
	assert_int_equal(path_self_fd("/proc/42/fd/-1", TGID), -1);
	assert_int_equal(path_self_fd("/proc/42/fd/+1", TGID), -1);
	assert_int_equal(path_self_fd("/proc/42/fd/3/x", TGID), -1);
	assert_int_equal(path_self_fd("/proc/42/fdinfo/3", TGID), -1);
	assert_int_equal(path_self_fd("/proc/42/fd/99999999999", TGID), -1);
}

static void test_self_fd_after_rewrite(void **state)
{
	char buf[64];

	(void)state;
	rewrite(buf, sizeof(buf), "/dev/fd/7");
	assert_int_equal(path_self_fd(buf, TGID), 7);
	rewrite(buf, sizeof(buf), "/dev/stderr");
	assert_int_equal(path_self_fd(buf, TGID), 2);
	rewrite(buf, sizeof(buf), "/proc/thread-self/fd/4");
	/* /proc/<tgid>/task/<tid>/fd/N is another name, not recognised. */
	assert_int_equal(path_self_fd(buf, TGID), -1);
}

/* A status file as Linux 6.x prints it, for a task in a nested pid namespace. */
static const char status_groups[] = "Name:\tsh\n"
				    "Umask:\t0027\n"
				    "State:\tS (sleeping)\n"
				    "Tgid:\t12345\n"
				    "Ngid:\t0\n"
				    "Pid:\t12346\n"
				    "PPid:\t12300\n"
				    "TracerPid:\t0\n"
				    "Uid:\t1000\t1001\t1002\t1003\n"
				    "Gid:\t100\t101\t102\t103\n"
				    "FDSize:\t64\n"
				    "Groups:\t4 24 27 1000 \n"
				    "NStgid:\t12345\t7\n"
				    "NSpid:\t12346\t8\n"
				    "NSpgid:\t12345\t7\n"
				    "NSsid:\t12345\t7\n"
				    "Kthread:\t0\n"
				    "VmPeak:\t    2580 kB\n"
				    "CapInh:\t0000000000000000\n"
				    "CapPrm:\t000001ffffffffff\n"
				    "CapEff:\t000001ffffffffff\n"
				    "CapBnd:\t000001ffffffffff\n"
				    "CapAmb:\t0000000000000000\n"
				    "NoNewPrivs:\t1\n"
				    "Seccomp:\t2\n";

static void test_status_nested(void **state)
{
	struct task_status st;

	(void)state;
	assert_int_equal(task_parse_status(status_groups, &st), 0);
	assert_int_equal(st.tgid, 12345);
	assert_int_equal(st.ns_tgid, 7);
	assert_int_equal(st.ns_tid, 8);
	assert_int_equal(st.umask, 027);
	/* The file-system ids are the fourth column. */
	assert_int_equal(st.creds.fsuid, 1003);
	assert_int_equal(st.creds.fsgid, 103);
	assert_int_equal(st.creds.ngroups, 4);
	assert_int_equal(st.creds.groups[0], 4);
	assert_int_equal(st.creds.groups[1], 24);
	assert_int_equal(st.creds.groups[2], 27);
	assert_int_equal(st.creds.groups[3], 1000);
	assert_true(st.creds.cap_effective == 0x1ffffffffffULL);
}

static void test_status_no_groups(void **state)
{
	static const char text[] = "Name:\tcat\n"
				   "Umask:\t0022\n"
				   "Tgid:\t99\n"
				   "Pid:\t99\n"
				   "Uid:\t0\t0\t0\t0\n"
				   "Gid:\t0\t0\t0\t0\n"
				   "Groups:\t\n"
				   "NStgid:\t99\n"
				   "NSpid:\t99\n"
				   "CapEff:\t0000000000000000\n";
	struct task_status st;

	(void)state;
	assert_int_equal(task_parse_status(text, &st), 0);
	assert_int_equal(st.ns_tgid, 99);
	assert_int_equal(st.ns_tid, 99);
	assert_int_equal(st.umask, 022);
	assert_int_equal(st.creds.fsuid, 0);
	assert_int_equal(st.creds.ngroups, 0);
	assert_true(st.creds.cap_effective == 0);
}

static void test_status_incomplete(void **state)
{
	/* Without NSpid the sentry cannot name the task's /proc entries. */
	static const char text[] = "Tgid:\t5\nUid:\t1\t1\t1\t1\nGid:\t1\t1\t1\t1\nNStgid:\t5\n";
	struct task_status st;

	(void)state;
	assert_int_equal(task_parse_status(text, &st), -EPROTO);
	assert_int_equal(task_parse_status("", &st), -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_join),
	    cmocka_unit_test(test_join_overflow),
	    cmocka_unit_test(test_rewrite_proc_self),
	    cmocka_unit_test(test_rewrite_thread_self),
	    cmocka_unit_test(test_rewrite_dev),
	    cmocka_unit_test(test_rewrite_double_slash),
	    cmocka_unit_test(test_rewrite_unchanged),
	    cmocka_unit_test(test_rewrite_overflow),
	    cmocka_unit_test(test_self_fd),
	    cmocka_unit_test(test_self_fd_after_rewrite),
	    cmocka_unit_test(test_status_nested),
	    cmocka_unit_test(test_status_no_groups),
	    cmocka_unit_test(test_status_incomplete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
