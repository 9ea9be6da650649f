/*
 * api.c - the JSON API under /api/v1/ (docs/api.md): its route table and
 * dispatch, token login and logout, and the sources. Items, downloads,
 * bundles and replies are in api_items.c.
 *
 * The dispatcher (dispatch.c) has read and parsed the body and bound the
 * session named by "Authorization: Token <token>" (an API session: the page
 * cookie never authenticates here, so no CSRF token is needed). Checks, in
 * order: the path (404), the method (405 with Allow), the token (401 with
 * WWW-Authenticate), the ids in the path (404, an item of another source
 * included), the body (400). Ids are 32 hex digits, parsed and looked up;
 * nothing from a request ever reaches a path or SQL text.
 */
#include "api.h"
#include "designation.h"
#include "sdi18n.h"
#include "sderr.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define API_PASS_MAX 1024 /* bytes of a passphrase */
#define API_CODE_MAX 16   /* bytes of a TOTP code */

/* Route flags (web/route.h): A_AUTH needs a token, A_BODY a JSON object
 * body; and the API's own: */
#define A_AUTH WEB_RF_AUTH
#define A_BODY WEB_RF_BODY
#define A_SRC WEB_RF_OWN         /* segment 3 names a source */
#define A_ITEM (WEB_RF_OWN << 1) /* segment 5 names an item of that source */

static enum MHD_Result api_token(struct MHD_Connection *, struct jn_req *, struct jn_api_ctx *);
static enum MHD_Result api_logout(struct MHD_Connection *, struct jn_req *, struct jn_api_ctx *);
static enum MHD_Result api_me(struct MHD_Connection *, struct jn_req *, struct jn_api_ctx *);
static enum MHD_Result api_sources(struct MHD_Connection *, struct jn_req *, struct jn_api_ctx *);
static enum MHD_Result
api_source_get(struct MHD_Connection *, struct jn_req *, struct jn_api_ctx *);
static enum MHD_Result
api_source_delete(struct MHD_Connection *, struct jn_req *, struct jn_api_ctx *);
static enum MHD_Result
api_source_star(struct MHD_Connection *, struct jn_req *, struct jn_api_ctx *);

static const struct web_route api_routes[] = {
	{ "POST", "/api/v1/token", { .api = api_token }, A_BODY },
	{ "POST", "/api/v1/logout", { .api = api_logout }, A_AUTH },
	{ "GET", "/api/v1/me", { .api = api_me }, A_AUTH },
	{ "GET", "/api/v1/sources", { .api = api_sources }, A_AUTH },
	{ "POST", "/api/v1/bundle", { .api = api_bundle_many }, A_AUTH | A_BODY },
	{ "POST", "/api/v1/triage", { .api = api_triage }, A_AUTH | A_BODY },
	{ "GET", "/api/v1/sources/*", { .api = api_source_get }, A_AUTH | A_SRC },
	{ "DELETE", "/api/v1/sources/*", { .api = api_source_delete }, A_AUTH | A_SRC },
	{ "POST", "/api/v1/sources/*/star", { .api = api_source_star }, A_AUTH | A_SRC | A_BODY },
	{ "GET", "/api/v1/sources/*/items", { .api = api_items }, A_AUTH | A_SRC },
	{ "GET", "/api/v1/sources/*/bundle", { .api = api_bundle_one }, A_AUTH | A_SRC },
	{ "POST", "/api/v1/sources/*/bundle", { .api = api_bundle_one }, A_AUTH | A_SRC },
	{ "POST", "/api/v1/sources/*/replies", { .api = api_reply }, A_AUTH | A_SRC | A_BODY },
	{ "GET", "/api/v1/sources/*/items/*", { .api = api_item_get }, A_AUTH | A_SRC | A_ITEM },
	{ "DELETE", "/api/v1/sources/*/items/*", { .api = api_item_delete },
	    A_AUTH | A_SRC | A_ITEM },
	{ "GET", "/api/v1/sources/*/items/*/download", { .api = api_download },
	    A_AUTH | A_SRC | A_ITEM },
	{ "POST", "/api/v1/sources/*/items/*/seen", { .api = api_item_seen },
	    A_AUTH | A_SRC | A_ITEM | A_BODY },
	{ "POST", "/api/v1/sources/*/items/*/star", { .api = api_item_star },
	    A_AUTH | A_SRC | A_ITEM | A_BODY },
};

static const char *const not_found = I18N_N("There is no such resource.");

/* ---- responses and bodies ----------------------------------------------- */

static enum MHD_Result
api_error_hdr(
    struct MHD_Connection *c, unsigned status, const char *msg, const char *name, const char *value)
{
	const char *const hdr[] = { name, value, NULL };

	return api_send(
	    c, status, json_pack("{s:s, s:i}", "error", msg, "status", (int)status), hdr);
}

static enum MHD_Result
api_no_content(struct MHD_Connection *c)
{
	struct sdbuf b;

	sdbuf_init(&b, 1);
	return web_respond(c, MHD_HTTP_NO_CONTENT, "application/json", &b);
}

/* ---- dispatch ----------------------------------------------------------- */

