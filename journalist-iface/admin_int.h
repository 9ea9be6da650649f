/*
 * admin_int.h - helpers shared by admin.c (recipients, settings, audit,
 * confirmation) and admin_people.c (journalist accounts).
 */
#ifndef JN_ADMIN_INT_H
#define JN_ADMIN_INT_H
#include "journalist.h"
#include "sderr.h"

/* A row id from a URL segment: 1 to 18 decimal digits, no sign, no
 * leading zero. 0 and *out, or SD_ERR_FORMAT (the caller answers 404). */
SD_MUST_CHECK
int jn_admin_row_id(const char *seg, int64_t *out);
/* 1 when the form carries confirm=1. */
int jn_admin_confirmed(const struct jn_req *rq);
/* A page asking to confirm: the same POST to action with confirm=1 and
 * the hidden field (name, value) when name is not NULL; cancel goes back
 * to the page `back`. */
enum MHD_Result jn_admin_confirm(struct MHD_Connection *c, struct jn_req *rq, const char *action,
    const char *message_msgid, const char *back, const char *name, const char *value);
/* The same, offering (when withrecip and there are two keys or more) the
 * recipient keys as a radio choice "recipient" (empty: none). */
enum MHD_Result jn_admin_confirm_ex(struct MHD_Connection *c, struct jn_req *rq, const char *action,
    const char *message_msgid, const char *back, const char *name, const char *value,
    int withrecip);
/* Remove recipient key id unless it is the last one, audited, under the
 * database lock: 0, SD_ERR_NOTFOUND (no such key), SD_ERR_STATE (the last). */
SD_MUST_CHECK
int jn_admin_recipient_drop(struct jn_req *rq, int64_t id);
enum MHD_Result jn_admin_oops(struct MHD_Connection *c, struct jn_req *rq);

/* admin_torkey.c: Tor client keys as requests to the root path unit
 * (crypto/torauth.h). init opens INSTANCE/tor-clients/ and its requests/
 * (made 0700 when missing) before the sandbox. request makes a pair, leaves
 * the public line for NAME and puts the private line (TORAUTH_PRIV_LINE_MAX
 * bytes, the caller wipes it) in priv_line; SD_ERR_NOTFOUND when the onion
 * address is not known yet. revoke asks for NAME's key to be removed.
 * jn_torkey_why: the page's message (msgid) for a failed request. */
SD_MUST_CHECK
int jn_torkey_init(const char *instance);
SD_MUST_CHECK
int jn_torkey_request(const char *name, char *priv_line, size_t linesz);
SD_MUST_CHECK
int jn_torkey_revoke(const char *name);
const char *jn_torkey_why(int e);
#endif
