/*
 * session.h - journalist sessions, in memory only.
 *
 * A session is a random 256-bit id: the HttpOnly, SameSite=Strict cookie of
 * the pages, or the bearer token of the JSON API (kind JNSESS_API). It is
 * bound to one journalist (row id, name, admin flag as of login; the
 * routes re-read the account on every request), carries a CSRF token for
 * the pages, a one-shot message, and a pending TOTP secret while the
 * journalist enrols a new second factor. The table is one sodium_malloc'd
 * block; entries are wiped at logout, at idle or absolute expiry, and on
 * eviction of the least recently used entry when the table is full. A
 * restart ends every session.
 */
#ifndef JNSESS_H
#define JNSESS_H
#include <stddef.h>
#include <stdint.h>
#include "db.h"
#include "http.h"
#include "sderr.h"

#define JNSESS_MAX 256
#define JNSESS_CRED_BYTES 32 /* a hash of the credentials a session was opened with */

enum jnsess_kind { JNSESS_WEB = 1, JNSESS_API = 2 };

struct jnsess_view {
	enum jnsess_kind kind;
	int64_t journalist;
	char name[DB_NAME_MAX + 1];
	int is_admin;
	char csrf[WEB_TOKEN_CHARS + 1];
	const char *flash; /* an English message shown once, or NULL */
	int has_pending;   /* a TOTP secret being enrolled */
	unsigned char pending[DB_TOTP_BYTES];
	int has_shown;                         /* an admin's page just showed new credentials: */
	unsigned char shown[DB_TOTP_BYTES];    /* their TOTP secret, for one QR */
	char shown_name[DB_NAME_MAX + 1];      /* PNG (/admin/qr.png), then wiped */
	int64_t expires_in;                    /* seconds to the absolute expiry */
	unsigned char cred[JNSESS_CRED_BYTES]; /* jnsess_cred of the account at login */
};

SD_MUST_CHECK
int jnsess_init(unsigned idle_seconds, unsigned max_seconds);
void jnsess_shutdown(void);
SD_MUST_CHECK
int jnsess_create(enum jnsess_kind kind, int64_t journalist, const char *name, int is_admin,
    const unsigned char cred[JNSESS_CRED_BYTES], char id_out[WEB_TOKEN_CHARS + 1]);
/* A hash of an account's passphrase hash and TOTP secret: a session whose
 * cred differs from its account's now was opened with credentials since
 * replaced (a reset from the admin page or from sealdrop-admin). */
void jnsess_cred(const struct db_journalist *j, unsigned char out[JNSESS_CRED_BYTES]);
/* Set the cred of a session (its own journalist changed their TOTP). */
void jnsess_set_cred(const char *id, const unsigned char cred[JNSESS_CRED_BYTES]);
/* Look up by id (of the given kind) and refresh its idle timer; the flash
 * message is handed out once. SD_ERR_NOTFOUND when missing or expired. Wipe
 * the view after use (it may hold a pending TOTP secret). */
SD_MUST_CHECK
int jnsess_get(const char *id, enum jnsess_kind kind, struct jnsess_view *out);
void jnsess_set_flash(const char *id, const char *msgid);
/* Set (secret non-NULL) or clear the pending TOTP secret. */
void jnsess_set_pending(const char *id, const unsigned char *secret);
/* Set (secret non-NULL) or clear the secret of the credentials an admin's
 * page just showed, for its QR code. */
void jnsess_set_shown(const char *id, const unsigned char *secret, const char *name);
void jnsess_destroy(const char *id);
/* End every session of a journalist (removed, or credentials reset). */
void jnsess_destroy_journalist(int64_t journalist);
unsigned jnsess_expire(void);
#endif
