/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `moat features`: what moat's OCI support accepts, in the format of
 * runtime-spec features.md (as `runc features` prints it). Every list comes
 * from the tables the config.json parser validates against.
 */
#include <jansson.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cleanup.h"
#include "oci_config.h"

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The names an iterator yields, sorted when asked (runc sorts its lists). */
static json_t *names(const char *(*name_at)(int), bool sorted)
{
	const char *v[128];
	size_t n = 0;
	json_t *a;

	for (int i = 0; n < ARRAY_SIZE(v) && name_at(i); i++)
		v[n++] = name_at(i);
	if (sorted)
		qsort(v, n, sizeof(v[0]), compare_names);
	a = json_array();
	for (size_t i = 0; a && i < n; i++) {
		if (json_array_append_new(a, json_string(v[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

char *oci_features_generate(const char *moat_version)
{
	const struct scmp_version *ver = seccomp_version();
	char libseccomp[32];
	json_t *f;
	char *text;

	snprintf(libseccomp, sizeof(libseccomp), "%u.%u.%u", ver ? ver->major : 0,
		 ver ? ver->minor : 0, ver ? ver->micro : 0);
	f = json_pack(
	    "{s:s, s:s, s:o, s:o,"
	    " s:{s:o, s:o,"
	    "    s:{s:b, s:b, s:b, s:b, s:b},"
	    "    s:{s:b, s:o, s:o, s:o, s:o},"
	    "    s:{s:b}, s:{s:b}, s:{s:b}, s:{s:{s:b}}},"
	    " s:{s:s, s:s}}",
	    "ociVersionMin", OCI_VERSION_MIN, "ociVersionMax", OCI_VERSION_SPEC, "hooks",
	    names(oci_hook_name, false), "mountOptions", names(oci_mount_option_name, true),
	    "linux", "namespaces", names(oci_namespace_name, true), "capabilities",
	    names(oci_capability_name, false), "cgroup", "v1", 1, "v2", 1, "systemd", 0,
	    "systemdUser", 0, "rdma", 0, "seccomp", "enabled", 1, "actions",
	    names(oci_seccomp_action_name, false), "operators",
	    names(oci_seccomp_operator_name, false), "archs", names(oci_seccomp_arch_name, false),
	    "knownFlags", names(oci_seccomp_flag_name, false), "apparmor", "enabled", 0, "selinux",
	    "enabled", 0, "intelRdt", "enabled", 0, "mountExtensions", "idmap", "enabled", 1,
	    "annotations", "io.github.seccomp.libseccomp.version", libseccomp, "moat.version",
	    moat_version ? moat_version : "unknown");
	if (!f)
		return NULL;
	text = json_dumps(f, JSON_INDENT(4));
	json_decref(f);
	return text;
}

int oci_features_main(int argc, char **argv, const char *moat_version)
{
	_cleanup_free_ char *text = NULL;

	if (argc > 1) {
		if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
			puts("usage: moat features\n\nPrint what moat's OCI runtime supports, as "
			     "JSON "
			     "(runtime-spec features.md).");
			return 0;
		}
		fprintf(stderr, "moat: features: takes no arguments, got '%s'\n", argv[1]);
		return 1;
	}
	text = oci_features_generate(moat_version);
	if (!text) {
		fputs("moat: features: out of memory\n", stderr);
		return 1;
	}
	puts(text);
	return fflush(stdout) == 0 ? 0 : 1;
}
