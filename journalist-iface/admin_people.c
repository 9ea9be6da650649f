/*
 * admin_people.c - the admin pages for journalist accounts: the list, add,
 * reset the passphrase or the two-factor secret, remove (after a
 * confirmation). New credentials are made here (a 7-word passphrase, a
 * TOTP secret), shown on one page with the otpauth:// URI and its QR code
 * (inline SVG), and never again: the database keeps the argon2id hash and
 * the secret. Resetting or removing an account ends its sessions at once.
 *
 * Adding a journalist (or "New Tor key") also makes their Tor client key
 * for the journalist onion service: the private line is shown on the same
 * page, once; the public half is a request the root path unit applies
 * (admin_torkey.c). Removing a journalist asks for their key to be
 * revoked, and on request removes a recipient key too.
 */
#include "admin_int.h"
#include "account.h"
#include "sdi18n.h"
#include "sderr.h"
#include "sdlog.h"
#include "settings.h"
#include "sdtmpl.h"
#include "torauth.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#define PEOPLE_MAX 1000

static const char *const not_found = I18N_N("There is no page at this address.");

/* New credentials: sodium_malloc'd, wiped when freed. */
struct creds {
	char pass[ACCOUNT_PASSPHRASE_MAX + 1];
	char hash[DB_PWHASH_MAX];
	unsigned char totp[DB_TOTP_BYTES];
	char b32[ACCOUNT_TOTP_B32_MAX + 1];
	char uri[ACCOUNT_URI_MAX];
	char tor[TORAUTH_PRIV_LINE_MAX]; /* the Tor client line, or "" */
	const char *tor_why;             /* msgid: why no Tor key was made */
	int has_pass, has_totp;
};

/* The Tor client key of name into k (the line, or why not). */
static void
creds_torkey(struct creds *k, const char *name)
{
	int e = jn_torkey_request(name, k->tor, sizeof k->tor);

	if (e != 0) {
		k->tor[0] = '\0';
		k->tor_why = jn_torkey_why(e);
		sdlog_info("a Tor client key could not be requested: %s", sd_strerror(e));
	}
}

static int
person_row(struct tmpl_vars *v, const struct db_journalist *j, int64_t me, time_t now)
{
	struct tmpl_vars *x = NULL;
	int e;

	if ((e = tmpl_list_add(v, "people", &x)) != 0)
		return e;
	tmpl_setf(x, "id", "%" PRId64, j->id);
	tmpl_set(x, "name", j->name);
	tmpl_set(x, "admin", j->is_admin ? "1" : "");
	tmpl_set(x, "created_day", j->created_day);
	tmpl_set(x, "last_day", j->last_day);
	if (j->locked_until > (int64_t)now) {
		struct tm tm;
		char until[8];
		time_t t = (time_t)j->locked_until;
		gmtime_r(&t, &tm);
		(void)strftime(until, sizeof until, "%H:%M", &tm);
		tmpl_set(x, "locked", "1");
		tmpl_set(x, "locked_until", until);
	}
	tmpl_set(x, "throttled", jn_throttled(j->name) ? "1" : "");
	tmpl_set(x, "self", j->id == me ? "1" : "");
	return tmpl_vars_error(v);
}

static enum MHD_Result
people_page(struct MHD_Connection *c, struct jn_req *rq, unsigned status, const char *err)
{
	struct db_journalist *js = calloc(PEOPLE_MAX, sizeof *js);
	const char *name = web_form_get(&rq->form, "name", NULL);
	struct tmpl_vars *v = NULL;
	size_t n = 0;
	int e;

	if (js == NULL)
		return jn_admin_oops(c, rq);
	JN_DB_LOCK();
	e = db_journalist_list(jn_app.db, js, PEOPLE_MAX, &n);
	JN_DB_UNLOCK();
	if (e != 0 || tmpl_vars_new(&v) != 0) {
		free(js);
		return jn_admin_oops(c, rq);
	}
	for (size_t i = 0; i < n && e == 0; i++)
		e = person_row(v, &js[i], rq->me.id, time(NULL));
	sodium_memzero(js, PEOPLE_MAX * sizeof *js);
	free(js);
	tmpl_setf(v, "count", "%zu", n);
	if (err != NULL) {
		tmpl_set(v, "error", i18n_get(rq->lang, err));
		tmpl_set(v, "name_value", name && strlen(name) <= 64 ? name : "");
	}
	if (e != 0 || tmpl_vars_error(v) != 0) {
		tmpl_vars_free(v);
		return jn_admin_oops(c, rq);
	}
	return jn_page(c, rq, status, "admin_journalists", v);
}

