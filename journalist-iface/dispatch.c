/*
 * dispatch.c - how sealdrop-journalist answers a request (see journalist.h):
 * the route table of its pages (web/route.h; the API's is api.c's), then
 * in order the drain refusal, the onion Host check, the path (404), the
 * method (405 with Allow), the session (a page cookie or an API token, the
 * account re-read on every request so a removed journalist is out at once),
 * admin checks (403), the body, and CSRF on every page POST; then the
 * route's handler. Responses are respond.c's.
 */
#include "journalist.h"
#include "daemon.h"
#include "sdi18n.h"
#include "sderr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define COOKIE_SESSION "sdj_session"
#define COOKIE_CSRF "sdj_csrf"

static const struct web_route routes[] = {
	{ "GET", "/", { .jn = jn_get_index }, 0 },
	{ "GET", "/login", { .jn = jn_get_login }, 0 },
	{ "POST", "/login", { .jn = jn_post_login }, WEB_RF_BODY | WEB_RF_ANON },
	{ "POST", "/logout", { .jn = jn_post_logout }, WEB_RF_AUTH | WEB_RF_BODY },
	{ "GET", "/sources", { .jn = jn_get_sources }, WEB_RF_AUTH },
	{ "POST", "/sources", { .jn = jn_post_sources }, WEB_RF_AUTH | WEB_RF_BODY },
	{ "POST", "/sources/triage", { .jn = jn_post_triage }, WEB_RF_AUTH | WEB_RF_BODY },
	{ "GET", "/source/*", { .jn = jn_get_source }, WEB_RF_AUTH },
	{ "POST", "/source/*/items", { .jn = jn_post_source_items }, WEB_RF_AUTH | WEB_RF_BODY },
	{ "POST", "/source/*/reply", { .jn = jn_post_source_reply }, WEB_RF_AUTH | WEB_RF_BODY },
	{ "POST", "/source/*/delete", { .jn = jn_post_source_delete }, WEB_RF_AUTH | WEB_RF_BODY },
	{ "POST", "/source/*/star", { .jn = jn_post_source_star }, WEB_RF_AUTH | WEB_RF_BODY },
	{ "GET", "/source/*/item/*", { .jn = jn_get_item }, WEB_RF_AUTH },
	{ "GET", "/account", { .jn = jn_get_account }, WEB_RF_AUTH },
	{ "GET", "/account/qr.png", { .jn = jn_get_account_qr }, WEB_RF_AUTH },
	{ "POST", "/account/totp", { .jn = jn_post_account_totp }, WEB_RF_AUTH | WEB_RF_BODY },
	{ "POST", "/account/passphrase", { .jn = jn_post_account_passphrase },
	    WEB_RF_AUTH | WEB_RF_BODY },
	{ "GET", "/account/notify", { .jn = jn_get_account_notify }, WEB_RF_AUTH },
	{ "POST", "/account/notify", { .jn = jn_post_account_notify }, WEB_RF_AUTH | WEB_RF_BODY },
	{ "GET", "/admin/journalists", { .jn = jn_admin_journalists }, WEB_RF_AUTH | WEB_RF_ADMIN },
	{ "GET", "/admin/qr.png", { .jn = jn_admin_qr }, WEB_RF_AUTH | WEB_RF_ADMIN },
	{ "POST", "/admin/journalists", { .jn = jn_admin_journalist_add },
	    WEB_RF_AUTH | WEB_RF_ADMIN | WEB_RF_BODY },
	{ "POST", "/admin/journalist/*/reset", { .jn = jn_admin_journalist_reset },
	    WEB_RF_AUTH | WEB_RF_ADMIN | WEB_RF_BODY },
	{ "POST", "/admin/journalist/*/remove", { .jn = jn_admin_journalist_remove },
	    WEB_RF_AUTH | WEB_RF_ADMIN | WEB_RF_BODY },
	{ "POST", "/admin/journalist/*/unlock", { .jn = jn_admin_journalist_unlock },
	    WEB_RF_AUTH | WEB_RF_ADMIN | WEB_RF_BODY },
	{ "POST", "/admin/journalist/*/torkey", { .jn = jn_admin_journalist_torkey },
	    WEB_RF_AUTH | WEB_RF_ADMIN | WEB_RF_BODY },
	{ "GET", "/admin/recipients", { .jn = jn_admin_recipients }, WEB_RF_AUTH | WEB_RF_ADMIN },
	{ "POST", "/admin/recipients", { .jn = jn_admin_recipient_add },
	    WEB_RF_AUTH | WEB_RF_ADMIN | WEB_RF_BODY },
	{ "POST", "/admin/recipient/*/remove", { .jn = jn_admin_recipient_remove },
	    WEB_RF_AUTH | WEB_RF_ADMIN | WEB_RF_BODY },
	{ "GET", "/admin/settings", { .jn = jn_admin_settings }, WEB_RF_AUTH | WEB_RF_ADMIN },
	{ "POST", "/admin/settings", { .jn = jn_admin_settings_save },
	    WEB_RF_AUTH | WEB_RF_ADMIN | WEB_RF_BODY },
	{ "GET", "/admin/audit", { .jn = jn_admin_audit }, WEB_RF_AUTH | WEB_RF_ADMIN },
	{ "GET", "/static/style.css", { .jn = jn_get_static }, 0 },
	{ "GET", "/static/journalist.css", { .jn = jn_get_static }, 0 },
};

