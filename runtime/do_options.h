/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MOAT_RUNTIME_DO_OPTIONS_H
#define MOAT_RUNTIME_DO_OPTIONS_H

#include <stdio.h>

#include "../lib/error.h"
#include "config.h"

/* Parse `moat do` arguments (argv[0] is "do"). 0, 1 when --help was printed, or -errno. */
int do_parse_options(int argc, char **argv, struct sandbox_config *cfg, struct moat_error *err);
void do_usage(FILE *out);

#endif
