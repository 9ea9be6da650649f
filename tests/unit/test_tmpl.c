/*
 * test_tmpl.c - unit tests of the template engine (web/tmpl.c) on small
 * sources through tmpl_lib_parse, and of the real embedded source pages:
 * every page in every language with representative and hostile variables,
 * checked for scripts, inline styles, CSRF fields first in every form,
 * labels, the codename element, and complete French translations (against
 * the templates and against po/sealdrop.pot).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sdi18n.h"
#include "sdbuf.h"
#include "sderr.h"
#include "static.h"
#include "sdtmpl.h"
#include "sdtmpl_int.h"

#define OUT_MAX (1u << 20)
#define EVIL "&<>\"'"
#define EVIL_ESC "&amp;&lt;&gt;&quot;&#39;"

/* ---- helpers ------------------------------------------------------- */

static int
parse1(const char *src, struct tmpl_lib **lib)
{
	struct tmpl_src s = { "t/main", src, strlen(src) };
	char err[200];

	return tmpl_lib_parse(&s, 1, lib, err, sizeof err);
}

/* Render src (template "t/main") with v and compare with want. */
static void
expect(const char *src, const struct tmpl_vars *v, const char *want)
{
	struct tmpl_lib *lib = NULL;
	struct sdbuf b;
	int r;

	sdbuf_init(&b, OUT_MAX);
	r = parse1(src, &lib);
	if (r != 0)
		fail_msg("parse of \"%s\" failed: %d", src, r);
	assert_int_equal(tmpl_lib_render(lib, "t/main", "en", v, &b), 0);
	if (strcmp(b.p ? b.p : "", want) != 0)
		fail_msg("render of \"%s\":\n got \"%s\"\nwant \"%s\"", src, b.p ? b.p : "", want);
	sdbuf_free(&b);
	tmpl_lib_free(lib);
}

static void
refuse(const char *src, int want)
{
	struct tmpl_lib *lib = NULL;
	int r = parse1(src, &lib);

	if (r != want)
		fail_msg("parse of \"%s\" returned %d, want %d", src, r, want);
	assert_null(lib);
}

static struct tmpl_vars *
vars(void)
{
	struct tmpl_vars *v = NULL;

	assert_int_equal(tmpl_vars_new(&v), 0);
	return v;
}

static void
set(struct tmpl_vars *v, const char *n, const char *val)
{
	assert_int_equal(tmpl_set(v, n, val), 0);
}

static struct tmpl_vars *
add(struct tmpl_vars *v, const char *list)
{
	struct tmpl_vars *it = NULL;

	assert_int_equal(tmpl_list_add(v, list, &it), 0);
	return it;
}

/* ---- engine -------------------------------------------------------- */

static void
test_escaping_everywhere(void **state)
{
	struct tmpl_vars *v = vars(), *it;

	(void)state;
	set(v, "x", EVIL);
	set(v, "on", "1");
	it = add(v, "l");
	set(it, "y", EVIL);
	expect("{{x}}", v, EVIL_ESC);
	expect("<a href=\"{{x}}\" title='{{x}}'>{{x}}</a>", v,
	    "<a href=\"" EVIL_ESC "\" title='" EVIL_ESC "'>" EVIL_ESC "</a>");
	expect("{{#if on}}{{x}}{{/if}}{{#unless off}}{{x}}{{/unless}}", v, EVIL_ESC EVIL_ESC);
	expect("{{#each l}}[{{y}}|{{x}}]{{/each}}", v, "[" EVIL_ESC "|" EVIL_ESC "]");
	expect("<textarea>{{x}}</textarea><script>{{x}}</script>", v,
	    "<textarea>" EVIL_ESC "</textarea><script>" EVIL_ESC "</script>");
	/* the engine has no triple-brace raw output */
	refuse("{{{x}}}", SD_ERR_FORMAT);
	refuse("{{& x}}", SD_ERR_FORMAT);
	tmpl_vars_free(v);
}

static void
test_translation_literal_escaped(void **state)
{
	struct tmpl_vars *v = vars();

	(void)state;
	expect("<p>{{_ \"a < b & c > d\"}}</p>", v, "<p>a &lt; b &amp; c &gt; d</p>");
	expect("{{_ \"it's\"}}", v, "it&#39;s");
	tmpl_vars_free(v);
}

