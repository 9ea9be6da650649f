/*
 * actions.c - what the pages and the API of sealdrop-journalist share (see
 * journalist.h): the audit entry of an action, the source or item a path
 * segment names, and the actions on items (enum jn_item_action) and
 * sources. Each action takes the database lock itself and audits what it
 * changed; none answers a request (that is the handler's part).
 */
#include "journalist.h"
#include "designation.h"
#include "sderr.h"
#include "sdlog.h"

#include <stdlib.h>
#include <string.h>

/* ---- audit and path ids ------------------------------------------------- */

int
jn_audit(struct jn_req *rq, const char *action, const char *target)
{
	return db_audit_add(
	    jn_app.db, rq->has_session ? rq->me.name : "(anonymous)", action, target);
}

void
jn_not_recorded(int e, const char *what)
{
	if (e != 0)
		sdlog_info("could not record %s: %s", what, sd_strerror(e));
}

int
jn_source_of(struct jn_req *rq, size_t i, struct db_source *out)
{
	unsigned char id[SD_ID_BYTES];
	int e;

	if (i >= rq->path.n || sd_id_parse(rq->path.seg[i], strlen(rq->path.seg[i]), id) != 0)
		return SD_ERR_NOTFOUND;
	JN_DB_LOCK();
	e = db_source_by_id(jn_app.db, id, out);
	JN_DB_UNLOCK();
	return e;
}

int
jn_item_of(struct jn_req *rq, size_t i, const struct db_source *src, struct db_item *out)
{
	unsigned char id[SD_ID_BYTES];
	struct db_item it;
	int e;

	if (i >= rq->path.n || sd_id_parse(rq->path.seg[i], strlen(rq->path.seg[i]), id) != 0)
		return SD_ERR_NOTFOUND;
	JN_DB_LOCK();
	e = db_item_by_id(jn_app.db, id, &it);
	JN_DB_UNLOCK();
	if (e == 0 && it.source_row != src->row)
		e = SD_ERR_NOTFOUND; /* another source's item: as if it did not exist */
	if (e == 0)
		*out = it;
	return e;
}

/* ---- items and sources -------------------------------------------------- */

int
jn_load_items(const struct db_source *src, struct db_item **out, size_t *n, int *more)
{
	/* One row past the bound tells a full list from a cut one. */
	struct db_item *it = calloc(JN_ITEMS_MAX + 1, sizeof *it);
	size_t k = 0;
	int e;

	if (it == NULL)
		return SD_ERR_NOMEM;
	JN_DB_LOCK();
	e = db_item_list(jn_app.db, src->row, 0, it, JN_ITEMS_MAX + 1, &k);
	JN_DB_UNLOCK();
	if (e != 0) {
		free(it);
		return e;
	}
	if (more != NULL)
		*more = k > JN_ITEMS_MAX;
	*out = it;
	*n = k > JN_ITEMS_MAX ? JN_ITEMS_MAX : k;
	return 0;
}

enum jn_item_action
jn_item_action_of(const char *name)
{
	static const struct {
		const char *name;
		enum jn_item_action a;
	} t[] = {
		{ "seen", JN_ACT_SEEN },
		{ "unseen", JN_ACT_UNSEEN },
		{ "star", JN_ACT_STAR },
		{ "unstar", JN_ACT_UNSTAR },
		{ "delete", JN_ACT_DELETE },
		{ "download", JN_ACT_DOWNLOAD },
		{ "download_all", JN_ACT_DOWNLOAD_ALL },
		{ "download_unread", JN_ACT_DOWNLOAD_UNREAD },
	};

	for (size_t i = 0; name != NULL && i < sizeof t / sizeof t[0]; i++)
		if (strcmp(name, t[i].name) == 0)
			return t[i].a;
	return JN_ACT_UNKNOWN;
}

int
jn_do_item(struct jn_req *rq, const struct db_source *src, const struct db_item *it,
    enum jn_item_action action)
{
	char des[SD_DESIGNATION_MAX + 1];
	int e;

	sd_designation(src->id, des);
	JN_DB_LOCK();
	switch (action) {
	case JN_ACT_SEEN:
	case JN_ACT_UNSEEN:
		e = db_item_set_seen(jn_app.db, it->row, action == JN_ACT_SEEN);
		break;
	case JN_ACT_STAR:
	case JN_ACT_UNSTAR:
		e = db_item_set_starred(jn_app.db, it->row, action == JN_ACT_STAR);
		break;
	case JN_ACT_DELETE:
		e = store_item_delete(jn_app.db, jn_app.spool, src, it);
		if (e == 0)
			e = jn_audit(rq,
			    it->kind == DB_KIND_REPLY ? "deleted a reply" : "deleted a submission",
			    des);
		break;
	default:
		e = SD_ERR_ARG;
		break;
	}
	JN_DB_UNLOCK();
	return e;
}

int
jn_do_source_delete(struct jn_req *rq, const struct db_source *src)
{
	char des[SD_DESIGNATION_MAX + 1];
	int e;

	sd_designation(src->id, des);
	JN_DB_LOCK();
	e = store_source_delete(jn_app.db, jn_app.spool, src);
	if (e == 0)
		e = jn_audit(rq, "deleted a source", des);
	JN_DB_UNLOCK();
	return e;
}

int
jn_do_source_star(struct jn_req *rq, const struct db_source *src, int starred)
{
	int e;

	(void)rq;
	JN_DB_LOCK();
	e = db_source_set_starred(jn_app.db, src->row, starred);
	JN_DB_UNLOCK();
	return e;
}

int
jn_do_reply(struct jn_req *rq, const struct db_source *src, const char *text, size_t len,
    struct db_item *out)
{
	char des[SD_DESIGNATION_MAX + 1];
	int e;

	if (len == 0 || len > STORE_REPLY_MAX)
		return SD_ERR_RANGE;
	sd_designation(src->id, des);
	JN_DB_LOCK();
	e = store_reply_add(jn_app.db, jn_app.spool, src, text, len, out);
	if (e == 0)
		e = jn_audit(rq, "sent a reply", des);
	JN_DB_UNLOCK();
	return e;
}
