/*
 * test_webreq.c - unit tests of the daemons' request layer in web/: path
 * splitting, the route matcher (a match, HEAD as GET, 405 with every
 * allowed method once, 404, "*" captures one segment, the first row wins),
 * the urlencoded form parser (decoding, pieces cut anywhere, repeated keys,
 * the field cap, the byte cap, malformed %-escapes, %00, bad keys, a
 * sticky error), the CSRF check and a connection's request state.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <sodium.h>

#include "form.h"
#include "route.h"
#include "sderr.h"

/* ---- routes ---------------------------------------------------------- */

static enum MHD_Result
h(struct MHD_Connection *c, struct jn_req *rq)
{
	(void)c, (void)rq;
	return MHD_YES;
}

static const struct web_route t[] = {
	{ "GET", "/", { .jn = h }, 0 }, { "GET", "/login", { .jn = h }, 0 },
	{ "POST", "/login", { .jn = h }, WEB_RF_BODY | WEB_RF_ANON },
	{ "POST", "/logout", { .jn = h }, WEB_RF_AUTH | WEB_RF_BODY },
	{ "GET", "/source/*", { .jn = h }, WEB_RF_AUTH },
	{ "DELETE", "/source/*", { .jn = h }, WEB_RF_AUTH },
	{ "GET", "/source/*/item/*", { .jn = h }, WEB_RF_AUTH },
	{ "POST", "/source/*/items", { .jn = h }, WEB_RF_AUTH | WEB_RF_BODY },
	{ "POST", "/source/new/items", { .jn = h }, 0 }, /* after the "*" row: never won */
};
#define NT (sizeof t / sizeof t[0])

static const struct web_route *
find(const char *method, const char *url, char allow[WEB_ALLOW_MAX])
{
	struct web_path p;

	assert_int_equal(web_path_split(url, &p), 0);
	return web_route_find(t, NT, method, &p, allow);
}

static void
test_path_split(void **state)
{
	struct web_path p;
	char long_seg[WEB_SEG_MAX + 3];

	(void)state;
	assert_int_equal(web_path_split("/", &p), 0);
	assert_int_equal(p.n, 0);
	assert_int_equal(web_path_split("/a/bc/d", &p), 0);
	assert_int_equal(p.n, 3);
	assert_string_equal(p.seg[1], "bc");
	assert_int_equal(web_path_split("", &p), SD_ERR_FORMAT);
	assert_int_equal(web_path_split("a/b", &p), SD_ERR_FORMAT);
	assert_int_equal(web_path_split("//", &p), SD_ERR_FORMAT);
	assert_int_equal(web_path_split("/a//b", &p), SD_ERR_FORMAT);
	assert_int_equal(web_path_split("/a/", &p), SD_ERR_FORMAT);
	assert_int_equal(p.n, 0);
	assert_int_equal(web_path_split("/1/2/3/4/5/6/7/8", &p), 0);
	assert_int_equal(web_path_split("/1/2/3/4/5/6/7/8/9", &p), SD_ERR_FORMAT);
	long_seg[0] = '/';
	memset(long_seg + 1, 'x', WEB_SEG_MAX);
	long_seg[WEB_SEG_MAX + 1] = '\0';
	assert_int_equal(web_path_split(long_seg, &p), 0);
	long_seg[WEB_SEG_MAX + 1] = 'x';
	long_seg[WEB_SEG_MAX + 2] = '\0';
	assert_int_equal(web_path_split(long_seg, &p), SD_ERR_FORMAT);
}

static void
test_route_match(void **state)
{
	char allow[WEB_ALLOW_MAX];
	const struct web_route *r;

	(void)state;
	assert_ptr_equal(find("GET", "/", allow), &t[0]);
	assert_string_equal(allow, "");
	assert_ptr_equal(find("HEAD", "/", allow), &t[0]); /* HEAD is GET */
	assert_ptr_equal(find("POST", "/login", allow), &t[2]);
	assert_ptr_equal(find("GET", "/login", allow), &t[1]);
	/* "*" is exactly one segment, captured in the path. */
	r = find("GET", "/source/abc", allow);
	assert_ptr_equal(r, &t[4]);
	assert_true(r->flags & WEB_RF_AUTH);
	assert_ptr_equal(find("GET", "/source/abc/item/def", allow), &t[6]);
	assert_ptr_equal(find("POST", "/source/new/items", allow), &t[7]); /* first row wins */
	assert_null(find("GET", "/source", allow));
	assert_string_equal(allow, "");
	assert_null(find("GET", "/source/a/item", allow));
	assert_string_equal(allow, "");
	assert_null(find("GET", "/source/a/item/b/c", allow));
	assert_string_equal(allow, "");
}

