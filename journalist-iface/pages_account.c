/*
 * pages_account.c - the account page: who is logged in, a new passphrase
 * (generated here and shown once, after the current one is checked; asked
 * for while an admin's passphrase is in use), and enrolment of a
 * new second factor. The new secret waits in the session (sodium_malloc'd
 * memory) until the journalist proves with a code from their app that they
 * scanned it; only then does it replace the old one. The QR code is a PNG
 * (libqrencode, libpng) served from the session at /account/qr.png, with
 * the text secret beside it: Tor Browser at "Safest" may not show SVG.
 */
#include "journalist.h"
#include "sdlog.h"
#include "account.h"
#include "sdi18n.h"
#include "sderr.h"
#include "static.h"
#include "sdtmpl.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <png.h>
#include <qrencode.h>
#include <sodium.h>

#define QR_SCALE 6 /* pixels a module */
#define QR_QUIET 4 /* modules of quiet zone */

static void
png_to_sdbuf(png_structp p, png_bytep data, png_size_t len)
{
	struct sdbuf *out = png_get_io_ptr(p);

	if (sdbuf_add(out, data, len) != 0)
		png_error(p, "out of memory");
}

static void
png_flush_none(png_structp p)
{
	(void)p;
}

/* Rows of the PNG (1 bit a pixel, black on white), built before setjmp. */
static int
qr_rows(const QRcode *q, unsigned char **rows_out, size_t *side_out, size_t *stride_out)
{
	size_t w = (size_t)q->width, side = (w + 2 * QR_QUIET) * QR_SCALE;
	size_t stride = (side + 7) / 8;
	unsigned char *rows = malloc(side * stride);

	if (rows == NULL)
		return SD_ERR_NOMEM;
	memset(rows, 0xff, side * stride); /* 1 is white in grayscale */
	for (size_t y = 0; y < side; y++) {
		size_t my = y / QR_SCALE;
		for (size_t x = 0; x < side; x++) {
			size_t mx = x / QR_SCALE;
			if (my >= QR_QUIET && my < QR_QUIET + w && mx >= QR_QUIET &&
			    mx < QR_QUIET + w &&
			    (q->data[(my - QR_QUIET) * w + (mx - QR_QUIET)] & 1))
				rows[y * stride + x / 8] &= (unsigned char)~(0x80u >> (x % 8));
		}
	}
	*rows_out = rows;
	*side_out = side;
	*stride_out = stride;
	return 0;
}

/* Write a side x side 1-bit grayscale PNG of rowp to out (no loop after
 * the setjmp: nothing for longjmp to clobber). */
static int
png_write(struct sdbuf *out, png_bytepp rowp, png_uint_32 side)
{
	png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = p != NULL ? png_create_info_struct(p) : NULL;

	if (p == NULL || info == NULL) {
		png_destroy_write_struct(&p, NULL);
		return SD_ERR_NOMEM;
	}
	if (setjmp(png_jmpbuf(p))) {
		png_destroy_write_struct(&p, &info);
		return SD_ERR_NOMEM;
	}
	png_set_write_fn(p, out, png_to_sdbuf, png_flush_none);
	png_set_IHDR(p, info, side, side, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
	    PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(p, info);
	png_write_image(p, rowp);
	png_write_end(p, NULL);
	png_destroy_write_struct(&p, &info);
	return 0;
}

/* The QR code of text as a PNG (1-bit grayscale, QR_SCALE pixels a module,
 * QR_QUIET modules of quiet zone) appended to out. */
int
jn_qr_png(const char *text, struct sdbuf *out)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	unsigned char *rows = NULL;
	png_bytep *rowp = NULL;
	size_t side = 0, stride = 0;
	int e = SD_ERR_NOMEM;

	if (q == NULL)
		return SD_ERR_NOMEM;
	if (qr_rows(q, &rows, &side, &stride) != 0 || (rowp = calloc(side, sizeof *rowp)) == NULL)
		goto out;
	for (size_t y = 0; y < side; y++)
		rowp[y] = rows + y * stride;
	e = png_write(out, rowp, (png_uint_32)side);
out:
	free(rowp);
	if (rows != NULL) {
		sodium_memzero(rows, side * stride);
		free(rows);
	}
	sodium_memzero(q->data, (size_t)q->width * (size_t)q->width);
	QRcode_free(q);
	return e;
}

/* The enrolment URI of a TOTP secret for this instance and name. */
static int
totp_uri_of(const char *name, const unsigned char secret[DB_TOTP_BYTES], char uri[ACCOUNT_URI_MAX])
{
	char issuer[CONF_NAME_MAX];

	JN_DB_LOCK();
	if (db_setting_get(jn_app.db, "instance_name", issuer, sizeof issuer) != 0)
		(void)snprintf(issuer, sizeof issuer, "sealdrop");
	JN_DB_UNLOCK();
	return account_totp_uri(issuer, name, secret, uri);
}

/* A PNG QR code of the enrolment URI of secret, as the response. */
enum MHD_Result
jn_qr_respond(struct MHD_Connection *c, struct jn_req *rq, const char *name,
    const unsigned char secret[DB_TOTP_BYTES])
{
	char uri[ACCOUNT_URI_MAX];
	struct sdbuf png;
	int e;

	sdbuf_init(&png, 1024 * 1024);
	e = totp_uri_of(name, secret, uri);
	if (e == 0)
		e = jn_qr_png(uri, &png);
	sodium_memzero(uri, sizeof uri);
	if (e != 0) {
		sdbuf_free(&png);
		return jn_error(
		    c, rq, 500, I18N_N("Something went wrong. Please try again later."));
	}
	return web_respond_ex(c, MHD_HTTP_OK, "image/png", &png, NULL, 0, NULL);
}

