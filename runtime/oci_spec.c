/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `moat spec [--rootless] [--bundle DIR]`: write a starting config.json, the
 * way `runc spec` does (same defaults; hostname "moat"). Differences from
 * runc, on purpose: the cgroup namespace is always included (runc adds it
 * only on a cgroup v2 host; moat's sandboxes always have one), and the
 * rootless variant has no /sys/fs/cgroup mount (an unprivileged user cannot
 * mount the host's v1 hierarchies).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/error.h"
#include "oci_config.h"

const char *const oci_default_masked_paths[] = {
    "/proc/acpi",
    "/proc/asound",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/sys/firmware",
    "/proc/scsi",
    "/sys/devices/virtual/tpm",
    NULL,
};

const char *const oci_default_readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static const char *const default_caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
					   NULL};

static json_t *string_array(const char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; a && v[i]; i++) {
		if (json_array_append_new(a, json_string(v[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static int add_mount(json_t *mounts, const char *dest, const char *type, const char *source,
		     const char *const *options)
{
	json_t *m =
	    json_pack("{s:s, s:s, s:s}", "destination", dest, "type", type, "source", source);

	if (!m)
		return -1;
	if (options && json_object_set_new(m, "options", string_array(options)) < 0) {
		json_decref(m);
		return -1;
	}
	return json_array_append_new(mounts, m);
}

static json_t *spec_mounts(bool rootless)
{
	static const char *const dev[] = {"nosuid", "strictatime", "mode=755", "size=65536k", NULL};
	/* runc's rootless conversion drops uid= and gid= options. */
	static const char *const pts[] = {"nosuid",    "noexec", "newinstance", "ptmxmode=0666",
					  "mode=0620", "gid=5",	 NULL};
	static const char *const pts_rootless[] = {"nosuid",	    "noexec",	 "newinstance",
						   "ptmxmode=0666", "mode=0620", NULL};
	static const char *const shm[] = {"nosuid",    "noexec",      "nodev",
					  "mode=1777", "size=65536k", NULL};
	static const char *const mqueue[] = {"nosuid", "noexec", "nodev", NULL};
	static const char *const sys[] = {"nosuid", "noexec", "nodev", "ro", NULL};
	static const char *const sys_bind[] = {"rbind", "nosuid", "noexec", "nodev", "ro", NULL};
	static const char *const cgroup[] = {"nosuid", "noexec", "nodev", "relatime", "ro", NULL};
	json_t *m = json_array();
	int r = m ? 0 : -1;

	if (r == 0)
		r = add_mount(m, "/proc", "proc", "proc", NULL);
	if (r == 0)
		r = add_mount(m, "/dev", "tmpfs", "tmpfs", dev);
	if (r == 0)
		r = add_mount(m, "/dev/pts", "devpts", "devpts", rootless ? pts_rootless : pts);
	if (r == 0)
		r = add_mount(m, "/dev/shm", "tmpfs", "shm", shm);
	if (r == 0)
		r = add_mount(m, "/dev/mqueue", "mqueue", "mqueue", mqueue);
	/* Without a network namespace of its own, sysfs cannot be mounted. */
	if (r == 0 && rootless)
		r = add_mount(m, "/sys", "none", "/sys", sys_bind);
	if (r == 0 && !rootless)
		r = add_mount(m, "/sys", "sysfs", "sysfs", sys);
	if (r == 0 && !rootless)
		r = add_mount(m, "/sys/fs/cgroup", "cgroup", "cgroup", cgroup);
	if (r < 0) {
		json_decref(m);
		return NULL;
	}
	return m;
}

static json_t *spec_namespaces(bool rootless)
{
	json_t *a = json_array();
	const enum oci_namespace_type types[] = {OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_IPC,
						 OCI_NS_UTS, OCI_NS_MOUNT,   OCI_NS_CGROUP,
						 OCI_NS_USER};

	for (size_t i = 0; a && i < ARRAY_SIZE(types); i++) {
		if (rootless ? types[i] == OCI_NS_NETWORK : types[i] == OCI_NS_USER)
			continue;
		if (json_array_append_new(
			a, json_pack("{s:s}", "type", oci_namespace_name(types[i]))) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *spec_linux(bool rootless, uint32_t uid, uint32_t gid)
{
	json_t *lx;

	if (rootless)
		lx =
		    json_pack("{s:[{s:i, s:I, s:i}], s:[{s:i, s:I, s:i}]}", "uidMappings",
			      "containerID", 0, "hostID", (json_int_t)uid, "size", 1, "gidMappings",
			      "containerID", 0, "hostID", (json_int_t)gid, "size", 1);
	else
		lx = json_pack("{s:{s:[{s:b, s:s}]}}", "resources", "devices", "allow", 0, "access",
			       "rwm");
	if (!lx)
		return NULL;
	if (json_object_set_new(lx, "namespaces", spec_namespaces(rootless)) < 0 ||
	    json_object_set_new(lx, "maskedPaths", string_array(oci_default_masked_paths)) < 0 ||
	    json_object_set_new(lx, "readonlyPaths", string_array(oci_default_readonly_paths)) <
		0) {
		json_decref(lx);
		return NULL;
	}
	return lx;
}

char *oci_spec_generate(bool rootless, uint32_t uid, uint32_t gid)
{
	json_t *spec;
	char *text;

	spec = json_pack("{s:s,"
			 " s:{s:b, s:{s:i, s:i}, s:[s], s:[s, s], s:s,"
			 "    s:{s:o, s:o, s:o}, s:[{s:s, s:i, s:i}], s:b},"
			 " s:{s:s, s:b}, s:s, s:o, s:o}",
			 "ociVersion", OCI_VERSION_SPEC, "process", "terminal", 1, "user", "uid", 0,
			 "gid", 0, "args", "sh", "env",
			 "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			 "TERM=xterm", "cwd", "/", "capabilities", "bounding",
			 string_array(default_caps), "effective", string_array(default_caps),
			 "permitted", string_array(default_caps), "rlimits", "type",
			 "RLIMIT_NOFILE", "hard", 1024, "soft", 1024, "noNewPrivileges", 1, "root",
			 "path", "rootfs", "readonly", 1, "hostname", "moat", "mounts",
			 spec_mounts(rootless), "linux", spec_linux(rootless, uid, gid));
	if (!spec)
		return NULL;
	text = json_dumps(spec, JSON_INDENT(2));
	json_decref(spec);
	return text;
}

static void spec_usage(FILE *out)
{
	fputs("usage: moat spec [--rootless] [--bundle DIR]\n\n"
	      "Write a starting config.json into DIR (default: the current directory).\n"
	      "  --rootless      for an unprivileged caller: user namespace mapping the\n"
	      "                  caller's ids to root, no network namespace, /sys bound\n"
	      "  -b, --bundle    the bundle directory\n",
	      out);
}

static int write_config(const char *bundle, const char *text, struct moat_error *err)
{
	_cleanup_close_ int dir = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int fd = -1;
	size_t len = strlen(text), done = 0;

	if (dir < 0)
		return moat_error_set(err, errno, "bundle %s", bundle);
	/* O_EXCL also refuses a symlink named config.json, dangling or not. */
	fd = openat(dir, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0 && errno == EEXIST)
		return moat_error_setx(err, EEXIST, "File config.json exists. Remove it first");
	if (fd < 0)
		return moat_error_set(err, errno, "create %s/config.json", bundle);
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;

			unlinkat(dir, "config.json", 0);
			return moat_error_set(err, saved, "write %s/config.json", bundle);
		}
		done += (size_t)n;
	}
	return 0;
}

int oci_spec_main(int argc, char **argv)
{
	struct moat_error err = {0};
	_cleanup_free_ char *text = NULL, *with_newline = NULL;
	size_t len;
	const char *bundle = ".";
	bool rootless = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--rootless")) {
			rootless = true;
		} else if ((!strcmp(a, "--bundle") || !strcmp(a, "-b")) && i + 1 < argc) {
			bundle = argv[++i];
		} else if (!strncmp(a, "--bundle=", 9)) {
			bundle = a + 9;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			spec_usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "moat: spec: unknown option or missing value '%s'\n", a);
			spec_usage(stderr);
			return 1;
		}
	}
	text = oci_spec_generate(rootless, (uint32_t)geteuid(), (uint32_t)getegid());
	len = text ? strlen(text) : 0;
	with_newline = text ? malloc(len + 2) : NULL;
	if (!with_newline) {
		moat_error_set(&err, ENOMEM, "spec");
		moat_error_print(&err);
		return 1;
	}
	memcpy(with_newline, text, len);
	memcpy(with_newline + len, "\n", 2);
	if (write_config(bundle, with_newline, &err) < 0) {
		moat_error_print(&err);
		return 1;
	}
	return 0;
}
