/*
 * db_admin.h - the database as sealdrop-admin's check, backup and restore
 * see it: opened read-only without migration (so a check or a backup never
 * changes the database it looks at), with a deadline on every statement, a
 * heap bound, and only tables and indexes in its schema; the in-memory
 * snapshot a backup is made from (SQLite's online backup API) and its
 * bytes; the spool items and sources the database lists, as sorted sets.
 *
 * The schema's owner is db.c: these queries read the tables of schema 1
 * (sources, items, recipients), items.batch from schema 3 and
 * items.source_deleted from schema 4; later migrations must keep them. A
 * handle from here is a struct db (db.h) that db_close closes; it is only
 * for the functions of this header.
 */
#ifndef DB_ADMIN_H
#define DB_ADMIN_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "sderr.h"

/* One spool item the database lists: <source>/<item>.sdbox (a reply or a
 * legacy item, no batch) or <source>/<batch>/<item>.sdbox (one file of a
 * submission). */
struct db_admin_pair {
	unsigned char src[SD_ID_BYTES];
	unsigned char item[SD_ID_BYTES];
	unsigned char batch[SD_ID_BYTES]; /* zero when !has_batch */
	int has_batch;
};

/* A sorted set of items (by source and item id) with a mark per item. */
struct db_admin_ids {
	struct db_admin_pair *v;
	unsigned char *mark;
	size_t n, cap;
};

/* A sorted set of ids (the sources the database knows). */
struct db_admin_idset {
	unsigned char (*v)[SD_ID_BYTES];
	size_t n, cap;
};

/* Open read-only (no migration, symlinks refused), with a deadline on
 * every statement, a heap bound from the file's size, no trusted schema,
 * no view or trigger, and the schema checked: only tables and indexes,
 * with sources, items and recipients tables. SD_ERR_FORMAT: the schema
 * has something sealdrop never makes; SD_ERR_IO: not opened. The caller
 * has checked the file (no link, its owner's). */
SD_MUST_CHECK
int db_admin_open_ro(const char *path, struct db **out);
/* PRAGMA integrity_check: 0 when "ok", SD_ERR_FORMAT when not, SD_ERR_IO
 * when it cannot run (not a database). */
SD_MUST_CHECK
int db_admin_integrity(struct db *db);
/* The schema version (PRAGMA user_version); SD_ERR_FORMAT when absurd. */
SD_MUST_CHECK
int db_admin_version(struct db *db, int *version);
SD_MUST_CHECK
int db_admin_recipients(struct db *db, int64_t *n);
/* Every item row that has a spool file, as a sorted set (marks cleared);
 * the batch column from schema 3 on. */
SD_MUST_CHECK
int db_admin_items(struct db *db, struct db_admin_ids *out);
/* Every source id the database knows, as a sorted set. */
SD_MUST_CHECK
int db_admin_sources(struct db *db, struct db_admin_idset *out);

/* 0 and *idx when p's source and item are in the set; SD_ERR_NOTFOUND
 * otherwise. */
SD_MUST_CHECK
int db_admin_ids_find(const struct db_admin_ids *s, const struct db_admin_pair *p, size_t *idx);
void db_admin_ids_free(struct db_admin_ids *s);
/* 1 when id is in the set. */
int db_admin_idset_has(const struct db_admin_idset *s, const unsigned char id[SD_ID_BYTES]);
void db_admin_idset_free(struct db_admin_idset *s);

/* A consistent copy of the database at path (opened as db_admin_open_ro)
 * in an in-memory database, through the online backup API, with foreign
 * keys on. */
SD_MUST_CHECK
int db_admin_snapshot(const char *path, struct db **mem);
/* Delete an item's row from a snapshot (its file went away meanwhile). */
SD_MUST_CHECK
int db_admin_drop_item(struct db *mem, const unsigned char item[SD_ID_BYTES]);
/* The bytes of a database file holding the snapshot (sqlite3_serialize);
 * release with db_admin_image_free, which wipes them. */
SD_MUST_CHECK
int db_admin_image(struct db *mem, unsigned char **buf, size_t *len);
void db_admin_image_free(unsigned char *buf, size_t len);

#endif
