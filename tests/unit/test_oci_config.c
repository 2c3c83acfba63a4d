/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/oci_*.c: config.json parsing and validation, error positions, mount
 * options, `moat spec` and `moat features` output. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <linux/capability.h>
#include <seccomp.h>

#include "runtime/oci_config.h"
#include "runtime/oci_parse.h"

#define CAPBIT(c) (UINT64_C(1) << (c))

/* runc spec output, plus what runc spec leaves out: resources, hooks, seccomp,
 * devices, id mappings, idmapped and bind mounts. */
static const char full_config[] =
    "{\n"
    "  \"ociVersion\": \"1.2.0\",\n"
    "  \"process\": {\n"
    "    \"terminal\": true,\n"
    "    \"consoleSize\": {\"height\": 25, \"width\": 80},\n"
    "    \"user\": {\"uid\": 1000, \"gid\": 1001, \"umask\": 18, \"additionalGids\": [5, 27]},\n"
    "    \"args\": [\"sh\", \"-c\", \"echo hi\"],\n"
    "    \"env\": [\"PATH=/usr/bin:/bin\", \"TERM=xterm\", \"EMPTY=\"],\n"
    "    \"cwd\": \"/work\",\n"
    "    \"capabilities\": {\n"
    "      \"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\", "
    "\"CAP_SYS_ADMIN\"],\n"
    "      \"effective\": [\"CAP_KILL\"],\n"
    "      \"inheritable\": [],\n"
    "      \"permitted\": [\"CAP_KILL\", \"CAP_CHECKPOINT_RESTORE\"],\n"
    "      \"ambient\": [\"CAP_CHOWN\"]\n"
    "    },\n"
    "    \"rlimits\": [\n"
    "      {\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024},\n"
    "      {\"type\": \"RLIMIT_CORE\", \"hard\": 18446744073709551615, \"soft\": 0}\n"
    "    ],\n"
    "    \"noNewPrivileges\": true,\n"
    "    \"oomScoreAdj\": -500,\n"
    "    \"apparmorProfile\": \"docker-default\",\n"
    "    \"selinuxLabel\": \"system_u:system_r:container_t:s0\",\n"
    "    \"scheduler\": {\"policy\": \"SCHED_OTHER\"}\n"
    "  },\n"
    "  \"root\": {\"path\": \"rootfs\", \"readonly\": true},\n"
    "  \"hostname\": \"box\",\n"
    "  \"domainname\": \"example.org\",\n"
    "  \"mounts\": [\n"
    "    {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},\n"
    "    {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
    "     \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},\n"
    "    {\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"/srv/data\",\n"
    "     \"options\": [\"rbind\", \"rro\", \"rslave\", \"idmap\"],\n"
    "     \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}],\n"
    "     \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]},\n"
    "    {\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\",\n"
    "     \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\"]}\n"
    "  ],\n"
    "  \"hooks\": {\n"
    "    \"prestart\": [{\"path\": \"/usr/bin/netns-setup\", \"args\": [\"netns-setup\", \"up\"],\n"
    "                  \"env\": [\"A=1\"], \"timeout\": 5}],\n"
    "    \"createRuntime\": [{\"path\": \"/bin/true\"}],\n"
    "    \"createContainer\": [{\"path\": \"/bin/true\"}],\n"
    "    \"startContainer\": [{\"path\": \"/bin/true\"}],\n"
    "    \"poststart\": [{\"path\": \"/bin/true\"}, {\"path\": \"/bin/false\"}],\n"
    "    \"poststop\": [{\"path\": \"/usr/bin/cleanup\", \"timeout\": 30}]\n"
    "  },\n"
    "  \"annotations\": {\"org.opencontainers.image.os\": \"linux\", \"com.example.key\": \"v\"},\n"
    "  \"linux\": {\n"
    "    \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}],\n"
    "    \"gidMappings\": [{\"containerID\": 0, \"hostID\": 200000, \"size\": 1000}],\n"
    "    \"sysctl\": {\"net.ipv4.ip_forward\": \"1\", \"kernel.msgmax\": \"8192\"},\n"
    "    \"resources\": {\n"
    "      \"devices\": [{\"allow\": false, \"access\": \"rwm\"},\n"
    "                  {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": "
    "\"rw\"}],\n"
    "      \"memory\": {\"limit\": 536870912, \"reservation\": 268435456, \"swap\": -1,\n"
    "                 \"swappiness\": 10, \"disableOOMKiller\": true, \"kernel\": 1},\n"
    "      \"cpu\": {\"shares\": 1024, \"quota\": 50000, \"period\": 100000, \"cpus\": \"0-1\",\n"
    "              \"mems\": \"0\", \"idle\": 0},\n"
    "      \"pids\": {\"limit\": 64},\n"
    "      \"blockIO\": {\"weight\": 500, \"leafWeight\": 300},\n"
    "      \"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 209715200}],\n"
    "      \"unified\": {\"memory.high\": \"400M\"}\n"
    "    },\n"
    "    \"cgroupsPath\": \"/moat/box\",\n"
    "    \"namespaces\": [\n"
    "      {\"type\": \"pid\"}, {\"type\": \"network\", \"path\": \"/var/run/netns/box\"},\n"
    "      {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"user\"},\n"
    "      {\"type\": \"cgroup\"}\n"
    "    ],\n"
    "    \"devices\": [\n"
    "      {\"type\": \"c\", \"path\": \"/dev/fuse\", \"major\": 10, \"minor\": 229,\n"
    "       \"fileMode\": 438, \"uid\": 0, \"gid\": 0},\n"
    "      {\"type\": \"p\", \"path\": \"/dev/fifo\"}\n"
    "    ],\n"
    "    \"seccomp\": {\n"
    "      \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1,\n"
    "      \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],\n"
    "      \"flags\": [\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],\n"
    "      \"syscalls\": [\n"
    "        {\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"},\n"
    "        {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
    "         \"args\": [{\"index\": 0, \"value\": 4294967295, \"op\": \"SCMP_CMP_EQ\"},\n"
    "                  {\"index\": 1, \"value\": 18446744073709551615, \"valueTwo\": 8,\n"
    "                   \"op\": \"SCMP_CMP_MASKED_EQ\"}]},\n"
    "        {\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}\n"
    "      ]\n"
    "    },\n"
    "    \"rootfsPropagation\": \"rslave\",\n"
    "    \"maskedPaths\": [\"/proc/kcore\", \"/sys/firmware\"],\n"
    "    \"readonlyPaths\": [\"/proc/sys\"],\n"
    "    \"mountLabel\": \"system_u:object_r:container_file_t:s0\",\n"
    "    \"intelRdt\": {\"closID\": \"x\"}\n"
    "  },\n"
    "  \"windows\": {\"ignored\": true},\n"
    "  \"someFutureField\": [1, 2, 3]\n"
    "}\n";

