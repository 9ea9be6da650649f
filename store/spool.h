/*
 * spool.h - the spool directory life cycle (docs/spool.md), entirely through
 * directory fds opened once: no path built from client input, every open
 * O_NOFOLLOW|O_CLOEXEC, O_EXCL when creating.
 *
 * A new file is created in spool/tmp/ under a random name, written, then
 * committed: fsync, rename to <source-id>/<item-id>.sdbox, mtime reset to
 * the epoch (the directories' too), fsync of both directories. An abort
 * unlinks it. spool_open empties the owner's tmp/ directory, so a crash
 * never leaves a partial file behind for long, and a partial file is never
 * visible under a source directory. File ctimes cannot be reset: they
 * still record when an item was written (docs/spool.md).
 */
#ifndef SPOOL_H
#define SPOOL_H

#include <stddef.h>
#include <stdint.h>

#define SPOOL_ID_BYTES 16
#define SPOOL_TMPNAME_MAX 48

struct spool;

/* A file being written in tmp/. */
struct spool_tmp {
	int fd;
	char name[SPOOL_TMPNAME_MAX];
};

/* Create spool/ and spool/tmp/ (0700) under instance_dir. */
int spool_create(const char *instance_dir);
/* Open the spool of an instance for one owner ("source", "journalist",
 * "tool"): new files are made in spool/tmp/<owner>/, which is emptied now,
 * so one process starting never removes another's upload in progress.
 * *removed (may be NULL) receives the number of leftovers removed. */
int spool_open(const char *instance_dir, const char *owner, struct spool **out,
    unsigned *removed);
void spool_close(struct spool *sp);

/* A new exclusive file in tmp/ (0600). */
int spool_tmp_create(struct spool *sp, struct spool_tmp *out);
/* fsync, close and move into place as <source>/<item>.sdbox. The source
 * directory is created when missing. On failure the tmp file is removed. */
int spool_tmp_commit(struct spool *sp, struct spool_tmp *t,
    const unsigned char source[SPOOL_ID_BYTES], const unsigned char item[SPOOL_ID_BYTES]);
/* Close and remove; accepts an already-closed (fd < 0) one. */
void spool_tmp_abort(struct spool *sp, struct spool_tmp *t);

/* Open an item for reading (O_RDONLY). SD_ERR_NOKEY when it is missing. */
int spool_item_open(struct spool *sp, const unsigned char source[SPOOL_ID_BYTES],
    const unsigned char item[SPOOL_ID_BYTES], int *fd);
/* Remove an item file (missing is not an error). */
int spool_item_remove(struct spool *sp, const unsigned char source[SPOOL_ID_BYTES],
    const unsigned char item[SPOOL_ID_BYTES]);
/* Remove a source directory and every file in it. */
int spool_source_remove(struct spool *sp, const unsigned char source[SPOOL_ID_BYTES]);
/* Bytes available to unprivileged writers on the spool's file system. */
int spool_free_bytes(struct spool *sp, uint64_t *out);
/* Number of entries in tmp/ (for tests and checks). */
int spool_tmp_count(struct spool *sp, unsigned *out);

/* 32 lower-case hex characters and a NUL. */
void spool_hex(const unsigned char id[SPOOL_ID_BYTES], char out[2 * SPOOL_ID_BYTES + 1]);

#endif