enum MHD_Result
jn_get_account_qr(struct MHD_Connection *c, struct jn_req *rq)
{
	if (!rq->sess.has_pending)
		return jn_error(
		    c, rq, MHD_HTTP_NOT_FOUND, I18N_N("There is no page at this address."));
	return jn_qr_respond(c, rq, rq->me.name, rq->sess.pending);
}

/* Variables of the enrolment part: the secret and its URI as text (the
 * QR code is /account/qr.png). */
static int
pending_vars(struct jn_req *rq, struct tmpl_vars *v)
{
	char b32[ACCOUNT_TOTP_B32_MAX + 1], uri[ACCOUNT_URI_MAX];
	int e;

	if ((e = account_totp_b32(rq->sess.pending, b32)) != 0 ||
	    (e = totp_uri_of(rq->me.name, rq->sess.pending, uri)) != 0)
		goto out;
	tmpl_set(v, "pending", "1");
	tmpl_set(v, "totp_secret", b32);
	tmpl_set(v, "totp_uri", uri);
	e = tmpl_vars_error(v);
out:
	sodium_memzero(b32, sizeof b32);
	sodium_memzero(uri, sizeof uri);
	return e;
}

enum MHD_Result
jn_get_account(struct MHD_Connection *c, struct jn_req *rq)
{
	struct tmpl_vars *v = NULL;
	int e;

	if (tmpl_vars_new(&v) != 0)
		return MHD_NO;
	tmpl_set(v, "name", rq->me.name);
	tmpl_set(v, "role", rq->me.is_admin ? "admin" : "");
	tmpl_set(v, "created_day", rq->me.created_day);
	e = tmpl_vars_error(v);
	if (e == 0 && rq->sess.has_pending)
		e = pending_vars(rq, v);
	if (e != 0) {
		tmpl_vars_free(v);
		return jn_error(
		    c, rq, 500, I18N_N("Something went wrong. Please try again later."));
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
	const char *pass = web_form_get(&rq->form, "passphrase", &len);

	if (pass == NULL || len == 0)
		return SD_ERR_AUTH;
	return jn_reauthenticate(rq->me.id, pass, len);
}

enum MHD_Result
jn_post_account_totp(struct MHD_Connection *c, struct jn_req *rq)
{
	const char *action = web_form_get(&rq->form, "action", NULL);
	const char *code = web_form_get(&rq->form, "code", NULL);
	unsigned char secret[DB_TOTP_BYTES];
	char b32[ACCOUNT_TOTP_B32_MAX + 1];
	int e;

	if (action != NULL && strcmp(action, "start") == 0) {
		if (account_totp_new(secret, b32) != 0)
			return jn_error(
			    c, rq, 500, I18N_N("Something went wrong. Please try again later."));
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
		return jn_error(
		    c, rq, MHD_HTTP_BAD_REQUEST, I18N_N("The form was not understood."));
	if ((e = recheck(rq)) != 0)
		return e == SD_ERR_LOCKED
		    ? jn_error(c, rq, MHD_HTTP_TOO_MANY_REQUESTS,
			  I18N_N("Too many failed attempts. Wait a few minutes and try again."))
		    : e == SD_ERR_STATE
		    ? jn_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE,
			  I18N_N("The server is busy. Please try again in a minute."))
		    : jn_redirect(c, rq, "/account",
			  I18N_N("That is not your passphrase: nothing was changed."));
	e = confirm_totp(rq, code);
	if (e == SD_ERR_AUTH)
		return jn_redirect(c, rq, "/account",
		    I18N_N(
			"That code does not match the new secret. Check your app's clock and try again."));
	if (e != 0)
		return jn_error(
		    c, rq, MHD_HTTP_BAD_REQUEST, I18N_N("The form was not understood."));
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
		return e == SD_ERR_LOCKED
		    ? jn_error(c, rq, MHD_HTTP_TOO_MANY_REQUESTS,
			  I18N_N("Too many failed attempts. Wait a few minutes and try again."))
		    : e == SD_ERR_STATE
		    ? jn_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE,
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
		tmpl_set(v, "name", rq->me.name);
		tmpl_set(v, "role", rq->me.is_admin ? "admin" : "");
		tmpl_set(v, "created_day", rq->me.created_day);
		tmpl_set(v, "new_passphrase", pass);
		if ((e = tmpl_vars_error(v)) != 0) {
			tmpl_vars_free(v);
			v = NULL;
		}
	}
	sodium_memzero(pass, sizeof pass);
	if (e != 0 || v == NULL) {
		sdlog_info(
		    "account: a passphrase change failed: %s", sd_strerror(e ? e : SD_ERR_NOMEM));
		return jn_error(
		    c, rq, 500, I18N_N("Something went wrong. Please try again later."));
	}
	return jn_page(c, rq, MHD_HTTP_OK, "account", v);
}

enum MHD_Result
jn_get_static(struct MHD_Connection *c, struct jn_req *rq)
{
	const char *ctype = NULL;
	size_t len = 0;
	/* The source side's sheet is shared; journalist.css adds to it. */
	const char *name = strcmp(rq->path.seg[1], "style.css") == 0 ? "source/style.css"
								     : "journalist/journalist.css";
	const unsigned char *d = web_static_get(name, &len, &ctype);

	if (d == NULL)
		return jn_error(
		    c, rq, MHD_HTTP_NOT_FOUND, I18N_N("There is no page at this address."));
	return web_respond_static(c, d, len, ctype);
}
