/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MOAT_RUNTIME_NET_H
#define MOAT_RUNTIME_NET_H

#include "../lib/error.h"

/* Bring the loopback interface of the current network namespace up. */
int net_loopback_up(struct moat_error *err);

#endif
