/*
 * session.c - source sessions in sodium_malloc'd memory (see session.h).
 */
#include "session.h"
#include "sderr.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

struct entry {
	int used;
	char id[WEB_TOKEN_CHARS + 1];
	time_t created, seen;
	struct srcsess_view v;
};

static struct entry *table;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned idle_s, max_s;

static time_t
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

int
srcsess_init(unsigned idle_seconds, unsigned max_seconds)
{
	table = sodium_malloc(SRCSESS_MAX * sizeof *table);
	if (table == NULL)
		return SD_ERR_NOMEM;
	sodium_memzero(table, SRCSESS_MAX * sizeof *table);
	idle_s = idle_seconds;
	max_s = max_seconds;
	return 0;
}

void
srcsess_shutdown(void)
{
	pthread_mutex_lock(&mu);
	if (table != NULL)
		sodium_free(table); /* wipes every entry */
	table = NULL;
	pthread_mutex_unlock(&mu);
}

static int
expired(const struct entry *e, time_t t)
{
	return t - e->seen >= (time_t)idle_s || t - e->created >= (time_t)max_s;
}

/* Entry for an id (caller holds mu), or NULL. Compares every used entry in
 * constant time per entry. */
static struct entry *
find(const char *id)
{
	struct entry *hit = NULL;

	if (id == NULL || strlen(id) != WEB_TOKEN_CHARS)
		return NULL;
	for (size_t i = 0; i < SRCSESS_MAX; i++)
		if (table[i].used && web_token_equal(table[i].id, id))
			hit = &table[i];
	return hit;
}

/* A free slot, evicting the least recently seen one when full. */
static struct entry *
slot(time_t t)
{
	struct entry *lru = &table[0];

	for (size_t i = 0; i < SRCSESS_MAX; i++) {
		if (!table[i].used || expired(&table[i], t))
			return &table[i];
		if (table[i].seen < lru->seen)
			lru = &table[i];
	}
	return lru;
}

int
srcsess_create(int64_t source_row, const unsigned char source_id[16],
    const unsigned char reply_sk[32], char id_out[WEB_TOKEN_CHARS + 1])
{
	struct entry *e;
	time_t t = now();

	pthread_mutex_lock(&mu);
	if (table == NULL) {
		pthread_mutex_unlock(&mu);
		return SD_ERR_STATE;
	}
	e = slot(t);
	sodium_memzero(e, sizeof *e);
	e->used = 1;
	e->created = e->seen = t;
	web_token_new(e->id);
	web_token_new(e->v.csrf);
	e->v.source_row = source_row;
	memcpy(e->v.source_id, source_id, sizeof e->v.source_id);
	memcpy(e->v.reply_sk, reply_sk, sizeof e->v.reply_sk);
	memcpy(id_out, e->id, WEB_TOKEN_CHARS + 1);
	pthread_mutex_unlock(&mu);
	return 0;
}

int
srcsess_get(const char *id, struct srcsess_view *out)
{
	struct entry *e;
	time_t t = now();
	int r = SD_ERR_NOKEY;

	pthread_mutex_lock(&mu);
	if (table != NULL && (e = find(id)) != NULL) {
		if (expired(e, t)) {
			sodium_memzero(e, sizeof *e);
		} else {
			e->seen = t;
			*out = e->v;
			e->v.flash = SRCSESS_FLASH_NONE;
			r = 0;
		}
	}
	pthread_mutex_unlock(&mu);
	return r;
}

void
srcsess_set_flash(const char *id, enum srcsess_flash f)
{
	struct entry *e;

	pthread_mutex_lock(&mu);
	if (table != NULL && (e = find(id)) != NULL)
		e->v.flash = f;
	pthread_mutex_unlock(&mu);
}

void
srcsess_destroy(const char *id)
{
	struct entry *e;

	pthread_mutex_lock(&mu);
	if (table != NULL && (e = find(id)) != NULL)
		sodium_memzero(e, sizeof *e);
	pthread_mutex_unlock(&mu);
}

unsigned
srcsess_expire(void)
{
	time_t t = now();
	unsigned n = 0;

	pthread_mutex_lock(&mu);
	for (size_t i = 0; table != NULL && i < SRCSESS_MAX; i++)
		if (table[i].used && expired(&table[i], t)) {
			sodium_memzero(&table[i], sizeof table[i]);
			n++;
		}
	pthread_mutex_unlock(&mu);
	return n;
}
