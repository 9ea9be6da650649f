/*
 * routes.c - sealdrop-source request handling: its route table (the one
 * request layer of web/route.h), the onion-only Host check, sessions, and
 * every route of DESIGN.md's "HTTP contract of the source interface" except
 * the upload itself (upload.c).
 *
 * Each request gets a struct src_req on the first call of the handler. GET
 * requests are answered at once; POST bodies are read through web/form.h's
 * parser (small forms) or the upload pipeline, and answered on the last
 * call. Any error is a page in the source's language with its status;
 * nothing a client sends ever becomes a file name, a log line or SQL text.
 */
#include "source.h"
#include "codename.h"
#include "daemon.h"
#include "designation.h"
#include "page.h"
#include "sdi18n.h"
#include "sderr.h"
#include "sdlog.h"
#include "static.h"
#include "sdtmpl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#define PAGE_MAX (4U << 20)
/* Reply text shown on one page (escaping can grow it six times). */
#define REPLIES_TEXT_MAX (512U * 1024)
#define SMALL_BODY_MAX (16U * 1024)
#define REPLIES_MAX 200
/* Rows spared by a prune: every session (max_sessions <= 65536) and upload. */
#define PRUNE_SPARE_MAX (65536 + 4096)
/* Bytes of a refused body read and dropped before giving up on a page. */
#define DISCARD_MAX (rq->set.max_submission_bytes + (64ULL << 20))

/* ---- pages ------------------------------------------------------------- */

/* The instance settings are read from the database on every request (six
 * indexed lookups under the lock): a change on the admin page applies to
 * the next request, with no cache to go stale. */
void
src_settings(struct src_req *rq)
{
	struct settings s;
	int e;

	DB_LOCK();
	e = settings_load(src_app.db, &src_app.conf, &s);
	DB_UNLOCK();
	if (e != 0) { /* the database failed: sealdrop.conf alone, no submission */
		rq->settings_failed = 1;
		memset(&s, 0, sizeof s);
		(void)snprintf(
		    s.instance_name, sizeof s.instance_name, "%s", src_app.instance_name);
		(void)snprintf(s.default_language, sizeof s.default_language, "%s",
		    src_app.conf.default_language);
		s.accept_files = src_app.conf.accept_files;
		s.max_submission_bytes = src_app.conf.max_submission_bytes;
	}
	rq->set = s;
}

/* Render template name with v (freed) and queue it, with the cookies of
 * the request and extra, and the headers it needs. */
static enum MHD_Result
page(struct MHD_Connection *c, struct src_req *rq, unsigned status, const char *name,
    struct tmpl_vars *v, const struct web_cookie *extra, size_t nextra)
{
	const struct web_page pg = { rq->lang, rq->set.instance_name,
		rq->has_session ? rq->sess.csrf : rq->anon_csrf, rq->has_session };
	struct web_cookie ck[4];
	const char *hdr[5];
	size_t n = 0, h = 0;

	if (rq->set_lang)
		ck[n++] = (struct web_cookie){ "sd_lang", rq->lang, 0 };
	if (rq->new_anon_csrf && !rq->has_session)
		ck[n++] = (struct web_cookie){ "sd_csrf", rq->anon_csrf, 0 };
	for (size_t i = 0; i < nextra && n < 4; i++)
		ck[n++] = extra[i];
	if (rq->allow[0] != '\0')
		hdr[h++] = "Allow", hdr[h++] = rq->allow;
	if (rq->clear_site)
		hdr[h++] = "Clear-Site-Data", hdr[h++] = "\"cache\", \"cookies\", \"storage\"";
	hdr[h] = NULL;
	return web_page_respond(c, status, name, &pg, v, ck, n, h > 0 ? hdr : NULL);
}

enum MHD_Result
src_error_page(struct MHD_Connection *c, struct src_req *rq, unsigned status, const char *message)
{
	const char *title = web_status_title(status);
	struct tmpl_vars *v = NULL;
	char num[8];

	if (tmpl_vars_new(&v) != 0)
		return MHD_NO;
	(void)snprintf(num, sizeof num, "%u", status);
	tmpl_set(v, "status", num);
	tmpl_set(v, "title", i18n_get(rq->lang, title));
	tmpl_set(v, "message", i18n_get(rq->lang, message));
	tmpl_set(v, "back", rq->has_session ? "/lookup" : "/");
	if (tmpl_vars_error(v) != 0) {
		tmpl_vars_free(v);
		return MHD_NO;
	}
	return page(c, rq, status, "source/error", v, NULL, 0);
}

