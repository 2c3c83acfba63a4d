/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The names config.json may use, and what they map to. The parser validates
 * against these tables and `moat features` prints them: nothing else lists
 * them.
 */
#include "oci_parse.h"

#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "../lib/cleanup.h"

/* ------------------------------------------------------------ namespaces */

static const struct {
	const char *name;
	int clone_flag;
} namespaces[OCI_NS_COUNT] = {
    [OCI_NS_PID] = {"pid", CLONE_NEWPID},	   [OCI_NS_NETWORK] = {"network", CLONE_NEWNET},
    [OCI_NS_MOUNT] = {"mount", CLONE_NEWNS},	   [OCI_NS_IPC] = {"ipc", CLONE_NEWIPC},
    [OCI_NS_UTS] = {"uts", CLONE_NEWUTS},	   [OCI_NS_USER] = {"user", CLONE_NEWUSER},
    [OCI_NS_CGROUP] = {"cgroup", CLONE_NEWCGROUP}, [OCI_NS_TIME] = {"time", CLONE_NEWTIME},
};

int oci_namespace_from_name(const char *name)
{
	for (int i = 0; i < OCI_NS_COUNT; i++)
		if (!strcmp(namespaces[i].name, name))
			return i;
	return -1;
}

const char *oci_namespace_name(int i)
{
	return i >= 0 && i < OCI_NS_COUNT ? namespaces[i].name : NULL;
}

int oci_namespace_clone_flag(enum oci_namespace_type type)
{
	return (unsigned)type < OCI_NS_COUNT ? namespaces[type].clone_flag : 0;
}

/* ---------------------------------------------------------- capabilities */

/* Every capability of <linux/capability.h>, by number; a unit test checks
 * that none up to CAP_LAST_CAP is missing. */
#define CAP_ROW(c) [c] = #c
static const char *const capabilities[CAP_LAST_CAP + 1] = {
    CAP_ROW(CAP_CHOWN),
    CAP_ROW(CAP_DAC_OVERRIDE),
    CAP_ROW(CAP_DAC_READ_SEARCH),
    CAP_ROW(CAP_FOWNER),
    CAP_ROW(CAP_FSETID),
    CAP_ROW(CAP_KILL),
    CAP_ROW(CAP_SETGID),
    CAP_ROW(CAP_SETUID),
    CAP_ROW(CAP_SETPCAP),
    CAP_ROW(CAP_LINUX_IMMUTABLE),
    CAP_ROW(CAP_NET_BIND_SERVICE),
    CAP_ROW(CAP_NET_BROADCAST),
    CAP_ROW(CAP_NET_ADMIN),
    CAP_ROW(CAP_NET_RAW),
    CAP_ROW(CAP_IPC_LOCK),
    CAP_ROW(CAP_IPC_OWNER),
    CAP_ROW(CAP_SYS_MODULE),
    CAP_ROW(CAP_SYS_RAWIO),
    CAP_ROW(CAP_SYS_CHROOT),
    CAP_ROW(CAP_SYS_PTRACE),
    CAP_ROW(CAP_SYS_PACCT),
    CAP_ROW(CAP_SYS_ADMIN),
    CAP_ROW(CAP_SYS_BOOT),
    CAP_ROW(CAP_SYS_NICE),
    CAP_ROW(CAP_SYS_RESOURCE),
    CAP_ROW(CAP_SYS_TIME),
    CAP_ROW(CAP_SYS_TTY_CONFIG),
    CAP_ROW(CAP_MKNOD),
    CAP_ROW(CAP_LEASE),
    CAP_ROW(CAP_AUDIT_WRITE),
    CAP_ROW(CAP_AUDIT_CONTROL),
    CAP_ROW(CAP_SETFCAP),
    CAP_ROW(CAP_MAC_OVERRIDE),
    CAP_ROW(CAP_MAC_ADMIN),
    CAP_ROW(CAP_SYSLOG),
    CAP_ROW(CAP_WAKE_ALARM),
    CAP_ROW(CAP_BLOCK_SUSPEND),
    CAP_ROW(CAP_AUDIT_READ),
    CAP_ROW(CAP_PERFMON),
    CAP_ROW(CAP_BPF),
    CAP_ROW(CAP_CHECKPOINT_RESTORE),
};

int oci_capability_from_name(const char *name)
{
	for (int i = 0; i <= CAP_LAST_CAP; i++)
		if (capabilities[i] && !strcmp(capabilities[i], name))
			return i;
	return -1;
}

