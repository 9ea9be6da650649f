/*
 * db.c - the SQLite store (see db.h).
 *
 * Migrations are an ordered list of SQL scripts; PRAGMA user_version records
 * how many ran. Each runs in its own transaction, so a crash mid-migration
 * leaves the previous version intact. Every query is a prepared statement
 * with bound parameters; no SQL is ever built from input.
 */
#include "db.h"
#include "sderr.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sodium.h>
#include <sqlite3.h>

#include "db_int.h"

static const char *const db_migrations[] = {
	/* 1: the source interface. */
	"CREATE TABLE settings ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE recipients ("
	"  id INTEGER PRIMARY KEY,"
	"  pubkey BLOB NOT NULL UNIQUE CHECK (length(pubkey) = 32),"
	"  label TEXT NOT NULL DEFAULT '',"
	"  added_day TEXT NOT NULL);"
	"CREATE TABLE sources ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT," /* a row id is never reused */
	"  source_id BLOB NOT NULL UNIQUE CHECK (length(source_id) = 16),"
	"  login_tag BLOB NOT NULL UNIQUE CHECK (length(login_tag) = 32),"
	"  reply_pk BLOB NOT NULL CHECK (length(reply_pk) = 32),"
	"  created_day TEXT NOT NULL,"
	"  last_day TEXT NOT NULL,"
	"  next_seq INTEGER NOT NULL DEFAULT 1,"
	"  starred INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE items ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  source INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
	"  item_id BLOB NOT NULL UNIQUE CHECK (length(item_id) = 16),"
	"  kind INTEGER NOT NULL CHECK (kind IN (1, 2, 3)),"
	"  seq INTEGER NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  created_hour TEXT NOT NULL,"
	"  seen INTEGER NOT NULL DEFAULT 0,"
	"  starred INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (source, seq));"
	"CREATE INDEX items_source ON items(source, seq);",
	/* 2: the journalist interface (docs/journalist-interface.md). */
	"CREATE TABLE journalists ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 32),"
	"  pw_hash TEXT NOT NULL," /* crypto_pwhash_str: argon2id */
	"  totp_secret BLOB NOT NULL CHECK (length(totp_secret) = 20),"
	"  totp_last INTEGER NOT NULL DEFAULT 0," /* last accepted 30 s step */
	"  is_admin INTEGER NOT NULL DEFAULT 0,"
	"  failures INTEGER NOT NULL DEFAULT 0,"
	"  locked_until INTEGER NOT NULL DEFAULT 0,"
	"  created_day TEXT NOT NULL,"
	"  last_day TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  hour TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  target TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX sources_last ON sources(starred, last_day);",
	/* 3: hold under attack. A source made by /generate is pending until its
	 * first submission: hidden from journalists, capped and expired. The
	 * files of one submission share a batch: its spool directory. */
	"ALTER TABLE sources ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE items ADD COLUMN batch BLOB CHECK (batch IS NULL OR length(batch) = 16);"
	"CREATE INDEX items_batch ON items(batch) WHERE batch IS NOT NULL;"
	"CREATE INDEX items_hour ON items(created_hour);"
	"CREATE INDEX sources_pending ON sources(pending, id);",
	/* 4: read receipts. A reply the source read and deleted keeps its row,
	 * marked, with no file and no size: journalists see that it was read. */
	"ALTER TABLE items ADD COLUMN source_deleted INTEGER NOT NULL DEFAULT 0;"
	/* A passphrase an admin saw (every account made or reset by an admin,
	 * those before this migration included) is to be changed by its
	 * journalist, who is asked at login until they do. */
	"ALTER TABLE journalists ADD COLUMN must_change_pw INTEGER NOT NULL DEFAULT 1;",
	/* 5: notifications (docs/notifications.md). A journalist who opts in
	 * gives an address and an armored OpenPGP public key; nobody else has
	 * either. Bounds as in db_notify.h. */
	"ALTER TABLE journalists ADD COLUMN notify_addr TEXT NOT NULL DEFAULT '' "
	"  CHECK (length(notify_addr) <= 254);"
	"ALTER TABLE journalists ADD COLUMN notify_key TEXT NOT NULL DEFAULT '' "
	"  CHECK (length(notify_key) <= 32768);",
};

#define DB_NMIGRATIONS (sizeof db_migrations / sizeof db_migrations[0])

