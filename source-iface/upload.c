/*
 * upload.c - POST /submit: a multipart body streamed through libmicrohttpd's
 * post processor straight into .sdbox writers, one per file and one for the
 * message, each writing to its own file in one staging directory of
 * spool/tmp/. Plaintext exists only
 * in the post processor's buffer and the writer's frame buffer; memory stays
 * bounded whatever the size of the upload.
 *
 * The hidden csrf_token must be the first field: nothing is written before
 * it is checked. Limits (the whole body, files, message length, the
 * free-space reserve, the daily share of sources no journalist answered
 * yet) are checked as the bytes arrive. The parts are written into one
 * staging directory; at the end it moves into place by one rename and its
 * rows are recorded in the same transaction (store_batch_commit), or
 * everything is removed: a failed or interrupted upload leaves nothing
 * behind, and a submission is never seen in part.
 */
#include "source.h"
#include "sdlog.h"
#include "sdi18n.h"
#include "sderr.h"

#include <errno.h>
#include <pthread.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#define CHECK_SPACE_EVERY (16ULL << 20)
/* Bytes of a body beyond its content: boundaries and part headers (a
 * browser sends about 200 per part). The whole body counts. */
#define MULTIPART_SLACK (64ULL << 10)

struct part {
	int fd; /* the file in the staging directory */
	struct sdbox_writer *w;
	int kind;
	int64_t seq;
	unsigned char id[SD_ID_BYTES];
	uint64_t bytes;
};

struct src_upload {
	struct MHD_PostProcessor *pp;
	struct src_req *rq;
	struct spool_batch batch; /* the staging directory, fd -1 until a part */
	uint64_t body;            /* raw body bytes, headers of parts included */
	uint64_t share_left;      /* bytes the daily share still allows */
	unsigned char rcpt[SDBOX_RECIPIENTS_MAX][SDBOX_PUBLICKEYBYTES];
	size_t nrcpt;
	struct part *parts;
	size_t nparts, maxparts;
	struct part *cur; /* part receiving data, or NULL */
	/* libmicrohttpd may call with (offset 0, size 0) before a part's data
	 * when a read ends just past the part's headers, then again at offset
	 * 0 with the data: the part opened by such an empty call is reused by
	 * the next offset-0 call for the same field and file name. */
	struct part *zero;
	char zero_name[SDBOX_NAME_MAX + 1];
	struct part *msg; /* the message part, or NULL */
	/* The session's CSRF token or a submit token (session.h). */
	char csrf[SRCSESS_SUBMIT_TOKEN_CHARS + 1];
	size_t csrf_len;
	int csrf_ok;
	unsigned long long cl_len; /* Content-Length, 0 when chunked */
	int source_checked;        /* source_checks ran */
	int pinned;                /* the session is pinned while this runs */
	int active;                /* the source is in the active list */
	uint64_t free_b;           /* free space when the upload began */
	unsigned nfiles;
	uint64_t content, since_check;
	int first;          /* the source has sent no message or file yet */
	uint64_t msg_chars; /* UTF-8 characters of the message so far */
};

static void
fail(struct src_req *rq, unsigned status, const char *msg)
{
	if (rq->status == 0) {
		rq->status = status;
		rq->error_msg = msg;
	}
}

#define MSG_NO_SPACE I18N_N("The server is out of space for submissions. Please try again later.")
#define MSG_NOT_STORED I18N_N("The submission could not be stored.")
#define MSG_SHARE \
	I18N_N("This site has received as much as it can take today from sources " \
	       "who have not had a reply yet. Please try again tomorrow.")

/* A write or database failure: out of space (ENOSPC, EDQUOT, SQLITE_FULL)
 * is 507 and logged once, without any detail of the client; anything else
 * is 500. */