/* The PNG QR code of the credentials the last page showed, once. */
enum MHD_Result
jn_admin_qr(struct MHD_Connection *c, struct jn_req *rq)
{
	enum MHD_Result r;

	if (!rq->sess.has_shown)
		return jn_error(
		    c, rq, MHD_HTTP_NOT_FOUND, I18N_N("There is no page at this address."));
	r = jn_qr_respond(c, rq, rq->sess.shown_name, rq->sess.shown);
	jnsess_set_shown(rq->sess_id, NULL, NULL);
	return r;
}

enum MHD_Result
jn_admin_journalists(struct MHD_Connection *c, struct jn_req *rq)
{
	return people_page(c, rq, MHD_HTTP_OK, NULL);
}

/* Make what is asked (argon2id under the semaphore): 0, SD_ERR_STATE
 * when busy, or another error. */
static int
creds_make(struct creds *k, const char *name, int pass, int totp)
{
	char issuer[CONF_NAME_MAX];
	int e = 0;

	if (pass) {
		if (sem_trywait(&jn_app.argon2) != 0)
			return SD_ERR_STATE;
		e = account_passphrase_new(k->pass);
		if (e == 0)
			e = account_hash(k->pass, strlen(k->pass), k->hash);
		sem_post(&jn_app.argon2);
		k->has_pass = e == 0;
	}
	if (e == 0 && totp) {
		JN_DB_LOCK();
		if (db_setting_get(jn_app.db, "instance_name", issuer, sizeof issuer) != 0)
			(void)snprintf(issuer, sizeof issuer, "%s", jn_app.conf.name);
		JN_DB_UNLOCK();
		e = account_totp_new(k->totp, k->b32);
		if (e == 0)
			e = account_totp_uri(issuer, name, k->totp, k->uri);
		k->has_totp = e == 0;
	}
	return e;
}

/* The one page that shows new credentials. */
static enum MHD_Result
creds_page(struct MHD_Connection *c, struct jn_req *rq, const char *name, const struct creds *k,
    int is_new)
{
	struct tmpl_vars *v = NULL;

	if (tmpl_vars_new(&v) != 0)
		return MHD_NO;
	tmpl_set(v, "name", name);
	tmpl_set(v, "is_new", is_new ? "1" : "");
	if (k->tor[0] != '\0')
		tmpl_set(v, "tor_line", k->tor);
	if (k->tor_why != NULL)
		tmpl_set(v, "tor_problem", i18n_get(rq->lang, k->tor_why));
	if (k->has_pass)
		tmpl_set(v, "passphrase", k->pass);
	if (k->has_totp) {
		tmpl_set(v, "totp_secret", k->b32);
		tmpl_set(v, "totp_uri", k->uri);
		tmpl_set(v, "qr", "1");
		/* The QR code is one request away (/admin/qr.png), served once. */
		jnsess_set_shown(rq->sess_id, k->totp, name);
	}
	if (tmpl_vars_error(v) != 0) {
		tmpl_vars_free(v);
		return jn_admin_oops(c, rq);
	}
	return jn_page(c, rq, MHD_HTTP_OK, "admin_credentials", v);
}

enum MHD_Result
jn_admin_journalist_add(struct MHD_Connection *c, struct jn_req *rq)
{
	const char *name = web_form_get(&rq->form, "name", NULL);
	const char *adm = web_form_get(&rq->form, "admin", NULL);
	struct creds *k = NULL;
	enum MHD_Result r;
	int e;

	if (name == NULL || !account_name_ok(name))
		return people_page(c, rq, MHD_HTTP_BAD_REQUEST,
		    I18N_N("A user name is 1 to 32 of a-z, 0-9, '-' and '_', starting with a "
			   "letter or a digit."));
	if ((k = sodium_malloc(sizeof *k)) == NULL)
		return jn_admin_oops(c, rq);
	memset(k, 0, sizeof *k);
	e = creds_make(k, name, 1, 1);
	if (e == 0) {
		JN_DB_LOCK();
		e = db_journalist_add(
		    jn_app.db, name, k->hash, k->totp, adm != NULL && strcmp(adm, "1") == 0);
		if (e == 0)
			e = jn_audit(rq, "added journalist", name);
		JN_DB_UNLOCK();
	}
	if (e == 0) {
		creds_torkey(k, name);
		r = creds_page(c, rq, name, k, 1);
	} else if (e == SD_ERR_EXISTS) {
		r = people_page(c, rq, MHD_HTTP_BAD_REQUEST,
		    I18N_N("A journalist with this name already exists."));
	} else if (e == SD_ERR_STATE) {
		r = jn_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE,
		    I18N_N("The server is busy. Please try again in a minute."));
	} else {
		r = jn_admin_oops(c, rq);
	}
	sodium_free(k);
	return r;
}

