/*
 * form.c - the urlencoded form parser of both daemons (see form.h): a small
 * state machine fed the body in pieces, with caller-given bounds on fields
 * and bytes, values in memory wiped when freed.
 */
#include "form.h"
#include "sderr.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

int
web_form_init(struct web_form *f, size_t max_fields, size_t max_bytes)
{
	memset(f, 0, sizeof *f);
	if (max_fields == 0 || (f->f = calloc(max_fields, sizeof *f->f)) == NULL)
		return SD_ERR_NOMEM;
	f->max_fields = max_fields;
	f->max_bytes = max_bytes;
	return 0;
}

int
web_form_begin(struct MHD_Connection *c, struct web_form *f, size_t max_fields, size_t max_bytes)
{
	static const char urlenc[] = "application/x-www-form-urlencoded";
	const char *ct =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	int e;

	if ((e = web_form_init(f, max_fields, max_bytes)) != 0)
		return e;
	/* The type, then nothing or parameters (";charset=UTF-8"). */
	if (ct == NULL || strncasecmp(ct, urlenc, sizeof urlenc - 1) != 0 ||
	    (ct[sizeof urlenc - 1] != '\0' && ct[sizeof urlenc - 1] != ';' &&
		ct[sizeof urlenc - 1] != ' '))
		f->error = SD_ERR_FORMAT;
	return f->error;
}

static int
fail(struct web_form *f, int e)
{
	if (f->error == 0)
		f->error = e;
	return f->error;
}

/* Count one decoded byte against the bound. */
static int
count(struct web_form *f)
{
	if (f->total >= f->max_bytes)
		return fail(f, SD_ERR_TOOLONG);
	f->total++;
	return 0;
}

/* Open the field of the key read so far. */
static int
open_field(struct web_form *f)
{
	struct web_field *fl;

	if (f->klen == 0)
		return fail(f, SD_ERR_FORMAT);
	if (f->n == f->max_fields)
		return fail(f, SD_ERR_TOOLONG);
	fl = &f->f[f->n++];
	memcpy(fl->key, f->key, f->klen);
	fl->key[f->klen] = '\0';
	return 0;
}

/* Append byte b to the value of the last field (grown by doubling; the old
 * copy is wiped). */
static int
value_add(struct web_form *f, unsigned char b)
{
	struct web_field *fl = &f->f[f->n - 1];

	if (count(f) != 0)
		return f->error;
	if (fl->len + 1 >= fl->cap) {
		size_t cap = fl->cap ? fl->cap * 2 : 32;
		char *nv = malloc(cap);
		if (nv == NULL)
			return fail(f, SD_ERR_NOMEM);
		if (fl->len > 0)
			memcpy(nv, fl->val, fl->len);
		if (fl->val != NULL) {
			sodium_memzero(fl->val, fl->cap);
			free(fl->val);
		}
		fl->val = nv;
		fl->cap = cap;
	}
	fl->val[fl->len++] = (char)b;
	fl->val[fl->len] = '\0';
	return 0;
}

/* One decoded byte of a key or a value. */
static int
put_byte(struct web_form *f, unsigned char b)
{
	if (b == '\0')
		return fail(f, SD_ERR_FORMAT); /* values are C strings */
	if (f->in_value)
		return value_add(f, b);
	if (f->klen == WEB_FORM_KEY_MAX)
		return fail(f, SD_ERR_FORMAT);
	if (count(f) != 0)
		return f->error;
	f->key[f->klen++] = (char)b;
	return 0;
}

/* The end of a field ("&" or the end of the body). */
static int
end_field(struct web_form *f)
{
	if (f->pct != 0)
		return fail(f, SD_ERR_FORMAT);
	if (f->started && !f->in_value && open_field(f) != 0) /* "key" without "=" */
		return f->error;
	if (f->started) {
		struct web_field *fl = &f->f[f->n - 1];
		if (fl->val == NULL && (fl->val = calloc(1, 1)) == NULL)
			return fail(f, SD_ERR_NOMEM);
	}
	f->started = f->in_value = 0;
	f->klen = 0;
	return 0;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
web_form_feed(struct web_form *f, const char *data, size_t len)
{
	for (size_t i = 0; i < len && f->error == 0; i++) {
		unsigned char c = (unsigned char)data[i];
		if (f->pct != 0) {
			int h = hexval(c);
			if (h < 0)
				return fail(f, SD_ERR_FORMAT);
			f->hex = (unsigned char)(f->hex << 4 | h);
			if (++f->pct == 3) {
				f->pct = 0;
				(void)put_byte(f, f->hex);
			}
			continue;
		}
		if (c == '&') {
			(void)end_field(f);
			continue;
		}
		f->started = 1;
		if (c == '=' && !f->in_value) {
			if (open_field(f) == 0)
				f->in_value = 1;
		} else if (c == '%') {
			f->pct = 1;
			f->hex = 0;
		} else {
			(void)put_byte(f, c == '+' ? ' ' : c);
		}
	}
	return f->error;
}

int
web_form_finish(struct web_form *f)
{
	if (f->error == 0)
		(void)end_field(f);
	return f->error;
}

const char *
web_form_nth(const struct web_form *f, const char *key, size_t idx)
{
	for (size_t i = 0; f->f != NULL && i < f->n; i++)
		if (strcmp(f->f[i].key, key) == 0 && idx-- == 0)
			return f->f[i].val ? f->f[i].val : "";
	return NULL;
}

const char *
web_form_get(const struct web_form *f, const char *key, size_t *len)
{
	for (size_t i = 0; f->f != NULL && i < f->n; i++)
		if (strcmp(f->f[i].key, key) == 0) {
			if (len != NULL)
				*len = f->f[i].len;
			return f->f[i].val ? f->f[i].val : "";
		}
	return NULL;
}

void
web_form_free(struct web_form *f)
{
	for (size_t i = 0; f->f != NULL && i < f->n; i++) {
		if (f->f[i].val != NULL) {
			sodium_memzero(f->f[i].val, f->f[i].cap);
			free(f->f[i].val);
		}
	}
	free(f->f);
	sodium_memzero(f, sizeof *f);
}
