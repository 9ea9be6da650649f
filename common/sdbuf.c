/*
 * sdbuf.c - bounded dynamic buffers (see sdbuf.h).
 */
#include "sdbuf.h"
#include "sderr.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

void
sdbuf_init(struct sdbuf *b, size_t max)
{
	b->p = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

/* Move the contents to a block of cap bytes (cap > len). The old block is
 * wiped before it is freed (a buffer may hold a codename, a reply or a
 * cleaned document), so no realloc. */
static int
sdbuf_move(struct sdbuf *b, size_t cap)
{
	char *np = malloc(cap);

	if (np == NULL)
		return SD_ERR_NOMEM;
	if (b->p != NULL) {
		memcpy(np, b->p, b->len + 1);
		sodium_memzero(b->p, b->cap);
		free(b->p);
	} else {
		np[0] = '\0';
	}
	b->p = np;
	b->cap = cap;
	return 0;
}

/* Grow to hold need bytes and a NUL, doubling. */
static int
sdbuf_grow(struct sdbuf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 256;

	if (need > b->max)
		return SD_ERR_TOOLONG;
	if (need + 1 <= b->cap)
		return 0;
	while (cap < need + 1)
		cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	return sdbuf_move(b, cap);
}

int
sdbuf_reserve(struct sdbuf *b, size_t len)
{
	if (len > b->max - b->len || b->len + len == SIZE_MAX)
		return SD_ERR_TOOLONG;
	if (b->len + len + 1 <= b->cap)
		return 0;
	return sdbuf_move(b, b->len + len + 1);
}

int
sdbuf_add(struct sdbuf *b, const void *data, size_t len)
{
	int e;

	if (len > b->max - b->len)
		return SD_ERR_TOOLONG;
	if ((e = sdbuf_grow(b, b->len + len)) != 0)
		return e;
	if (len > 0)
		memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
	return 0;
}

int
sdbuf_adds(struct sdbuf *b, const char *s)
{
	return sdbuf_add(b, s, strlen(s));
}

int
sdbuf_printf(struct sdbuf *b, const char *fmt, ...)
{
	va_list ap;
	char small[512];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return SD_ERR_ARG;
	if ((size_t)n < sizeof small)
		return sdbuf_add(b, small, (size_t)n);
	return SD_ERR_TOOLONG; /* formatted pieces are small by design */
}

int
sdbuf_add_html(struct sdbuf *b, const char *s, size_t len)
{
	size_t start = 0;
	int e;

	for (size_t i = 0; i < len; i++) {
		const char *rep = NULL;
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		if ((e = sdbuf_add(b, s + start, i - start)) != 0 || (e = sdbuf_adds(b, rep)) != 0)
			return e;
		start = i + 1;
	}
	return sdbuf_add(b, s + start, len - start);
}

void
sdbuf_reset(struct sdbuf *b)
{
	if (b->p != NULL)
		b->p[0] = '\0';
	b->len = 0;
}

void
sdbuf_cut(struct sdbuf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->p[len] = '\0';
}

char *
sdbuf_take(struct sdbuf *b, size_t *len)
{
	char *p = b->p;

	if (p == NULL) {
		p = calloc(1, 1);
		if (p == NULL)
			return NULL;
	}
	if (len)
		*len = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

void
sdbuf_free(struct sdbuf *b)
{
	if (b == NULL)
		return;
	if (b->p != NULL) {
		sodium_memzero(b->p, b->cap);
		free(b->p);
	}
	b->p = NULL;
	b->len = b->cap = 0;
}
