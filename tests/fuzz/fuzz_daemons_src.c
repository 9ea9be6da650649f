/*
 * fuzz_daemons_src.c - the sealdrop-source half of the fuzz_daemons target:
 * the app context main.c would fill, over the temporary instance the driver
 * made, and one source with a live session whose CSRF token the driver may
 * put into a form (so inputs reach past the token check into the upload).
 */
#include "fuzz_daemons.h"
#include "source.h"
#include "sdi18n.h"
#include "sderr.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

struct src_app src_app; /* main.c's, which is not linked here */

const MHD_AccessHandlerCallback fzd_src_handle = src_handle;
const MHD_RequestCompletedCallback fzd_src_completed = src_completed;

static struct db_source me;
static int have_source;
static char sess[WEB_TOKEN_CHARS + 1];
static unsigned char reply_sk[crypto_box_SECRETKEYBYTES];

void
fzd_src_open(const char *inst)
{
	char err[STORE_ERR_MAX];
	unsigned removed = 0;

	if (store_instance_open(
		inst, "source", &src_app.conf, &src_app.db, &src_app.spool, &removed, err) != 0) {
		fprintf(stderr, "fuzz_daemons: %s\n", err);
		abort();
	}
	if (store_codename_params(src_app.db, &src_app.cn) != 0 ||
	    srcsess_init(src_app.conf.max_sessions, src_app.conf.session_idle_minutes * 60U,
		src_app.conf.session_max_minutes * 60U) != 0 ||
	    pthread_mutex_init(&src_app.db_mu, NULL) != 0 ||
	    web_gate_new(
		src_app.conf.argon2_concurrency, src_app.conf.argon2_queue, &src_app.argon2) != 0)
		abort();
	{
		/* The submit token key main.c loads from the database. */
		unsigned char key[32];
		randombytes_buf(key, sizeof key);
		srcsess_set_token_key(key);
	}
	(void)snprintf(src_app.instance_name, sizeof src_app.instance_name, "fuzz");
}

static void
new_source(void)
{
	unsigned char tag[DB_TAG_BYTES], pk[crypto_box_PUBLICKEYBYTES];

	randombytes_buf(tag, sizeof tag);
	crypto_box_keypair(pk, reply_sk);
	DB_LOCK();
	if (db_source_create(src_app.db, tag, pk, 0, &me) != 0)
		abort();
	DB_UNLOCK();
	have_source = 1;
	sess[0] = '\0';
}

void
fzd_src_creds(int reset, struct fzd_creds *out)
{
	struct srcsess_view v;
	struct db_source now;
	int gone;

	if (have_source) {
		DB_LOCK();
		gone = db_source_by_row(src_app.db, me.row, &now) != 0;
		if (reset && !gone && store_source_delete(src_app.db, src_app.spool, &me) != 0)
			abort();
		DB_UNLOCK();
		if (reset || gone) {
			if (sess[0] != '\0')
				srcsess_destroy(sess);
			have_source = 0;
		}
	}
	if (!have_source)
		new_source();
	if (sess[0] == '\0' || srcsess_get(sess, &v) != 0) {
		if (srcsess_create(me.row, me.id, reply_sk, 0, sess) != 0 ||
		    srcsess_get(sess, &v) != 0)
			abort();
	}
	memset(out, 0, sizeof *out);
	memcpy(out->sess, sess, sizeof out->sess);
	memcpy(out->csrf, v.csrf, sizeof out->csrf);
	sodium_bin2hex(out->source, sizeof out->source, me.id, sizeof me.id);
	sodium_memzero(&v, sizeof v);
}
