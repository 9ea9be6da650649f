/*
 * clean_css.c - CSS style sheets: comments removed.
 *
 * libmagic calls a style sheet text/plain, so the text cleaner asks this
 * one first: a text that parses as CSS (a strict check below: every item a
 * rule "prelude { ... }", an at-rule ending in ';', or inside a block a
 * declaration "name: value", with balanced braces) has its comments
 * removed; anything else is not CSS (CLEAN_E_UNSUPPORTED, out untouched)
 * and stays plain text. A comment between two characters that would then
 * run together is replaced by an empty comment, so the style sheet reads
 * the same tokens as before.
 *
 * Comments are the only metadata field of CSS. Quoted strings (content:,
 * font names, @import) and url() references are kept but may hold a name
 * or a file path (url(file:///home/alice/...)): a style sheet holding any is
 * "not fully cleaned" and the report says so. Selectors, property names and
 * values are the style sheet itself, like the words of a text.
 */
#include "clean_int.h"
#include "sderr.h"

#include <string.h>

#define CSS_DEPTH_MAX 32

struct css_scan {
	const unsigned char *p;
	size_t n, i;
	int strings, urls, blocks;
};

static int
css_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
css_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
css_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* A quoted string starting at s->i; 0, or -1 when it is not closed on its
 * line (a bad string: not taken for CSS). */
static int
css_skip_string(struct css_scan *s)
{
	unsigned char q = s->p[s->i++];

	while (s->i < s->n) {
		unsigned char c = s->p[s->i++];
		if (c == q)
			return 0;
		if (c == '\n' || c == '\r' || c == '\f')
			return -1;
		if (c == '\\' && s->i < s->n)
			s->i++;
	}
	return -1;
}

/* 1 when an unquoted url( starts at i (case-insensitive). */
static int
css_url_at(const unsigned char *p, size_t n, size_t i)
{
	size_t j;

	if (i + 4 > n || (p[i] | 0x20) != 'u' || (p[i + 1] | 0x20) != 'r' ||
	    (p[i + 2] | 0x20) != 'l' || p[i + 3] != '(')
		return 0;
	if (i > 0 &&
	    (p[i - 1] == '-' || p[i - 1] == '_' || p[i - 1] == '\\' || css_alpha(p[i - 1]) ||
		css_digit(p[i - 1]) || p[i - 1] >= 0x80))
		return 0; /* part of a longer name */
	for (j = i + 4; j < n && css_space(p[j]); j++)
		;
	return j < n && p[j] != '"' && p[j] != '\'';
}

/* An unquoted url( ... ) starting at s->i, copied whole (a comment opener in it is
 * part of the address); -1 when it is not closed. */
static int
css_skip_url(struct css_scan *s)
{
	s->i += 4;
	while (s->i < s->n) {
		unsigned char c = s->p[s->i++];
		if (c == ')')
			return 0;
		if (c == '"' || c == '\'' || c == '(')
			return -1;
		if (c == '\\' && s->i < s->n)
			s->i++;
	}
	return -1;
}

/* 1 when item [a, b) (trimmed) is a declaration: an optional "--" or "-",
 * a name, optional spaces, a colon. */
static int
css_is_decl(const unsigned char *p, size_t a, size_t b)
{
	size_t i = a;

	while (i < b && css_space(p[i]))
		i++;
	if (i < b && p[i] == '-')
		i++;
	if (i < b && p[i] == '-')
		i++;
	if (i >= b || !(css_alpha(p[i]) || p[i] == '_' || p[i] >= 0x80))
		return 0;
	while (i < b &&
	    (css_alpha(p[i]) || css_digit(p[i]) || p[i] == '_' || p[i] == '-' || p[i] >= 0x80))
		i++;
	while (i < b && css_space(p[i]))
		i++;
	return i < b && p[i] == ':';
}

static int
css_blank(const unsigned char *p, size_t a, size_t b)
{
	for (; a < b; a++)
		if (!css_space(p[a]))
			return 0;
	return 1;
}

/* Items until the end (depth 0) or the closing brace of this block; the
 * text holds no comment any more. 0 when it is CSS, -1 when not. */
