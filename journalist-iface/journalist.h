/*
 * journalist.h - sealdrop-journalist internals shared by its files: the app
 * context, one request's state, the route table and the helpers every
 * handler uses.
 *
 *   main.c       start-up, listening socket, libmicrohttpd, signals, the
 *                reaper (session expiry, retention purge)
 *   dispatch.c   the route table of the pages (web/route.h), identity
 *                (language, session, anonymous CSRF), Host/method/auth/
 *                CSRF checks, then the handler
 *   app.c        the app context (jn_app)
 *   respond.c    responses: a page, JSON, an error, a redirect; paging;
 *                the API's JSON responses (api.h)
 *   actions.c    what pages and API share: the audit, the source or item a
 *                path names, item and source actions (enum jn_item_action)
 *   form.c       request bodies: url-encoded forms (web/form.h) and JSON
 *   pages*.c     log in and out, sources, one source, items, replies,
 *                downloads, the account
 *   bundle.c     .tar bundles streamed with libarchive
 *   admin*.c     admin pages: journalists, recipients, settings, audit
 *   api*.c       the JSON API under /api/v1/ (its own route table)
 *   triage.c     many sources deleted in one action
 *   retention.c  the purge of items older than the retention setting
 * Calls go one way: dispatch -> handlers (pages, admin, api, triage) ->
 * actions, bundle, respond; respond and actions call no handler.
 *
 * Threads: libmicrohttpd calls the handlers on a thread per connection;
 * the database handle is used under app.db_mu (JN_DB_LOCK), sessions have
 * their own lock, argon2id runs under a counting semaphore. No handler
 * ever builds a path or SQL from input: ids from URLs are parsed as 32 hex
 * digits and looked up.
 */
#ifndef JOURNALIST_H
#define JOURNALIST_H
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <limits.h>
#include <jansson.h>
#include "conf.h"
#include "db.h"
#include "form.h"
#include "http.h"
#include "route.h"
#include "session.h"
#include "spool.h"
#include "store.h"
#include "sderr.h"

struct jn_app {
	struct conf conf;
	struct db *db;
	pthread_mutex_t db_mu;
	struct spool *spool;
	sem_t argon2;
	int dev;
	char instance[PATH_MAX];
	/* Login throttles (auth.c), in memory. */
	pthread_mutex_t throttle_mu;
};
extern struct jn_app jn_app;

#define JN_DB_LOCK() pthread_mutex_lock(&jn_app.db_mu)
#define JN_DB_UNLOCK() pthread_mutex_unlock(&jn_app.db_mu)

#define JN_BODY_MAX (256U * 1024) /* any request body */
#define JN_FORM_FIELDS 1024       /* fields of one form */
#define JN_PAGE_MAX (4U * 1024 * 1024)
#define JN_PAGE_SIZE 50        /* sources per page */
#define JN_ITEMS_MAX 10000     /* items of one source shown or bundled */
#define JN_TRIAGE_MAX 1000     /* sources deleted in one triage action */
#define JN_TRIAGE_SET_BYTES 16 /* fingerprint of a triage selection */

struct jn_req;
struct tmpl_vars;

/* Routes are web/route.h's (struct web_route, WEB_RF_* flags, handlers
 * in .fn.jn; the API's in .fn.api). */
struct jn_req {
	const struct web_route *route;
	struct web_path path;
	int api;            /* under /api/v1/: JSON errors, token auth */
	int head;           /* a HEAD request */
	const char *method; /* libmicrohttpd's, valid for the request */
	char lang[8];
	int set_lang;
	int has_session;
	char sess_id[WEB_TOKEN_CHARS + 1];
	struct jnsess_view sess; /* wiped at the end */
	struct db_journalist me; /* the account, re-read (secrets wiped) */
	char anon_csrf[WEB_TOKEN_CHARS + 1];
	int new_anon_csrf;
	struct web_form form; /* page bodies (web_form_get, web_form_nth) */
	struct sdbuf body;    /* API bodies (JSON) */
	json_t *json;
	uint64_t received;
	unsigned status; /* an error decided while reading the body */
	const char *error_msg;
	char allow[WEB_ALLOW_MAX]; /* the Allow header of a 405 page */
};

/* dispatch.c */
enum MHD_Result jn_handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *data, size_t *size, void **rc);
void
jn_completed(void *cls, struct MHD_Connection *c, void **rc, enum MHD_RequestTerminationCode toe);

/* respond.c */
/* An error: a translated page, or {"error": message} under /api/v1/. */
enum MHD_Result
jn_error(struct MHD_Connection *c, struct jn_req *rq, unsigned status, const char *msgid);
/* Render template "journalist/NAME" with v (freed) and the common
 * variables (lang, instance, me, csrf, flash, languages). */
enum MHD_Result jn_page(struct MHD_Connection *c, struct jn_req *rq, unsigned status,
    const char *name, struct tmpl_vars *v);
