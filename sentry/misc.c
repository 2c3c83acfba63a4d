/* SPDX-License-Identifier: Apache-2.0 */
/* Calls the sentry answers from its own state. */
#include "call.h"
#include "handler_util.h"
#include "handlers.h"
#include "sentry.h"

/* The sandbox's hostname and the configured release, not the host's. */
SENTRY_HANDLER(uname)
{
	util_return_copied(call, call->n->args[0], &call->sentry->uts, sizeof(call->sentry->uts),
			   0);
}