static void
test_route_405_404(void **state)
{
	char allow[WEB_ALLOW_MAX];

	(void)state;
	/* 405: every method of the path, in table order, each once. */
	assert_null(find("PUT", "/login", allow));
	assert_string_equal(allow, "GET, POST");
	assert_null(find("GET", "/logout", allow));
	assert_string_equal(allow, "POST");
	assert_null(find("HEAD", "/logout", allow));
	assert_string_equal(allow, "POST");
	assert_null(find("POST", "/source/x", allow));
	assert_string_equal(allow, "GET, DELETE");
	assert_null(find("GET", "/source/x/items", allow));
	assert_string_equal(allow, "POST");
	/* 404: no pattern matches. */
	assert_null(find("GET", "/nope", allow));
	assert_string_equal(allow, "");
	assert_null(find("GET", "/login/x", allow));
	assert_string_equal(allow, "");
	/* A found route clears allow; NULL allow is accepted. */
	(void)snprintf(allow, sizeof allow, "%s", "junk");
	assert_ptr_equal(find("GET", "/", allow), &t[0]);
	assert_string_equal(allow, "");
	assert_null(find("PUT", "/", NULL));
}

/* ---- forms ----------------------------------------------------------- */

/* Parse body fed in pieces of step bytes into f; returns the error. */
static int
parse(struct web_form *f, const char *body, size_t step, size_t fields, size_t bytes)
{
	size_t n = strlen(body);
	int e = 0;

	assert_int_equal(web_form_init(f, fields, bytes), 0);
	for (size_t i = 0; i < n && e == 0; i += step)
		e = web_form_feed(f, body + i, n - i < step ? n - i : step);
	if (e == 0)
		e = web_form_finish(f);
	return e;
}

static void
test_form_decoding(void **state)
{
	static const char body[] =
	    "csrf_token=abc&codename=one+two%20three&empty=&flag&x=%41%2b%3D%26&&last=1=2";
	struct web_form f;
	size_t len = 0;

	(void)state;
	/* The same fields whatever the pieces are cut. */
	for (size_t step = 1; step <= sizeof body; step++) {
		assert_int_equal(parse(&f, body, step, 8, 1024), 0);
		assert_int_equal(f.n, 6);
		assert_string_equal(web_form_get(&f, "csrf_token", NULL), "abc");
		assert_string_equal(web_form_get(&f, "codename", &len), "one two three");
		assert_int_equal(len, 13);
		assert_string_equal(web_form_get(&f, "empty", &len), "");
		assert_int_equal(len, 0);
		assert_string_equal(web_form_get(&f, "flag", NULL), "");
		assert_string_equal(web_form_get(&f, "x", NULL), "A+=&");
		assert_string_equal(web_form_get(&f, "last", NULL), "1=2");
		assert_null(web_form_get(&f, "missing", NULL));
		web_form_free(&f);
	}
	assert_int_equal(parse(&f, "", 1, 8, 1024), 0);
	assert_int_equal(f.n, 0);
	web_form_free(&f);
}

static void
test_form_repeated(void **state)
{
	struct web_form f;

	(void)state;
	assert_int_equal(parse(&f, "item=a&csrf_token=t&item=b&item=c", 3, 8, 1024), 0);
	assert_int_equal(f.n, 4);
	assert_string_equal(web_form_get(&f, "item", NULL), "a"); /* the first */
	assert_string_equal(web_form_nth(&f, "item", 0), "a");
	assert_string_equal(web_form_nth(&f, "item", 1), "b");
	assert_string_equal(web_form_nth(&f, "item", 2), "c");
	assert_null(web_form_nth(&f, "item", 3));
	web_form_free(&f);
}

