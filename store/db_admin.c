/*
 * db_admin.c - the database as sealdrop-admin's check, backup and restore
 * see it (db_admin.h): opened read-only with sqlite3 directly rather than
 * through db_open, which would migrate it, with limits on time and memory
 * and only tables and indexes in its schema (a view or a trigger, which
 * sealdrop never makes, could make a query loop or grow); the in-memory
 * snapshot made with the online backup API and serialised into the
 * archive; sorted id sets. The handles are struct db (db_int.h) with no
 * file descriptors: nothing here writes the instance's database.
 */
#include "db_admin.h"
#include "db_int.h"
#include "sderr.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include <sodium.h>
#include <sqlite3.h>

#define SNAPSHOT_TRIES 100 /* 50 ms apart: 5 s of a busy database */

/* Time and memory a connection of sealdrop-admin may take: no statement
 * runs longer than DB_SECONDS_MAX; the heap is bounded by the database's
 * size (a snapshot holds it all) plus DB_HEAP_BASE. */
#define DB_SECONDS_MAX 900
#define DB_HEAP_BASE (256LL << 20)

static int
db_too_long(void *ctx)
{
	const struct timespec *deadline = ctx;
	struct timespec now;

	if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
		return 1;
	return now.tv_sec > deadline->tv_sec;
}

static struct timespec g_deadline;

/* The limits on a connection: a deadline for every statement (the
 * progress handler interrupts one past it), no trusted schema, defensive
 * mode (no writes to the schema by a statement). */
static int
db_limits(sqlite3 *h)
{
	int on = 0;

	if (g_deadline.tv_sec == 0) {
		if (clock_gettime(CLOCK_MONOTONIC, &g_deadline) != 0)
			return SD_ERR_IO;
		g_deadline.tv_sec += DB_SECONDS_MAX;
	}
	sqlite3_progress_handler(h, 10000, db_too_long, &g_deadline);
	if (sqlite3_db_config(h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, &on) != SQLITE_OK ||
	    sqlite3_db_config(h, SQLITE_DBCONFIG_DEFENSIVE, 1, &on) != SQLITE_OK ||
	    sqlite3_db_config(h, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, &on) != SQLITE_OK ||
	    sqlite3_db_config(h, SQLITE_DBCONFIG_ENABLE_VIEW, 0, &on) != SQLITE_OK)
		return SD_ERR_IO;
	return 0;
}

/* 0 when the schema holds only tables and indexes, with sources, items
 * and recipients tables; SD_ERR_FORMAT when not, SD_ERR_IO unreadable. */
static int
schema_ok(sqlite3 *h)
{
	static const char sql[] =
	    "SELECT (SELECT count(*) FROM sqlite_master WHERE type NOT IN ('table', 'index')), "
	    "(SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
	    "name IN ('sources', 'items', 'recipients'))";
	sqlite3_stmt *st = NULL;
	int e = SD_ERR_IO;

	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW)
		e = sqlite3_column_int64(st, 0) == 0 && sqlite3_column_int64(st, 1) == 3
		    ? 0
		    : SD_ERR_FORMAT;
out:
	sqlite3_finalize(st);
	return e;
}

/* A struct db around h, which it then owns (closed by db_close); no file
 * descriptors: nothing here settles times after a write. */
static int
wrap(sqlite3 *h, struct db **out)
{
	struct db *db = calloc(1, sizeof *db);

	if (db == NULL)
		return SD_ERR_NOMEM;
	db->h = h;
	db->filefd = db->dirfd = -1;
	*out = db;
	return 0;
}

/* The sqlite3 read-only connection of db_admin_open_ro. */
static int
open_ro(const char *path, sqlite3 **out)
{
	sqlite3 *h = NULL;
	struct stat st;
	int e = SD_ERR_IO;

	/* The path names a file checked by the caller (adminpriv_db_files). */
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		goto out;
	sqlite3_hard_heap_limit64(DB_HEAP_BASE + 2 * (sqlite3_int64)st.st_size);
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL) !=
		SQLITE_OK ||
	    db_limits(h) != 0)
		goto out;
	sqlite3_busy_timeout(h, 5000);
	if ((e = schema_ok(h)) != 0)
		goto out;
	*out = h;
	h = NULL;
out:
	sqlite3_close(h);
	return e;
}

int
db_admin_open_ro(const char *path, struct db **out)
{
	sqlite3 *h = NULL;
	int e;

	if ((e = open_ro(path, &h)) != 0)
		return e;
	if ((e = wrap(h, out)) != 0)
		sqlite3_close(h);
	return e;
}

/* The first column of the first row of a one-row query, as an integer. */
static int
query_int(sqlite3 *h, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int e = SD_ERR_IO;

	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		e = 0;
	}
