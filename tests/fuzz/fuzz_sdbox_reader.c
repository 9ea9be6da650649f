/*
 * fuzz_sdbox_reader.c - libFuzzer target for the .sdbox reader (versions 1 and 2).
 *
 * The input is read as a .sdbox file with the secret key of the test vectors
 * (tests/vectors/key.key, a published test key), so inputs derived from the
 * vectors reach past the stanza and MAC checks. The whole content is read
 * until the reader ends or refuses; a success must report a content length
 * equal to the bytes handed out.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sdbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char test_sk[32] = {
	0xf2,
	0x45,
	0x1a,
	0x1d,
	0x55,
	0x6f,
	0xf3,
	0x73,
	0x02,
	0xac,
	0x56,
	0x21,
	0x00,
	0xb6,
	0x6c,
	0x9d,
	0x4d,
	0x3f,
	0xeb,
	0x5d,
	0x90,
	0x80,
	0x7c,
	0x36,
	0x60,
	0x8d,
	0xa0,
	0x80,
	0xa2,
	0x87,
	0xdd,
	0x66,
};

struct input {
	const uint8_t *p;
	size_t len, pos;
};

static int
input_read(void *ctx, unsigned char *buf, size_t len, size_t *got)
{
	struct input *in = ctx;
	size_t n = in->len - in->pos;

	if (n > len)
		n = len;
	memcpy(buf, in->p + in->pos, n);
	in->pos += n;
	*got = n;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct input in = { data, size, 0 };
	struct sdbox_reader *r = NULL;
	const unsigned char *chunk;
	uint64_t total = 0;
	size_t n;
	int e;

	if (!ready) {
		if (sodium_init() < 0)
			abort();
		ready = 1;
	}
	if (sdbox_reader_new(&r, test_sk, input_read, &in) != 0)
		return 0;
	while ((e = sdbox_reader_read(r, &chunk, &n)) == 0 && n > 0)
		total += n;
	if (e == 0 && sdbox_reader_content_len(r) != total)
		abort();
	sdbox_reader_free(r);
	return 0;
}
