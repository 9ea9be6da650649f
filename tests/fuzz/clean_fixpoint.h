/*
 * clean_fixpoint.h - the harness the fuzz_clean_* targets of hand-written
 * cleaners share: arbitrary bytes in; must not crash, leak or read out of
 * bounds; when the cleaner accepts, cleaning its output again must succeed
 * and give the same bytes (a cleaned file is a fixed point). Any violation
 * aborts.
 */
#ifndef FUZZ_CLEAN_FIXPOINT_H
#define FUZZ_CLEAN_FIXPOINT_H
#include <stddef.h>
#include <stdint.h>
#include "clean_int.h"

/* A cleaner under test; variant is the input size's low bit (targets that
 * test two cleaners pick one with it). */
typedef int (*fuzz_clean_fn)(struct clean_ctx *ctx, int variant, const unsigned char *d, size_t n,
    struct sdbuf *o, struct clean_report *r);

int fuzz_clean_fixpoint(const uint8_t *data, size_t size, fuzz_clean_fn run);

/* The libFuzzer entry point of a target whose cleaner is run. */
#define FUZZ_CLEAN_FIXPOINT_TARGET(run) \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size); \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) \
	{ \
		return fuzz_clean_fixpoint(data, size, (run)); \
	}
#endif
