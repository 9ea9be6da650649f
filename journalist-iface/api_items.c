/*
 * api_items.c - the JSON API on items (docs/api.md): list, one item,
 * seen/starred, delete, the .sdbox download, .tar bundles of one source
 * (all, unread or selected items) or of several sources, and replies.
 *
 * What it hands out is ciphertext and index data only: ids, kinds, coarse
 * hours, the size of the padded .sdbox file. It never returns a plaintext:
 * the server cannot read one.
 */
#include "api.h"
#include "sdlog.h"
#include "designation.h"
#include "sdi18n.h"
#include "sderr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define API_SOURCES_MAX 1000 /* sources in one bundle request */

static const char *const not_found = I18N_N("There is no such resource.");

static const char *
kind_name(int kind)
{
	switch (kind) {
	case DB_KIND_MESSAGE:
		return "message";
	case DB_KIND_FILE:
		return "file";
	default:
		return "reply";
	}
}

json_t *
api_item_json(const struct db_source *src, const struct db_item *it)
{
	char sh[SD_ID_HEX + 1], ih[SD_ID_HEX + 1], url[128];

	sd_id_hex(src->id, sh);
	sd_id_hex(it->id, ih);
	(void)snprintf(url, sizeof url, "/api/v1/sources/%s/items/%s/download", sh, ih);
	if (it->source_deleted) /* a read receipt: nothing to download */
		return json_pack("{s:s, s:s, s:s, s:I, s:s, s:b, s:b, s:b}", "id", ih, "source_id",
		    sh, "kind", kind_name(it->kind), "seq", (json_int_t)it->seq, "created_hour",
		    it->created_hour, "seen", it->seen, "starred", it->starred, "deleted_by_source",
		    1);
	return json_pack("{s:s, s:s, s:s, s:I, s:s, s:I, s:s, s:b, s:b, s:b, s:s}", "id", ih,
	    "source_id", sh, "kind", kind_name(it->kind), "seq", (json_int_t)it->seq,
	    "created_hour", it->created_hour, "size", (json_int_t)it->size, "size_label",
	    jn_size_bucket(it->size), "seen", it->seen, "starred", it->starred, "deleted_by_source",
	    0, "download_url", url);
}

static enum MHD_Result
item_respond(struct MHD_Connection *c, unsigned status, const struct db_source *src,
    const struct db_item *it, const char *const *hdr)
{
	return api_send(c, status, json_pack("{s:o}", "item", api_item_json(src, it)), hdr);
}

enum MHD_Result
api_items(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x)
{
	struct db_item *it = NULL;
	json_t *list;
	size_t n = 0;
	int e, more = 0;

	if ((e = jn_load_items(&x->src, &it, &n, &more)) != 0)
		return api_internal(c, rq, e, "the list of items");
	if ((list = json_array()) == NULL) {
		free(it);
		return MHD_NO;
	}
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(list, api_item_json(&x->src, &it[i])) != 0) {
			json_decref(list);
			free(it);
			return MHD_NO;
		}
	free(it);
	return api_send(
	    c, MHD_HTTP_OK, json_pack("{s:o, s:b}", "items", list, "truncated", more), NULL);
}

enum MHD_Result
api_item_get(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x)
{
	(void)rq;
	return item_respond(c, MHD_HTTP_OK, &x->src, &x->item, NULL);
}

enum MHD_Result
api_item_delete(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x)
{
	struct sdbuf b;
	int e;

	if ((e = jn_do_item(rq, &x->src, &x->item, JN_ACT_DELETE)) != 0)
		return api_internal(c, rq, e, "deleting an item");
	sdbuf_init(&b, 1);
	return web_respond(c, MHD_HTTP_NO_CONTENT, "application/json", &b);
}

/* seen/unseen or star/unstar from a boolean member of the body. */
static enum MHD_Result
item_flag(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x, const char *key,
    enum jn_item_action on, enum jn_item_action off)
{
	int v = 0, e;

	if (api_body_bool(rq, key, &v) != 0) {
		char msg[48];
		(void)snprintf(msg, sizeof msg, "Send \"%s\": true or false.", key);
		return jn_error(c, rq, MHD_HTTP_BAD_REQUEST, msg);
	}
	if ((e = jn_do_item(rq, &x->src, &x->item, v ? on : off)) != 0)
		return api_internal(c, rq, e, "changing an item");
	if (strcmp(key, "seen") == 0)
		x->item.seen = v;
	else
		x->item.starred = v;
	return item_respond(c, MHD_HTTP_OK, &x->src, &x->item, NULL);
}

enum MHD_Result
api_item_seen(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x)
{
	return item_flag(c, rq, x, "seen", JN_ACT_SEEN, JN_ACT_UNSEEN);
}

enum MHD_Result
api_item_star(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x)
{
	return item_flag(c, rq, x, "starred", JN_ACT_STAR, JN_ACT_UNSTAR);
}

enum MHD_Result
api_download(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x)
{
	return jn_file_respond(c, rq, &x->src, &x->item);
}

