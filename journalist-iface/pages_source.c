/*
 * pages_source.c - one source's page and the POST actions on sources and
 * items (see journalist.h): bundles of all, unread or selected items of
 * one or several sources, seen/unseen, star, replies, and deletion behind
 * a confirmation page. Ids come from the URL and the form as 32 hex digits
 * and are looked up; an item of another source is a 404 like an unknown
 * one.
 */
#include "journalist.h"
#include "sdlog.h"
#include "designation.h"
#include "sdi18n.h"
#include "sderr.h"
#include "sdtmpl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define JN_SOURCES_MAX 1000 /* sources selected in one request */

static const char *const not_found = I18N_N("There is no page at this address.");

#define SOURCE_PATH_MAX 64

/* "/source/<32 hex>" and suffix (may be ""). */
static void
source_path(const struct db_source *src, const char *suffix, char out[SOURCE_PATH_MAX])
{
	char hex[SD_ID_HEX + 1];

	sd_id_hex(src->id, hex);
	(void)snprintf(out, SOURCE_PATH_MAX, "/source/%s%s", hex, suffix);
}

static const char *
kind_label(int kind)
{
	switch (kind) {
	case DB_KIND_MESSAGE:
		return I18N_N("Message");
	case DB_KIND_FILE:
		return I18N_N("File");
	default:
		return I18N_N("Reply");
	}
}

static int
add_item_vars(struct jn_req *rq, struct tmpl_vars *v, const struct db_item *it)
{
	struct tmpl_vars *x = NULL;
	char hex[SD_ID_HEX + 1];
	int e;

	if ((e = tmpl_list_add(v, "items", &x)) != 0)
		return e;
	sd_id_hex(it->id, hex);
	tmpl_set(x, "item_id", hex);
	tmpl_set(x, "kind", i18n_get(rq->lang, kind_label(it->kind)));
	tmpl_set(x, "is_reply", it->kind == DB_KIND_REPLY ? "1" : "");
	tmpl_set(x, "is_file", it->kind == DB_KIND_FILE ? "1" : "");
	tmpl_setf(x, "seq", "%" PRId64, it->seq);
	tmpl_set(x, "hour", it->created_hour);
	tmpl_set(x, "size", i18n_get(rq->lang, jn_size_bucket(it->size)));
	tmpl_set(x, "unread", !it->seen && it->kind != DB_KIND_REPLY ? "1" : "");
	tmpl_set(x, "starred", it->starred ? "1" : "");
	tmpl_set(x, "deleted_by_source", it->source_deleted ? "1" : "");
	return tmpl_vars_error(v);
}

static int
source_vars(struct tmpl_vars *v, const struct db_source *src)
{
	char des[SD_DESIGNATION_MAX + 1], hex[SD_ID_HEX + 1];

	sd_designation(src->id, des);
	sd_id_hex(src->id, hex);
	tmpl_set(v, "designation", des);
	tmpl_set(v, "id", hex);
	tmpl_set(v, "starred", src->starred ? "1" : "");
	tmpl_set(v, "created_day", src->created_day);
	tmpl_set(v, "last_day", src->last_day);
	return tmpl_vars_error(v);
}

enum MHD_Result
jn_get_source(struct MHD_Connection *c, struct jn_req *rq)
{
	struct db_source src;
	struct db_item *items = NULL;
	struct tmpl_vars *v = NULL;
	size_t n = 0, unread = 0;
	int e;

	if (jn_source_of(rq, 1, &src) != 0)
		return jn_error(c, rq, MHD_HTTP_NOT_FOUND, not_found);
	if (jn_load_items(&src, &items, &n, NULL) != 0 || tmpl_vars_new(&v) != 0) {
		free(items);
		return jn_error(
		    c, rq, 500, I18N_N("Something went wrong. Please try again later."));
	}
	e = source_vars(v, &src);
	for (size_t i = 0; i < n && e == 0; i++) {
		e = add_item_vars(rq, v, &items[i]);
		unread += !items[i].seen && items[i].kind != DB_KIND_REPLY;
	}
	tmpl_setf(v, "count", "%zu", n);
	tmpl_set(v, "has_unread", unread > 0 ? "1" : "");
	free(items);
	if (e != 0 || tmpl_vars_error(v) != 0) {
		tmpl_vars_free(v);
		return MHD_NO;
	}
	return jn_page(c, rq, MHD_HTTP_OK, "source", v);
}

