/*
 * sesstab.h - a table of sessions in memory only, shared by both daemons
 * (source-iface/session.c and journalist-iface/session.c keep what each
 * session holds; this keeps the table).
 *
 * A session is a random 256-bit id (web_token_new) and a fixed-size
 * payload. The whole table is one sodium_malloc'd block (guard pages, never
 * swapped where mlock works, wiped when freed). An entry is wiped at
 * destroy, at idle or absolute expiry, and when the table is full the least
 * recently used entry of the lowest rank is evicted; an entry is never
 * evicted to make room for one of a lower rank (a source who submitted is
 * never logged out by a flood of new codenames). Ids are compared in constant time against
 * every used entry. One mutex guards the table: the callbacks below run
 * under it and must not call back into the table.
 */
#ifndef WEB_SESSTAB_H
#define WEB_SESSTAB_H
#include <stddef.h>
#include <stdint.h>
#include "http.h"
#include "sderr.h"

struct web_sesstab;

/* Runs on an entry's payload under the table lock; a non-zero return is
 * passed to the caller. */
typedef int (*web_sesstab_fn)(void *payload, void *arg);

SD_MUST_CHECK
int web_sesstab_new(size_t slots, size_t payload_size, unsigned idle_seconds, unsigned max_seconds,
    struct web_sesstab **out);
/* Wipes every entry; accepts NULL. */
void web_sesstab_free(struct web_sesstab *t);
/* Fills a new entry's zeroed payload under the table lock (cannot fail:
 * the slot it gets may be one just evicted). */
typedef void (*web_sesstab_fill)(void *payload, void *arg);

#define WEB_SESSTAB_RANK_TOP 1000

/* A new entry with a fresh id, of the top rank. */
SD_MUST_CHECK
int web_sesstab_create(
    struct web_sesstab *t, web_sesstab_fill fill, void *arg, char id_out[WEB_TOKEN_CHARS + 1]);
/* A new entry of the given rank and group (0: none). A group that has
 * group_max live entries gives up its own least recently used one first;
 * otherwise, when the table is full, it may evict only an unpinned entry of
 * the same or a lower rank; SD_ERR_BUSY when there is none. */
SD_MUST_CHECK
int web_sesstab_create_ranked(struct web_sesstab *t, int rank, int64_t group, web_sesstab_fill fill,
    void *arg, char id_out[WEB_TOKEN_CHARS + 1]);
/* At most n live entries per group (0: no bound, the default). */
void web_sesstab_set_group_max(struct web_sesstab *t, unsigned n);
/* Pin (delta 1) or unpin (-1) the entry named id: a pinned entry is never
 * evicted nor wiped by expiry (a request is using it). */
SD_MUST_CHECK
int web_sesstab_pin(struct web_sesstab *t, const char *id, int delta);
/* The groups of the live or pinned entries, at most max (repeats kept). */
size_t web_sesstab_groups(struct web_sesstab *t, int64_t *out, size_t max);
/* Change the rank of the live entry named id; SD_ERR_NOTFOUND when none. */
SD_MUST_CHECK
int web_sesstab_set_rank(struct web_sesstab *t, const char *id, int rank);
/* fn on the live entry named id. When fn returns 0 and touch is set, the
 * idle timer restarts. *left (may be NULL) gets the seconds to the
 * absolute expiry. SD_ERR_NOTFOUND when there is no live entry (an expired
 * one is wiped); otherwise fn's return. */
SD_MUST_CHECK
int web_sesstab_with(
    struct web_sesstab *t, const char *id, int touch, web_sesstab_fn fn, void *arg, int64_t *left);
/* Wipe every used entry for which match returns non-zero; how many. */
unsigned web_sesstab_drop_if(struct web_sesstab *t, web_sesstab_fn match, void *arg);
void web_sesstab_destroy(struct web_sesstab *t, const char *id);
/* Wipe expired entries; how many. */
unsigned web_sesstab_expire(struct web_sesstab *t);
#endif
