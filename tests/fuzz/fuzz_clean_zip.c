/*
 * fuzz_clean_zip.c - libFuzzer target for the ZIP/OOXML/ODF cleaner (our
 * glue around libzip, the member checks, and the office XML rules).
 *
 * clean_zip on arbitrary bytes, then clean_office_xml on the same bytes as
 * if they were an office XML member. Must not crash, leak or read out of
 * bounds; when clean_zip accepts, its output must be accepted again (the
 * cleaned archive is a valid, safe archive).
 */
#include "clean_int.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct clean_ctx *ctx;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdbuf a = CLEAN_BUF_INIT, b = CLEAN_BUF_INIT, x = CLEAN_BUF_INIT;
	struct clean_report r1 = { 0 }, r2 = { 0 }, r3 = { 0 };

	if (ctx == NULL && clean_ctx_new(&ctx) != 0)
		abort();
	if (clean_zip(ctx, data, size, 0, &a, &r1) == 0 &&
	    clean_zip(ctx, a.data, a.len, 0, &b, &r2) != 0)
		abort();
	(void)clean_office_xml("word/document.xml", data, size, &x, &r3);
	sdbuf_free(&a);
	sdbuf_free(&b);
	sdbuf_free(&x);
	return 0;
}
