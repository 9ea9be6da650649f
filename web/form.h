/*
 * form.h - the one parser of application/x-www-form-urlencoded bodies both
 * daemons use for their page forms. It is fed the body in pieces as they
 * arrive, decodes "+" and %XX, keeps repeated keys as separate fields in
 * order (a list of checkboxes sends one "item" a box), and holds every
 * value in memory it wipes when freed (a form may carry a passphrase or a
 * codename).
 *
 * Bounds are the caller's: at most max_fields fields and max_bytes bytes of
 * decoded keys and values together. Crossing one is SD_ERR_TOOLONG; a
 * malformed body (a bad %-escape, a %00, an empty or over-long key) is
 * SD_ERR_FORMAT. The first error sticks: what follows is ignored and every
 * later call returns it.
 */
#ifndef WEB_FORM_H
#define WEB_FORM_H

#include <stddef.h>

#include <microhttpd.h>

#include "sderr.h"

#define WEB_FORM_KEY_MAX 31 /* bytes of a field name */

struct web_field {
	char key[WEB_FORM_KEY_MAX + 1];
	char *val; /* NUL-terminated, len bytes (never NULL once ended) */
	size_t len, cap;
};

struct web_form {
	struct web_field *f; /* max_fields entries */
	size_t n, max_fields;
	size_t total, max_bytes;
	int error; /* 0, SD_ERR_FORMAT or SD_ERR_TOOLONG (sticky) */
	/* parser state */
	int in_value; /* past the "=" of the current field */
	int started;  /* the current field has begun */
	int pct;      /* 0, or 1/2 digits of a %XX read so far */
	unsigned char hex;
	char key[WEB_FORM_KEY_MAX + 1];
	size_t klen;
};

/* An empty form with these bounds; SD_ERR_NOMEM. */
SD_MUST_CHECK
int web_form_init(struct web_form *f, size_t max_fields, size_t max_bytes);
/* web_form_init, after checking that the request's Content-Type is
 * application/x-www-form-urlencoded (SD_ERR_FORMAT otherwise; the form is
 * then initialised all the same, with its error set). */
SD_MUST_CHECK
int
web_form_begin(struct MHD_Connection *c, struct web_form *f, size_t max_fields, size_t max_bytes);
/* Parse len more bytes of the body; 0 or the form's error. */
SD_MUST_CHECK
int web_form_feed(struct web_form *f, const char *data, size_t len);
/* The body has ended: close the last field; 0 or the form's error. */
SD_MUST_CHECK
int web_form_finish(struct web_form *f);
/* The first value of key (and its length), or NULL. */
const char *web_form_get(const struct web_form *f, const char *key, size_t *len);
/* The idx-th value of key (0-based), or NULL past the last one. */
const char *web_form_nth(const struct web_form *f, const char *key, size_t idx);
/* Wipe and free every value; the form can be freed or initialised again.
 * Accepts a zeroed form. */
void web_form_free(struct web_form *f);

#endif