int
db_exec(struct db *db, const char *sql)
{
	return sqlite3_exec(db->h, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : SD_ERR_IO;
}

int
db_is_full(struct db *db)
{
	return sqlite3_errcode(db->h) == SQLITE_FULL;
}

int
db_begin(struct db *db)
{
	return db_exec(db, "BEGIN IMMEDIATE");
}

int
db_commit(struct db *db)
{
	int e = db_exec(db, "COMMIT");

	db_settle(db);
	return e;
}

void
db_rollback(struct db *db)
{
	/* Nothing to report to: callers roll back on a path that already has
	 * its error, often after SQLite ended the transaction itself (then
	 * ROLLBACK fails with "no transaction is active"). */
	sd_ignore(db_exec(db, "ROLLBACK"));
	db_settle(db);
}

void
db_settle(struct db *db)
{
	static const struct timespec epoch[2] = { { 0, 0 }, { 0, 0 } };

	/* Inside a transaction the commit settles. Best effort: a time that
	 * cannot be reset does not undo the write. */
	if (!sqlite3_get_autocommit(db->h))
		return;
	if (db->filefd >= 0)
		(void)futimens(db->filefd, epoch);
	if (db->dirfd >= 0)
		(void)futimens(db->dirfd, epoch);
}

int
db_prepare(struct db *db, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v2(db->h, sql, -1, st, NULL) == SQLITE_OK ? 0 : SD_ERR_IO;
}

/* Step a statement that returns no row, then finalize it. */
int
db_step_done(struct db *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	db_settle(db);
	if (rc == SQLITE_CONSTRAINT)
		return SD_ERR_EXISTS;
	return rc == SQLITE_DONE ? 0 : SD_ERR_IO;
}

int
db_schema_version(struct db *db, int *version)
{
	sqlite3_stmt *st = NULL;
	int e = SD_ERR_IO;

	if (db_prepare(db, "PRAGMA user_version", &st) != 0)
		return SD_ERR_IO;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*version = sqlite3_column_int(st, 0);
		e = 0;
	}
	sqlite3_finalize(st);
	return e;
}

static int
db_migrate(struct db *db)
{
	char sql[64];
	int v = 0, e;

	if ((e = db_schema_version(db, &v)) != 0)
		return e;
	if (v < 0 || (size_t)v > DB_NMIGRATIONS)
		return SD_ERR_FORMAT; /* made by a newer sealdrop */
	for (size_t i = (size_t)v; i < DB_NMIGRATIONS; i++) {
		(void)snprintf(sql, sizeof sql, "PRAGMA user_version = %zu", i + 1);
		if ((e = db_begin(db)) != 0)
			return e;
		if ((e = db_exec(db, db_migrations[i])) != 0 || (e = db_exec(db, sql)) != 0) {
			db_rollback(db);
			return e;
		}
		if ((e = db_commit(db)) != 0)
			return e;
	}
	return 0;
}

/* The database file and its directory, for db_settle. */
static int
open_times(struct db *db, const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		(void)snprintf(dir, sizeof dir, ".");
	else if ((size_t)(slash - path) >= sizeof dir)
		return SD_ERR_TOOLONG;
	else
		(void)snprintf(
		    dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	db->filefd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	db->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return db->filefd >= 0 && db->dirfd >= 0 ? 0 : SD_ERR_IO;
}

int
db_open(const char *path, int create, struct db **out)
{
	struct db *db = NULL;
	unsigned char seed;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW;
	int e = SD_ERR_IO;

	if (create)
		flags |= SQLITE_OPEN_CREATE;
	db = calloc(1, sizeof *db);
	if (db == NULL)
		return SD_ERR_NOMEM;
	db->filefd = db->dirfd = -1;
	if (sqlite3_open_v2(path, &db->h, flags, NULL) != SQLITE_OK)
		goto out;
	if ((e = open_times(db, path)) != 0)
		goto out;
	e = SD_ERR_IO;
	sqlite3_busy_timeout(db->h, 5000);
	/* Seed SQLite's generator (journal nonces) from /dev/urandom now: a
	 * sandboxed daemon cannot open it later. Temporary tables and indices
	 * stay in memory: no scratch files anywhere outside the instance. */
	sqlite3_randomness(1, &seed);
	if ((e = db_exec(db,
		 "PRAGMA temp_store = MEMORY;"
		 "PRAGMA journal_mode = DELETE;"
		 "PRAGMA secure_delete = ON;"
		 "PRAGMA foreign_keys = ON;"
		 "PRAGMA synchronous = FULL;")) != 0 ||
	    (e = db_migrate(db)) != 0)
		goto out;
	*out = db;
	db = NULL;
out:
	db_close(db);
	return e;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	if (db->filefd >= 0)
		close(db->filefd);
	if (db->dirfd >= 0)
		close(db->dirfd);
	sqlite3_close(db->h);
	free(db);
}

int
db_check(struct db *db)
{
	sqlite3_stmt *st = NULL;
	int e = SD_ERR_FORMAT;

	if (db_prepare(db, "PRAGMA integrity_check", &st) != 0)
		return SD_ERR_IO;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		if (t != NULL && strcmp((const char *)t, "ok") == 0)
			e = 0;
	}
	sqlite3_finalize(st);
	return e;
}

