/*
 * sdkey.c - journalist keys: X25519 keypairs, the passphrase-sealed secret
 * key file and the checksummed public key text form (see sdkey.h).
 *
 * Key file, 140 bytes, integers little-endian:
 *   0  magic "\x89SDKEY\r\n"     8
 *   8  version = 1               1
 *   9  alg = 1 (argon2id13)      1
 *  10  reserved = 0              2
 *  12  opslimit                  4
 *  16  memlimit in KiB           4
 *  20  salt                     16
 *  36  public key               32
 *  68  nonce                    24
 *  92  secretbox(secret key)    48
 * The secretbox key is BLAKE2b-256 keyed with argon2id(passphrase, salt,
 * opslimit, memlimit) over bytes 0..92 (everything before the sealed box,
 * nonce included), so changing any header field, the public key or the
 * nonce makes the box fail to open. The reader checks the magic, version,
 * algorithm, reserved field and the argon2id bounds before running argon2id.
 *
 * Errors from sdkey_open: SD_ERR_FORMAT (bad magic, version, algorithm or
 * reserved field), SD_ERR_TRUNCATED / SD_ERR_TRAILING (wrong length),
 * SD_ERR_RANGE (argon2id parameters out of bounds), SD_ERR_PASSPHRASE (the
 * box does not open: wrong passphrase or a modified file), and SD_ERR_FORMAT
 * again when the box opens but the secret key does not match the stored
 * public key (a file made wrongly, since the passphrase was right;
 * sdkey_seal refuses such a pair).
 *
 * Every intermediate secret (argon2id output, box key, decrypted key) lives
 * in one sodium_malloc'd block, wiped and freed on every path.
 */
#include "sdkey.h"
#include "sdkey_int.h"
#include "sdbase32.h"
#include "sdbytes.h"
#include "sderr.h"
#include "sdio.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define KF_VERSION 1U
#define KF_ALG_ARGON2ID13 1U
#define OFF_VERSION 8
#define OFF_ALG 9
#define OFF_RESERVED 10
#define OFF_OPSLIMIT 12
#define OFF_MEMLIMIT 16
#define OFF_SALT 20
#define OFF_PK 36
#define OFF_NONCE 68
#define OFF_BOX 92
#define BOUND_BYTES OFF_BOX /* bytes bound into the box key */
#define BOX_BYTES (SDKEY_SECRETKEYBYTES + crypto_secretbox_MACBYTES)
#define KEYFILE_READ_MAX 4096
#define PUBFILE_READ_MAX 4096

#define PUB_TAG "sdpk1"
#define PUB_TAG_BYTES 5
#define PUB_PREFIX_BYTES 6
#define PUB_CHECKSUM_BYTES 4
#define PUB_RAW_BYTES (SDKEY_PUBLICKEYBYTES + PUB_CHECKSUM_BYTES) /* 36 */
#define PUB_B32_CHARS SD_BASE32_CHARS(PUB_RAW_BYTES)              /* 58; 2 spare bits, zero */

_Static_assert(OFF_BOX + BOX_BYTES == SDKEY_FILE_BYTES, "key file layout");
_Static_assert(OFF_NONCE + SDKEY_NONCEBYTES == OFF_BOX, "key file layout");
_Static_assert(SDKEY_NONCEBYTES == crypto_secretbox_NONCEBYTES, "nonce size");
_Static_assert(SDKEY_SALTBYTES == crypto_pwhash_SALTBYTES, "salt size");
_Static_assert(PUB_PREFIX_BYTES + PUB_B32_CHARS == SDKEY_PUBTEXT_BYTES, "text size");

/* The secrets of one seal or open, in one sodium_malloc'd block. */
struct kf_secrets {
	unsigned char argon[32];
	unsigned char boxkey[crypto_secretbox_KEYBYTES];
	unsigned char sk[SDKEY_SECRETKEYBYTES];
	unsigned char pk[SDKEY_PUBLICKEYBYTES];
};

static struct kf_secrets *
secrets_new(void)
{
	struct kf_secrets *s = sodium_malloc(sizeof *s);

	if (s != NULL)
		sodium_memzero(s, sizeof *s);
	return s;
}

static void
secrets_free(struct kf_secrets *s)
{
	if (s != NULL)
		sodium_free(s); /* wipes before unmapping */
}

static int
level_params(enum sdkey_kdf_level level, uint32_t *ops, uint32_t *memkib)
{
	switch (level) {
	case SDKEY_KDF_INTERACTIVE:
		*ops = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
		*memkib = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE / 1024U;
		return 0;
	case SDKEY_KDF_MODERATE:
		*ops = crypto_pwhash_argon2id_OPSLIMIT_MODERATE;
		*memkib = crypto_pwhash_argon2id_MEMLIMIT_MODERATE / 1024U;
		return 0;
	case SDKEY_KDF_SENSITIVE:
		*ops = crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE;
		*memkib = crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE / 1024U;
		return 0;
	default:
		return SD_ERR_ARG;
	}
}

