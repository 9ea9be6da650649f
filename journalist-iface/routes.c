/*
 * routes.c - sealdrop-journalist's route table and dispatch (see
 * journalist.h): the onion Host check, method checks (405 with Allow),
 * sessions (page cookie or API token, the account re-read on every
 * request so a removed journalist is out at once), admin checks (403),
 * CSRF on every page POST, and the responses every handler uses.
 */
#include "journalist.h"
#include "daemon.h"
#include "designation.h"
#include "sdi18n.h"
#include "sderr.h"
#include "sdlog.h"
#include "settings.h"
#include "sdtmpl.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define COOKIE_SESSION "sdj_session"

struct jn_app jn_app; /* filled by main.c at start-up */
#define COOKIE_CSRF "sdj_csrf"

static const struct jn_route routes[] = {
	{ "GET", "/", jn_get_index, 0 },
	{ "GET", "/login", jn_get_login, 0 },
	{ "POST", "/login", jn_post_login, JN_F_BODY | JN_F_ANON },
	{ "POST", "/logout", jn_post_logout, JN_F_AUTH | JN_F_BODY },
	{ "GET", "/sources", jn_get_sources, JN_F_AUTH },
	{ "POST", "/sources", jn_post_sources, JN_F_AUTH | JN_F_BODY },
	{ "POST", "/sources/triage", jn_post_triage, JN_F_AUTH | JN_F_BODY },
	{ "GET", "/source/*", jn_get_source, JN_F_AUTH },
	{ "POST", "/source/*/items", jn_post_source_items, JN_F_AUTH | JN_F_BODY },
	{ "POST", "/source/*/reply", jn_post_source_reply, JN_F_AUTH | JN_F_BODY },
	{ "POST", "/source/*/delete", jn_post_source_delete, JN_F_AUTH | JN_F_BODY },
	{ "POST", "/source/*/star", jn_post_source_star, JN_F_AUTH | JN_F_BODY },
	{ "GET", "/source/*/item/*", jn_get_item, JN_F_AUTH },
	{ "GET", "/account", jn_get_account, JN_F_AUTH },
	{ "GET", "/account/qr.png", jn_get_account_qr, JN_F_AUTH },
	{ "POST", "/account/totp", jn_post_account_totp, JN_F_AUTH | JN_F_BODY },
	{ "POST", "/account/passphrase", jn_post_account_passphrase, JN_F_AUTH | JN_F_BODY },
	{ "GET", "/admin/journalists", jn_admin_journalists, JN_F_AUTH | JN_F_ADMIN },
	{ "GET", "/admin/qr.png", jn_admin_qr, JN_F_AUTH | JN_F_ADMIN },
	{ "POST", "/admin/journalists", jn_admin_journalist_add,
	  JN_F_AUTH | JN_F_ADMIN | JN_F_BODY },
	{ "POST", "/admin/journalist/*/reset", jn_admin_journalist_reset,
	  JN_F_AUTH | JN_F_ADMIN | JN_F_BODY },
	{ "POST", "/admin/journalist/*/remove", jn_admin_journalist_remove,
	  JN_F_AUTH | JN_F_ADMIN | JN_F_BODY },
	{ "POST", "/admin/journalist/*/unlock", jn_admin_journalist_unlock,
	  JN_F_AUTH | JN_F_ADMIN | JN_F_BODY },
	{ "GET", "/admin/recipients", jn_admin_recipients, JN_F_AUTH | JN_F_ADMIN },
	{ "POST", "/admin/recipients", jn_admin_recipient_add,
	  JN_F_AUTH | JN_F_ADMIN | JN_F_BODY },
	{ "POST", "/admin/recipient/*/remove", jn_admin_recipient_remove,
	  JN_F_AUTH | JN_F_ADMIN | JN_F_BODY },
	{ "GET", "/admin/settings", jn_admin_settings, JN_F_AUTH | JN_F_ADMIN },
	{ "POST", "/admin/settings", jn_admin_settings_save, JN_F_AUTH | JN_F_ADMIN | JN_F_BODY },
	{ "GET", "/admin/audit", jn_admin_audit, JN_F_AUTH | JN_F_ADMIN },
	{ "GET", "/static/style.css", jn_get_static, 0 },
	{ "GET", "/static/journalist.css", jn_get_static, 0 },
};