static void
test_form_caps(void **state)
{
	struct web_form f;
	char big[64];

	(void)state;
	/* Field cap: 3 fields pass, a fourth is refused. */
	assert_int_equal(parse(&f, "a=1&b=2&c=3", 2, 3, 1024), 0);
	web_form_free(&f);
	assert_int_equal(parse(&f, "a=1&b=2&c=3&d=4", 2, 3, 1024), SD_ERR_TOOLONG);
	assert_true(f.n <= 3);
	web_form_free(&f);
	/* Byte cap: decoded key and value bytes ("a" + "123456789" = 10). */
	assert_int_equal(parse(&f, "a=123456789", 4, 3, 10), 0);
	web_form_free(&f);
	assert_int_equal(parse(&f, "a=1234567890", 4, 3, 10), SD_ERR_TOOLONG);
	assert_true(f.total <= 10);
	web_form_free(&f);
	assert_int_equal(parse(&f, "a=%31%32%33%34%35%36%37%38%39", 1, 3, 10), 0);
	web_form_free(&f);
	/* Keys: at most WEB_FORM_KEY_MAX bytes, never empty. */
	memset(big, 'k', sizeof big);
	big[WEB_FORM_KEY_MAX] = '\0';
	assert_int_equal(parse(&f, big, 5, 3, 1024), 0);
	web_form_free(&f);
	big[WEB_FORM_KEY_MAX] = 'k';
	big[WEB_FORM_KEY_MAX + 1] = '\0';
	assert_int_equal(parse(&f, big, 5, 3, 1024), SD_ERR_FORMAT);
	web_form_free(&f);
	assert_int_equal(parse(&f, "=value", 1, 3, 1024), SD_ERR_FORMAT);
	web_form_free(&f);
}

static void
test_form_malformed(void **state)
{
	static const char *const bad[] = {
		"a=%",
		"a=%4",
		"a=%4g",
		"a=%zz&b=1",
		"a=1%",
		"%=1",
		"a=%00",
		"a%00=1",
		"a=x%0",
	};
	struct web_form f;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		for (size_t step = 1; step <= 3; step++) {
			if (parse(&f, bad[i], step, 8, 1024) != SD_ERR_FORMAT)
				fail_msg("\"%s\" (pieces of %zu) was not refused", bad[i], step);
			web_form_free(&f);
		}
	}
	/* The error sticks: later input is ignored and every call says it. */
	assert_int_equal(web_form_init(&f, 8, 1024), 0);
	assert_int_equal(web_form_feed(&f, "a=%q", 4), SD_ERR_FORMAT);
	assert_int_equal(web_form_feed(&f, "&b=2", 4), SD_ERR_FORMAT);
	assert_int_equal(web_form_finish(&f), SD_ERR_FORMAT);
	assert_null(web_form_get(&f, "b", NULL));
	web_form_free(&f);
	web_form_free(&f); /* a freed (zeroed) form again */
}

static void
test_csrf(void **state)
{
	char s[WEB_TOKEN_CHARS + 1], a[WEB_TOKEN_CHARS + 1];

	(void)state;
	web_token_new(s);
	web_token_new(a);
	assert_true(web_csrf_ok(s, s, 0, a, 0));
	assert_false(web_csrf_ok(a, s, 0, a, 0)); /* anonymous token: not this route */
	assert_true(web_csrf_ok(a, s, 1, a, 0));
	assert_true(web_csrf_ok(a, NULL, 1, a, 0));
	assert_false(web_csrf_ok(a, NULL, 1, a, 1)); /* made for this very request */
	assert_false(web_csrf_ok(NULL, s, 1, a, 0));
	assert_false(web_csrf_ok("", s, 1, a, 0));
	assert_false(web_csrf_ok(s, NULL, 0, a, 0));
}

/* A connection's state: made zeroed once, the same after, wiped and gone
 * at the end (twice is nothing). */
static void
test_req_state(void **state)
{
	void *rc = NULL;
	int first = 0;
	unsigned char *a, *b;

	(void)state;
	a = web_req_state(&rc, 64, &first);
	assert_non_null(a);
	assert_int_equal(first, 1);
	for (size_t i = 0; i < 64; i++)
		assert_int_equal(a[i], 0);
	a[0] = 7;
	b = web_req_state(&rc, 64, &first);
	assert_ptr_equal(a, b);
	assert_int_equal(first, 0);
	web_req_end(&rc, 64);
	assert_null(rc);
	web_req_end(&rc, 64);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_split),
		cmocka_unit_test(test_route_match),
		cmocka_unit_test(test_route_405_404),
		cmocka_unit_test(test_form_decoding),
		cmocka_unit_test(test_form_repeated),
		cmocka_unit_test(test_form_caps),
		cmocka_unit_test(test_form_malformed),
		cmocka_unit_test(test_csrf),
		cmocka_unit_test(test_req_state),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
