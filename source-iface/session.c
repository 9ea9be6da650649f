/*
 * session.c - source sessions (see session.h), kept in a web_sesstab: one
 * sodium_malloc'd table whose payload is a struct srcsess_view.
 */
#include "session.h"
#include "sderr.h"
#include "sesstab.h"

#include <string.h>

#include <sodium.h>

static struct web_sesstab *table;

int
srcsess_init(unsigned slots, unsigned idle_seconds, unsigned max_seconds)
{
	return web_sesstab_new(slots, sizeof(struct srcsess_view), idle_seconds,
	    max_seconds, &table);
}

void
srcsess_shutdown(void)
{
	web_sesstab_free(table);
	table = NULL;
}

struct fill {
	int64_t source_row;
	const unsigned char *source_id, *reply_sk;
};

static void
fill_view(void *payload, void *arg)
{
	struct srcsess_view *v = payload;
	const struct fill *f = arg;

	web_token_new(v->csrf);
	v->source_row = f->source_row;
	memcpy(v->source_id, f->source_id, sizeof v->source_id);
	memcpy(v->reply_sk, f->reply_sk, sizeof v->reply_sk);
}

/* Sessions of pending sources (nothing submitted yet) rank below the
 * others: a flood of /generate can only evict its own kind. */
#define RANK_PENDING 0
#define RANK_SOURCE 1

int
srcsess_create(int64_t source_row, const unsigned char source_id[16],
    const unsigned char reply_sk[32], int pending, char id_out[WEB_TOKEN_CHARS + 1])
{
	struct fill f = { source_row, source_id, reply_sk };

	if (table == NULL)
		return SD_ERR_STATE;
	return web_sesstab_create_ranked(table, pending ? RANK_PENDING : RANK_SOURCE, fill_view,
	    &f, id_out);
}

void
srcsess_promote(const char *id)
{
	if (table != NULL)
		(void)web_sesstab_set_rank(table, id, RANK_SOURCE);
}

/* Copy the view out and hand the one-shot message out once. */
static int
take_view(void *payload, void *arg)
{
	struct srcsess_view *v = payload;

	*(struct srcsess_view *)arg = *v;
	v->flash = SRCSESS_FLASH_NONE;
	return 0;
}

int
srcsess_get(const char *id, struct srcsess_view *out)
{
	struct srcsess_view v;
	int e;

	if (table == NULL)
		return SD_ERR_NOKEY;
	if ((e = web_sesstab_with(table, id, 1, take_view, &v, NULL)) == 0)
		*out = v;
	sodium_memzero(&v, sizeof v);
	return e;
}

static int
put_flash(void *payload, void *arg)
{
	((struct srcsess_view *)payload)->flash = *(const enum srcsess_flash *)arg;
	return 0;
}

void
srcsess_set_flash(const char *id, enum srcsess_flash f)
{
	if (table != NULL)
		(void)web_sesstab_with(table, id, 0, put_flash, &f, NULL);
}

void
srcsess_destroy(const char *id)
{
	if (table != NULL)
		web_sesstab_destroy(table, id);
}

unsigned
srcsess_expire(void)
{
	return table != NULL ? web_sesstab_expire(table) : 0;
}
