/*
 * fuzz_clean_gzip.c - libFuzzer target for the gzip cleaner (header parsing, bounded inflation, content cleaned by type).
 *
 * The harness (tests/fuzz/clean_fixpoint.c): must not crash, leak or read
 * out of bounds, and a cleaned file must be a fixed point of the cleaner.
 */
#include "clean_fixpoint.h"

#include <stdint.h>
#include <string.h>

static int
run(struct clean_ctx *ctx, int variant, const unsigned char *d, size_t n, struct sdbuf *o,
    struct clean_report *r)
{
	(void)variant;
	return clean_gzip(ctx, d, n, 0, o, r);
}

FUZZ_CLEAN_FIXPOINT_TARGET(run)