/* ---- responses ---------------------------------------------------------- */

enum MHD_Result
jn_json(struct MHD_Connection *c, unsigned status, json_t *j)
{
	return jn_json_ex(c, status, j, NULL);
}

enum MHD_Result
jn_json_ex(struct MHD_Connection *c, unsigned status, json_t *j, const char *const *hdr)
{
	struct sdbuf b;
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	int e;

	json_decref(j);
	if (s == NULL)
		return MHD_NO;
	sdbuf_init(&b, JN_PAGE_MAX);
	e = sdbuf_adds(&b, s);
	sodium_memzero(s, strlen(s));
	free(s);
	if (e != 0 || sdbuf_adds(&b, "\n") != 0) {
		sdbuf_free(&b);
		return MHD_NO;
	}
	return web_respond_ex(c, status, "application/json", &b, NULL, 0, hdr);
}

static void
common_vars(struct jn_req *rq, struct tmpl_vars *v)
{
	const char *const *langs = i18n_languages();
	struct tmpl_vars *item;
	char name[CONF_NAME_MAX];

	JN_DB_LOCK();
	if (db_setting_get(jn_app.db, "instance_name", name, sizeof name) != 0)
		(void)snprintf(name, sizeof name, "%s", jn_app.conf.name);
	JN_DB_UNLOCK();
	tmpl_set(v, "lang", rq->lang);
	tmpl_set(v, "instance_name", name);
	tmpl_set(v, "logged_in", rq->has_session ? "1" : "");
	tmpl_set(v, "me", rq->has_session ? rq->me.name : "");
	tmpl_set(v, "is_admin", rq->has_session && rq->me.is_admin ? "1" : "");
	tmpl_set(v, "must_change_pw", rq->has_session && rq->me.must_change_pw ? "1" : "");
	tmpl_set(v, "csrf_token", rq->has_session ? rq->sess.csrf : rq->anon_csrf);
	if (rq->has_session && rq->sess.flash != NULL)
		tmpl_set(v, "flash", i18n_get(rq->lang, rq->sess.flash));
	for (size_t i = 0; langs[i] != NULL && tmpl_vars_error(v) == 0; i++) {
		tmpl_list_add(v, "languages", &item);
		tmpl_set(item, "code", langs[i]);
		tmpl_set(item, "name", i18n_native_name(langs[i]));
		tmpl_set(item, "current", strcmp(langs[i], rq->lang) == 0 ? "1" : "");
	}
}

enum MHD_Result
jn_page(struct MHD_Connection *c, struct jn_req *rq, unsigned status, const char *name,
    struct tmpl_vars *v)
{
	struct web_cookie ck[2];
	struct sdbuf body;
	char full[64];
	size_t n = 0;
	int e;

	sdbuf_init(&body, JN_PAGE_MAX);
	(void)snprintf(full, sizeof full, "journalist/%s", name);
	common_vars(rq, v);
	e = tmpl_render(full, rq->lang, v, &body);
	tmpl_vars_free(v);
	if (e != 0) {
		sdbuf_free(&body);
		sdlog_info("cannot render a page: %s", sd_strerror(e));
		return web_respond_broken_page(c);
	}
	if (rq->set_lang)
		ck[n++] = (struct web_cookie){ "sd_lang", rq->lang, 0 };
	if (rq->new_anon_csrf && !rq->has_session)
		ck[n++] = (struct web_cookie){ COOKIE_CSRF, rq->anon_csrf, 0 };
	{
		const char *const hdr[] = { "Allow", rq->allow, NULL };
		return web_respond_ex(c, status, "text/html; charset=utf-8", &body, ck, n,
		    rq->allow ? hdr : NULL);
	}
}

