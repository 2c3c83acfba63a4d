/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/container_process.c, container_sysctl.c, container_seccomp.c: what
 * `moat create` refuses before anything starts, and which containers make the
 * sentry read credentials per call. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "runtime/container_process.h"
#include "runtime/oci_config.h"

/* A config with the given namespaces (JSON list items) and extra linux /
 * process members; *err gets container_process_check's message. */
static int check(const char *namespaces, const char *process_extra, const char *linux_extra,
		 struct moat_error *err)
{
	char text[8192];
	struct oci_config cfg;
	int r;

	snprintf(text, sizeof(text),
		 "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"},"
		 " \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\"%s%s},"
		 " \"linux\": {\"namespaces\": [%s]%s%s}}",
		 *process_extra ? ", " : "", process_extra, namespaces, *linux_extra ? ", " : "",
		 linux_extra);
	memset(err, 0, sizeof(*err));
	r = oci_config_parse("config.json", text, strlen(text), &cfg, err);
	assert_int_equal(r, 0);
	r = container_process_check(&cfg, err);
	oci_config_free(&cfg);
	return r;
}

#define ALL_NS                                                                                     \
	"{\"type\": \"ipc\"}, {\"type\": \"network\"}, {\"type\": \"uts\"}, {\"type\": \"user\"}"

static void expect_refused(const char *ns, const char *process, const char *linux_part,
			   const char *message)
{
	struct moat_error err;

	assert_true(check(ns, process, linux_part, &err) < 0);
	if (!strstr(err.msg, message))
		fail_msg("expected \"%s\" in \"%s\"", message, err.msg);
}

static void expect_ok(const char *ns, const char *process, const char *linux_part)
{
	struct moat_error err;

	if (check(ns, process, linux_part, &err) < 0)
		fail_msg("refused: %s", err.msg);
}

static void test_sysctl(void **state)
{
	(void)state;
	expect_ok(ALL_NS, "",
		  "\"sysctl\": {\"kernel.shmmax\": \"1\", \"fs.mqueue.msg_max\": \"10\","
		  " \"net.ipv4.ip_forward\": \"1\", \"net/ipv4/conf/eth0.100/forwarding\": \"1\","
		  " \"kernel.domainname\": \"x\", \"user.max_user_namespaces\": \"0\"}");
	expect_refused("", "", "\"sysctl\": {\"kernel.sem\": \"1 2 3 4\"}",
		       "\"kernel.sem\" is not allowed in the host's ipc namespace");
	expect_refused("", "", "\"sysctl\": {\"fs.mqueue.msg_max\": \"1\"}",
		       "\"fs.mqueue.msg_max\" is not allowed in the host's ipc namespace");
	expect_refused("{\"type\": \"ipc\"}", "", "\"sysctl\": {\"net.core.somaxconn\": \"1\"}",
		       "\"net.core.somaxconn\" is not allowed in the host's network namespace");
	expect_refused(ALL_NS, "", "\"sysctl\": {\"kernel.hostname\": \"x\"}",
		       "conflicts with the hostname field");
	expect_refused("", "", "\"sysctl\": {\"kernel.domainname\": \"x\"}",
		       "\"kernel.domainname\" is not in a separate kernel namespace");
	expect_refused(ALL_NS, "", "\"sysctl\": {\"vm.swappiness\": \"1\"}",
		       "linux.sysctl: \"vm.swappiness\" is not in a separate kernel namespace");
	/* Paths that are not a key below /proc/sys. */
	expect_refused(ALL_NS, "", "\"sysctl\": {\"net/../kernel/pid_max\": \"1\"}",
		       "key \"net/../kernel/pid_max\" is not valid");
	expect_refused(ALL_NS, "", "\"sysctl\": {\"net..ipv4\": \"1\"}", "is not valid");
	expect_refused(ALL_NS, "", "\"sysctl\": {\"/net/ipv4/x\": \"1\"}", "is not valid");
	expect_refused(ALL_NS, "", "\"sysctl\": {\"net.ipv4.\": \"1\"}", "is not valid");
	expect_refused(ALL_NS, "", "\"sysctl\": {\"\": \"1\"}", "is not valid");
}