void
db_today(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	(void)strftime(out, 11, "%Y-%m-%d", &tm);
}

void
db_this_hour(char out[17])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	(void)strftime(out, 17, "%Y-%m-%d %H:00", &tm);
}

/* Copy a text column into a bounded buffer. */
void
db_col_text(sqlite3_stmt *st, int col, char *out, size_t outsz)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	(void)snprintf(out, outsz, "%s", t ? (const char *)t : "");
}

/* Copy a blob column of exactly len bytes; SD_ERR_FORMAT otherwise. */
int
db_col_blob(sqlite3_stmt *st, int col, unsigned char *out, size_t len)
{
	const void *b = sqlite3_column_blob(st, col);

	if (b == NULL || (size_t)sqlite3_column_bytes(st, col) != len)
		return SD_ERR_FORMAT;
	memcpy(out, b, len);
	return 0;
}

int
db_collect(sqlite3_stmt *st, db_row_fn fn, void *out, size_t elem_size, size_t max, size_t *n)
{
	unsigned char *p = out;
	size_t i = 0;
	int rc, e = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (i == max) {
			e = SD_ERR_RANGE;
			break;
		}
		if ((e = fn(st, p + i * elem_size)) != 0)
			break;
		i++;
	}
	if (e == 0 && rc != SQLITE_DONE)
		e = SD_ERR_IO;
	sqlite3_finalize(st);
	if (e == 0)
		*n = i;
	return e;
}

int
db_one(sqlite3_stmt *st, db_row_fn fn, void *out, size_t elem_size)
{
	unsigned char row[DB_ONE_MAX] __attribute__((aligned(16)));
	int rc = sqlite3_step(st), e;

	if (elem_size > sizeof row) {
		sqlite3_finalize(st);
		return SD_ERR_RANGE;
	}
	if (rc == SQLITE_ROW)
		e = fn(st, row);
	else
		e = rc == SQLITE_DONE ? SD_ERR_NOTFOUND : SD_ERR_IO;
	sqlite3_finalize(st);
	if (e == 0)
		memcpy(out, row, elem_size);
	sodium_memzero(row, sizeof row); /* a row may hold a secret */
	return e;
}

int
db_step_changed(struct db *db, sqlite3_stmt *st)
{
	int e = db_step_done(db, st);

	if (e == 0 && sqlite3_changes(db->h) == 0)
		e = SD_ERR_NOTFOUND;
	return e;
}

