/*
 * session.c - source sessions (see session.h), kept in a web_sesstab: one
 * sodium_malloc'd table whose payload is a struct srcsess_view.
 */
#include "session.h"
#include "sderr.h"
#include "sesstab.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

static struct web_sesstab *table;
static unsigned char token_key[crypto_auth_KEYBYTES];
static int token_key_set;

#define TOKEN_RAW (16 + 8 + crypto_auth_BYTES)
#define TOKEN_DOMAIN "sealdrop submit token 1"

_Static_assert(crypto_auth_KEYBYTES == 32, "token key size");
_Static_assert(SRCSESS_SUBMIT_TOKEN_CHARS == (TOKEN_RAW * 4 + 2) / 3, "token length");

void
srcsess_set_token_key(const unsigned char key[32])
{
	memcpy(token_key, key, sizeof token_key);
	token_key_set = 1;
}

/* The MAC of a token's id and expiry, with the domain in front. */
static void
token_mac(const unsigned char *body, unsigned char mac[crypto_auth_BYTES])
{
	unsigned char msg[sizeof TOKEN_DOMAIN + 24];

	memcpy(msg, TOKEN_DOMAIN, sizeof TOKEN_DOMAIN);
	memcpy(msg + sizeof TOKEN_DOMAIN, body, 24);
	crypto_auth(mac, msg, sizeof msg, token_key);
}

int
srcsess_submit_token(const unsigned char source_id[16], char out[SRCSESS_SUBMIT_TOKEN_CHARS + 1])
{
	unsigned char raw[TOKEN_RAW];
	/* Rounded up to the hour: the token does not say when the page was
	 * made to the second. */
	uint64_t exp = ((uint64_t)time(NULL) + SRCSESS_SUBMIT_LIFETIME + 3599) / 3600 * 3600;

	if (!token_key_set)
		return SD_ERR_STATE;
	memcpy(raw, source_id, 16);
	for (int i = 0; i < 8; i++)
		raw[16 + i] = (unsigned char)(exp >> (8 * i));
	token_mac(raw, raw + 24);
	sodium_bin2base64(out, SRCSESS_SUBMIT_TOKEN_CHARS + 1, raw, sizeof raw,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

int
srcsess_submit_token_check(const char *tok, size_t len, unsigned char source_id[16])
{
	unsigned char raw[TOKEN_RAW], mac[crypto_auth_BYTES];
	size_t n = 0;
	uint64_t exp = 0;
	int e = SD_ERR_AUTH;

	if (!token_key_set || tok == NULL || len != SRCSESS_SUBMIT_TOKEN_CHARS ||
	    sodium_base642bin(raw, sizeof raw, tok, len, NULL, &n, NULL,
		sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != sizeof raw)
		goto out;
	token_mac(raw, mac);
	if (sodium_memcmp(mac, raw + 24, sizeof mac) != 0)
		goto out;
	for (int i = 0; i < 8; i++)
		exp |= (uint64_t)raw[16 + i] << (8 * i);
	if (exp < (uint64_t)time(NULL))
		goto out;
	memcpy(source_id, raw, 16);
	e = 0;
out:
	sodium_memzero(mac, sizeof mac);
	return e;
}

int
srcsess_init(unsigned slots, unsigned idle_seconds, unsigned max_seconds)
{
	int e =
	    web_sesstab_new(slots, sizeof(struct srcsess_view), idle_seconds, max_seconds, &table);

	/* One codename logged in again and again evicts only its own. */
	if (e == 0)
		web_sesstab_set_group_max(table, SRCSESS_PER_SOURCE);
	return e;
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
	return web_sesstab_create_ranked(
	    table, pending ? RANK_PENDING : RANK_SOURCE, source_row, fill_view, &f, id_out);
}

void
srcsess_pin(const char *id, int delta)
{
	/* Its only error is SD_ERR_NOTFOUND: the session ended, and there is
	 * nothing to pin or unpin. */
	if (table != NULL && id != NULL && id[0] != '\0')
		sd_ignore(web_sesstab_pin(table, id, delta));
}

size_t
srcsess_live_sources(int64_t *rows, size_t max)
{
	return table != NULL ? web_sesstab_groups(table, rows, max) : 0;
}

void
srcsess_promote(const char *id)
{
	/* Its only error is SD_ERR_NOTFOUND: the session ended meanwhile. */
	if (table != NULL)
		sd_ignore(web_sesstab_set_rank(table, id, RANK_SOURCE));
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
		return SD_ERR_NOTFOUND;
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
	/* put_flash cannot fail: the only error is a session that ended. */
	if (table != NULL)
		sd_ignore(web_sesstab_with(table, id, 0, put_flash, &f, NULL));
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
