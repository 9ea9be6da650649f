/*
 * fuzz_clean_riff.c - libFuzzer target for the hand-written RIFF (WebP, WAV) and AIFF chunk cleaners.
 *
 * Arbitrary bytes in; must not crash, leak or read out of bounds. When the
 * cleaner accepts, cleaning its output again must succeed and give the same
 * bytes (a cleaned file is a fixed point). Any violation aborts.
 */
#include "clean.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct clean_ctx *ctx;

static int
run(int flac, const unsigned char *d, size_t n, struct clean_buf *o, struct clean_report *r)
{
	(void)flac;
	if (n >= 4 && memcmp(d, "FORM", 4) == 0)
		return clean_aiff(d, n, o, r);
	return clean_riff(d, n, o, r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct clean_buf a = { 0 }, b = { 0 };
	struct clean_report r1 = { 0 }, r2 = { 0 };

	if (ctx == NULL && clean_ctx_new(&ctx) != 0)
		abort();
	/* The same cleaner on the output, whatever its size. */
	if (run((int)(size & 1), data, size, &a, &r1) == 0) {
		if (run((int)(size & 1), a.data, a.len, &b, &r2) != 0 || b.len != a.len ||
		    (a.len > 0 && memcmp(a.data, b.data, a.len) != 0))
			abort();
	}
	clean_buf_free(&a);
	clean_buf_free(&b);
	return 0;
}
