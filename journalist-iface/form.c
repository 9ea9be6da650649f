/*
 * form.c - request bodies of sealdrop-journalist (see journalist.h).
 *
 * Page forms go through web/form.h's parser (repeated keys kept: a list of
 * selected items sends one "item" field per checkbox), bounded to
 * JN_FORM_FIELDS fields and JN_BODY_MAX bytes. API bodies are collected,
 * bounded, and parsed with jansson. Every value is wiped when the request
 * ends: a form may hold a passphrase.
 */
#include "journalist.h"
#include "sdi18n.h"
#include "sderr.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

/* rq->status and its message from a form error. */
static void
form_failed(struct jn_req *rq, int e)
{
	rq->status = e == SD_ERR_TOOLONG ? MHD_HTTP_CONTENT_TOO_LARGE : MHD_HTTP_BAD_REQUEST;
	rq->error_msg = rq->status == MHD_HTTP_BAD_REQUEST ? I18N_N("The form was not understood.")
							   : I18N_N("The request is too large.");
}

int
jn_body_begin(struct MHD_Connection *c, struct jn_req *rq)
{
	int e;

	if (rq->api) {
		sdbuf_init(&rq->body, JN_BODY_MAX);
		return 0;
	}
	e = web_form_begin(c, &rq->form, JN_FORM_FIELDS, JN_BODY_MAX);
	if (e == SD_ERR_NOMEM)
		return e;
	if (e != 0) /* not a form encoding we know */
		form_failed(rq, SD_ERR_FORMAT);
	return 0;
}

void
jn_body_feed(struct jn_req *rq, const char *data, size_t len)
{
	int e;

	if (rq->api) {
		if (sdbuf_add(&rq->body, data, len) != 0) {
			rq->status = MHD_HTTP_CONTENT_TOO_LARGE;
			rq->error_msg = I18N_N("The request is too large.");
		}
		return;
	}
	if (rq->form.f == NULL)
		return;
	if ((e = web_form_feed(&rq->form, data, len)) != 0)
		form_failed(rq, e);
}

void
jn_body_end(struct jn_req *rq)
{
	json_error_t err;
	int e;

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
	if (rq->form.f != NULL && (e = web_form_finish(&rq->form)) != 0)
		form_failed(rq, e);
}

void
jn_body_free(struct jn_req *rq)
{
	web_form_free(&rq->form);
	if (rq->json != NULL)
		json_decref(rq->json); /* jansson's memory is wiped on free (main.c) */
	rq->json = NULL;
	sdbuf_free(&rq->body);
}