static void
fail_store(struct src_req *rq, int e)
{
	int full = (e == SD_ERR_IO && (errno == ENOSPC || errno == EDQUOT));

	DB_LOCK();
	full = full || db_is_full(src_app.db);
	DB_UNLOCK();
	if (rq->status != 0)
		return;
	if (full) {
		sdlog_info("a submission was refused: the instance's file system is full");
		fail(rq, MHD_HTTP_INSUFFICIENT_STORAGE, MSG_NO_SPACE);
	} else {
		fail(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, MSG_NOT_STORED);
	}
}

/* A refusal whose translated text holds a number at "{n}". */
static void
fail_n(struct src_req *rq, unsigned status, const char *msgid, const char *n)
{
	const char *t = i18n_get(rq->lang, msgid);
	const char *at = strstr(t, "{n}");

	if (at == NULL)
		(void)snprintf(rq->msgbuf, sizeof rq->msgbuf, "%s", t);
	else
		(void)snprintf(
		    rq->msgbuf, sizeof rq->msgbuf, "%.*s%s%s", (int)(at - t), t, n, at + 3);
	fail(rq, status, rq->msgbuf);
}

static void
fail_long(struct src_req *rq)
{
	char n[16];

	(void)snprintf(n, sizeof n, "%u", src_app.conf.max_message_chars);
	fail_n(rq, MHD_HTTP_CONTENT_TOO_LARGE,
	    I18N_N("The message is longer than this site accepts: at most {n} characters."), n);
}

static void
fail_large(struct src_req *rq)
{
	char n[32];

	src_human_size(rq->set.max_submission_bytes, rq->lang, n);
	fail_n(rq, MHD_HTTP_CONTENT_TOO_LARGE,
	    I18N_N("The submission is larger than this site accepts: at most {n} in all. "
		   "Send large files in several submissions."),
	    n);
}

static void
fail_files(struct src_req *rq)
{
	char n[16];

	(void)snprintf(n, sizeof n, "%u", src_app.conf.max_files);
	fail_n(rq, MHD_HTTP_CONTENT_TOO_LARGE,
	    I18N_N("Too many files in one submission: at most {n}. Send the others in another "
		   "submission."),
	    n);
}

/* Copy at most max bytes of s, cut back to a UTF-8 character boundary. */
static void
copy_utf8(char *dst, size_t max, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	if (n > 0)
		memcpy(dst, s, n);
	dst[n] = '\0';
}

/* Start a new part: a tmp file, a sequence number, a writer. */
static struct part *
part_new(struct src_upload *up, int kind, const char *name, const char *mime)
{
	struct src_req *rq = up->rq;
	struct sdbox_meta m = { .kind = (enum sdbox_kind)kind };
	struct part *p;
	int e;

	if (up->nparts == up->maxparts) {
		fail_files(rq);
		return NULL;
	}
	p = &up->parts[up->nparts];
	memset(p, 0, sizeof *p);
	p->fd = -1;
	p->kind = kind;
	randombytes_buf(p->id, sizeof p->id);
	DB_LOCK();
	e = db_source_next_seq(src_app.db, rq->sess.source_row, 1, &p->seq);
	DB_UNLOCK();
	if (e == 0 && up->batch.fd < 0)
		e = spool_batch_create(src_app.spool, &up->batch);
	if (e == 0)
		e = spool_batch_file(&up->batch, p->id, &p->fd);
	if (e != 0) {
		fail_store(rq, e);
		return NULL;
	}
	up->nparts++;
	copy_utf8(m.name, SDBOX_NAME_MAX, name);
	copy_utf8(m.mime, SDBOX_MIME_MAX, mime);
	store_ref(rq->sess.source_id, p->seq, m.ref);
	m.time = (uint64_t)time(NULL);
	e = sdbox_writer_new(&p->w, (const unsigned char(*)[SDBOX_PUBLICKEYBYTES])up->rcpt,
	    up->nrcpt, &m, sdbox_fd_write, &p->fd);
	if (e != 0) {
		fail_store(rq, e);
		return NULL;
	}
	return p;
}

