/*
 * api.c - the JSON API under /api/v1/. NOT YET WRITTEN: answers 404 until
 * this file is (issue 5 in progress).
 */
#include "journalist.h"
#include "i18n.h"

enum MHD_Result
jn_api(struct MHD_Connection *c, struct jn_req *rq)
{
	return jn_error(c, rq, MHD_HTTP_NOT_FOUND, I18N_N("There is no page at this address."));
}
