/*
 * route.h - the one request layer both daemons dispatch with: a route
 * table type (method, path pattern, handler, flags), the matcher (which
 * names the allowed methods for a 405), the anonymous CSRF token and the
 * form check, and the choice of a request's language.
 *
 * A pattern is a path whose segments are literal or "*" (exactly one
 * segment), as in "/source/X/item/Y" with a "*" for X and Y. A request path is split first
 * (web_path_split): an empty segment ("//", a trailing "/"), a segment over
 * WEB_SEG_MAX bytes or more than WEB_SEGS segments match no route (404).
 * HEAD is answered by a GET route. Nothing here reads a body or writes a
 * response: each daemon keeps its own request state and pages.
 */
#ifndef WEB_ROUTE_H
#define WEB_ROUTE_H

#include <stddef.h>

#include <microhttpd.h>

#include "http.h"
#include "sderr.h"

#define WEB_SEGS 8       /* path segments */
#define WEB_SEG_MAX 64   /* bytes of one segment */
#define WEB_ALLOW_MAX 64 /* "GET, POST, DELETE" */

/* Route flags every daemon reads the same way; bits from WEB_RF_OWN up
 * are the owner's (journalist-iface/api.c's "the path names a source"). */
#define WEB_RF_AUTH 1u  /* needs a session (a page cookie or an API token) */
#define WEB_RF_ADMIN 2u /* needs an administrator (403 otherwise) */
#define WEB_RF_BODY 4u  /* reads a body: a form (pages) or JSON (API) */
#define WEB_RF_ANON 8u  /* a form also accepted with the anonymous CSRF token */
#define WEB_RF_OWN 256u

/* The handler of a route, typed by the daemon that owns the table (only
 * declared here; one member a table). */
struct src_req;
struct jn_req;
struct jn_api_ctx;
union web_handler {
	enum MHD_Result (*src)(struct MHD_Connection *c, struct src_req *rq);
	enum MHD_Result (*jn)(struct MHD_Connection *c, struct jn_req *rq);
	enum MHD_Result (*api)(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x);
};

struct web_route {
	const char *method;
	const char *pattern;
	union web_handler fn;
	unsigned flags;
};

/* A request path, split at "/". */
struct web_path {
	char seg[WEB_SEGS][WEB_SEG_MAX + 1];
	size_t n;
};

/* Split url ("/" is no segment); SD_ERR_FORMAT when it does not start with
 * "/", has an empty segment, a segment over WEB_SEG_MAX or more than
 * WEB_SEGS segments (p->n is then 0). */
SD_MUST_CHECK
int web_path_split(const char *url, struct web_path *p);
/* 1 when pattern matches every segment of p. */
int web_route_matches(const char *pattern, const struct web_path *p);
/*
 * The first route of t[0..n) whose pattern matches p and whose method is
 * method (HEAD: a GET route), or NULL. allow (may be NULL) is then the
 * methods the path accepts, in table order, each once ("GET, POST"): ""
 * when no pattern matches (a 404), else a 405 with this Allow header.
 */
const struct web_route *web_route_find(const struct web_route *t, size_t n, const char *method,
    const struct web_path *p, char allow[WEB_ALLOW_MAX]);

/* The anonymous CSRF token of a browser without a session: the value of
 * cookie if it is a well-formed token, else a new one (*is_new 1: set it
 * as that cookie with the page). */
void web_anon_csrf(
    struct MHD_Connection *c, const char *cookie, char out[WEB_TOKEN_CHARS + 1], int *is_new);
/* The CSRF check of a form: 1 when sent equals the session's token
 * (session may be NULL: no session), or, for a route that accepts it
 * (anon_ok), the anonymous token the browser already had (not one made for
 * this request). */
SD_MUST_CHECK
int web_csrf_ok(const char *sent, const char *session, int anon_ok, const char *anon, int anon_new);

/* The request state of a connection (libmicrohttpd's *rc): the one made
 * at its first call, or a new zeroed one of size bytes (*first 1 then);
 * NULL when out of memory. */
void *web_req_state(void **rc, size_t size, int *first);
/* Wipe and free that state (the caller has freed what it points to);
 * nothing when there is none. */
void web_req_end(void **rc, size_t size);

#define WEB_LANG_ACCEPT 1u /* before the default: the browser's Accept-Language */
/* The language of a request: ?lang= (*from_query 1: keep it in the sd_lang
 * cookie), the sd_lang cookie, with WEB_LANG_ACCEPT the browser's
 * Accept-Language, then def, then "en". Always a supported language, from
 * the catalogue's own list (it outlives the request). */
const char *web_lang_of(struct MHD_Connection *c, const char *def, unsigned flags, int *from_query);

#endif