static int
css_items(struct css_scan *s, unsigned depth)
{
	if (depth > CSS_DEPTH_MAX)
		return -1;
	for (;;) {
		size_t a;
		while (s->i < s->n && css_space(s->p[s->i]))
			s->i++;
		if (s->i >= s->n)
			return depth == 0 ? 0 : -1;
		if (s->p[s->i] == '}')
			return depth > 0 ? (s->i++, 0) : -1;
		a = s->i;
		for (;;) {
			unsigned char c;
			if (s->i >= s->n)
				return -1; /* an item or a block not closed */
			c = s->p[s->i];
			if (c == '"' || c == '\'') {
				s->strings = 1;
				if (css_skip_string(s) != 0)
					return -1;
			} else if (css_url_at(s->p, s->n, s->i)) {
				s->urls = 1;
				if (css_skip_url(s) != 0)
					return -1;
			} else if (c == '\\') {
				s->i += s->i + 1 < s->n ? 2 : 1;
			} else if (c == '{') {
				if (css_blank(s->p, a, s->i))
					return -1; /* a block with no prelude: not CSS */
				s->i++;
				s->blocks++;
				if (css_items(s, depth + 1) != 0)
					return -1;
				break;
			} else if (c == ';' || c == '}') {
				/* an at-rule statement, or a declaration in a block */
				if (s->p[a] == '@') {
					if (c == '}' && depth == 0)
						return -1;
				} else if (depth == 0 || !css_is_decl(s->p, a, s->i)) {
					return -1;
				}
				if (c == ';')
					s->i++;
				break;
			} else {
				s->i++;
			}
		}
	}
}

/* 1 when c ends or starts a token on its own: removing a comment next to
 * it cannot join two tokens. */
static int
css_edge(unsigned char c)
{
	return css_space(c) || strchr("{};:,>()[]", c) != NULL;
}

int
clean_css(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep)
{
	struct sdbuf t = CLEAN_BUF_INIT;
	struct css_scan s = { 0 };
	size_t i = 0, comments = 0;
	int e = CLEAN_E_UNSUPPORTED;

	if (len == 0 || memchr(buf, '{', len) == NULL)
		goto out;
	/* Comments out; strings, escapes and unquoted url() copied whole. */
	while (i < len) {
		size_t j = i;
		unsigned char c = buf[i];
		if (c == '/' && i + 1 < len && buf[i + 1] == '*') {
			/* a run of comments goes as one (so cleaning twice gives
			 * the same text) */
			while (j + 1 < len && buf[j] == '/' && buf[j + 1] == '*') {
				const unsigned char *end = NULL;
				for (size_t k = j + 2; k + 1 < len; k++)
					if (buf[k] == '*' && buf[k + 1] == '/') {
						end = buf + k + 2;
						break;
					}
				j = end ? (size_t)(end - buf) : len;
				comments++;
			}
			if (t.len > 0 && j < len && !css_edge(t.data[t.len - 1]) &&
			    !css_edge(buf[j]) && (e = sdbuf_add(&t, "/**/", 4)) != 0)
				goto out;
			e = CLEAN_E_UNSUPPORTED;
			i = j;
			continue;
		}
		s.p = buf;
		s.n = len;
		s.i = i;
		if (c == '"' || c == '\'') {
			if (css_skip_string(&s) != 0)
				goto out; /* e is still CLEAN_E_UNSUPPORTED */
			j = s.i;
		} else if (css_url_at(buf, len, i)) {
			if (css_skip_url(&s) != 0)
				goto out;
			j = s.i;
		} else if (c == '\\') {
			j = i + 1 < len ? i + 2 : i + 1;
		} else {
			j = i + 1;
		}
		if ((e = sdbuf_add(&t, buf + i, j - i)) != 0)
			goto out;
		e = CLEAN_E_UNSUPPORTED;
		i = j;
	}
	memset(&s, 0, sizeof s);
	s.p = t.data;
	s.n = t.len;
	if (t.len == 0 || css_items(&s, 0) != 0 || s.blocks == 0) {
		e = CLEAN_E_UNSUPPORTED;
		goto out;
	}
	if ((e = sdbuf_add(out, t.data, t.len)) != 0)
		goto out;
	if (comments > 0)
		clean_note_removed(rep, "%zu CSS comment%s", comments, comments == 1 ? "" : "s");
	if (s.strings)
		clean_note_uninspected(rep,
		    "quoted strings in the style sheet kept as they are "
		    "(may hold a name)");
	if (s.urls)
		clean_note_uninspected(rep,
		    "url() references in the style sheet kept as they are "
		    "(may hold a name or a file path)");
	e = 0;
out:
	sdbuf_free(&t);
	return e;
}
