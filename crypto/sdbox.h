/*
 * sdbox.h - the .sdbox spool format: a streaming writer (version 2) and a
 * reader of versions 1 and 2.
 *
 * One .sdbox file holds one message, attachment or reply, encrypted as it
 * streams in under a fresh random file key that is sealed (crypto_box_seal)
 * to each of 1..SDBOX_RECIPIENTS_MAX recipient X25519 keys. Two subkeys come
 * from the file key (crypto_kdf): the secretstream key and the key of a
 * BLAKE2b MAC over the whole header; that MAC is the associated data of every
 * frame. Content frames carry exactly SDBOX_PAYLOAD_BYTES, so memory stays
 * bounded whatever the file size, and the file is padded to a Padme bucket.
 * Version 2 differs from version 1 only in the final frame's trailer: the
 * content length alone, without version 1's BLAKE2b of the content
 * (secretstream already authenticates every frame, their order and the end).
 * The byte layout and every check the reader makes are in
 * docs/spool-format.md.
 *
 * Neither side touches the file system: bytes go through a write callback
 * and come from a read callback (sdbox_fd_write / sdbox_fd_read for fds).
 *
 * This is the public header: what programs use (the layout constants of
 * the header, which sealdrop-open reads ahead, are part of it). The frame
 * and trailer layout and the version numbers are crypto/'s own, in
 * sdbox_int.h, for sdbox.c and its tests only.
 */
#ifndef SDBOX_H
#define SDBOX_H

#include <stddef.h>
#include <stdint.h>

#include "sderr.h"

#define SDBOX_MAGIC "\x89SDBOX\r\n"
#define SDBOX_MAGIC_BYTES 8
#define SDBOX_FIXED_BYTES 12 /* magic, version, flags, count, reserved */
#define SDBOX_RECIPIENTS_MAX 32
#define SDBOX_PUBLICKEYBYTES 32
#define SDBOX_SECRETKEYBYTES 32
#define SDBOX_STANZA_BYTES 80       /* crypto_box_SEALBYTES + file key */
#define SDBOX_STREAMHEADER_BYTES 24 /* secretstream header */
#define SDBOX_MAC_BYTES 32
#define SDBOX_PAYLOAD_BYTES 65536 /* content and padding frames */
#define SDBOX_NAME_MAX 255
#define SDBOX_MIME_MAX 255
#define SDBOX_REF_MAX 64

enum sdbox_kind { SDBOX_KIND_MESSAGE = 1, SDBOX_KIND_FILE = 2, SDBOX_KIND_REPLY = 3 };

/* Metadata of one file. Strings are NUL-terminated, hold no NUL byte, and
 * their lengths are bounded by the SDBOX_*_MAX constants. */
struct sdbox_meta {
	enum sdbox_kind kind;
	char name[SDBOX_NAME_MAX + 1]; /* original file name, "" for messages */
	char mime[SDBOX_MIME_MAX + 1]; /* claimed MIME type, may be "" */
	char ref[SDBOX_REF_MAX + 1];   /* source reference (designation id) */
	uint64_t time;                 /* unix time, rounded down to the hour */
};

/* Write all len bytes or return a negative sd_err code. */
typedef int (*sdbox_write_fn)(void *ctx, const unsigned char *buf, size_t len);
/* Read up to len bytes; *got < len only at end of input. 0 or negative. */
typedef int (*sdbox_read_fn)(void *ctx, unsigned char *buf, size_t len, size_t *got);

/* ctx is a pointer to an int fd. */
SD_MUST_CHECK
int sdbox_fd_write(void *ctx, const unsigned char *buf, size_t len);
SD_MUST_CHECK
int sdbox_fd_read(void *ctx, unsigned char *buf, size_t len, size_t *got);

struct sdbox_writer;

/*
 * Start a file: draws the file key, writes the header and the metadata frame.
 * recipients holds n public keys, 1 <= n <= SDBOX_RECIPIENTS_MAX. meta->time
 * is rounded down to the hour. On success *out owns a writer that must be
 * released with sdbox_writer_free, finished or not.
 */
SD_MUST_CHECK
int
sdbox_writer_new(struct sdbox_writer **out, const unsigned char (*recipients)[SDBOX_PUBLICKEYBYTES],
    size_t n, const struct sdbox_meta *meta, sdbox_write_fn fn, void *ctx);

/* Append content; encrypts and writes every full frame at once. */
SD_MUST_CHECK
int sdbox_writer_write(struct sdbox_writer *w, const void *data, size_t len);

/* Write the padding and the final frame. After an error the output is
 * incomplete and must be discarded. */
SD_MUST_CHECK
int sdbox_writer_finish(struct sdbox_writer *w);

/* Content bytes written so far. */
uint64_t sdbox_writer_content_len(const struct sdbox_writer *w);

/* Wipe the keys and free; accepts NULL. */
void sdbox_writer_free(struct sdbox_writer *w);

/* Size on disk of a (version 2) file of content_len bytes for n recipients. */
uint64_t sdbox_file_size(uint64_t content_len, size_t n);

struct sdbox_reader;

/*
 * Read and check the header with secret key sk (the public key is derived
 * from it), verify the header MAC and read the metadata frame. Opens
 * version 1 and version 2 files.
 */
SD_MUST_CHECK
int sdbox_reader_new(struct sdbox_reader **out, const unsigned char sk[SDBOX_SECRETKEYBYTES],
    sdbox_read_fn fn, void *ctx);

/* Metadata read by sdbox_reader_new. */
const struct sdbox_meta *sdbox_reader_meta(const struct sdbox_reader *r);

/*
 * Next piece of content: *chunk points into the reader (valid until the next
 * call) and *len is its size, at most SDBOX_PAYLOAD_BYTES. *len == 0 means
 * the file ended and everything verified (trailer, padding, end of input).
 * Content handed out before that is authenticated but the file as a whole is
 * not verified yet: keep it unreleased until this returns *len == 0.
 */
SD_MUST_CHECK
int sdbox_reader_read(struct sdbox_reader *r, const unsigned char **chunk, size_t *len);

/* Content length from the verified trailer (valid after the end). */
uint64_t sdbox_reader_content_len(const struct sdbox_reader *r);

/* Wipe and free; accepts NULL. */
void sdbox_reader_free(struct sdbox_reader *r);

#endif
