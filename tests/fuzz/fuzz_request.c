/*
 * fuzz_request.c - libFuzzer target for the request-handling code we write
 * around libmicrohttpd: the onion Host check, the urlencoded form parser
 * (web/form.h) with the source's small-form bounds, CSRF token comparison,
 * codename normalisation and id parsing.
 *
 * Input: one selector byte, then the bytes of the case. For forms, the rest
 * is the body, fed in two pieces cut where its first byte says.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "codename.h"
#include "designation.h"
#include "form_body.h"
#include "http.h"
#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_form(const uint8_t *p, size_t n)
{
	fuzz_form_body(p, n, SRC_FORM_FIELDS, SRC_FORM_BYTES);
}

static void
fuzz_string(uint8_t sel, const char *s, size_t n)
{
	char out[CODENAME_MAX + 1];
	unsigned char id[SD_ID_BYTES];
	size_t len = 0;

	switch (sel % 4) {
	case 0:
		if (web_host_str_is_onion(s) && strlen(s) < 62)
			abort();
		break;
	case 1:
		if (codename_normalize(s, n, out, &len) == 0 &&
		    (len > CODENAME_MAX || strlen(out) != len || out[0] == ' '))
			abort();
		break;
	case 2:
		sd_ignore(sd_id_parse(s, n, id)); /* only a crash is a finding */
		break;
	default: /* only a crash is a finding, as above */
		sd_ignore(web_token_equal(s, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	char *s;

	if (!ready) {
		if (sodium_init() < 0)
			abort();
		ready = 1;
	}
	if (size < 1)
		return 0;
	if (data[0] >= 0xF0) {
		fuzz_form(data + 1, size - 1);
		return 0;
	}
	s = malloc(size);
	if (s == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	fuzz_string(data[0], s, size - 1);
	free(s);
	return 0;
}
