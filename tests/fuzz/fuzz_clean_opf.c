/*
 * fuzz_clean_opf.c - libFuzzer target for the EPUB package, NCX and META-INF XML cleaner.
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
	(void)ctx;
	return clean_opf(d, n, o, r);
}

FUZZ_CLEAN_FIXPOINT_TARGET(run)
