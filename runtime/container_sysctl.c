/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.sysctl and domainname. Only keys the container's own namespaces
 * hold are accepted, with runc's rules: kernel.msg*, kernel.sem,
 * kernel.shm* and fs.mqueue.* need an ipc namespace, net.* a network
 * namespace of the container's own, kernel.domainname a uts namespace
 * (kernel.hostname conflicts with the hostname field), user.* a user
 * namespace (moat always has one). Anything else is refused, naming the key.
 *
 * Values are written by pid 1 after pivot_root, in the container's
 * namespaces, through the container's /proc/sys, before the read-only and
 * masked paths are applied (as runc). The uts names are not writable
 * through /proc/sys from a user namespace (the files belong to the host's
 * root), so kernel.domainname is set with setdomainname, which has the same
 * effect in the container's uts namespace.
 */
#include "container_process.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "oci_config.h"

/* runc's convertSysctlVariableToDotsSeparator: "net/ipv4/conf/eth0.100/x"
 * and "net.ipv4.conf.eth0/100.x" are the same key; swap '.' and '/'. */
static void swap_separators(const char *in, char *out, size_t len)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < len; i++)
		out[i] = in[i] == '.' ? '/' : in[i] == '/' ? '.' : in[i];
	out[i] = '\0';
}

/* The dotted form, as the rules and messages use it. */
static void dotted(const char *key, char *out, size_t len)
{
	if (strchr(key, '/'))
		swap_separators(key, out, len);
	else
		snprintf(out, len, "%s", key);
}

static bool is_ipc_key(const char *k)
{
	static const char *const keys[] = {
	    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(k, keys[i]))
			return true;
	return !strncmp(k, "fs.mqueue.", 10);
}

static bool has_ns(const struct oci_config *oci, enum oci_namespace_type t)
{
	return oci_config_namespace(oci, t) != NULL;
}

/* The path below /proc/sys: no empty, "." or ".." component. */
static bool valid_path(const char *rel)
{
	for (const char *p = rel;; p++) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && !strncmp(p, "..", 2)))
			return false;
		p += n;
		if (!*p)
			return true;
	}
}

static int check_key(const struct oci_config *oci, const char *key, struct moat_error *err)
{
	char k[256], rel[256];

	if (strlen(key) >= sizeof(k))
		return moat_error_setx(err, EINVAL, "linux.sysctl: key \"%.64s...\" is too long",
				       key);
	dotted(key, k, sizeof(k));
	swap_separators(k, rel, sizeof(rel));
	if (!valid_path(rel))
		return moat_error_setx(err, EINVAL, "linux.sysctl: key \"%s\" is not valid", key);
	if (is_ipc_key(k))
		return has_ns(oci, OCI_NS_IPC)
			   ? 0
			   : moat_error_setx(
				 err, EPERM,
				 "linux.sysctl: \"%s\" is not allowed in the host's ipc "
				 "namespace",
				 k);
	if (!strncmp(k, "net.", 4))
		return has_ns(oci, OCI_NS_NETWORK)
			   ? 0
			   : moat_error_setx(err, EPERM,
					     "linux.sysctl: \"%s\" is not allowed in the host's "
					     "network namespace",
					     k);
	if (has_ns(oci, OCI_NS_UTS) && !strcmp(k, "kernel.domainname"))
		return 0;
	if (has_ns(oci, OCI_NS_UTS) && !strcmp(k, "kernel.hostname"))
		return moat_error_setx(err, EINVAL,
				       "linux.sysctl: \"%s\" is not allowed as it conflicts with "
				       "the hostname field",
				       k);
	if (!strncmp(k, "user.", 5))
		return 0; /* the container's user namespace's own limits */
	return moat_error_setx(err, EPERM,
			       "linux.sysctl: \"%s\" is not in a separate kernel namespace", k);
}

int container_sysctl_check(const struct oci_config *oci, struct moat_error *err)
{
	const struct oci_linux *lx = &oci->linux_config;

	for (size_t i = 0; i < lx->n_sysctl; i++) {
		int r = check_key(oci, lx->sysctl[i].key, err);

		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * net.ipv4.ping_group_range names gids of the network namespace's user
 * namespace, and the kernel refuses (EINVAL) an end that namespace does not
 * map. docker writes "0 2147483647" ("every group"), which a container in a
 * user namespace (moat's always are) cannot hold: the range is clamped to
 * the gids the container maps, which are the only groups its processes can
 * have. Nothing is granted beyond what was asked. 0 when clamped into buf,
 * -1 when the value is not a range or nothing of it is mapped.
 */
static int clamp_ping_range(const char *value, char *buf, size_t len)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/gid_map", "re");
	unsigned long low, high, inside, outside, count, lo = ULONG_MAX, hi = 0;
	bool any = false;

	if (!f || sscanf(value, "%lu %lu", &low, &high) != 2 || low > high)
		return -1;
	while (fscanf(f, "%lu %lu %lu", &inside, &outside, &count) == 3) {
		unsigned long first = inside, last = inside + count - 1;

		if (count == 0 || last < low || first > high)
			continue;
		lo = first > low ? (first < lo ? first : lo) : low;
		hi = last < high ? (last > hi ? last : hi) : high;
		any = true;
	}
	if (!any)
		return -1;
	snprintf(buf, len, "%lu %lu", lo, hi);
	return 0;
}

static int write_sysctl(const char *key, const char *value, struct moat_error *err)
{
	char k[256], rel[256], path[PATH_MAX];
	_cleanup_close_ int fd = -1;
	size_t len = strlen(value);

	dotted(key, k, sizeof(k));
	if (!strcmp(k, "kernel.domainname")) {
		if (setdomainname(value, len) < 0)
			return moat_error_set(err, errno, "linux.sysctl: %s", k);
		return 0;
	}
	swap_separators(k, rel, sizeof(rel));
	snprintf(path, sizeof(path), "/proc/sys/%s", rel);
	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return moat_error_set(err, errno, "linux.sysctl: %s", k);
	if (write(fd, value, len) != (ssize_t)len) {
		char clamped[64];

		if (errno == EINVAL && !strcmp(k, "net.ipv4.ping_group_range") &&
		    clamp_ping_range(value, clamped, sizeof(clamped)) == 0) {
			len = strlen(clamped);
			if (pwrite(fd, clamped, len, 0) == (ssize_t)len)
				return 0;
		}
		return moat_error_set(err, errno, "linux.sysctl: %s = %s", k, value);
	}
	return 0;
}

int container_sysctl_apply(const struct oci_config *oci, struct moat_error *err)
{
	const struct oci_linux *lx = &oci->linux_config;

	if (oci->domainname && setdomainname(oci->domainname, strlen(oci->domainname)) < 0)
		return moat_error_set(err, errno, "domainname %s", oci->domainname);
	for (size_t i = 0; i < lx->n_sysctl; i++) {
		int r = write_sysctl(lx->sysctl[i].key, lx->sysctl[i].value, err);

		if (r < 0)
			return r;
	}
	return 0;
}