void
src_human_size(uint64_t b, const char *lang, char out[32])
{
	static const char *const en[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	static const char *const fr[] = { "o", "Kio", "Mio", "Gio", "Tio" };
	const char *const *unit = strcmp(lang, "fr") == 0 ? fr : en;
	size_t u = 0;

	while (b >= 1024 && b % 1024 == 0 && u < 4) {
		b /= 1024;
		u++;
	}
	(void)snprintf(out, 32, "%llu %s", (unsigned long long)b, unit[u]);
}

static enum MHD_Result
get_index(struct MHD_Connection *c, struct src_req *rq)
{
	struct tmpl_vars *v = NULL;

	if (rq->set_lang) {
		const struct web_cookie ck = { "sd_lang", rq->lang, 0 };
		return web_redirect_ex(c, "/", &ck, 1);
	}
	if (tmpl_vars_new(&v) != 0 ||
	    tmpl_set(v, "accept_files", rq->set.accept_files ? "1" : "") != 0) {
		tmpl_vars_free(v);
		return MHD_NO;
	}
	return page(c, rq, MHD_HTTP_OK, "source/index", v, NULL, 0);
}

/* Decrypt the source's replies into the list "replies". */
static int
add_replies(struct src_req *rq, struct tmpl_vars *v)
{
	struct db_item *items = calloc(REPLIES_MAX, sizeof *items);
	struct db_source src;
	size_t n = 0, deleted = 0;
	int e;

	if (items == NULL)
		return SD_ERR_NOMEM;
	DB_LOCK();
	e = db_source_by_row(src_app.db, rq->sess.source_row, &src);
	if (e == 0)
		e = db_item_list(src_app.db, src.row, DB_KIND_REPLY, items, REPLIES_MAX, &n);
	DB_UNLOCK();
	/* The oldest replies first, as many as fit: deleting them shows more. */
	for (size_t i = 0, shown = 0; e == 0 && i < n; i++) {
		struct tmpl_vars *item;
		char hex[SD_ID_HEX + 1], *text = NULL;
		size_t len = 0;
		if (items[i].source_deleted) { /* deleted: only journalists see it was */
			deleted++;
			continue;
		}
		if (store_reply_read(
			src_app.spool, &src, &items[i], rq->sess.reply_sk, &text, &len) != 0)
			continue; /* unreadable reply: skipped, the others shown */
		if ((shown += len) > REPLIES_TEXT_MAX) {
			sodium_memzero(text, len);
			free(text);
			break;
		}
		sd_id_hex(items[i].id, hex);
		e = tmpl_list_add(v, "replies", &item);
		tmpl_set(item, "id", hex);
		tmpl_set(item, "date", items[i].created_hour);
		tmpl_set(item, "text", text);
		sodium_memzero(text, len);
		free(text);
	}
	if (e == 0)
		tmpl_set(v, "has_replies", n > deleted ? "1" : "");
	free(items);
	return e != 0 ? e : tmpl_vars_error(v);
}

static enum MHD_Result
get_lookup(struct MHD_Connection *c, struct src_req *rq)
{
	static const char *const flash[] = { "",
		I18N_N("Thank you. Your submission was encrypted and stored. Come back later "
		       "with your codename to see if a journalist replied."),
		I18N_N("The reply was deleted.") };
	struct tmpl_vars *v = NULL;
	char maxsub[32], num[16], num2[16];
	int e;

	if (!rq->has_session)
		return web_redirect(c, "/");
	src_human_size(rq->set.max_submission_bytes, rq->lang, maxsub);
	(void)snprintf(num, sizeof num, "%u", src_app.conf.max_files);
	(void)snprintf(num2, sizeof num2, "%u", src_app.conf.max_message_chars);
	if ((e = tmpl_vars_new(&v)) != 0)
		return MHD_NO;
	tmpl_set(v, "flash", rq->sess.flash ? i18n_get(rq->lang, flash[rq->sess.flash]) : "");
	tmpl_set(v, "accept_files", rq->set.accept_files ? "1" : "");
	if (rq->set.min_first_message_chars > 0)
		tmpl_setf(v, "min_first", "%u", rq->set.min_first_message_chars);
	tmpl_set(v, "max_submission", maxsub);
	tmpl_set(v, "max_files", num);
	tmpl_set(v, "max_message", num2);
	tmpl_setf(v, "idle_minutes", "%u", src_app.conf.session_idle_minutes);
	if (e == 0) {
		char tok[SRCSESS_SUBMIT_TOKEN_CHARS + 1];
		e = srcsess_submit_token(rq->sess.source_id, tok);
		tmpl_set(v, "submit_token", tok);
		sodium_memzero(tok, sizeof tok);
	}
	if (e != 0 || add_replies(rq, v) != 0) {
		tmpl_vars_free(v);
		return src_error_page(c, rq, 500, "Something went wrong. Please try again later.");
	}
	return page(c, rq, MHD_HTTP_OK, "source/lookup", v, NULL, 0);
}

/* A submission sent with a submit token after its session ended. */
static enum MHD_Result
submitted_page(struct MHD_Connection *c, struct src_req *rq)
{
	struct tmpl_vars *v = NULL;

	if (tmpl_vars_new(&v) != 0)
		return MHD_NO;
	return page(c, rq, MHD_HTTP_OK, "source/submitted", v, NULL, 0);
}

static enum MHD_Result
get_metadata(struct MHD_Connection *c, struct src_req *rq)
{
	const char *const *langs = i18n_languages();
	json_t *l = json_array(), *o;
	struct sdbuf body;
	char *s;

	for (size_t i = 0; l != NULL && langs[i] != NULL; i++)
		json_array_append_new(l, json_string(langs[i]));
	o = json_pack("{s:s, s:s, s:o, s:s, s:b, s:{s:I, s:i, s:i, s:i, s:i}}", "instance",
	    rq->set.instance_name, "version", SD_VERSION, "languages", l, "default_language",
	    rq->set.default_language, "accepts_files", rq->set.accept_files, "limits",
	    "max_submission_bytes", (json_int_t)rq->set.max_submission_bytes, "max_files",
	    (int)src_app.conf.max_files, "max_message_chars", (int)src_app.conf.max_message_chars,
	    "max_message_bytes", (int)(4 * src_app.conf.max_message_chars),
	    "min_first_message_chars", (int)rq->set.min_first_message_chars);
	if (o == NULL || (s = json_dumps(o, JSON_COMPACT)) == NULL) {
		json_decref(o);
		return MHD_NO;
	}
	json_decref(o);
	sdbuf_init(&body, PAGE_MAX);
	if (sdbuf_adds(&body, s) != 0) {
		free(s);
		sdbuf_free(&body);
		return MHD_NO;
	}
	free(s);
	return web_respond(c, MHD_HTTP_OK, "application/json", &body);
}

static enum MHD_Result
get_static(struct MHD_Connection *c, struct src_req *rq)
{
	const char *ctype = NULL;
	size_t len = 0;
	const unsigned char *d = web_static_get(
	    strcmp(rq->url, "/static/nojs.css") == 0 ? "source/nojs.css" : "source/style.css", &len,
	    &ctype);

	if (d == NULL)
		return src_error_page(
		    c, rq, MHD_HTTP_NOT_FOUND, "There is no page at this address.");
	return web_respond_static(c, d, len, ctype);
}

/* ---- codenames and sessions ------------------------------------------- */

/* Derive in turn behind the gate; SD_ERR_BUSY when its queue is full. */
static int
derive(const char *cn, size_t len, unsigned char tag[32], unsigned char seed[32])
{
	int e;

	if ((e = web_gate_enter(src_app.argon2)) != 0)
		return e;
	e = codename_derive(
	    cn, len, src_app.cn.salt, src_app.cn.opslimit, src_app.cn.memlimit, tag, seed);
	web_gate_leave(src_app.argon2);
	return e;
}

/* Forget pending sources older than pending_source_days, then the oldest
 * beyond keep (caller holds the database lock). */
static int
prune_pending_locked(int64_t keep)
{
	char day[11];
	time_t t = time(NULL) - (time_t)src_app.conf.pending_source_days * 86400;
	struct tm tm;

	int64_t *spare = calloc(PRUNE_SPARE_MAX, sizeof *spare);
	size_t n;
	int e;

	if (spare == NULL)
		return SD_ERR_NOMEM;
	gmtime_r(&t, &tm);
	(void)strftime(day, sizeof day, "%Y-%m-%d", &tm);
	/* Never one a session or an upload is using now. */
	n = srcsess_live_sources(spare, PRUNE_SPARE_MAX);
	n += src_upload_active(spare + n, PRUNE_SPARE_MAX - n);
	e = db_source_prune_pending(src_app.db, day, keep, spare, n, NULL);
	free(spare);
	return e;
}

void
src_prune_pending(void)
{
	int e;

	DB_LOCK();
	e = prune_pending_locked((int64_t)src_app.conf.pending_sources_max);
	DB_UNLOCK();
	if (e != 0)
		sdlog_info("cannot forget unused codenames: %s", sd_strerror(e));
}

static enum MHD_Result
busy(struct MHD_Connection *c, struct src_req *rq)
{
	return src_error_page(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE,
	    "Too many people are doing this at the same time. Wait a moment and try again.");
}

/* Start a session for src with the reply key from seed. */
static int
open_session(
    const struct db_source *src, const unsigned char seed[32], char id[WEB_TOKEN_CHARS + 1])
{
	unsigned char pk[32], *sk = sodium_malloc(32);
	int e;

	if (sk == NULL)
		return SD_ERR_NOMEM;
	e = codename_reply_keypair(seed, pk, sk);
	if (e == 0)
		e = srcsess_create(src->row, src->id, sk, src->pending, id);
	sodium_free(sk);
	return e;
}

struct secrets {
	char codename[CODENAME_MAX + 1];
	unsigned char tag[32], seed[32], pk[32], sk[32];
};

static enum MHD_Result
post_generate(struct MHD_Connection *c, struct src_req *rq)
{
	struct secrets *s = sodium_malloc(sizeof *s);
	struct tmpl_vars *v = NULL;
	struct db_source src;
	char id[WEB_TOKEN_CHARS + 1];
	size_t len = 0;
	int e;

	if (s == NULL)
		return MHD_NO;
	/* The source stays pending, hidden from journalists, until its first
	 * submission; the oldest pending go first past the cap. */
	if ((e = codename_generate(rq->lang, s->codename, &len)) == 0 &&
	    (e = derive(s->codename, len, s->tag, s->seed)) == 0 &&
	    (e = codename_reply_keypair(s->seed, s->pk, s->sk)) == 0) {
		DB_LOCK();
		e = prune_pending_locked((int64_t)src_app.conf.pending_sources_max - 1);
		if (e == 0)
			e = db_source_create(src_app.db, s->tag, s->pk, 1, &src);
		DB_UNLOCK();
	}
	if (e == 0)
		e = open_session(&src, s->seed, id);
	if (e == 0 && rq->has_session)
		srcsess_destroy(rq->sess_id); /* the browser drops the old cookie */
	if (e == 0 && (e = tmpl_vars_new(&v)) == 0) {
		tmpl_set(v, "codename", s->codename);
		tmpl_setf(v, "pending_days", "%u", src_app.conf.pending_source_days);
		e = tmpl_vars_error(v);
	}
	sodium_free(s);
	if (e != 0 && e != SD_ERR_BUSY) {
		int full;
		DB_LOCK();
		full = db_is_full(src_app.db);
		DB_UNLOCK();
		if (full) {
			tmpl_vars_free(v);
			sdlog_info(
			    "a new codename was refused: the instance's file system is full");
			return src_error_page(c, rq, MHD_HTTP_INSUFFICIENT_STORAGE,
			    "The server is out of space for submissions. Please try again later.");
		}
	}
	if (e != 0) {
		tmpl_vars_free(v);
		return e == SD_ERR_BUSY
		    ? busy(c, rq)
		    : src_error_page(c, rq, 500, "Something went wrong. Please try again later.");
	}
	/* The page is shown as to a logged-in source (its CSRF token). */
	rq->has_session = srcsess_get(id, &rq->sess) == 0;
	memcpy(rq->sess_id, id, sizeof id);
	const struct web_cookie ck = { "sd_session", id, 0 };
	return page(c, rq, MHD_HTTP_OK, "source/generate", v, &ck, 1);
}

static enum MHD_Result
post_login(struct MHD_Connection *c, struct src_req *rq)
{
	struct secrets *s = sodium_malloc(sizeof *s);
	const char *typed = web_form_get(&rq->form, "codename", NULL);
	struct db_source src;
	char id[WEB_TOKEN_CHARS + 1];
	size_t len = 0;
	int e = SD_ERR_NOTFOUND;

	if (s == NULL)
		return MHD_NO;
	/* A malformed codename is answered like an unknown one. */
	if (typed != NULL && codename_normalize(typed, strlen(typed), s->codename, &len) == 0 &&
	    (e = derive(s->codename, len, s->tag, s->seed)) == 0) {
		DB_LOCK();
		e = db_source_by_tag(src_app.db, s->tag, &src);
		DB_UNLOCK();
		if (e == 0)
			e = open_session(&src, s->seed, id);
	}
	sodium_free(s);
	if (e == SD_ERR_BUSY)
		return busy(c, rq);
	if (e == SD_ERR_NOTFOUND)
		return src_error_page(c, rq, MHD_HTTP_FORBIDDEN,
		    "That codename was not recognised. Check each word and try again.");
	if (e != 0) /* never "unknown codename" for a fault of ours */
		return src_error_page(c, rq, 500, "Something went wrong. Please try again later.");
	if (rq->has_session)
		srcsess_destroy(rq->sess_id);
	const struct web_cookie ck = { "sd_session", id, 0 };
	return web_redirect_ex(c, "/lookup", &ck, 1);
}

static enum MHD_Result
post_reply_delete(struct MHD_Connection *c, struct src_req *rq)
{
	const char *hex = web_form_get(&rq->form, "reply_id", NULL);
	unsigned char id[SD_ID_BYTES];
	struct db_source src;
	struct db_item it;
	int e;

	if (hex == NULL || sd_id_parse(hex, strlen(hex), id) != 0)
		return src_error_page(c, rq, MHD_HTTP_NOT_FOUND, "That reply does not exist.");
	DB_LOCK();
	e = db_item_by_id(src_app.db, id, &it);
	if (e == 0 && (it.source_row != rq->sess.source_row || it.kind != DB_KIND_REPLY))
		e = SD_ERR_NOTFOUND;
	if (e == 0 && (e = db_source_by_row(src_app.db, rq->sess.source_row, &src)) == 0)
		e = store_reply_delete_by_source(src_app.db, src_app.spool, &src, &it);
	DB_UNLOCK();
	if (e == SD_ERR_NOTFOUND)
		return src_error_page(c, rq, MHD_HTTP_NOT_FOUND, "That reply does not exist.");
	if (e != 0)
		return src_error_page(c, rq, 500, "Something went wrong. Please try again later.");
	srcsess_set_flash(rq->sess_id, SRCSESS_FLASH_DELETED);
	return web_redirect(c, "/lookup");
}

static enum MHD_Result
post_logout(struct MHD_Connection *c, struct src_req *rq)
{
	const struct web_cookie ck = { "sd_session", "", 1 };
	struct tmpl_vars *v = NULL;

	srcsess_destroy(rq->sess_id);
	rq->has_session = 0;
	sodium_memzero(&rq->sess, sizeof rq->sess);
	/* A page that says it worked and what to do next, and that tells the
	 * browser to forget what it kept of this site. */
	rq->clear_site = 1;
	if (tmpl_vars_new(&v) != 0)
		return MHD_NO;
	return page(c, rq, MHD_HTTP_OK, "source/logout", v, &ck, 1);
}

/* ---- dispatch ----------------------------------------------------------- */

static enum MHD_Result post_submit(struct MHD_Connection *c, struct src_req *rq);

static const struct web_route routes[] = {
	{ "GET", "/", { .src = get_index }, 0 },
	{ "POST", "/generate", { .src = post_generate }, WEB_RF_BODY | WEB_RF_ANON },
	{ "POST", "/login", { .src = post_login }, WEB_RF_BODY | WEB_RF_ANON },
	{ "GET", "/lookup", { .src = get_lookup }, 0 },
	/* May come without a session: its form's submit token (session.h) is
	 * checked with the first field of the body. */
	{ "POST", "/submit", { .src = post_submit }, SRC_RF_UPLOAD },
	{ "POST", "/reply/delete", { .src = post_reply_delete }, WEB_RF_AUTH | WEB_RF_BODY },
	{ "POST", "/logout", { .src = post_logout }, WEB_RF_AUTH | WEB_RF_BODY },
	{ "GET", "/metadata", { .src = get_metadata }, 0 },
	{ "GET", "/static/style.css", { .src = get_static }, 0 },
	{ "GET", "/static/nojs.css", { .src = get_static }, 0 },
};

static void
setup_identity(struct MHD_Connection *c, struct src_req *rq)
{
	const char *sid = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "sd_session");

	(void)snprintf(rq->lang, sizeof rq->lang, "%s",
	    web_lang_of(c, rq->set.default_language, WEB_LANG_ACCEPT, &rq->set_lang));
	if (sid != NULL && srcsess_get(sid, &rq->sess) == 0) {
		struct db_source gone;
		int e;
		/* A source deleted by a journalist (or by the retention purge)
		 * has no account left: its session ends here. */
		DB_LOCK();
		e = db_source_by_row(src_app.db, rq->sess.source_row, &gone);
		DB_UNLOCK();
		if (e == SD_ERR_NOTFOUND) {
			srcsess_destroy(sid);
			sodium_memzero(&rq->sess, sizeof rq->sess);
		} else {
			rq->has_session = 1;
			(void)snprintf(rq->sess_id, sizeof rq->sess_id, "%s", sid);
		}
	}
	web_anon_csrf(c, "sd_csrf", rq->anon_csrf, &rq->new_anon_csrf);
}