/* Count bytes against the limits; 0 to go on. */
static int
account(struct src_upload *up, size_t size)
{
	struct src_req *rq = up->rq;
	uint64_t free_b = 0;

	up->content += size;
	up->since_check += size;
	if (up->content > rq->set.max_submission_bytes) {
		fail_large(rq);
		return -1;
	}
	if (up->content > up->share_left) {
		fail(rq, MHD_HTTP_INSUFFICIENT_STORAGE, MSG_SHARE);
		return -1;
	}
	if (up->since_check >= CHECK_SPACE_EVERY) {
		up->since_check = 0;
		if (spool_free_bytes(src_app.spool, &free_b) != 0 ||
		    free_b < src_app.conf.spool_reserve_bytes + CHECK_SPACE_EVERY) {
			fail(rq, MHD_HTTP_INSUFFICIENT_STORAGE, MSG_NO_SPACE);
			return -1;
		}
	}
	return 0;
}

static int
on_csrf(struct src_upload *up, const char *data, size_t size)
{
	if (up->csrf_ok || up->nparts > 0 || size > SRCSESS_SUBMIT_TOKEN_CHARS - up->csrf_len) {
		fail(up->rq, MHD_HTTP_FORBIDDEN, "The form expired. Please go back and try again.");
		return -1;
	}
	memcpy(up->csrf + up->csrf_len, data, size);
	up->csrf_len += size;
	up->csrf[up->csrf_len] = '\0';
	return 0;
}

static int source_checks(struct src_upload *up);

/* The sources uploading now: a flood of /generate never forgets a
 * pending source in the middle of its first upload. */
#define ACTIVE_MAX 4096 /* max_connections' bound */
static pthread_mutex_t active_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t active_rows[ACTIVE_MAX];
static size_t nactive;

static void
active_add(struct src_upload *up)
{
	pthread_mutex_lock(&active_mu);
	if (nactive < ACTIVE_MAX) {
		active_rows[nactive++] = up->rq->sess.source_row;
		up->active = 1;
	}
	pthread_mutex_unlock(&active_mu);
}

static void
active_remove(struct src_upload *up)
{
	if (!up->active)
		return;
	pthread_mutex_lock(&active_mu);
	for (size_t i = 0; i < nactive; i++)
		if (active_rows[i] == up->rq->sess.source_row) {
			active_rows[i] = active_rows[--nactive];
			break;
		}
	pthread_mutex_unlock(&active_mu);
	up->active = 0;
}

size_t
src_upload_active(int64_t *rows, size_t max)
{
	size_t k = 0;

	pthread_mutex_lock(&active_mu);
	for (size_t i = 0; i < nactive && k < max; i++)
		rows[k++] = active_rows[i];
	pthread_mutex_unlock(&active_mu);
	return k;
}

/* The source of a submit token, when the form outlived its session. */
static int
token_source(struct src_upload *up, const unsigned char sid[16])
{
	struct src_req *rq = up->rq;
	struct db_source src;
	int e;

	if (rq->has_session)
		return sodium_memcmp(sid, rq->sess.source_id, 16) == 0 ? 0 : SD_ERR_AUTH;
	DB_LOCK();
	e = db_source_by_sid(src_app.db, sid, &src);
	DB_UNLOCK();
	if (e != 0)
		return e;
	rq->sess.source_row = src.row;
	memcpy(rq->sess.source_id, src.id, sizeof rq->sess.source_id);
	return 0;
}

/* The form's token: the session's CSRF token, or a submit token of the
 * same source (the session may have ended while the source wrote). */
static int
check_csrf(struct src_upload *up)
{
	struct src_req *rq = up->rq;
	unsigned char sid[16];

	if (up->csrf_ok)
		return 0;
	if (!(rq->has_session && web_token_equal(up->csrf, rq->sess.csrf)) &&
	    (srcsess_submit_token_check(up->csrf, up->csrf_len, sid) != 0 ||
		token_source(up, sid) != 0)) {
		fail(rq, MHD_HTTP_FORBIDDEN,
		    rq->has_session
			? I18N_N("The form expired. Please go back and try again.")
			: I18N_N(
			      "Your session has expired. Please log in again with your codename."));
		return -1;
	}
	up->csrf_ok = 1;
	active_add(up);
	return source_checks(up);
}