/* ---- confirmation ------------------------------------------------------- */

/* A page asking to confirm a deletion: the same form again with confirm=1. */
static enum MHD_Result
confirm_page(struct MHD_Connection *c, struct jn_req *rq, const char *action, const char *message,
    const char *list_key)
{
	struct tmpl_vars *v = NULL, *x = NULL;
	const char *val;

	if (tmpl_vars_new(&v) != 0)
		return MHD_NO;
	tmpl_set(v, "action", action);
	tmpl_set(v, "message", i18n_get(rq->lang, message));
	tmpl_set(v, "do", web_form_get(&rq->form, "action", NULL) ? "delete" : "");
	tmpl_set(v, "back", "/sources");
	for (size_t i = 0; list_key && (val = web_form_nth(&rq->form, list_key, i)) != NULL &&
	     tmpl_vars_error(v) == 0;
	     i++) {
		tmpl_list_add(v, "fields", &x);
		tmpl_set(x, "name", list_key);
		tmpl_set(x, "value", val);
	}
	if (tmpl_vars_error(v) != 0) {
		tmpl_vars_free(v);
		return MHD_NO;
	}
	return jn_page(c, rq, MHD_HTTP_OK, "confirm", v);
}

static int
confirmed(const struct jn_req *rq)
{
	const char *cf = web_form_get(&rq->form, "confirm", NULL);

	return cf != NULL && strcmp(cf, "1") == 0;
}

/* ---- one source --------------------------------------------------------- */

/* The items a form names (field "item"), all of src. 404 on any other. */
static int
selected_items(struct jn_req *rq, const struct db_source *src, struct db_item **out, size_t *n)
{
	struct db_item *it = NULL;
	const char *val;
	unsigned char id[SD_ID_BYTES];
	size_t k = 0;
	int e = 0;

	for (k = 0; web_form_nth(&rq->form, "item", k) != NULL; k++)
		;
	if (k == 0 || k > JN_ITEMS_MAX)
		return SD_ERR_RANGE;
	if ((it = calloc(k, sizeof *it)) == NULL)
		return SD_ERR_NOMEM;
	for (size_t i = 0; i < k && e == 0; i++) {
		val = web_form_nth(&rq->form, "item", i);
		if (sd_id_parse(val, strlen(val), id) != 0) {
			e = SD_ERR_NOTFOUND;
			break;
		}
		JN_DB_LOCK();
		e = db_item_by_id(jn_app.db, id, &it[i]);
		JN_DB_UNLOCK();
		if (e == 0 && it[i].source_row != src->row)
			e = SD_ERR_NOTFOUND;
	}
	if (e != 0) {
		free(it);
		return e;
	}
	*out = it;
	*n = k;
	return 0;
}

static enum MHD_Result
bundle_of(struct MHD_Connection *c, struct jn_req *rq, const struct db_source *src,
    const struct db_item *it, size_t n, int unread_only)
{
	struct jn_bundle_item *b = calloc(n ? n : 1, sizeof *b);
	size_t k = 0;
	enum MHD_Result r;

	if (b == NULL)
		return MHD_NO;
	for (size_t i = 0; i < n; i++) {
		if (it[i].source_deleted ||
		    (unread_only && (it[i].seen || it[i].kind == DB_KIND_REPLY)))
			continue; /* a read receipt has no file */
		jn_bundle_item_set(&b[k++], src, &it[i]);
	}
	if (k == 0) {
		free(b);
		return jn_redirect(c, rq, "/sources", I18N_N("There was nothing to download."));
	}
	r = jn_bundle_respond(c, rq, b, k);
	free(b);
	return r;
}