static void
test_conditions(void **state)
{
	struct tmpl_vars *v = vars();

	(void)state;
	set(v, "one", "1");
	set(v, "zero", "0");
	set(v, "empty", "");
	set(v, "word", "no");
	add(v, "list");
	expect("{{#if one}}a{{else}}b{{/if}}", v, "a");
	expect("{{#if zero}}a{{else}}b{{/if}}", v, "b");
	expect("{{#if empty}}a{{else}}b{{/if}}", v, "b");
	expect("{{#if unset}}a{{else}}b{{/if}}", v, "b");
	expect("{{#if word}}a{{else}}b{{/if}}", v, "a");
	expect("{{#if list}}a{{else}}b{{/if}}", v, "a");
	expect("{{#unless one}}a{{else}}b{{/unless}}", v, "b");
	expect("{{#unless unset}}a{{/unless}}", v, "a");
	expect(
	    "{{#if one}}{{#if zero}}x{{else}}{{#unless empty}}y{{/unless}}{{/if}}{{/if}}", v, "y");
	expect("{{ #if one }}a{{ else }}b{{ /if }}", v, "a");
	tmpl_vars_free(v);
}

static void
test_each_scoping_and_nesting(void **state)
{
	struct tmpl_vars *v = vars(), *a, *b;

	(void)state;
	set(v, "name", "outer");
	set(v, "tok", "T");
	a = add(v, "rows");
	set(a, "name", "a");
	add(a, "cells");
	set(add(a, "cells"), "c", "2");
	set(add(a, "cells"), "c", "3");
	b = add(v, "rows");
	set(b, "flag", "1");
	expect("{{#each rows}}<{{name}}:{{tok}}{{#each cells}}({{c}}{{name}}){{/each}}>{{/each}}",
	    v, "<a:T(a)(2a)(3a)><outer:T>");
	expect("{{#each rows}}{{#if flag}}F{{else}}-{{/if}}{{/each}}", v, "-F");
	expect("{{#each missing}}x{{/each}}{{#each name}}y{{/each}}", v, "");
	expect("{{#if rows}}{{#each rows}}.{{/each}}{{/if}}", v, "..");
	tmpl_vars_free(v);
}

static void
test_unknown_variable_empty(void **state)
{
	struct tmpl_vars *v = vars();

	(void)state;
	expect("[{{nope}}]", v, "[]");
	expect("[{{nope}}]", NULL, "[]");
	add(v, "l");
	expect("[{{l}}]", v, "[]"); /* a list has no string value */
	tmpl_vars_free(v);
}

static void
test_partials(void **state)
{
	struct tmpl_src s[] = {
		{ "a/page", "[{{> _part}}|{{> b/other}}]", 0 },
		{ "a/_part", "p{{x}}{{> _leaf}}", 0 },
		{ "a/_leaf", "L", 0 },
		{ "b/other", "o{{x}}", 0 },
	};
	struct tmpl_lib *lib = NULL;
	struct tmpl_vars *v = vars();
	struct sdbuf b;

	(void)state;
	for (size_t i = 0; i < 4; i++)
		s[i].len = strlen(s[i].data);
	set(v, "x", "<");
	sdbuf_init(&b, OUT_MAX);
	assert_int_equal(tmpl_lib_parse(s, 4, &lib, NULL, 0), 0);
	assert_int_equal(tmpl_lib_render(lib, "a/page", "en", v, &b), 0);
	assert_string_equal(b.p, "[p&lt;L|o&lt;]");
	assert_int_equal(tmpl_lib_render(lib, "a/nope", "en", v, &b), SD_ERR_ARG);
	sdbuf_free(&b);
	tmpl_lib_free(lib);
	tmpl_vars_free(v);
}

static void
test_partial_errors(void **state)
{
	struct tmpl_src cyc[] = { { "x/a", "{{> b}}", 7 }, { "x/b", "{{> a}}", 7 } };
	struct tmpl_src self[] = { { "x/a", "{{#if q}}{{> a}}{{/if}}", 23 } };
	struct tmpl_src deep[12];
	char names[12][16], bodies[12][24];
	struct tmpl_lib *lib = NULL;
	char err[200] = "";

	(void)state;
	refuse("{{> nothere}}", SD_ERR_FORMAT);
	assert_int_equal(tmpl_lib_parse(cyc, 2, &lib, err, sizeof err), SD_ERR_RANGE);
	assert_non_null(strstr(err, "cycle"));
	assert_int_equal(tmpl_lib_parse(self, 1, &lib, NULL, 0), SD_ERR_RANGE);
	for (int i = 0; i < 12; i++) {
		snprintf(names[i], sizeof names[i], "d/p%d", i);
		snprintf(bodies[i], sizeof bodies[i], i < 11 ? "{{> p%d}}" : "end", i + 1);
		deep[i].name = names[i];
		deep[i].data = bodies[i];
		deep[i].len = strlen(bodies[i]);
	}
	assert_int_equal(tmpl_lib_parse(deep, 12, &lib, NULL, 0), SD_ERR_RANGE);
	/* TMPL_PARTIAL_DEPTH levels are fine */
	assert_int_equal(tmpl_lib_parse(deep + 12 - TMPL_PARTIAL_DEPTH - 1, TMPL_PARTIAL_DEPTH + 1,
			     &lib, NULL, 0),
	    0);
	tmpl_lib_free(lib);
	lib = NULL;
	assert_int_equal(tmpl_lib_parse(deep, 2, &lib, NULL, 0), SD_ERR_FORMAT); /* p2 missing */
	assert_null(lib);
}