/* Checks before any body is read; returns a status or 0. */
static unsigned
precheck(struct MHD_Connection *c, struct src_req *rq, const char **msg)
{
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");

	if ((rq->route->flags & WEB_RF_AUTH) && !rq->has_session) {
		*msg = I18N_N("Your session has expired. Please log in again with your codename.");
		return MHD_HTTP_FORBIDDEN;
	}
	if (!(rq->route->flags & SRC_RF_UPLOAD) && cl != NULL &&
	    strtoull(cl, NULL, 10) > SMALL_BODY_MAX) {
		*msg = I18N_N("The request is too large.");
		return MHD_HTTP_CONTENT_TOO_LARGE;
	}
	return 0;
}

static enum MHD_Result
first_call(struct MHD_Connection *c, struct src_req *rq, const char *url, const char *method)
{
	struct web_path path;
	const char *msg = NULL;
	unsigned st;

	rq->url = url;
	src_settings(rq);
	setup_identity(c, rq);
	if ((st = web_daemon_refusal(c, &msg)) != 0)
		return src_error_page(c, rq, st, msg);
	if (!src_app.dev && !web_host_is_onion(c))
		return src_error_page(c, rq, MHD_HTTP_FORBIDDEN,
		    "This site can only be reached through its onion address, with Tor Browser.");
	if (web_path_split(url, &path) == 0)
		rq->route = web_route_find(
		    routes, sizeof routes / sizeof routes[0], method, &path, rq->allow);
	if (rq->route == NULL && rq->allow[0] != '\0')
		return src_error_page(c, rq, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "This address does not accept this kind of request.");
	if (rq->route == NULL)
		return src_error_page(
		    c, rq, MHD_HTTP_NOT_FOUND, "There is no page at this address.");
	if ((st = precheck(c, rq, &msg)) != 0)
		return src_error_page(c, rq, st, msg);
	if (rq->route->flags & SRC_RF_UPLOAD) {
		if (src_upload_begin(c, rq) != 0)
			return MHD_NO;
		return rq->status ? src_error_page(c, rq, rq->status, rq->error_msg) : MHD_YES;
	}
	if (rq->route->flags & WEB_RF_BODY) {
		if (web_form_begin(c, &rq->form, SRC_FORM_FIELDS, SRC_FORM_BYTES) == SD_ERR_NOMEM)
			return MHD_NO;
		if (rq->form.error != 0)
			rq->form_error = 1;
		return MHD_YES;
	}
	return rq->route->fn.src(c, rq);
}

