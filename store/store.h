/*
 * store.h - operations that span the database, the spool and the .sdbox
 * format, shared by the daemons, sealdrop-admin and tests: loading the
 * recipient keys, sealing a reply, deleting items and sources, reading the
 * instance's codename parameters.
 *
 * Order of effects: a new item is written to tmp/, then renamed into place
 * and its rows inserted inside one database write transaction (a crash
 * leaves at most an orphan file or batch, which store_recover removes at
 * the next start, never a row without a file); a deleted item loses its row
 * first, then its file. A submission's files are one batch directory, so
 * they appear together or not at all.
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <limits.h>
#include <stdint.h>

#include "codename.h"
#include "conf.h"
#include "db.h"
#include "sdbox.h"
#include "spool.h"
#include "sderr.h"

#define STORE_REPLY_MAX (64 * 1024) /* bytes of reply text */

/* What a daemon opens at start-up: sealdrop.conf over the defaults into
 * conf, the existing database (migrated), and the spool with owner's tmp
 * directory emptied and the spool swept by store_recover (*removed:
 * leftovers of a previous run). On failure nothing is
 * left open and err says what and where, for the fatal message. */
#define STORE_ERR_MAX (PATH_MAX + CONF_ERR_MAX + 128)
SD_MUST_CHECK
int store_instance_open(const char *inst, const char *owner, struct conf *conf, struct db **db,
    struct spool **sp, unsigned *removed, char err[STORE_ERR_MAX]);

/* The instance's codename salt and argon2id parameters. */
struct store_codename_params {
	unsigned char salt[CODENAME_SALTBYTES];
	unsigned long long opslimit;
	size_t memlimit;
};
SD_MUST_CHECK
int store_codename_params(struct db *db, struct store_codename_params *out);

/* Every recipient key (0 keys is SD_ERR_NOTFOUND: nobody could read a file). */
SD_MUST_CHECK
int
store_recipients(struct db *db, unsigned char (*pks)[SDBOX_PUBLICKEYBYTES], size_t max, size_t *n);

/* "<32 hex>:<seq>", the metadata ref of an item (docs/spool.md). */
void store_ref(const unsigned char source[SD_ID_BYTES], int64_t seq, char out[SDBOX_REF_MAX + 1]);

/* Seal text as a reply of a source to its reply key and every recipient,
 * commit it to the spool and record it. *item_out (may be NULL) gets it. */
SD_MUST_CHECK
int store_reply_add(struct db *db, struct spool *sp, const struct db_source *src, const char *text,
    size_t len, struct db_item *item_out);

/* Read a reply with the source's reply secret key into out (bounded by
 * STORE_REPLY_MAX). Verifies kind and ref against the source. */
SD_MUST_CHECK
int store_reply_read(struct spool *sp, const struct db_source *src, const struct db_item *item,
    const unsigned char sk[32], char **out, size_t *len);

/* Commit a submission: the staging directory b moves into place as
 * <source>/<batch>/ and the rows of items[0..n) (id, kind, seq, size,
 * created_hour set by the caller) are recorded with it, in one write
 * transaction; the source is touched and no longer pending. On failure
 * nothing is visible and b is still the caller's to abort. */
struct store_share {
	unsigned percent; /* of (free + stored today); 100 or more: no share */
	uint64_t free_bytes;
};
/* With share non-NULL, a source without any journalist reply is held to
 * the day's share, counted inside the transaction (uploads running side
 * by side cannot pass it together): SD_ERR_RANGE, nothing visible. */
SD_MUST_CHECK
int store_batch_commit(struct db *db, struct spool *sp, struct spool_batch *b, int64_t source_row,
    struct db_item *items, size_t n, const struct store_share *share);

/* Remove from the spool what a crash left between a rename and its rows:
 * files, batches and source directories the database does not know, and
 * empty directories. Run at start-up (store_instance_open does). */
SD_MUST_CHECK
int store_recover(struct db *db, struct spool *sp, unsigned *removed);

/* Delete an item: row, then file. */
SD_MUST_CHECK
int store_item_delete(
    struct db *db, struct spool *sp, const struct db_source *src, const struct db_item *item);
/* A source deletes a reply it read: the row stays, marked, as a read
 * receipt for journalists; the file goes. SD_ERR_NOTFOUND when the item is
 * not a reply of src or was already deleted. */
SD_MUST_CHECK
int store_reply_delete_by_source(
    struct db *db, struct spool *sp, const struct db_source *src, const struct db_item *item);
/* Delete a source: rows, then its spool directory. */
SD_MUST_CHECK
int store_source_delete(struct db *db, struct spool *sp, const struct db_source *src);

#endif
