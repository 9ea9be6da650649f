/*
 * admin_int.h - what tools/admin_*.c share, not used elsewhere: a direct,
 * read-only view of an instance's database (sqlite3, no migration, so a
 * check or a backup never changes the database it looks at), the in-memory
 * snapshot a backup is made from, sorted sets of spool ids, strict spool
 * name parsing and the removal of a directory tree this process made.
 *
 * The queries here read the tables of schema 1 (sources, items,
 * recipients) and, from schema 3, items.batch; later migrations add tables
 * but must keep these columns. The spool layout is docs/spool.md's: items
 * at depth 2 (<source>/<item>.sdbox) or 3 (<source>/<batch>/<item>.sdbox).
 */
#ifndef ADMIN_INT_H
#define ADMIN_INT_H

#include <dirent.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "sdid.h"


struct sqlite3;

/* One spool item: <source>/<item>.sdbox (a reply or a legacy item, no
 * batch) or <source>/<batch>/<item>.sdbox (one file of a submission). */
struct adminops_pair {
	unsigned char src[SD_ID_BYTES];
	unsigned char item[SD_ID_BYTES];
	unsigned char batch[SD_ID_BYTES]; /* zero when !has_batch */
	int has_batch;
};

/* A sorted set of items (by source and item id) with a mark per item. */
struct adminops_ids {
	struct adminops_pair *v;
	unsigned char *mark;
	size_t n, cap;
};

/* A sorted set of ids (the sources the database knows). */
struct adminops_idset {
	unsigned char (*v)[SD_ID_BYTES];
	size_t n, cap;
};

/* "spool/<source>/<item>.sdbox" or "spool/<source>/<batch>/<item>.sdbox"
 * of an item; out holds at least ADMINOPS_ITEM_PATH_MAX bytes. */
#define ADMINOPS_ITEM_PATH_MAX 128
void adminops_item_path(const struct adminops_pair *p, char *out);

/* The largest spool file a backup carries and restore takes. */
#define ADMINOPS_ITEM_MAX (1ULL << 40)
#define ADMINOPS_WHY_MAX 160
/* The item file name under dirfd, as backup and restore take it: a regular
 * file of this process's user with one link, an .sdbox (its magic, at
 * least the smallest sealed size, at most ADMINOPS_ITEM_MAX) with no holes.
 * Never opens a FIFO, device or link (fstatat first, then an
 * O_NOFOLLOW|O_NONBLOCK open whose fstat must match). 0 with *fd (read
 * position 0) and *size, or SD_ERR_NOTFOUND (missing), SD_ERR_FORMAT (why
 * says what is wrong) or SD_ERR_IO. fd NULL: the file is closed. */
int adminops_item_open(int dirfd, const char *name, int *fd, uint64_t *size,
    char why[ADMINOPS_WHY_MAX]);

/* What a walk of the spool found (tmp/ excluded). */
struct adminops_spool_count {
	uint64_t files;     /* items (depth 2 or 3) that a backup takes */
	uint64_t orphans;   /* ... with no row in the set */
	uint64_t misplaced; /* ... whose row names another batch, or none */
	uint64_t bad;       /* item names whose file a backup refuses (why) */
	uint64_t unknown;   /* source directories the database does not know */
	uint64_t empty;     /* empty source or batch directories */
	uint64_t strange;   /* anything else: unexpected names and kinds */
	char first_orphan[ADMINOPS_ITEM_PATH_MAX], first_misplaced[ADMINOPS_ITEM_PATH_MAX];
	char first_unknown[ADMINOPS_ITEM_PATH_MAX], first_empty[ADMINOPS_ITEM_PATH_MAX];
	char first_bad[ADMINOPS_ITEM_PATH_MAX + ADMINOPS_WHY_MAX], first_strange[4096];
};
/* Walk spool/ (an fd on it): mark each item's row in ids, count the rest;
 * srcs (NULL: not compared) the source ids the database knows. */
int adminops_spool_walk(int spfd, struct adminops_ids *ids, const struct adminops_idset *srcs,
    struct adminops_spool_count *k);

/* Set the mtime of every source and batch directory of spool/ to the
 * epoch. */
int adminops_epoch_dirs(int spfd);

/* Number of entries of a directory fd. */
int adminops_count_entries(int dirfd, unsigned *n);
/* A directory stream over a duplicate of fd, which stays the caller's,
 * from the first entry: 0, or SD_ERR_IO (errno kept). closedir() it. */
