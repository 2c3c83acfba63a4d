/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/do_options.c (the `moat do` command line) and runtime/userns.c (subid ranges). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/do_options.h"
#include "runtime/userns.h"

static int parse(struct sandbox_config *cfg, struct moat_error *err, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	memset(err, 0, sizeof(*err));
	return do_parse_options(argc, argv, cfg, err);
}

static void test_full_command_line(void **state)
{
	char *argv[] = {"do",	   "--rw",	 "/tmp", "--ro", "/usr",	"--tmpfs", "/var/x",
			"--net",   "host",	 "--cwd", "/tmp", "--env",	"A=1",	   "--clearenv",
			"--hostname", "box", "--root", "--strace=/dev/null", "--preserve-fds", "2",
			"--",	   "make",	 "-j2",	 NULL};
	struct sandbox_config cfg;
	struct moat_error err;

	assert_int_equal(parse(&cfg, &err, argv), 0);
	assert_int_equal(cfg.nmounts, 3);
	assert_int_equal(cfg.mounts[0].kind, MOUNT_RW);
	assert_string_equal(cfg.mounts[0].path, "/tmp");
	assert_int_equal(cfg.mounts[1].kind, MOUNT_RO);
	assert_int_equal(cfg.mounts[2].kind, MOUNT_TMPFS);
	assert_string_equal(cfg.mounts[2].path, "/var/x");
	assert_true(cfg.net_host);
	assert_string_equal(cfg.cwd, "/tmp");
	assert_int_equal(cfg.nenv, 1);
	assert_true(cfg.clearenv);
	assert_string_equal(cfg.hostname, "box");
	assert_true(cfg.as_root);
	assert_true(cfg.trace);
	assert_string_equal(cfg.trace_file, "/dev/null");
	assert_int_equal(cfg.preserve_fds, 2);
	assert_string_equal(cfg.argv[0], "make");
	assert_string_equal(cfg.argv[1], "-j2");
	assert_null(cfg.argv[2]);
}

/* Options after the command belong to the command. */
static void test_command_options_untouched(void **state)
{
	char *argv[] = {"do", "ls", "--rw", "-la", NULL};
	struct sandbox_config cfg;
	struct moat_error err;

	assert_int_equal(parse(&cfg, &err, argv), 0);
	assert_int_equal(cfg.nmounts, 0);
	assert_string_equal(cfg.argv[0], "ls");
	assert_string_equal(cfg.argv[1], "--rw");
}

static void expect_error(char **argv, const char *needle)
{
	struct sandbox_config cfg;
	struct moat_error err;

	assert_true(parse(&cfg, &err, argv) < 0);
	if (!strstr(err.msg, needle))
		fail_msg("error '%s' does not mention '%s'", err.msg, needle);
}

static void test_bad_input_names_the_problem(void **state)
{
	expect_error((char *[]){"do", "--bogus", "--", "true", NULL}, "--bogus");
	expect_error((char *[]){"do", "--", NULL}, "missing command");
	expect_error((char *[]){"do", NULL}, "missing command");
	expect_error((char *[]){"do", "--rw", "/nonexistent/moat-test", "--", "true", NULL},
		     "/nonexistent/moat-test");
	expect_error((char *[]){"do", "--net", "bridge", "--", "true", NULL}, "bridge");
	expect_error((char *[]){"do", "--cwd", "relative", "--", "true", NULL}, "absolute");
	expect_error((char *[]){"do", "--env", "NOVALUE", "--", "true", NULL}, "K=V");
	expect_error((char *[]){"do", "--preserve-fds", "x", "--", "true", NULL}, "number");
	expect_error((char *[]){"do", "--tmpfs", "rel", "--", "true", NULL}, "absolute");
	expect_error((char *[]){"do", "--platform", "kvm", "--", "true", NULL}, "kvm");
}

static void test_subid_ranges(void **state)
{
	char path[] = "/tmp/moat-subid-XXXXXX";
	int fd = mkstemp(path);
	struct id_range r;

	assert_true(fd >= 0);
	dprintf(fd, "alice:200000:65536\nroot:300000:1000\n0:400000:65536\n");
	close(fd);
	assert_int_equal(userns_subid_range(path, "root", 0, &r), 1);
	assert_int_equal(r.start, 300000);
	assert_int_equal(r.count, 1000);
	assert_int_equal(userns_subid_range(path, "bob", 1234, &r), 0);
	assert_int_equal(r.start, USERNS_DEFAULT_BASE);
	assert_int_equal(r.count, USERNS_DEFAULT_COUNT);
	assert_int_equal(userns_subid_range("/nonexistent/subuid", "root", 0, &r), 0);
	assert_int_equal(r.start, USERNS_DEFAULT_BASE);
	unlink(path);
}

/* Every line of root's, whole: usermod --add-subuids adds lines. */
static void test_subid_ranges_all_lines(void **state)
{
	char path[] = "/tmp/moat-subid-XXXXXX";
	int fd = mkstemp(path);
	struct id_range r[4];

	assert_true(fd >= 0);
	dprintf(fd, "root:100000:65536\nalice:200000:65536\n0:1000000:6553600\n"
		    "root:x:5\nroot:4294967000:1000\nroot:7:0\n");
	close(fd);
	assert_int_equal(userns_subid_ranges(path, "root", 0, r, 4), 2);
	assert_int_equal(r[0].start, 100000);
	assert_int_equal(r[0].count, 65536);
	assert_int_equal(r[1].start, 1000000);
	assert_int_equal(r[1].count, 6553600); /* not capped: cut into slices later */
	assert_int_equal(userns_subid_ranges(path, "root", 0, r, 1), 1);
	assert_int_equal(userns_subid_ranges(path, "bob", 1234, r, 4), 0);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_command_line),
		cmocka_unit_test(test_command_options_untouched),
		cmocka_unit_test(test_bad_input_names_the_problem),
		cmocka_unit_test(test_subid_ranges),
		cmocka_unit_test(test_subid_ranges_all_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
