/*
 * session.c - journalist sessions (see session.h), kept in a web_sesstab:
 * one sodium_malloc'd table whose payload is a struct jnsess_view.
 */
#include "session.h"
#include "sderr.h"
#include "sesstab.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

static struct web_sesstab *table;

int
jnsess_init(unsigned idle_seconds, unsigned max_seconds)
{
	return web_sesstab_new(
	    JNSESS_MAX, sizeof(struct jnsess_view), idle_seconds, max_seconds, &table);
}

void
jnsess_shutdown(void)
{
	web_sesstab_free(table);
	table = NULL;
}

void
jnsess_cred(const struct db_journalist *j, unsigned char out[JNSESS_CRED_BYTES])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, JNSESS_CRED_BYTES);
	crypto_generichash_update(
	    &st, (const unsigned char *)j->pw_hash, strnlen(j->pw_hash, sizeof j->pw_hash));
	crypto_generichash_update(&st, j->totp_secret, sizeof j->totp_secret);
	crypto_generichash_final(&st, out, JNSESS_CRED_BYTES);
	sodium_memzero(&st, sizeof st);
}

static void
fill_view(void *payload, void *arg)
{
	struct jnsess_view *v = payload;

	*v = *(const struct jnsess_view *)arg;
	web_token_new(v->csrf);
}

int
jnsess_create(enum jnsess_kind kind, int64_t journalist, const char *name, int is_admin,
    const unsigned char cred[JNSESS_CRED_BYTES], char id_out[WEB_TOKEN_CHARS + 1])
{
	struct jnsess_view v;
	int e;

	if (table == NULL)
		return SD_ERR_STATE;
	memset(&v, 0, sizeof v);
	v.kind = kind;
	v.journalist = journalist;
	v.is_admin = is_admin;
	memcpy(v.cred, cred, JNSESS_CRED_BYTES);
	(void)snprintf(v.name, sizeof v.name, "%s", name);
	e = web_sesstab_create(table, fill_view, &v, id_out);
	sodium_memzero(&v, sizeof v);
	return e;
}

/* Copy the view out (the kind must match) and hand the flash out once. */
static int
take_view(void *payload, void *arg)
{
	struct jnsess_view *v = payload, *out = arg;

	if (v->kind != out->kind)
		return SD_ERR_NOTFOUND; /* a page cookie is not an API token, nor the reverse */
	*out = *v;
	v->flash = NULL;
	return 0;
}

int
jnsess_get(const char *id, enum jnsess_kind kind, struct jnsess_view *out)
{
	struct jnsess_view v;
	int64_t left = 0;
	int e;

	if (table == NULL)
		return SD_ERR_NOTFOUND;
	memset(&v, 0, sizeof v);
	v.kind = kind;
	if ((e = web_sesstab_with(table, id, 1, take_view, &v, &left)) == 0) {
		v.expires_in = left;
		*out = v;
	}
	sodium_memzero(&v, sizeof v);
	return e;
}

static int
put_flash(void *payload, void *arg)
{
	((struct jnsess_view *)payload)->flash = arg;
	return 0;
}

void
jnsess_set_flash(const char *id, const char *msgid)
{
	/* The put_ functions cannot fail: the only error is a session that
	 * ended, which has nothing left to set. */
	if (table != NULL)
		sd_ignore(
		    web_sesstab_with(table, id, 0, put_flash, (void *)(uintptr_t)msgid, NULL));
}

static int
put_pending(void *payload, void *arg)
{
	struct jnsess_view *v = payload;

	v->has_pending = arg != NULL;
	if (arg != NULL)
		memcpy(v->pending, arg, DB_TOTP_BYTES);
	else
		sodium_memzero(v->pending, sizeof v->pending);
	return 0;
}

void
jnsess_set_pending(const char *id, const unsigned char *secret)
{
	/* The put_ functions cannot fail: the only error is a session that
	 * ended, which has nothing left to set. */
	if (table != NULL)
		sd_ignore(
		    web_sesstab_with(table, id, 0, put_pending, (void *)(uintptr_t)secret, NULL));
}

struct shown_arg {
	const unsigned char *secret;
	const char *name;
};

static int
put_shown(void *payload, void *arg)
{
	struct jnsess_view *v = payload;
	const struct shown_arg *a = arg;

	v->has_shown = a->secret != NULL;
	if (a->secret != NULL) {
		memcpy(v->shown, a->secret, DB_TOTP_BYTES);
		(void)snprintf(v->shown_name, sizeof v->shown_name, "%s", a->name);
	} else {
		sodium_memzero(v->shown, sizeof v->shown);
		sodium_memzero(v->shown_name, sizeof v->shown_name);
	}
	return 0;
}

void
jnsess_set_shown(const char *id, const unsigned char *secret, const char *name)
{
	struct shown_arg a = { secret, name };

	/* The put_ functions cannot fail: the only error is a session that
	 * ended, which has nothing left to set. */
	if (table != NULL)
		sd_ignore(web_sesstab_with(table, id, 0, put_shown, &a, NULL));
}

static int
put_cred(void *payload, void *arg)
{
	memcpy(((struct jnsess_view *)payload)->cred, arg, JNSESS_CRED_BYTES);
	return 0;
}

void
jnsess_set_cred(const char *id, const unsigned char cred[JNSESS_CRED_BYTES])
{
	/* The put_ functions cannot fail: the only error is a session that
	 * ended, which has nothing left to set. */
	if (table != NULL)
		sd_ignore(web_sesstab_with(table, id, 0, put_cred, (void *)(uintptr_t)cred, NULL));
}

void
jnsess_destroy(const char *id)
{
	if (table != NULL)
		web_sesstab_destroy(table, id);
}

static int
of_journalist(void *payload, void *arg)
{
	return ((const struct jnsess_view *)payload)->journalist == *(const int64_t *)arg;
}

void
jnsess_destroy_journalist(int64_t journalist)
{
	if (table != NULL)
		(void)web_sesstab_drop_if(table, of_journalist, &journalist);
}

unsigned
jnsess_expire(void)
{
	return table != NULL ? web_sesstab_expire(table) : 0;
}