int adminops_opendir(int fd, DIR **out);

/* A file or directory name allowed under tor/: 1..64 of [A-Za-z0-9._-],
 * not starting with a dot or a dash. */
#define ADMINOPS_TOR_NAME_MAX 64
#define ADMINOPS_TOR_DEPTH_MAX 4
int adminops_tor_name_ok(const char *s, size_t len);

/* The members of a backup archive (docs/backup.md), as backup writes them
 * and restore takes them. */
enum adminops_member {
	M_MANIFEST, M_CONF, M_DB, M_ITEM, M_TORFILE,  /* regular files */
	M_SPOOLDIR, M_SRCDIR, M_BATCHDIR, M_TORDIR     /* directories */
};
#define ADMINOPS_MEMBER_NAME_MAX 200
#define ADMINOPS_MANIFEST_MAX 4096ULL
#define ADMINOPS_SMALL_MAX (1024ULL * 1024) /* sealdrop.conf, tor/ files */
#define ADMINOPS_DB_MAX (64ULL << 30)       /* sealdrop.db */
/* The kind of a member from its name (no trailing slash) and whether it
 * is a directory, or -1 when a backup has no such member. */
int adminops_member_kind(const char *name, int dir);
/* The largest size of a regular member of that kind. */
uint64_t adminops_member_max(int kind);

/* Open read-only (no migration, symlinks refused), with a deadline on
 * every statement, a heap bound from the file's size, no trusted schema,
 * and the schema checked (adminops_db_schema_ok). SD_ERR_FORMAT: the
 * schema has something sealdrop never makes; SD_ERR_IO: not opened. */
int adminops_db_open_ro(const char *path, struct sqlite3 **out);
/* 0 when the schema holds only tables and indexes, with sources, items
 * and recipients tables; SD_ERR_FORMAT when not, SD_ERR_IO unreadable. */
int adminops_db_schema_ok(struct sqlite3 *h);
void adminops_db_close(struct sqlite3 *h);
/* PRAGMA integrity_check: 0 when "ok", SD_ERR_FORMAT when not, SD_ERR_IO
 * when it cannot run (not a database). */
int adminops_db_integrity(struct sqlite3 *h);
int adminops_db_version(struct sqlite3 *h, int *version);
int adminops_db_recipients(struct sqlite3 *h, int64_t *n);
/* Every item row as a sorted set (marks cleared); the batch column from
 * schema 3 on. */
int adminops_db_items(struct sqlite3 *h, struct adminops_ids *out);
/* Every source id the database knows, as a sorted set. */
int adminops_db_sources(struct sqlite3 *h, struct adminops_idset *out);

/* 0 and *idx when p's source and item are in the set; SD_ERR_NOTFOUND
 * otherwise. */
int adminops_ids_find(const struct adminops_ids *s, const struct adminops_pair *p, size_t *idx);
void adminops_ids_free(struct adminops_ids *s);
/* 1 when id is in the set. */
int adminops_idset_has(const struct adminops_idset *s, const unsigned char id[SD_ID_BYTES]);
void adminops_idset_free(struct adminops_idset *s);

/* A consistent copy of the database at path in an in-memory database,
 * through the online backup API (sqlite3_backup_*), with foreign keys on. */
int adminops_db_snapshot(const char *path, struct sqlite3 **mem);
/* Delete an item's row from a snapshot (its file went away meanwhile). */
int adminops_db_drop_item(struct sqlite3 *mem, const unsigned char item[SD_ID_BYTES]);
/* The bytes of a database file holding the snapshot (sqlite3_serialize);
 * release with adminops_db_image_free, which wipes them. */
int adminops_db_image(struct sqlite3 *mem, unsigned char **buf, size_t *len);
void adminops_db_image_free(unsigned char *buf, size_t len);

/* Rewrite tor/torrc under stagefd (a restored instance) for the instance's
 * new absolute path. *moved: 1 rewritten, 0 no torrc or the same path, -1
 * the torrc names no path this code understands or the new path does not
 * fit a torrc (left as it was: edit it by hand). */
int adminops_torrc_move(int stagefd, const char *newpath, int *moved);

/* The instance path tor/torrc (under torfd, tor/) names. */
int adminops_torrc_names(int torfd, char out[PATH_MAX]);


#endif
