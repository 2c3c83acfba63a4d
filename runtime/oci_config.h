/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An OCI bundle's config.json (runtime-spec 1.x), parsed and validated into
 * plain C data, plus the name tables the parser validates against (which
 * `moat features` prints, so there is one list of what moat accepts).
 *
 * Parsing checks types, required fields and names; it does not apply
 * anything. A field the struct has no place for is ignored, as the spec
 * requires, except for the security- or resource-relevant ones listed in
 * docs/oci.md, whose presence is recorded in oci_config.unsupported so that
 * the runtime can warn or refuse. JSON null counts as absent (as in runc).
 *
 * Every string is heap-allocated and NUL-terminated; every string array is
 * NULL-terminated as well as counted (args and env go straight to execve).
 * oci_config_free() releases it all.
 */
#ifndef MOAT_RUNTIME_OCI_CONFIG_H
#define MOAT_RUNTIME_OCI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../lib/error.h"

/* The runtime-spec version `moat spec` writes and `moat features` reports as
 * the highest; any "1.x" is accepted. */
#define OCI_VERSION_SPEC "1.2.0"
#define OCI_VERSION_MIN	 "1.0.0"

/* An optional scalar: set says whether config.json gave it. */
struct oci_opt_u64 {
	bool set;
	uint64_t value;
};
struct oci_opt_i64 {
	bool set;
	int64_t value;
};

struct oci_kv {
	char *key;
	char *value;
};

struct oci_id_mapping {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

/* ------------------------------------------------------------------ process */

struct oci_user {
	uint32_t uid, gid; /* 0 when absent, as runc */
	struct oci_opt_u64 umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
};

/* Bitmasks indexed by capability number (CAP_CHOWN = bit 0 ...). */
struct oci_capabilities {
	bool present; /* process.capabilities was given at all */
	uint64_t bounding, effective, inheritable, permitted, ambient;
};

struct oci_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft, hard;
};

struct oci_process {
	bool terminal;
	bool console_size_set;
	uint32_t console_height, console_width;
	struct oci_user user;
	char **args; /* non-empty */
	size_t n_args;
	char **env; /* each "NAME=value", NAME non-empty */
	size_t n_env;
	char *cwd; /* absolute */
	struct oci_capabilities capabilities;
	struct oci_rlimit *rlimits; /* no type twice; soft <= hard */
	size_t n_rlimits;
	bool no_new_privileges;
	struct oci_opt_i64 oom_score_adj; /* -1000..1000 */
	/* Kept so that the runtime can warn: moat applies neither. */
	char *apparmor_profile;
	char *selinux_label;
};

/* ------------------------------------------------------------------- mounts */

enum oci_mount_idmap {
	OCI_MOUNT_IDMAP_NONE,
	OCI_MOUNT_IDMAP,	   /* "idmap" */
	OCI_MOUNT_IDMAP_RECURSIVE, /* "ridmap" */
};

#define OCI_MOUNT_EXT_TMPCOPYUP 0x1u

/* A mount's options, split the way runc splits them. */
struct oci_mount_flags {
	unsigned long flags;	    /* MS_* to set */
	unsigned long clear_flags;  /* MS_* named as cleared ("rw", "suid", "exec"...) */
	unsigned long *propagation; /* MS_PRIVATE|MS_REC ..., in the order given */
	size_t n_propagation;
	uint64_t rec_attr_set, rec_attr_clr; /* MOUNT_ATTR_* for "rro", "rnosuid"... */
	unsigned extensions;		     /* OCI_MOUNT_EXT_* */
	enum oci_mount_idmap idmap;
	char *data; /* the other options, joined with ','; "" when none */
};

struct oci_mount {
	char *destination; /* as given; relative (deprecated) means relative to "/" */
	char *type;	   /* NULL when absent */
	char *source;	   /* NULL when absent */
	char **options;	   /* as given */
	size_t n_options;
	struct oci_mount_flags parsed;
	struct oci_id_mapping *uid_mappings, *gid_mappings; /* idmapped mount */
	size_t n_uid_mappings, n_gid_mappings;
};

/* -------------------------------------------------------------------- linux */

enum oci_namespace_type {
	OCI_NS_PID,
	OCI_NS_NETWORK,
	OCI_NS_MOUNT,
	OCI_NS_IPC,
	OCI_NS_UTS,
	OCI_NS_USER,
	OCI_NS_CGROUP,
	OCI_NS_TIME,
	OCI_NS_COUNT
};