static const char *
status_title(unsigned status)
{
	static const struct { unsigned s; const char *title; } titles[] = {
		{ 400, I18N_N("Something is wrong with this request") },
		{ 401, I18N_N("Please log in") },
		{ 403, I18N_N("Not allowed") }, { 404, I18N_N("Page not found") },
		{ 405, I18N_N("Not allowed") }, { 413, I18N_N("Too large") },
		{ 429, I18N_N("Too many attempts") }, { 503, I18N_N("Busy") },
	};

	for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++)
		if (titles[i].s == status)
			return titles[i].title;
	return I18N_N("Something went wrong");
}

enum MHD_Result
jn_error(struct MHD_Connection *c, struct jn_req *rq, unsigned status, const char *msgid)
{
	struct tmpl_vars *v = NULL;
	char num[8];

	if (rq->api) {
		json_t *j = json_pack("{s:s, s:i}", "error", msgid, "status", (int)status);
		return jn_json(c, status, j);
	}
	if (tmpl_vars_new(&v) != 0)
		return MHD_NO;
	(void)snprintf(num, sizeof num, "%u", status);
	tmpl_set(v, "status", num);
	tmpl_set(v, "title", i18n_get(rq->lang, status_title(status)));
	tmpl_set(v, "message", i18n_get(rq->lang, msgid));
	if (tmpl_vars_error(v) != 0) {
		tmpl_vars_free(v);
		return MHD_NO;
	}
	return jn_page(c, rq, status, "error", v);
}

enum MHD_Result
jn_redirect(struct MHD_Connection *c, struct jn_req *rq, const char *path,
    const char *flash_msgid)
{
	struct web_cookie ck = { "sd_lang", rq->lang, 0 };

	if (flash_msgid != NULL && rq->has_session)
		jnsess_set_flash(rq->sess_id, flash_msgid);
	return web_redirect_ex(c, path, &ck, rq->set_lang ? 1 : 0);
}

int
jn_audit(struct jn_req *rq, const char *action, const char *target)
{
	return db_audit_add(jn_app.db, rq->has_session ? rq->me.name : "(anonymous)", action,
	    target);
}

int
jn_source_of(struct jn_req *rq, size_t i, struct db_source *out)
{
	unsigned char id[DB_ID_BYTES];
	int e;

	if (i >= rq->nseg || sd_source_id_parse(rq->seg[i], strlen(rq->seg[i]), id) != 0)
		return SD_ERR_NOKEY;
	JN_DB_LOCK();
	e = db_source_by_id(jn_app.db, id, out);
	JN_DB_UNLOCK();
	return e;
}

int
jn_item_of(struct jn_req *rq, size_t i, const struct db_source *src, struct db_item *out)
{
	unsigned char id[DB_ID_BYTES];
	struct db_item it;
	int e;

	if (i >= rq->nseg || sd_source_id_parse(rq->seg[i], strlen(rq->seg[i]), id) != 0)
		return SD_ERR_NOKEY;
	JN_DB_LOCK();
	e = db_item_by_id(jn_app.db, id, &it);
	JN_DB_UNLOCK();
	if (e == 0 && it.source_row != src->row)
		e = SD_ERR_NOKEY; /* another source's item: as if it did not exist */
	if (e == 0)
		*out = it;
	return e;
}

int64_t
jn_page_arg(struct MHD_Connection *c)
{
	const char *p = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "page");
	uint64_t n = 0;

	if (p == NULL)
		return 1;
	if (settings_parse_u64(p, JN_PAGE_ARG_MAX, &n) != 0 || n == 0 || p[0] == '0')
		return 0;
	return (int64_t)n;
}

int
jn_paging_vars(struct tmpl_vars *v, int64_t page, int64_t pages, int64_t total)
{
	tmpl_setf(v, "total", "%" PRId64, total);
	tmpl_setf(v, "page", "%" PRId64, page);
	tmpl_setf(v, "pages", "%" PRId64, pages);
	if (page > 1)
		tmpl_setf(v, "prev", "%" PRId64, page - 1);
	if (page < pages)
		tmpl_setf(v, "next", "%" PRId64, page + 1);
	return tmpl_vars_error(v);
}

