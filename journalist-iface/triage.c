/*
 * triage.c - deleting many sources in one action after a flood: the
 * sources first seen on a given day, or never replied to, or both (never a
 * starred source, never a pending one: db_source_triage). A first request
 * shows what matches and a fingerprint of exactly that set; the deletion
 * runs only when the fingerprint still matches, so a source that arrived
 * or changed in between is never deleted unseen. At most JN_TRIAGE_MAX
 * sources go in one action (the oldest first); the page says how many
 * remain. Each source's deletion is audited as usual, and the action once
 * more with its criteria and count.
 *
 * Pages: POST /sources/triage (form on /sources). API: POST /api/v1/triage
 * (docs/api.md).
 */
#include "journalist.h"
#include "sdlog.h"
#include "api.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "designation.h"
#include "sdi18n.h"
#include "sderr.h"
#include "spool.h"
#include "sdtmpl.h"

/* 1 when s is a plausible "YYYY-MM-DD". */
static int
valid_day(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (size_t i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

int
jn_triage_init(struct jn_triage *t, const char *day, int never_replied)
{
	memset(t, 0, sizeof *t);
	if (day != NULL && day[0] != '\0') {
		if (!valid_day(day))
			return SD_ERR_FORMAT;
		memcpy(t->day, day, 11);
	}
	t->never_replied = never_replied ? 1 : 0;
	if (t->day[0] == '\0' && !t->never_replied)
		return SD_ERR_ARG; /* no criterion: that would be every source */
	return 0;
}

int
jn_triage_load(struct jn_triage *t)
{
	crypto_generichash_state h;
	unsigned char fp[JN_TRIAGE_SET_BYTES];
	int e;

	free(t->s);
	t->s = calloc(JN_TRIAGE_MAX, sizeof *t->s);
	t->n = 0;
	if (t->s == NULL)
		return SD_ERR_NOMEM;
	JN_DB_LOCK();
	e = db_source_triage(jn_app.db, t->day[0] ? t->day : NULL, t->never_replied, t->s,
	    JN_TRIAGE_MAX, &t->n, &t->total);
	JN_DB_UNLOCK();
	if (e != 0)
		return e;
	/* The fingerprint binds the criteria and every id, in order. */
	crypto_generichash_init(&h, NULL, 0, sizeof fp);
	crypto_generichash_update(&h, (const unsigned char *)t->day, sizeof t->day);
	crypto_generichash_update(&h, (const unsigned char *)(t->never_replied ? "1" : "0"), 1);
	for (size_t i = 0; i < t->n; i++)
		crypto_generichash_update(&h, t->s[i].id, SD_ID_BYTES);
	crypto_generichash_final(&h, fp, sizeof fp);
	sodium_bin2hex(t->set, sizeof t->set, fp, sizeof fp);
	return 0;
}

void
jn_triage_free(struct jn_triage *t)
{
	free(t->s);
	t->s = NULL;
	t->n = 0;
}

int
jn_triage_delete(struct jn_req *rq, const struct jn_triage *t, size_t *deleted)
{
	char what[DB_AUDIT_FIELD];
	size_t i;
	int e = 0;

	for (i = 0; i < t->n && e == 0; i++)
		e = jn_do_source_delete(rq, &t->s[i]);
	if (e != 0)
		i--; /* the one that failed was not deleted */
	(void)snprintf(what, sizeof what, "%s%s%s: %zu", t->day[0] ? t->day : "",
	    t->day[0] && t->never_replied ? ", " : "", t->never_replied ? "never replied" : "", i);
	JN_DB_LOCK();
	if (i > 0 && jn_audit(rq, "deleted sources in triage", what) != 0 && e == 0)
		e = SD_ERR_IO;
	JN_DB_UNLOCK();
	*deleted = i;
	return e;
}

/* ---- page --------------------------------------------------------------- */

static enum MHD_Result
triage_page(struct MHD_Connection *c, struct jn_req *rq, unsigned status, const struct jn_triage *t,
    const char *notice, size_t deleted, int done)
{
	struct tmpl_vars *v = NULL, *x = NULL;
	char des[SD_DESIGNATION_MAX + 1], hex[SD_ID_HEX + 1];

	if (tmpl_vars_new(&v) != 0)
		return MHD_NO;
	tmpl_set(v, "day", t->day);
	tmpl_set(v, "never_replied", t->never_replied ? "1" : "");
	tmpl_set(v, "set", t->set);
	tmpl_setf(v, "total", "%" PRId64, t->total);
	tmpl_setf(v, "count", "%zu", t->n);
	tmpl_set(v, "capped", (int64_t)t->n < t->total ? "1" : "");
	tmpl_setf(v, "max", "%d", JN_TRIAGE_MAX);
	tmpl_set(v, "notice", notice ? i18n_get(rq->lang, notice) : "");
	tmpl_set(v, "done", done ? "1" : "");
	tmpl_setf(v, "deleted", "%zu", deleted);
	tmpl_setf(v, "remaining", "%" PRId64,
	    t->total > (int64_t)deleted ? t->total - (int64_t)deleted : 0);
	for (size_t i = 0; !done && i < t->n && tmpl_vars_error(v) == 0; i++) {
		sd_designation(t->s[i].id, des);
		sd_id_hex(t->s[i].id, hex);
		tmpl_list_add(v, "sources", &x);
		tmpl_set(x, "designation", des);
		tmpl_set(x, "id", hex);
		tmpl_set(x, "created_day", t->s[i].created_day);
		tmpl_set(x, "last_day", t->s[i].last_day);
	}
	if (tmpl_vars_error(v) != 0) {
		tmpl_vars_free(v);
		return MHD_NO;
	}
	return jn_page(c, rq, status, "triage", v);
}

enum MHD_Result
jn_post_triage(struct MHD_Connection *c, struct jn_req *rq)
{
	const char *day = web_form_get(&rq->form, "day", NULL);
	const char *nr = web_form_get(&rq->form, "never_replied", NULL);
	const char *set = web_form_get(&rq->form, "set", NULL);
	const char *cf = web_form_get(&rq->form, "confirm", NULL);
	struct jn_triage t;
	size_t deleted = 0;
	enum MHD_Result r;
	int e;

	e = jn_triage_init(&t, day, nr != NULL && strcmp(nr, "1") == 0);
	if (e == SD_ERR_FORMAT)
		return jn_redirect(c, rq, "/sources",
		    I18N_N("The day was not understood: write it as YYYY-MM-DD."));
	if (e != 0)
		return jn_redirect(c, rq, "/sources",
		    I18N_N("Choose a day, or \"never replied\", or both, to select sources."));
	if ((e = jn_triage_load(&t)) != 0) {
		jn_triage_free(&t);
		return jn_error(
		    c, rq, 500, I18N_N("Something went wrong. Please try again later."));
	}
	if (cf == NULL || strcmp(cf, "1") != 0 || t.n == 0) {
		r = triage_page(c, rq, MHD_HTTP_OK, &t, NULL, 0, 0);
	} else if (set == NULL || strcmp(set, t.set) != 0) {
		r = triage_page(c, rq, MHD_HTTP_CONFLICT, &t,
		    I18N_N(
			"The matching sources changed since you looked: nothing was deleted. Check the list again."),
		    0, 0);
	} else if ((e = jn_triage_delete(rq, &t, &deleted)) != 0) {
		sdlog_info(
		    "triage: a deletion failed after %zu sources: %s", deleted, sd_strerror(e));
		r = jn_error(c, rq, 500,
		    I18N_N(
			"Something went wrong during the deletion: some sources may remain. Look at the list and the audit log."));
	} else {
		r = triage_page(c, rq, MHD_HTTP_OK, &t, NULL, deleted, 1);
	}
	jn_triage_free(&t);
	return r;
}

/* ---- API ---------------------------------------------------------------- */

enum MHD_Result
api_triage(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x)
{
	json_t *jd = json_object_get(rq->json, "day");
	json_t *jn = json_object_get(rq->json, "never_replied");
	json_t *jc = json_object_get(rq->json, "confirm");
	json_t *ids = NULL;
	struct jn_triage t;
	size_t deleted = 0;
	enum MHD_Result r;
	int e;

	(void)x;
	if ((jd != NULL && !json_is_string(jd)) || (jn != NULL && !json_is_boolean(jn)) ||
	    (jc != NULL && !json_is_string(jc)))
		return jn_error(c, rq, MHD_HTTP_BAD_REQUEST,
		    I18N_N(
			"Send \"day\" as a string, \"never_replied\" as true or false, \"confirm\" as a string."));
	e = jn_triage_init(&t, jd ? json_string_value(jd) : NULL, json_is_true(jn));
	if (e == SD_ERR_FORMAT)
		return jn_error(c, rq, MHD_HTTP_BAD_REQUEST,
		    I18N_N("The day was not understood: write it as YYYY-MM-DD."));
	if (e != 0)
		return jn_error(c, rq, MHD_HTTP_BAD_REQUEST,
		    I18N_N("Choose a day, or \"never replied\", or both, to select sources."));
	if ((e = jn_triage_load(&t)) != 0) {
		jn_triage_free(&t);
		return api_internal(c, rq, e, "triage");
	}
	if (jc == NULL) {
		char hex[SD_ID_HEX + 1];
		ids = json_array();
		for (size_t i = 0; ids != NULL && i < t.n; i++) {
			sd_id_hex(t.s[i].id, hex);
			if (json_array_append_new(ids, json_string(hex)) != 0) {
				json_decref(ids);
				ids = NULL;
			}
		}
		r = api_send(c, MHD_HTTP_OK,
		    ids == NULL ? NULL
				: json_pack("{s:o, s:I, s:i, s:s}", "sources", ids, "total",
				      (json_int_t)t.total, "max", JN_TRIAGE_MAX, "confirm", t.set),
		    NULL);
	} else if (strcmp(json_string_value(jc), t.set) != 0 || t.n == 0) {
		r = jn_error(c, rq, MHD_HTTP_CONFLICT,
		    I18N_N(
			"The matching sources changed since you looked: nothing was deleted. Check the list again."));
	} else if ((e = jn_triage_delete(rq, &t, &deleted)) != 0) {
		r = api_internal(c, rq, e, "triage");
	} else {
		r = api_send(c, MHD_HTTP_OK,
		    json_pack("{s:I, s:I}", "deleted", (json_int_t)deleted, "remaining",
			(json_int_t)(t.total - (int64_t)deleted)),
		    NULL);
	}
	jn_triage_free(&t);
	return r;
}