static enum MHD_Result
items_action(struct MHD_Connection *c, struct jn_req *rq, const struct db_source *src,
    enum jn_item_action action)
{
	struct db_item *it = NULL;
	char back[SOURCE_PATH_MAX], items[SOURCE_PATH_MAX];
	size_t n = 0;
	int e;
	enum MHD_Result r;

	source_path(src, "", back);
	if (action == JN_ACT_DOWNLOAD_ALL || action == JN_ACT_DOWNLOAD_UNREAD) {
		int more = 0;
		if (jn_load_items(src, &it, &n, &more) != 0)
			return jn_error(
			    c, rq, 500, I18N_N("Something went wrong. Please try again later."));
		if (more) {
			free(it);
			return jn_error(c, rq, MHD_HTTP_CONTENT_TOO_LARGE,
			    I18N_N("Too many items for one bundle: ask for fewer at a time."));
		}
		r = bundle_of(c, rq, src, it, n, action == JN_ACT_DOWNLOAD_UNREAD);
		free(it);
		return r;
	}
	e = selected_items(rq, src, &it, &n);
	if (e == SD_ERR_RANGE)
		return jn_redirect(c, rq, back, I18N_N("Select at least one item first."));
	if (e != 0)
		return jn_error(c, rq, MHD_HTTP_NOT_FOUND, not_found);
	if (action == JN_ACT_DOWNLOAD) {
		r = bundle_of(c, rq, src, it, n, 0);
		free(it);
		return r;
	}
	if (action == JN_ACT_DELETE && !confirmed(rq)) {
		free(it);
		source_path(src, "/items", items);
		return confirm_page(c, rq, items,
		    I18N_N("Delete the selected items? This cannot be undone."), "item");
	}
	for (size_t i = 0; i < n && e == 0; i++) {
		e = jn_do_item(rq, src, &it[i], action);
		if (e == SD_ERR_NOTFOUND)
			e = 0; /* named twice, or deleted meanwhile: already gone */
	}
	free(it);
	if (e == SD_ERR_ARG)
		return jn_error(
		    c, rq, MHD_HTTP_BAD_REQUEST, I18N_N("The form was not understood."));
	if (e != 0)
		return jn_error(
		    c, rq, 500, I18N_N("Something went wrong. Please try again later."));
	return jn_redirect(c, rq, back,
	    action == JN_ACT_DELETE ? I18N_N("The selected items were deleted.") : I18N_N("Done."));
}

enum MHD_Result
jn_post_source_items(struct MHD_Connection *c, struct jn_req *rq)
{
	struct db_source src;
	const char *action = web_form_get(&rq->form, "action", NULL);

	if (jn_source_of(rq, 1, &src) != 0)
		return jn_error(c, rq, MHD_HTTP_NOT_FOUND, not_found);
	if (action == NULL)
		return jn_error(
		    c, rq, MHD_HTTP_BAD_REQUEST, I18N_N("The form was not understood."));
	return items_action(c, rq, &src, jn_item_action_of(action));
}

enum MHD_Result
jn_post_source_reply(struct MHD_Connection *c, struct jn_req *rq)
{
	struct db_source src;
	size_t len = 0;
	const char *text = web_form_get(&rq->form, "reply", &len);
	char back[SOURCE_PATH_MAX];
	int e;

	if (jn_source_of(rq, 1, &src) != 0)
		return jn_error(c, rq, MHD_HTTP_NOT_FOUND, not_found);
	source_path(&src, "", back);
	if (text == NULL || len == 0 || strspn(text, " \t\r\n") == len)
		return jn_redirect(c, rq, back, I18N_N("The reply was empty: nothing was sent."));
	if (len > STORE_REPLY_MAX)
		return jn_error(c, rq, MHD_HTTP_CONTENT_TOO_LARGE,
		    I18N_N("The reply is too long (at most 64 KB)."));
	if ((e = jn_do_reply(rq, &src, text, len, NULL)) != 0) {
		sdlog_info("a reply could not be stored: %s", sd_strerror(e));
		return jn_error(c, rq, 500,
		    e == SD_ERR_NOTFOUND
			? I18N_N("No recipient key is set up: nobody could read a reply.")
			: I18N_N("Something went wrong. Please try again later."));
	}
	return jn_redirect(
	    c, rq, back, I18N_N("Your reply was sent. The source sees it at their next login."));
}