const char *
jn_size_bucket(uint64_t size)
{
	static const struct { uint64_t max; const char *label; } b[] = {
		{ 10ULL << 10, I18N_N("under 10 KB") }, { 100ULL << 10, I18N_N("under 100 KB") },
		{ 1ULL << 20, I18N_N("under 1 MB") }, { 10ULL << 20, I18N_N("under 10 MB") },
		{ 100ULL << 20, I18N_N("under 100 MB") }, { 1ULL << 30, I18N_N("under 1 GB") },
	};

	for (size_t i = 0; i < sizeof b / sizeof b[0]; i++)
		if (size < b[i].max)
			return b[i].label;
	return I18N_N("1 GB or more");
}

/* ---- identity ----------------------------------------------------------- */

static const char *
lang_of(struct MHD_Connection *c, struct jn_req *rq)
{
	const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");
	const char *k = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "sd_lang");
	const char *const *langs = i18n_languages();
	char def[16];

	if (q != NULL && i18n_supported(q)) {
		rq->set_lang = 1;
		return q;
	}
	if (k != NULL && i18n_supported(k))
		return k;
	JN_DB_LOCK();
	if (db_setting_get(jn_app.db, "default_language", def, sizeof def) != 0)
		(void)snprintf(def, sizeof def, "%s", jn_app.conf.default_language);
	JN_DB_UNLOCK();
	for (size_t i = 0; langs[i] != NULL; i++)
		if (strcmp(langs[i], def) == 0)
			return langs[i];
	return "en";
}

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
	const char *anon = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE_CSRF);
	const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");

	(void)snprintf(rq->lang, sizeof rq->lang, "%s", lang_of(c, rq));
	if (rq->api) {
		if (auth != NULL && strncmp(auth, "Token ", 6) == 0)
			bind_session(rq, auth + 6, JNSESS_API);
		return;
	}
	bind_session(rq, MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE_SESSION),
	    JNSESS_WEB);
	if (anon != NULL && strlen(anon) == WEB_TOKEN_CHARS &&
	    strspn(anon, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
	    WEB_TOKEN_CHARS) {
		memcpy(rq->anon_csrf, anon, WEB_TOKEN_CHARS + 1);
	} else {
		web_token_new(rq->anon_csrf);
		rq->new_anon_csrf = 1;
	}
}

/* ---- dispatch ----------------------------------------------------------- */

int
jn_url_split(const char *url, struct jn_req *rq)
{
	const char *p = url;

	rq->nseg = 0;
	if (*p != '/')
		return -1;
	if (strcmp(url, "/") == 0)
		return 0;
	while (*p == '/') {
		const char *s = ++p;
		size_t n = strcspn(s, "/");
		if (n == 0 || n > JN_SEG_MAX || rq->nseg == JN_SEGS)
			return -1;
		memcpy(rq->seg[rq->nseg], s, n);
		rq->seg[rq->nseg++][n] = '\0';
		p = s + n;
	}
	return *p == '\0' ? 0 : -1;
}

/* 1 when the pattern matches the segments of rq. */
static int
match(const char *pattern, const struct jn_req *rq)
{
	char pat[128];
	size_t i = 0;
	char *save = NULL, *tok;

	if (strcmp(pattern, "/") == 0)
		return rq->nseg == 0;
	(void)snprintf(pat, sizeof pat, "%s", pattern);
	for (tok = strtok_r(pat, "/", &save); tok; tok = strtok_r(NULL, "/", &save), i++)
		if (i >= rq->nseg || (strcmp(tok, "*") != 0 && strcmp(tok, rq->seg[i]) != 0))
			return 0;
	return i == rq->nseg;
}

const struct jn_route *
jn_route_find(const char *method, struct jn_req *rq)
{
	const struct jn_route *path_hit = NULL;

	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (!match(routes[i].pattern, rq))
			continue;
		if (strcmp(method, routes[i].method) == 0 ||
		    (rq->head && strcmp(routes[i].method, "GET") == 0))
			return &routes[i];
		path_hit = &routes[i];
	}
	rq->allow = path_hit ? path_hit->method : NULL;
	return NULL;
}

