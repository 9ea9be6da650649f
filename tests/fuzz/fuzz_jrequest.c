/*
 * fuzz_jrequest.c - libFuzzer target for the request-handling code of
 * sealdrop-journalist that we write ourselves: URL splitting and route
 * matching (web/route.h), the urlencoded form parser with repeated keys and
 * the journalist's bounds (web/form.h), TOTP code checking and user-name
 * rules.
 *
 * Input: one selector byte, then the case. For forms, the body, fed in two
 * pieces cut where its first byte says.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "account.h"
#include "form_body.h"
#include "journalist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_url(const uint8_t *p, size_t n)
{
	static struct jn_req rq;
	static const char *const methods[] = { "GET", "POST", "HEAD", "DELETE" };
	char url[600];
	const struct web_route *r;

	if (n == 0)
		return;
	memset(&rq, 0, sizeof rq);
	n = n - 1 < sizeof url - 1 ? n - 1 : sizeof url - 1;
	memcpy(url, p + 1, n);
	url[n] = '\0';
	if (web_path_split(url, &rq.path) != 0) {
		if (rq.path.n != 0)
			abort();
		return;
	}
	if (rq.path.n > WEB_SEGS)
		abort();
	for (size_t i = 0; i < rq.path.n; i++)
		if (rq.path.seg[i][0] == '\0' || strchr(rq.path.seg[i], '/') ||
		    strlen(rq.path.seg[i]) > WEB_SEG_MAX)
			abort();
	r = jn_route_find(methods[p[0] % 4], &rq);
	if (r != NULL &&
	    (r->pattern[0] != '/' || !web_route_matches(r->pattern, &rq.path) ||
		rq.allow[0] != '\0'))
		abort();
	if (strlen(rq.allow) >= WEB_ALLOW_MAX)
		abort();
}

static void
fuzz_form(const uint8_t *p, size_t n)
{
	fuzz_form_body(p, n, JN_FORM_FIELDS, JN_BODY_MAX);
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
	if (account_name_ok(name) &&
	    (strlen(name) > DB_NAME_MAX || strstr(name, "..") || strchr(name, '/')))
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
	case 0:
		fuzz_url(data + 1, size - 1);
		break;
	case 1:
		fuzz_form(data + 1, size - 1);
		break;
	default:
		fuzz_code(data + 1, size - 1);
		break;
	}
	return 0;
}
