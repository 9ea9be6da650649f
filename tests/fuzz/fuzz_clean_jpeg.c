/*
 * fuzz_clean_jpeg.c - libFuzzer target for the hand-written JPEG cleaner.
 *
 * clean_jpeg on arbitrary bytes. When it accepts, the output must start
 * with SOI, end with EOI, be no longer than the input plus the 36-byte
 * orientation segment, and be a fixed point: cleaning it again succeeds and
 * gives the same bytes. Any violation aborts.
 */
#include "clean_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdbuf a = CLEAN_BUF_INIT, b = CLEAN_BUF_INIT;
	struct clean_report r1 = { 0 }, r2 = { 0 };

	if (clean_jpeg(data, size, &a, &r1) == 0) {
		if (a.len < 4 || memcmp(a.data, "\xFF\xD8", 2) != 0 ||
		    memcmp(a.data + a.len - 2, "\xFF\xD9", 2) != 0 || a.len > size + 36)
			abort();
		if (clean_jpeg(a.data, a.len, &b, &r2) != 0 || b.len != a.len ||
		    memcmp(a.data, b.data, a.len) != 0)
			abort();
	}
	sdbuf_free(&a);
	sdbuf_free(&b);
	return 0;
}
