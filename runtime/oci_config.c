/* SPDX-License-Identifier: Apache-2.0 */
/* config.json: the top level (version, root, hooks, annotations) and loading. */
#include "oci_parse.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/cleanup.h"

/* Larger than any real config.json (a full seccomp profile is ~30 KiB). */
#define CONFIG_MAX_SIZE (64u << 20)

/* Fields moat recognises but does not implement: their presence is recorded
 * so that the runtime can warn or refuse instead of dropping them silently.
 * apparmorProfile, selinuxLabel and mountLabel are also kept as values. */
static const char *const unsupported_fields[] = {
    "process.apparmorProfile",
    "process.selinuxLabel",
    "process.scheduler",
    "process.ioPriority",
    "process.execCPUAffinity",
    "linux.mountLabel",
    "linux.intelRdt",
    "linux.personality",
    "linux.timeOffsets",
    "linux.memoryPolicy",
    "linux.netDevices",
    "linux.resources.network",
    "linux.resources.rdma",
    "linux.resources.memory.kernel",
    "linux.resources.memory.kernelTCP",
    "linux.resources.memory.useHierarchy",
    "linux.resources.memory.checkBeforeUpdate",
    "linux.resources.blockIO.weightDevice",
    "linux.resources.blockIO.throttleReadBpsDevice",
    "linux.resources.blockIO.throttleWriteBpsDevice",
    "linux.resources.blockIO.throttleReadIOPSDevice",
    "linux.resources.blockIO.throttleWriteIOPSDevice",
};

/* The value at a dotted path of object keys, or NULL (null counts as absent). */
static json_t *lookup_dotted(json_t *root, const char *dotted)
{
	char key[64];
	json_t *v = root;

	while (v && *dotted) {
		size_t n = strcspn(dotted, ".");

		if (n >= sizeof(key))
			return NULL;
		memcpy(key, dotted, n);
		key[n] = '\0';
		v = json_is_object(v) ? json_object_get(v, key) : NULL;
		dotted += n + (dotted[n] == '.');
	}
	return v && !json_is_null(v) ? v : NULL;
}

static int record_unsupported(struct oci_parser *p, json_t *root, struct oci_config *cfg)
{
	cfg->unsupported = calloc(ARRAY_SIZE(unsupported_fields) + 1, sizeof(char *));
	if (!cfg->unsupported)
		return oci_nomem(p);
	for (size_t i = 0; i < ARRAY_SIZE(unsupported_fields); i++) {
		if (!lookup_dotted(root, unsupported_fields[i]))
			continue;
		cfg->unsupported[cfg->n_unsupported] = strdup(unsupported_fields[i]);
		if (!cfg->unsupported[cfg->n_unsupported])
			return oci_nomem(p);
		cfg->n_unsupported++;
	}
	return 0;
}

static int check_version(struct oci_parser *p, const char *v)
{
	if (!strncmp(v, "1.", 2) && v[2] >= '0' && v[2] <= '9')
		return 0;
	oci_push_key(p, "ociVersion");
	oci_fail(p, "unsupported version \"%s\" (moat reads 1.x, up to %s)", v, OCI_VERSION_SPEC);
	oci_pop(p);
	return -EINVAL;
}

static int parse_root(struct oci_parser *p, const json_t *top, struct oci_config *cfg)
{
	json_t *root = NULL;
	int r = oci_enter_object(p, top, "root", true, &root);

	if (r <= 0)
		return r;
	r = oci_get_string(p, root, "path", true, &cfg->root_path);
	if (r == 0 && !cfg->root_path[0]) {
		oci_push_key(p, "path");
		r = oci_fail(p, "must not be empty");
		oci_pop(p);
	}
	if (r == 0)
		r = oci_get_bool(p, root, "readonly", &cfg->root_readonly);
	oci_pop(p);
	return r;
}

static void hook_free(struct oci_hook *h)
{
	free(h->path);
	oci_strv_free(h->args);
	oci_strv_free(h->env);
}

static int parse_hook(struct oci_parser *p, const json_t *e, void *items, size_t i, void *ctx)
{
	struct oci_hook *h = (struct oci_hook *)items + i;
	int r = oci_expect_object(p, e);

	if (r == 0)
		r = oci_get_string(p, e, "path", true, &h->path);
	if (r == 0 && h->path[0] != '/') {
		oci_push_key(p, "path");
		r = oci_fail(p, "must be an absolute path, got \"%s\"", h->path);
		oci_pop(p);
	}
	if (r == 0)
		r = oci_get_strings(p, e, "args", false, &h->args, &h->n_args);
	if (r == 0)
		r = oci_get_strings(p, e, "env", false, &h->env, &h->n_env);
	if (r == 0)
		r = oci_get_int(p, e, "timeout", false, 1, INT32_MAX, &h->timeout);
	return r;
}