enum MHD_Result
api_reply(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x)
{
	json_t *t = json_object_get(rq->json, "text");
	char loc[128], sh[SD_ID_HEX + 1], ih[SD_ID_HEX + 1];
	const char *const hdr[] = { "Location", loc, NULL };
	struct db_item it;
	size_t len;
	int e;

	if (!json_is_string(t))
		return jn_error(c, rq, MHD_HTTP_BAD_REQUEST, I18N_N("Send the reply as \"text\"."));
	len = json_string_length(t);
	if (len == 0 || strspn(json_string_value(t), " \t\r\n") == len)
		return jn_error(
		    c, rq, MHD_HTTP_BAD_REQUEST, I18N_N("The reply was empty: nothing was sent."));
	if (len > STORE_REPLY_MAX)
		return jn_error(c, rq, MHD_HTTP_CONTENT_TOO_LARGE,
		    I18N_N("The reply is too long (at most 64 KB)."));
	memset(&it, 0, sizeof it);
	if ((e = jn_do_reply(rq, &x->src, json_string_value(t), len, &it)) != 0) {
		if (e != SD_ERR_NOTFOUND)
			return api_internal(c, rq, e, "a reply");
		sdlog_info("api: a reply could not be stored: %s", sd_strerror(e));
		return jn_error(c, rq, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    I18N_N("No recipient key is set up: nobody could read a reply."));
	}
	sd_id_hex(x->src.id, sh);
	sd_id_hex(it.id, ih);
	(void)snprintf(loc, sizeof loc, "/api/v1/sources/%s/items/%s", sh, ih);
	return item_respond(c, MHD_HTTP_CREATED, &x->src, &it, hdr);
}

/* ---- bundles ------------------------------------------------------------ */

static int
cmp_item_id(const void *a, const void *b)
{
	return memcmp(((const struct jn_bundle_item *)a)->item,
	    ((const struct jn_bundle_item *)b)->item, SD_ID_BYTES);
}

static int
cmp_id(const void *a, const void *b)
{
	return memcmp(a, b, SD_ID_BYTES);
}

/* "which" of the body (a string) or else of the query: 0 for "all" (the
 * default), 1 for "unread"; SD_ERR_ARG otherwise. */
static int
which_arg(struct MHD_Connection *c, const struct jn_req *rq, int *unread)
{
	json_t *w = rq->json ? json_object_get(rq->json, "which") : NULL;
	const char *s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "which");

	if (w != NULL && !json_is_string(w))
		return SD_ERR_ARG;
	if (w != NULL)
		s = json_string_value(w);
	if (s == NULL || strcmp(s, "all") == 0)
		*unread = 0;
	else if (strcmp(s, "unread") == 0)
		*unread = 1;
	else
		return SD_ERR_ARG;
	return 0;
}

/* Append every item of src (or its unread submissions) to b; SD_ERR_RANGE
 * past JN_ITEMS_MAX members. */
static int
bundle_add_source(const struct db_source *src, int unread, struct jn_bundle_item *b, size_t *k)
{
	struct db_item *it = NULL;
	size_t n = 0;
	int e, more = 0;

	if ((e = jn_load_items(src, &it, &n, &more)) != 0)
		return e;
	if (more)
		e = SD_ERR_RANGE; /* never a bundle cut short */
	for (size_t i = 0; i < n && e == 0; i++) {
		if (it[i].source_deleted || (unread && (it[i].seen || it[i].kind == DB_KIND_REPLY)))
			continue; /* a read receipt has no file */
		if (*k == JN_ITEMS_MAX) {
			e = SD_ERR_RANGE;
			break;
		}
		jn_bundle_item_set(&b[(*k)++], src, &it[i]);
	}
	free(it);
	return e;
}

/* The items a JSON array names, all of src: SD_ERR_ARG (not an array of
 * strings, empty, repeated), SD_ERR_RANGE (too many), SD_ERR_NOTFOUND. */
static int
bundle_parse_items(
    const json_t *arr, const struct db_source *src, struct jn_bundle_item *b, size_t *k)
{
	unsigned char id[SD_ID_BYTES];
	struct db_item it;
	size_t n = json_array_size(arr);
	int e = 0;

	if (!json_is_array(arr) || n == 0)
		return SD_ERR_ARG;
	if (n > JN_ITEMS_MAX)
		return SD_ERR_RANGE;
	for (size_t i = 0; i < n && e == 0; i++) {
		json_t *v = json_array_get(arr, i);
		if (!json_is_string(v))
			return SD_ERR_ARG;
		if (sd_id_parse(json_string_value(v), json_string_length(v), id) != 0)
			return SD_ERR_NOTFOUND;
		JN_DB_LOCK();
		e = db_item_by_id(jn_app.db, id, &it);
		JN_DB_UNLOCK();
		if (e == 0 && (it.source_row != src->row || it.source_deleted))
			e = SD_ERR_NOTFOUND; /* a read receipt has no file to bundle */
		if (e != 0)
			break;
		jn_bundle_item_set(&b[i], src, &it);
	}
	if (e != 0)
		return e == SD_ERR_NOTFOUND ? e : SD_ERR_IO;
	qsort(b, n, sizeof *b, cmp_item_id);
	for (size_t i = 1; i < n; i++)
		if (memcmp(b[i].item, b[i - 1].item, SD_ID_BYTES) == 0)
			return SD_ERR_ARG;
	*k = n;
	return 0;
}