enum MHD_Result
jn_post_source_delete(struct MHD_Connection *c, struct jn_req *rq)
{
	struct db_source src;
	char action[SOURCE_PATH_MAX];

	if (jn_source_of(rq, 1, &src) != 0)
		return jn_error(c, rq, MHD_HTTP_NOT_FOUND, not_found);
	if (!confirmed(rq)) {
		source_path(&src, "/delete", action);
		return confirm_page(c, rq, action,
		    I18N_N(
			"Delete this source, every submission and every reply? This cannot be undone."),
		    NULL);
	}
	if (jn_do_source_delete(rq, &src) != 0)
		return jn_error(
		    c, rq, 500, I18N_N("Something went wrong. Please try again later."));
	return jn_redirect(c, rq, "/sources", I18N_N("The source was deleted."));
}

enum MHD_Result
jn_post_source_star(struct MHD_Connection *c, struct jn_req *rq)
{
	struct db_source src;
	const char *st = web_form_get(&rq->form, "starred", NULL);
	char back[SOURCE_PATH_MAX];

	if (jn_source_of(rq, 1, &src) != 0)
		return jn_error(c, rq, MHD_HTTP_NOT_FOUND, not_found);
	if (st == NULL || (strcmp(st, "0") != 0 && strcmp(st, "1") != 0))
		return jn_error(
		    c, rq, MHD_HTTP_BAD_REQUEST, I18N_N("The form was not understood."));
	if (jn_do_source_star(rq, &src, st[0] == '1') != 0)
		return jn_error(
		    c, rq, 500, I18N_N("Something went wrong. Please try again later."));
	source_path(&src, "", back);
	return jn_redirect(c, rq, back, NULL);
}

enum MHD_Result
jn_get_item(struct MHD_Connection *c, struct jn_req *rq)
{
	struct db_source src;
	struct db_item it;

	if (strcmp(rq->path.seg[2], "item") != 0 || jn_source_of(rq, 1, &src) != 0 ||
	    jn_item_of(rq, 3, &src, &it) != 0)
		return jn_error(c, rq, MHD_HTTP_NOT_FOUND, not_found);
	return jn_file_respond(c, rq, &src, &it);
}

/* ---- several sources ---------------------------------------------------- */

/* The sources a form names (field "source"); SD_ERR_NOTFOUND on any unknown. */
static int
selected_sources(struct jn_req *rq, struct db_source **out, size_t *n)
{
	struct db_source *s;
	unsigned char id[SD_ID_BYTES];
	const char *val;
	size_t k;
	int e = 0;

	for (k = 0; web_form_nth(&rq->form, "source", k) != NULL; k++)
		;
	if (k == 0 || k > JN_SOURCES_MAX)
		return SD_ERR_RANGE;
	if ((s = calloc(k, sizeof *s)) == NULL)
		return SD_ERR_NOMEM;
	for (size_t i = 0; i < k && e == 0; i++) {
		val = web_form_nth(&rq->form, "source", i);
		if (sd_id_parse(val, strlen(val), id) != 0) {
			e = SD_ERR_NOTFOUND;
			break;
		}
		JN_DB_LOCK();
		e = db_source_by_id(jn_app.db, id, &s[i]);
		JN_DB_UNLOCK();
	}
	if (e != 0) {
		free(s);
		return e;
	}
	*out = s;
	*n = k;
	return 0;
}