/* Finish the writer of the part that just ended (its fd stays open until
 * the commit), so a request holds one live writer, not one per file. */
static void
end_part(struct src_upload *up, struct part *p)
{
	if (p == NULL || p->w == NULL)
		return;
	int e = sdbox_writer_finish(p->w);

	if (e != 0)
		fail_store(up->rq, e);
	sdbox_writer_free(p->w);
	p->w = NULL;
}

/* The part opened by an empty offset-0 call for this field, if any. */
static struct part *
reuse_zero(struct src_upload *up, const char *key, const char *filename)
{
	struct part *z = up->zero;

	up->zero = NULL;
	if (z == NULL || z->bytes != 0 || z->w == NULL)
		return NULL;
	if (strcmp(key, "message") == 0)
		return z == up->msg ? z : NULL;
	return strcmp(up->zero_name, filename ? filename : "") == 0 && z != up->msg ? z : NULL;
}

static struct part *
open_part(
    struct src_upload *up, const char *key, const char *filename, const char *ctype, size_t size)
{
	if (strcmp(key, "message") == 0) {
		if (up->msg != NULL) {
			fail(up->rq, MHD_HTTP_BAD_REQUEST, "The form was not understood.");
			return NULL;
		}
		end_part(up, up->cur);
		up->msg = part_new(up, SDBOX_KIND_MESSAGE, "", "text/plain; charset=utf-8");
		return up->msg;
	}
	/* A browser sends an empty part without a name when no file is chosen. */
	if ((filename == NULL || filename[0] == '\0') && size == 0)
		return NULL;
	if (!up->rq->set.accept_files) {
		fail(up->rq, MHD_HTTP_BAD_REQUEST,
		    "This site does not accept files, only messages.");
		return NULL;
	}
	if (++up->nfiles > src_app.conf.max_files) {
		fail_files(up->rq);
		return NULL;
	}
	end_part(up, up->cur);
	return part_new(up, SDBOX_KIND_FILE, filename ? filename : "", ctype);
}

/* The part for this call of the iterator, starting a new one at offset 0. */
static struct part *
part_for(struct src_upload *up, const char *key, const char *filename, const char *ctype,
    uint64_t off, size_t size)
{
	struct part *p;

	if (strcmp(key, "message") != 0 && strcmp(key, "files") != 0)
		return NULL; /* unknown fields are ignored (and counted) */
	if (off > 0)
		return up->cur;
	p = reuse_zero(up, key, filename);
	if (p == NULL)
		p = open_part(up, key, filename, ctype, size);
	if (p != NULL && size == 0) {
		up->zero = p;
		copy_utf8(up->zero_name, SDBOX_NAME_MAX, filename);
	}
	return p;
}

static enum MHD_Result
on_field(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
    const char *ctype, const char *enc, const char *data, uint64_t off, size_t size)
{
	struct src_upload *up = cls;
	struct src_req *rq = up->rq;

	(void)kind, (void)enc;
	if (rq->status != 0)
		return MHD_NO;
	/* libmicrohttpd passes a NULL key for a part without name= (or with
	 * no Content-Disposition at all), and may pass NULL data with size 0. */
	if (key == NULL || key[0] == '\0' || (data == NULL && size > 0)) {
		fail(rq, MHD_HTTP_BAD_REQUEST, "The form was not understood.");
		return MHD_NO;
	}
	if (strcmp(key, "csrf_token") == 0)
		return on_csrf(up, data, size) == 0 ? MHD_YES : MHD_NO;
	if (check_csrf(up) != 0 || account(up, size) != 0)
		return MHD_NO;
	up->cur = part_for(up, key, filename, ctype, off, size);
	if (rq->status != 0)
		return MHD_NO;
	if (up->cur == NULL || size == 0)
		return MHD_YES;
	if (up->cur == up->msg && up->cur->bytes + size > 4ULL * src_app.conf.max_message_chars) {
		fail_long(rq);
		return MHD_NO;
	}
	if (up->cur->w == NULL) {
		fail(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, MSG_NOT_STORED);
		return MHD_NO;
	}
	{
		int e = sdbox_writer_write(up->cur->w, data, size);
		if (e != 0) {
			fail_store(rq, e);
			return MHD_NO;
		}
	}
	up->cur->bytes += size;
	if (up->cur == up->msg) { /* characters: every byte that starts one */
		for (size_t i = 0; i < size; i++)
			up->msg_chars += ((unsigned char)data[i] & 0xC0) != 0x80;
		if (up->msg_chars > src_app.conf.max_message_chars) {
			fail_long(rq);
			return MHD_NO;
		}
	}
	return MHD_YES;
}