/* ---- identity ----------------------------------------------------------- */

/* Bind the session id to rq if it is live and its account still exists. */
static void
bind_session(struct jn_req *rq, const char *id, enum jnsess_kind kind)
{
	struct db_journalist j;
	unsigned char cred[JNSESS_CRED_BYTES];
	int e;

	if (id == NULL || jnsess_get(id, kind, &rq->sess) != 0)
		return;
	JN_DB_LOCK();
	e = db_journalist_by_id(jn_app.db, rq->sess.journalist, &j);
	JN_DB_UNLOCK();
	if (e == 0) {
		jnsess_cred(&j, cred);
		if (sodium_memcmp(cred, rq->sess.cred, sizeof cred) != 0)
			e = SD_ERR_AUTH; /* credentials reset since the login */
		sodium_memzero(cred, sizeof cred);
	}
	if (e != 0) {
		jnsess_destroy(id); /* removed or reset since: the session ends now */
		sodium_memzero(&rq->sess, sizeof rq->sess);
		sodium_memzero(&j, sizeof j);
		return;
	}
	sodium_memzero(j.pw_hash, sizeof j.pw_hash);
	sodium_memzero(j.totp_secret, sizeof j.totp_secret);
	rq->me = j;
	rq->has_session = 1;
	(void)snprintf(rq->sess_id, sizeof rq->sess_id, "%s", id);
}

static void
setup_identity(struct MHD_Connection *c, struct jn_req *rq)
{
	const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	char def[16];

	/* The instance's default language is a setting of the admin page. */
	JN_DB_LOCK();
	if (db_setting_get(jn_app.db, "default_language", def, sizeof def) != 0)
		(void)snprintf(def, sizeof def, "%s", jn_app.conf.default_language);
	JN_DB_UNLOCK();
	(void)snprintf(rq->lang, sizeof rq->lang, "%s", web_lang_of(c, def, 0, &rq->set_lang));
	if (rq->api) {
		if (auth != NULL && strncmp(auth, "Token ", 6) == 0)
			bind_session(rq, auth + 6, JNSESS_API);
		return;
	}
	bind_session(
	    rq, MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE_SESSION), JNSESS_WEB);
	web_anon_csrf(c, COOKIE_CSRF, rq->anon_csrf, &rq->new_anon_csrf);
}

/* ---- dispatch ----------------------------------------------------------- */

const struct web_route *
jn_route_find(const char *method, struct jn_req *rq)
{
	return web_route_find(
	    routes, sizeof routes / sizeof routes[0], method, &rq->path, rq->allow);
}

/* Checks of a page route before its body; a response or MHD_YES with
 * *done 0 to go on. */
static enum MHD_Result
page_checks(struct MHD_Connection *c, struct jn_req *rq, int *done)
{
	unsigned f = rq->route->flags;

	*done = 1;
	if ((f & WEB_RF_AUTH) && !rq->has_session) {
		if (strcmp(rq->route->method, "GET") == 0)
			return web_redirect(c, "/login");
		return jn_error(c, rq, MHD_HTTP_FORBIDDEN,
		    I18N_N("Your session has expired. Please log in again."));
	}
	if ((f & WEB_RF_ADMIN) && !rq->me.is_admin)
		return jn_error(
		    c, rq, MHD_HTTP_FORBIDDEN, I18N_N("This page is for administrators."));
	*done = 0;
	return MHD_YES;
}