static void
test_syntax_errors(void **state)
{
	static const char *const bad[] = {
		"{{name",
		"a {{ b",
		"{{}}",
		"{{ }}",
		"{{#if a}}",
		"{{#if a}}{{/each}}",
		"{{/if}}",
		"{{else}}",
		"{{#if a}}{{else}}{{else}}{{/if}}",
		"{{#each a}}{{else}}{{/each}}",
		"{{#if}}{{/if}}",
		"{{#if a b}}{{/if}}",
		"{{#foo a}}{{/foo}}",
		"{{a-b}}",
		"{{1a}}",
		"{{a b}}",
		"{{_ \"x}}",
		"{{_ \"\"}}",
		"{{_ x}}",
		"{{_\"x\"}}",
		"{{_ \"a\\\"b\"}}",
		"{{_ \"a\nb\"}}",
		"{{_ \"x\" y}}",
		"{{>}}",
		"{{> a b}}",
		"{{a {{b}}",
		"{{#if a}}{{#each b}}{{/if}}{{/each}}",
		"{{#unless a}}x{{/if}}",
		"{{aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}}",
	};

	struct tmpl_src s = { "t/main", "ab{{x", 5 };
	struct tmpl_lib *lib = NULL;
	char err[100] = "";

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		refuse(bad[i], SD_ERR_FORMAT);
	assert_int_equal(tmpl_lib_parse(&s, 1, &lib, err, sizeof err), SD_ERR_FORMAT);
	assert_string_equal(err, "t/main: unclosed tag at byte 2");
}

static void
test_nul_and_control_bytes(void **state)
{
	struct tmpl_src s1 = { "t/main", "a\0b", 3 };
	struct tmpl_lib *lib = NULL;

	(void)state;
	assert_int_equal(tmpl_lib_parse(&s1, 1, &lib, NULL, 0), SD_ERR_FORMAT);
	assert_null(lib);
	refuse("{{_ \"a\tb\"}}", SD_ERR_FORMAT);
	refuse("{{_ \"a\x01\"}}", SD_ERR_FORMAT);
}

static void
test_nesting_too_deep(void **state)
{
	struct sdbuf src;
	struct tmpl_lib *lib = NULL;

	(void)state;
	sdbuf_init(&src, 4096);
	for (int i = 0; i < TMPL_NEST_MAX; i++)
		assert_int_equal(sdbuf_adds(&src, "{{#if a}}"), 0);
	for (int i = 0; i < TMPL_NEST_MAX; i++)
		assert_int_equal(sdbuf_adds(&src, "{{/if}}"), 0);
	assert_int_equal(parse1(src.p, &lib), 0);
	tmpl_lib_free(lib);
	lib = NULL;
	sdbuf_reset(&src);
	for (int i = 0; i <= TMPL_NEST_MAX; i++)
		assert_int_equal(sdbuf_adds(&src, "{{#each a}}"), 0);
	for (int i = 0; i <= TMPL_NEST_MAX; i++)
		assert_int_equal(sdbuf_adds(&src, "{{/each}}"), 0);
	refuse(src.p, SD_ERR_RANGE);
	sdbuf_free(&src);
}

static void
test_output_bound(void **state)
{
	struct tmpl_lib *lib = NULL;
	struct tmpl_vars *v = vars();
	struct sdbuf b;

	(void)state;
	set(v, "x", "<<<<<<<<<<"); /* 10 bytes, 40 escaped */
	assert_int_equal(parse1("abc{{x}}def", &lib), 0);
	sdbuf_init(&b, 46);
	assert_int_equal(sdbuf_adds(&b, "kept"), 0);
	assert_int_equal(tmpl_lib_render(lib, "t/main", "en", v, &b), SD_ERR_TOOLONG);
	assert_int_equal(b.len, 4); /* the buffer is as it was */
	assert_string_equal(b.p, "kept");
	sdbuf_free(&b);
	sdbuf_init(&b, 46);
	assert_int_equal(tmpl_lib_render(lib, "t/main", "en", v, &b), 0);
	assert_int_equal(b.len, 46);
	sdbuf_free(&b);
	tmpl_lib_free(lib);
	tmpl_vars_free(v);
}

