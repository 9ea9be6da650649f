/*
 * admin_int.h - helpers shared by admin.c (recipients, settings, audit,
 * confirmation) and admin_people.c (journalist accounts).
 */
#ifndef JN_ADMIN_INT_H
#define JN_ADMIN_INT_H
#include "journalist.h"

/* A row id from a URL segment: 1 to 18 decimal digits, no sign, no
 * leading zero. 0 and *out, or SD_ERR_FORMAT (the caller answers 404). */
int jn_admin_row_id(const char *seg, int64_t *out);
/* 1 when the form carries confirm=1. */
int jn_admin_confirmed(const struct jn_req *rq);
/* A page asking to confirm: the same POST to action with confirm=1 and
 * the hidden field (name, value) when name is not NULL; cancel goes back
 * to the page `back`. */
enum MHD_Result jn_admin_confirm(struct MHD_Connection *c, struct jn_req *rq,
    const char *action, const char *message_msgid, const char *back, const char *name,
    const char *value);
enum MHD_Result jn_admin_oops(struct MHD_Connection *c, struct jn_req *rq);
#endif
