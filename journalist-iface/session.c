/*
 * session.c - journalist sessions in sodium_malloc'd memory (see
 * session.h). Same shape as the source side's table, with the journalist
 * binding, a session kind and the pending TOTP secret.
 */
#include "session.h"
#include "sderr.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

struct entry {
	int used;
	char id[WEB_TOKEN_CHARS + 1];
	time_t created, seen;
	struct jnsess_view v;
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
jnsess_init(unsigned idle_seconds, unsigned max_seconds)
{
	table = sodium_malloc(JNSESS_MAX * sizeof *table);
	if (table == NULL)
		return SD_ERR_NOMEM;
	sodium_memzero(table, JNSESS_MAX * sizeof *table);
	idle_s = idle_seconds;
	max_s = max_seconds;
	return 0;
}

void
jnsess_shutdown(void)
{
	pthread_mutex_lock(&mu);
	if (table != NULL)
		sodium_free(table);
	table = NULL;
	pthread_mutex_unlock(&mu);
}

static int
expired(const struct entry *e, time_t t)
{
	return t - e->seen >= (time_t)idle_s || t - e->created >= (time_t)max_s;
}

static struct entry *
find(const char *id)
{
	struct entry *hit = NULL;

	if (table == NULL || id == NULL || strlen(id) != WEB_TOKEN_CHARS)
		return NULL;
	for (size_t i = 0; i < JNSESS_MAX; i++)
		if (table[i].used && web_token_equal(table[i].id, id))
			hit = &table[i];
	return hit;
}

static struct entry *
slot(time_t t)
{
	struct entry *lru = &table[0];

	for (size_t i = 0; i < JNSESS_MAX; i++) {
		if (!table[i].used || expired(&table[i], t))
			return &table[i];
		if (table[i].seen < lru->seen)
			lru = &table[i];
	}
	return lru;
}

void
jnsess_cred(const struct db_journalist *j, unsigned char out[JNSESS_CRED_BYTES])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, JNSESS_CRED_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)j->pw_hash,
	    strnlen(j->pw_hash, sizeof j->pw_hash));
	crypto_generichash_update(&st, j->totp_secret, sizeof j->totp_secret);
	crypto_generichash_final(&st, out, JNSESS_CRED_BYTES);
	sodium_memzero(&st, sizeof st);
}

int
jnsess_create(enum jnsess_kind kind, int64_t journalist, const char *name, int is_admin,
    const unsigned char cred[JNSESS_CRED_BYTES], char id_out[WEB_TOKEN_CHARS + 1])
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
	e->v.kind = kind;
	e->v.journalist = journalist;
	e->v.is_admin = is_admin;
	memcpy(e->v.cred, cred, JNSESS_CRED_BYTES);
	(void)snprintf(e->v.name, sizeof e->v.name, "%s", name);
	memcpy(id_out, e->id, WEB_TOKEN_CHARS + 1);
	pthread_mutex_unlock(&mu);
	return 0;
}

int
jnsess_get(const char *id, enum jnsess_kind kind, struct jnsess_view *out)
{
	struct entry *e;
	time_t t = now();
	int r = SD_ERR_NOKEY;

	pthread_mutex_lock(&mu);
	if ((e = find(id)) != NULL && e->v.kind == kind) {
		if (expired(e, t)) {
			sodium_memzero(e, sizeof *e);
		} else {
			e->seen = t;
			e->v.expires_in = (int64_t)max_s - (int64_t)(t - e->created);
			*out = e->v;
			e->v.flash = NULL;
			r = 0;
		}
	}
	pthread_mutex_unlock(&mu);
	return r;
}

void
jnsess_set_flash(const char *id, const char *msgid)
{
	struct entry *e;

	pthread_mutex_lock(&mu);
	if ((e = find(id)) != NULL)
		e->v.flash = msgid;
	pthread_mutex_unlock(&mu);
}

void
jnsess_set_pending(const char *id, const unsigned char *secret)
{
	struct entry *e;

	pthread_mutex_lock(&mu);
	if ((e = find(id)) != NULL) {
		e->v.has_pending = secret != NULL;
		if (secret != NULL)
			memcpy(e->v.pending, secret, DB_TOTP_BYTES);
		else
			sodium_memzero(e->v.pending, sizeof e->v.pending);
	}
	pthread_mutex_unlock(&mu);
}

void
jnsess_set_cred(const char *id, const unsigned char cred[JNSESS_CRED_BYTES])
{
	struct entry *e;

	pthread_mutex_lock(&mu);
	if ((e = find(id)) != NULL)
		memcpy(e->v.cred, cred, JNSESS_CRED_BYTES);
	pthread_mutex_unlock(&mu);
}

void
jnsess_destroy(const char *id)
{
	struct entry *e;

	pthread_mutex_lock(&mu);
	if ((e = find(id)) != NULL)
		sodium_memzero(e, sizeof *e);
	pthread_mutex_unlock(&mu);
}

void
jnsess_destroy_journalist(int64_t journalist)
{
	pthread_mutex_lock(&mu);
	for (size_t i = 0; table != NULL && i < JNSESS_MAX; i++)
		if (table[i].used && table[i].v.journalist == journalist)
			sodium_memzero(&table[i], sizeof table[i]);
	pthread_mutex_unlock(&mu);
}

unsigned
jnsess_expire(void)
{
	time_t t = now();
	unsigned n = 0;

	pthread_mutex_lock(&mu);
	for (size_t i = 0; table != NULL && i < JNSESS_MAX; i++)
		if (table[i].used && expired(&table[i], t)) {
			sodium_memzero(&table[i], sizeof table[i]);
			n++;
		}
	pthread_mutex_unlock(&mu);
	return n;
}