const char *oci_capability_name(int i)
{
	return i >= 0 && i <= CAP_LAST_CAP ? capabilities[i] : NULL;
}

uint64_t oci_capability_kernel_mask(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int last = -1;

	if (f) {
		if (fscanf(f, "%d", &last) != 1)
			last = -1;
		fclose(f);
	}
	if (last < 0 || last > 63)
		last = CAP_LAST_CAP;
	return last == 63 ? UINT64_MAX : (UINT64_C(1) << (last + 1)) - 1;
}

/* ---------------------------------------------------------------- rlimits */

#define RLIMIT_ROW(r)                                                                              \
	{                                                                                          \
#r, r                                                                              \
	}
static const struct {
	const char *name;
	int resource;
} rlimits[] = {
    RLIMIT_ROW(RLIMIT_AS),	RLIMIT_ROW(RLIMIT_CORE),     RLIMIT_ROW(RLIMIT_CPU),
    RLIMIT_ROW(RLIMIT_DATA),	RLIMIT_ROW(RLIMIT_FSIZE),    RLIMIT_ROW(RLIMIT_LOCKS),
    RLIMIT_ROW(RLIMIT_MEMLOCK), RLIMIT_ROW(RLIMIT_MSGQUEUE), RLIMIT_ROW(RLIMIT_NICE),
    RLIMIT_ROW(RLIMIT_NOFILE),	RLIMIT_ROW(RLIMIT_NPROC),    RLIMIT_ROW(RLIMIT_RSS),
    RLIMIT_ROW(RLIMIT_RTPRIO),	RLIMIT_ROW(RLIMIT_RTTIME),   RLIMIT_ROW(RLIMIT_SIGPENDING),
    RLIMIT_ROW(RLIMIT_STACK),
};

int oci_rlimit_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimits); i++)
		if (!strcmp(rlimits[i].name, name))
			return rlimits[i].resource;
	return -1;
}

const char *oci_rlimit_name(int i)
{
	return i >= 0 && (size_t)i < ARRAY_SIZE(rlimits) ? rlimits[i].name : NULL;
}

/* ---------------------------------------------------------- mount options */

/* runc's option set (specconv), sorted; "defaults" is a no-op here, where
 * runc passes it on as data. */