/* The end of an upload: its page, or back to /lookup. */
static enum MHD_Result
post_submit(struct MHD_Connection *c, struct src_req *rq)
{
	src_upload_finish(rq);
	if (rq->status != 0)
		return src_error_page(c, rq, rq->status, rq->error_msg);
	if (!rq->has_session)
		return submitted_page(c, rq);
	srcsess_promote(rq->sess_id); /* no longer a pending source */
	srcsess_set_flash(rq->sess_id, SRCSESS_FLASH_SUBMITTED);
	return web_redirect(c, "/lookup");
}

static enum MHD_Result
last_call(struct MHD_Connection *c, struct src_req *rq)
{
	if (rq->route == NULL) /* answered at the first call already */
		return MHD_NO;
	if (rq->route->flags & SRC_RF_UPLOAD)
		return rq->route->fn.src(c, rq);
	if (rq->form_error || web_form_finish(&rq->form) != 0) {
		/* Over a bound (fields, bytes, the body) is a 413, not a 400. */
		if (rq->body > SMALL_BODY_MAX || rq->form.error == SD_ERR_TOOLONG)
			return src_error_page(
			    c, rq, MHD_HTTP_CONTENT_TOO_LARGE, "The request is too large.");
		if (rq->form.error == SD_ERR_NOMEM)
			return src_error_page(
			    c, rq, 500, "Something went wrong. Please try again later.");
		return src_error_page(c, rq, MHD_HTTP_BAD_REQUEST, "The form was not understood.");
	}
	/* Pages of a logged-in source carry the session token, others the
	 * anonymous one; /generate and /login accept either. */
	if (!web_csrf_ok(web_form_get(&rq->form, "csrf_token", NULL),
		rq->has_session ? rq->sess.csrf : NULL, (rq->route->flags & WEB_RF_ANON) != 0,
		rq->anon_csrf, rq->new_anon_csrf))
		return src_error_page(c, rq, MHD_HTTP_FORBIDDEN,
		    "The form expired. Please go back, reload the page and try again.");
	return rq->route->fn.src(c, rq);
}

