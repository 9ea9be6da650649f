/*
 * test_sdkey.c - unit tests for crypto/sdkey.c: keypairs, the sealed key
 * file (round trip, wrong passphrase, every header field tampered, every
 * truncation, a file built independently from the documented layout), the
 * public key text form (round trip, known vectors, whitespace and case,
 * every single-character substitution, every truncation, prefix, spare
 * bits) and the file helpers. Sealing uses SDKEY_KDF_INTERACTIVE once per
 * run (group setup); tampered copies that reach argon2id cost one run each.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "sderr.h"
#include "sdio.h"
#include "sdkey.h"
#include "sdkey_int.h"

#define PASS "correct horse battery staple"
#define PASSLEN (sizeof PASS - 1)

/* offsets of the documented layout */
#define O_VERSION 8
#define O_ALG 9
#define O_RESERVED 10
#define O_OPS 12
#define O_MEM 16
#define O_SALT 20
#define O_PK 36
#define O_NONCE 68
#define O_BOX 92

static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";

struct fixture {
	unsigned char pk[SDKEY_PUBLICKEYBYTES];
	unsigned char *sk; /* sodium_malloc'd */
	unsigned char file[SDKEY_FILE_BYTES];
	char dir[64];
};

static struct fixture fx;

static int
group_setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	fx.sk = sodium_malloc(SDKEY_SECRETKEYBYTES);
	if (fx.sk == NULL || sdkey_keypair(fx.pk, fx.sk) != 0)
		return -1;
	if (sdkey_seal(fx.sk, fx.pk, PASS, PASSLEN, SDKEY_KDF_INTERACTIVE, fx.file) != 0)
		return -1;
	snprintf(fx.dir, sizeof fx.dir, "/tmp/test_sdkey.XXXXXX");
	return mkdtemp(fx.dir) == NULL ? -1 : 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	sodium_free(fx.sk);
	return rmdir(fx.dir);
}

static void
put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Open a copy of the fixture file with byte off XORed with mask. */
static int
open_flipped(size_t off, unsigned char mask)
{
	unsigned char f[SDKEY_FILE_BYTES], sk[32], pk[32];

	memcpy(f, fx.file, sizeof f);
	f[off] ^= mask;
	return sdkey_open(f, sizeof f, PASS, PASSLEN, sk, pk);
}

/* Open a copy of the fixture file with a 32-bit field replaced. */
static int
open_field32(size_t off, uint32_t v)
{
	unsigned char f[SDKEY_FILE_BYTES], sk[32], pk[32];

	memcpy(f, fx.file, sizeof f);
	put32(f + off, v);
	return sdkey_open(f, sizeof f, PASS, PASSLEN, sk, pk);
}

static void
test_keypair(void **state)
{
	unsigned char pk1[32], sk1[32], pk2[32], sk2[32], chk[32];

	(void)state;
	assert_int_equal(sdkey_keypair(pk1, sk1), 0);
	assert_int_equal(sdkey_keypair(pk2, sk2), 0);
	assert_int_equal(crypto_scalarmult_base(chk, sk1), 0);
	assert_memory_equal(chk, pk1, 32);
	assert_memory_not_equal(pk1, pk2, 32);
	assert_memory_not_equal(sk1, sk2, 32);
	assert_int_equal(sdkey_keypair(NULL, sk1), SD_ERR_ARG);
	sodium_memzero(sk1, sizeof sk1);
	sodium_memzero(sk2, sizeof sk2);
}