out:
	sqlite3_finalize(st);
	return e;
}

int
db_admin_integrity(struct db *db)
{
	sqlite3 *h = db->h;
	sqlite3_stmt *st = NULL;
	int e = SD_ERR_IO;

	if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		e = t != NULL && strcmp((const char *)t, "ok") == 0 ? 0 : SD_ERR_FORMAT;
	}
out:
	sqlite3_finalize(st);
	return e;
}

int
db_admin_version(struct db *db, int *version)
{
	int64_t v = 0;
	int e = query_int(db->h, "PRAGMA user_version", &v);

	if (e != 0)
		return e;
	if (v < 0 || v > 1000000)
		return SD_ERR_FORMAT;
	*version = (int)v;
	return 0;
}

int
db_admin_recipients(struct db *db, int64_t *n)
{
	return query_int(db->h, "SELECT count(*) FROM recipients", n);
}

/* By source, then item: the batch is what a file is compared with. */
static int
pair_cmp(const void *a, const void *b)
{
	const struct db_admin_pair *x = a, *y = b;
	int c = memcmp(x->src, y->src, SD_ID_BYTES);

	return c != 0 ? c : memcmp(x->item, y->item, SD_ID_BYTES);
}

static int
id_cmp(const void *a, const void *b)
{
	return memcmp(a, b, SD_ID_BYTES);
}

static int
ids_push(struct db_admin_ids *s, const struct db_admin_pair *p)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		struct db_admin_pair *v = realloc(s->v, cap * sizeof *v);
		if (v == NULL)
			return SD_ERR_NOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *p;
	return 0;
}

int
db_admin_items(struct db *db, struct db_admin_ids *out)
{
	sqlite3 *h = db->h;
	static const char sql2[] = "SELECT s.source_id, i.item_id, NULL FROM items i "
				   "JOIN sources s ON s.id = i.source";
	static const char sql3[] = "SELECT s.source_id, i.item_id, i.batch FROM items i "
				   "JOIN sources s ON s.id = i.source";
	/* From schema 4 on, a reply the source deleted keeps its row as a read
	 * receipt, with no file: not a spool item. */
	static const char sql4[] = "SELECT s.source_id, i.item_id, i.batch FROM items i "
				   "JOIN sources s ON s.id = i.source WHERE i.source_deleted = 0";
	struct db_admin_ids s = { 0 };
	sqlite3_stmt *st = NULL;
	struct db_admin_pair p;
	int e = SD_ERR_IO, rc;

	/* items.batch exists from schema 3 on: without it, every item has
	 * none; items.source_deleted from schema 4 on. */
	if (sqlite3_prepare_v2(h, sql4, -1, &st, NULL) != SQLITE_OK &&
	    sqlite3_prepare_v2(h, sql3, -1, &st, NULL) != SQLITE_OK &&
	    sqlite3_prepare_v2(h, sql2, -1, &st, NULL) != SQLITE_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const void *a = sqlite3_column_blob(st, 0), *b = sqlite3_column_blob(st, 1);
		const void *c = sqlite3_column_blob(st, 2);
		if (a == NULL || b == NULL || sqlite3_column_bytes(st, 0) != SD_ID_BYTES ||
		    sqlite3_column_bytes(st, 1) != SD_ID_BYTES ||
		    (sqlite3_column_type(st, 2) != SQLITE_NULL &&
			(c == NULL || sqlite3_column_bytes(st, 2) != SD_ID_BYTES))) {
			e = SD_ERR_FORMAT;
			goto out;
		}
		memset(&p, 0, sizeof p);
		memcpy(p.src, a, SD_ID_BYTES);
		memcpy(p.item, b, SD_ID_BYTES);
		if ((p.has_batch = sqlite3_column_type(st, 2) != SQLITE_NULL))
			memcpy(p.batch, c, SD_ID_BYTES);
		if ((e = ids_push(&s, &p)) != 0)
			goto out;
	}
	e = SD_ERR_IO;
	if (rc != SQLITE_DONE || (s.mark = calloc(s.n + 1, 1)) == NULL)
		goto out;
	if (s.n > 0)
		qsort(s.v, s.n, sizeof *s.v, pair_cmp);
	*out = s;
	s = (struct db_admin_ids){ 0 };
	e = 0;
out:
	sqlite3_finalize(st);
	db_admin_ids_free(&s);
	return e;
}

int
db_admin_ids_find(const struct db_admin_ids *s, const struct db_admin_pair *p, size_t *idx)
{
	const struct db_admin_pair *f;

	if (s->n == 0)
		return SD_ERR_NOTFOUND;
	f = bsearch(p, s->v, s->n, sizeof *s->v, pair_cmp);
	if (f == NULL)
		return SD_ERR_NOTFOUND;
	*idx = (size_t)(f - s->v);
	return 0;
}