static int parse(const char *text, struct oci_config *cfg, struct moat_error *err)
{
	memset(err, 0, sizeof(*err));
	return oci_config_parse("/b/config.json", text, strlen(text), cfg, err);
}

static void test_full_config_process(void **state)
{
	struct oci_config cfg;
	struct moat_error err;
	const struct oci_process *p = &cfg.process;

	assert_int_equal(parse(full_config, &cfg, &err), 0);
	assert_string_equal(cfg.oci_version, "1.2.0");
	assert_true(cfg.has_process);
	assert_true(p->terminal);
	assert_true(p->console_size_set);
	assert_int_equal(p->console_height, 25);
	assert_int_equal(p->console_width, 80);
	assert_int_equal(p->user.uid, 1000);
	assert_int_equal(p->user.gid, 1001);
	assert_true(p->user.umask.set);
	assert_int_equal(p->user.umask.value, 022);
	assert_int_equal(p->user.n_additional_gids, 2);
	assert_int_equal(p->user.additional_gids[1], 27);
	assert_int_equal(p->n_args, 3);
	assert_string_equal(p->args[2], "echo hi");
	assert_null(p->args[3]);
	assert_int_equal(p->n_env, 3);
	assert_string_equal(p->env[2], "EMPTY=");
	assert_null(p->env[3]);
	assert_string_equal(p->cwd, "/work");
	assert_true(p->capabilities.present);
	assert_int_equal(p->capabilities.bounding, CAPBIT(CAP_AUDIT_WRITE) | CAPBIT(CAP_KILL) |
						       CAPBIT(CAP_NET_BIND_SERVICE) |
						       CAPBIT(CAP_SYS_ADMIN));
	assert_int_equal(p->capabilities.effective, CAPBIT(CAP_KILL));
	assert_int_equal(p->capabilities.inheritable, 0);
	assert_int_equal(p->capabilities.permitted, CAPBIT(CAP_KILL) | CAPBIT(40));
	assert_int_equal(p->capabilities.ambient, CAPBIT(CAP_CHOWN));
	assert_int_equal(p->n_rlimits, 2);
	assert_int_equal(p->rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(p->rlimits[0].soft, 1024);
	assert_int_equal(p->rlimits[1].resource, RLIMIT_CORE);
	assert_true(p->rlimits[1].hard == UINT64_MAX);
	assert_true(p->no_new_privileges);
	assert_true(p->oom_score_adj.set);
	assert_int_equal(p->oom_score_adj.value, -500);
	assert_string_equal(p->apparmor_profile, "docker-default");
	assert_string_equal(p->selinux_label, "system_u:system_r:container_t:s0");
	oci_config_free(&cfg);
}

static void test_full_config_top_mounts_hooks(void **state)
{
	struct oci_config cfg;
	struct moat_error err;
	const struct oci_mount *m;

	assert_int_equal(parse(full_config, &cfg, &err), 0);
	assert_string_equal(cfg.root_path, "rootfs");
	assert_true(cfg.root_readonly);
	assert_string_equal(cfg.hostname, "box");
	assert_string_equal(cfg.domainname, "example.org");
	assert_int_equal(cfg.n_mounts, 4);
	m = &cfg.mounts[0];
	assert_string_equal(m->destination, "/proc");
	assert_int_equal(m->n_options, 0);
	assert_string_equal(m->parsed.data, "");
	m = &cfg.mounts[1];
	assert_int_equal(m->parsed.flags, MS_NOSUID | MS_STRICTATIME);
	assert_string_equal(m->parsed.data, "mode=755,size=65536k");
	m = &cfg.mounts[2];
	assert_string_equal(m->source, "/srv/data");
	assert_int_equal(m->parsed.flags, MS_BIND | MS_REC);
	assert_true(m->parsed.rec_attr_set == MOUNT_ATTR_RDONLY);
	assert_int_equal(m->parsed.n_propagation, 1);
	assert_int_equal(m->parsed.propagation[0], MS_SLAVE | MS_REC);
	assert_int_equal(m->parsed.idmap, OCI_MOUNT_IDMAP);
	assert_int_equal(m->n_uid_mappings, 1);
	assert_int_equal(m->uid_mappings[0].host_id, 100000);
	assert_int_equal(m->gid_mappings[0].size, 65536);
	m = &cfg.mounts[3];
	assert_int_equal(m->parsed.flags,
			 MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY);

	for (int k = 0; k < OCI_HOOK_COUNT; k++)
		assert_true(cfg.hooks[k].n_hooks >= 1);
	assert_string_equal(cfg.hooks[OCI_HOOK_PRESTART].hooks[0].path, "/usr/bin/netns-setup");
	assert_string_equal(cfg.hooks[OCI_HOOK_PRESTART].hooks[0].args[1], "up");
	assert_string_equal(cfg.hooks[OCI_HOOK_PRESTART].hooks[0].env[0], "A=1");
	assert_int_equal(cfg.hooks[OCI_HOOK_PRESTART].hooks[0].timeout.value, 5);
	assert_int_equal(cfg.hooks[OCI_HOOK_POSTSTART].n_hooks, 2);
	assert_false(cfg.hooks[OCI_HOOK_CREATE_RUNTIME].hooks[0].timeout.set);
	assert_int_equal(cfg.hooks[OCI_HOOK_POSTSTOP].hooks[0].timeout.value, 30);
	assert_int_equal(cfg.n_annotations, 2);
	assert_string_equal(cfg.annotations[0].key, "org.opencontainers.image.os");
	assert_string_equal(cfg.annotations[0].value, "linux");

	/* Recognised but not implemented: recorded, in table order. */
	assert_int_equal(cfg.n_unsupported, 6);
	assert_string_equal(cfg.unsupported[0], "process.apparmorProfile");
	assert_string_equal(cfg.unsupported[2], "process.scheduler");
	assert_string_equal(cfg.unsupported[3], "linux.mountLabel");
	assert_string_equal(cfg.unsupported[4], "linux.intelRdt");
	assert_string_equal(cfg.unsupported[5], "linux.resources.memory.kernel");
	oci_config_free(&cfg);
}

static void test_full_config_linux(void **state)
{
	struct oci_config cfg;
	struct moat_error err;
	const struct oci_linux *l = &cfg.linux_config;
	const struct oci_resources *res = &l->resources;
	const struct oci_seccomp *sc = &l->seccomp;

	assert_int_equal(parse(full_config, &cfg, &err), 0);
	assert_true(cfg.has_linux);
	assert_int_equal(l->n_namespaces, 7);
	assert_int_equal(l->namespaces[1].type, OCI_NS_NETWORK);
	assert_string_equal(l->namespaces[1].path, "/var/run/netns/box");
	assert_null(oci_config_namespace(&cfg, OCI_NS_PID)->path);
	assert_non_null(oci_config_namespace(&cfg, OCI_NS_USER));
	assert_null(oci_config_namespace(&cfg, OCI_NS_TIME));
	assert_int_equal(l->n_uid_mappings, 1);
	assert_int_equal(l->gid_mappings[0].host_id, 200000);
	assert_int_equal(l->gid_mappings[0].size, 1000);
	assert_int_equal(l->n_sysctl, 2);
	assert_string_equal(l->sysctl[1].key, "kernel.msgmax");
	assert_string_equal(l->sysctl[1].value, "8192");
	assert_string_equal(l->cgroups_path, "/moat/box");
	assert_int_equal(l->rootfs_propagation, MS_SLAVE | MS_REC);
	assert_int_equal(l->n_masked_paths, 2);
	assert_string_equal(l->readonly_paths[0], "/proc/sys");
	assert_string_equal(l->mount_label, "system_u:object_r:container_file_t:s0");
	assert_int_equal(l->n_devices, 2);
	assert_int_equal(l->devices[0].type, 'c');
	assert_int_equal(l->devices[0].major, 10);
	assert_int_equal(l->devices[0].minor, 229);
	assert_int_equal(l->devices[0].file_mode.value, 0666);
	assert_int_equal(l->devices[1].type, 'p');

	assert_true(res->present);
	assert_int_equal(res->n_devices, 2);
	assert_false(res->devices[0].allow);
	assert_int_equal(res->devices[0].type, 'a');
	assert_int_equal(res->devices[0].major, -1);
	assert_string_equal(res->devices[0].access, "rwm");
	assert_int_equal(res->devices[1].type, 'c');
	assert_int_equal(res->devices[1].minor, 3);
	assert_int_equal(res->memory.limit.value, 536870912);
	assert_int_equal(res->memory.reservation.value, 268435456);
	assert_int_equal(res->memory.swap.value, -1);
	assert_int_equal(res->memory.swappiness.value, 10);
	assert_true(res->memory.disable_oom_killer);
	assert_int_equal(res->cpu.shares.value, 1024);
	assert_int_equal(res->cpu.quota.value, 50000);
	assert_int_equal(res->cpu.period.value, 100000);
	assert_false(res->cpu.burst.set);
	assert_string_equal(res->cpu.cpus, "0-1");
	assert_string_equal(res->cpu.mems, "0");
	assert_true(res->cpu.idle.set);
	assert_int_equal(res->pids_limit.value, 64);
	assert_int_equal(res->block_io.weight.value, 500);
	assert_int_equal(res->block_io.leaf_weight.value, 300);
	assert_string_equal(res->hugepage_limits[0].page_size, "2MB");
	assert_int_equal(res->hugepage_limits[0].limit, 209715200);
	assert_string_equal(res->unified[0].key, "memory.high");

	assert_true(sc->present);
	assert_int_equal(sc->default_action, SCMP_ACT_ERRNO(0));
	assert_int_equal(sc->default_errno_ret.value, 1);
	assert_int_equal(sc->n_architectures, 3);
	assert_int_equal(sc->architectures[0], SCMP_ARCH_X86_64);
	assert_true(sc->flags_set);
	assert_int_equal(sc->flags, 4 /* SECCOMP_FILTER_FLAG_SPEC_ALLOW */);
	assert_int_equal(sc->n_syscalls, 3);
	assert_int_equal(sc->syscalls[0].n_names, 2);
	assert_string_equal(sc->syscalls[0].names[1], "write");
	assert_int_equal(sc->syscalls[0].action, SCMP_ACT_ALLOW);
	assert_int_equal(sc->syscalls[1].n_args, 2);
	assert_int_equal(sc->syscalls[1].args[0].value, 4294967295u);
	assert_int_equal(sc->syscalls[1].args[0].op, SCMP_CMP_EQ);
	assert_true(sc->syscalls[1].args[1].value == UINT64_MAX);
	assert_int_equal(sc->syscalls[1].args[1].value_two, 8);
	assert_int_equal(sc->syscalls[1].args[1].op, SCMP_CMP_MASKED_EQ);
	assert_int_equal(sc->syscalls[2].errno_ret.value, 38);
	oci_config_free(&cfg);
}

static void test_minimal_and_nulls(void **state)
{
	struct oci_config cfg;
	struct moat_error err;

	assert_int_equal(
	    parse("{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"}}", &cfg, &err), 0);
	assert_false(cfg.has_process);
	assert_false(cfg.has_linux);
	assert_null(cfg.hostname);
	oci_config_free(&cfg);
	/* null is absent, as in runc (Go's encoding/json). */
	assert_int_equal(parse("{\"ociVersion\": \"1.0.2-dev\", \"root\": {\"path\": \"r\"},"
			       " \"hostname\": null, \"mounts\": null,"
			       " \"process\": {\"args\": [\"x\"], \"cwd\": \"/\", \"env\": null},"
			       " \"linux\": {\"seccomp\": {}, \"namespaces\": null}}",
			       &cfg, &err),
			 0);
	assert_null(cfg.hostname);
	assert_int_equal(cfg.n_mounts, 0);
	assert_null(cfg.process.env);
	assert_false(cfg.linux_config.seccomp.present);
	oci_config_free(&cfg);
}

/* Expect text to fail with exactly msg. */
static void expect_error(const char *text, const char *msg)
{
	struct oci_config cfg;
	struct moat_error err;

	assert_true(parse(text, &cfg, &err) < 0);
	assert_int_equal(err.code, EINVAL);
	assert_string_equal(err.msg, msg);
	assert_null(cfg.oci_version); /* left empty */
}

#define HEAD "{\n  \"ociVersion\": \"1.0.2\",\n  \"root\": {\"path\": \"rootfs\"},\n"

static void test_error_positions(void **state)
{
	expect_error(HEAD "  \"process\": {\n"
			  "    \"cwd\": \"/\",\n"
			  "    \"args\": [\"sh\"],\n"
			  "    \"user\": {\"uid\": \"0\", \"gid\": 0}\n"
			  "  }\n}\n",
		     "/b/config.json: line 7, column 21: process.user.uid: expected an integer, "
		     "got string");
	/* Deep inside an array. */
	expect_error(HEAD "  \"mounts\": [\n"
			  "    {\"destination\": \"/a\"},\n"
			  "    {\"destination\": \"/b\", \"options\": [\"ro\", \"nosuid\", 7]}\n"
			  "  ]\n}\n",
		     "/b/config.json: line 6, column 55: mounts[1].options[2]: expected a string, "
		     "got integer");
	/* Syntax: jansson's own position and text. */
	expect_error(
	    HEAD "  \"hostname\": \"x\",,\n}\n",
	    "/b/config.json: line 4, column 19: invalid JSON: string or '}' expected near ','");
	expect_error("[1, 2]", "/b/config.json: line 1, column 1: expected an object, got array");
	/* A key given twice: jansson keeps the last, and so does the locator. */
	expect_error(HEAD "  \"hostname\": \"x\",\n  \"hostname\": false\n}\n",
		     "/b/config.json: line 5, column 15: hostname: expected a string, got boolean");
	/* Keys that are not identifiers are quoted in the path. */
	expect_error(HEAD "  \"annotations\": {\"a.b\": 1}\n}\n",
		     "/b/config.json: line 4, column 26: annotations[\"a.b\"]: expected a string, "
		     "got integer");
}

static void test_missing_required(void **state)
{
	/* Placed at the object that lacks the field. */
	expect_error(HEAD "  \"process\": {\"cwd\": \"/\"}\n}\n",
		     "/b/config.json: line 4, column 14: process.args: required field is missing");
	expect_error("{\"ociVersion\": \"1.0.0\", \"root\": {\"readonly\": true}}",
		     "/b/config.json: line 1, column 33: root.path: required field is missing");
	expect_error("{\"ociVersion\": \"1.0.0\"}",
		     "/b/config.json: line 1, column 1: root: required field is missing");
	expect_error("{\"root\": {\"path\": \"r\"}}",
		     "/b/config.json: line 1, column 1: ociVersion: required field is missing");
	expect_error(HEAD "  \"process\": {\"args\": [], \"cwd\": \"/\"}\n}\n",
		     "/b/config.json: line 4, column 23: process.args: must hold at least the "
		     "program to run");
	expect_error(
	    HEAD "  \"linux\": {\"resources\": {\"devices\": [{\"allow\": true}]}}\n}\n",
	    "/b/config.json: line 4, column 39: linux.resources.devices[0].access: required "
	    "field is missing");
}

static void test_bad_values(void **state)
{
	expect_error("{\"ociVersion\": \"2.0.0\", \"root\": {\"path\": \"r\"}}",
		     "/b/config.json: line 1, column 16: ociVersion: unsupported version \"2.0.0\" "
		     "(moat reads 1.x, up to " OCI_VERSION_SPEC ")");
	expect_error("{\"ociVersion\": \"1.x\", \"root\": {\"path\": \"r\"}}",
		     "/b/config.json: line 1, column 16: ociVersion: unsupported version \"1.x\" "
		     "(moat reads 1.x, up to " OCI_VERSION_SPEC ")");
	expect_error(HEAD "  \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\",\n"
			  "    \"capabilities\": {\"bounding\": [\"CAP_KILL\", \"CAP_FLY\"]}}\n}\n",
		     "/b/config.json: line 5, column 47: process.capabilities.bounding[1]: unknown "
		     "capability \"CAP_FLY\"");
	expect_error(
	    HEAD "  \"process\": {\"args\": [\"sh\"], \"cwd\": \"tmp\"}\n}\n",
	    "/b/config.json: line 4, column 38: process.cwd: must be an absolute path, got "
	    "\"tmp\"");
	expect_error(HEAD "  \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"rlimits\": [\n"
			  "    {\"type\": \"RLIMIT_NOFILES\", \"hard\": 1, \"soft\": 1}]}\n}\n",
		     "/b/config.json: line 5, column 14: process.rlimits[0].type: unknown rlimit "
		     "\"RLIMIT_NOFILES\"");
	expect_error(HEAD "  \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"rlimits\": [\n"
			  "    {\"type\": \"RLIMIT_NOFILE\", \"hard\": 1, \"soft\": 1},\n"
			  "    {\"type\": \"RLIMIT_NOFILE\", \"hard\": 2, \"soft\": 3}]}\n}\n",
		     "/b/config.json: line 6, column 14: process.rlimits[1].type: duplicate rlimit "
		     "\"RLIMIT_NOFILE\"");
	expect_error(HEAD "  \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"rlimits\": [\n"
			  "    {\"type\": \"RLIMIT_CORE\", \"hard\": 1, \"soft\": 3}]}\n}\n",
		     "/b/config.json: line 5, column 48: process.rlimits[0].soft: soft limit is "
		     "above the hard limit");
	expect_error(
	    HEAD "  \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"vm\"}]}\n}\n",
	    "/b/config.json: line 4, column 54: linux.namespaces[1].type: unknown namespace "
	    "type \"vm\"");
	expect_error(HEAD
		     "  \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"ipc\"},\n"
		     "    {\"type\": \"pid\", \"path\": \"/proc/1/ns/pid\"}]}\n}\n",
		     "/b/config.json: line 5, column 14: linux.namespaces[2].type: duplicate "
		     "namespace \"pid\"");
	expect_error(
	    HEAD
	    "  \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"env\": [\"A=1\", \"B\"]}\n}\n",
	    "/b/config.json: line 4, column 58: process.env[1]: \"B\" is not NAME=value "
	    "(missing '=')");
	expect_error(HEAD "  \"hostname\": \"h\"\n}\n",
		     "/b/config.json: line 4, column 15: hostname: cannot be set without a uts "
		     "namespace in linux.namespaces");
	expect_error(
	    HEAD "  \"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
		 "    \"syscalls\": [{\"names\": [\"x\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
		 "      \"args\": [{\"index\": 6, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}}\n}\n",
	    "/b/config.json: line 6, column 26: linux.seccomp.syscalls[0].args[0].index: 6 "
	    "is out of range (at most 5)");
	expect_error(
	    HEAD "  \"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_DENY\"}}\n}\n",
	    "/b/config.json: line 4, column 42: linux.seccomp.defaultAction: unknown action "
	    "\"SCMP_ACT_DENY\"");
	expect_error(
	    HEAD "  \"hooks\": {\"poststop\": [{\"path\": \"cleanup\"}]}\n}\n",
	    "/b/config.json: line 4, column 35: hooks.poststop[0].path: must be an absolute "
	    "path, got \"cleanup\"");
}

static void test_integer_ranges(void **state)
{
	expect_error(
	    HEAD "  \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": "
		 "4294967296}}\n}\n",
	    "/b/config.json: line 4, column 59: process.user.uid: 4294967296 is out of range "
	    "(at most 4294967295)");
	expect_error(
	    HEAD
	    "  \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": -1}}\n}\n",
	    "/b/config.json: line 4, column 59: process.user.uid: expected a non-negative "
	    "integer, got -1");
	expect_error(
	    HEAD
	    "  \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 1.5}}\n}\n",
	    "/b/config.json: line 4, column 59: process.user.uid: expected an integer, got "
	    "number");
	expect_error(
	    HEAD
	    "  \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"rlimits\": [\n"
	    "    {\"type\": \"RLIMIT_CORE\", \"hard\": 99999999999999999999, \"soft\": 1}]}\n}\n",
	    "/b/config.json: line 5, column 37: process.rlimits[0].hard: "
	    "99999999999999999999 is out of range (at most 18446744073709551615)");
	expect_error(HEAD "  \"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_LOG\",\n"
			  "    \"defaultErrnoRet\": -99999999999999999999}}\n}\n",
		     "/b/config.json: line 5, column 24: linux.seccomp.defaultErrnoRet: expected a "
		     "non-negative integer, got -99999999999999999999");
	expect_error(
	    HEAD
	    "  \"linux\": {\"resources\": {\"memory\": {\"limit\": -99999999999999999999}}}\n}\n",
	    "/b/config.json: line 4, column 47: linux.resources.memory.limit: "
	    "-99999999999999999999 is out of range "
	    "(-9223372036854775808..9223372036854775807)");
	expect_error(
	    HEAD "  \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"oomScoreAdj\": 1001}\n}\n",
	    "/b/config.json: line 4, column 58: process.oomScoreAdj: 1001 is out of range "
	    "(-1000..1000)");
}

