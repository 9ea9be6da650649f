/*
 * sdpriv.h - giving up root for good, as the daemons (web/daemon.c) and
 * sealdrop-admin's steps (tools/admin_priv.c) do it: one function, so both
 * sides drop the same way and check the same things.
 */
#ifndef SDPRIV_H
#define SDPRIV_H

#include <sys/types.h>

#include "sderr.h"

/* Become uid with gid as the only group, for good (real, effective and
 * saved ids; no supplementary group), then check every id and that root
 * cannot be taken back. 0; SD_ERR_IO when a call failed (errno kept);
 * SD_ERR_STATE when an id is not what was asked or root came back. */
SD_MUST_CHECK
int sdpriv_become(uid_t uid, gid_t gid);

#endif
