/*
 * api.h - what api.c (dispatch, token, sources), api_items.c (items,
 * downloads, bundles, replies) and triage.c (POST /api/v1/triage) share;
 * the JSON responses are respond.c's. The API is documented in
 * docs/api.md.
 */
#ifndef JN_API_H
#define JN_API_H
#include "journalist.h"
#include "sderr.h"

/* What a route named in its path, looked up before the handler runs. */
struct jn_api_ctx {
	struct db_source src; /* segment 3 (routes under sources/<id>) */
	struct db_item item;  /* segment 5 (routes under .../items/<id>) */
};

/* Send j (released; NULL is a failed allocation) with extra headers
 * (name, value pairs, NULL-terminated; may be NULL). */
enum MHD_Result
api_send(struct MHD_Connection *c, unsigned status, json_t *j, const char *const *hdr);
/* 500 for an unexpected SD_ERR_* (logged without any detail of the data). */
enum MHD_Result api_internal(struct MHD_Connection *c, struct jn_req *rq, int e, const char *what);
/* A boolean member of the body: 0, or SD_ERR_ARG when missing or not a bool. */
SD_MUST_CHECK
int api_body_bool(const struct jn_req *rq, const char *key, int *out);

/* {"id", "source_id", "kind", "seq", "created_hour", "size", "size_label",
 * "seen", "starred", "deleted_by_source", "download_url"}; a read receipt
 * (a reply the source deleted) has no size, size_label or download_url. */
json_t *api_item_json(const struct db_source *src, const struct db_item *it);

/* api_items.c: handlers. */
enum MHD_Result api_items(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x);
enum MHD_Result api_item_get(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x);
enum MHD_Result api_item_delete(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x);
enum MHD_Result api_item_seen(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x);
enum MHD_Result api_item_star(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x);
enum MHD_Result api_download(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x);
enum MHD_Result api_reply(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x);
enum MHD_Result api_bundle_one(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x);
enum MHD_Result api_triage(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x);
enum MHD_Result api_bundle_many(struct MHD_Connection *c, struct jn_req *rq, struct jn_api_ctx *x);
#endif
