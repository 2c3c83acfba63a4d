/* SPDX-License-Identifier: Apache-2.0 */
#include "channels.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/sysinfo.h>

#include "sentry.h"

struct cpu_channel {
	pthread_mutex_t lock;
	int state; /* CHANNEL_* below; guarded by lock */
	struct gofer_channel ch;
} __attribute__((aligned(64)));

enum { CHANNEL_UNOPENED, CHANNEL_OPEN, CHANNEL_FAILED };

#define CHANNELS_MAX_CPUS 1024

int channels_init(struct sentry *s)
{
	int n = get_nprocs_conf();

	if (n < 1)
		n = 1;
	if (n > CHANNELS_MAX_CPUS)
		n = CHANNELS_MAX_CPUS;
	s->cpu_channels = aligned_alloc(64, sizeof(struct cpu_channel) * (size_t)n);
	if (!s->cpu_channels)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		pthread_mutex_init(&s->cpu_channels[i].lock, NULL);
		s->cpu_channels[i].state = CHANNEL_UNOPENED;
	}
	s->ncpu_channels = n;
	return 0;
}

struct gofer_channel *channels_take(struct sentry *s, struct gofer_channel *own, int *slot)
{
	int cpu = sched_getcpu();
	struct cpu_channel *c;

	*slot = -1;
	if (cpu < 0 || cpu >= s->ncpu_channels)
		return own;
	c = &s->cpu_channels[cpu];
	if (pthread_mutex_trylock(&c->lock) != 0)
		return own;
	if (c->state == CHANNEL_UNOPENED)
		c->state = gofer_channel_open(s->gofer_control, &c->ch) < 0 ? CHANNEL_FAILED
									    : CHANNEL_OPEN;
	if (c->state != CHANNEL_OPEN) {
		pthread_mutex_unlock(&c->lock);
		return own;
	}
	*slot = cpu;
	return &c->ch;
}

void channels_put(struct sentry *s, int slot)
{
	if (slot >= 0)
		pthread_mutex_unlock(&s->cpu_channels[slot].lock);
}
