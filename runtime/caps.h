/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MOAT_RUNTIME_CAPS_H
#define MOAT_RUNTIME_CAPS_H

#include "../lib/error.h"

/* Drop every capability (bounding, ambient, inheritable, permitted, effective)
 * and set no_new_privs. Irreversible. */
int caps_drop_all(struct moat_error *err);

#endif
