/*
 * db_journalist.c - the queries of schema 2 (see db.h): journalist accounts,
 * the audit log, and the listings the journalist interface and the
 * retention purge make.
 *
 * Replay protection for TOTP codes is one conditional UPDATE (the step must
 * be later than the last one used), so two requests racing with the same
 * code cannot both win, even across processes.
 */
#include "db.h"
#include "sderr.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "db_int.h"

/* ---- journalists -------------------------------------------------------- */

#define J_COLS \
	"id, name, pw_hash, totp_secret, totp_last, is_admin, failures, " \
	"locked_until, created_day, last_day, must_change_pw"

/* A row with (j_row) or without (j_row_public) the secrets. */
static int
j_row_any(sqlite3_stmt *st, struct db_journalist *j, int secrets)
{
	memset(j, 0, sizeof *j);
	j->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, j->name, sizeof j->name);
	if (secrets) {
		db_col_text(st, 2, j->pw_hash, sizeof j->pw_hash);
		if (db_col_blob(st, 3, j->totp_secret, DB_TOTP_BYTES) != 0)
			return SD_ERR_FORMAT;
	}
	j->totp_last = sqlite3_column_int64(st, 4);
	j->is_admin = sqlite3_column_int(st, 5);
	j->failures = sqlite3_column_int(st, 6);
	j->locked_until = sqlite3_column_int64(st, 7);
	db_col_text(st, 8, j->created_day, sizeof j->created_day);
	db_col_text(st, 9, j->last_day, sizeof j->last_day);
	j->must_change_pw = sqlite3_column_int(st, 10);
	return 0;
}

static int
j_row(sqlite3_stmt *st, void *elem)
{
	return j_row_any(st, elem, 1);
}

static int
j_row_public(sqlite3_stmt *st, void *elem)
{
	return j_row_any(st, elem, 0);
}

_Static_assert(sizeof(struct db_journalist) <= DB_ONE_MAX, "db_one holds a journalist row");

static int
j_one(sqlite3_stmt *st, struct db_journalist *out)
{
	return db_one(st, j_row, out, sizeof *out);
}