/* The locator on its own: keys with escapes, duplicates, indices, misses. */
static void test_locator(void **state)
{
	const char *t = "{\"a\": {\"b\\u00e9\": [10, {\"c\": 1}, [true]]},\n"
			" \"\xc3\xa9t\xc3\xa9\": 2, \"a\": {\"x\": \"}\\\"{\", \"y\": 3}}";
	struct oci_json_step p1[] = {{"a", 0}, {"y", 0}};
	struct oci_json_step p2[] = {{"a", 0}, {"x", 0}};
	struct oci_json_step p3[] = {{"\xc3\xa9t\xc3\xa9", 0}};
	struct oci_json_step p4[] = {{"a", 0}, {"nope", 0}};
	size_t off;
	int line, col;

	/* "a" appears twice: the second wins, as in jansson. */
	assert_int_equal(oci_json_locate(t, strlen(t), p1, 2, &off), 2);
	assert_int_equal(t[off], '3');
	assert_int_equal(oci_json_locate(t, strlen(t), p2, 2, &off), 2);
	assert_memory_equal(t + off, "\"}\\\"{\"", 6);
	assert_int_equal(oci_json_locate(t, strlen(t), p3, 1, &off), 1);
	oci_json_line_column(t, strlen(t), off, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 9); /* characters, not bytes */
	assert_int_equal(oci_json_locate(t, strlen(t), p4, 2, &off), 1);
	assert_int_equal(t[off], '{');
	{
		const char *u = "{\"a\": {\"b\\u00e9\": [10, {\"c\": 1}, [true]]}}";
		struct oci_json_step deep[] = {{"a", 0}, {"b\xc3\xa9", 0}, {NULL, 2}, {NULL, 0}};
		struct oci_json_step past[] = {{"a", 0}, {"b\xc3\xa9", 0}, {NULL, 3}};

		assert_int_equal(oci_json_locate(u, strlen(u), deep, 4, &off), 4);
		assert_memory_equal(u + off, "true", 4);
		assert_int_equal(oci_json_locate(u, strlen(u), past, 3, &off), 2);
		assert_int_equal(u[off], '[');
	}
	/* Malformed or empty text never reads past the end. */
	assert_int_equal(oci_json_locate("{\"a\": [1, 2", 11, p1, 2, &off), -EINVAL);
	assert_int_equal(oci_json_locate("{\"a\"", 4, p1, 2, &off), -EINVAL);
	assert_int_equal(oci_json_locate("   ", 3, p1, 2, &off), -EINVAL);
}

