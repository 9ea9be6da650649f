/*
 * fuzz_request.c - libFuzzer target for the request-handling code we write
 * around libmicrohttpd: the onion Host check, form field accumulation (what
 * the post processor's iterator does with each piece), CSRF token
 * comparison, codename normalisation and id parsing.
 *
 * Input: one selector byte, then the bytes of the case. For forms, the rest
 * is a sequence of pieces "key-length, key, offset-byte, size-byte, data".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "codename.h"
#include "designation.h"
#include "form_pieces.h"
#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
put_piece(void *form, const char *key, const char *val, uint64_t off, size_t len)
{
	struct web_form *f = form;

	if (web_form_put(f, key, val, off, len) == MHD_NO && !f->overflow)
		abort(); /* a refusal always says why */
}

static void
fuzz_form(const uint8_t *p, size_t n)
{
	static struct web_form f;

	memset(&f, 0, sizeof f);
	fuzz_form_pieces(p, n, put_piece, &f);
	for (size_t i = 0; i < f.n; i++)
		if (f.len[i] >= WEB_FORM_VALUE_MAX || strlen(f.value[i]) > f.len[i])
			abort();
	(void)web_form_get(&f, "csrf_token", NULL);
	web_form_wipe(&f);
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
		(void)sd_id_parse(s, n, id);
		break;
	default:
		(void)web_token_equal(s, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
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