static void
test_render_step_budget(void **state)
{
	struct tmpl_lib *lib = NULL;
	struct tmpl_vars *v = vars();
	struct sdbuf b;

	(void)state;
	for (int i = 0; i < 200; i++)
		add(v, "l");
	/* 200^3 = 8e6 iterations: stopped by the budget, not by the output */
	assert_int_equal(
	    parse1("{{#each l}}{{#each l}}{{#each l}}{{/each}}{{/each}}{{/each}}", &lib), 0);
	sdbuf_init(&b, OUT_MAX);
	assert_int_equal(tmpl_lib_render(lib, "t/main", "en", v, &b), SD_ERR_RANGE);
	assert_int_equal(b.len, 0);
	sdbuf_free(&b);
	tmpl_lib_free(lib);
	tmpl_vars_free(v);
}

static void
test_vars_api(void **state)
{
	struct tmpl_vars *v = vars(), *bad = vars(), *it = NULL;

	(void)state;
	/* Refused calls (each also the sticky error of bad: see below). */
	assert_int_equal(tmpl_set(bad, "", "x"), SD_ERR_ARG);
	assert_int_equal(tmpl_set(bad, "a-b", "x"), SD_ERR_ARG);
	assert_int_equal(tmpl_set(bad, "_x", "x"), SD_ERR_ARG);
	assert_int_equal(tmpl_set(bad, "a", NULL), SD_ERR_ARG);
	assert_int_equal(tmpl_set(NULL, "a", "x"), SD_ERR_ARG);
	assert_int_equal(tmpl_list_add(bad, "a", NULL), SD_ERR_ARG);
	tmpl_vars_free(bad);
	assert_int_equal(tmpl_setf(v, "n", "%d-%s", 42, "z"), 0);
	expect("{{n}}", v, "42-z");
	set(v, "n", "first");
	set(v, "n", "second"); /* replaced */
	expect("{{n}}", v, "second");
	assert_int_equal(tmpl_list_add(v, "n", &it), 0); /* a value becomes a list */
	set(it, "k", "v");
	expect("{{#each n}}{{k}}{{/each}}[{{n}}]", v, "v[]");
	set(v, "n", "again"); /* and a list a value */
	expect("{{#each n}}{{k}}{{/each}}[{{n}}]", v, "[again]");
	tmpl_vars_free(v);
	tmpl_vars_free(NULL);
}

/* The first failed set call is kept and returned by the render, which
 * writes nothing; later successful calls do not clear it, an item's
 * error is its top set's, and a failed list_add leaves a NULL item that
 * set calls ignore. */
static void
test_sticky_error(void **state)
{
	struct tmpl_lib *lib = NULL;
	struct tmpl_vars *v = vars(), *w = vars(), *u = vars(), *it;
	struct sdbuf b;
	char big[TMPL_NAME_MAX + 2];

	(void)state;
	sdbuf_init(&b, OUT_MAX);
	assert_int_equal(parse1("[{{a}}]", &lib), 0);
	assert_int_equal(tmpl_vars_error(v), 0);
	set(v, "a", "ok");
	assert_int_equal(tmpl_set(v, "bad-name", "x"), SD_ERR_ARG);
	assert_int_equal(tmpl_setf(v, "b", "%s", "later"), 0); /* not cleared */
	assert_int_equal(tmpl_vars_error(v), SD_ERR_ARG);
	assert_int_equal(sdbuf_adds(&b, "kept"), 0);
	assert_int_equal(tmpl_lib_render(lib, "t/main", "en", v, &b), SD_ERR_ARG);
	assert_string_equal(b.p, "kept"); /* nothing added */

	/* An item's error is recorded in the top set; a later different
	 * error does not replace the first. */
	it = add(w, "list");
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(tmpl_set(it, big, "v"), SD_ERR_ARG);
	assert_int_equal(tmpl_vars_error(it), SD_ERR_ARG);
	assert_int_equal(tmpl_vars_error(w), SD_ERR_ARG);
	assert_int_not_equal(tmpl_list_add(w, "", &it), 0);
	assert_null(it);
	assert_int_equal(tmpl_set(it, "k", "v"), SD_ERR_ARG); /* a no-op */
	assert_int_equal(tmpl_vars_error(w), SD_ERR_ARG);
	assert_int_equal(tmpl_lib_render(lib, "t/main", "en", w, &b), SD_ERR_ARG);

	/* A set with no error renders. */
	set(u, "a", "fine");
	sdbuf_free(&b);
	sdbuf_init(&b, OUT_MAX);
	assert_int_equal(tmpl_lib_render(lib, "t/main", "en", u, &b), 0);
	assert_string_equal(b.p, "[fine]");
	assert_int_equal(tmpl_vars_error(NULL), SD_ERR_ARG);
	sdbuf_free(&b);
	tmpl_vars_free(v);
	tmpl_vars_free(w);
	tmpl_vars_free(u);
	tmpl_lib_free(lib);
}

