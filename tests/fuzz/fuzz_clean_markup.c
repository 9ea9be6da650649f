/*
 * fuzz_clean_markup.c - libFuzzer target for the SVG and HTML cleaners
 * (our allow-lists and data: URI handling around libxml2).
 *
 * Arbitrary bytes as SVG (even sizes) or HTML (odd sizes), and always as
 * XHTML (EPUB chapters). Must not crash, leak or read out of bounds; an
 * accepted SVG or XHTML must be accepted again.
 */
#include "clean_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct clean_ctx *ctx;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdbuf a = CLEAN_BUF_INIT, b = CLEAN_BUF_INIT;
	struct clean_report r1 = { 0 }, r2 = { 0 };
	int html = (int)(size & 1);

	if (ctx == NULL && clean_ctx_new(&ctx) != 0)
		abort();
	if (clean_markup(ctx, data, size, html, 0, &a, &r1) == 0 && !html &&
	    clean_markup(ctx, a.data, a.len, 0, 0, &b, &r2) != 0)
		abort();
	sdbuf_free(&a);
	sdbuf_free(&b);
	memset(&r1, 0, sizeof r1);
	memset(&r2, 0, sizeof r2);
	if (clean_markup(ctx, data, size, 2, 0, &a, &r1) == 0 &&
	    clean_markup(ctx, a.data, a.len, 2, 0, &b, &r2) != 0)
		abort();
	sdbuf_free(&a);
	sdbuf_free(&b);
	return 0;
}
