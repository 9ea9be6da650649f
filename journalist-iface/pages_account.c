/*
 * pages_account.c - the account page: who is logged in, a new passphrase
 * (generated here and shown once, after the current one is checked; asked
 * for while an admin's passphrase is in use), and enrolment of a
 * new second factor. The new secret waits in the session (sodium_malloc'd
 * memory) until the journalist proves with a code from their app that they
 * scanned it; only then does it replace the old one. The QR code is inline
 * SVG made with libqrencode: no JavaScript, no image request.
 */
#include "journalist.h"
#include "account.h"
#include "i18n.h"
#include "sderr.h"
#include "static.h"
#include "tmpl.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <qrencode.h>
#include <sodium.h>

/* The QR code of text as one SVG path, 4 modules of quiet zone. */
int
jn_qr_svg(const char *text, struct sdbuf *out)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	int w, e = 0;

	if (q == NULL)
		return SD_ERR_NOMEM;
	w = q->width;
	e |= sdbuf_printf(out, "0 0 %d %d|", w + 8, w + 8);
	for (int y = 0; y < w && e == 0; y++)
		for (int x = 0; x < w && e == 0; x++)
			if (q->data[y * w + x] & 1)
				e |= sdbuf_printf(out, "M%d %dh1v1h-1z", x + 4, y + 4);
	sodium_memzero(q->data, (size_t)w * (size_t)w);
	QRcode_free(q);
	return e ? SD_ERR_NOMEM : 0;
}

/* Variables of the enrolment part: secret, URI, QR path and view box. */
static int
pending_vars(struct jn_req *rq, struct tmpl_vars *v)
{
	char b32[ACCOUNT_TOTP_B32_MAX + 1], uri[ACCOUNT_URI_MAX], name[CONF_NAME_MAX];
	struct sdbuf svg;
	char *bar;
	int e;

	sdbuf_init(&svg, 256 * 1024);
	JN_DB_LOCK();
	if (db_setting_get(jn_app.db, "instance_name", name, sizeof name) != 0)
		(void)snprintf(name, sizeof name, "sealdrop");
	JN_DB_UNLOCK();
	if ((e = account_totp_b32(rq->sess.pending, b32)) != 0 ||
	    (e = account_totp_uri(name, rq->me.name, rq->sess.pending, uri)) != 0 ||
	    (e = jn_qr_svg(uri, &svg)) != 0 || (e = sdbuf_add(&svg, "", 1)) != 0)
		goto out;
	bar = strchr(svg.p, '|');
	*bar = '\0';
	e = tmpl_set(v, "pending", "1");
	e |= tmpl_set(v, "totp_secret", b32);
	e |= tmpl_set(v, "totp_uri", uri);
	e |= tmpl_set(v, "qr_box", svg.p);
	e |= tmpl_set(v, "qr_path", bar + 1);
	e = e ? SD_ERR_NOMEM : 0;
out:
	sodium_memzero(b32, sizeof b32);
	sodium_memzero(uri, sizeof uri);
	sdbuf_free(&svg);
	return e;
}

enum MHD_Result
jn_get_account(struct MHD_Connection *c, struct jn_req *rq)
{
	struct tmpl_vars *v = NULL;
	int e;

	if (tmpl_vars_new(&v) != 0)
		return MHD_NO;
	e = tmpl_set(v, "name", rq->me.name);
	e |= tmpl_set(v, "role", rq->me.is_admin ? "admin" : "");
	e |= tmpl_set(v, "created_day", rq->me.created_day);
	if (e == 0 && rq->sess.has_pending)
		e = pending_vars(rq, v);
	if (e != 0) {
		tmpl_vars_free(v);
		return jn_error(c, rq, 500, I18N_N("Something went wrong. Please try again later."));
	}
	return jn_page(c, rq, MHD_HTTP_OK, "account", v);
}

/* Check the code against the pending secret and make it the account's;
 * this session stays open (others of the account end: see jnsess_cred). */
static int
confirm_totp(struct jn_req *rq, const char *code)
{
	unsigned char cred[JNSESS_CRED_BYTES];
	struct db_journalist j;
	int64_t step = 0;
	int e;

	if (!rq->sess.has_pending)
		return SD_ERR_STATE;
	if (account_totp_check(rq->sess.pending, code, time(NULL), &step) != 0)
		return SD_ERR_AUTH;
	JN_DB_LOCK();
	e = db_journalist_set_totp(jn_app.db, rq->me.id, rq->sess.pending);
	if (e == 0)
		e = db_journalist_use_step(jn_app.db, rq->me.id, step);
	if (e == 0)
		e = jn_audit(rq, "two-factor changed", rq->me.name);
	if (e == 0 && (e = db_journalist_by_id(jn_app.db, rq->me.id, &j)) == 0) {
		jnsess_cred(&j, cred);
		jnsess_set_cred(rq->sess_id, cred); /* before any other request binds */
		sodium_memzero(cred, sizeof cred);
		sodium_memzero(&j, sizeof j);
	}
	JN_DB_UNLOCK();
	return e;
}

/* A change of second factor asks for the passphrase again: a session
 * left open (or stolen) is not enough to take over the account. */
static int
recheck(struct jn_req *rq)
{
	size_t len = 0;
	const char *pass = jn_form_get(rq, "passphrase", &len);

	if (pass == NULL || len == 0)
		return SD_ERR_AUTH;
	return jn_reauthenticate(rq->me.id, pass, len);
}