static void test_widen_integers(void **state)
{
	char t[] = "{\"a\": 18446744073709551615, \"b\": \"99999999999999999999\", \"c\": -1,"
		   " \"d\": -9223372036854775809, \"e\": 9223372036854775807}";

	oci_json_widen_integers(t, strlen(t));
	assert_non_null(strstr(t, "184467440737095516e2,"));
	assert_non_null(strstr(t, "\"99999999999999999999\"")); /* strings untouched */
	assert_non_null(strstr(t, "-92233720368547758e2,"));
	assert_non_null(strstr(t, "9223372036854775807}"));
}

struct mount_case {
	const char *options; /* comma-separated */
	unsigned long flags, clear;
	unsigned long prop0;
	uint64_t rec_set, rec_clr;
	unsigned ext;
	enum oci_mount_idmap idmap;
	const char *data;
};

static void test_mount_options(void **state)
{
	static const struct mount_case cases[] = {
	    {"ro,nosuid,nodev,noexec", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, 0, 0, 0, 0,
	     0, ""},
	    {"ro,rw", 0, MS_RDONLY, 0, 0, 0, 0, 0, ""},
	    {"rw,ro", MS_RDONLY, 0, 0, 0, 0, 0, 0, ""},
	    {"suid,dev,exec", 0, MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, 0, 0, 0, 0, ""},
	    {"bind", MS_BIND, 0, 0, 0, 0, 0, 0, ""},
	    {"rbind,rprivate", MS_BIND | MS_REC, 0, MS_PRIVATE | MS_REC, 0, 0, 0, 0, ""},
	    {"private", 0, 0, MS_PRIVATE, 0, 0, 0, 0, ""},
	    {"shared", 0, 0, MS_SHARED, 0, 0, 0, 0, ""},
	    {"rshared", 0, 0, MS_SHARED | MS_REC, 0, 0, 0, 0, ""},
	    {"slave", 0, 0, MS_SLAVE, 0, 0, 0, 0, ""},
	    {"rslave", 0, 0, MS_SLAVE | MS_REC, 0, 0, 0, 0, ""},
	    {"relatime,norelatime", 0, MS_RELATIME, 0, 0, 0, 0, 0, ""},
	    {"strictatime,noatime,nodiratime", MS_STRICTATIME | MS_NOATIME | MS_NODIRATIME, 0, 0, 0,
	     0, 0, 0, ""},
	    {"sync,async", 0, MS_SYNCHRONOUS, 0, 0, 0, 0, 0, ""},
	    {"remount,mand,dirsync", MS_REMOUNT | MS_MANDLOCK | MS_DIRSYNC, 0, 0, 0, 0, 0, 0, ""},
	    {"rro,rnosuid", 0, 0, 0, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID, 0, 0, 0, ""},
	    {"rro,rrw", 0, 0, 0, 0, MOUNT_ATTR_RDONLY, 0, 0, ""},
	    {"rnoatime", 0, 0, 0, MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME, 0, 0, ""},
	    {"tmpcopyup", 0, 0, 0, 0, 0, OCI_MOUNT_EXT_TMPCOPYUP, 0, ""},
	    {"idmap", 0, 0, 0, 0, 0, 0, OCI_MOUNT_IDMAP, ""},
	    {"ridmap", 0, 0, 0, 0, 0, 0, OCI_MOUNT_IDMAP_RECURSIVE, ""},
	    {"defaults", 0, 0, 0, 0, 0, 0, 0, ""},
	    {"mode=755,nosuid,size=65536k,uid=0,weird", MS_NOSUID, 0, 0, 0, 0, 0, 0,
	     "mode=755,size=65536k,uid=0,weird"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mount_case *c = &cases[i];
		char buf[256], *opts[16], *save = NULL;
		size_t n = 0;
		struct oci_mount_flags f;

		snprintf(buf, sizeof(buf), "%s", c->options);
		for (char *o = strtok_r(buf, ",", &save); o; o = strtok_r(NULL, ",", &save))
			opts[n++] = o;
		assert_int_equal(oci_mount_options_parse(opts, n, &f), 0);
		if (f.flags != c->flags || f.clear_flags != c->clear ||
		    f.rec_attr_set != c->rec_set || f.rec_attr_clr != c->rec_clr ||
		    f.extensions != c->ext || f.idmap != c->idmap || strcmp(f.data, c->data) ||
		    (c->prop0 && (f.n_propagation != 1 || f.propagation[0] != c->prop0)) ||
		    (!c->prop0 && f.n_propagation != 0))
			fail_msg(
			    "options \"%s\": flags %#lx clear %#lx rec %#llx/%#llx data \"%s\"",
			    c->options, f.flags, f.clear_flags, (unsigned long long)f.rec_attr_set,
			    (unsigned long long)f.rec_attr_clr, f.data);
		oci_mount_flags_free(&f);
	}
}

static void test_tables(void **state)
{
	for (int c = 0; c <= CAP_LAST_CAP; c++) {
		assert_non_null(oci_capability_name(c));
		assert_int_equal(oci_capability_from_name(oci_capability_name(c)), c);
	}
	assert_int_equal(oci_capability_from_name("CAP_SYS_ADMIN"), CAP_SYS_ADMIN);
	assert_int_equal(oci_capability_from_name("sys_admin"), -1);
	assert_true(oci_capability_kernel_mask() & CAPBIT(CAP_SYS_ADMIN));
	for (int i = 0; oci_namespace_name(i); i++)
		assert_int_equal(oci_namespace_from_name(oci_namespace_name(i)), i);
	assert_int_equal(oci_rlimit_from_name("RLIMIT_NOFILE"), RLIMIT_NOFILE);
	for (int i = 0; oci_mount_option_name(i); i++) {
		assert_non_null(oci_mount_option_lookup(oci_mount_option_name(i)));
		if (oci_mount_option_name(i + 1)) /* sorted, no duplicates */
			assert_true(strcmp(oci_mount_option_name(i), oci_mount_option_name(i + 1)) <
				    0);
	}
	assert_int_equal(oci_seccomp_action_from_name("SCMP_ACT_KILL_PROCESS"),
			 SCMP_ACT_KILL_PROCESS);
	assert_int_equal(oci_seccomp_arch_from_name("SCMP_ARCH_AARCH64"), SCMP_ARCH_AARCH64);
}

static void roundtrip(bool rootless)
{
	char *text = oci_spec_generate(rootless, 1234, 5678);
	struct oci_config cfg;
	struct moat_error err;
	bool has_cgroup_mount = false, has_sysfs = false;

	assert_non_null(text);
	if (parse(text, &cfg, &err) < 0)
		fail_msg("%s", err.msg);
	free(text);
	assert_string_equal(cfg.oci_version, OCI_VERSION_SPEC);
	assert_string_equal(cfg.process.args[0], "sh");
	assert_true(cfg.process.terminal);
	assert_true(cfg.process.no_new_privileges);
	assert_int_equal(cfg.process.capabilities.bounding,
			 CAPBIT(CAP_AUDIT_WRITE) | CAPBIT(CAP_KILL) | CAPBIT(CAP_NET_BIND_SERVICE));
	assert_int_equal(cfg.process.capabilities.effective, cfg.process.capabilities.bounding);
	assert_int_equal(cfg.process.rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(cfg.process.rlimits[0].hard, 1024);
	assert_string_equal(cfg.root_path, "rootfs");
	assert_true(cfg.root_readonly);
	assert_int_equal(cfg.linux_config.n_masked_paths, 11);
	assert_int_equal(cfg.linux_config.n_readonly_paths, 5);
	for (size_t i = 0; i < cfg.n_mounts; i++) {
		has_cgroup_mount |= !strcmp(cfg.mounts[i].destination, "/sys/fs/cgroup");
		if (!strcmp(cfg.mounts[i].destination, "/sys"))
			has_sysfs = !strcmp(cfg.mounts[i].type, "sysfs");
		if (rootless)
			assert_null(strstr(cfg.mounts[i].parsed.data, "gid="));
	}
	assert_non_null(oci_config_namespace(&cfg, OCI_NS_PID));
	assert_non_null(oci_config_namespace(&cfg, OCI_NS_MOUNT));
	assert_non_null(oci_config_namespace(&cfg, OCI_NS_CGROUP));
	if (rootless) {
		assert_non_null(oci_config_namespace(&cfg, OCI_NS_USER));
		assert_null(oci_config_namespace(&cfg, OCI_NS_NETWORK));
		assert_int_equal(cfg.linux_config.n_uid_mappings, 1);
		assert_int_equal(cfg.linux_config.uid_mappings[0].container_id, 0);
		assert_int_equal(cfg.linux_config.uid_mappings[0].host_id, 1234);
		assert_int_equal(cfg.linux_config.gid_mappings[0].host_id, 5678);
		assert_false(cfg.linux_config.resources.present);
		assert_false(has_cgroup_mount);
		assert_false(has_sysfs);
		assert_int_equal(cfg.n_mounts, 6);
	} else {
		assert_null(oci_config_namespace(&cfg, OCI_NS_USER));
		assert_non_null(oci_config_namespace(&cfg, OCI_NS_NETWORK));
		assert_int_equal(cfg.linux_config.resources.n_devices, 1);
		assert_false(cfg.linux_config.resources.devices[0].allow);
		assert_true(has_cgroup_mount);
		assert_true(has_sysfs);
		assert_int_equal(cfg.n_mounts, 7);
	}
	oci_config_free(&cfg);
}

static void test_spec_roundtrip(void **state)
{
	roundtrip(false);
	roundtrip(true);
}

static bool json_has_string(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
	{
		if (json_is_string(v) && !strcmp(json_string_value(v), s))
			return true;
	}
	return false;
}

static void test_features(void **state)
{
	char *text = oci_features_generate("9.9.9");
	json_error_t jerr;
	json_t *f, *lx;

	assert_non_null(text);
	f = json_loads(text, 0, &jerr);
	free(text);
	assert_non_null(f);
	assert_string_equal(json_string_value(json_object_get(f, "ociVersionMax")),
			    OCI_VERSION_SPEC);
	lx = json_object_get(f, "linux");
	for (int i = 0; oci_namespace_name(i); i++)
		assert_true(
		    json_has_string(json_object_get(lx, "namespaces"), oci_namespace_name(i)));
	assert_int_equal(json_array_size(json_object_get(lx, "namespaces")), OCI_NS_COUNT);
	assert_true(json_has_string(json_object_get(lx, "capabilities"), "CAP_SYS_ADMIN"));
	assert_int_equal(json_array_size(json_object_get(lx, "capabilities")), CAP_LAST_CAP + 1);
	for (int i = 0; oci_mount_option_name(i); i++)
		assert_true(
		    json_has_string(json_object_get(f, "mountOptions"), oci_mount_option_name(i)));
	assert_true(json_has_string(json_object_get(f, "hooks"), "createRuntime"));
	assert_true(json_has_string(json_object_get(json_object_get(lx, "seccomp"), "actions"),
				    "SCMP_ACT_NOTIFY"));
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(f, "annotations"), "moat.version")),
	    "9.9.9");
	json_decref(f);
}

