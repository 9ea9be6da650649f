/*
 * fuzz_clean_mp4.c - libFuzzer target for the hand-written MP4/QuickTime box cleaner.
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
	(void)ctx, (void)variant;
	return clean_mp4(d, n, o, r);
}

FUZZ_CLEAN_FIXPOINT_TARGET(run)
