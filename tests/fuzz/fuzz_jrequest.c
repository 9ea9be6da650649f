/*
 * fuzz_jrequest.c - libFuzzer target for the request-handling code of
 * sealdrop-journalist that we write ourselves: URL splitting and route
 * matching, form field accumulation with repeated keys (what the post
 * processor's iterator feeds), TOTP code checking and user-name rules.
 *
 * Input: one selector byte, then the case. For forms, a sequence of pieces
 * "key-length, key, offset-byte, size-byte, data".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "account.h"
#include "form_pieces.h"
#include "journalist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_url(const uint8_t *p, size_t n)
{
	static struct jn_req rq;
	static const char *const methods[] = { "GET", "POST", "HEAD", "DELETE" };
	char url[600];
	const struct jn_route *r;

	if (n == 0)
		return;
	memset(&rq, 0, sizeof rq);
	n = n - 1 < sizeof url - 1 ? n - 1 : sizeof url - 1;
	memcpy(url, p + 1, n);
	url[n] = '\0';
	if (jn_url_split(url, &rq) != 0)
		return;
	if (rq.nseg > JN_SEGS)
		abort();
	for (size_t i = 0; i < rq.nseg; i++)
		if (rq.seg[i][0] == '\0' || strchr(rq.seg[i], '/') || strlen(rq.seg[i]) > JN_SEG_MAX)
			abort();
	r = jn_route_find(methods[p[0] % 4], &rq);
	if (r != NULL && r->pattern[0] != '/')
		abort();
}

static void
put_piece(void *form, const char *key, const char *val, uint64_t off, size_t len)
{
	struct jn_form *f = form;

	if (jn_form_put(f, key, val, off, len) == MHD_NO && !f->error)
		abort(); /* a refusal always says why */
}

static void
fuzz_form(const uint8_t *p, size_t n)
{
	static struct jn_form f;

	memset(&f, 0, sizeof f);
	fuzz_form_pieces(p, n, put_piece, &f);
	if (f.n > JN_FORM_FIELDS || f.total > JN_BODY_MAX)
		abort();
	for (size_t i = 0; i < f.n; i++)
		if (f.f[i].val != NULL && strlen(f.f[i].val) > f.f[i].len)
			abort();
	jn_form_clear(&f);
}

static void
fuzz_code(const uint8_t *p, size_t n)
{
	unsigned char secret[DB_TOTP_BYTES] = { 0 };
	char code[16], name[48];
	int64_t step = 0;
	size_t k = n < sizeof code - 1 ? n : sizeof code - 1;

	memcpy(code, p, k);
	code[k] = '\0';
	if (account_totp_check(secret, code, 1000000000, &step) == 0 &&
	    (strlen(code) != 6 || step < 1000000000 / 30 - 1 || step > 1000000000 / 30 + 1))
		abort();
	k = n < sizeof name - 1 ? n : sizeof name - 1;
	memcpy(name, p, k);
	name[k] = '\0';
	if (account_name_ok(name) && (strlen(name) > DB_NAME_MAX || strstr(name, "..") ||
	    strchr(name, '/')))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;

	if (!init) {
		if (sodium_init() < 0 || account_init() != 0)
			abort();
		init = 1;
	}
	if (size == 0)
		return 0;
	switch (data[0] % 3) {
	case 0: fuzz_url(data + 1, size - 1); break;
	case 1: fuzz_form(data + 1, size - 1); break;
	default: fuzz_code(data + 1, size - 1); break;
	}
	return 0;
}
