/*
 * route.c - the request layer both daemons dispatch with (see route.h):
 * path splitting, the route matcher and its Allow list, the anonymous CSRF
 * token and the form check, and the language of a request.
 */
#include "route.h"
#include "sderr.h"
#include "sdi18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

int
web_path_split(const char *url, struct web_path *p)
{
	const char *s = url;

	p->n = 0;
	if (url == NULL || *s != '/')
		return SD_ERR_FORMAT;
	if (strcmp(url, "/") == 0)
		return 0;
	while (*s == '/') {
		const char *seg = ++s;
		size_t n = strcspn(seg, "/");
		if (n == 0 || n > WEB_SEG_MAX || p->n == WEB_SEGS) {
			p->n = 0;
			return SD_ERR_FORMAT;
		}
		memcpy(p->seg[p->n], seg, n);
		p->seg[p->n++][n] = '\0';
		s = seg + n;
	}
	return 0;
}

int
web_route_matches(const char *pattern, const struct web_path *p)
{
	const char *s = pattern;
	size_t i = 0;

	if (pattern == NULL || *s != '/')
		return 0;
	if (strcmp(pattern, "/") == 0)
		return p->n == 0;
	while (*s == '/') {
		size_t n = strcspn(++s, "/");
		if (i >= p->n)
			return 0;
		if (!(n == 1 && *s == '*') &&
		    (strlen(p->seg[i]) != n || memcmp(p->seg[i], s, n) != 0))
			return 0;
		i++;
		s += n;
	}
	return *s == '\0' && i == p->n;
}

/* 1 when the comma-separated list has method. */
static int
allow_has(const char *allow, const char *method)
{
	size_t n = strlen(method);

	for (const char *s = allow; *s != '\0';) {
		size_t k = strcspn(s, ",");
		if (k == n && memcmp(s, method, n) == 0)
			return 1;
		s += k;
		while (*s == ',' || *s == ' ')
			s++;
	}
	return 0;
}

const struct web_route *
web_route_find(const struct web_route *t, size_t n, const char *method, const struct web_path *p,
    char allow[WEB_ALLOW_MAX])
{
	const char *m = method != NULL && strcmp(method, "HEAD") == 0 ? "GET" : method;
	char list[WEB_ALLOW_MAX];

	list[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(list);
		if (!web_route_matches(t[i].pattern, p))
			continue;
		if (m != NULL && strcmp(m, t[i].method) == 0) {
			if (allow != NULL)
				allow[0] = '\0';
			return &t[i];
		}
		/* The table is ours and small: a list that would not fit is a
		 * programming error, and is cut (still a valid list). */
		if (!allow_has(list, t[i].method) && used + strlen(t[i].method) + 2 < sizeof list)
			(void)snprintf(
			    list + used, sizeof list - used, "%s%s", used ? ", " : "", t[i].method);
	}
	if (allow != NULL)
		memcpy(allow, list, sizeof list);
	return NULL;
}

void *
web_req_state(void **rc, size_t size, int *first)
{
	*first = *rc == NULL;
	if (*rc == NULL)
		*rc = calloc(1, size);
	return *rc;
}

void
web_req_end(void **rc, size_t size)
{
	if (*rc == NULL)
		return;
	sodium_memzero(*rc, size);
	free(*rc);
	*rc = NULL;
}

void
web_anon_csrf(
    struct MHD_Connection *c, const char *cookie, char out[WEB_TOKEN_CHARS + 1], int *is_new)
{
	static const char b64url[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const char *v = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, cookie);

	if (v != NULL && strlen(v) == WEB_TOKEN_CHARS && strspn(v, b64url) == WEB_TOKEN_CHARS) {
		memcpy(out, v, WEB_TOKEN_CHARS + 1);
		*is_new = 0;
	} else {
		web_token_new(out);
		*is_new = 1;
	}
}

int
web_csrf_ok(const char *sent, const char *session, int anon_ok, const char *anon, int anon_new)
{
	if (session != NULL && web_token_equal(sent, session))
		return 1;
	return anon_ok && !anon_new && web_token_equal(sent, anon);
}

/* The catalogue's own copy of lang, or NULL when it is not supported. */
static const char *
supported(const char *lang)
{
	const char *const *langs = i18n_languages();

	if (lang == NULL || !i18n_supported(lang))
		return NULL;
	for (size_t i = 0; langs[i] != NULL; i++)
		if (strcmp(langs[i], lang) == 0)
			return langs[i];
	return NULL;
}

const char *
web_lang_of(struct MHD_Connection *c, const char *def, unsigned flags, int *from_query)
{
	const char *l;

	*from_query = 0;
	if ((l = supported(MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang")))) {
		*from_query = 1;
		return l;
	}
	if ((l = supported(MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "sd_lang"))))
		return l;
	/* Until one is picked, the browser's language if we have it. */
	if ((flags & WEB_LANG_ACCEPT) &&
	    (l = supported(i18n_from_accept(
		 MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language")))))
		return l;
	if ((l = supported(def)))
		return l;
	return "en";
}