struct oci_namespace {
	enum oci_namespace_type type;
	char *path; /* NULL: create a new one; else join (absolute) */
};

struct oci_device {
	char type; /* 'c', 'b', 'u' or 'p' */
	char *path;
	int64_t major, minor; /* 0 for 'p' */
	struct oci_opt_u64 file_mode, uid, gid;
};

struct oci_device_rule {
	bool allow;
	char type;	      /* 'a' (default), 'b' or 'c' */
	int64_t major, minor; /* -1: any */
	char access[4];	      /* non-empty subset of "rwm" */
};

struct oci_hugepage_limit {
	char *page_size; /* "2MB" */
	uint64_t limit;
};

struct oci_resources {
	bool present;
	struct oci_device_rule *devices;
	size_t n_devices;
	struct {
		struct oci_opt_i64 limit, reservation, swap; /* bytes; -1 unlimited */
		struct oci_opt_u64 swappiness;
		bool disable_oom_killer;
	} memory;
	struct {
		struct oci_opt_u64 shares, period, burst, realtime_period;
		struct oci_opt_i64 quota, realtime_runtime, idle;
		char *cpus, *mems; /* cpuset lists, NULL when absent */
	} cpu;
	struct oci_opt_i64 pids_limit; /* <= 0 means unlimited, as runc */
	struct {
		struct oci_opt_u64 weight, leaf_weight; /* 10..1000 */
	} block_io;
	struct oci_hugepage_limit *hugepage_limits;
	size_t n_hugepage_limits;
	struct oci_kv *unified; /* cgroup v2 file -> value */
	size_t n_unified;
};

struct oci_seccomp_arg {
	unsigned index; /* 0..5 */
	uint64_t value, value_two;
	int op; /* enum scmp_compare */
};

struct oci_seccomp_rule {
	char **names; /* syscall names, not resolved here */
	size_t n_names;
	uint32_t action; /* SCMP_ACT_* base (SCMP_ACT_ERRNO(0), SCMP_ACT_TRACE(0)...) */
	struct oci_opt_u64 errno_ret;
	struct oci_seccomp_arg *args;
	size_t n_args;
};

struct oci_seccomp {
	bool present;
	uint32_t default_action; /* SCMP_ACT_* base, as in oci_seccomp_rule */
	struct oci_opt_u64 default_errno_ret;
	uint32_t *architectures; /* SCMP_ARCH_* */
	size_t n_architectures;
	bool flags_set;	     /* "flags" given (an empty list differs from none) */
	unsigned int flags;  /* SECCOMP_FILTER_FLAG_* */
	char *listener_path; /* NULL when absent */
	char *listener_metadata;
	struct oci_seccomp_rule *syscalls;
	size_t n_syscalls;
};

struct oci_linux {
	struct oci_namespace *namespaces; /* each type at most once */
	size_t n_namespaces;
	struct oci_id_mapping *uid_mappings, *gid_mappings;
	size_t n_uid_mappings, n_gid_mappings;
	struct oci_device *devices;
	size_t n_devices;
	struct oci_resources resources;
	char *cgroups_path;
	char **masked_paths, **readonly_paths; /* absolute */
	size_t n_masked_paths, n_readonly_paths;
	struct oci_kv *sysctl;
	size_t n_sysctl;
	struct oci_seccomp seccomp;
	unsigned long rootfs_propagation; /* MS_* propagation, 0 when absent */
	char *mount_label;
};

/* -------------------------------------------------------------------- hooks */

enum oci_hook_kind {
	OCI_HOOK_PRESTART,
	OCI_HOOK_CREATE_RUNTIME,
	OCI_HOOK_CREATE_CONTAINER,
	OCI_HOOK_START_CONTAINER,
	OCI_HOOK_POSTSTART,
	OCI_HOOK_POSTSTOP,
	OCI_HOOK_COUNT
};

struct oci_hook {
	char *path; /* absolute */
	char **args, **env;
	size_t n_args, n_env;
	struct oci_opt_i64 timeout; /* seconds, > 0 */
};

struct oci_hook_list {
	struct oci_hook *hooks;
	size_t n_hooks;
};

/* ------------------------------------------------------------------- config */