/* Look up what the path names; 0 or SD_ERR_NOTFOUND. */
static int
api_lookup(struct jn_req *rq, unsigned flags, struct jn_api_ctx *x)
{
	if ((flags & A_SRC) && jn_source_of(rq, 3, &x->src) != 0)
		return SD_ERR_NOTFOUND;
	if ((flags & A_ITEM) && jn_item_of(rq, 5, &x->src, &x->item) != 0)
		return SD_ERR_NOTFOUND;
	return 0;
}

enum MHD_Result
jn_api(struct MHD_Connection *c, struct jn_req *rq)
{
	const struct web_route *r;
	char allow[WEB_ALLOW_MAX];
	struct jn_api_ctx x;

	memset(&x, 0, sizeof x);
	if ((r = web_route_find(api_routes, sizeof api_routes / sizeof api_routes[0], rq->method,
		 &rq->path, allow)) == NULL) {
		if (allow[0] == '\0')
			return jn_error(c, rq, MHD_HTTP_NOT_FOUND, not_found);
		return api_error_hdr(c, MHD_HTTP_METHOD_NOT_ALLOWED,
		    I18N_N("This address does not accept this method."), "Allow", allow);
	}
	if ((r->flags & A_AUTH) && !rq->has_session)
		return api_error_hdr(c, MHD_HTTP_UNAUTHORIZED,
		    I18N_N("A valid token is required: \"Authorization: Token <token>\"."),
		    "WWW-Authenticate", "Token");
	if (api_lookup(rq, r->flags, &x) != 0)
		return jn_error(c, rq, MHD_HTTP_NOT_FOUND, not_found);
	if ((r->flags & A_BODY) && rq->json == NULL)
		return jn_error(c, rq, MHD_HTTP_BAD_REQUEST,
		    I18N_N("This request needs a JSON object as its body."));
	return r->fn.api(c, rq, &x);
}

/* ---- token, logout, me -------------------------------------------------- */

static json_t *
api_journalist_json(const char *name, int is_admin)
{
	return json_pack("{s:s, s:b}", "name", name, "is_admin", is_admin);
}

/* An API session for j; the token is wiped once in the response. */
static enum MHD_Result
api_token_issue(struct MHD_Connection *c, struct jn_req *rq, const struct db_journalist *j,
    const unsigned char cred[JNSESS_CRED_BYTES])
{
	char id[WEB_TOKEN_CHARS + 1];
	struct jnsess_view v;
	json_t *out;
	int e;

	if ((e = jnsess_create(JNSESS_API, j->id, j->name, j->is_admin, cred, id)) != 0)
		return api_internal(c, rq, e, "a session");
	memset(&v, 0, sizeof v);
	if ((e = jnsess_get(id, JNSESS_API, &v)) != 0) {
		sodium_memzero(id, sizeof id);
		return api_internal(c, rq, e, "a session");
	}
	out = json_pack("{s:s, s:s, s:I, s:o}", "token", id, "token_type", "Token", "expires_in",
	    (json_int_t)v.expires_in, "journalist", api_journalist_json(j->name, j->is_admin));
	sodium_memzero(id, sizeof id);
	sodium_memzero(&v, sizeof v);
	return api_send(c, MHD_HTTP_OK, out, NULL);
}

static enum MHD_Result
api_token(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x)
{
	json_t *ju = json_object_get(rq->json, "username");
	json_t *jp = json_object_get(rq->json, "passphrase");
	json_t *jc = json_object_get(rq->json, "code");
	struct db_journalist j;
	unsigned char cred[JNSESS_CRED_BYTES];
	enum MHD_Result r;
	int e;

	(void)x;
	if (!json_is_string(ju) || !json_is_string(jp) || !json_is_string(jc) ||
	    json_string_length(ju) > DB_NAME_MAX || json_string_length(jp) > API_PASS_MAX ||
	    json_string_length(jc) > API_CODE_MAX)
		return jn_error(c, rq, MHD_HTTP_BAD_REQUEST,
		    I18N_N("Send \"username\", \"passphrase\" and \"code\" as strings."));
	memset(&j, 0, sizeof j);
	e = jn_authenticate(json_string_value(ju), json_string_value(jp), json_string_length(jp),
	    json_string_value(jc), &j, cred);
	/* The passphrase goes now (jansson's memory is wiped when freed). */
	(void)json_object_del(rq->json, "passphrase");
	if (e == SD_ERR_LOCKED)
		return jn_error(c, rq, MHD_HTTP_TOO_MANY_REQUESTS,
		    I18N_N("Too many failed attempts. Wait a few minutes and try again."));
	if (e == SD_ERR_STATE)
		return jn_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE,
		    I18N_N("The server is busy. Please try again in a minute."));
	if (e == SD_ERR_REPLAY)
		return jn_error(c, rq, MHD_HTTP_FORBIDDEN,
		    I18N_N("This code was already used. Wait for the next code and try again."));
	if (e != 0)
		return jn_error(
		    c, rq, MHD_HTTP_FORBIDDEN, I18N_N("Wrong user name, passphrase or code."));
	r = api_token_issue(c, rq, &j, cred);
	sodium_memzero(&j, sizeof j);
	sodium_memzero(cred, sizeof cred);
	return r;
}