/* Everything that can be checked without the passphrase. */
static int
header_check(const unsigned char *file, size_t len)
{
	uint64_t ops, mem;

	if (len < SDKEY_MAGIC_BYTES || memcmp(file, SDKEY_MAGIC, SDKEY_MAGIC_BYTES) != 0)
		return SD_ERR_FORMAT;
	if (len > OFF_VERSION && file[OFF_VERSION] != KF_VERSION)
		return SD_ERR_FORMAT;
	if (len < SDKEY_FILE_BYTES)
		return SD_ERR_TRUNCATED;
	if (len > SDKEY_FILE_BYTES)
		return SD_ERR_TRAILING;
	if (file[OFF_ALG] != KF_ALG_ARGON2ID13 || file[OFF_RESERVED] != 0 ||
	    file[OFF_RESERVED + 1] != 0)
		return SD_ERR_FORMAT;
	ops = sd_load_le32(file + OFF_OPSLIMIT);
	mem = (uint64_t)sd_load_le32(file + OFF_MEMLIMIT) * 1024U;
	if (ops < crypto_pwhash_argon2id_OPSLIMIT_MIN || ops > SDKEY_OPSLIMIT_MAX)
		return SD_ERR_RANGE;
	if (mem < crypto_pwhash_argon2id_MEMLIMIT_MIN || mem > SDKEY_MEMLIMIT_MAX)
		return SD_ERR_RANGE;
	return 0;
}

static int
pwhash_error(void)
{
	return errno == ENOMEM ? SD_ERR_NOMEM : SD_ERR_CRYPTO;
}

/* s->boxkey = BLAKE2b-256(key = argon2id(pass), file[0..BOUND_BYTES)).
 * The header must have passed header_check (or been built by sdkey_seal). */
static int
derive_boxkey(const unsigned char *file, const char *pass, size_t passlen, struct kf_secrets *s)
{
	unsigned long long ops = sd_load_le32(file + OFF_OPSLIMIT);
	size_t mem = (size_t)sd_load_le32(file + OFF_MEMLIMIT) * 1024U;
	int r = 0;

	errno = 0;
	if (crypto_pwhash(s->argon, sizeof s->argon, pass, passlen, file + OFF_SALT, ops, mem,
		crypto_pwhash_ALG_ARGON2ID13) != 0) {
		r = pwhash_error();
		goto out;
	}
	if (crypto_generichash(
		s->boxkey, sizeof s->boxkey, file, BOUND_BYTES, s->argon, sizeof s->argon) != 0)
		r = SD_ERR_CRYPTO;
out:
	sodium_memzero(s->argon, sizeof s->argon);
	return r;
}

int
sdkey_keypair(unsigned char pk[SDKEY_PUBLICKEYBYTES], unsigned char sk[SDKEY_SECRETKEYBYTES])
{
	unsigned char tpk[SDKEY_PUBLICKEYBYTES];
	struct kf_secrets *s = NULL;
	int r;

	if (pk == NULL || sk == NULL)
		return SD_ERR_ARG;
	if ((s = secrets_new()) == NULL)
		return SD_ERR_NOMEM;
	if (crypto_box_keypair(tpk, s->sk) != 0) {
		r = SD_ERR_CRYPTO;
		goto out;
	}
	memcpy(pk, tpk, sizeof tpk);
	memcpy(sk, s->sk, SDKEY_SECRETKEYBYTES);
	r = 0;
out:
	secrets_free(s);
	return r;
}

/* Magic, version, parameters, random salt, pk and random nonce. */
static void
header_build(
    unsigned char buf[SDKEY_FILE_BYTES], const unsigned char *pk, uint32_t ops, uint32_t memkib)
{
	memcpy(buf, SDKEY_MAGIC, SDKEY_MAGIC_BYTES);
	buf[OFF_VERSION] = KF_VERSION;
	buf[OFF_ALG] = KF_ALG_ARGON2ID13;
	buf[OFF_RESERVED] = 0;
	buf[OFF_RESERVED + 1] = 0;
	sd_store_le32(buf + OFF_OPSLIMIT, ops);
	sd_store_le32(buf + OFF_MEMLIMIT, memkib);
	randombytes_buf(buf + OFF_SALT, SDKEY_SALTBYTES);
	memcpy(buf + OFF_PK, pk, SDKEY_PUBLICKEYBYTES);
	randombytes_buf(buf + OFF_NONCE, SDKEY_NONCEBYTES);
}

static int
pass_check(const char *pass, size_t passlen)
{
	if (pass == NULL)
		return SD_ERR_ARG;
	if (passlen > SD_PASSPHRASE_MAX)
		return SD_ERR_TOOLONG;
	return 0;
}