/* A JSON response (j is released), with extra headers (pairs, NULL-
 * terminated; may be NULL) for the _ex form. */
enum MHD_Result jn_json(struct MHD_Connection *c, unsigned status, json_t *j);
enum MHD_Result
jn_json_ex(struct MHD_Connection *c, unsigned status, json_t *j, const char *const *hdr);
/* A 303 to a local path with a one-shot message (msgid may be NULL). */
enum MHD_Result
jn_redirect(struct MHD_Connection *c, struct jn_req *rq, const char *path, const char *flash_msgid);
/* actions.c */
/* Write an audit entry for the current journalist (caller holds the lock). */
SD_MUST_CHECK
int jn_audit(struct jn_req *rq, const char *action, const char *target);
/* Bookkeeping whose failure must not change the answer (a login's audit
 * entry, items marked seen after a download): when e is not 0, the log
 * says that what (never whose) was not recorded, and why. */
void jn_not_recorded(int e, const char *what);
/* The source named by path segment i: 0, or SD_ERR_NOTFOUND (malformed or
 * unknown: the caller answers 404). Takes the database lock itself. */
SD_MUST_CHECK
int jn_source_of(struct jn_req *rq, size_t i, struct db_source *out);
/* The item named by segment i, belonging to src; SD_ERR_NOTFOUND otherwise. */
SD_MUST_CHECK
int jn_item_of(struct jn_req *rq, size_t i, const struct db_source *src, struct db_item *out);
/* What a form or the API asks of items or sources. */
enum jn_item_action {
	JN_ACT_UNKNOWN, /* a name we do not know: refused (400) */
	JN_ACT_SEEN,
	JN_ACT_UNSEEN,
	JN_ACT_STAR,
	JN_ACT_UNSTAR,
	JN_ACT_DELETE,
	JN_ACT_DOWNLOAD, /* the selected items, one bundle */
	JN_ACT_DOWNLOAD_ALL,
	JN_ACT_DOWNLOAD_UNREAD
};
/* The action a form's "action" field names (NULL: JN_ACT_UNKNOWN). */
enum jn_item_action jn_item_action_of(const char *name);
/* Shared by pages and API: the actions on items (seen, unseen, star,
 * unstar, delete; SD_ERR_ARG for another) and sources. Each takes the
 * database lock, audits, and returns 0 or an SD_ERR_*. */
SD_MUST_CHECK
int jn_do_item(struct jn_req *rq, const struct db_source *src, const struct db_item *it,
    enum jn_item_action action);
SD_MUST_CHECK
int jn_do_source_delete(struct jn_req *rq, const struct db_source *src);
SD_MUST_CHECK
int jn_do_source_star(struct jn_req *rq, const struct db_source *src, int starred);
SD_MUST_CHECK
int jn_do_reply(struct jn_req *rq, const struct db_source *src, const char *text, size_t len,
    struct db_item *out);
/* The items of a source, ascending (malloc'd, up to JN_ITEMS_MAX); *more
 * (may be NULL) says whether the source has more than that. */
SD_MUST_CHECK
int jn_load_items(const struct db_source *src, struct db_item **out, size_t *n, int *more);

/* respond.c */
/* ?page= (1-based, default 1): digits only, no leading zero, at most
 * JN_PAGE_ARG_MAX; 0 when malformed (the caller answers 404 or 400). */
#define JN_PAGE_ARG_MAX 1000000
int64_t jn_page_arg(struct MHD_Connection *c);
/* total, page, pages, and prev/next when they exist, for a paged list; an
 * error is also kept in v's sticky error (sdtmpl.h), checked at the render. */
int jn_paging_vars(struct tmpl_vars *v, int64_t page, int64_t pages, int64_t total);
/* Coarse size bucket text ("under 10 KB", ...) for lists. */
const char *jn_size_bucket(uint64_t size);
/* Check username + passphrase + code with throttling; on success *out is
 * the account (secrets wiped) and cred the jnsess_cred of its credentials.
 * Returns 0, SD_ERR_AUTH, SD_ERR_REPLAY, SD_ERR_LOCKED or another error.
 * Takes the locks it needs. */
/* Check the passphrase of account id again (before a sensitive change in
 * a live session), counted and throttled like a login: 0, SD_ERR_AUTH,
 * SD_ERR_LOCKED, SD_ERR_STATE (busy). */
SD_MUST_CHECK
int jn_reauthenticate(int64_t id, const char *pass, size_t passlen);
SD_MUST_CHECK
int jn_authenticate(const char *user, const char *pass, size_t passlen, const char *code,
    struct db_journalist *out, unsigned char cred[JNSESS_CRED_BYTES]);
/* Whether name has used up its login attempts of this minute (shown to
 * admins), and clearing that (an admin's "clear lock"). */
int jn_throttled(const char *name);
void jn_throttle_clear(const char *name);