static void test_load_and_process_file(void **state)
{
	struct oci_config cfg;
	struct oci_process proc;
	struct moat_error err = {0};

	assert_int_equal(oci_config_load("/nonexistent/config.json", &cfg, &err), -ENOENT);
	assert_string_equal(err.msg, "open /nonexistent/config.json: No such file or directory");
	assert_int_equal(oci_process_parse("process.json",
					   "{\"args\": [\"ls\"], \"cwd\": \"/\", \"terminal\": 1}",
					   43, &proc, &err),
			 -EINVAL);
	assert_string_equal(err.msg, "process.json: line 1, column 42: terminal: expected a "
				     "boolean, got integer");
	assert_int_equal(oci_process_parse("process.json", "{\"args\": [\"ls\"], \"cwd\": \"/\"}",
					   28, &proc, &err),
			 0);
	assert_string_equal(proc.args[0], "ls");
	oci_process_free(&proc);
}

/* Every truncation of a valid config fails cleanly with a positioned message
 * (and, under MOAT_SANITIZE, without leaks). */
static void test_truncations(void **state)
{
	size_t len = strlen(full_config);

	for (size_t n = 0; n + 2 < len; n++) {
		struct oci_config cfg;
		struct moat_error err = {0};

		assert_true(oci_config_parse("/b/config.json", full_config, n, &cfg, &err) < 0);
		if (strncmp(err.msg, "/b/config.json: line ", 21))
			fail_msg("prefix %zu: %s", n, err.msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full_config_process),
	    cmocka_unit_test(test_full_config_top_mounts_hooks),
	    cmocka_unit_test(test_full_config_linux),
	    cmocka_unit_test(test_minimal_and_nulls),
	    cmocka_unit_test(test_error_positions),
	    cmocka_unit_test(test_missing_required),
	    cmocka_unit_test(test_bad_values),
	    cmocka_unit_test(test_integer_ranges),
	    cmocka_unit_test(test_locator),
	    cmocka_unit_test(test_widen_integers),
	    cmocka_unit_test(test_mount_options),
	    cmocka_unit_test(test_tables),
	    cmocka_unit_test(test_spec_roundtrip),
	    cmocka_unit_test(test_features),
	    cmocka_unit_test(test_load_and_process_file),
	    cmocka_unit_test(test_truncations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