static void
test_comment_and_text(void **state)
{
	struct tmpl_vars *v = vars();

	(void)state;
	expect("a{{! not sent }}b", v, "ab");
	expect("", v, "");
	expect("} }} { x", v, "} }} { x");
	tmpl_vars_free(v);
}

/* ---- the real pages ------------------------------------------------ */

static const char *const pages[] = {
	"source/index",
	"source/generate",
	"source/lookup",
	"source/error",
	"source/busy",
};

#define CODENAME "granite mop tidal oboe unsaid kudos phrase"

/* What the daemon sets for page (codename on the generate page only). */
static struct tmpl_vars *
page_vars(const char *page, const char *lang, const char *val, int files)
{
	struct tmpl_vars *v = vars(), *it;

	set(v, "lang", lang);
	set(v, "instance_name", val ? val : "The Collective");
	for (const char *const *l = i18n_languages(); *l != NULL; l++) {
		it = add(v, "languages");
		set(it, "code", *l);
		set(it, "name", i18n_native_name(*l));
		set(it, "current", strcmp(*l, lang) == 0 ? "1" : "");
	}
	set(v, "logged_in", "1");
	set(v, "csrf_token", val ? val : "csrf-TOKEN");
	set(v, "submit_token", val ? val : "submit-TOKEN");
	set(v, "idle_minutes", val ? val : "30");
	set(v, "accept_files", files ? "1" : "");
	if (strcmp(page, "source/generate") == 0)
		set(v, "codename", val ? val : CODENAME);
	set(v, "flash", val ? val : "Thank you, your submission was received.");
	set(v, "max_submission", val ? val : "4 GiB");
	set(v, "max_files", val ? val : "20");
	set(v, "max_message", val ? val : "100000");
	set(v, "has_replies", "1");
	for (int i = 0; i < 2; i++) {
		it = add(v, "replies");
		set(it, "id", val ? val : "R1d");
		set(it, "date", val ? val : "2026-11-20");
		set(it, "text", val ? val : "Thanks.\nCould you say more?");
	}
	set(v, "status", val ? val : "413");
	set(v, "title", val ? val : "Too large");
	set(v, "message", val ? val : "Nothing was kept.");
	set(v, "back", val ? val : "/lookup");
	return v;
}

static char *
render_page(const char *page, const char *lang, const struct tmpl_vars *v)
{
	struct sdbuf b;
	int r;

	sdbuf_init(&b, OUT_MAX);
	r = tmpl_render(page, lang, v, &b);
	if (r != 0)
		fail_msg("render %s/%s: %d", page, lang, r);
	return sdbuf_take(&b, NULL);
}

/* Every <form ...> has as its first field the hidden csrf_token. */
static void
check_forms(const char *page, const char *html, const char *token)
{
	char want[256], want_submit[256];
	const char *p = html;
	int forms = 0;

	snprintf(
	    want, sizeof want, "<input type=\"hidden\" name=\"csrf_token\" value=\"%s\">", token);
	/* The source's submit form carries its submit token instead. */
	snprintf(want_submit, sizeof want_submit,
	    "<input type=\"hidden\" name=\"csrf_token\" value=\"submit-TOKEN\">");
	while ((p = strstr(p, "<form")) != NULL) {
		const char *end = strchr(p, '>'), *field = NULL;
		const char *tags[] = { "<input", "<textarea", "<button", "<select" };
		assert_non_null(end);
		for (size_t i = 0; i < 4; i++) {
			const char *f = strstr(end, tags[i]);
			if (f != NULL && (field == NULL || f < field))
				field = f;
		}
		assert_non_null(field);
		if (strncmp(field, want, strlen(want)) != 0 &&
		    !(strstr(p, "action=\"/submit\"") != NULL &&
			strstr(p, "action=\"/submit\"") < end &&
			strncmp(field, want_submit, strlen(want_submit)) == 0))
			fail_msg("%s: a form's first field is not csrf_token: %.80s", page, field);
		forms++;
		p = end;
	}
	assert_true(forms > 0);
}