/* The journalist named by segment 2: 0, or SD_ERR_NOTFOUND (the caller
 * answers 404). Secrets are wiped from *out. */
static int
person_of(struct jn_req *rq, struct db_journalist *out)
{
	int64_t id = 0;
	int e;

	if (jn_admin_row_id(rq->path.seg[2], &id) != 0)
		return SD_ERR_NOTFOUND;
	JN_DB_LOCK();
	e = db_journalist_by_id(jn_app.db, id, out);
	JN_DB_UNLOCK();
	sodium_memzero(out->pw_hash, sizeof out->pw_hash);
	sodium_memzero(out->totp_secret, sizeof out->totp_secret);
	return e;
}

/* Store the new credentials of j and audit; 0 or an error. */
static int
reset_store(struct jn_req *rq, const struct db_journalist *j, const struct creds *k)
{
	int e = 0;

	JN_DB_LOCK();
	if (k->has_pass) {
		e = db_journalist_set_pwhash(jn_app.db, j->id, k->hash);
		if (e == 0)
			e = jn_audit(rq, "reset passphrase", j->name);
	}
	if (e == 0 && k->has_totp) {
		e = db_journalist_set_totp(jn_app.db, j->id, k->totp);
		if (e == 0)
			e = jn_audit(rq, "reset two-factor", j->name);
	}
	JN_DB_UNLOCK();
	return e;
}

enum MHD_Result
jn_admin_journalist_reset(struct MHD_Connection *c, struct jn_req *rq)
{
	const char *what = web_form_get(&rq->form, "what", NULL);
	struct db_journalist j;
	struct creds *k = NULL;
	enum MHD_Result r;
	int pass, totp, e;

	if (person_of(rq, &j) != 0)
		return jn_error(c, rq, MHD_HTTP_NOT_FOUND, not_found);
	pass = what != NULL && strcmp(what, "passphrase") == 0;
	totp = what != NULL && strcmp(what, "totp") == 0;
	if (!pass && !totp)
		return jn_error(
		    c, rq, MHD_HTTP_BAD_REQUEST, I18N_N("The form was not understood."));
	if ((k = sodium_malloc(sizeof *k)) == NULL)
		return jn_admin_oops(c, rq);
	memset(k, 0, sizeof *k);
	e = creds_make(k, j.name, pass, totp);
	if (e == 0)
		e = reset_store(rq, &j, k);
	if (e == 0) {
		jnsess_destroy_journalist(j.id); /* the old credentials' sessions */
		r = creds_page(c, rq, j.name, k, 0);
	} else if (e == SD_ERR_STATE) {
		r = jn_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE,
		    I18N_N("The server is busy. Please try again in a minute."));
	} else {
		r = jn_admin_oops(c, rq);
	}
	sodium_free(k);
	sodium_memzero(&j, sizeof j);
	return r;
}

/* POST /admin/journalist/ID/torkey: after a confirmation, a new Tor client
 * key replaces the journalist's (the old one stops working once applied);
 * its line is shown once. */
enum MHD_Result
jn_admin_journalist_torkey(struct MHD_Connection *c, struct jn_req *rq)
{
	struct db_journalist j;
	struct creds *k = NULL;
	char action[64];
	enum MHD_Result r;

	if (person_of(rq, &j) != 0)
		return jn_error(c, rq, MHD_HTTP_NOT_FOUND, not_found);
	(void)snprintf(action, sizeof action, "/admin/journalist/%" PRId64 "/torkey", j.id);
	if (!jn_admin_confirmed(rq)) {
		sodium_memzero(&j, sizeof j);
		return jn_admin_confirm(c, rq, action,
		    I18N_N("Make a new Tor client key for this journalist? Their current key "
			   "stops working once the server has applied the new one."),
		    "/admin/journalists", NULL, NULL);
	}
	if ((k = sodium_malloc(sizeof *k)) == NULL)
		return jn_admin_oops(c, rq);
	memset(k, 0, sizeof *k);
	creds_torkey(k, j.name);
	JN_DB_LOCK();
	if (k->tor[0] != '\0')
		jn_not_recorded(jn_audit(rq, "new Tor client key", j.name),
		    "a new Tor client key in the audit log");
	JN_DB_UNLOCK();
	r = creds_page(c, rq, j.name, k, 0);
	sodium_free(k);
	sodium_memzero(&j, sizeof j);
	return r;
}

/* POST /admin/journalist/ID/unlock: clear the account's lock (database)
 * and its login attempts of this minute (memory); audited. */
