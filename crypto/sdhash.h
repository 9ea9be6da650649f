/*
 * sdhash.h - BLAKE2b of a stream, optionally computed on a helper thread so
 * that hashing frame i overlaps with encrypting or decrypting it.
 *
 * Internal to crypto/. The caller submits a buffer, does its own work on the
 * same buffer (read-only for both), then waits before touching the buffer
 * again. Without threading the submit hashes at once. The thread starts on
 * the first submit, so a small file never creates one.
 */
#ifndef SDHASH_H
#define SDHASH_H

#include <stddef.h>

#include <sodium.h>

struct sdhash;

/* Process-wide default for new hashers (0: inline, 1: helper thread). */
void sdhash_set_threaded(int on);

int sdhash_new(struct sdhash **out);
/* Start hashing buf (len bytes); buf must stay unchanged until sdhash_wait. */
int sdhash_submit(struct sdhash *h, const unsigned char *buf, size_t len);
/* Wait until the submitted buffer is hashed. */
int sdhash_wait(struct sdhash *h);
/* Finish (waits first); out gets crypto_generichash_BYTES. */
int sdhash_final(struct sdhash *h, unsigned char out[crypto_generichash_BYTES]);
/* Stop the thread and free; accepts NULL. */
void sdhash_free(struct sdhash *h);

#endif
