/*
 * fuzz_pubkey.c - libFuzzer target for the public key text form.
 *
 * sdkey_pub_decode on arbitrary bytes; when it accepts, the key re-encodes
 * to the canonical text, which must equal the input with surrounding ASCII
 * whitespace removed and letters folded to lower case (one text per key up
 * to case), and must decode to the same key. Any mismatch aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sderr.h"
#include "sdkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static uint8_t
lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c - 'A' + 'a') : c;
}

/* Does the canonical text equal data, trimmed and folded? */
static int
same_text(const uint8_t *data, size_t size, const char *text)
{
	size_t i;

	while (size > 0 && is_space(data[0])) {
		data++;
		size--;
	}
	while (size > 0 && is_space(data[size - 1]))
		size--;
	if (size != strlen(text))
		return 0;
	for (i = 0; i < size; i++)
		if (lower(data[i]) != (uint8_t)text[i])
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	unsigned char pk[SDKEY_PUBLICKEYBYTES], pk2[SDKEY_PUBLICKEYBYTES];
	char text[SDKEY_PUBTEXT_BYTES + 1];
	int r;

	if (!ready) {
		if (sodium_init() < 0)
			abort();
		ready = 1;
	}
	if (data == NULL)
		return 0;
	r = sdkey_pub_decode((const char *)data, size, pk);
	if (r != 0) {
		if (r != SD_ERR_FORMAT && r != SD_ERR_CHECKSUM)
			abort();
		return 0;
	}
	if (sdkey_pub_encode(pk, text) != 0 || !same_text(data, size, text))
		abort();
	if (sdkey_pub_decode(text, strlen(text), pk2) != 0 || memcmp(pk, pk2, sizeof pk) != 0)
		abort();
	return 0;
}