static const struct oci_mount_option mount_options[] = {
    {"async", OCI_MOPT_CLEAR, MS_SYNCHRONOUS},
    {"atime", OCI_MOPT_CLEAR, MS_NOATIME},
    {"bind", OCI_MOPT_SET, MS_BIND},
    {"defaults", OCI_MOPT_NONE, 0},
    {"dev", OCI_MOPT_CLEAR, MS_NODEV},
    {"diratime", OCI_MOPT_CLEAR, MS_NODIRATIME},
    {"dirsync", OCI_MOPT_SET, MS_DIRSYNC},
    {"exec", OCI_MOPT_CLEAR, MS_NOEXEC},
    {"idmap", OCI_MOPT_IDMAP, OCI_MOUNT_IDMAP},
    {"iversion", OCI_MOPT_SET, MS_I_VERSION},
    {"lazytime", OCI_MOPT_SET, MS_LAZYTIME},
    {"loud", OCI_MOPT_CLEAR, MS_SILENT},
    {"mand", OCI_MOPT_SET, MS_MANDLOCK},
    {"noatime", OCI_MOPT_SET, MS_NOATIME},
    {"nodev", OCI_MOPT_SET, MS_NODEV},
    {"nodiratime", OCI_MOPT_SET, MS_NODIRATIME},
    {"noexec", OCI_MOPT_SET, MS_NOEXEC},
    {"noiversion", OCI_MOPT_CLEAR, MS_I_VERSION},
    {"nolazytime", OCI_MOPT_CLEAR, MS_LAZYTIME},
    {"nomand", OCI_MOPT_CLEAR, MS_MANDLOCK},
    {"norelatime", OCI_MOPT_CLEAR, MS_RELATIME},
    {"nostrictatime", OCI_MOPT_CLEAR, MS_STRICTATIME},
    {"nosuid", OCI_MOPT_SET, MS_NOSUID},
    {"nosymfollow", OCI_MOPT_SET, MS_NOSYMFOLLOW},
    {"private", OCI_MOPT_PROPAGATION, MS_PRIVATE},
    {"ratime", OCI_MOPT_REC_CLEAR, MOUNT_ATTR_NOATIME},
    {"rbind", OCI_MOPT_SET, MS_BIND | MS_REC},
    {"rdev", OCI_MOPT_REC_CLEAR, MOUNT_ATTR_NODEV},
    {"rdiratime", OCI_MOPT_REC_CLEAR, MOUNT_ATTR_NODIRATIME},
    {"relatime", OCI_MOPT_SET, MS_RELATIME},
    {"remount", OCI_MOPT_SET, MS_REMOUNT},
    {"rexec", OCI_MOPT_REC_CLEAR, MOUNT_ATTR_NOEXEC},
    {"ridmap", OCI_MOPT_IDMAP, OCI_MOUNT_IDMAP_RECURSIVE},
    {"rnoatime", OCI_MOPT_REC_SET, MOUNT_ATTR_NOATIME},
    {"rnodev", OCI_MOPT_REC_SET, MOUNT_ATTR_NODEV},
    {"rnodiratime", OCI_MOPT_REC_SET, MOUNT_ATTR_NODIRATIME},
    {"rnoexec", OCI_MOPT_REC_SET, MOUNT_ATTR_NOEXEC},
    {"rnorelatime", OCI_MOPT_REC_CLEAR, MOUNT_ATTR_RELATIME},
    {"rnostrictatime", OCI_MOPT_REC_CLEAR, MOUNT_ATTR_STRICTATIME},
    {"rnosuid", OCI_MOPT_REC_SET, MOUNT_ATTR_NOSUID},
    {"rnosymfollow", OCI_MOPT_REC_SET, MOUNT_ATTR_NOSYMFOLLOW},
    {"ro", OCI_MOPT_SET, MS_RDONLY},
    {"rprivate", OCI_MOPT_PROPAGATION, MS_PRIVATE | MS_REC},
    {"rrelatime", OCI_MOPT_REC_SET, MOUNT_ATTR_RELATIME},
    {"rro", OCI_MOPT_REC_SET, MOUNT_ATTR_RDONLY},
    {"rrw", OCI_MOPT_REC_CLEAR, MOUNT_ATTR_RDONLY},
    {"rshared", OCI_MOPT_PROPAGATION, MS_SHARED | MS_REC},
    {"rslave", OCI_MOPT_PROPAGATION, MS_SLAVE | MS_REC},
    {"rstrictatime", OCI_MOPT_REC_SET, MOUNT_ATTR_STRICTATIME},
    {"rsuid", OCI_MOPT_REC_CLEAR, MOUNT_ATTR_NOSUID},
    {"rsymfollow", OCI_MOPT_REC_CLEAR, MOUNT_ATTR_NOSYMFOLLOW},
    {"runbindable", OCI_MOPT_PROPAGATION, MS_UNBINDABLE | MS_REC},
    {"rw", OCI_MOPT_CLEAR, MS_RDONLY},
    {"shared", OCI_MOPT_PROPAGATION, MS_SHARED},
    {"silent", OCI_MOPT_SET, MS_SILENT},
    {"slave", OCI_MOPT_PROPAGATION, MS_SLAVE},
    {"strictatime", OCI_MOPT_SET, MS_STRICTATIME},
    {"suid", OCI_MOPT_CLEAR, MS_NOSUID},
    {"symfollow", OCI_MOPT_CLEAR, MS_NOSYMFOLLOW},
    {"sync", OCI_MOPT_SET, MS_SYNCHRONOUS},
    {"tmpcopyup", OCI_MOPT_EXTENSION, OCI_MOUNT_EXT_TMPCOPYUP},
    {"unbindable", OCI_MOPT_PROPAGATION, MS_UNBINDABLE},
};

const struct oci_mount_option *oci_mount_option_lookup(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(mount_options); i++)
		if (!strcmp(mount_options[i].name, name))
			return &mount_options[i];
	return NULL;
}

const char *oci_mount_option_name(int i)
{
	return i >= 0 && (size_t)i < ARRAY_SIZE(mount_options) ? mount_options[i].name : NULL;
}

long oci_mount_propagation_from_name(const char *name)
{
	const struct oci_mount_option *o = oci_mount_option_lookup(name);

	return o && o->kind == OCI_MOPT_PROPAGATION ? (long)o->value : -1;
}

/* ------------------------------------------------------------------ hooks */

static const char *const hooks[OCI_HOOK_COUNT] = {
    [OCI_HOOK_PRESTART] = "prestart",
    [OCI_HOOK_CREATE_RUNTIME] = "createRuntime",
    [OCI_HOOK_CREATE_CONTAINER] = "createContainer",
    [OCI_HOOK_START_CONTAINER] = "startContainer",
    [OCI_HOOK_POSTSTART] = "poststart",
    [OCI_HOOK_POSTSTOP] = "poststop",
};

