/*
 * pages.c - the pages journalists use (see journalist.h): log in and out,
 * the list of sources, one source's conversation, actions on items and
 * sources, replies, downloads, and the account page where a journalist
 * enrols a new second factor with a QR code (inline SVG: no JavaScript, no
 * request to anywhere).
 *
 * Every action that changes something is a POST with the session's CSRF
 * token, writes an audit entry naming the designation (never anything a
 * source wrote) and answers with a redirect and a one-shot message.
 * Deleting asks for a confirmation page first.
 */
#include "journalist.h"
#include "account.h"
#include "designation.h"
#include "sdi18n.h"
#include "sderr.h"
#include "static.h"
#include "sdtmpl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>
#include <sodium.h>

#define COOKIE_SESSION "sdj_session"

/* ---- log in, log out ---------------------------------------------------- */

enum MHD_Result
jn_get_index(struct MHD_Connection *c, struct jn_req *rq)
{
	return jn_redirect(c, rq, rq->has_session ? "/sources" : "/login", NULL);
}

static enum MHD_Result
login_page(struct MHD_Connection *c, struct jn_req *rq, unsigned status, const char *err)
{
	struct tmpl_vars *v = NULL;

	if (tmpl_vars_new(&v) != 0)
		return MHD_NO;
	if (err != NULL && tmpl_set(v, "error", i18n_get(rq->lang, err)) != 0) {
		tmpl_vars_free(v);
		return MHD_NO;
	}
	return jn_page(c, rq, status, "login", v);
}

enum MHD_Result
jn_get_login(struct MHD_Connection *c, struct jn_req *rq)
{
	if (rq->has_session)
		return web_redirect(c, "/sources");
	return login_page(c, rq, MHD_HTTP_OK, NULL);
}

enum MHD_Result
jn_post_login(struct MHD_Connection *c, struct jn_req *rq)
{
	const char *user = web_form_get(&rq->form, "username", NULL);
	const char *code = web_form_get(&rq->form, "code", NULL);
	size_t plen = 0;
	const char *pass = web_form_get(&rq->form, "passphrase", &plen);
	struct db_journalist j;
	unsigned char cred[JNSESS_CRED_BYTES];
	char id[WEB_TOKEN_CHARS + 1];
	struct web_cookie ck[2];
	int e, must_change;

	if (user == NULL || pass == NULL || code == NULL)
		return login_page(c, rq, MHD_HTTP_BAD_REQUEST,
		    I18N_N("Enter your user name, your passphrase and a code."));
	e = jn_authenticate(user, pass, plen, code, &j, cred);
	if (e == SD_ERR_LOCKED)
		return login_page(c, rq, MHD_HTTP_TOO_MANY_REQUESTS,
		    I18N_N("Too many failed attempts. Wait a few minutes and try again."));
	if (e == SD_ERR_REPLAY)
		return login_page(c, rq, MHD_HTTP_FORBIDDEN,
		    I18N_N("This code was already used. Wait for the next code and try again."));
	if (e == SD_ERR_STATE)
		return jn_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE,
		    I18N_N("The server is busy. Please try again in a minute."));
	if (e != 0)
		return login_page(
		    c, rq, MHD_HTTP_FORBIDDEN, I18N_N("Wrong user name, passphrase or code."));
	must_change = j.must_change_pw;
	e = jnsess_create(JNSESS_WEB, j.id, j.name, j.is_admin, cred, id);
	sodium_memzero(&j, sizeof j);
	sodium_memzero(cred, sizeof cred);
	if (e != 0)
		return jn_error(c, rq, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    I18N_N("Something went wrong. Please try again later."));
	ck[0] = (struct web_cookie){ COOKIE_SESSION, id, 0 };
	ck[1] = (struct web_cookie){ "sdj_csrf", "", 1 };
	if (must_change) { /* an admin saw this passphrase: ask for a new one */
		jnsess_set_flash(id,
		    I18N_N(
			"Your administrator saw your passphrase when they set it: change it now, below."));
		return web_redirect_ex(c, "/account#passphrase-h", ck, 2);
	}
	return web_redirect_ex(c, "/sources", ck, 2);
}

enum MHD_Result
jn_post_logout(struct MHD_Connection *c, struct jn_req *rq)
{
	struct web_cookie ck = { COOKIE_SESSION, "", 1 };

	jnsess_destroy(rq->sess_id);
	return web_redirect_ex(c, "/login", &ck, 1);
}

/* ---- the list of sources ------------------------------------------------ */

static int
add_source_row(struct jn_req *rq, struct tmpl_vars *v, const struct db_source_summary *s)
{
	struct tmpl_vars *it = NULL;
	char des[SD_DESIGNATION_MAX + 1], hex[SD_ID_HEX + 1];
	int e;

	if ((e = tmpl_list_add(v, "sources", &it)) != 0)
		return e;
	sd_designation(s->s.id, des);
	sd_id_hex(s->s.id, hex);
	tmpl_set(it, "designation", des);
	tmpl_set(it, "id", hex);
	tmpl_set(it, "starred", s->s.starred ? "1" : "");
	tmpl_setf(it, "submissions", "%" PRId64, s->submissions);
	tmpl_setf(it, "unread", "%" PRId64, s->unread);
	tmpl_set(it, "has_unread", s->unread > 0 ? "1" : "");
	tmpl_setf(it, "replies", "%" PRId64, s->replies);
	tmpl_set(it, "last_day", s->s.last_day);
	tmpl_set(it, "last_hour", s->last_hour);
	(void)rq;
	return tmpl_vars_error(v);
}

enum MHD_Result
jn_get_sources(struct MHD_Connection *c, struct jn_req *rq)
{
	struct db_source_summary s[JN_PAGE_SIZE];
	struct tmpl_vars *v = NULL;
	int64_t page = jn_page_arg(c), total = 0, pages;
	size_t n = 0;
	int e;

	if (page == 0)
		return jn_error(
		    c, rq, MHD_HTTP_NOT_FOUND, I18N_N("There is no page at this address."));
	JN_DB_LOCK();
	e = db_source_count(jn_app.db, &total);
	if (e == 0)
		e = db_source_page(jn_app.db, (page - 1) * JN_PAGE_SIZE, s, JN_PAGE_SIZE, &n);
	JN_DB_UNLOCK();
	pages = total == 0 ? 1 : (total + JN_PAGE_SIZE - 1) / JN_PAGE_SIZE;
	if (e == 0 && page > pages)
		return jn_error(
		    c, rq, MHD_HTTP_NOT_FOUND, I18N_N("There is no page at this address."));
	if (e != 0 || tmpl_vars_new(&v) != 0)
		return jn_error(
		    c, rq, 500, I18N_N("Something went wrong. Please try again later."));
	for (size_t i = 0; i < n && e == 0; i++)
		e = add_source_row(rq, v, &s[i]);
	jn_paging_vars(v, page, pages, total);
	if (e != 0 || tmpl_vars_error(v) != 0) {
		tmpl_vars_free(v);
		return MHD_NO;
	}
	return jn_page(c, rq, MHD_HTTP_OK, "sources", v);
}
