/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MOAT_RUNTIME_SANDBOX_H
#define MOAT_RUNTIME_SANDBOX_H

#include "config.h"

/* Run cfg->argv in a new sandbox and return the exit status to report. */
int sandbox_run(struct sandbox_config *cfg);

#endif
