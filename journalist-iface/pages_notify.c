/*
 * pages_notify.c - /account/notify: a journalist opts in to the daily
 * digest by giving an e-mail address and their armored OpenPGP public key,
 * or opts out, which removes both (docs/notifications.md). The daemon is
 * sandboxed and never runs gpg: it checks only the shape and size of both
 * (db_notify.h); `sealdrop-admin notify`, outside the sandbox, decides
 * whether the key can encrypt, and tells the operator when it cannot. The
 * address is shown back only to its journalist; the audit line and the log
 * carry neither it nor the key.
 */
#include "journalist.h"
#include "db_notify.h"
#include "sdi18n.h"
#include "sderr.h"
#include "sdlog.h"
#include "sdtmpl.h"

#include <string.h>

enum MHD_Result
jn_get_account_notify(struct MHD_Connection *c, struct jn_req *rq)
{
	char addr[DBN_ADDR_MAX + 1];
	struct tmpl_vars *v = NULL;
	int has_key = 0, e;

	JN_DB_LOCK();
	e = dbn_get(jn_app.db, rq->me.id, addr, &has_key);
	JN_DB_UNLOCK();
	if (e != 0)
		return jn_error(
		    c, rq, 500, I18N_N("Something went wrong. Please try again later."));
	if (tmpl_vars_new(&v) != 0)
		return MHD_NO;
	tmpl_set(v, "notify_addr", addr);
	tmpl_set(v, "opted_in", addr[0] != '\0' && has_key ? "1" : "");
	if (tmpl_vars_error(v) != 0) {
		tmpl_vars_free(v);
		return jn_error(
		    c, rq, 500, I18N_N("Something went wrong. Please try again later."));
	}
	return jn_page(c, rq, MHD_HTTP_OK, "account_notify", v);
}

enum MHD_Result
jn_post_account_notify(struct MHD_Connection *c, struct jn_req *rq)
{
	const char *action = web_form_get(&rq->form, "action", NULL);
	size_t alen = 0, klen = 0;
	const char *addr = web_form_get(&rq->form, "address", &alen);
	const char *key = web_form_get(&rq->form, "key", &klen);
	int set, e;

	if (action == NULL || (strcmp(action, "set") != 0 && strcmp(action, "clear") != 0))
		return jn_error(
		    c, rq, MHD_HTTP_BAD_REQUEST, I18N_N("The form was not understood."));
	set = action[0] == 's';
	if (set) {
		if (addr == NULL || strlen(addr) != alen || dbn_check_addr(addr) != 0)
			return jn_redirect(c, rq, "/account/notify",
			    I18N_N("That is not an e-mail address: nothing was changed."));
		if (key == NULL || strlen(key) != klen || dbn_check_key(key, klen) != 0)
			return jn_redirect(c, rq, "/account/notify",
			    I18N_N(
				"That is not one OpenPGP public key block (armored, at most 32 KiB): nothing was changed."));
	}
	JN_DB_LOCK();
	e = dbn_set(jn_app.db, rq->me.id, set ? addr : "", set ? key : "");
	if (e == 0)
		e = jn_audit(rq, set ? "notifications set" : "notifications off", rq->me.name);
	JN_DB_UNLOCK();
	if (e != 0) {
		sdlog_info("account: a notification change failed: %s", sd_strerror(e));
		return jn_error(
		    c, rq, 500, I18N_N("Something went wrong. Please try again later."));
	}
	return jn_redirect(c, rq, "/account/notify",
	    set ? I18N_N(
		      "Saved. The daily notice goes to this address, encrypted to this key; if the key cannot be used, the operator is told and nothing is sent.")
		: I18N_N("Notifications are off: your address and key are deleted."));
}