static enum MHD_Result
api_logout(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x)
{
	(void)x;
	jnsess_destroy(rq->sess_id);
	return api_no_content(c);
}

static enum MHD_Result
api_me(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x)
{
	(void)x;
	return api_send(c, MHD_HTTP_OK,
	    json_pack("{s:o, s:I, s:b}", "journalist",
		api_journalist_json(rq->me.name, rq->me.is_admin), "expires_in",
		(json_int_t)rq->sess.expires_in, "must_change_passphrase", rq->me.must_change_pw),
	    NULL);
}

/* ---- sources ------------------------------------------------------------ */

static json_t *
api_source_json(const struct db_source_summary *s)
{
	char des[SD_DESIGNATION_MAX + 1], hex[SD_ID_HEX + 1], url[64];

	sd_designation(s->s.id, des);
	sd_id_hex(s->s.id, hex);
	(void)snprintf(url, sizeof url, "/api/v1/sources/%s", hex);
	return json_pack("{s:s, s:s, s:b, s:I, s:I, s:I, s:s, s:s, s:s?, s:s}", "id", hex,
	    "designation", des, "starred", s->s.starred, "submissions", (json_int_t)s->submissions,
	    "unread", (json_int_t)s->unread, "replies", (json_int_t)s->replies, "created_day",
	    s->s.created_day, "last_day", s->s.last_day, "last_activity",
	    s->last_hour[0] ? s->last_hour : NULL, "url", url);
}

/* The summary of one source (what the list shows), from its items. */
static int
api_summary(const struct db_source *src, struct db_source_summary *s)
{
	struct db_item *it = NULL;
	size_t n = 0;
	int e;

	memset(s, 0, sizeof *s);
	s->s = *src;
	if ((e = jn_load_items(src, &it, &n, NULL)) != 0)
		return e;
	for (size_t i = 0; i < n; i++) {
		if (it[i].kind == DB_KIND_REPLY) {
			s->replies++;
		} else {
			s->submissions++;
			s->unread += !it[i].seen;
		}
		if (strcmp(it[i].created_hour, s->last_hour) > 0)
			memcpy(s->last_hour, it[i].created_hour, sizeof s->last_hour);
	}
	free(it);
	return 0;
}

static enum MHD_Result
api_source_respond(struct MHD_Connection *c, struct jn_req *rq, const struct db_source *src)
{
	struct db_source_summary s;
	int e;

	if ((e = api_summary(src, &s)) != 0)
		return api_internal(c, rq, e, "a source");
	return api_send(c, MHD_HTTP_OK, json_pack("{s:o}", "source", api_source_json(&s)), NULL);
}

static enum MHD_Result
api_sources(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x)
{
	struct db_source_summary s[JN_PAGE_SIZE];
	int64_t page = jn_page_arg(c), total = 0, pages;
	json_t *list, *out;
	size_t n = 0;
	int e;

	(void)x;
	if (page == 0)
		return jn_error(
		    c, rq, MHD_HTTP_BAD_REQUEST, I18N_N("\"page\" is a number from 1."));
	JN_DB_LOCK();
	e = db_source_count(jn_app.db, &total);
	if (e == 0)
		e = db_source_page(jn_app.db, (page - 1) * JN_PAGE_SIZE, s, JN_PAGE_SIZE, &n);
	JN_DB_UNLOCK();
	if (e != 0)
		return api_internal(c, rq, e, "the list of sources");
	pages = total == 0 ? 1 : (total + JN_PAGE_SIZE - 1) / JN_PAGE_SIZE;
	if (page > pages)
		return jn_error(c, rq, MHD_HTTP_NOT_FOUND, I18N_N("There is no such page."));
	if ((list = json_array()) == NULL)
		return MHD_NO;
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(list, api_source_json(&s[i])) != 0) {
			json_decref(list);
			return MHD_NO;
		}
	out = json_pack("{s:o, s:I, s:I, s:I, s:i}", "sources", list, "page", (json_int_t)page,
	    "pages", (json_int_t)pages, "total", (json_int_t)total, "per_page", JN_PAGE_SIZE);
	return api_send(c, MHD_HTTP_OK, out, NULL);
}

static enum MHD_Result
api_source_get(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x)
{
	return api_source_respond(c, rq, &x->src);
}

static enum MHD_Result
api_source_delete(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x)
{
	int e;

	if ((e = jn_do_source_delete(rq, &x->src)) != 0)
		return api_internal(c, rq, e, "deleting a source");
	return api_no_content(c);
}

static enum MHD_Result
api_source_star(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x)
{
	int starred = 0, e;

	if (api_body_bool(rq, "starred", &starred) != 0)
		return jn_error(
		    c, rq, MHD_HTTP_BAD_REQUEST, I18N_N("Send \"starred\": true or false."));
	if ((e = jn_do_source_star(rq, &x->src, starred)) != 0)
		return api_internal(c, rq, e, "starring a source");
	x->src.starred = starred;
	return api_source_respond(c, rq, &x->src);
}
