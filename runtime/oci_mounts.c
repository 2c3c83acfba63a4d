/* SPDX-License-Identifier: Apache-2.0 */
/* config.json "mounts", and mount options split the way runc splits them. */
#include "oci_parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "../lib/cleanup.h"

void oci_mount_flags_free(struct oci_mount_flags *f)
{
	free(f->propagation);
	free(f->data);
	memset(f, 0, sizeof(*f));
}

/* Later options win over earlier ones: "ro,rw" is read-write. */
int oci_mount_options_parse(char *const *options, size_t n, struct oci_mount_flags *out)
{
	size_t data_len = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		data_len += strlen(options[i]) + 1;
	out->data = calloc(1, data_len + 1);
	out->propagation = calloc(n + 1, sizeof(*out->propagation));
	if (!out->data || !out->propagation) {
		oci_mount_flags_free(out);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const struct oci_mount_option *o = oci_mount_option_lookup(options[i]);

		if (!o) {
			if (out->data[0])
				strcat(out->data, ",");
			strcat(out->data, options[i]);
			continue;
		}
		switch (o->kind) {
		case OCI_MOPT_NONE:
			break;
		case OCI_MOPT_SET:
			out->flags |= o->value;
			out->clear_flags &= ~o->value;
			break;
		case OCI_MOPT_CLEAR:
			out->flags &= ~o->value;
			out->clear_flags |= o->value;
			break;
		case OCI_MOPT_PROPAGATION:
			out->propagation[out->n_propagation++] = o->value;
			break;
		case OCI_MOPT_REC_SET:
			out->rec_attr_set |= o->value;
			out->rec_attr_clr &= ~o->value;
			/* mount_setattr(2): an atime mode is set by also clearing
			 * MOUNT_ATTR__ATIME. */
			if ((o->value & ~(uint64_t)MOUNT_ATTR__ATIME) == 0)
				out->rec_attr_clr |= MOUNT_ATTR__ATIME;
			break;
		case OCI_MOPT_REC_CLEAR:
			out->rec_attr_clr |= o->value;
			out->rec_attr_set &= ~o->value;
			break;
		case OCI_MOPT_EXTENSION:
			out->extensions |= (unsigned)o->value;
			break;
		case OCI_MOPT_IDMAP:
			out->idmap = (enum oci_mount_idmap)o->value;
			break;
		}
	}
	return 0;
}

void oci_mount_free(struct oci_mount *m)
{
	free(m->destination);
	free(m->type);
	free(m->source);
	oci_strv_free(m->options);
	oci_mount_flags_free(&m->parsed);
	free(m->uid_mappings);
	free(m->gid_mappings);
	memset(m, 0, sizeof(*m));
}

static int parse_mount(struct oci_parser *p, const json_t *e, void *items, size_t i, void *ctx)
{
	struct oci_mount *m = (struct oci_mount *)items + i;
	int r = oci_expect_object(p, e);

	if (r == 0)
		r = oci_get_string(p, e, "destination", true, &m->destination);
	if (r == 0 && !m->destination[0]) {
		oci_push_key(p, "destination");
		r = oci_fail(p, "must not be empty");
		oci_pop(p);
	}
	if (r == 0)
		r = oci_get_string(p, e, "type", false, &m->type);
	if (r == 0)
		r = oci_get_string(p, e, "source", false, &m->source);
	if (r == 0)
		r = oci_get_strings(p, e, "options", false, &m->options, &m->n_options);
	if (r == 0)
		r = oci_get_id_mappings(p, e, "uidMappings", &m->uid_mappings, &m->n_uid_mappings);
	if (r == 0)
		r = oci_get_id_mappings(p, e, "gidMappings", &m->gid_mappings, &m->n_gid_mappings);
	if (r == 0 && oci_mount_options_parse(m->options, m->n_options, &m->parsed) < 0)
		r = oci_nomem(p);
	if (r == 0 && (m->n_uid_mappings || m->n_gid_mappings) && !m->parsed.idmap)
		m->parsed.idmap = OCI_MOUNT_IDMAP; /* mappings imply idmap, as in runc */
	return r;
}

int oci_parse_mounts(struct oci_parser *p, const json_t *root, struct oci_config *cfg)
{
	void *v = cfg->mounts;
	int r = oci_get_array(p, root, "mounts", sizeof(*cfg->mounts), parse_mount, NULL, &v,
			      &cfg->n_mounts);

	cfg->mounts = v;
	return r;
}