/* Every visible input and textarea has an id and a label for it. */
static void
check_labels(const char *page, const char *html)
{
	const char *p = html;

	while ((p = strpbrk(p, "<")) != NULL) {
		char id[64], want[80];
		const char *end = strchr(p, '>'), *q;
		size_t n;
		if ((strncmp(p, "<input", 6) != 0 && strncmp(p, "<textarea", 9) != 0) ||
		    (strncmp(p, "<input type=\"hidden\"", 20) == 0)) {
			p++;
			continue;
		}
		assert_non_null(end);
		q = strstr(p, " id=\"");
		if (q == NULL || q > end)
			fail_msg("%s: input without id: %.60s", page, p);
		q += 5;
		n = strcspn(q, "\"");
		assert_true(n > 0 && n < sizeof id);
		memcpy(id, q, n);
		id[n] = '\0';
		snprintf(want, sizeof want, "<label for=\"%s\">", id);
		if (strstr(html, want) == NULL)
			fail_msg("%s: no label for %s", page, id);
		p = end;
	}
}

static void
check_page(const char *page, const char *lang, const char *html, const char *token)
{
	char want[64];

	snprintf(want, sizeof want, "<html lang=\"%s\">", lang);
	assert_non_null(strstr(html, want));
	assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<SCRIPT"));
	assert_null(strstr(html, " style="));
	assert_null(strstr(html, "<style"));
	assert_null(strstr(html, "<!--"));
	assert_null(strstr(html, "http://"));
	assert_null(strstr(html, "https://"));
	assert_null(strstr(html, "{{"));
	assert_non_null(strstr(html, "<link rel=\"stylesheet\" href=\"/static/style.css\">"));
	assert_non_null(strstr(html, "</html>"));
	check_forms(page, html, token);
	check_labels(page, html);
}

static void
test_pages_render_in_every_language(void **state)
{
	(void)state;
	for (const char *const *l = i18n_languages(); *l != NULL; l++) {
		for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
			struct tmpl_vars *v = page_vars(pages[i], *l, NULL, 1);
			char *html = render_page(pages[i], *l, v);
			check_page(pages[i], *l, html, "csrf-TOKEN");
			free(html);
			tmpl_vars_free(v);
		}
	}
}

static void
test_pages_hostile_values(void **state)
{
	const char *evil = "\"><script>alert(1)</script><b x='";

	(void)state;
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		struct tmpl_vars *v = page_vars(pages[i], "en", evil, 1);
		char *html = render_page(pages[i], "en", v);
		assert_null(strstr(html, "<script"));
		assert_null(strstr(html, "<b x="));
		assert_null(strstr(html, "alert(1)</"));
		free(html);
		tmpl_vars_free(v);
	}
}

static void
test_page_contents(void **state)
{
	struct tmpl_vars *v = page_vars("source/lookup", "en", NULL, 1);
	struct tmpl_vars *g = page_vars("source/generate", "en", NULL, 1);
	char *gen = render_page("source/generate", "en", g);
	char *look = render_page("source/lookup", "en", v);
	char *idx = render_page("source/index", "en", v);
	const char *p;

	(void)state;
	tmpl_vars_free(g);
	assert_non_null(strstr(gen, "id=\"codename\" lang=\"en\" translate=\"no\">" CODENAME "<"));
	assert_null(strstr(gen, "?lang=")); /* no link away from a codename shown once */
	assert_non_null(strstr(gen, "href=\"/lookup\""));
	assert_non_null(strstr(idx, "action=\"/generate\""));
	assert_non_null(strstr(idx, "action=\"/login\""));
	assert_non_null(strstr(idx,
	    "name=\"codename\" autocomplete=\"off\" spellcheck=\"false\" autocapitalize=\"off\""));
	assert_non_null(strstr(idx, "href=\"/lookup?lang=fr\"")); /* logged in */
	assert_non_null(strstr(idx, "<span aria-current=\"true\" lang=\"en\">English</span>"));
	/* submit form: csrf_token, message, files, button, in that order */
	p = strstr(look, "action=\"/submit\" enctype=\"multipart/form-data\"");
	assert_non_null(p);
	assert_true(strstr(p, "name=\"csrf_token\"") < strstr(p, "name=\"message\""));
	assert_true(strstr(p, "name=\"message\"") < strstr(p, "name=\"files\" multiple"));
	assert_true(strstr(p, "name=\"files\"") < strstr(p, "<button"));
	assert_non_null(strstr(look, "action=\"/reply/delete\""));
	assert_non_null(strstr(look, "<input type=\"hidden\" name=\"reply_id\" value=\"R1d\">"));
	assert_non_null(strstr(look, "action=\"/logout\""));
	assert_non_null(strstr(look, "4 GiB"));
	assert_non_null(strstr(look, "Thanks.\nCould you say more?"));
	free(gen);
	free(look);
	free(idx);
	tmpl_vars_free(v);
	v = page_vars("source/lookup", "en", NULL, 0);
	set(v, "has_replies", "");
	set(v, "logged_in", "");
	look = render_page("source/lookup", "en", v);
	assert_null(strstr(look, "type=\"file\""));
	assert_null(strstr(look, "Large files"));
	assert_null(strstr(look, "reply_id"));
	idx = render_page("source/index", "en", v);
	assert_null(strstr(idx, "action=\"/logout\""));
	assert_non_null(strstr(idx, "href=\"/?lang=fr\""));
	free(look);
	free(idx);
	tmpl_vars_free(v);
}

