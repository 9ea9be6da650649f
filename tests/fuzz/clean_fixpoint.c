/*
 * clean_fixpoint.c - the fixed-point harness of the cleaner fuzz targets
 * (see clean_fixpoint.h).
 */
#include "clean_fixpoint.h"

#include <stdlib.h>
#include <string.h>

int
fuzz_clean_fixpoint(const uint8_t *data, size_t size, fuzz_clean_fn run)
{
	static struct clean_ctx *ctx;
	struct sdbuf a = CLEAN_BUF_INIT, b = CLEAN_BUF_INIT;
	struct clean_report r1 = { 0 }, r2 = { 0 };
	int variant = (int)(size & 1);

	if (ctx == NULL && clean_ctx_new(&ctx) != 0)
		abort();
	/* The same cleaner on the output, whatever its size. */
	if (run(ctx, variant, data, size, &a, &r1) == 0) {
		if (run(ctx, variant, a.data, a.len, &b, &r2) != 0 || b.len != a.len ||
		    (a.len > 0 && memcmp(a.data, b.data, a.len) != 0))
			abort();
	}
	sdbuf_free(&a);
	sdbuf_free(&b);
	return 0;
}