/* Bundle of every (or every unread) item of several sources; 413 past
 * JN_ITEMS_MAX items rather than a bundle silently cut short. */
static enum MHD_Result
sources_bundle(struct MHD_Connection *c, struct jn_req *rq, const struct db_source *s, size_t n,
    int unread_only)
{
	struct jn_bundle_item *b = calloc(JN_ITEMS_MAX, sizeof *b);
	struct db_item *it = NULL;
	size_t k = 0, m = 0;
	int more = 0;
	enum MHD_Result r;

	if (b == NULL)
		return MHD_NO;
	for (size_t i = 0; i < n; i++) {
		if (jn_load_items(&s[i], &it, &m, &more) != 0) {
			free(b);
			return jn_error(
			    c, rq, 500, I18N_N("Something went wrong. Please try again later."));
		}
		for (size_t j = 0; j < m; j++) {
			if (it[j].source_deleted ||
			    (unread_only && (it[j].seen || it[j].kind == DB_KIND_REPLY)))
				continue; /* a read receipt has no file */
			if (k == JN_ITEMS_MAX || more) {
				free(it);
				free(b);
				return jn_error(c, rq, MHD_HTTP_CONTENT_TOO_LARGE,
				    I18N_N(
					"Too many items for one bundle: ask for fewer at a time."));
			}
			jn_bundle_item_set(&b[k++], &s[i], &it[j]);
		}
		free(it);
	}
	if (k == 0)
		r = jn_redirect(c, rq, "/sources", I18N_N("There was nothing to download."));
	else
		r = jn_bundle_respond(c, rq, b, k);
	free(b);
	return r;
}

enum MHD_Result
jn_post_sources(struct MHD_Connection *c, struct jn_req *rq)
{
	const char *name = web_form_get(&rq->form, "action", NULL);
	enum jn_item_action action = jn_item_action_of(name);
	struct db_source *s = NULL;
	size_t n = 0;
	int e = 0;
	enum MHD_Result r;

	if (name == NULL)
		return jn_error(
		    c, rq, MHD_HTTP_BAD_REQUEST, I18N_N("The form was not understood."));
	e = selected_sources(rq, &s, &n);
	if (e == SD_ERR_RANGE)
		return jn_redirect(c, rq, "/sources", I18N_N("Select at least one source first."));
	if (e != 0)
		return jn_error(c, rq, MHD_HTTP_NOT_FOUND, not_found);
	if (action == JN_ACT_DOWNLOAD_ALL || action == JN_ACT_DOWNLOAD_UNREAD) {
		r = sources_bundle(c, rq, s, n, action == JN_ACT_DOWNLOAD_UNREAD);
	} else if (action == JN_ACT_DELETE && !confirmed(rq)) {
		r = confirm_page(c, rq, "/sources",
		    I18N_N(
			"Delete the selected sources, every submission and every reply? This cannot be undone."),
		    "source");
	} else if (action == JN_ACT_DELETE) {
		for (size_t i = 0; i < n && e == 0; i++)
			e = jn_do_source_delete(rq, &s[i]);
		r = e
		    ? jn_error(c, rq, 500, I18N_N("Something went wrong. Please try again later."))
		    : jn_redirect(c, rq, "/sources", I18N_N("The selected sources were deleted."));
	} else if (action == JN_ACT_STAR || action == JN_ACT_UNSTAR) {
		for (size_t i = 0; i < n && e == 0; i++)
			e = jn_do_source_star(rq, &s[i], action == JN_ACT_STAR);
		r = e
		    ? jn_error(c, rq, 500, I18N_N("Something went wrong. Please try again later."))
		    : jn_redirect(c, rq, "/sources", NULL);
	} else {
		r = jn_error(c, rq, MHD_HTTP_BAD_REQUEST, I18N_N("The form was not understood."));
	}
	free(s);
	return r;
}