/* Answer for a bundle of k members, or the error e of gathering them. */
static enum MHD_Result
bundle_send(struct MHD_Connection *c, struct jn_req *rq, struct jn_bundle_item *b, size_t k, int e)
{
	enum MHD_Result r;

	if (e == SD_ERR_ARG)
		r = jn_error(c, rq, MHD_HTTP_BAD_REQUEST,
		    I18N_N(
			"The selection is not a list of distinct ids, or \"which\" is not all or unread."));
	else if (e == SD_ERR_RANGE)
		r = jn_error(c, rq, MHD_HTTP_CONTENT_TOO_LARGE,
		    I18N_N("Too many items for one bundle: ask for fewer at a time."));
	else if (e == SD_ERR_NOTFOUND)
		r = jn_error(c, rq, MHD_HTTP_NOT_FOUND, not_found);
	else if (e != 0)
		r = api_internal(c, rq, e, "a bundle");
	else if (k == 0)
		r = jn_error(c, rq, MHD_HTTP_NOT_FOUND, I18N_N("There is nothing to download."));
	else
		r = jn_bundle_respond(c, rq, b, k);
	free(b);
	return r;
}

enum MHD_Result
api_bundle_one(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x)
{
	json_t *sel = rq->json ? json_object_get(rq->json, "items") : NULL;
	struct jn_bundle_item *b = calloc(JN_ITEMS_MAX, sizeof *b);
	size_t k = 0;
	int unread = 0, e;

	if (b == NULL)
		return MHD_NO;
	if (sel != NULL && json_object_get(rq->json, "which") != NULL)
		e = SD_ERR_ARG; /* one or the other */
	else if (sel != NULL)
		e = bundle_parse_items(sel, &x->src, b, &k);
	else if ((e = which_arg(c, rq, &unread)) == 0)
		e = bundle_add_source(&x->src, unread, b, &k);
	return bundle_send(c, rq, b, k, e);
}

/* The sources a JSON array names: SD_ERR_ARG, SD_ERR_RANGE or SD_ERR_NOTFOUND
 * as for items. */
static int
bundle_parse_sources(const json_t *arr, struct db_source **out, size_t *n)
{
	size_t k = json_array_size(arr);
	unsigned char(*ids)[SD_ID_BYTES];
	struct db_source *s;
	int e = 0;

	if (!json_is_array(arr) || k == 0)
		return SD_ERR_ARG;
	if (k > API_SOURCES_MAX)
		return SD_ERR_RANGE;
	s = calloc(k, sizeof *s);
	ids = calloc(k, sizeof *ids);
	for (size_t i = 0; s != NULL && ids != NULL && i < k && e == 0; i++) {
		json_t *v = json_array_get(arr, i);
		if (!json_is_string(v))
			e = SD_ERR_ARG;
		else if (sd_id_parse(json_string_value(v), json_string_length(v), ids[i]) != 0)
			e = SD_ERR_NOTFOUND;
	}
	if (s == NULL || ids == NULL)
		e = SD_ERR_NOMEM;
	if (e == 0)
		qsort(ids, k, sizeof *ids, cmp_id);
	for (size_t i = 0; e == 0 && i < k; i++) {
		if (i > 0 && memcmp(ids[i], ids[i - 1], SD_ID_BYTES) == 0)
			e = SD_ERR_ARG;
		JN_DB_LOCK();
		e = e ? e : db_source_by_id(jn_app.db, ids[i], &s[i]);
		JN_DB_UNLOCK();
	}
	free(ids);
	if (e != 0) {
		free(s);
		return e == SD_ERR_NOTFOUND || e == SD_ERR_ARG || e == SD_ERR_NOMEM ? e : SD_ERR_IO;
	}
	*out = s;
	*n = k;
	return 0;
}

enum MHD_Result
api_bundle_many(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x)
{
	struct jn_bundle_item *b = calloc(JN_ITEMS_MAX, sizeof *b);
	struct db_source *s = NULL;
	size_t n = 0, k = 0;
	int unread = 0, e;

	(void)x;
	if (b == NULL)
		return MHD_NO;
	e = bundle_parse_sources(json_object_get(rq->json, "sources"), &s, &n);
	if (e == 0)
		e = which_arg(c, rq, &unread);
	for (size_t i = 0; i < n && e == 0; i++)
		e = bundle_add_source(&s[i], unread, b, &k);
	free(s);
	return bundle_send(c, rq, b, k, e);
}