int
sdkey_seal(const unsigned char sk[SDKEY_SECRETKEYBYTES],
    const unsigned char pk[SDKEY_PUBLICKEYBYTES], const char *pass, size_t passlen,
    enum sdkey_kdf_level level, unsigned char out[SDKEY_FILE_BYTES])
{
	unsigned char buf[SDKEY_FILE_BYTES];
	struct kf_secrets *s = NULL;
	uint32_t ops = 0, memkib = 0;
	int r;

	if (sk == NULL || pk == NULL || out == NULL || passlen == 0)
		return SD_ERR_ARG;
	if ((r = pass_check(pass, passlen)) != 0 || (r = level_params(level, &ops, &memkib)) != 0)
		return r;
	if ((s = secrets_new()) == NULL)
		return SD_ERR_NOMEM;
	if (crypto_scalarmult_base(s->pk, sk) != 0 ||
	    sodium_memcmp(s->pk, pk, SDKEY_PUBLICKEYBYTES) != 0) {
		r = SD_ERR_ARG; /* sk and pk are not a pair */
		goto out;
	}
	header_build(buf, pk, ops, memkib);
	if ((r = derive_boxkey(buf, pass, passlen, s)) != 0)
		goto out;
	if (crypto_secretbox_easy(
		buf + OFF_BOX, sk, SDKEY_SECRETKEYBYTES, buf + OFF_NONCE, s->boxkey) != 0) {
		r = SD_ERR_CRYPTO;
		goto out;
	}
	memcpy(out, buf, sizeof buf);
	r = 0;
out:
	sodium_memzero(buf, sizeof buf);
	secrets_free(s);
	return r;
}

int
sdkey_open(const unsigned char *file, size_t len, const char *pass, size_t passlen,
    unsigned char sk[SDKEY_SECRETKEYBYTES], unsigned char pk[SDKEY_PUBLICKEYBYTES])
{
	struct kf_secrets *s = NULL;
	int r;

	if (file == NULL || sk == NULL || pk == NULL)
		return SD_ERR_ARG;
	if ((r = pass_check(pass, passlen)) != 0 || (r = header_check(file, len)) != 0)
		return r;
	if ((s = secrets_new()) == NULL)
		return SD_ERR_NOMEM;
	if ((r = derive_boxkey(file, pass, passlen, s)) != 0)
		goto out;
	if (crypto_secretbox_open_easy(
		s->sk, file + OFF_BOX, BOX_BYTES, file + OFF_NONCE, s->boxkey) != 0) {
		r = SD_ERR_PASSPHRASE;
		goto out;
	}
	if (crypto_scalarmult_base(s->pk, s->sk) != 0 ||
	    sodium_memcmp(s->pk, file + OFF_PK, SDKEY_PUBLICKEYBYTES) != 0) {
		r = SD_ERR_FORMAT; /* opened, but sk does not match the stored pk */
		goto out;
	}
	memcpy(sk, s->sk, SDKEY_SECRETKEYBYTES);
	memcpy(pk, file + OFF_PK, SDKEY_PUBLICKEYBYTES);
	r = 0;
out:
	secrets_free(s);
	return r;
}

int
sdkey_file_public(const unsigned char *file, size_t len, unsigned char pk[SDKEY_PUBLICKEYBYTES])
{
	int r;

	if (file == NULL || pk == NULL)
		return SD_ERR_ARG;
	if ((r = header_check(file, len)) != 0)
		return r;
	memcpy(pk, file + OFF_PK, SDKEY_PUBLICKEYBYTES);
	return 0;
}

/* ---- public key text form ------------------------------------------------ */

/* First 4 bytes of BLAKE2b-256("sdpk1" || pk). */
static int
pub_checksum(const unsigned char *pk, unsigned char sum[PUB_CHECKSUM_BYTES])
{
	unsigned char msg[PUB_TAG_BYTES + SDKEY_PUBLICKEYBYTES], h[32];

	memcpy(msg, PUB_TAG, PUB_TAG_BYTES);
	memcpy(msg + PUB_TAG_BYTES, pk, SDKEY_PUBLICKEYBYTES);
	if (crypto_generichash(h, sizeof h, msg, sizeof msg, NULL, 0) != 0)
		return SD_ERR_CRYPTO;
	memcpy(sum, h, PUB_CHECKSUM_BYTES);
	return 0;
}

