/*
 * gate.h - a bounded first-come-first-served gate for costly work (argon2id
 * derivations): at most `slots` callers inside at once, at most `queue`
 * more waiting in the order they came, and only past that an immediate
 * SD_ERR_BUSY. A storm of requests then delays a real one by its place in
 * the queue instead of refusing it at random, and memory stays bounded
 * (slots derivations, queue waiting threads).
 */
#ifndef WEB_GATE_H
#define WEB_GATE_H

#include "sderr.h"

struct web_gate;

SD_MUST_CHECK
int web_gate_new(unsigned slots, unsigned queue, struct web_gate **out);
/* Accepts NULL. No caller may be inside or waiting. */
void web_gate_free(struct web_gate *g);
/* Wait for a turn: 0 once inside (call web_gate_leave after the work),
 * SD_ERR_BUSY at once when the queue is full. */
SD_MUST_CHECK
int web_gate_enter(struct web_gate *g);
void web_gate_leave(struct web_gate *g);
/* Callers inside and waiting now (for tests and the bench). */
void web_gate_load(struct web_gate *g, unsigned *inside, unsigned *waiting);

#endif
