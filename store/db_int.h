/*
 * db_int.h - what the files of the store's database layer share (db.c and
 * db_journalist.c): the handle and the statement helpers. Not a public
 * header: nothing outside store/db*.c includes it.
 */
#ifndef DB_INT_H
#define DB_INT_H
#include <stddef.h>
#include <sqlite3.h>

struct db {
	sqlite3 *h;
};

int db_exec(struct db *db, const char *sql);
int db_prepare(struct db *db, const char *sql, sqlite3_stmt **st);
/* Step a statement that returns no row, then finalize it (a constraint
 * failure is SD_ERR_EXISTS). */
int db_step_done(sqlite3_stmt *st);
/* Copy a text column into a bounded buffer. */
void db_col_text(sqlite3_stmt *st, int col, char *out, size_t outsz);
/* Copy a blob column of exactly len bytes; SD_ERR_FORMAT otherwise. */
int db_col_blob(sqlite3_stmt *st, int col, unsigned char *out, size_t len);
#endif
