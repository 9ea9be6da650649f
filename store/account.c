/*
 * account.c - journalist credentials (see account.h): passphrases from the
 * EFF list, argon2id hashes through libsodium's crypto_pwhash_str, TOTP
 * through liboath. Every temporary copy of a secret is wiped.
 */
#include "account.h"
#include "codename.h"
#include "sderr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <liboath/oath.h>
#include <sodium.h>

int
account_init(void)
{
	return oath_init() == OATH_OK ? 0 : SD_ERR_CRYPTO;
}

int
account_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > DB_NAME_MAX || name[0] == '-' || name[0] == '_')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

int
account_passphrase_new(char out[ACCOUNT_PASSPHRASE_MAX + 1])
{
	char buf[CODENAME_MAX + 1];
	size_t len = 0;
	int e;

	/* A codename is exactly what a passphrase should be: 7 EFF words. */
	if ((e = codename_generate("en", buf, &len)) != 0)
		goto out;
	if (len > ACCOUNT_PASSPHRASE_MAX) {
		e = SD_ERR_TOOLONG;
		goto out;
	}
	memcpy(out, buf, len + 1);
out:
	sodium_memzero(buf, sizeof buf);
	return e;
}

int
account_hash(const char *pass, size_t len, char out[DB_PWHASH_MAX])
{
	char h[crypto_pwhash_STRBYTES];

	if (len == 0 || len > ACCOUNT_PASSPHRASE_INPUT_MAX)
		return SD_ERR_RANGE;
	if (crypto_pwhash_str_alg(h, pass, len, ACCOUNT_OPSLIMIT, ACCOUNT_MEMLIMIT,
		crypto_pwhash_ALG_ARGON2ID13) != 0)
		return SD_ERR_NOMEM;
	_Static_assert(crypto_pwhash_STRBYTES <= DB_PWHASH_MAX, "hash fits");
	memcpy(out, h, sizeof h);
	return 0;
}

int
account_verify(const char *hash, const char *pass, size_t len)
{
	if (len == 0 || len > ACCOUNT_PASSPHRASE_INPUT_MAX)
		return SD_ERR_AUTH;
	if (strnlen(hash, DB_PWHASH_MAX) >= DB_PWHASH_MAX)
		return SD_ERR_FORMAT;
	return crypto_pwhash_str_verify(hash, pass, len) == 0 ? 0 : SD_ERR_AUTH;
}

void
account_verify_dummy(const char *pass, size_t len)
{
	unsigned char out[32], salt[crypto_pwhash_SALTBYTES] = { 0 };

	if (len > ACCOUNT_PASSPHRASE_INPUT_MAX)
		len = ACCOUNT_PASSPHRASE_INPUT_MAX;
	if (crypto_pwhash(out, sizeof out, pass, len, salt, ACCOUNT_OPSLIMIT, ACCOUNT_MEMLIMIT,
		crypto_pwhash_ALG_ARGON2ID13) != 0)
		out[0] = 0; /* out of memory: the login fails anyway */
	sodium_memzero(out, sizeof out);
}

int
account_totp_b32(const unsigned char secret[DB_TOTP_BYTES], char b32[ACCOUNT_TOTP_B32_MAX + 1])
{
	char *s = NULL;
	size_t n = 0, j = 0;
	int e = SD_ERR_CRYPTO;

	if (oath_base32_encode((const char *)secret, DB_TOTP_BYTES, &s, &n) != OATH_OK)
		return e;
	for (size_t i = 0; i < n && s[i] != '=' && j < ACCOUNT_TOTP_B32_MAX; i++)
		b32[j++] = s[i];
	b32[j] = '\0';
	e = 0;
	sodium_memzero(s, n);
	free(s);
	return e;
}

int
account_totp_new(unsigned char secret[DB_TOTP_BYTES], char b32[ACCOUNT_TOTP_B32_MAX + 1])
{
	unsigned char s[DB_TOTP_BYTES];
	int e;

	randombytes_buf(s, sizeof s);
	if ((e = account_totp_b32(s, b32)) == 0)
		memcpy(secret, s, sizeof s);
	sodium_memzero(s, sizeof s);
	return e;
}

/* Percent-encode an URI component into a bounded buffer. */
static int
uri_escape(const char *in, char *out, size_t outsz)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t j = 0;

	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.';
		if (j + (plain ? 1 : 3) >= outsz)
			return SD_ERR_TOOLONG;
		if (plain) {
			out[j++] = (char)*p;
		} else {
			out[j++] = '%';
			out[j++] = hex[*p >> 4];
			out[j++] = hex[*p & 15];
		}
	}
	out[j] = '\0';
	return 0;
}

int
account_totp_uri(const char *issuer, const char *name, const unsigned char secret[DB_TOTP_BYTES],
    char out[ACCOUNT_URI_MAX])
{
	/* Escaped: 3 bytes for each byte of an instance name (at most 127)
	 * or of a user name. */
	char b32[ACCOUNT_TOTP_B32_MAX + 1], iss[3 * 127 + 1], nm[3 * DB_NAME_MAX + 1];
	int e, n;

	if ((e = uri_escape(issuer, iss, sizeof iss)) != 0 ||
	    (e = uri_escape(name, nm, sizeof nm)) != 0 || (e = account_totp_b32(secret, b32)) != 0)
		goto out;
	n = snprintf(out, ACCOUNT_URI_MAX,
	    "otpauth://totp/%s:%s?secret=%s&issuer=%s"
	    "&algorithm=SHA1&digits=6&period=30",
	    iss, nm, b32, iss);
	e = n > 0 && n < ACCOUNT_URI_MAX ? 0 : SD_ERR_TOOLONG;
out:
	sodium_memzero(b32, sizeof b32);
	return e;
}

int
account_totp_check(
    const unsigned char secret[DB_TOTP_BYTES], const char *code, time_t now, int64_t *step)
{
	int pos = 0, rc;

	if (strlen(code) != 6 || strspn(code, "0123456789") != 6)
		return SD_ERR_AUTH;
	rc = oath_totp_validate2(
	    (const char *)secret, DB_TOTP_BYTES, now, ACCOUNT_STEP, 0, 1, &pos, code);
	if (rc < 0)
		return SD_ERR_AUTH;
	*step = (int64_t)(now / ACCOUNT_STEP) + pos;
	return 0;
}

int
account_totp_code(const unsigned char secret[DB_TOTP_BYTES], time_t now, char out[7])
{
	return oath_totp_generate(
		   (const char *)secret, DB_TOTP_BYTES, now, ACCOUNT_STEP, 0, 6, out) == OATH_OK
	    ? 0
	    : SD_ERR_CRYPTO;
}