/* Whether this is the source's first submission (no message or file
 * yet), when a minimum length of first messages is set. */
static int
first_submission(struct src_upload *up)
{
	struct src_req *rq = up->rq;
	struct db_item it;
	size_t nm = 0, nf = 0;
	int e;

	if (rq->set.min_first_message_chars == 0)
		return 0;
	DB_LOCK();
	e = db_item_list(src_app.db, rq->sess.source_row, DB_KIND_MESSAGE, &it, 1, &nm);
	if (e == 0)
		e = db_item_list(src_app.db, rq->sess.source_row, DB_KIND_FILE, &it, 1, &nf);
	DB_UNLOCK();
	if (e != 0) {
		fail(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "The submission could not be stored.");
		return -1;
	}
	up->first = nm == 0 && nf == 0;
	return 0;
}

/* The first-message refusal, its number put in the translated text. */
static void
fail_short(struct src_req *rq)
{
	char n[16];

	(void)snprintf(n, sizeof n, "%u", rq->set.min_first_message_chars);
	fail_n(rq, MHD_HTTP_BAD_REQUEST,
	    I18N_N("Please write a little more in your first "
		   "message: at least {n} characters."),
	    n);
}

/* What this upload may still store under the daily share of the free
 * space that sources without any journalist reply get together
 * (unreplied_daily_percent in sealdrop.conf): a flood of new codenames
 * cannot fill the disk for a source a journalist is talking to. */
static int
daily_share(struct src_upload *up, uint64_t free_b)
{
	struct src_req *rq = up->rq;
	struct db_item it;
	uint64_t used = 0, limit;
	size_t nr = 0;
	int e;

	up->share_left = UINT64_MAX;
	if (src_app.conf.unreplied_daily_percent >= 100)
		return 0;
	DB_LOCK();
	e = db_item_list(src_app.db, rq->sess.source_row, DB_KIND_REPLY, &it, 1, &nr);
	if (e == 0 && nr == 0)
		e = db_unreplied_bytes_today(src_app.db, &used);
	DB_UNLOCK();
	if (e != 0) {
		fail(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, MSG_NOT_STORED);
		return -1;
	}
	if (nr > 0)
		return 0; /* a journalist answered: only the reserve applies */
	/* The share of what today's free space was before today's uploads. */
	limit = (free_b + used) / 100 * src_app.conf.unreplied_daily_percent;
	up->share_left = limit > used ? limit - used : 0;
	return 0;
}

/* Checks that need the source: its daily share and whether this is its
 * first submission. Run once its token is known. */
static int
source_checks(struct src_upload *up)
{
	struct src_req *rq = up->rq;
	unsigned long long len = up->cl_len;

	if (up->source_checked++)
		return 0;
	if (daily_share(up, up->free_b) != 0)
		return -1;
	if (len > MULTIPART_SLACK && len - MULTIPART_SLACK > up->share_left) {
		fail(rq, MHD_HTTP_INSUFFICIENT_STORAGE, MSG_SHARE);
		return -1;
	}
	return first_submission(up);
}

