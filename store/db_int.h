/*
 * db_int.h - what the files of the store's database layer share (db.c and
 * db_journalist.c): the handle and the statement helpers. Not a public
 * header: nothing outside store/db*.c includes it.
 */
#ifndef DB_INT_H
#define DB_INT_H
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "sderr.h"

struct db {
	sqlite3 *h;
	int filefd; /* sealdrop.db and its directory, read-only: their times */
	int dirfd;  /* are reset after every write (db_settle), or -1 */
};
/* Reset the times of the database file and its directory to the epoch
 * after a write: they would record when a source or journalist acted. */
void db_settle(struct db *db);

SD_MUST_CHECK
int db_exec(struct db *db, const char *sql);
SD_MUST_CHECK
int db_prepare(struct db *db, const char *sql, sqlite3_stmt **st);
/* Step a statement that returns no row, then finalize it (a constraint
 * failure is SD_ERR_EXISTS). */
SD_MUST_CHECK
int db_step_done(struct db *db, sqlite3_stmt *st);
/* db_step_done for an UPDATE or DELETE of one row: SD_ERR_NOTFOUND when it
 * changed none. */
SD_MUST_CHECK
int db_step_changed(struct db *db, sqlite3_stmt *st);
/* Prepare and run an UPDATE or DELETE of the row whose id is ?1, with v as
 * ?2 when the statement has a second parameter; SD_ERR_NOTFOUND when no
 * row changed. */
SD_MUST_CHECK
int db_exec_id(struct db *db, const char *sql, int64_t id, int64_t v);
/* Copy a text column into a bounded buffer. */
void db_col_text(sqlite3_stmt *st, int col, char *out, size_t outsz);
/* Copy a blob column of exactly len bytes; SD_ERR_FORMAT otherwise. */
SD_MUST_CHECK
int db_col_blob(sqlite3_stmt *st, int col, unsigned char *out, size_t len);

/* Convert the current row of st into the element at elem. */
typedef int (*db_row_fn)(sqlite3_stmt *st, void *elem);
/* Step st to its end, converting each row with fn into out (elements of
 * elem_size bytes): SD_ERR_RANGE past max rows, then finalize st. *n is
 * set only on success. */
SD_MUST_CHECK
int db_collect(sqlite3_stmt *st, db_row_fn fn, void *out, size_t elem_size, size_t max, size_t *n);
/* Run a one-row query into *out with fn; SD_ERR_NOTFOUND when there is none.
 * Finalizes st. The row is converted in a wiped scratch buffer of
 * DB_ONE_MAX bytes (elem_size must fit: SD_ERR_RANGE otherwise). */
#define DB_ONE_MAX 512
SD_MUST_CHECK
int db_one(sqlite3_stmt *st, db_row_fn fn, void *out, size_t elem_size);

/* Rows of sources (SOURCE_COLS order) and items (ITEM_COLS order). */
#define DB_SOURCE_COLS "id, source_id, reply_pk, created_day, last_day, starred, pending"
#define DB_SOURCE_NCOLS 7
#define DB_ITEM_COLS \
	"id, source, item_id, kind, seq, size, created_hour, seen, starred, batch, source_deleted"
SD_MUST_CHECK
int db_source_row(sqlite3_stmt *st, void *source);
SD_MUST_CHECK
int db_item_row(sqlite3_stmt *st, void *item);
#endif