int
sdkey_pub_encode(const unsigned char pk[SDKEY_PUBLICKEYBYTES], char out[SDKEY_PUBTEXT_BYTES + 1])
{
	unsigned char raw[PUB_RAW_BYTES];
	char text[SDKEY_PUBTEXT_BYTES + 1];
	int r;

	if (pk == NULL || out == NULL)
		return SD_ERR_ARG;
	memcpy(raw, pk, SDKEY_PUBLICKEYBYTES);
	if ((r = pub_checksum(pk, raw + SDKEY_PUBLICKEYBYTES)) != 0)
		return r;
	memcpy(text, SDKEY_PUBTEXT_PREFIX, PUB_PREFIX_BYTES);
	if ((r = sd_base32_encode(
		 raw, sizeof raw, 0, text + PUB_PREFIX_BYTES, sizeof text - PUB_PREFIX_BYTES)) != 0)
		return r;
	text[SDKEY_PUBTEXT_BYTES] = '\0';
	memcpy(out, text, sizeof text);
	return 0;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static char
ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

int
sdkey_pub_decode(const char *text, size_t len, unsigned char pk[SDKEY_PUBLICKEYBYTES])
{
	unsigned char raw[PUB_RAW_BYTES], sum[PUB_CHECKSUM_BYTES];
	int r;

	if (text == NULL || pk == NULL)
		return SD_ERR_ARG;
	while (len > 0 && is_space(text[0])) {
		text++;
		len--;
	}
	while (len > 0 && is_space(text[len - 1]))
		len--;
	if (len != SDKEY_PUBTEXT_BYTES)
		return SD_ERR_FORMAT;
	for (size_t i = 0; i < PUB_PREFIX_BYTES; i++)
		if (ascii_lower(text[i]) != SDKEY_PUBTEXT_PREFIX[i])
			return SD_ERR_FORMAT;
	if ((r = sd_base32_decode(text + PUB_PREFIX_BYTES, PUB_B32_CHARS, raw, sizeof raw)) != 0)
		return r;
	if ((r = pub_checksum(raw, sum)) != 0)
		return r;
	if (memcmp(sum, raw + SDKEY_PUBLICKEYBYTES, PUB_CHECKSUM_BYTES) != 0)
		return SD_ERR_CHECKSUM;
	memcpy(pk, raw, SDKEY_PUBLICKEYBYTES);
	return 0;
}

/* ---- files ------------------------------------------------------------------ */

/* The one line of buf that is neither blank nor a '#' comment (leading
 * whitespace ignored); SD_ERR_FORMAT for none or more than one. */
static int
pub_key_line(const char *buf, size_t len, const char **line, size_t *linelen)
{
	const char *found = NULL;
	size_t foundlen = 0, i = 0;

	while (i < len) {
		size_t start = i, end;
		while (i < len && buf[i] != '\n')
			i++;
		end = i;
		if (i < len)
			i++; /* the '\n' */
		while (start < end && is_space(buf[start]))
			start++;
		if (start == end || buf[start] == '#')
			continue;
		if (found != NULL)
			return SD_ERR_FORMAT;
		found = buf + start;
		foundlen = end - start;
	}
	if (found == NULL)
		return SD_ERR_FORMAT;
	*line = found;
	*linelen = foundlen;
	return 0;
}

int
sdkey_load_public(const char *path, unsigned char pk[SDKEY_PUBLICKEYBYTES])
{
	unsigned char *buf = NULL;
	const char *line = NULL;
	size_t len = 0, linelen = 0;
	int r;

	if (path == NULL || pk == NULL)
		return SD_ERR_ARG;
	if ((r = sd_read_small_file(path, PUBFILE_READ_MAX, &buf, &len)) != 0)
		return r;
	if ((r = pub_key_line((const char *)buf, len, &line, &linelen)) != 0)
		goto out;
	r = sdkey_pub_decode(line, linelen, pk);
out:
	free(buf);
	return r;
}

int
sdkey_load_secret(const char *path, const char *pass, size_t passlen,
    unsigned char sk[SDKEY_SECRETKEYBYTES], unsigned char pk[SDKEY_PUBLICKEYBYTES])
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int r;

	if (path == NULL || sk == NULL || pk == NULL)
		return SD_ERR_ARG;
	if ((r = sd_read_small_file(path, KEYFILE_READ_MAX, &buf, &len)) != 0)
		return r;
	r = sdkey_open(buf, len, pass, passlen, sk, pk);
	sodium_memzero(buf, len);
	free(buf);
	return r;
}

int
sdkey_unlock(const char *path, const char *passfile, const char *prompt,
    unsigned char sk[SDKEY_SECRETKEYBYTES], unsigned char pk[SDKEY_PUBLICKEYBYTES],
    const char **what)
{
	struct sd_secret pass = { 0 };
	int e;

	e = passfile ? sd_secret_from_file(passfile, &pass) : sd_secret_prompt(prompt, 0, &pass);
	if (e != 0) {
		*what = "the passphrase";
		return e;
	}
	e = sdkey_load_secret(path, pass.buf, pass.len, sk, pk);
	sd_secret_free(&pass);
	if (e != 0)
		*what = path;
	return e;
}