int
db_exec_id(struct db *db, const char *sql, int64_t id, int64_t v)
{
	sqlite3_stmt *st = NULL;

	if (db_prepare(db, sql, &st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, v);
	return db_step_changed(db, st);
}

/* ---- settings ----------------------------------------------------------- */

int
db_setting_get(struct db *db, const char *key, char *out, size_t outsz)
{
	sqlite3_stmt *st = NULL;
	int rc, e;

	if (db_prepare(db, "SELECT value FROM settings WHERE key = ?1", &st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		size_t n = t ? strlen((const char *)t) : 0;
		e = n < outsz ? 0 : SD_ERR_TOOLONG;
		if (e == 0)
			memcpy(out, t ? (const char *)t : "", n + 1);
	} else {
		e = rc == SQLITE_DONE ? 1 : SD_ERR_IO;
	}
	sqlite3_finalize(st);
	return e;
}

int
db_setting_set(struct db *db, const char *key, const char *value)
{
	sqlite3_stmt *st = NULL;

	if (strlen(value) >= DB_SETTING_MAX)
		return SD_ERR_TOOLONG;
	if (db_prepare(db,
		"INSERT INTO settings(key, value) VALUES (?1, ?2) "
		"ON CONFLICT(key) DO UPDATE SET value = excluded.value",
		&st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	return db_step_done(db, st);
}

/* ---- recipients --------------------------------------------------------- */

int
db_recipient_add(struct db *db, const unsigned char pk[DB_KEY_BYTES], const char *label)
{
	sqlite3_stmt *st = NULL;
	char day[11];

	db_today(day);
	if (db_prepare(db, "INSERT INTO recipients(pubkey, label, added_day) VALUES (?1, ?2, ?3)",
		&st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_blob(st, 1, pk, DB_KEY_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, label ? label : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, day, -1, SQLITE_STATIC);
	return db_step_done(db, st);
}

static int
recipient_row(sqlite3_stmt *st, void *elem)
{
	struct db_recipient *r = elem;

	r->id = sqlite3_column_int64(st, 0);
	if (db_col_blob(st, 1, r->pk, DB_KEY_BYTES) != 0)
		return SD_ERR_FORMAT;
	db_col_text(st, 2, r->label, sizeof r->label);
	db_col_text(st, 3, r->added_day, sizeof r->added_day);
	return 0;
}

int
db_recipient_list(struct db *db, struct db_recipient *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = NULL;

	if (db_prepare(
		db, "SELECT id, pubkey, label, added_day FROM recipients ORDER BY id", &st) != 0)
		return SD_ERR_IO;
	return db_collect(st, recipient_row, out, sizeof *out, max, n);
}

int
db_recipient_remove(struct db *db, int64_t id)
{
	return db_exec_id(db, "DELETE FROM recipients WHERE id = ?1", id, 0);
}

/* ---- sources ------------------------------------------------------------ */

#define SOURCE_COLS DB_SOURCE_COLS

int
db_source_row(sqlite3_stmt *st, void *elem)
{
	struct db_source *s = elem;
	int e;

	s->row = sqlite3_column_int64(st, 0);
	if ((e = db_col_blob(st, 1, s->id, SD_ID_BYTES)) != 0 ||
	    (e = db_col_blob(st, 2, s->reply_pk, DB_KEY_BYTES)) != 0)
		return e;
	db_col_text(st, 3, s->created_day, sizeof s->created_day);
	db_col_text(st, 4, s->last_day, sizeof s->last_day);
	s->starred = sqlite3_column_int(st, 5);
	s->pending = sqlite3_column_int(st, 6);
	return 0;
}

/* Run a one-row source query; SD_ERR_NOTFOUND when there is none. */
static int
source_one(sqlite3_stmt *st, struct db_source *out)
{
	return db_one(st, db_source_row, out, sizeof *out);
}

int
db_source_create(struct db *db, const unsigned char tag[DB_TAG_BYTES],
    const unsigned char reply_pk[DB_KEY_BYTES], int pending, struct db_source *out)
{
	sqlite3_stmt *st = NULL;
	unsigned char id[SD_ID_BYTES];
	char day[11];
	int e;

	randombytes_buf(id, sizeof id);
	db_today(day);
	if (db_prepare(db,
		"INSERT INTO sources(source_id, login_tag, reply_pk, created_day, "
		"last_day, pending) VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
		&st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_int(st, 5, pending != 0);
	sqlite3_bind_blob(st, 1, id, SD_ID_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, tag, DB_TAG_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, reply_pk, DB_KEY_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, day, -1, SQLITE_STATIC);
	if ((e = db_step_done(db, st)) != 0)
		return e;
	return db_source_by_row(db, sqlite3_last_insert_rowid(db->h), out);
}

int
db_source_by_tag(struct db *db, const unsigned char tag[DB_TAG_BYTES], struct db_source *out)
{
	sqlite3_stmt *st = NULL;

	if (db_prepare(db, "SELECT " SOURCE_COLS " FROM sources WHERE login_tag = ?1", &st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_blob(st, 1, tag, DB_TAG_BYTES, SQLITE_STATIC);
	return source_one(st, out);
}

int
db_source_by_row(struct db *db, int64_t row, struct db_source *out)
{
	sqlite3_stmt *st = NULL;

	if (db_prepare(db, "SELECT " SOURCE_COLS " FROM sources WHERE id = ?1", &st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_int64(st, 1, row);
	return source_one(st, out);
}

int
db_source_by_sid(struct db *db, const unsigned char id[SD_ID_BYTES], struct db_source *out)
{
	sqlite3_stmt *st = NULL;

	if (db_prepare(db, "SELECT " SOURCE_COLS " FROM sources WHERE source_id = ?1", &st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_blob(st, 1, id, SD_ID_BYTES, SQLITE_STATIC);
	return source_one(st, out);
}

int
db_source_touch(struct db *db, int64_t row)
{
	sqlite3_stmt *st = NULL;
	char day[11];

	db_today(day);
	if (db_prepare(db, "UPDATE sources SET last_day = ?1 WHERE id = ?2", &st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, row);
	return db_step_done(db, st);
}

int
db_source_next_seq(struct db *db, int64_t row, unsigned n, int64_t *first)
{
	sqlite3_stmt *st = NULL;
	int64_t v = 0;
	int rc;

	if (db_prepare(db,
		"UPDATE sources SET next_seq = next_seq + ?1 WHERE id = ?2 "
		"RETURNING next_seq - ?1",
		&st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_int64(st, 1, n);
	sqlite3_bind_int64(st, 2, row);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	db_settle(db);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? SD_ERR_NOTFOUND : SD_ERR_IO;
	*first = v;
	return 0;
}

int
db_source_delete(struct db *db, int64_t row)
{
	return db_exec_id(db, "DELETE FROM sources WHERE id = ?1", row, 0);
}

int
db_source_unpend(struct db *db, int64_t row)
{
	sqlite3_stmt *st = NULL;

	if (db_prepare(db, "UPDATE sources SET pending = 0 WHERE id = ?1", &st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_int64(st, 1, row);
	return db_step_done(db, st);
}

static int
spared(const int64_t *spare, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (spare[i] == id)
			return 1;
	return 0;
}

int
db_source_prune_pending(struct db *db, const char *before_day, int64_t keep, const int64_t *spare,
    size_t nspare, unsigned *removed)
{
	sqlite3_stmt *st = NULL;
	int64_t *del = NULL;
	size_t n = 0, cap = 0;
	unsigned gone = 0;
	int rc, e = 0;

	/* Expired (made before before_day), or beyond the newest keep; never
	 * one in spare (in use now), never one with an item (a pending
	 * source has none: its first submission ends pending). */
	if (db_prepare(db,
		"SELECT id FROM sources s WHERE pending = 1 AND NOT EXISTS "
		"(SELECT 1 FROM items i WHERE i.source = s.id) AND (created_day < ?1 "
		"OR id IN (SELECT id FROM sources WHERE pending = 1 ORDER BY id DESC "
		"LIMIT -1 OFFSET ?2))",
		&st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_text(st, 1, before_day, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, keep < 0 ? 0 : keep);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		if (spared(spare, nspare, id))
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			int64_t *nd = realloc(del, nc * sizeof *nd);
			if (nd == NULL) {
				e = SD_ERR_NOMEM;
				break;
			}
			del = nd;
			cap = nc;
		}
		del[n++] = id;
	}
	if (e == 0 && rc != SQLITE_DONE)
		e = SD_ERR_IO;
	sqlite3_finalize(st);
	for (size_t i = 0; e == 0 && i < n; i++) {
		if (db_prepare(db, "DELETE FROM sources WHERE id = ?1 AND pending = 1", &st) != 0) {
			e = SD_ERR_IO;
			break;
		}
		sqlite3_bind_int64(st, 1, del[i]);
		if ((e = db_step_done(db, st)) == 0)
			gone += (unsigned)sqlite3_changes(db->h);
	}
	free(del);
	if (e == 0 && removed)
		*removed = gone;
	return e;
}

int
db_batch_exists(struct db *db, int64_t source_row, const unsigned char batch[SD_ID_BYTES])
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (db_prepare(db, "SELECT 1 FROM items WHERE batch = ?1 AND source = ?2", &st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_blob(st, 1, batch, SD_ID_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, source_row);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : SD_ERR_IO;
}

int
db_unreplied_bytes_today(struct db *db, uint64_t *out)
{
	sqlite3_stmt *st = NULL;
	char day[11], like[16];
	int rc;

	db_today(day);
	(void)snprintf(like, sizeof like, "%s%%", day);
	if (db_prepare(db,
		"SELECT coalesce(sum(i.size), 0) FROM items i WHERE "
		"i.created_hour LIKE ?1 AND i.kind != 3 AND NOT EXISTS "
		"(SELECT 1 FROM items r WHERE r.source = i.source AND r.kind = 3)",
		&st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_text(st, 1, like, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : SD_ERR_IO;
}

/* ---- items -------------------------------------------------------------- */

#define ITEM_COLS DB_ITEM_COLS

int
db_item_row(sqlite3_stmt *st, void *elem)
{
	struct db_item *it = elem;

	it->row = sqlite3_column_int64(st, 0);
	it->source_row = sqlite3_column_int64(st, 1);
	if (db_col_blob(st, 2, it->id, SD_ID_BYTES) != 0)
		return SD_ERR_FORMAT;
	it->kind = sqlite3_column_int(st, 3);
	it->seq = sqlite3_column_int64(st, 4);
	it->size = (uint64_t)sqlite3_column_int64(st, 5);
	db_col_text(st, 6, it->created_hour, sizeof it->created_hour);
	it->seen = sqlite3_column_int(st, 7);
	it->starred = sqlite3_column_int(st, 8);
	it->has_batch = sqlite3_column_type(st, 9) != SQLITE_NULL;
	if (it->has_batch && db_col_blob(st, 9, it->batch, SD_ID_BYTES) != 0)
		return SD_ERR_FORMAT;
	if (!it->has_batch)
		memset(it->batch, 0, sizeof it->batch);
	it->source_deleted = sqlite3_column_int(st, 10);
	return 0;
}

int
db_item_add(struct db *db, const struct db_item *it)
{
	sqlite3_stmt *st = NULL;

	if (db_prepare(db,
		"INSERT INTO items(source, item_id, kind, seq, size, created_hour, "
		"batch) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		&st) != 0)
		return SD_ERR_IO;
	if (it->has_batch)
		sqlite3_bind_blob(st, 7, it->batch, SD_ID_BYTES, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 7);
	sqlite3_bind_int64(st, 1, it->source_row);
	sqlite3_bind_blob(st, 2, it->id, SD_ID_BYTES, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, it->kind);
	sqlite3_bind_int64(st, 4, it->seq);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)it->size);
	sqlite3_bind_text(st, 6, it->created_hour, -1, SQLITE_STATIC);
	return db_step_done(db, st);
}

int
db_item_list(
    struct db *db, int64_t source_row, int kind, struct db_item *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = NULL;

	if (db_prepare(db,
		"SELECT " ITEM_COLS " FROM items WHERE source = ?1 "
		"AND (?2 = 0 OR kind = ?2) ORDER BY seq LIMIT ?3",
		&st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_int64(st, 1, source_row);
	sqlite3_bind_int(st, 2, kind);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)(max > INT64_MAX ? INT64_MAX : max));
	return db_collect(st, db_item_row, out, sizeof *out, max, n);
}

int
db_item_by_id(struct db *db, const unsigned char id[SD_ID_BYTES], struct db_item *out)
{
	sqlite3_stmt *st = NULL;

	if (db_prepare(db, "SELECT " ITEM_COLS " FROM items WHERE item_id = ?1", &st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_blob(st, 1, id, SD_ID_BYTES, SQLITE_STATIC);
	return db_one(st, db_item_row, out, sizeof *out);
}

int
db_item_mark_source_deleted(struct db *db, int64_t row)
{
	sqlite3_stmt *st = NULL;
	int e;

	if (db_prepare(db,
		"UPDATE items SET source_deleted = 1, size = 0 WHERE id = ?1 "
		"AND kind = 3 AND source_deleted = 0",
		&st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_int64(st, 1, row);
	if ((e = db_step_done(db, st)) != 0)
		return e;
	return sqlite3_changes(db->h) == 1 ? 0 : SD_ERR_NOTFOUND;
}

int
db_item_delete(struct db *db, int64_t row)
{
	return db_exec_id(db, "DELETE FROM items WHERE id = ?1", row, 0);
}
