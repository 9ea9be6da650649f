/*
 * codename.h - source codenames: normalisation and the one argon2id
 * derivation that yields the login tag and the reply keypair seed.
 *
 * argon2id(normalised codename, instance salt) gives a 32-byte master key;
 * crypto_kdf derives from it, under context "sdcodenm", the login tag
 * (subkey 1, the only value stored to find a source) and the seed of the
 * source's reply X25519 keypair (subkey 2, only its public half is stored).
 */
#ifndef CODENAME_H
#define CODENAME_H

#include <stddef.h>

#include "sderr.h"

#define CODENAME_SALTBYTES 16
#define CODENAME_TAGBYTES 32
#define CODENAME_SEEDBYTES 32
#define CODENAME_MAX 160       /* normalised bytes, without NUL */
#define CODENAME_OPSLIMIT 2ULL /* argon2id, per derivation */
#define CODENAME_MEMLIMIT (64UL * 1024UL * 1024UL)

/*
 * Normalise a typed codename: ASCII letters folded to lower case, runs of
 * spaces, tabs and newlines turned into one space, ends trimmed. Only a-z,
 * '-' and separators are accepted (SD_ERR_FORMAT otherwise). out gets a
 * NUL-terminated result of at most CODENAME_MAX bytes (SD_ERR_TOOLONG).
 */
SD_MUST_CHECK
int codename_normalize(const char *in, size_t inlen, char out[CODENAME_MAX + 1], size_t *outlen);

#define CODENAME_WORDS 7

/* A new codename: CODENAME_WORDS words drawn with randombytes_uniform from
 * the list of lang ("fr": the French list, 26,000-odd words, about 100
 * bits; anything else: the EFF large word list, about 90 bits), separated
 * by single spaces, already normalised. out should be sodium_malloc'd by
 * the caller. A login accepts a codename from any list: normalisation and
 * the derivation do not depend on the list. */
SD_MUST_CHECK
int codename_generate(const char *lang, char out[CODENAME_MAX + 1], size_t *outlen);

/* Derive the login tag and reply seed from a normalised codename. */
SD_MUST_CHECK
int codename_derive(const char *codename, size_t len, const unsigned char salt[CODENAME_SALTBYTES],
    unsigned long long opslimit, size_t memlimit, unsigned char tag[CODENAME_TAGBYTES],
    unsigned char seed[CODENAME_SEEDBYTES]);

/* The reply keypair of a seed (crypto_box_seed_keypair). */
SD_MUST_CHECK
int codename_reply_keypair(
    const unsigned char seed[CODENAME_SEEDBYTES], unsigned char pk[32], unsigned char sk[32]);

#endif