/* Checks that need only the headers. */
static int
upload_precheck(struct MHD_Connection *c, struct src_upload *up)
{
	struct src_req *rq = up->rq;
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
	unsigned long long len = cl ? strtoull(cl, NULL, 10) : 0;
	uint64_t free_b = 0;
	int e;

	if (len > rq->set.max_submission_bytes + MULTIPART_SLACK) {
		fail_large(rq);
		return -1;
	}
	if (spool_free_bytes(src_app.spool, &free_b) != 0 ||
	    free_b < src_app.conf.spool_reserve_bytes + len + len / 8) {
		fail(rq, MHD_HTTP_INSUFFICIENT_STORAGE, MSG_NO_SPACE);
		return -1;
	}
	up->cl_len = len;
	up->free_b = free_b;
	if (rq->settings_failed) { /* fail closed: limits unknown */
		fail(rq, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "Something went wrong. Please try again later.");
		return -1;
	}
	DB_LOCK();
	e = store_recipients(src_app.db, up->rcpt, SDBOX_RECIPIENTS_MAX, &up->nrcpt);
	DB_UNLOCK();
	if (e != 0) {
		fail(rq, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "This site is not ready to receive submissions yet.");
		return -1;
	}
	/* With a session the source is known: refuse over its share now,
	 * before the body. A submit token is read with the first field. */
	return rq->has_session ? source_checks(up) : 0;
}

int
src_upload_begin(struct MHD_Connection *c, struct src_req *rq)
{
	struct src_upload *up = calloc(1, sizeof *up);

	if (up == NULL)
		return SD_ERR_NOMEM;
	up->rq = rq;
	up->batch.fd = -1;
	up->share_left = UINT64_MAX;
	rq->up = up;
	up->maxparts = (size_t)src_app.conf.max_files + 1;
	up->parts = calloc(up->maxparts, sizeof *up->parts);
	if (up->parts == NULL)
		return SD_ERR_NOMEM;
	if (rq->has_session) {
		srcsess_pin(rq->sess_id, 1);
		up->pinned = 1;
	}
	if (upload_precheck(c, up) != 0)
		return 0;
	up->pp = MHD_create_post_processor(c, 64 * 1024, on_field, up);
	if (up->pp == NULL)
		fail(rq, MHD_HTTP_BAD_REQUEST, "The form was not understood.");
	return 0;
}

/* Remove every part at once: an error leaves nothing behind, even before
 * the connection ends. */
static void
abort_parts(struct src_upload *up)
{
	for (size_t i = 0; i < up->nparts; i++) {
		sdbox_writer_free(up->parts[i].w);
		up->parts[i].w = NULL;
		if (up->parts[i].fd >= 0)
			close(up->parts[i].fd);
		up->parts[i].fd = -1;
	}
	spool_batch_abort(src_app.spool, &up->batch);
	up->nparts = 0;
	up->cur = up->msg = up->zero = NULL;
}

void
src_upload_feed(struct src_req *rq, const char *data, size_t len)
{
	struct src_upload *up = rq->up;

	if (rq->status != 0 || up == NULL || up->pp == NULL)
		return;
	/* The whole body counts, part headers and ignored fields included. */
	up->body += len;
	if (up->body > rq->set.max_submission_bytes + MULTIPART_SLACK)
		fail_large(rq);
	else if (MHD_post_process(up->pp, data, len) != MHD_YES)
		fail(rq, MHD_HTTP_BAD_REQUEST, "The form was not understood.");
	if (rq->status != 0)
		abort_parts(up);
}

/* Drop the message part when it is empty and files came with it. */
static void
drop_empty_message(struct src_upload *up)
{
	struct part *m = up->msg;

	if (m == NULL || m->bytes > 0 || up->nparts < 2)
		return;
	sdbox_writer_free(m->w);
	if (m->fd >= 0)
		close(m->fd);
	spool_batch_drop(&up->batch, m->id);
	memmove(m, m + 1, (size_t)(up->parts + up->nparts - (m + 1)) * sizeof *m);
	up->nparts--;
	up->msg = NULL;
}

