/*
 * form_body.h - how the request and jrequest fuzz targets drive the form
 * parser (web/form.h): the input is a body, fed in two pieces cut where its
 * first byte says, to a form with the daemon's bounds; then what a parsed
 * form promises is checked (abort() otherwise).
 */
#ifndef FUZZ_FORM_BODY_H
#define FUZZ_FORM_BODY_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "sderr.h"

static void
fuzz_form_body(const uint8_t *p, size_t n, size_t max_fields, size_t max_bytes)
{
	struct web_form f;
	size_t cut = n > 0 ? p[0] % (n + 1) : 0;
	int e;

	if (web_form_init(&f, max_fields, max_bytes) != 0)
		return;
	e = web_form_feed(&f, (const char *)p, cut);
	if (e == 0)
		e = web_form_feed(&f, (const char *)p + cut, n - cut);
	if (e == 0)
		e = web_form_finish(&f);
	if (e != 0 && e != SD_ERR_FORMAT && e != SD_ERR_TOOLONG && e != SD_ERR_NOMEM)
		abort(); /* a refusal always says which */
	if (f.n > max_fields || f.total > max_bytes)
		abort();
	for (size_t i = 0; e == 0 && i < f.n; i++)
		if (f.f[i].val == NULL || strlen(f.f[i].val) != f.f[i].len || f.f[i].key[0] == '\0')
			abort();
	(void)web_form_get(&f, "csrf_token", NULL);
	(void)web_form_nth(&f, "item", 1);
	web_form_free(&f);
}

#endif