int
db_journalist_add(struct db *db, const char *name, const char *pw_hash,
    const unsigned char totp[DB_TOTP_BYTES], int is_admin)
{
	sqlite3_stmt *st = NULL;
	char day[11];

	if (strlen(name) > DB_NAME_MAX || strlen(pw_hash) >= DB_PWHASH_MAX)
		return SD_ERR_TOOLONG;
	db_today(day);
	if (db_prepare(db,
		"INSERT INTO journalists(name, pw_hash, totp_secret, is_admin, "
		"created_day) VALUES (?1, ?2, ?3, ?4, ?5)",
		&st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, pw_hash, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, totp, DB_TOTP_BYTES, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, is_admin ? 1 : 0);
	sqlite3_bind_text(st, 5, day, -1, SQLITE_STATIC);
	return db_step_done(db, st);
}

int
db_journalist_get(struct db *db, const char *name, struct db_journalist *out)
{
	sqlite3_stmt *st = NULL;

	if (db_prepare(db, "SELECT " J_COLS " FROM journalists WHERE name = ?1", &st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	return j_one(st, out);
}

int
db_journalist_by_id(struct db *db, int64_t id, struct db_journalist *out)
{
	sqlite3_stmt *st = NULL;

	if (db_prepare(db, "SELECT " J_COLS " FROM journalists WHERE id = ?1", &st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_int64(st, 1, id);
	return j_one(st, out);
}

int
db_journalist_list(struct db *db, struct db_journalist *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = NULL;

	if (db_prepare(db, "SELECT " J_COLS " FROM journalists ORDER BY name", &st) != 0)
		return SD_ERR_IO;
	return db_collect(st, j_row_public, out, sizeof *out, max, n);
}

int
db_journalist_remove(struct db *db, int64_t id)
{
	return db_exec_id(db, "DELETE FROM journalists WHERE id = ?1", id, 0);
}

/* A new passphrase hash: failures and lock cleared, must_change_pw set. */
static int
set_pwhash(struct db *db, int64_t id, const char *pw_hash, int must_change)
{
	sqlite3_stmt *st = NULL;

	if (strlen(pw_hash) >= DB_PWHASH_MAX)
		return SD_ERR_TOOLONG;
	if (db_prepare(db,
		"UPDATE journalists SET pw_hash = ?2, failures = 0, locked_until = 0, "
		"must_change_pw = ?3 WHERE id = ?1",
		&st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, pw_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, must_change);
	return db_step_changed(db, st);
}

int
db_journalist_set_pwhash(struct db *db, int64_t id, const char *pw_hash)
{
	return set_pwhash(db, id, pw_hash, 1);
}

int
db_journalist_set_own_pwhash(struct db *db, int64_t id, const char *pw_hash)
{
	return set_pwhash(db, id, pw_hash, 0);
}

int
db_journalist_set_totp(struct db *db, int64_t id, const unsigned char totp[DB_TOTP_BYTES])
{
	sqlite3_stmt *st = NULL;

	if (db_prepare(db,
		"UPDATE journalists SET totp_secret = ?2, totp_last = 0 "
		"WHERE id = ?1",
		&st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_blob(st, 2, totp, DB_TOTP_BYTES, SQLITE_STATIC);
	return db_step_changed(db, st);
}

int
db_journalist_set_admin(struct db *db, int64_t id, int is_admin)
{
	return db_exec_id(
	    db, "UPDATE journalists SET is_admin = ?2 WHERE id = ?1", id, is_admin ? 1 : 0);
}

int
db_journalist_failed(struct db *db, int64_t id, int64_t locked_until)
{
	return db_exec_id(db,
	    "UPDATE journalists SET failures = failures + 1, "
	    "locked_until = ?2 WHERE id = ?1",
	    id, locked_until);
}

int
db_journalist_attempt(struct db *db, int64_t id, int64_t now, int free, int64_t forgive)
{
	sqlite3_stmt *st = NULL;
	int e;

	/* The right-hand sides read the row as it was before the update.
	 * base: the last counted failure (when locked, the lock ends one
	 * forgiveness period after it); level: the failures not yet forgiven
	 * at now, one forgiven per period since base. */
#define BASE "(CASE WHEN failures >= ?3 THEN locked_until - ?4 ELSE locked_until END)"
#define LEVEL "max(0, failures - max(0, ?2 - " BASE ") / ?4)"
	if (forgive < 1 || free < 1 ||
	    db_prepare(db,
		"UPDATE journalists SET failures = " LEVEL " + 1, locked_until = "
		"CASE WHEN " LEVEL " + 1 >= ?3 THEN ?2 + ?4 ELSE ?2 END "
		"WHERE id = ?1 AND locked_until <= ?2",
		&st) != 0)
		return forgive < 1 || free < 1 ? SD_ERR_ARG : SD_ERR_IO;
#undef LEVEL
#undef BASE
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, free);
	sqlite3_bind_int64(st, 4, forgive);
	e = db_step_changed(db, st);
	return e == SD_ERR_NOTFOUND ? SD_ERR_LOCKED : e;
}

int
db_journalist_unlock(struct db *db, int64_t id)
{
	return db_exec_id(db,
	    "UPDATE journalists SET failures = 0, locked_until = 0 "
	    "WHERE id = ?1",
	    id, 0);
}

int
db_journalist_succeeded(struct db *db, int64_t id)
{
	sqlite3_stmt *st = NULL;
	char day[11];

	db_today(day);
	if (db_prepare(db,
		"UPDATE journalists SET failures = 0, locked_until = 0, "
		"last_day = ?2 WHERE id = ?1",
		&st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
	return db_step_changed(db, st);
}

int
db_journalist_use_step(struct db *db, int64_t id, int64_t step)
{
	int e = db_exec_id(db,
	    "UPDATE journalists SET totp_last = ?2 "
	    "WHERE id = ?1 AND totp_last < ?2",
	    id, step);

	return e == SD_ERR_NOTFOUND ? SD_ERR_REPLAY : e;
}

/* A one-integer query with an optional integer parameter. */
static int
count_of(struct db *db, const char *sql, int64_t param, int64_t *n)
{
	sqlite3_stmt *st = NULL;
	int rc;
	int64_t v = 0;

	if (db_prepare(db, sql, &st) != 0)
		return SD_ERR_IO;
	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, param);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return SD_ERR_IO;
	*n = v;
	return 0;
}

int
db_journalist_count(struct db *db, int admins_only, int64_t *n)
{
	return count_of(db, "SELECT count(*) FROM journalists WHERE ?1 = 0 OR is_admin = 1",
	    admins_only ? 1 : 0, n);
}

/* ---- audit -------------------------------------------------------------- */

int
db_audit_add(struct db *db, const char *actor, const char *action, const char *target)
{
	sqlite3_stmt *st = NULL;
	char hour[17];

	db_this_hour(hour);
	if (db_prepare(db,
		"INSERT INTO audit(hour, actor, action, target) "
		"VALUES (?1, ?2, ?3, ?4)",
		&st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_text(st, 1, hour, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, target ? target : "", -1, SQLITE_STATIC);
	return db_step_done(db, st);
}

static int
audit_row(sqlite3_stmt *st, void *elem)
{
	struct db_audit *a = elem;

	a->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, a->hour, sizeof a->hour);
	db_col_text(st, 2, a->actor, sizeof a->actor);
	db_col_text(st, 3, a->action, sizeof a->action);
	db_col_text(st, 4, a->target, sizeof a->target);
	return 0;
}

int
db_audit_list(struct db *db, int64_t offset, struct db_audit *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = NULL;

	if (db_prepare(db,
		"SELECT id, hour, actor, action, target FROM audit "
		"ORDER BY id DESC LIMIT ?1 OFFSET ?2",
		&st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	sqlite3_bind_int64(st, 2, offset);
	return db_collect(st, audit_row, out, sizeof *out, max, n);
}

int
db_audit_count(struct db *db, int64_t *n)
{
	return count_of(db, "SELECT count(*) FROM audit", 0, n);
}

/* ---- listings ----------------------------------------------------------- */

/* DB_SOURCE_COLS with the alias s (the listing queries join items). */
#define S_COLS "s.id, s.source_id, s.reply_pk, s.created_day, s.last_day, s.starred, s.pending"

static int
summary_row(sqlite3_stmt *st, void *elem)
{
	struct db_source_summary *x = elem;
	int e;

	memset(x, 0, sizeof *x);
	if ((e = db_source_row(st, &x->s)) != 0)
		return e;
	/* The counts follow the DB_SOURCE_COLS columns. */
	x->submissions = sqlite3_column_int64(st, DB_SOURCE_NCOLS);
	x->unread = sqlite3_column_int64(st, DB_SOURCE_NCOLS + 1);
	x->replies = sqlite3_column_int64(st, DB_SOURCE_NCOLS + 2);
	db_col_text(st, DB_SOURCE_NCOLS + 3, x->last_hour, sizeof x->last_hour);
	return 0;
}

int
db_source_page(struct db *db, int64_t offset, struct db_source_summary *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = NULL;

	if (db_prepare(db,
		"SELECT " S_COLS ","
		" (SELECT count(*) FROM items i WHERE i.source = s.id AND i.kind != 3),"
		" (SELECT count(*) FROM items i WHERE i.source = s.id AND i.kind != 3 AND i.seen = 0),"
		" (SELECT count(*) FROM items i WHERE i.source = s.id AND i.kind = 3),"
		" (SELECT max(created_hour) FROM items i WHERE i.source = s.id)"
		" FROM sources s WHERE s.pending = 0"
		" ORDER BY s.starred DESC, s.last_day DESC, s.id DESC"
		" LIMIT ?1 OFFSET ?2",
		&st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	sqlite3_bind_int64(st, 2, offset);
	return db_collect(st, summary_row, out, sizeof *out, max, n);
}

int
db_source_count(struct db *db, int64_t *n)
{
	return count_of(db, "SELECT count(*) FROM sources WHERE pending = 0", 0, n);
}

/* The sources triage selects (db.h): ?1 the day or NULL, ?2 never replied. */
#define TRIAGE_WHERE \
	" FROM sources s WHERE s.pending = 0 AND s.starred = 0" \
	" AND (?1 IS NULL OR s.created_day = ?1) AND (?2 = 0 OR NOT EXISTS" \
	" (SELECT 1 FROM items i WHERE i.source = s.id AND i.kind = 3))"

int
db_source_triage(struct db *db, const char *day, int never_replied, struct db_source *out,
    size_t max, size_t *n, int64_t *total)
{
	sqlite3_stmt *st = NULL;
	int64_t t = 0;
	int e, rc;

	if (db_prepare(db, "SELECT count(*)" TRIAGE_WHERE, &st) != 0)
		return SD_ERR_IO;
	if (day != NULL)
		sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, never_replied ? 1 : 0);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		t = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return SD_ERR_IO;
	if (db_prepare(db, "SELECT " S_COLS TRIAGE_WHERE " ORDER BY s.id LIMIT ?3", &st) != 0)
		return SD_ERR_IO;
	if (day != NULL)
		sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, never_replied ? 1 : 0);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)(max > INT64_MAX ? INT64_MAX : max));
	if ((e = db_collect(st, db_source_row, out, sizeof *out, max, n)) == 0 && total != NULL)
		*total = t;
	return e;
}

int
db_source_by_id(struct db *db, const unsigned char id[SD_ID_BYTES], struct db_source *out)
{
	sqlite3_stmt *st = NULL;

	if (db_prepare(db,
		"SELECT " S_COLS " FROM sources s WHERE s.source_id = ?1 AND "
		"s.pending = 0",
		&st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_blob(st, 1, id, SD_ID_BYTES, SQLITE_STATIC);
	return db_one(st, db_source_row, out, sizeof *out);
}

int
db_source_set_starred(struct db *db, int64_t row, int starred)
{
	return db_exec_id(
	    db, "UPDATE sources SET starred = ?2 WHERE id = ?1", row, starred ? 1 : 0);
}

int
db_item_set_seen(struct db *db, int64_t row, int seen)
{
	return db_exec_id(db, "UPDATE items SET seen = ?2 WHERE id = ?1", row, seen ? 1 : 0);
}

int
db_item_set_starred(struct db *db, int64_t row, int starred)
{
	return db_exec_id(db, "UPDATE items SET starred = ?2 WHERE id = ?1", row, starred ? 1 : 0);
}

int
db_item_older(struct db *db, const char *before, struct db_item *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = NULL;

	if (db_prepare(db,
		"SELECT " DB_ITEM_COLS " FROM items WHERE created_hour < ?1 "
		"ORDER BY id LIMIT ?2",
		&st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_text(st, 1, before, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	return db_collect(st, db_item_row, out, sizeof *out, max, n);
}

int
db_source_idle(struct db *db, const char *before, struct db_source *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = NULL;

	if (db_prepare(db,
		"SELECT " S_COLS " FROM sources s WHERE s.last_day < ?1 AND "
		"NOT EXISTS (SELECT 1 FROM items i WHERE i.source = s.id) "
		"ORDER BY s.id LIMIT ?2",
		&st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_text(st, 1, before, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	return db_collect(st, db_source_row, out, sizeof *out, max, n);
}
