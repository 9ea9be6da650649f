/*
 * fuzz_clean_pdf.c - libFuzzer target for the PDF cleaner (our object walk
 * around libqpdf). Must not crash, leak or hang; when it accepts, the
 * output must be accepted again.
 */
#include "clean_int.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdbuf a = CLEAN_BUF_INIT, b = CLEAN_BUF_INIT;
	struct clean_report r1 = { 0 }, r2 = { 0 };

	if (size > (1u << 20))
		return 0;
	if (clean_pdf(NULL, data, size, 0, &a, &r1) == 0 &&
	    clean_pdf(NULL, a.data, a.len, 0, &b, &r2) != 0)
		abort();
	sdbuf_free(&a);
	sdbuf_free(&b);
	return 0;
}
