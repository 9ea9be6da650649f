/*
 * admin_int.h - what tools/admin_*.c share, not used elsewhere: a direct,
 * read-only view of an instance's database (sqlite3, no migration, so a
 * check or a backup never changes the database it looks at), the in-memory
 * snapshot a backup is made from, sorted sets of spool ids, strict spool
 * name parsing and the removal of a directory tree this process made.
 *
 * The queries here read the tables of schema 1 (sources, items,
 * recipients); later migrations add tables but must keep these columns.
 */
#ifndef ADMIN_INT_H
#define ADMIN_INT_H

#include <dirent.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#define ADMINOPS_ID_BYTES 16
#define ADMINOPS_HEX_BYTES 32

struct sqlite3;

/* One spool item: <source id hex>/<item id hex>.sdbox. */
struct adminops_pair {
	unsigned char src[ADMINOPS_ID_BYTES];
	unsigned char item[ADMINOPS_ID_BYTES];
};

/* A sorted set of items with a mark per item. */
struct adminops_ids {
	struct adminops_pair *v;
	unsigned char *mark;
	size_t n, cap;
};

/* Exactly 32 lower-case hex characters (len bytes of s) into out. */
int adminops_hex_id(const char *s, size_t len, unsigned char out[ADMINOPS_ID_BYTES]);
/* "<32 hex>.sdbox" into the item id. */
int adminops_item_name(const char *name, unsigned char item[ADMINOPS_ID_BYTES]);

/* What a walk of the spool found. */
struct adminops_spool_count {
	uint64_t files;   /* <32 hex>/<32 hex>.sdbox regular files */
	uint64_t orphans; /* ... with no row in the set */
	uint64_t strange; /* anything else (tmp/ excluded) */
	char first_orphan[128], first_strange[4096];
};
/* Walk spool/ (an fd on it): mark each file's row in ids, count the rest. */
int adminops_spool_walk(int spfd, struct adminops_ids *ids, struct adminops_spool_count *k);

/* Set the mtime of every source directory of spool/ to the epoch. */
int adminops_epoch_dirs(int spfd);

/* Number of entries of a directory fd. */
int adminops_count_entries(int dirfd, unsigned *n);
/* A directory stream over a duplicate of fd, which stays the caller's:
 * 0, or SD_ERR_IO (errno kept). closedir() the stream. */
int adminops_opendir(int fd, DIR **out);

/* A file or directory name allowed under tor/: 1..64 of [A-Za-z0-9._-],
 * not starting with a dot or a dash. */
#define ADMINOPS_TOR_NAME_MAX 64
#define ADMINOPS_TOR_DEPTH_MAX 4
int adminops_tor_name_ok(const char *s, size_t len);

/* Open read-only (no migration, symlinks refused). */
int adminops_db_open_ro(const char *path, struct sqlite3 **out);
void adminops_db_close(struct sqlite3 *h);
/* PRAGMA integrity_check: 0 when "ok", SD_ERR_FORMAT when not, SD_ERR_IO
 * when it cannot run (not a database). */
int adminops_db_integrity(struct sqlite3 *h);
int adminops_db_version(struct sqlite3 *h, int *version);
int adminops_db_recipients(struct sqlite3 *h, int64_t *n);
/* Every item row as a sorted set (marks cleared). */
int adminops_db_items(struct sqlite3 *h, struct adminops_ids *out);

/* 0 and *idx when p is in the set; SD_ERR_NOKEY otherwise. */
int adminops_ids_find(const struct adminops_ids *s, const struct adminops_pair *p, size_t *idx);
void adminops_ids_free(struct adminops_ids *s);

/* A consistent copy of the database at path in an in-memory database,
 * through the online backup API (sqlite3_backup_*), with foreign keys on. */
int adminops_db_snapshot(const char *path, struct sqlite3 **mem);
/* Delete an item's row from a snapshot (its file went away meanwhile). */
int adminops_db_drop_item(struct sqlite3 *mem, const unsigned char item[ADMINOPS_ID_BYTES]);
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

/* Remove name (a directory tree this process created) under dirfd:
 * regular files and directories only, no symlink followed. */
int adminops_rmtree(int dirfd, const char *name);

#endif