static void test_capabilities(void **state)
{
	(void)state;
	expect_ok("",
		  "\"capabilities\": {\"bounding\": [\"CAP_KILL\"], \"effective\": [\"CAP_KILL\"],"
		  " \"permitted\": [\"CAP_KILL\", \"CAP_CHOWN\"], \"inheritable\": [\"CAP_KILL\"],"
		  " \"ambient\": [\"CAP_KILL\"]}",
		  "");
	expect_refused("", "\"capabilities\": {\"effective\": [\"CAP_CHOWN\"]}", "",
		       "process.capabilities.effective: CAP_CHOWN is not in the permitted set");
	expect_refused("", "\"capabilities\": {\"inheritable\": [\"CAP_FOWNER\"]}", "",
		       "process.capabilities.inheritable: CAP_FOWNER is not in the bounding set");
	expect_refused("",
		       "\"capabilities\": {\"bounding\": [\"CAP_KILL\"], \"permitted\": "
		       "[\"CAP_KILL\"], \"ambient\": [\"CAP_KILL\"]}",
		       "", "process.capabilities.ambient: CAP_KILL is not in both");
}

static void test_seccomp(void **state)
{
	(void)state;
	expect_ok("", "",
		  "\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
		  "[\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"], \"syscalls\": ["
		  "{\"names\": [\"read\", \"no_such_call\"], \"action\": \"SCMP_ACT_ALLOW\"},"
		  "{\"names\": [\"write\"], \"action\": \"SCMP_ACT_ERRNO\"},"
		  "{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
		  "{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"},"
		  "{\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"}]}]}");
	expect_refused("", "",
		       "\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
		       "[{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}",
		       "linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY is not supported");
	expect_refused("", "", "\"seccomp\": {\"defaultAction\": \"SCMP_ACT_NOTIFY\"}",
		       "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY is not supported");
	expect_refused("", "",
		       "\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": "
		       "\"/run/x.sock\"}",
		       "linux.seccomp.listenerPath: not supported");
}

static void test_creds_dynamic(void **state)
{
	static const struct {
		const char *process;
		bool dynamic;
	} cases[] = {
	    {"\"noNewPrivileges\": true", false},
	    {"\"noNewPrivileges\": false", true},
	    {"\"noNewPrivileges\": true, \"capabilities\": {\"bounding\": []}", false},
	    /* moat spec's: nothing the gofer acts with can change */
	    {"\"noNewPrivileges\": true, \"capabilities\": {\"bounding\": [\"CAP_KILL\", "
	     "\"CAP_AUDIT_WRITE\", \"CAP_NET_BIND_SERVICE\"], \"effective\": [\"CAP_KILL\"], "
	     "\"permitted\": [\"CAP_KILL\"]}",
	     false},
	    /* container root regains its bounding set at execve */
	    {"\"noNewPrivileges\": true, \"capabilities\": {\"bounding\": [\"CAP_DAC_OVERRIDE\"]}",
	     true},
	    {"\"noNewPrivileges\": true, \"capabilities\": {\"permitted\": [\"CAP_CHOWN\"]}", true},
	    {"\"noNewPrivileges\": true, \"capabilities\": {\"bounding\": [\"CAP_SETUID\"]}", true},
	    {"\"noNewPrivileges\": true, \"capabilities\": {\"ambient\": [\"CAP_SETGID\"]}", true},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[1024];
		struct oci_config cfg;
		struct moat_error err = {0};

		snprintf(text, sizeof(text),
			 "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"process\": "
			 "{\"args\": [\"sh\"], \"cwd\": \"/\", %s}}",
			 cases[i].process);
		assert_int_equal(oci_config_parse("c.json", text, strlen(text), &cfg, &err), 0);
		if (container_process_creds_dynamic(&cfg.process) != cases[i].dynamic)
			fail_msg("case %zu (%s): expected %d", i, cases[i].process,
				 cases[i].dynamic);
		oci_config_free(&cfg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sysctl),
	    cmocka_unit_test(test_capabilities),
	    cmocka_unit_test(test_seccomp),
	    cmocka_unit_test(test_creds_dynamic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
