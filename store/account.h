/*
 * account.h - journalist credentials: generated passphrases, their argon2id
 * hashes, TOTP secrets (RFC 6238 through liboath: SHA-1, 6 digits, 30 s
 * steps, one step of drift either way) and the enrolment URI.
 *
 * Used by sealdrop-admin (creating and resetting accounts) and by
 * sealdrop-journalist (logging in, enrolling a new second factor). Secrets
 * handed out are NUL-terminated and must be wiped by the caller.
 */
#ifndef ACCOUNT_H
#define ACCOUNT_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "db.h"
#include "sderr.h"

#define ACCOUNT_PASSPHRASE_MAX 160 /* 7 EFF words, NUL excluded */
#define ACCOUNT_PASSPHRASE_INPUT_MAX 256
#define ACCOUNT_TOTP_B32_MAX 40 /* base32 of 20 bytes is 32 characters */
#define ACCOUNT_URI_MAX 1024    /* an issuer of 127 bytes escaped twice fits */
#define ACCOUNT_STEP 30
#define ACCOUNT_OPSLIMIT 3ULL
#define ACCOUNT_MEMLIMIT (64U * 1024U * 1024U)

/* Initialise liboath; once per process. */
SD_MUST_CHECK
int account_init(void);
/* 1 when name is 1..DB_NAME_MAX of [a-z0-9_-] and starts with a letter or
 * digit: names appear in file names (tor client keys) and the audit log. */
SD_MUST_CHECK
int account_name_ok(const char *name);
/* A fresh passphrase of 7 words from the EFF large list. */
SD_MUST_CHECK
int account_passphrase_new(char out[ACCOUNT_PASSPHRASE_MAX + 1]);
/* argon2id hash string (crypto_pwhash_str) of a passphrase. */
SD_MUST_CHECK
int account_hash(const char *pass, size_t len, char out[DB_PWHASH_MAX]);
/* 0 when pass matches hash; SD_ERR_AUTH otherwise. */
SD_MUST_CHECK
int account_verify(const char *hash, const char *pass, size_t len);
/* Burn the same time as a verification, for an unknown user name. */
void account_verify_dummy(const char *pass, size_t len);
/* A fresh TOTP secret and its base32 text (no padding). */
SD_MUST_CHECK
int account_totp_new(unsigned char secret[DB_TOTP_BYTES], char b32[ACCOUNT_TOTP_B32_MAX + 1]);
SD_MUST_CHECK
int account_totp_b32(const unsigned char secret[DB_TOTP_BYTES], char b32[ACCOUNT_TOTP_B32_MAX + 1]);
/* otpauth://totp/ISSUER:NAME?secret=...&issuer=ISSUER&period=30&digits=6 */
SD_MUST_CHECK
int account_totp_uri(const char *issuer, const char *name,
    const unsigned char secret[DB_TOTP_BYTES], char out[ACCOUNT_URI_MAX]);
/* Check a 6-digit code at time now; *step gets the 30 s step it matched
 * (the caller must then claim it with db_journalist_use_step). */
SD_MUST_CHECK
int account_totp_check(
    const unsigned char secret[DB_TOTP_BYTES], const char *code, time_t now, int64_t *step);
/* The code of secret at time now (tests and the demo). */
SD_MUST_CHECK
int account_totp_code(const unsigned char secret[DB_TOTP_BYTES], time_t now, char out[7]);
#endif
