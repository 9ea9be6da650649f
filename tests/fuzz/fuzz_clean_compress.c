/*
 * fuzz_clean_compress.c - libFuzzer target for the xz, bzip2 and zstd
 * cleaners (bounded decompression, trailing bytes, content cleaned by type,
 * compressed again).
 *
 * The cleaner is chosen by the input's first byte (a cleaned file starts
 * with the same compressor's magic, so the fixed-point run picks the same
 * one). The harness (tests/fuzz/clean_fixpoint.c): must not crash, leak or
 * read out of bounds, and a cleaned file must be a fixed point.
 */
#include "clean_fixpoint.h"

#include <stdint.h>
#include <string.h>

static int
run(struct clean_ctx *ctx, int variant, const unsigned char *d, size_t n, struct sdbuf *o,
    struct clean_report *r)
{
	(void)variant;
	if (n > 0 && d[0] == 'B')
		return clean_bzip2(ctx, d, n, 0, o, r);
	if (n > 0 && d[0] == 0xFD)
		return clean_xz(ctx, d, n, 0, o, r);
	return clean_zstd(ctx, d, n, 0, o, r);
}

FUZZ_CLEAN_FIXPOINT_TARGET(run)
