/*
 * spool.h - the spool directory life cycle (docs/spool.md), entirely through
 * directory fds opened once: no path built from client input, every open
 * O_NOFOLLOW|O_CLOEXEC, O_EXCL when creating.
 *
 * A reply is one file: created in spool/tmp/<owner>/ under a random name,
 * written, then committed by one rename to <source-id>/<item-id>.sdbox. A
 * submission (a message and its files) is assembled in a staging directory
 * tmp/<owner>/<batch-id>/ and moved into place by one directory rename to
 * <source-id>/<batch-id>/, so it appears whole or not at all, also to
 * anyone copying the spool and after a crash at any point. Callers commit
 * while holding the database's write lock and record the rows in the same
 * transaction; spool_sweep removes what a crash left between the two.
 *
 * Every file and directory mtime the spool changes is reset to the epoch
 * (0) after the change, so the spool does not record when a source acted.
 * spool_open empties the owner's tmp/ directory. File and directory ctimes
 * cannot be reset (docs/threat-model.md).
 */
#ifndef SPOOL_H
#define SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "sdid.h"
#include "sderr.h"

#define SPOOL_TMPNAME_MAX 48

struct spool;

/* A file being written in tmp/. */
struct spool_tmp {
	int fd;
	char name[SPOOL_TMPNAME_MAX];
};

/* A submission being assembled in tmp/<owner>/<batch-id>/. */
struct spool_batch {
	int fd; /* the staging directory; -1 when none */
	unsigned char id[SD_ID_BYTES];
};

/* Create spool/ and spool/tmp/ (0700) under instance_dir. */
SD_MUST_CHECK
int spool_create(const char *instance_dir);
/* Open the spool of an instance for one owner ("source", "journalist",
 * "tool"): new files are made in spool/tmp/<owner>/, which is emptied now,
 * so one process starting never removes another's upload in progress.
 * *removed (may be NULL) receives the number of leftovers removed. */
SD_MUST_CHECK
int spool_open(const char *instance_dir, const char *owner, struct spool **out, unsigned *removed);
void spool_close(struct spool *sp);

/* A new exclusive file in tmp/ (0600). */
SD_MUST_CHECK
int spool_tmp_create(struct spool *sp, struct spool_tmp *out);
/* fsync, close and move into place as <source>/<item>.sdbox. The source
 * directory is created when missing. On failure the tmp file is removed. */
SD_MUST_CHECK
int spool_tmp_commit(struct spool *sp, struct spool_tmp *t, const unsigned char source[SD_ID_BYTES],
    const unsigned char item[SD_ID_BYTES]);
/* Close and remove; accepts an already-closed (fd < 0) one. */
void spool_tmp_abort(struct spool *sp, struct spool_tmp *t);

/* A new, empty staging directory for a submission (b->fd >= 0 on success). */
SD_MUST_CHECK
int spool_batch_create(struct spool *sp, struct spool_batch *b);
/* A new exclusive file <item>.sdbox (0600) in the staging directory. */
SD_MUST_CHECK
int spool_batch_file(struct spool_batch *b, const unsigned char item[SD_ID_BYTES], int *fd);
/* Remove one file of the staging directory (missing is not an error). */
void spool_batch_drop(struct spool_batch *b, const unsigned char item[SD_ID_BYTES]);
/* Make a written file durable and timeless: fsync, mtime reset, close
 * (the fd is closed whatever the result). */
SD_MUST_CHECK
int spool_file_settle(int fd);
/* Move a staging directory whose files were settled into place as
 * <source>/<batch>/ by one rename, the source directory created when
 * missing (*created tells). Call while holding the database write lock,
 * after checking the source still exists. On failure nothing moved. */
SD_MUST_CHECK
int spool_batch_commit(
    struct spool *sp, struct spool_batch *b, const unsigned char source[SD_ID_BYTES], int *created);
/* Take back a batch committed into place (the database refused its rows),
 * and the source directory when created says commit made it. */
SD_MUST_CHECK
int spool_batch_withdraw(struct spool *sp, const unsigned char source[SD_ID_BYTES],
    const unsigned char batch[SD_ID_BYTES], int created);
/* Remove a staging directory and every file in it; accepts b->fd < 0. */
void spool_batch_abort(struct spool *sp, struct spool_batch *b);

/* Open an item for reading (O_RDONLY): <source>/<item>.sdbox when batch is
 * NULL, else <source>/<batch>/<item>.sdbox. SD_ERR_NOTFOUND when missing. */
SD_MUST_CHECK
int spool_item_open(struct spool *sp, const unsigned char source[SD_ID_BYTES],
    const unsigned char *batch, const unsigned char item[SD_ID_BYTES], int *fd);
/* Remove an item file (missing is not an error), its batch directory when
 * it was the last file in it. */
SD_MUST_CHECK
int spool_item_remove(struct spool *sp, const unsigned char source[SD_ID_BYTES],
    const unsigned char *batch, const unsigned char item[SD_ID_BYTES]);
/* Remove a source directory, its batch directories and every file in them. */
SD_MUST_CHECK
int spool_source_remove(struct spool *sp, const unsigned char source[SD_ID_BYTES]);

/* What spool_sweep asks about each entry of the spool it recognises: a
 * source directory (batch and item NULL), an item of a source (batch
 * NULL), a batch directory (item NULL), an item of a batch (neither NULL).
 * Returns 1 to keep it, 0 to remove it (a directory with all it holds), a
 * negative error to stop. */
typedef int (*spool_keep_fn)(void *arg, const unsigned char source[SD_ID_BYTES],
    const unsigned char *batch, const unsigned char *item);
/* Remove what keep refuses and every empty source or batch directory;
 * names that are not the spool's own are left for sealdrop-admin check.
 * Call while holding the database write lock. *removed (may be NULL)
 * counts the files and directories removed. */
SD_MUST_CHECK
int spool_sweep(struct spool *sp, spool_keep_fn keep, void *arg, unsigned *removed);
/* Bytes available to unprivileged writers on the spool's file system. */
SD_MUST_CHECK
int spool_free_bytes(struct spool *sp, uint64_t *out);
/* Number of entries in tmp/ (for tests and checks). */
SD_MUST_CHECK
int spool_tmp_count(struct spool *sp, unsigned *out);

#endif