enum MHD_Result
src_handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *data, size_t *size, void **rc)
{
	int first, upload;
	struct src_req *rq = web_req_state(rc, sizeof *rq, &first);

	(void)cls, (void)version;
	if (rq == NULL)
		return MHD_NO;
	if (first)
		return first_call(c, rq, url, method);
	upload = rq->route != NULL && (rq->route->flags & SRC_RF_UPLOAD);
	if (*size > 0) {
		/* libmicrohttpd answers only once the body is read: after an
		 * error the rest is discarded, up to a bound, then the
		 * connection is closed without a page. */
		if (rq->status != 0 || rq->form_error) {
			rq->discarded += *size;
			*size = 0;
			if (!upload)
				return rq->discarded > SMALL_BODY_MAX ? MHD_NO : MHD_YES;
			return rq->discarded > DISCARD_MAX ? MHD_NO : MHD_YES;
		}
		if (upload) {
			src_upload_feed(rq, data, *size);
		} else if (rq->form.f == NULL) {
			/* The first call answered already (a refusal: 404, 405,
			 * 403, a draining 503) and libmicrohttpd still hands the
			 * body over, as it does while it stops: drop it. */
			rq->form_error = 1;
			rq->discarded += *size;
			*size = 0;
			return rq->discarded > SMALL_BODY_MAX ? MHD_NO : MHD_YES;
		} else {
			/* Small forms: bounded whatever the transfer encoding. */
			rq->body += *size;
			if (rq->body > SMALL_BODY_MAX || web_form_feed(&rq->form, data, *size) != 0)
				rq->form_error = 1;
		}
		*size = 0;
		return MHD_YES;
	}
	if (rq->status != 0) {
		src_upload_finish(rq); /* removes what was written */
		return src_error_page(c, rq, rq->status, rq->error_msg);
	}
	return last_call(c, rq);
}

void
src_completed(void *cls, struct MHD_Connection *c, void **rc, enum MHD_RequestTerminationCode toe)
{
	struct src_req *rq = *rc;

	(void)cls, (void)c, (void)toe;
	if (rq != NULL) {
		src_upload_free(rq->up);
		web_form_free(&rq->form);
	}
	web_req_end(rc, sizeof *rq);
}
