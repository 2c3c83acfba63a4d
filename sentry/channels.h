/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Gofer channels shared per CPU. A trapped call is served on the CPU the
 * task trapped on (SYNC_WAKE_UP), whichever worker takes it; a gofer thread
 * that serves one CPU's channel stays pinned there (gofer/serve.c
 * follow_cpu), where a worker's own channel would chase its worker from CPU
 * to CPU. A worker that finds its CPU's channel busy (a blocking op holds
 * it) uses its own channel instead.
 */
#ifndef MOAT_SENTRY_CHANNELS_H
#define MOAT_SENTRY_CHANNELS_H

#include "../gofer/client.h"

struct sentry;

/* Size the table for this machine's CPUs. 0 or -errno. */
int channels_init(struct sentry *s);

/*
 * The channel to use now: this CPU's if free (opened on first use), else
 * own. *slot says what to give back to channels_put().
 */
struct gofer_channel *channels_take(struct sentry *s, struct gofer_channel *own, int *slot);
void channels_put(struct sentry *s, int slot);

#endif