static int parse_hooks(struct oci_parser *p, const json_t *top, struct oci_config *cfg)
{
	json_t *hooks = NULL;
	int r = oci_enter_object(p, top, "hooks", false, &hooks);

	if (r <= 0)
		return r;
	r = 0;
	for (int k = 0; k < OCI_HOOK_COUNT && r == 0; k++) {
		struct oci_hook_list *list = &cfg->hooks[k];
		void *v = list->hooks;

		r = oci_get_array(p, hooks, oci_hook_name(k), sizeof(*list->hooks), parse_hook,
				  NULL, &v, &list->n_hooks);
		list->hooks = v;
	}
	oci_pop(p);
	return r;
}

static int parse_sections(struct oci_parser *p, json_t *top, struct oci_config *cfg)
{
	json_t *obj = NULL;
	int r = oci_get_string(p, top, "ociVersion", true, &cfg->oci_version);

	if (r == 0)
		r = check_version(p, cfg->oci_version);
	if (r == 0)
		r = parse_root(p, top, cfg);
	if (r == 0)
		r = oci_enter_object(p, top, "process", false, &obj);
	if (r == 1) {
		cfg->has_process = true;
		r = oci_parse_process(p, obj, &cfg->process);
		oci_pop(p);
	}
	if (r == 0)
		r = oci_get_string(p, top, "hostname", false, &cfg->hostname);
	if (r == 0)
		r = oci_get_string(p, top, "domainname", false, &cfg->domainname);
	if (r == 0)
		r = oci_parse_mounts(p, top, cfg);
	if (r == 0)
		r = parse_hooks(p, top, cfg);
	if (r == 0)
		r = oci_get_string_map(p, top, "annotations", &cfg->annotations,
				       &cfg->n_annotations);
	if (r == 0)
		r = oci_enter_object(p, top, "linux", false, &obj);
	if (r == 1) {
		cfg->has_linux = true;
		r = oci_parse_linux(p, obj, &cfg->linux_config);
		oci_pop(p);
	}
	if (r == 0)
		r = record_unsupported(p, top, cfg);
	return r;
}

/* Checks across sections that need no host: runc makes the same ones. */
static int check_consistency(struct oci_parser *p, const struct oci_config *cfg)
{
	const char *keys[] = {"hostname", "domainname"};
	const char *values[] = {cfg->hostname, cfg->domainname};

	if (oci_config_namespace(cfg, OCI_NS_UTS))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		int r;

		if (!values[i] || !values[i][0])
			continue;
		oci_push_key(p, keys[i]);
		r = oci_fail(p, "cannot be set without a uts namespace in linux.namespaces");
		oci_pop(p);
		return r;
	}
	return 0;
}

int oci_config_parse(const char *name, const char *text, size_t len, struct oci_config *cfg,
		     struct moat_error *err)
{
	struct oci_parser p = {.name = name, .text = text, .len = len, .err = err};
	json_t *top = NULL;
	int r;

	memset(cfg, 0, sizeof(*cfg));
	r = oci_json_load(&p, &top);
	if (r < 0)
		return r;
	r = parse_sections(&p, top, cfg);
	if (r == 0)
		r = check_consistency(&p, cfg);
	json_decref(top);
	if (r < 0)
		oci_config_free(cfg);
	return r;
}

int oci_config_load(const char *path, struct oci_config *cfg, struct moat_error *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	_cleanup_free_ char *text = NULL;
	struct stat st;
	size_t len = 0;

	memset(cfg, 0, sizeof(*cfg));
	if (fd < 0)
		return moat_error_set(err, errno, "open %s", path);
	if (fstat(fd, &st) < 0)
		return moat_error_set(err, errno, "stat %s", path);
	if (!S_ISREG(st.st_mode))
		return moat_error_setx(err, EINVAL, "%s: not a regular file", path);
	if ((uint64_t)st.st_size > CONFIG_MAX_SIZE)
		return moat_error_setx(err, EFBIG, "%s: larger than %u MiB", path,
				       CONFIG_MAX_SIZE >> 20);
	text = malloc((size_t)st.st_size + 1);
	if (!text)
		return moat_error_set(err, ENOMEM, "%s", path);
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, text + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return moat_error_set(err, errno, "read %s", path);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	return oci_config_parse(path, text, len, cfg, err);
}

const struct oci_namespace *oci_config_namespace(const struct oci_config *cfg,
						 enum oci_namespace_type type)
{
	for (size_t i = 0; i < cfg->linux_config.n_namespaces; i++)
		if (cfg->linux_config.namespaces[i].type == type)
			return &cfg->linux_config.namespaces[i];
	return NULL;
}

void oci_config_free(struct oci_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->oci_version);
	free(cfg->root_path);
	oci_process_free(&cfg->process);
	free(cfg->hostname);
	free(cfg->domainname);
	for (size_t i = 0; i < cfg->n_mounts; i++)
		oci_mount_free(&cfg->mounts[i]);
	free(cfg->mounts);
	for (int k = 0; k < OCI_HOOK_COUNT; k++) {
		for (size_t i = 0; i < cfg->hooks[k].n_hooks; i++)
			hook_free(&cfg->hooks[k].hooks[i]);
		free(cfg->hooks[k].hooks);
	}
	oci_kv_free(cfg->annotations, cfg->n_annotations);
	oci_linux_free(&cfg->linux_config);
	oci_strv_free(cfg->unsupported);
	memset(cfg, 0, sizeof(*cfg));
}
