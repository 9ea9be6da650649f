/*
 * sdkey.h - journalist keys: X25519 keypairs, the passphrase-sealed secret
 * key file and the public key text form.
 *
 * Secret key file (SDKEY_FILE_BYTES): magic, version, the argon2id
 * parameters and salt, the public key, and the secret key sealed with
 * crypto_secretbox under argon2id(passphrase). Parameters are bounded when
 * read, so a hostile key file cannot ask for unbounded memory or time.
 *
 * Public key text form: "sdpk1_" and 58 base32 characters (RFC 4648
 * alphabet, lower case, no padding) encoding the 32-byte key and a 4-byte
 * BLAKE2b checksum, so a mistyped or truncated key is refused.
 */
#ifndef SDKEY_H
#define SDKEY_H

#include <stddef.h>

#include "sderr.h"

#define SDKEY_PUBLICKEYBYTES 32
#define SDKEY_SECRETKEYBYTES 32
/* Size of a secret key file; its layout is in sdkey_int.h. */
#define SDKEY_FILE_BYTES 140
#define SDKEY_PUBTEXT_PREFIX "sdpk1_"
#define SDKEY_PUBTEXT_BYTES 64 /* prefix 6 + 58 base32, no NUL */

enum sdkey_kdf_level {
	SDKEY_KDF_INTERACTIVE, /* tests only: 64 MiB */
	SDKEY_KDF_MODERATE,    /* default: 256 MiB */
	SDKEY_KDF_SENSITIVE    /* 1 GiB */
};

/* A fresh X25519 keypair. */
SD_MUST_CHECK
int sdkey_keypair(unsigned char pk[SDKEY_PUBLICKEYBYTES], unsigned char sk[SDKEY_SECRETKEYBYTES]);

/* Seal sk (with its pk) under pass into out. */
SD_MUST_CHECK
int sdkey_seal(const unsigned char sk[SDKEY_SECRETKEYBYTES],
    const unsigned char pk[SDKEY_PUBLICKEYBYTES], const char *pass, size_t passlen,
    enum sdkey_kdf_level level, unsigned char out[SDKEY_FILE_BYTES]);

/* Open a key file's bytes. Checks that sk matches the stored pk. sk should
 * point to sodium_malloc'd memory; it is written only on success. */
SD_MUST_CHECK
int sdkey_open(const unsigned char *file, size_t len, const char *pass, size_t passlen,
    unsigned char sk[SDKEY_SECRETKEYBYTES], unsigned char pk[SDKEY_PUBLICKEYBYTES]);

/* Public key from a key file without the passphrase. */
SD_MUST_CHECK
int
sdkey_file_public(const unsigned char *file, size_t len, unsigned char pk[SDKEY_PUBLICKEYBYTES]);

/* Text form, NUL-terminated in out. */
SD_MUST_CHECK
int
sdkey_pub_encode(const unsigned char pk[SDKEY_PUBLICKEYBYTES], char out[SDKEY_PUBTEXT_BYTES + 1]);

/* Parse a text form; surrounding ASCII whitespace is ignored, upper case
 * accepted. SD_ERR_FORMAT for a wrong prefix, length or character,
 * SD_ERR_CHECKSUM for a checksum mismatch. */
SD_MUST_CHECK
int sdkey_pub_decode(const char *text, size_t len, unsigned char pk[SDKEY_PUBLICKEYBYTES]);

/* File helpers. */
SD_MUST_CHECK
int sdkey_load_secret(const char *path, const char *pass, size_t passlen,
    unsigned char sk[SDKEY_SECRETKEYBYTES], unsigned char pk[SDKEY_PUBLICKEYBYTES]);
SD_MUST_CHECK
int sdkey_load_public(const char *path, unsigned char pk[SDKEY_PUBLICKEYBYTES]);
/* Unlock the key file at path with the passphrase from passfile, or typed
 * at prompt (no echo) when passfile is NULL; the passphrase is wiped. On
 * failure *what names what failed, for the message: "the passphrase" (it
 * could not be read) or path. */
SD_MUST_CHECK
int sdkey_unlock(const char *path, const char *passfile, const char *prompt,
    unsigned char sk[SDKEY_SECRETKEYBYTES], unsigned char pk[SDKEY_PUBLICKEYBYTES],
    const char **what);

#endif
