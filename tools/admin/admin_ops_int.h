/*
 * admin_ops_int.h - what tools/admin/admin_ops_*.c share, not used elsewhere:
 * strict spool name parsing, the walk of the spool against the items the
 * database lists (store/db_admin.h: the read-only view of the database, no
 * migration, so a check or a backup never changes the database it looks
 * at), backup members and the removal of a directory tree this process
 * made.
 *
 * The spool layout is docs/spool.md's: items at depth 2
 * (<source>/<item>.sdbox) or 3 (<source>/<batch>/<item>.sdbox).
 */
#ifndef ADMIN_INT_H
#define ADMIN_INT_H

#include <dirent.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "db_admin.h"

/* "spool/<source>/<item>.sdbox" or "spool/<source>/<batch>/<item>.sdbox"
 * of an item; out holds at least ADMINOPS_ITEM_PATH_MAX bytes. */
#define ADMINOPS_ITEM_PATH_MAX 128
void adminops_item_path(const struct db_admin_pair *p, char *out);

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
int adminops_item_open(
    int dirfd, const char *name, int *fd, uint64_t *size, char why[ADMINOPS_WHY_MAX]);

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
int adminops_spool_walk(int spfd, struct db_admin_ids *ids, const struct db_admin_idset *srcs,
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
	M_MANIFEST,
	M_CONF,
	M_DB,
	M_ITEM,
	M_TORFILE, /* regular files */
	M_SPOOLDIR,
	M_SRCDIR,
	M_BATCHDIR,
	M_TORDIR /* directories */
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

#endif
