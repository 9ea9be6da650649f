/*
 * fuzz_keyfile.c - libFuzzer target for the secret key file reader.
 *
 * Every input goes to sdkey_file_public (the passphrase-free header checks).
 * Inputs of exactly SDKEY_FILE_BYTES whose argon2id parameters are at most
 * the INTERACTIVE level also go to sdkey_open with a fixed passphrase (the
 * one the seed corpus was sealed with), so the decryption path is reached
 * while each run stays bounded in time and memory; larger parameters are
 * skipped, since they are refused or only cost time, not coverage.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sderr.h"
#include "sdkey.h"

#define FUZZ_PASS "sealdrop-fuzz-passphrase"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	unsigned char pk[SDKEY_PUBLICKEYBYTES], pk2[SDKEY_PUBLICKEYBYTES];
	unsigned char sk[SDKEY_SECRETKEYBYTES], chk[SDKEY_PUBLICKEYBYTES];
	int r, r2;

	if (!ready) {
		if (sodium_init() < 0)
			abort();
		ready = 1;
	}
	r = sdkey_file_public(data, size, pk);
	if (r > 0)
		abort();
	if (size != SDKEY_FILE_BYTES || r != 0)
		return 0;
	if (le32(data + 12) > crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE ||
	    (uint64_t)le32(data + 16) * 1024U > crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE)
		return 0;
	r2 = sdkey_open(data, size, FUZZ_PASS, sizeof FUZZ_PASS - 1, sk, pk2);
	if (r2 == 0) {
		/* an opened file is consistent: same pk, and sk matches it */
		if (memcmp(pk, pk2, sizeof pk) != 0 || crypto_scalarmult_base(chk, sk) != 0 ||
		    memcmp(chk, pk, sizeof pk) != 0)
			abort();
	} else if (r2 != SD_ERR_PASSPHRASE && r2 != SD_ERR_FORMAT && r2 != SD_ERR_NOMEM) {
		abort();
	}
	sodium_memzero(sk, sizeof sk);
	return 0;
}
