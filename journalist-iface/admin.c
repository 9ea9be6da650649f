/*
 * admin.c - the admin pages. NOT YET WRITTEN: every route answers 404 until
 * this file is (issue 5 in progress).
 */
#include "journalist.h"
#include "i18n.h"

#define STUB(fn) \
	enum MHD_Result fn(struct MHD_Connection *c, struct jn_req *rq) \
	{ return jn_error(c, rq, MHD_HTTP_NOT_FOUND, I18N_N("There is no page at this address.")); }

STUB(jn_admin_journalists)
STUB(jn_admin_journalist_add)
STUB(jn_admin_journalist_reset)
STUB(jn_admin_journalist_remove)
STUB(jn_admin_recipients)
STUB(jn_admin_recipient_add)
STUB(jn_admin_recipient_remove)
STUB(jn_admin_settings)
STUB(jn_admin_settings_save)
STUB(jn_admin_audit)
