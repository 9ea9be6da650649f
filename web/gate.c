/*
 * gate.c - the first-come-first-served gate (see gate.h). Tickets in
 * arrival order: a waiter enters when its ticket is the next to admit and a
 * slot is free, so nobody overtakes anybody.
 */
#include "gate.h"
#include "sderr.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

struct web_gate {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned slots, queue;
	unsigned inside;
	uint64_t next_ticket; /* the ticket the next caller gets */
	uint64_t next_admit;  /* the ticket admitted next */
};

int
web_gate_new(unsigned slots, unsigned queue, struct web_gate **out)
{
	struct web_gate *g;

	if (slots == 0)
		return SD_ERR_ARG;
	if ((g = calloc(1, sizeof *g)) == NULL)
		return SD_ERR_NOMEM;
	if (pthread_mutex_init(&g->mu, NULL) != 0) {
		free(g);
		return SD_ERR_NOMEM;
	}
	if (pthread_cond_init(&g->cv, NULL) != 0) {
		pthread_mutex_destroy(&g->mu);
		free(g);
		return SD_ERR_NOMEM;
	}
	g->slots = slots;
	g->queue = queue;
	*out = g;
	return 0;
}

void
web_gate_free(struct web_gate *g)
{
	if (g == NULL)
		return;
	pthread_cond_destroy(&g->cv);
	pthread_mutex_destroy(&g->mu);
	free(g);
}

int
web_gate_enter(struct web_gate *g)
{
	uint64_t t;

	pthread_mutex_lock(&g->mu);
	/* Waiting now: tickets given out and not yet admitted. */
	if (g->next_ticket - g->next_admit >= (uint64_t)g->queue &&
	    !(g->next_ticket == g->next_admit && g->inside < g->slots)) {
		pthread_mutex_unlock(&g->mu);
		return SD_ERR_BUSY;
	}
	t = g->next_ticket++;
	while (t != g->next_admit || g->inside >= g->slots)
		pthread_cond_wait(&g->cv, &g->mu);
	g->next_admit++;
	g->inside++;
	/* The next in line may find a free slot too. */
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
	return 0;
}

void
web_gate_leave(struct web_gate *g)
{
	pthread_mutex_lock(&g->mu);
	if (g->inside > 0)
		g->inside--;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

void
web_gate_load(struct web_gate *g, unsigned *inside, unsigned *waiting)
{
	pthread_mutex_lock(&g->mu);
	*inside = g->inside;
	*waiting = (unsigned)(g->next_ticket - g->next_admit);
	pthread_mutex_unlock(&g->mu);
}