static void
test_layout(void **state)
{
	(void)state;
	assert_memory_equal(fx.file, SDKEY_MAGIC, SDKEY_MAGIC_BYTES);
	assert_int_equal(fx.file[O_VERSION], 1);
	assert_int_equal(fx.file[O_ALG], 1);
	assert_int_equal(fx.file[O_RESERVED], 0);
	assert_int_equal(fx.file[O_RESERVED + 1], 0);
	assert_int_equal(get32(fx.file + O_OPS), crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
	assert_int_equal(
	    get32(fx.file + O_MEM), crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE / 1024U);
	assert_memory_equal(fx.file + O_PK, fx.pk, 32);
}

static void
test_roundtrip(void **state)
{
	unsigned char *sk = sodium_malloc(32), pk[32];

	(void)state;
	assert_non_null(sk);
	assert_int_equal(sdkey_open(fx.file, sizeof fx.file, PASS, PASSLEN, sk, pk), 0);
	assert_memory_equal(sk, fx.sk, 32);
	assert_memory_equal(pk, fx.pk, 32);
	sodium_free(sk);
}

/* Two seals of the same key differ (fresh salt and nonce). */
static void
test_seal_fresh(void **state)
{
	unsigned char f2[SDKEY_FILE_BYTES];

	(void)state;
	assert_int_equal(sdkey_seal(fx.sk, fx.pk, PASS, PASSLEN, SDKEY_KDF_INTERACTIVE, f2), 0);
	assert_memory_not_equal(f2 + O_SALT, fx.file + O_SALT, SDKEY_SALTBYTES);
	assert_memory_not_equal(f2 + O_NONCE, fx.file + O_NONCE, SDKEY_NONCEBYTES);
	assert_memory_equal(f2 + O_PK, fx.file + O_PK, 32);
}

static void
test_seal_args(void **state)
{
	unsigned char out[SDKEY_FILE_BYTES], pk2[32], sk2[32];

	(void)state;
	assert_int_equal(sdkey_keypair(pk2, sk2), 0);
	/* sk and pk not a pair */
	assert_int_equal(
	    sdkey_seal(fx.sk, pk2, PASS, PASSLEN, SDKEY_KDF_INTERACTIVE, out), SD_ERR_ARG);
	assert_int_equal(sdkey_seal(fx.sk, fx.pk, PASS, 0, SDKEY_KDF_INTERACTIVE, out), SD_ERR_ARG);
	assert_int_equal(sdkey_seal(fx.sk, fx.pk, NULL, 3, SDKEY_KDF_INTERACTIVE, out), SD_ERR_ARG);
	assert_int_equal(
	    sdkey_seal(fx.sk, fx.pk, PASS, PASSLEN, (enum sdkey_kdf_level)7, out), SD_ERR_ARG);
	assert_int_equal(
	    sdkey_seal(fx.sk, fx.pk, PASS, SD_PASSPHRASE_MAX + 1, SDKEY_KDF_INTERACTIVE, out),
	    SD_ERR_TOOLONG);
	sodium_memzero(sk2, sizeof sk2);
}

static void
test_wrong_passphrase(void **state)
{
	unsigned char sk[32], pk[32];

	(void)state;
	assert_int_equal(sdkey_open(fx.file, sizeof fx.file, "correct horse battery stapler",
			     PASSLEN + 1, sk, pk),
	    SD_ERR_PASSPHRASE);
	assert_int_equal(
	    sdkey_open(fx.file, sizeof fx.file, PASS, PASSLEN - 1, sk, pk), SD_ERR_PASSPHRASE);
	assert_int_equal(sdkey_open(fx.file, sizeof fx.file, "", 0, sk, pk), SD_ERR_PASSPHRASE);
}

static void
test_tamper_magic(void **state)
{
	(void)state;
	for (size_t i = 0; i < SDKEY_MAGIC_BYTES; i++)
		assert_int_equal(open_flipped(i, 0x01), SD_ERR_FORMAT);
}

static void
test_tamper_version_alg_reserved(void **state)
{
	unsigned char f[SDKEY_FILE_BYTES], pk[32];

	(void)state;
	assert_int_equal(open_flipped(O_VERSION, 0x01), SD_ERR_FORMAT); /* 0 */
	assert_int_equal(open_flipped(O_VERSION, 0x03), SD_ERR_FORMAT); /* 2 */
	assert_int_equal(open_flipped(O_ALG, 0x01), SD_ERR_FORMAT);
	assert_int_equal(open_flipped(O_ALG, 0x02), SD_ERR_FORMAT);
	assert_int_equal(open_flipped(O_RESERVED, 0x01), SD_ERR_FORMAT);
	assert_int_equal(open_flipped(O_RESERVED + 1, 0x80), SD_ERR_FORMAT);
	/* the passphrase-free reader checks the same fields */
	memcpy(f, fx.file, sizeof f);
	f[O_RESERVED] = 1;
	assert_int_equal(sdkey_file_public(f, sizeof f, pk), SD_ERR_FORMAT);
}

static void
test_tamper_opslimit(void **state)
{
	(void)state;
	assert_int_equal(open_field32(O_OPS, 0), SD_ERR_RANGE);
	assert_int_equal(open_field32(O_OPS, SDKEY_OPSLIMIT_MAX + 1), SD_ERR_RANGE);
	assert_int_equal(open_field32(O_OPS, 0xffffffffU), SD_ERR_RANGE);
	/* in bounds but changed: authenticated, so the box does not open */
	assert_int_equal(open_field32(O_OPS, 1), SD_ERR_PASSPHRASE);
}

static void
test_tamper_memlimit(void **state)
{
	uint32_t max_kib = (uint32_t)(SDKEY_MEMLIMIT_MAX / 1024U);

	(void)state;
	assert_int_equal(open_field32(O_MEM, 0), SD_ERR_RANGE);
	assert_int_equal(
	    open_field32(O_MEM, crypto_pwhash_argon2id_MEMLIMIT_MIN / 1024U - 1U), SD_ERR_RANGE);
	assert_int_equal(open_field32(O_MEM, max_kib + 1U), SD_ERR_RANGE);
	assert_int_equal(open_field32(O_MEM, 0xffffffffU), SD_ERR_RANGE);
	/* in bounds but changed (8 MiB, quick) */
	assert_int_equal(open_field32(O_MEM, 8192), SD_ERR_PASSPHRASE);
}

static void
test_tamper_salt_pk_nonce_box(void **state)
{
	(void)state;
	assert_int_equal(open_flipped(O_SALT + 5, 0x10), SD_ERR_PASSPHRASE);
	assert_int_equal(open_flipped(O_PK + 31, 0x01), SD_ERR_PASSPHRASE);
	assert_int_equal(open_flipped(O_NONCE, 0x80), SD_ERR_PASSPHRASE);
	assert_int_equal(open_flipped(O_BOX, 0x01), SD_ERR_PASSPHRASE);                /* MAC */
	assert_int_equal(open_flipped(SDKEY_FILE_BYTES - 1, 0x40), SD_ERR_PASSPHRASE); /* ct */
}

static void
test_wrong_length(void **state)
{
	unsigned char big[SDKEY_FILE_BYTES + 1], sk[32], pk[32];

	(void)state;
	for (size_t n = 0; n < SDKEY_FILE_BYTES; n++) {
		int want = n < SDKEY_MAGIC_BYTES ? SD_ERR_FORMAT : SD_ERR_TRUNCATED;
		assert_int_equal(sdkey_open(fx.file, n, PASS, PASSLEN, sk, pk), want);
		assert_int_equal(sdkey_file_public(fx.file, n, pk), want);
	}
	memcpy(big, fx.file, SDKEY_FILE_BYTES);
	big[SDKEY_FILE_BYTES] = 0;
	assert_int_equal(sdkey_open(big, sizeof big, PASS, PASSLEN, sk, pk), SD_ERR_TRAILING);
	assert_int_equal(sdkey_file_public(big, sizeof big, pk), SD_ERR_TRAILING);
	assert_int_equal(sdkey_open(NULL, 0, PASS, PASSLEN, sk, pk), SD_ERR_ARG);
	assert_int_equal(sdkey_open(fx.file, sizeof fx.file, NULL, 0, sk, pk), SD_ERR_ARG);
}

/* Outputs are not written when sdkey_open fails. */
static void
test_no_output_on_failure(void **state)
{
	unsigned char sk[32], pk[32], f[SDKEY_FILE_BYTES], ones[32];

	(void)state;
	memset(ones, 0xaa, sizeof ones);
	memset(sk, 0xaa, sizeof sk);
	memset(pk, 0xaa, sizeof pk);
	assert_int_equal(
	    sdkey_open(fx.file, sizeof fx.file, "wrong passphrase", 16, sk, pk), SD_ERR_PASSPHRASE);
	assert_int_equal(sdkey_open(fx.file, 100, PASS, PASSLEN, sk, pk), SD_ERR_TRUNCATED);
	memcpy(f, fx.file, sizeof f);
	f[0] = 'x';
	assert_int_equal(sdkey_open(f, sizeof f, PASS, PASSLEN, sk, pk), SD_ERR_FORMAT);
	assert_int_equal(sdkey_file_public(f, sizeof f, pk), SD_ERR_FORMAT);
	assert_memory_equal(sk, ones, 32);
	assert_memory_equal(pk, ones, 32);
}

static void
test_file_public(void **state)
{
	unsigned char pk[32];

	(void)state;
	assert_int_equal(sdkey_file_public(fx.file, sizeof fx.file, pk), 0);
	assert_memory_equal(pk, fx.pk, 32);
}

/* sdkey_unlock: the passphrase from a file; a missing passphrase file and
 * a wrong passphrase each fail and name what failed. */
static void
test_unlock(void **state)
{
	char key[96], pass[96], bad[96];
	unsigned char sk[32], pk[32];
	const char *what = NULL;
	FILE *f;

	(void)state;
	(void)snprintf(key, sizeof key, "%s/unlock.key", fx.dir);
	(void)snprintf(pass, sizeof pass, "%s/unlock.pass", fx.dir);
	(void)snprintf(bad, sizeof bad, "%s/unlock.bad", fx.dir);
	assert_non_null(f = fopen(key, "wb"));
	assert_int_equal(fwrite(fx.file, 1, sizeof fx.file, f), sizeof fx.file);
	assert_int_equal(fclose(f), 0);
	assert_non_null(f = fopen(pass, "w"));
	assert_true(fputs(PASS "\n", f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(f = fopen(bad, "w"));
	assert_true(fputs("not it\n", f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(sdkey_unlock(key, pass, "unused: ", sk, pk, &what), 0);
	assert_memory_equal(pk, fx.pk, 32);
	assert_int_equal(
	    sdkey_unlock(key, "/nonexistent/pass", "unused: ", sk, pk, &what), SD_ERR_IO);
	assert_string_equal(what, "the passphrase");
	assert_int_equal(sdkey_unlock(key, bad, "unused: ", sk, pk, &what), SD_ERR_PASSPHRASE);
	assert_ptr_equal(what, key);
	sodium_memzero(sk, sizeof sk);
	assert_int_equal(unlink(key) | unlink(pass) | unlink(bad), 0);
}

/* A key file built from the documented layout alone (small argon2id
 * parameters), without sdkey_seal, opens with sdkey_open. */
static void
test_independent_layout(void **state)
{
	unsigned char f[SDKEY_FILE_BYTES], argon[32], boxkey[32], sk[32], pk[32];
	unsigned char osk[32], opk[32];

	(void)state;
	assert_int_equal(crypto_box_keypair(pk, sk), 0);
	memcpy(f, "\x89SDKEY\r\n", 8);
	f[8] = 1;
	f[9] = 1;
	f[10] = f[11] = 0;
	put32(f + O_OPS, 1);
	put32(f + O_MEM, 8192); /* KiB: 8 MiB */
	randombytes_buf(f + O_SALT, 16);
	memcpy(f + O_PK, pk, 32);
	randombytes_buf(f + O_NONCE, 24);
	assert_int_equal(crypto_pwhash(argon, 32, PASS, PASSLEN, f + O_SALT, 1, 8192U * 1024U,
			     crypto_pwhash_ALG_ARGON2ID13),
	    0);
	assert_int_equal(crypto_generichash(boxkey, 32, f, 92, argon, 32), 0);
	assert_int_equal(crypto_secretbox_easy(f + O_BOX, sk, 32, f + O_NONCE, boxkey), 0);
	assert_int_equal(sdkey_open(f, sizeof f, PASS, PASSLEN, osk, opk), 0);
	assert_memory_equal(osk, sk, 32);
	assert_memory_equal(opk, pk, 32);

	/* a box that opens but holds a key not matching the stored pk */
	f[O_PK] ^= 1;
	assert_int_equal(crypto_generichash(boxkey, 32, f, 92, argon, 32), 0);
	assert_int_equal(crypto_secretbox_easy(f + O_BOX, sk, 32, f + O_NONCE, boxkey), 0);
	assert_int_equal(sdkey_open(f, sizeof f, PASS, PASSLEN, osk, opk), SD_ERR_FORMAT);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(osk, sizeof osk);
	sodium_memzero(argon, sizeof argon);
	sodium_memzero(boxkey, sizeof boxkey);
}

/* ---- text form ------------------------------------------------------------ */

static void
test_pub_vectors(void **state)
{
	/* computed independently (Python: hashlib.blake2b, base64.b32encode) */
	static const char *v0 = "sdpk1_aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypzi3pcwi";
	static const char *v1 = "sdpk1_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaobbcwsa";
	unsigned char pk[32], got[32];
	char text[SDKEY_PUBTEXT_BYTES + 1];

	(void)state;
	for (int i = 0; i < 32; i++)
		pk[i] = (unsigned char)i;
	assert_int_equal(sdkey_pub_encode(pk, text), 0);
	assert_string_equal(text, v0);
	assert_int_equal(sdkey_pub_decode(v0, strlen(v0), got), 0);
	assert_memory_equal(got, pk, 32);
	memset(pk, 0, sizeof pk);
	assert_int_equal(sdkey_pub_encode(pk, text), 0);
	assert_string_equal(text, v1);
}

static void
test_pub_roundtrip(void **state)
{
	unsigned char pk[32], got[32];
	char text[SDKEY_PUBTEXT_BYTES + 1];

	(void)state;
	for (int k = 0; k < 64; k++) {
		randombytes_buf(pk, sizeof pk);
		assert_int_equal(sdkey_pub_encode(pk, text), 0);
		assert_int_equal(strlen(text), SDKEY_PUBTEXT_BYTES);
		assert_memory_equal(text, SDKEY_PUBTEXT_PREFIX, 6);
		for (size_t i = 6; i < SDKEY_PUBTEXT_BYTES; i++)
			assert_non_null(memchr(b32, text[i], 32));
		assert_int_equal(sdkey_pub_decode(text, strlen(text), got), 0);
		assert_memory_equal(got, pk, 32);
	}
}

static void
test_pub_whitespace_case(void **state)
{
	unsigned char got[32];
	char text[SDKEY_PUBTEXT_BYTES + 1], buf[128];

	(void)state;
	assert_int_equal(sdkey_pub_encode(fx.pk, text), 0);
	snprintf(buf, sizeof buf, " \t\r\n%s\r\n \v\f", text);
	assert_int_equal(sdkey_pub_decode(buf, strlen(buf), got), 0);
	assert_memory_equal(got, fx.pk, 32);
	for (size_t i = 0; i < SDKEY_PUBTEXT_BYTES; i++)
		buf[i] = (text[i] >= 'a' && text[i] <= 'z') ? (char)(text[i] - 32) : text[i];
	assert_int_equal(sdkey_pub_decode(buf, SDKEY_PUBTEXT_BYTES, got), 0);
	assert_memory_equal(got, fx.pk, 32);
	/* mixed case */
	memcpy(buf, text, SDKEY_PUBTEXT_BYTES);
	for (size_t i = 0; i < SDKEY_PUBTEXT_BYTES; i += 2)
		buf[i] = (text[i] >= 'a' && text[i] <= 'z') ? (char)(text[i] - 32) : text[i];
	assert_int_equal(sdkey_pub_decode(buf, SDKEY_PUBTEXT_BYTES, got), 0);
	/* whitespace inside is not trimmed */
	snprintf(buf, sizeof buf, "%.30s %s", text, text + 30);
	assert_int_equal(sdkey_pub_decode(buf, strlen(buf), got), SD_ERR_FORMAT);
	/* a NUL inside */
	memcpy(buf, text, SDKEY_PUBTEXT_BYTES);
	buf[20] = '\0';
	assert_int_equal(sdkey_pub_decode(buf, SDKEY_PUBTEXT_BYTES, got), SD_ERR_FORMAT);
	assert_int_equal(sdkey_pub_decode(NULL, 0, got), SD_ERR_ARG);
}

/* Every substitution of one of the 58 base32 characters by another
 * character of the alphabet is refused: checksum mismatch, or non-zero spare
 * bits for the last character. Characters outside the alphabet: format. */
static void
test_pub_every_substitution(void **state)
{
	static const char bad[] = "0189=_-!. \x80";
	unsigned char pk[32], got[32];
	char text[SDKEY_PUBTEXT_BYTES + 1], t[SDKEY_PUBTEXT_BYTES + 1];

	(void)state;
	for (int i = 0; i < 32; i++)
		pk[i] = (unsigned char)(0x5a ^ (i * 37));
	assert_int_equal(sdkey_pub_encode(pk, text), 0);
	for (size_t pos = 6; pos < SDKEY_PUBTEXT_BYTES; pos++) {
		for (unsigned v = 0; v < 32; v++) {
			int want = SD_ERR_CHECKSUM;
			if (b32[v] == text[pos])
				continue;
			memcpy(t, text, sizeof t);
			t[pos] = b32[v];
			if (pos == SDKEY_PUBTEXT_BYTES - 1 && (v & 3U) != 0)
				want = SD_ERR_FORMAT;
			assert_int_equal(sdkey_pub_decode(t, SDKEY_PUBTEXT_BYTES, got), want);
		}
		for (size_t b = 0; b < sizeof bad - 1; b++) {
			memcpy(t, text, sizeof t);
			t[pos] = bad[b];
			assert_int_equal(
			    sdkey_pub_decode(t, SDKEY_PUBTEXT_BYTES, got), SD_ERR_FORMAT);
		}
	}
}

static void
test_pub_truncation(void **state)
{
	unsigned char got[32];
	char text[SDKEY_PUBTEXT_BYTES + 1], buf[SDKEY_PUBTEXT_BYTES + 2];

	(void)state;
	assert_int_equal(sdkey_pub_encode(fx.pk, text), 0);
	for (size_t n = 0; n < SDKEY_PUBTEXT_BYTES; n++) {
		assert_int_equal(sdkey_pub_decode(text, n, got), SD_ERR_FORMAT);
		/* cut at the front */
		assert_int_equal(
		    sdkey_pub_decode(text + SDKEY_PUBTEXT_BYTES - n, n, got), SD_ERR_FORMAT);
	}
	snprintf(buf, sizeof buf, "%sa", text);
	assert_int_equal(sdkey_pub_decode(buf, strlen(buf), got), SD_ERR_FORMAT);
}

static void
test_pub_prefix(void **state)
{
	static const char *pfx[] = { "sdpk2_", "sdpk1-", "xdpk1_", "sdpk1 ", "sdsk1_" };
	unsigned char got[32];
	char text[SDKEY_PUBTEXT_BYTES + 1];

	(void)state;
	assert_int_equal(sdkey_pub_encode(fx.pk, text), 0);
	for (size_t i = 0; i < sizeof pfx / sizeof pfx[0]; i++) {
		memcpy(text, pfx[i], 6);
		assert_int_equal(sdkey_pub_decode(text, SDKEY_PUBTEXT_BYTES, got), SD_ERR_FORMAT);
	}
	/* no prefix at all, base32 alone padded to length */
	assert_int_equal(sdkey_pub_encode(fx.pk, text), 0);
	assert_int_equal(sdkey_pub_decode(text + 6, SDKEY_PUBTEXT_BYTES - 6, got), SD_ERR_FORMAT);
}

static void
test_pub_spare_bits(void **state)
{
	unsigned char got[32];
	char text[SDKEY_PUBTEXT_BYTES + 1];
	const char *p;
	unsigned v;

	(void)state;
	assert_int_equal(sdkey_pub_encode(fx.pk, text), 0);
	p = strchr(b32, text[SDKEY_PUBTEXT_BYTES - 1]);
	assert_non_null(p);
	v = (unsigned)(p - b32);
	assert_int_equal(v & 3U, 0);
	for (unsigned s = 1; s < 4; s++) {
		text[SDKEY_PUBTEXT_BYTES - 1] = b32[v | s];
		assert_int_equal(sdkey_pub_decode(text, SDKEY_PUBTEXT_BYTES, got), SD_ERR_FORMAT);
	}
}

/* ---- files -------------------------------------------------------------------- */

static void
write_tmp(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void
test_load_public(void **state)
{
	char path[128], text[SDKEY_PUBTEXT_BYTES + 1], buf[512];
	unsigned char got[32];
	char *big;

	(void)state;
	snprintf(path, sizeof path, "%s/k.pub", fx.dir);
	assert_int_equal(sdkey_pub_encode(fx.pk, text), 0);
	snprintf(buf, sizeof buf, "# journalist key\n\n   # indented comment\n  %s  \r\n\n", text);
	write_tmp(path, buf, strlen(buf));
	assert_int_equal(sdkey_load_public(path, got), 0);
	assert_memory_equal(got, fx.pk, 32);
	snprintf(buf, sizeof buf, "%s", text); /* no newline */
	write_tmp(path, buf, strlen(buf));
	assert_int_equal(sdkey_load_public(path, got), 0);
	snprintf(buf, sizeof buf, "%s\n%s\n", text, text); /* two keys */
	write_tmp(path, buf, strlen(buf));
	assert_int_equal(sdkey_load_public(path, got), SD_ERR_FORMAT);
	write_tmp(path, "# nothing\n\n", 11);
	assert_int_equal(sdkey_load_public(path, got), SD_ERR_FORMAT);
	write_tmp(path, "", 0);
	assert_int_equal(sdkey_load_public(path, got), SD_ERR_FORMAT);
	big = malloc(5000);
	assert_non_null(big);
	memset(big, '#', 5000);
	write_tmp(path, big, 5000);
	free(big);
	assert_int_equal(sdkey_load_public(path, got), SD_ERR_TOOLONG);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(sdkey_load_public(path, got), SD_ERR_IO);
}

static void
test_load_secret(void **state)
{
	char path[128];
	unsigned char *sk = sodium_malloc(32), pk[32];

	(void)state;
	assert_non_null(sk);
	snprintf(path, sizeof path, "%s/k.key", fx.dir);
	write_tmp(path, fx.file, sizeof fx.file);
	assert_int_equal(sdkey_load_secret(path, PASS, PASSLEN, sk, pk), 0);
	assert_memory_equal(sk, fx.sk, 32);
	assert_memory_equal(pk, fx.pk, 32);
	assert_int_equal(sdkey_load_secret(path, "nope", 4, sk, pk), SD_ERR_PASSPHRASE);
	write_tmp(path, fx.file, 50);
	assert_int_equal(sdkey_load_secret(path, PASS, PASSLEN, sk, pk), SD_ERR_TRUNCATED);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(sdkey_load_secret(path, PASS, PASSLEN, sk, pk), SD_ERR_IO);
	sodium_free(sk);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keypair),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_seal_fresh),
		cmocka_unit_test(test_seal_args),
		cmocka_unit_test(test_wrong_passphrase),
		cmocka_unit_test(test_tamper_magic),
		cmocka_unit_test(test_tamper_version_alg_reserved),
		cmocka_unit_test(test_tamper_opslimit),
		cmocka_unit_test(test_tamper_memlimit),
		cmocka_unit_test(test_tamper_salt_pk_nonce_box),
		cmocka_unit_test(test_wrong_length),
		cmocka_unit_test(test_no_output_on_failure),
		cmocka_unit_test(test_file_public),
		cmocka_unit_test(test_unlock),
		cmocka_unit_test(test_independent_layout),
		cmocka_unit_test(test_pub_vectors),
		cmocka_unit_test(test_pub_roundtrip),
		cmocka_unit_test(test_pub_whitespace_case),
		cmocka_unit_test(test_pub_every_substitution),
		cmocka_unit_test(test_pub_truncation),
		cmocka_unit_test(test_pub_prefix),
		cmocka_unit_test(test_pub_spare_bits),
		cmocka_unit_test(test_load_public),
		cmocka_unit_test(test_load_secret),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
