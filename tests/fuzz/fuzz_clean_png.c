/*
 * fuzz_clean_png.c - libFuzzer target for the hand-written PNG cleaner.
 *
 * clean_png on arbitrary bytes. When it accepts, the output starts with the
 * PNG signature, is no longer than the input, holds only allow-listed
 * chunks (no tEXt/zTXt/iTXt/eXIf/tIME) and is a fixed point of the cleaner.
 * Any violation aborts.
 */
#include "clean_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_chunks(const unsigned char *p, size_t n)
{
	static const char *const banned[] = { "tEXt", "zTXt", "iTXt", "eXIf", "tIME", "iCCP" };

	for (size_t pos = 8; pos + 12 <= n;) {
		size_t len = (size_t)p[pos] << 24 | (size_t)p[pos + 1] << 16 |
		    (size_t)p[pos + 2] << 8 | p[pos + 3];
		for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
			if (memcmp(p + pos + 4, banned[i], 4) == 0)
				abort();
		if (len > n - pos - 12)
			abort();
		pos += len + 12;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdbuf a = CLEAN_BUF_INIT, b = CLEAN_BUF_INIT;
	struct clean_report r1 = { 0 }, r2 = { 0 };

	if (clean_png(data, size, &a, &r1) == 0) {
		if (a.len < 8 || a.len > size || memcmp(a.data, "\x89PNG", 4) != 0)
			abort();
		check_chunks(a.data, a.len);
		if (clean_png(a.data, a.len, &b, &r2) != 0 || b.len != a.len ||
		    memcmp(a.data, b.data, a.len) != 0)
			abort();
	}
	sdbuf_free(&a);
	sdbuf_free(&b);
	return 0;
}