void
db_admin_ids_free(struct db_admin_ids *s)
{
	free(s->v);
	free(s->mark);
	*s = (struct db_admin_ids){ 0 };
}

int
db_admin_sources(struct db *db, struct db_admin_idset *out)
{
	sqlite3 *h = db->h;
	struct db_admin_idset s = { 0 };
	sqlite3_stmt *st = NULL;
	int e = SD_ERR_IO, rc;

	if (sqlite3_prepare_v2(h, "SELECT source_id FROM sources", -1, &st, NULL) != SQLITE_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const void *a = sqlite3_column_blob(st, 0);

		if (a == NULL || sqlite3_column_bytes(st, 0) != SD_ID_BYTES) {
			e = SD_ERR_FORMAT;
			goto out;
		}
		if (s.n == s.cap) {
			size_t cap = s.cap ? 2 * s.cap : 256;
			void *v = realloc(s.v, cap * sizeof *s.v);

			if (v == NULL) {
				e = SD_ERR_NOMEM;
				goto out;
			}
			s.v = v;
			s.cap = cap;
		}
		memcpy(s.v[s.n++], a, SD_ID_BYTES);
	}
	if (rc != SQLITE_DONE)
		goto out;
	if (s.n > 0)
		qsort(s.v, s.n, sizeof *s.v, id_cmp);
	*out = s;
	s = (struct db_admin_idset){ 0 };
	e = 0;
out:
	sqlite3_finalize(st);
	db_admin_idset_free(&s);
	return e;
}

int
db_admin_idset_has(const struct db_admin_idset *s, const unsigned char id[SD_ID_BYTES])
{
	return s->n > 0 && bsearch(id, s->v, s->n, sizeof *s->v, id_cmp) != NULL;
}

void
db_admin_idset_free(struct db_admin_idset *s)
{
	free(s->v);
	*s = (struct db_admin_idset){ 0 };
}

/* Copy every page in one step, so the copy is one read transaction; retry
 * while a writer holds the database. */
static int
snapshot_copy(sqlite3 *mem, sqlite3 *src)
{
	for (int i = 0; i < SNAPSHOT_TRIES; i++) {
		sqlite3_backup *b = sqlite3_backup_init(mem, "main", src, "main");
		int rc;

		if (b == NULL)
			return SD_ERR_IO;
		rc = sqlite3_backup_step(b, -1);
		if (sqlite3_backup_finish(b) != SQLITE_OK && rc == SQLITE_DONE)
			return SD_ERR_IO;
		if (rc == SQLITE_DONE)
			return 0;
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			return SD_ERR_IO;
		sqlite3_sleep(50);
	}
	return SD_ERR_IO;
}

int
db_admin_snapshot(const char *path, struct db **mem)
{
	sqlite3 *src = NULL, *m = NULL;
	int e;

	if ((e = open_ro(path, &src)) != 0)
		goto out;
	e = SD_ERR_IO;
	if (sqlite3_open_v2(":memory:", &m, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
		SQLITE_OK ||
	    db_limits(m) != 0)
		goto out;
	if ((e = snapshot_copy(m, src)) != 0)
		goto out;
	e = SD_ERR_IO;
	if (sqlite3_exec(m, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	if ((e = wrap(m, mem)) != 0)
		goto out;
	m = NULL;
out:
	sqlite3_close(m);
	sqlite3_close(src);
	return e;
}

int
db_admin_drop_item(struct db *db, const unsigned char item[SD_ID_BYTES])
{
	sqlite3 *mem = db->h;
	sqlite3_stmt *st = NULL;
	int e = SD_ERR_IO;

	if (sqlite3_prepare_v2(mem, "DELETE FROM items WHERE item_id = ?", -1, &st, NULL) !=
		SQLITE_OK ||
	    sqlite3_bind_blob(st, 1, item, SD_ID_BYTES, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	if (sqlite3_step(st) == SQLITE_DONE)
		e = 0;
out:
	sqlite3_finalize(st);
	return e;
}

int
db_admin_image(struct db *db, unsigned char **buf, size_t *len)
{
	sqlite3_int64 n = 0;
	unsigned char *b = sqlite3_serialize(db->h, "main", &n, 0);

	if (b == NULL)
		return SD_ERR_NOMEM;
	if (n <= 0) {
		sqlite3_free(b);
		return SD_ERR_IO;
	}
	*buf = b;
	*len = (size_t)n;
	return 0;
}

void
db_admin_image_free(unsigned char *buf, size_t len)
{
	if (buf == NULL)
		return;
	sodium_memzero(buf, len);
	sqlite3_free(buf);
}