/* Finish the writers and make every file durable and timeless. */
static int
settle_files(struct src_upload *up)
{
	int e;

	for (size_t i = 0; i < up->nparts; i++) {
		struct part *p = &up->parts[i];
		if (p->w != NULL && (e = sdbox_writer_finish(p->w)) != 0)
			return e;
		sdbox_writer_free(p->w);
		p->w = NULL;
		e = spool_file_settle(p->fd);
		p->fd = -1;
		if (e != 0)
			return e;
	}
	return 0;
}

/* Move the batch into place and record its rows, in one transaction. */
static int
commit_batch(struct src_upload *up)
{
	struct db_item *items = calloc(up->nparts, sizeof *items);
	struct store_share share;
	char hour[17];
	int e;

	if (items == NULL)
		return SD_ERR_NOMEM;
	db_this_hour(hour);
	for (size_t i = 0; i < up->nparts; i++) {
		memcpy(items[i].id, up->parts[i].id, SD_ID_BYTES);
		items[i].kind = up->parts[i].kind;
		items[i].seq = up->parts[i].seq;
		items[i].size = sdbox_file_size(up->parts[i].bytes, up->nrcpt);
		memcpy(items[i].created_hour, hour, sizeof hour);
	}
	/* The share once more, inside the commit's transaction: uploads side
	 * by side each passed it alone. Free space as it is now, plus what
	 * this batch already took of it. */
	share.percent = src_app.conf.unreplied_daily_percent;
	if (spool_free_bytes(src_app.spool, &share.free_bytes) != 0)
		share.free_bytes = 0;
	for (size_t i = 0; i < up->nparts; i++)
		share.free_bytes += items[i].size;
	DB_LOCK();
	e = store_batch_commit(src_app.db, src_app.spool, &up->batch, up->rq->sess.source_row,
	    items, up->nparts, &share);
	DB_UNLOCK();
	free(items);
	return e;
}

void
src_upload_finish(struct src_req *rq)
{
	struct src_upload *up = rq->up;
	int e;

	if (up == NULL)
		return;
	if (rq->status != 0) {
		abort_parts(up);
		return;
	}
	if (MHD_destroy_post_processor(up->pp) != MHD_YES) {
		up->pp = NULL;
		fail(rq, MHD_HTTP_BAD_REQUEST, "The form was not understood.");
		abort_parts(up);
		return;
	}
	up->pp = NULL;
	if (check_csrf(up) != 0) {
		abort_parts(up);
		return;
	}
	if (up->first && up->msg_chars < rq->set.min_first_message_chars) {
		fail_short(rq);
		abort_parts(up);
		return;
	}
	drop_empty_message(up);
	if (up->nparts == 0 || (up->nparts == 1 && up->msg && up->msg->bytes == 0)) {
		fail(rq, MHD_HTTP_BAD_REQUEST, "Write a message or choose a file to send.");
		abort_parts(up);
		return;
	}
	if (up->content > up->share_left) {
		fail(rq, MHD_HTTP_INSUFFICIENT_STORAGE, MSG_SHARE);
		abort_parts(up);
		return;
	}
	if ((e = settle_files(up)) == 0)
		e = commit_batch(up);
	if (e == SD_ERR_RANGE)
		fail(rq, MHD_HTTP_INSUFFICIENT_STORAGE, MSG_SHARE);
	if (e != 0) {
		fail_store(rq, e);
		abort_parts(up);
		return;
	}
	up->nparts = 0; /* committed: nothing left to remove */
	up->cur = up->msg = up->zero = NULL;
}

void
src_upload_free(struct src_upload *up)
{
	if (up == NULL)
		return;
	if (up->pp != NULL)
		(void)MHD_destroy_post_processor(up->pp);
	abort_parts(up);
	active_remove(up);
	if (up->pinned)
		srcsess_pin(up->rq->sess_id, -1);
	free(up->parts);
	sodium_memzero(up, sizeof *up);
	free(up);
}