static void
test_french_differs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		struct tmpl_vars *v = page_vars(pages[i], "en", NULL, 1);
		char *en = render_page(pages[i], "en", v);
		char *fr;
		set(v, "lang", "fr");
		fr = render_page(pages[i], "fr", v);
		assert_string_not_equal(en, fr);
		free(en);
		free(fr);
		tmpl_vars_free(v);
	}
}

/* French typography: no plain space before : ; ? ! or inside « ». */
static void
check_fr_typography(const char *fr)
{
	static const char *const bad[] = { " :", " ;", " ?", " !", "« ", " »" };

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (strstr(fr, bad[i]) != NULL)
			fail_msg("French \"%s\": use a no-break space in \"%s\"", fr, bad[i]);
}

static int
need_fr(const char *tmpl_name, const char *msgid, void *arg)
{
	(void)arg;
	if (i18n_get("fr", msgid) == msgid)
		fail_msg("%s: no French translation for \"%s\"", tmpl_name, msgid);
	check_fr_typography(i18n_get("fr", msgid));
	return 0;
}

static void
test_templates_fully_translated(void **state)
{
	(void)state;
	assert_int_equal(tmpl_lib_foreach_msgid(tmpl_lib_global(), need_fr, NULL), 0);
}

/* Read the msgids of po/sealdrop.pot (one-line msgids and continued ones). */
static size_t
pot_msgids(char ***out)
{
	FILE *f = fopen(SD_SOURCE_DIR "/po/sealdrop.pot", "r");
	char line[4096], cur[8192] = "";
	char **ids = NULL;
	size_t n = 0;
	int in_id = 0;

	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		size_t l = strlen(line);
		while (l > 0 && (line[l - 1] == '\n' || line[l - 1] == '\r'))
			line[--l] = '\0';
		if (strncmp(line, "msgid \"", 7) == 0) {
			in_id = 1;
			snprintf(cur, sizeof cur, "%.*s", (int)(l - 8), line + 7);
		} else if (in_id && line[0] == '"') {
			size_t c = strlen(cur);
			snprintf(cur + c, sizeof cur - c, "%.*s", (int)(l - 2), line + 1);
		} else if (in_id) {
			in_id = 0;
			if (cur[0] != '\0') {
				ids = realloc(ids, (n + 1) * sizeof *ids);
				assert_non_null(ids);
				ids[n] = strdup(cur);
				assert_non_null(ids[n++]);
			}
		}
	}
	fclose(f);
	*out = ids;
	return n;
}