/* The route of the page method and rq->path asks for, or NULL (rq->allow
 * then lists the methods of the path, "" when none: a 404). */
const struct web_route *jn_route_find(const char *method, struct jn_req *rq);

/* form.c */
SD_MUST_CHECK
int jn_body_begin(struct MHD_Connection *c, struct jn_req *rq);
void jn_body_feed(struct jn_req *rq, const char *data, size_t len);
/* Finish: parse JSON for the API; sets rq->status on a bad body. */
void jn_body_end(struct jn_req *rq);
void jn_body_free(struct jn_req *rq);

/* pages.c: handlers of the pages for people. */
enum MHD_Result jn_get_index(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_get_login(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_post_login(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_post_logout(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_get_sources(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_post_sources(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_get_source(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_post_source_items(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_post_source_reply(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_post_source_delete(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_post_source_star(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_get_item(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_get_account(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_post_account_totp(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_get_static(struct MHD_Connection *c, struct jn_req *rq);
/* pages_account.c: the QR code of text as a PNG (libqrencode, libpng;
 * 6 pixels a module, 4 modules of quiet zone), appended to out. */
SD_MUST_CHECK
int jn_qr_png(const char *text, struct sdbuf *out);
/* Respond with the PNG QR code of the enrolment URI of a TOTP secret. */
enum MHD_Result jn_qr_respond(struct MHD_Connection *c, struct jn_req *rq, const char *name,
    const unsigned char secret[DB_TOTP_BYTES]);
enum MHD_Result jn_get_account_qr(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_admin_qr(struct MHD_Connection *c, struct jn_req *rq);

/* triage.c: many sources deleted in one action (see there). */
struct jn_triage {
	char day[11]; /* "YYYY-MM-DD", or "" for any day */
	int never_replied;
	struct db_source *s; /* the first n matches, oldest first */
	size_t n;
	int64_t total;                         /* every match when loaded */
	char set[2 * JN_TRIAGE_SET_BYTES + 1]; /* fingerprint of criteria and s */
};
/* SD_ERR_FORMAT: day is not "YYYY-MM-DD"; SD_ERR_ARG: no criterion. */
SD_MUST_CHECK
int jn_triage_init(struct jn_triage *t, const char *day, int never_replied);
SD_MUST_CHECK
int jn_triage_load(struct jn_triage *t);
void jn_triage_free(struct jn_triage *t);
/* Delete the loaded sources, each audited, then the action; *deleted
 * counts those gone (also on error). */
SD_MUST_CHECK
int jn_triage_delete(struct jn_req *rq, const struct jn_triage *t, size_t *deleted);
enum MHD_Result jn_post_account_passphrase(struct MHD_Connection *c, struct jn_req *rq);
/* pages_notify.c: the daily notice's address and key (docs/notifications.md). */
enum MHD_Result jn_get_account_notify(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_post_account_notify(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_post_triage(struct MHD_Connection *c, struct jn_req *rq);

/* bundle.c: a streamed .tar of items (members "<source>/<item>.sdbox",
 * the spool layout sealdrop-open reads). Marks them seen. */
struct jn_bundle_item {
	unsigned char source[SD_ID_BYTES];
	unsigned char item[SD_ID_BYTES];
	int has_batch; /* where it is in the spool */
	unsigned char batch[SD_ID_BYTES];
	int64_t row;
};
/* Fill a bundle entry from an item of src. */
void
jn_bundle_item_set(struct jn_bundle_item *b, const struct db_source *src, const struct db_item *it);
enum MHD_Result jn_bundle_respond(
    struct MHD_Connection *c, struct jn_req *rq, const struct jn_bundle_item *items, size_t n);
/* One .sdbox file as a download (marks it seen). */
enum MHD_Result jn_file_respond(struct MHD_Connection *c, struct jn_req *rq,
    const struct db_source *src, const struct db_item *it);

/* admin.c: the admin pages (WEB_RF_ADMIN routes). */
enum MHD_Result jn_admin_journalists(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_admin_journalist_add(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_admin_journalist_reset(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_admin_journalist_remove(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_admin_journalist_unlock(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_admin_journalist_torkey(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_admin_recipients(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_admin_recipient_add(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_admin_recipient_remove(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_admin_settings(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_admin_settings_save(struct MHD_Connection *c, struct jn_req *rq);
enum MHD_Result jn_admin_audit(struct MHD_Connection *c, struct jn_req *rq);

/* api.c: one entry point for everything under /api/v1/. */
enum MHD_Result jn_api(struct MHD_Connection *c, struct jn_req *rq);

/* retention.c: purge items older than the retention setting (days; 0 is
 * off); returns how many items were removed. Called by the reaper. */
SD_MUST_CHECK
int jn_retention_run(unsigned *purged);

/* sandbox.c of the source side is reused: see main.c. */
#endif
