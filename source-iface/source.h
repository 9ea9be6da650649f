/*
 * source.h - sealdrop-source internals shared by its files: the app
 * context, one request's state, and the functions of each part.
 *
 *   main.c    start-up, listening socket, libmicrohttpd, signals, reaper
 *   routes.c  route table and dispatch (web/route.h), Host check, sessions,
 *            pages
 *   upload.c  POST /submit: multipart streamed into .sdbox writers
 *
 * Threads: libmicrohttpd's pool calls the handlers concurrently; the
 * database handle is used under app.db_mu, sessions have their own lock,
 * argon2id runs behind a bounded first-come-first-served gate (web/gate.h).
 */
#ifndef SOURCE_H
#define SOURCE_H

#include <pthread.h>
#include <stdint.h>

#include "conf.h"
#include "db.h"
#include "gate.h"
#include "form.h"
#include "http.h"
#include "route.h"
#include "session.h"
#include "spool.h"
#include "store.h"
#include "settings.h"
#include "sderr.h"

struct src_app {
	struct conf conf;
	struct db *db;
	pthread_mutex_t db_mu;
	struct spool *spool;
	struct store_codename_params cn;
	struct web_gate *argon2; /* argon2id derivations, first come first served */
	int dev;
	char instance_name[CONF_NAME_MAX];
};

extern struct src_app src_app;

/* Route flag of /submit (route.h): its body goes to the upload pipeline. */
#define SRC_RF_UPLOAD WEB_RF_OWN
/* Fields and bytes of a small form (/generate, /login, ...). */
#define SRC_FORM_FIELDS 8
#define SRC_FORM_BYTES (4U * 1024)

struct src_upload;

struct src_req {
	const struct web_route *route;
	const char *url;
	char lang[8];
	int set_lang; /* lang came from ?lang= : set the cookie */
	int has_session;
	char sess_id[WEB_TOKEN_CHARS + 1];
	struct srcsess_view sess; /* holds the reply key: wiped at the end */
	char anon_csrf[WEB_TOKEN_CHARS + 1];
	int new_anon_csrf;    /* set the anonymous CSRF cookie */
	struct web_form form; /* small forms (web_form_begin'd when f is set) */
	int form_error;
	struct src_upload *up;
	unsigned status;           /* an error decided while reading the body */
	uint64_t discarded;        /* body bytes dropped after an error */
	uint64_t body;             /* body bytes of a small form */
	char allow[WEB_ALLOW_MAX]; /* Allow header of a 405 page, or "" */
	int clear_site;            /* send Clear-Site-Data (the logout page) */
	const char *error_msg;     /* its English message (translated at render) */
	struct settings set;       /* instance settings, read once per request */
	int settings_failed;       /* the database could not be read for them */
	char msgbuf[256];          /* a message with a number, already translated */
};

#define DB_LOCK() pthread_mutex_lock(&src_app.db_mu)
#define DB_UNLOCK() pthread_mutex_unlock(&src_app.db_mu)

/* routes.c */
enum MHD_Result src_handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *data, size_t *size, void **rc);
void
src_completed(void *cls, struct MHD_Connection *c, void **rc, enum MHD_RequestTerminationCode toe);
enum MHD_Result
src_error_page(struct MHD_Connection *c, struct src_req *rq, unsigned status, const char *message);

/* upload.c */
SD_MUST_CHECK
int src_upload_begin(struct MHD_Connection *c, struct src_req *rq);
/* Feed body bytes; on a fatal error sets rq->status and rq->error_msg. */
void src_upload_feed(struct src_req *rq, const char *data, size_t len);
/* Finish: commit everything or nothing. */
void src_upload_finish(struct src_req *rq);
/* Abort (removes every temporary file); accepts NULL. */
void src_upload_free(struct src_upload *up);
/* The source rows of the uploads running now, at most max. */
size_t src_upload_active(int64_t *rows, size_t max);

/* web/sandbox.h: web_sandbox(), no_new_privs and a seccomp deny-list. */

/* Logs: sdlog.h (sdlog_info), events only. */
/* routes.c: the settings of this request (db, else sealdrop.conf). */
void src_settings(struct src_req *rq);
/* routes.c: b bytes for a page ("4 GiB", "4 Gio"). */
void src_human_size(uint64_t b, const char *lang, char out[32]);
/* routes.c: forget pending sources past their days or the cap. */
void src_prune_pending(void);

#endif