/* po escapes: \" \\ \n \t back to bytes, in place. */
static void
po_unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s == '\\' && s[1] != '\0') {
			s++;
			*w++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

static int
in_pot(const char *tmpl_name, const char *msgid, void *arg)
{
	char **ids = ((char ***)arg)[0];
	size_t n = (size_t)(uintptr_t)((char ***)arg)[1];

	for (size_t i = 0; i < n; i++)
		if (strcmp(ids[i], msgid) == 0)
			return 0;
	fail_msg("%s: \"%s\" is not in po/sealdrop.pot: run po/update.sh", tmpl_name, msgid);
	return 1;
}

static void
test_pot_complete_and_translated(void **state)
{
	char **ids = NULL;
	size_t n = pot_msgids(&ids);
	void *arg[2];

	(void)state;
	assert_true(n > 20);
	for (size_t i = 0; i < n; i++) {
		po_unescape(ids[i]);
		if (i18n_get("fr", ids[i]) == ids[i])
			fail_msg("po/fr.po has no translation for \"%s\"", ids[i]);
		check_fr_typography(i18n_get("fr", ids[i]));
	}
	arg[0] = ids;
	arg[1] = (void *)(uintptr_t)n;
	assert_int_equal(tmpl_lib_foreach_msgid(tmpl_lib_global(), in_pot, arg), 0);
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

/* Both daemons' pages open with web/_meta (the referrer and robots rules
 * are written once), and their error pages show web/_error. */
static void
test_pages_share_web_partials(void **state)
{
	static const char *const all[] = {
		"source/index",
		"source/generate",
		"source/lookup",
		"source/error",
		"source/busy",
		"journalist/login",
		"journalist/sources",
		"journalist/error",
	};
	struct tmpl_vars *v = page_vars("source/error", "en", NULL, 1);
	char *meta = render_page("web/_meta", "en", v), *err = render_page("web/_error", "en", v);

	(void)state;
	assert_non_null(strstr(meta, "<meta name=\"referrer\" content=\"no-referrer\">"));
	assert_non_null(strstr(meta, "<meta name=\"robots\" content=\"noindex, nofollow\">"));
	assert_non_null(strstr(err, "<p>Nothing was kept.</p>"));
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		char *html = render_page(all[i], "en", v);
		if (strncmp(html, meta, strlen(meta)) != 0)
			fail_msg("%s does not open with web/_meta", all[i]);
		if (strstr(all[i], "/error") != NULL && strstr(html, err) == NULL)
			fail_msg("%s does not show web/_error", all[i]);
		free(html);
	}
	free(meta);
	free(err);
	tmpl_vars_free(v);
}

static void
test_render_unknown_template(void **state)
{
	struct sdbuf b;

	(void)state;
	sdbuf_init(&b, 100);
	assert_int_equal(tmpl_render("source/nope", "en", NULL, &b), SD_ERR_ARG);
	assert_int_equal(tmpl_render("source/index", "en", NULL, NULL), SD_ERR_ARG);
	sdbuf_free(&b);
}

static void
test_static_files(void **state)
{
	const unsigned char *d;
	const char *type = NULL;
	size_t len = 0;

	(void)state;
	d = web_static_get("source/style.css", &len, &type);
	assert_non_null(d);
	assert_true(len > 100);
	assert_int_equal(d[len], 0);
	assert_string_equal(type, "text/css; charset=utf-8");
	assert_non_null(strstr((const char *)d, ".codename"));
	assert_null(web_static_get("source/../style.css", &len, &type));
	assert_null(web_static_get("/static/style.css", NULL, NULL));
	assert_null(web_static_get("style.css", NULL, NULL));
	assert_null(web_static_get("", NULL, NULL));
	assert_null(web_static_get(NULL, NULL, NULL));
}

static int
setup(void **state)
{
	(void)state;
	if (web_pages_init() != 0 || web_pages_init() != 0) {
		print_error("tmpl_init: %s\n", tmpl_init_error());
		return -1;
	}
	return tmpl_init_error()[0] == '\0' ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	tmpl_shutdown();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaping_everywhere),
		cmocka_unit_test(test_translation_literal_escaped),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_each_scoping_and_nesting),
		cmocka_unit_test(test_unknown_variable_empty),
		cmocka_unit_test(test_partials),
		cmocka_unit_test(test_partial_errors),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_nul_and_control_bytes),
		cmocka_unit_test(test_nesting_too_deep),
		cmocka_unit_test(test_output_bound),
		cmocka_unit_test(test_render_step_budget),
		cmocka_unit_test(test_vars_api),
		cmocka_unit_test(test_sticky_error),
		cmocka_unit_test(test_comment_and_text),
		cmocka_unit_test(test_pages_render_in_every_language),
		cmocka_unit_test(test_pages_hostile_values),
		cmocka_unit_test(test_page_contents),
		cmocka_unit_test(test_french_differs),
		cmocka_unit_test(test_templates_fully_translated),
		cmocka_unit_test(test_pot_complete_and_translated),
		cmocka_unit_test(test_pages_share_web_partials),
		cmocka_unit_test(test_render_unknown_template),
		cmocka_unit_test(test_static_files),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