enum MHD_Result
jn_admin_journalist_unlock(struct MHD_Connection *c, struct jn_req *rq)
{
	struct db_journalist j;
	int e;

	if (person_of(rq, &j) != 0)
		return jn_error(c, rq, MHD_HTTP_NOT_FOUND, not_found);
	JN_DB_LOCK();
	e = db_journalist_unlock(jn_app.db, j.id);
	if (e == 0)
		e = jn_audit(rq, "cleared the login lock", j.name);
	JN_DB_UNLOCK();
	if (e == 0)
		jn_throttle_clear(j.name);
	sodium_memzero(&j, sizeof j);
	if (e != 0)
		return jn_admin_oops(c, rq);
	return jn_redirect(c, rq, "/admin/journalists", I18N_N("The login lock was cleared."));
}

/* Remove j unless it is the last admin (checked under the lock). */
static int
remove_person(struct jn_req *rq, const struct db_journalist *j)
{
	int64_t admins = 0;
	int e = 0;

	JN_DB_LOCK();
	if (j->is_admin && (e = db_journalist_count(jn_app.db, 1, &admins)) == 0 && admins <= 1)
		e = SD_ERR_STATE;
	if (e == 0)
		e = db_journalist_remove(jn_app.db, j->id);
	if (e == 0)
		e = jn_audit(rq, "removed journalist", j->name);
	JN_DB_UNLOCK();
	return e;
}

enum MHD_Result
jn_admin_journalist_remove(struct MHD_Connection *c, struct jn_req *rq)
{
	struct db_journalist j;
	const char *rcp, *msg;
	char action[64];
	int64_t rid = 0;
	int e, tk, re = 0;

	if (person_of(rq, &j) != 0)
		return jn_error(c, rq, MHD_HTTP_NOT_FOUND, not_found);
	if (j.id == rq->me.id)
		return people_page(c, rq, MHD_HTTP_BAD_REQUEST,
		    I18N_N("You cannot remove your own account. Another administrator can."));
	(void)snprintf(action, sizeof action, "/admin/journalist/%" PRId64 "/remove", j.id);
	if (!jn_admin_confirmed(rq))
		return jn_admin_confirm_ex(c, rq, action,
		    I18N_N("Remove this journalist? They are logged out at once and can no longer "
			   "log in, and their Tor client key is revoked."),
		    "/admin/journalists", NULL, NULL, 1);
	rcp = web_form_get(&rq->form, "recipient", NULL);
	if (rcp != NULL && rcp[0] != '\0' && jn_admin_row_id(rcp, &rid) != 0)
		return jn_error(
		    c, rq, MHD_HTTP_BAD_REQUEST, I18N_N("The form was not understood."));
	e = remove_person(rq, &j);
	if (e == SD_ERR_STATE)
		return people_page(c, rq, MHD_HTTP_BAD_REQUEST,
		    I18N_N("This is the last administrator: make another journalist an "
			   "administrator first."));
	if (e != 0)
		return jn_admin_oops(c, rq);
	jnsess_destroy_journalist(j.id);
	tk = jn_torkey_revoke(j.name);
	if (rid > 0)
		re = jn_admin_recipient_drop(rq, rid);
	if (tk != 0)
		msg = rid > 0
		    ? I18N_N(
			  "The journalist was removed and logged out, but the revocation "
			  "of their Tor client key could not be requested: the operator runs sealdrop-admin "
			  "tor-client remove on the server. See the recipient keys page for the recipient "
			  "key; files already sealed to a removed key stay readable with it.")
		    : I18N_N(
			  "The journalist was removed and logged out, but the revocation of their "
			  "Tor client key could not be requested: the operator runs sealdrop-admin "
			  "tor-client remove on the server.");
	else if (re == SD_ERR_STATE)
		msg = I18N_N(
		    "The journalist was removed and logged out; their Tor client key is "
		    "revoked within a few seconds. The recipient key was kept: it is the last one.");
	else if (re != 0)
		msg = I18N_N(
		    "The journalist was removed and logged out; their Tor client key is "
		    "revoked within a few seconds. The recipient key could not be removed: see the "
		    "recipient keys page.");
	else
		msg = rid > 0
		    ? I18N_N(
			  "The journalist was removed and logged out, their Tor client "
			  "key is revoked within a few seconds, and the recipient key was removed. Files "
			  "already sealed to that key stay readable with it.")
		    : I18N_N("The journalist was removed and logged out; their Tor client key is "
			     "revoked within a few seconds.");
	if (tk != 0)
		sdlog_info(
		    "a removed journalist's Tor client key revocation could not be requested: %s",
		    sd_strerror(tk));
	return jn_redirect(c, rq, "/admin/journalists", msg);
}