/* Checks of a page route before its body; a response or MHD_YES with
 * *done 0 to go on. */
static enum MHD_Result
page_checks(struct MHD_Connection *c, struct jn_req *rq, int *done)
{
	unsigned f = rq->route->flags;

	*done = 1;
	if ((f & JN_F_AUTH) && !rq->has_session) {
		if (strcmp(rq->route->method, "GET") == 0)
			return web_redirect(c, "/login");
		return jn_error(c, rq, MHD_HTTP_FORBIDDEN,
		    I18N_N("Your session has expired. Please log in again."));
	}
	if ((f & JN_F_ADMIN) && !rq->me.is_admin)
		return jn_error(c, rq, MHD_HTTP_FORBIDDEN,
		    I18N_N("This page is for administrators."));
	*done = 0;
	return MHD_YES;
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
	if (jn_url_split(url, rq) != 0)
		return jn_error(c, rq, MHD_HTTP_NOT_FOUND, I18N_N("There is no page at this address."));
	if (rq->api) {
		if (strcmp(method, "GET") != 0 && !rq->head && jn_body_begin(c, rq) != 0)
			return MHD_NO;
		return MHD_YES;
	}
	if ((rq->route = jn_route_find(method, rq)) == NULL) {
		if (rq->allow != NULL)
			return jn_error(c, rq, MHD_HTTP_METHOD_NOT_ALLOWED,
			    I18N_N("This address does not accept this kind of request."));
		return jn_error(c, rq, MHD_HTTP_NOT_FOUND, I18N_N("There is no page at this address."));
	}
	if ((r = page_checks(c, rq, &done)) != MHD_YES || done)
		return r;
	if (rq->route->flags & JN_F_BODY) {
		if (jn_body_begin(c, rq) != 0)
			return MHD_NO;
		return rq->status ? jn_error(c, rq, rq->status, rq->error_msg) : MHD_YES;
	}
	return rq->route->fn(c, rq);
}

static int
csrf_ok(struct jn_req *rq)
{
	const char *t = jn_form_get(rq, "csrf_token", NULL);

	if (rq->has_session && web_token_equal(t, rq->sess.csrf))
		return 1;
	return (rq->route->flags & JN_F_ANON) && !rq->new_anon_csrf &&
	    web_token_equal(t, rq->anon_csrf);
}

static enum MHD_Result
last_call(struct MHD_Connection *c, struct jn_req *rq)
{
	jn_body_end(rq);
	if (rq->status != 0)
		return jn_error(c, rq, rq->status, rq->error_msg);
	if (rq->api)
		return jn_api(c, rq);
	if (!csrf_ok(rq))
		return jn_error(c, rq, MHD_HTTP_FORBIDDEN,
		    I18N_N("The form expired. Please go back, reload the page and try again."));
	return rq->route->fn(c, rq);
}

enum MHD_Result
jn_handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *data, size_t *size, void **rc)
{
	struct jn_req *rq = *rc;

	(void)cls, (void)version;
	if (rq == NULL) {
		rq = calloc(1, sizeof *rq);
		if (rq == NULL)
			return MHD_NO;
		*rc = rq;
		return first_call(c, rq, url, method);
	}
	if (*size > 0) {
		rq->received += *size;
		if (rq->received > JN_BODY_MAX + (1U << 20))
			return MHD_NO; /* far past the bound: stop reading */
		if (rq->status == 0)
			jn_body_feed(rq, data, *size);
		*size = 0;
		return MHD_YES;
	}
	return last_call(c, rq);
}

void
jn_completed(void *cls, struct MHD_Connection *c, void **rc,
    enum MHD_RequestTerminationCode toe)
{
	struct jn_req *rq = *rc;

	(void)cls, (void)c, (void)toe;
	if (rq == NULL)
		return;
	jn_body_free(rq);
	sodium_memzero(rq, sizeof *rq);
	free(rq);
	*rc = NULL;
}