const char *oci_hook_name(int i)
{
	return i >= 0 && i < OCI_HOOK_COUNT ? hooks[i] : NULL;
}

/* ---------------------------------------------------------------- seccomp */

struct name_value {
	const char *name;
	int64_t value;
};

#define ROW(x)                                                                                     \
	{                                                                                          \
#x, (int64_t)(x)                                                                   \
	}
static const struct name_value seccomp_actions[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD},
    ROW(SCMP_ACT_KILL_PROCESS),
    ROW(SCMP_ACT_KILL_THREAD),
    ROW(SCMP_ACT_TRAP),
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0)},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0)},
    ROW(SCMP_ACT_ALLOW),
    ROW(SCMP_ACT_LOG),
    ROW(SCMP_ACT_NOTIFY),
};

static const struct name_value seccomp_operators[] = {
    ROW(SCMP_CMP_NE), ROW(SCMP_CMP_LT), ROW(SCMP_CMP_LE),	 ROW(SCMP_CMP_EQ),
    ROW(SCMP_CMP_GE), ROW(SCMP_CMP_GT), ROW(SCMP_CMP_MASKED_EQ),
};

/* The architectures this libseccomp knows. */
static const struct name_value seccomp_archs[] = {
    ROW(SCMP_ARCH_X86),		ROW(SCMP_ARCH_X86_64),	    ROW(SCMP_ARCH_X32),
    ROW(SCMP_ARCH_ARM),		ROW(SCMP_ARCH_AARCH64),	    ROW(SCMP_ARCH_MIPS),
    ROW(SCMP_ARCH_MIPS64),	ROW(SCMP_ARCH_MIPS64N32),   ROW(SCMP_ARCH_MIPSEL),
    ROW(SCMP_ARCH_MIPSEL64),	ROW(SCMP_ARCH_MIPSEL64N32), ROW(SCMP_ARCH_PPC),
    ROW(SCMP_ARCH_PPC64),	ROW(SCMP_ARCH_PPC64LE),	    ROW(SCMP_ARCH_S390),
    ROW(SCMP_ARCH_S390X),	ROW(SCMP_ARCH_PARISC),	    ROW(SCMP_ARCH_PARISC64),
    ROW(SCMP_ARCH_RISCV64),
#ifdef SCMP_ARCH_LOONGARCH64
    ROW(SCMP_ARCH_LOONGARCH64),
#endif
#ifdef SCMP_ARCH_M68K
    ROW(SCMP_ARCH_M68K),
#endif
#ifdef SCMP_ARCH_SH
    ROW(SCMP_ARCH_SH),		ROW(SCMP_ARCH_SHEB),
#endif
};

/* The flags runtime-spec defines. */
static const struct name_value seccomp_flags[] = {
    ROW(SECCOMP_FILTER_FLAG_TSYNC),
    ROW(SECCOMP_FILTER_FLAG_LOG),
    ROW(SECCOMP_FILTER_FLAG_SPEC_ALLOW),
    ROW(SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV),
};

static int64_t lookup(const struct name_value *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return t[i].value;
	return -1;
}

static const char *name_at(const struct name_value *t, size_t n, int i)
{
	return i >= 0 && (size_t)i < n ? t[i].name : NULL;
}

int64_t oci_seccomp_action_from_name(const char *name)
{
	return lookup(seccomp_actions, ARRAY_SIZE(seccomp_actions), name);
}

const char *oci_seccomp_action_name(int i)
{
	return name_at(seccomp_actions, ARRAY_SIZE(seccomp_actions), i);
}

int oci_seccomp_operator_from_name(const char *name)
{
	return (int)lookup(seccomp_operators, ARRAY_SIZE(seccomp_operators), name);
}

const char *oci_seccomp_operator_name(int i)
{
	return name_at(seccomp_operators, ARRAY_SIZE(seccomp_operators), i);
}

int64_t oci_seccomp_arch_from_name(const char *name)
{
	return lookup(seccomp_archs, ARRAY_SIZE(seccomp_archs), name);
}

const char *oci_seccomp_arch_name(int i)
{
	return name_at(seccomp_archs, ARRAY_SIZE(seccomp_archs), i);
}

int64_t oci_seccomp_flag_from_name(const char *name)
{
	return lookup(seccomp_flags, ARRAY_SIZE(seccomp_flags), name);
}

const char *oci_seccomp_flag_name(int i)
{
	return name_at(seccomp_flags, ARRAY_SIZE(seccomp_flags), i);
}