enum MHD_Result
jn_post_account_totp(struct MHD_Connection *c, struct jn_req *rq)
{
	const char *action = jn_form_get(rq, "action", NULL);
	const char *code = jn_form_get(rq, "code", NULL);
	unsigned char secret[DB_TOTP_BYTES];
	char b32[ACCOUNT_TOTP_B32_MAX + 1];
	int e;

	if (action != NULL && strcmp(action, "start") == 0) {
		if (account_totp_new(secret, b32) != 0)
			return jn_error(c, rq, 500, I18N_N("Something went wrong. Please try again later."));
		jnsess_set_pending(rq->sess_id, secret);
		sodium_memzero(secret, sizeof secret);
		sodium_memzero(b32, sizeof b32);
		return jn_redirect(c, rq, "/account", NULL);
	}
	if (action != NULL && strcmp(action, "cancel") == 0) {
		jnsess_set_pending(rq->sess_id, NULL);
		return jn_redirect(c, rq, "/account", I18N_N("Nothing was changed."));
	}
	if (action == NULL || strcmp(action, "confirm") != 0 || code == NULL)
		return jn_error(c, rq, MHD_HTTP_BAD_REQUEST, I18N_N("The form was not understood."));
	if ((e = recheck(rq)) != 0)
		return e == SD_ERR_LOCKED ? jn_error(c, rq, MHD_HTTP_TOO_MANY_REQUESTS,
		    I18N_N("Too many failed attempts. Wait a few minutes and try again."))
		    : e == SD_ERR_STATE ? jn_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE,
		    I18N_N("The server is busy. Please try again in a minute."))
		    : jn_redirect(c, rq, "/account",
		    I18N_N("That is not your passphrase: nothing was changed."));
	e = confirm_totp(rq, code);
	if (e == SD_ERR_AUTH)
		return jn_redirect(c, rq, "/account",
		    I18N_N("That code does not match the new secret. Check your app's clock and try again."));
	if (e != 0)
		return jn_error(c, rq, MHD_HTTP_BAD_REQUEST, I18N_N("The form was not understood."));
	jnsess_set_pending(rq->sess_id, NULL);
	return jn_redirect(c, rq, "/account",
	    I18N_N("Your new two-factor code is set up. The old one no longer works."));
}

/* A new passphrase for the journalist themselves: the current one checked,
 * a new one generated and hashed under the argon2 gate, stored, every
 * other session of the account ended (this one re-bound), audited, and
 * shown once on the account page. */
enum MHD_Result
jn_post_account_passphrase(struct MHD_Connection *c, struct jn_req *rq)
{
	char pass[ACCOUNT_PASSPHRASE_MAX + 1], hash[DB_PWHASH_MAX];
	unsigned char cred[JNSESS_CRED_BYTES];
	struct db_journalist j;
	struct tmpl_vars *v = NULL;
	int e;

	if ((e = recheck(rq)) != 0)
		return e == SD_ERR_LOCKED ? jn_error(c, rq, MHD_HTTP_TOO_MANY_REQUESTS,
		    I18N_N("Too many failed attempts. Wait a few minutes and try again."))
		    : e == SD_ERR_STATE ? jn_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE,
		    I18N_N("The server is busy. Please try again in a minute."))
		    : jn_redirect(c, rq, "/account",
		    I18N_N("That is not your passphrase: nothing was changed."));
	if (sem_trywait(&jn_app.argon2) != 0)
		return jn_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE,
		    I18N_N("The server is busy. Please try again in a minute."));
	e = account_passphrase_new(pass);
	if (e == 0)
		e = account_hash(pass, strlen(pass), hash);
	sem_post(&jn_app.argon2);
	if (e == 0) {
		JN_DB_LOCK();
		e = db_journalist_set_own_pwhash(jn_app.db, rq->me.id, hash);
		if (e == 0)
			e = jn_audit(rq, "changed their passphrase", rq->me.name);
		if (e == 0 && (e = db_journalist_by_id(jn_app.db, rq->me.id, &j)) == 0) {
			jnsess_cred(&j, cred);
			jnsess_set_cred(rq->sess_id, cred); /* the others no longer match */
			rq->me.must_change_pw = j.must_change_pw;
			sodium_memzero(cred, sizeof cred);
			sodium_memzero(&j, sizeof j);
		}
		JN_DB_UNLOCK();
	}
	sodium_memzero(hash, sizeof hash);
	if (e == 0 && tmpl_vars_new(&v) == 0) {
		e = tmpl_set(v, "name", rq->me.name);
		e |= tmpl_set(v, "role", rq->me.is_admin ? "admin" : "");
		e |= tmpl_set(v, "created_day", rq->me.created_day);
		e |= tmpl_set(v, "new_passphrase", pass);
		if (e != 0) {
			tmpl_vars_free(v);
			v = NULL;
		}
	}
	sodium_memzero(pass, sizeof pass);
	if (e != 0 || v == NULL) {
		jn_log("account: a passphrase change failed: %s", sd_strerror(e ? e : SD_ERR_NOMEM));
		return jn_error(c, rq, 500, I18N_N("Something went wrong. Please try again later."));
	}
	return jn_page(c, rq, MHD_HTTP_OK, "account", v);
}

enum MHD_Result
jn_get_static(struct MHD_Connection *c, struct jn_req *rq)
{
	const char *ctype = NULL;
	size_t len = 0;
	/* The source side's sheet is shared; journalist.css adds to it. */
	const char *name = strcmp(rq->seg[1], "style.css") == 0 ? "source/style.css"
	                                                       : "journalist/journalist.css";
	const unsigned char *d = web_static_get(name, &len, &ctype);

	if (d == NULL)
		return jn_error(c, rq, MHD_HTTP_NOT_FOUND, I18N_N("There is no page at this address."));
	return web_respond_static(c, d, len, ctype);
}
