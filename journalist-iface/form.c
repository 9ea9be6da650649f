/*
 * form.c - request bodies of sealdrop-journalist (see journalist.h).
 *
 * Page forms are parsed by libmicrohttpd's post processor into a list of
 * fields that keeps repeated keys (a list of selected items sends one
 * "item" field per checkbox). API bodies are collected, bounded, and
 * parsed with jansson. Every value is wiped when the request ends: a form
 * may hold a passphrase.
 */
#include "journalist.h"
#include "sdi18n.h"
#include "sderr.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

enum MHD_Result
jn_form_put(struct jn_form *f, const char *key, const char *data, uint64_t off, size_t size)
{
	struct jn_field *fl;
	char *nv;

	/* libmicrohttpd passes a NULL key for a multipart part without
	 * name= (or with no Content-Disposition at all). */
	if (f->error || key == NULL || key[0] == '\0' || (data == NULL && size > 0) ||
	    strlen(key) >= sizeof f->f[0].key)
		goto bad;
	f->total += size + strlen(key);
	if (f->total > JN_BODY_MAX)
		goto bad;
	if (off == 0) {
		if (f->n == JN_FORM_FIELDS)
			goto bad;
		fl = &f->f[f->n++];
		memcpy(fl->key, key, strlen(key) + 1);
	} else {
		if (f->n == 0 || strcmp(f->f[f->n - 1].key, key) != 0 || off != f->f[f->n - 1].len)
			goto bad;
		fl = &f->f[f->n - 1];
	}
	nv = malloc(fl->len + size + 1);
	if (nv == NULL)
		goto bad;
	if (fl->len > 0)
		memcpy(nv, fl->val, fl->len);
	if (size > 0)
		memcpy(nv + fl->len, data, size);
	nv[fl->len + size] = '\0';
	if (fl->val != NULL) {
		sodium_memzero(fl->val, fl->len);
		free(fl->val);
	}
	fl->val = nv;
	fl->len += size;
	return MHD_YES;
bad:
	f->error = 1;
	return MHD_NO;
}

static enum MHD_Result
on_field(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
    const char *ctype, const char *enc, const char *data, uint64_t off, size_t size)
{
	(void)kind, (void)filename, (void)ctype, (void)enc;
	return jn_form_put(cls, key, data, off, size);
}

/* Wipe and free every value of a form (not the form itself). */
void
jn_form_clear(struct jn_form *f)
{
	for (size_t i = 0; i < f->n; i++) {
		if (f->f[i].val != NULL)
			sodium_memzero(f->f[i].val, f->f[i].len);
		free(f->f[i].val);
		f->f[i].val = NULL;
	}
	f->n = 0;
}

int
jn_body_begin(struct MHD_Connection *c, struct jn_req *rq)
{
	if (rq->api) {
		sdbuf_init(&rq->body, JN_BODY_MAX);
		return 0;
	}
	rq->form = calloc(1, sizeof *rq->form);
	if (rq->form == NULL)
		return SD_ERR_NOMEM;
	rq->pp = MHD_create_post_processor(c, 16 * 1024, on_field, rq->form);
	if (rq->pp == NULL) {
		rq->status = MHD_HTTP_BAD_REQUEST;
		rq->error_msg = I18N_N("The form was not understood.");
	}
	return 0;
}

void
jn_body_feed(struct jn_req *rq, const char *data, size_t len)
{
	if (rq->api) {
		if (sdbuf_add(&rq->body, data, len) != 0) {
			rq->status = MHD_HTTP_CONTENT_TOO_LARGE;
			rq->error_msg = I18N_N("The request is too large.");
		}
		return;
	}
	if (rq->pp == NULL)
		return;
	if (MHD_post_process(rq->pp, data, len) != MHD_YES || rq->form->error) {
		rq->status = rq->form->total > JN_BODY_MAX ? MHD_HTTP_CONTENT_TOO_LARGE
		                                           : MHD_HTTP_BAD_REQUEST;
		rq->error_msg = rq->status == MHD_HTTP_BAD_REQUEST
		    ? I18N_N("The form was not understood.") : I18N_N("The request is too large.");
	}
}

void
jn_body_end(struct jn_req *rq)
{
	json_error_t err;

	if (rq->status != 0)
		return;
	if (rq->api) {
		if (rq->body.len == 0)
			return;
		rq->json = json_loadb(rq->body.p, rq->body.len, JSON_REJECT_DUPLICATES, &err);
		if (rq->json == NULL || !json_is_object(rq->json)) {
			rq->status = MHD_HTTP_BAD_REQUEST;
			rq->error_msg = I18N_N("The request body is not a JSON object.");
		}
		return;
	}
	if (rq->pp != NULL) {
		if (MHD_destroy_post_processor(rq->pp) != MHD_YES && rq->status == 0) {
			rq->status = MHD_HTTP_BAD_REQUEST;
			rq->error_msg = I18N_N("The form was not understood.");
		}
		rq->pp = NULL;
	}
}

void
jn_body_free(struct jn_req *rq)
{
	if (rq->pp != NULL)
		(void)MHD_destroy_post_processor(rq->pp);
	rq->pp = NULL;
	if (rq->form != NULL) {
		jn_form_clear(rq->form);
		free(rq->form);
		rq->form = NULL;
	}
	if (rq->json != NULL)
		json_decref(rq->json); /* jansson's memory is wiped on free (main.c) */
	rq->json = NULL;
	sdbuf_free(&rq->body);
}

const char *
jn_form_nth(const struct jn_req *rq, const char *key, size_t idx)
{
	if (rq->form == NULL)
		return NULL;
	for (size_t i = 0; i < rq->form->n; i++)
		if (strcmp(rq->form->f[i].key, key) == 0 && idx-- == 0)
			return rq->form->f[i].val ? rq->form->f[i].val : "";
	return NULL;
}

const char *
jn_form_get(const struct jn_req *rq, const char *key, size_t *len)
{
	if (rq->form == NULL)
		return NULL;
	for (size_t i = 0; i < rq->form->n; i++)
		if (strcmp(rq->form->f[i].key, key) == 0) {
			if (len != NULL)
				*len = rq->form->f[i].len;
			return rq->form->f[i].val ? rq->form->f[i].val : "";
		}
	return NULL;
}
