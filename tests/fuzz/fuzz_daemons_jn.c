/*
 * fuzz_daemons_jn.c - the sealdrop-journalist half of the fuzz_daemons
 * target: the app context main.c would fill, over the temporary instance
 * the driver made, and an admin account with a page session and an API
 * token, so inputs reach every route's body reader and handler. A request
 * may log out, remove or reset the account: fzd_jn_creds makes new ones.
 */
#include "fuzz_daemons.h"
#include "journalist.h"
#include "account.h"
#include "sderr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

const MHD_AccessHandlerCallback fzd_jn_handle = jn_handle;
const MHD_RequestCompletedCallback fzd_jn_completed = jn_completed;

static char pw_hash[DB_PWHASH_MAX];
static struct db_journalist me;
static int have_me;
static unsigned accounts;
static char web[WEB_TOKEN_CHARS + 1], api[WEB_TOKEN_CHARS + 1];

void
fzd_jn_open(const char *inst)
{
	char err[STORE_ERR_MAX];
	unsigned removed = 0;

	if (store_instance_open(
		inst, "journalist", &jn_app.conf, &jn_app.db, &jn_app.spool, &removed, err) != 0) {
		fprintf(stderr, "fuzz_daemons: %s\n", err);
		abort();
	}
	(void)snprintf(jn_app.instance, sizeof jn_app.instance, "%s", inst);
	if (jnsess_init(jn_app.conf.journalist_idle_minutes * 60U,
		jn_app.conf.journalist_max_minutes * 60U) != 0 ||
	    account_init() != 0 || pthread_mutex_init(&jn_app.db_mu, NULL) != 0 ||
	    pthread_mutex_init(&jn_app.throttle_mu, NULL) != 0 ||
	    sem_init(&jn_app.argon2, 0, jn_app.conf.argon2_concurrency) != 0)
		abort();
	/* One argon2id hash for every account the run makes. */
	if (account_hash("fuzz passphrase", 15, pw_hash) != 0)
		abort();
}

static void
new_account(void)
{
	unsigned char totp[DB_TOTP_BYTES];
	char name[DB_NAME_MAX + 1];

	randombytes_buf(totp, sizeof totp);
	(void)snprintf(name, sizeof name, "fuzz%u", accounts++);
	JN_DB_LOCK();
	if (db_journalist_add(jn_app.db, name, pw_hash, totp, 1) != 0 ||
	    db_journalist_get(jn_app.db, name, &me) != 0)
		abort();
	JN_DB_UNLOCK();
	have_me = 1;
	web[0] = api[0] = '\0';
}

/* A live session of kind in id, made anew if a request ended it. */
static void
session(enum jnsess_kind kind, char id[WEB_TOKEN_CHARS + 1], struct jnsess_view *v)
{
	unsigned char cred[JNSESS_CRED_BYTES];

	if (id[0] != '\0' && jnsess_get(id, kind, v) == 0)
		return;
	jnsess_cred(&me, cred);
	if (jnsess_create(kind, me.id, me.name, me.is_admin, cred, id) != 0 ||
	    jnsess_get(id, kind, v) != 0)
		abort();
}

void
fzd_jn_creds(const char *source, struct fzd_creds *out)
{
	struct jnsess_view v;
	struct db_journalist now;
	int e = SD_ERR_NOTFOUND;

	if (have_me) {
		JN_DB_LOCK();
		e = db_journalist_by_id(jn_app.db, me.id, &now);
		JN_DB_UNLOCK();
		/* Reset (new passphrase or code) or demoted: start over. */
		if (e == 0 &&
		    (sodium_memcmp(now.totp_secret, me.totp_secret, DB_TOTP_BYTES) != 0 ||
			strcmp(now.pw_hash, me.pw_hash) != 0 || !now.is_admin)) {
			JN_DB_LOCK();
			/* Gone already is as good: it is made again below. */
			sd_ignore(db_journalist_remove(jn_app.db, me.id));
			JN_DB_UNLOCK();
			jnsess_destroy_journalist(me.id);
			e = SD_ERR_NOTFOUND;
		}
		sodium_memzero(&now, sizeof now);
	}
	if (e != 0)
		new_account();
	memset(out, 0, sizeof *out);
	session(JNSESS_API, api, &v);
	sodium_memzero(&v, sizeof v);
	session(JNSESS_WEB, web, &v);
	memcpy(out->sess, web, sizeof out->sess);
	memcpy(out->api, api, sizeof out->api);
	memcpy(out->csrf, v.csrf, sizeof out->csrf);
	sodium_memzero(&v, sizeof v);
	(void)snprintf(out->source, sizeof out->source, "%s", source);
	(void)snprintf(out->me, sizeof out->me, "%lld", (long long)me.id);
}
