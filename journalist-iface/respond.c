/*
 * respond.c - the responses of sealdrop-journalist's handlers (see
 * journalist.h): a page rendered with the common variables (language,
 * instance name, the journalist, CSRF token, one-shot message, languages),
 * JSON, an error (a translated page, or JSON under /api/v1/), a redirect
 * with a one-shot message; the helpers of paged lists; and the API's
 * JSON responses and body reading of api.h. Nothing here calls a handler.
 */
#include "journalist.h"
#include "api.h"
#include "page.h"
#include "sdi18n.h"
#include "sderr.h"
#include "sdlog.h"
#include "settings.h"
#include "sdtmpl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define COOKIE_CSRF "sdj_csrf"

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

enum MHD_Result
jn_page(struct MHD_Connection *c, struct jn_req *rq, unsigned status, const char *name,
    struct tmpl_vars *v)
{
	const char *const hdr[] = { "Allow", rq->allow, NULL };
	struct web_cookie ck[2];
	struct web_page pg = { rq->lang, NULL, rq->has_session ? rq->sess.csrf : rq->anon_csrf,
		rq->has_session };
	char inst[CONF_NAME_MAX], full[64];
	size_t n = 0;

	JN_DB_LOCK();
	if (db_setting_get(jn_app.db, "instance_name", inst, sizeof inst) != 0)
		(void)snprintf(inst, sizeof inst, "%s", jn_app.conf.name);
	JN_DB_UNLOCK();
	pg.instance_name = inst;
	tmpl_set(v, "me", rq->has_session ? rq->me.name : "");
	tmpl_set(v, "is_admin", rq->has_session && rq->me.is_admin ? "1" : "");
	tmpl_set(v, "must_change_pw", rq->has_session && rq->me.must_change_pw ? "1" : "");
	if (rq->has_session && rq->sess.flash != NULL)
		tmpl_set(v, "flash", i18n_get(rq->lang, rq->sess.flash));
	if (rq->set_lang)
		ck[n++] = (struct web_cookie){ "sd_lang", rq->lang, 0 };
	if (rq->new_anon_csrf && !rq->has_session)
		ck[n++] = (struct web_cookie){ COOKIE_CSRF, rq->anon_csrf, 0 };
	(void)snprintf(full, sizeof full, "journalist/%s", name);
	return web_page_respond(c, status, full, &pg, v, ck, n, rq->allow[0] != '\0' ? hdr : NULL);
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
	tmpl_set(v, "title", i18n_get(rq->lang, web_status_title(status)));
	tmpl_set(v, "message", i18n_get(rq->lang, msgid));
	if (tmpl_vars_error(v) != 0) {
		tmpl_vars_free(v);
		return MHD_NO;
	}
	return jn_page(c, rq, status, "error", v);
}

enum MHD_Result
jn_redirect(struct MHD_Connection *c, struct jn_req *rq, const char *path, const char *flash_msgid)
{
	struct web_cookie ck = { "sd_lang", rq->lang, 0 };

	if (flash_msgid != NULL && rq->has_session)
		jnsess_set_flash(rq->sess_id, flash_msgid);
	return web_redirect_ex(c, path, &ck, rq->set_lang ? 1 : 0);
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
	static const struct {
		uint64_t max;
		const char *label;
	} b[] = {
		{ 10ULL << 10, I18N_N("under 10 KB") },
		{ 100ULL << 10, I18N_N("under 100 KB") },
		{ 1ULL << 20, I18N_N("under 1 MB") },
		{ 10ULL << 20, I18N_N("under 10 MB") },
		{ 100ULL << 20, I18N_N("under 100 MB") },
		{ 1ULL << 30, I18N_N("under 1 GB") },
	};

	for (size_t i = 0; i < sizeof b / sizeof b[0]; i++)
		if (size < b[i].max)
			return b[i].label;
	return I18N_N("1 GB or more");
}

/* ---- the API's (api.h) ---------------------------------------------------- */

enum MHD_Result
api_send(struct MHD_Connection *c, unsigned status, json_t *j, const char *const *hdr)
{
	return jn_json_ex(c, status, j, hdr);
}

enum MHD_Result
api_internal(struct MHD_Connection *c, struct jn_req *rq, int e, const char *what)
{
	sdlog_info("api: %s failed: %s", what, sd_strerror(e));
	return jn_error(c, rq, MHD_HTTP_INTERNAL_SERVER_ERROR,
	    I18N_N("Something went wrong. Please try again later."));
}

int
api_body_bool(const struct jn_req *rq, const char *key, int *out)
{
	json_t *v = rq->json ? json_object_get(rq->json, key) : NULL;

	if (!json_is_boolean(v))
		return SD_ERR_ARG;
	*out = json_is_true(v);
	return 0;
}
