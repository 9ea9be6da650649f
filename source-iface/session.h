/*
 * session.h - source sessions, in memory only.
 *
 * A session is a random 256-bit id (the HttpOnly, SameSite=Strict cookie)
 * bound to one source: its row, its source id and its reply secret key,
 * plus a CSRF token. The whole table is one sodium_malloc'd block; an entry
 * is wiped at logout, at idle or absolute expiry, and when the table is
 * full the least recently used entry is evicted, a pending source's first. Nothing of it is ever
 * written to disk, a log or a cookie other than the id itself.
 */
#ifndef SRCSESS_H
#define SRCSESS_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "sderr.h"

enum srcsess_flash { SRCSESS_FLASH_NONE, SRCSESS_FLASH_SUBMITTED, SRCSESS_FLASH_DELETED };

/* What a request may copy out of a session. */
struct srcsess_view {
	int64_t source_row;
	unsigned char source_id[16];
	unsigned char reply_sk[32];
	char csrf[WEB_TOKEN_CHARS + 1];
	enum srcsess_flash flash;
};

/* A table of slots sessions (sealdrop.conf max_sessions). */
SD_MUST_CHECK
int srcsess_init(unsigned slots, unsigned idle_seconds, unsigned max_seconds);
void srcsess_shutdown(void);

/* New session; id and csrf tokens are returned for the cookie and forms.
 * A pending source's session (nothing submitted yet) may evict only other
 * pending ones when the table is full: SD_ERR_BUSY when there are none. */
SD_MUST_CHECK
int srcsess_create(int64_t source_row, const unsigned char source_id[16],
    const unsigned char reply_sk[32], int pending, char id_out[WEB_TOKEN_CHARS + 1]);
/* The source submitted: its session ranks with the others from now on. */
void srcsess_promote(const char *id);
/* Sessions of one source at most: a new login evicts its own oldest. */
#define SRCSESS_PER_SOURCE 3
/* Pin (1) a session while an upload uses it, unpin (-1) after: a pinned
 * session is never evicted. */
void srcsess_pin(const char *id, int delta);
/* The source rows of the live sessions, at most max (repeats kept): a
 * pending source someone is using is not forgotten under a flood. */
size_t srcsess_live_sources(int64_t *rows, size_t max);

/* Look up by cookie value and refresh its idle timer; SD_ERR_NOTFOUND when
 * missing or expired. The view holds the reply key: wipe it after use. */
SD_MUST_CHECK
int srcsess_get(const char *id, struct srcsess_view *out);

/* Set (and with take, read and clear) the one-shot message. */
void srcsess_set_flash(const char *id, enum srcsess_flash f);

/* Wipe a session. */
void srcsess_destroy(const char *id);

/* Wipe expired sessions; returns how many. */
unsigned srcsess_expire(void);

/*
 * Submit tokens: the submit form's token, which lets its one form be sent
 * for a day even after the session ended (a source may write for longer
 * than the idle limit) and across a daemon restart. A token is
 * base64url(source id || expiry (8 bytes, little-endian unix seconds) ||
 * HMAC-SHA-512-256 of both under the instance's token key, kept in the
 * database). It names a source, never reads anything: replies still need
 * the codename. Wipe it like a CSRF token.
 */
#define SRCSESS_SUBMIT_TOKEN_CHARS 75 /* base64url of 16 + 8 + 32 bytes */
#define SRCSESS_SUBMIT_LIFETIME (24 * 3600)
/* The instance's token key (32 bytes, read from the database at start-up). */
void srcsess_set_token_key(const unsigned char key[32]);
/* A token for source_id valid for SRCSESS_SUBMIT_LIFETIME from now. */
SD_MUST_CHECK
int
srcsess_submit_token(const unsigned char source_id[16], char out[SRCSESS_SUBMIT_TOKEN_CHARS + 1]);
/* 0 and *source_id when tok is a valid, unexpired token; SD_ERR_AUTH
 * otherwise (malformed, forged, expired: one answer). */
SD_MUST_CHECK
int srcsess_submit_token_check(const char *tok, size_t len, unsigned char source_id[16]);

#endif