struct oci_config {
	char *oci_version; /* "1.x..." */
	char *root_path;   /* as given; relative to the bundle */
	bool root_readonly;
	bool has_process;
	struct oci_process process;
	char *hostname, *domainname; /* NULL when absent */
	struct oci_mount *mounts;
	size_t n_mounts;
	struct oci_hook_list hooks[OCI_HOOK_COUNT];
	struct oci_kv *annotations;
	size_t n_annotations;
	bool has_linux;
	struct oci_linux linux_config;
	/* Field paths present in config.json that moat recognises but does not
	 * implement ("linux.intelRdt", "process.scheduler"...). */
	char **unsupported;
	size_t n_unsupported;
};

/* Parse config.json text; name is used in messages ("/b/config.json: line 3,
 * column 7: process.cwd: ..."). cfg is zeroed first; on failure it is left
 * empty. 0 or -errno. */
int oci_config_parse(const char *name, const char *text, size_t len, struct oci_config *cfg,
		     struct moat_error *err);
/* Read and parse a file (e.g. BUNDLE/config.json). */
int oci_config_load(const char *path, struct oci_config *cfg, struct moat_error *err);
void oci_config_free(struct oci_config *cfg);

/* A process object on its own, as `exec --process FILE` takes it. */
int oci_process_parse(const char *name, const char *text, size_t len, struct oci_process *proc,
		      struct moat_error *err);
void oci_process_free(struct oci_process *proc);

/* The namespace entry of a type, or NULL. */
const struct oci_namespace *oci_config_namespace(const struct oci_config *cfg,
						 enum oci_namespace_type type);

/* Split mount options as runc does: known flags into MS_* (set or cleared),
 * propagation, recursive attributes, tmpcopyup, idmap/ridmap; everything
 * else, in order, into data. out is zeroed first; free with
 * oci_mount_flags_free(). 0 or -ENOMEM. */
int oci_mount_options_parse(char *const *options, size_t n, struct oci_mount_flags *out);
void oci_mount_flags_free(struct oci_mount_flags *f);

/* ------------------------------------------------------------------- tables */

/* Name lookups: the value, or -1 when unknown. Iterators return the name of
 * entry i, or NULL past the end (for `moat features` and docs). */
int oci_namespace_from_name(const char *name);
const char *oci_namespace_name(int i);
int oci_namespace_clone_flag(enum oci_namespace_type type); /* CLONE_NEW* */
int oci_capability_from_name(const char *name);		    /* "CAP_SYS_ADMIN" */
const char *oci_capability_name(int i);			    /* by number */
/* Capabilities the running kernel knows (from cap_last_cap). */
uint64_t oci_capability_kernel_mask(void);
int oci_rlimit_from_name(const char *name); /* "RLIMIT_NOFILE" */
const char *oci_rlimit_name(int i);
const char *oci_mount_option_name(int i);
long oci_mount_propagation_from_name(const char *name); /* "rslave" -> MS_SLAVE|MS_REC */
const char *oci_hook_name(int i);			/* = enum oci_hook_kind */
/* libseccomp values: SCMP_ACT_* base, enum scmp_compare, SCMP_ARCH_*,
 * SECCOMP_FILTER_FLAG_*; -1 when unknown. */
int64_t oci_seccomp_action_from_name(const char *name);
const char *oci_seccomp_action_name(int i);
int oci_seccomp_operator_from_name(const char *name);
const char *oci_seccomp_operator_name(int i);
int64_t oci_seccomp_arch_from_name(const char *name);
const char *oci_seccomp_arch_name(int i);
int64_t oci_seccomp_flag_from_name(const char *name);
const char *oci_seccomp_flag_name(int i);

/* ----------------------------------------------------------- spec, features */

/* runc's default masked and read-only paths (NULL-terminated), as `moat
 * spec` writes them. */
extern const char *const oci_default_masked_paths[];
extern const char *const oci_default_readonly_paths[];

/* The config.json `moat spec` writes, as JSON text (malloc'd), for a caller
 * with the given ids (used by the rootless variant's id mappings). */
char *oci_spec_generate(bool rootless, uint32_t uid, uint32_t gid);
/* The `moat features` document (malloc'd JSON text). */
char *oci_features_generate(const char *moat_version);

/* CLI entries; argv[0] is the command name. Exit status (0 or 1, as runc). */
int oci_spec_main(int argc, char **argv);
int oci_features_main(int argc, char **argv, const char *moat_version);

#endif