/* 1 when the request's body is read: an API request other than GET and
 * HEAD (a page route says so by WEB_RF_BODY). A GET's body is ignored, as
 * on the pages. */
static int
api_reads_body(const struct jn_req *rq)
{
	return rq->api && !rq->head && strcmp(rq->method, "GET") != 0;
}

static enum MHD_Result
first_call(struct MHD_Connection *c, struct jn_req *rq, const char *url, const char *method)
{
	enum MHD_Result r;
	const char *msg = NULL;
	unsigned st;
	int done = 0;

	rq->method = method;
	rq->head = strcmp(method, "HEAD") == 0;
	rq->api = strncmp(url, "/api/v1/", 8) == 0 || strcmp(url, "/api/v1") == 0;
	setup_identity(c, rq);
	if ((st = web_daemon_refusal(c, &msg)) != 0)
		return jn_error(c, rq, st, msg);
	if (!jn_app.dev && !web_host_is_onion(c))
		return jn_error(c, rq, MHD_HTTP_FORBIDDEN,
		    I18N_N("This site can only be reached through its onion address."));
	if (web_path_split(url, &rq->path) != 0)
		return jn_error(
		    c, rq, MHD_HTTP_NOT_FOUND, I18N_N("There is no page at this address."));
	if (rq->api) {
		if (api_reads_body(rq) && jn_body_begin(c, rq) != 0)
			return MHD_NO;
		return MHD_YES;
	}
	if ((rq->route = jn_route_find(method, rq)) == NULL) {
		if (rq->allow[0] != '\0')
			return jn_error(c, rq, MHD_HTTP_METHOD_NOT_ALLOWED,
			    I18N_N("This address does not accept this kind of request."));
		return jn_error(
		    c, rq, MHD_HTTP_NOT_FOUND, I18N_N("There is no page at this address."));
	}
	if ((r = page_checks(c, rq, &done)) != MHD_YES || done)
		return r;
	if (rq->route->flags & WEB_RF_BODY) {
		if (jn_body_begin(c, rq) != 0)
			return MHD_NO;
		return rq->status ? jn_error(c, rq, rq->status, rq->error_msg) : MHD_YES;
	}
	return rq->route->fn.jn(c, rq);
}

static enum MHD_Result
last_call(struct MHD_Connection *c, struct jn_req *rq)
{
	jn_body_end(rq);
	if (rq->status != 0)
		return jn_error(c, rq, rq->status, rq->error_msg);
	if (rq->api)
		return jn_api(c, rq);
	if (rq->route == NULL) /* answered at the first call already (as the source's) */
		return MHD_NO;
	if (!web_csrf_ok(web_form_get(&rq->form, "csrf_token", NULL),
		rq->has_session ? rq->sess.csrf : NULL, (rq->route->flags & WEB_RF_ANON) != 0,
		rq->anon_csrf, rq->new_anon_csrf))
		return jn_error(c, rq, MHD_HTTP_FORBIDDEN,
		    I18N_N("The form expired. Please go back, reload the page and try again."));
	return rq->route->fn.jn(c, rq);
}

enum MHD_Result
jn_handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *data, size_t *size, void **rc)
{
	int first;
	struct jn_req *rq = web_req_state(rc, sizeof *rq, &first);

	(void)cls, (void)version;
	if (rq == NULL)
		return MHD_NO;
	if (first)
		return first_call(c, rq, url, method);
	if (*size > 0) {
		rq->received += *size;
		if (rq->received > JN_BODY_MAX + (1U << 20))
			return MHD_NO; /* far past the bound: stop reading */
		if (rq->status == 0 && (!rq->api || api_reads_body(rq)))
			jn_body_feed(rq, data, *size);
		*size = 0;
		return MHD_YES;
	}
	return last_call(c, rq);
}

void
jn_completed(void *cls, struct MHD_Connection *c, void **rc, enum MHD_RequestTerminationCode toe)
{
	struct jn_req *rq = *rc;

	(void)cls, (void)c, (void)toe;
	if (rq != NULL)
		jn_body_free(rq);
	web_req_end(rc, sizeof *rq);
}
