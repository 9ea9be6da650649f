/*
 * db.h - the SQLite store: schema with versioned migrations and every query
 * the daemons and sealdrop-admin make, as prepared statements.
 *
 * Opened with a rollback journal, secure_delete=ON and foreign keys. Holds
 * no codename, plaintext, IP address or User-Agent; dates are coarse (day
 * for sources, hour for items). Ids exposed outside (source id, item id) are
 * 16 random bytes; row ids never leave the process.
 */
#ifndef DB_H
#define DB_H

#include <stddef.h>
#include <stdint.h>

#include "sdid.h"
#include "sderr.h"

#define DB_KEY_BYTES 32
#define DB_TAG_BYTES 32
#define DB_SCHEMA_VERSION 5
#define DB_SETTING_MAX 256

struct db;

/* Open (creating if create) and migrate to DB_SCHEMA_VERSION. */
SD_MUST_CHECK
int db_open(const char *path, int create, struct db **out);
void db_close(struct db *db);
SD_MUST_CHECK
int db_begin(struct db *db);
SD_MUST_CHECK
int db_commit(struct db *db);
void db_rollback(struct db *db);
/* The last statement failed because the disk or a quota is full. */
int db_is_full(struct db *db);
/* PRAGMA integrity_check: 0 when "ok". */
SD_MUST_CHECK
int db_check(struct db *db);
SD_MUST_CHECK
int db_schema_version(struct db *db, int *version);

/* Settings (instance-wide key/value text). SD_ERR_ARG for unknown key on get
 * means "not set": returns 1 and leaves out untouched. */
SD_MUST_CHECK
int db_setting_get(struct db *db, const char *key, char *out, size_t outsz);
SD_MUST_CHECK
int db_setting_set(struct db *db, const char *key, const char *value);

/* Recipients (journalist public keys every new file is sealed to). */
struct db_recipient {
	int64_t id;
	unsigned char pk[DB_KEY_BYTES];
	char label[128];
	char added_day[11];
};
SD_MUST_CHECK
int db_recipient_add(struct db *db, const unsigned char pk[DB_KEY_BYTES], const char *label);
/* Up to max recipients into out; *n receives the count. */
SD_MUST_CHECK
int db_recipient_list(struct db *db, struct db_recipient *out, size_t max, size_t *n);
SD_MUST_CHECK
int db_recipient_remove(struct db *db, int64_t id);

/* Sources. */
struct db_source {
	int64_t row;
	unsigned char id[SD_ID_BYTES];
	unsigned char reply_pk[DB_KEY_BYTES];
	char created_day[11];
	char last_day[11];
	int starred;
	int pending; /* made by /generate, nothing submitted yet */
};
/* A new source with a fresh random id; pending until its first submission
 * when pending is set (a codename from /generate). */
SD_MUST_CHECK
int db_source_create(struct db *db, const unsigned char tag[DB_TAG_BYTES],
    const unsigned char reply_pk[DB_KEY_BYTES], int pending, struct db_source *out);
/* The source submitted: no longer pending. */
SD_MUST_CHECK
int db_source_unpend(struct db *db, int64_t row);
/* Remove pending sources made before day before_day ("YYYY-MM-DD"), and
 * the oldest pending ones beyond the newest keep, except those whose row
 * is in spare[0..nspare) (a session or an upload uses them); *removed
 * (may be NULL) counts them. */
SD_MUST_CHECK
int db_source_prune_pending(struct db *db, const char *before_day, int64_t keep,
    const int64_t *spare, size_t nspare, unsigned *removed);
/* 0 and *out, or SD_ERR_NOTFOUND when no source has this tag. */
SD_MUST_CHECK
int db_source_by_tag(struct db *db, const unsigned char tag[DB_TAG_BYTES], struct db_source *out);
SD_MUST_CHECK
int db_source_by_row(struct db *db, int64_t row, struct db_source *out);
/* By source id, pending ones included (db_source_by_id, for journalists,
 * leaves them out). */
SD_MUST_CHECK
int db_source_by_sid(struct db *db, const unsigned char id[SD_ID_BYTES], struct db_source *out);
SD_MUST_CHECK
int db_source_touch(struct db *db, int64_t row);
/* Reserve n consecutive sequence numbers; *first receives the first. */
SD_MUST_CHECK
int db_source_next_seq(struct db *db, int64_t row, unsigned n, int64_t *first);
SD_MUST_CHECK
int db_source_delete(struct db *db, int64_t row);

/* Items: messages, files and replies. */
enum db_kind { DB_KIND_MESSAGE = 1, DB_KIND_FILE = 2, DB_KIND_REPLY = 3 };
struct db_item {
	int64_t row;
	int64_t source_row;
	unsigned char id[SD_ID_BYTES];
	int kind;
	int64_t seq;
	uint64_t size;
	char created_hour[17]; /* "YYYY-MM-DD HH:00" */
	int seen, starred;
	int has_batch; /* a submission's file: in spool/<source>/<batch>/ */
	unsigned char batch[SD_ID_BYTES];
	int source_deleted; /* a reply the source read and deleted: no file */
};
SD_MUST_CHECK
int db_item_add(struct db *db, const struct db_item *item);
/* The first max items of a source of the given kind (0: all), ascending
 * seq; *n receives how many (never more than max). */
SD_MUST_CHECK
int db_item_list(
    struct db *db, int64_t source_row, int kind, struct db_item *out, size_t max, size_t *n);
/* 0 and *out, or SD_ERR_NOTFOUND. */
SD_MUST_CHECK
int db_item_by_id(struct db *db, const unsigned char id[SD_ID_BYTES], struct db_item *out);
SD_MUST_CHECK
int db_item_delete(struct db *db, int64_t row);
/* A reply the source deleted: marked, size 0 (its file goes next).
 * SD_ERR_NOTFOUND when no such reply, or already marked. */
SD_MUST_CHECK
int db_item_mark_source_deleted(struct db *db, int64_t row);
/* 1 when a source has items in this batch, 0 when not, or an error. */
SD_MUST_CHECK
int db_batch_exists(struct db *db, int64_t source_row, const unsigned char batch[SD_ID_BYTES]);
/* Bytes (size buckets) that sources without any journalist reply stored
 * today (UTC), messages and files. */
SD_MUST_CHECK
int db_unreplied_bytes_today(struct db *db, uint64_t *out);

/* Coarse UTC dates for "now". */
void db_today(char out[11]);
void db_this_hour(char out[17]);

/* ---- journalists (schema 2) ---------------------------------------------
 * Defined in db_journalist.c. A journalist row holds the argon2id hash of
 * the passphrase (crypto_pwhash_str) and the TOTP secret: wipe a struct
 * db_journalist after use. */
#define DB_NAME_MAX 32
#define DB_TOTP_BYTES 20
#define DB_PWHASH_MAX 128
struct db_journalist {
	int64_t id;
	char name[DB_NAME_MAX + 1];
	char pw_hash[DB_PWHASH_MAX];
	unsigned char totp_secret[DB_TOTP_BYTES];
	int64_t totp_last;
	int is_admin;
	int failures;
	int64_t locked_until; /* unix seconds: locked while in the future; else
	                         the last counted failure, or 0 */
	char created_day[11];
	char last_day[11];
	int must_change_pw; /* an admin saw the passphrase: to be changed */
};
/* SD_ERR_EXISTS when the name is taken. */
SD_MUST_CHECK
int db_journalist_add(struct db *db, const char *name, const char *pw_hash,
    const unsigned char totp[DB_TOTP_BYTES], int is_admin);
/* 0 and *out, or SD_ERR_NOTFOUND. */
SD_MUST_CHECK
int db_journalist_get(struct db *db, const char *name, struct db_journalist *out);
SD_MUST_CHECK
int db_journalist_by_id(struct db *db, int64_t id, struct db_journalist *out);
/* Every journalist by name (secrets left zero); SD_ERR_RANGE past max. */
SD_MUST_CHECK
int db_journalist_list(struct db *db, struct db_journalist *out, size_t max, size_t *n);
SD_MUST_CHECK
int db_journalist_remove(struct db *db, int64_t id);
/* An admin sets a passphrase (they saw it): its journalist is asked to
 * change it (must_change_pw). */
SD_MUST_CHECK
int db_journalist_set_pwhash(struct db *db, int64_t id, const char *pw_hash);
/* The journalist changed their own passphrase: must_change_pw cleared. */
SD_MUST_CHECK
int db_journalist_set_own_pwhash(struct db *db, int64_t id, const char *pw_hash);
/* A new TOTP secret; also forgets the last used step. */
SD_MUST_CHECK
int db_journalist_set_totp(struct db *db, int64_t id, const unsigned char totp[DB_TOTP_BYTES]);
SD_MUST_CHECK
int db_journalist_set_admin(struct db *db, int64_t id, int is_admin);
/* A failed login: failures + 1 and the lock time decided by the caller. */
SD_MUST_CHECK
int db_journalist_failed(struct db *db, int64_t id, int64_t locked_until);
/* Claim a login attempt at time now, counted as a failure until
 * db_journalist_succeeded clears it. Failures decay: one is forgiven every
 * forgive seconds since the last counted one; when free of them are
 * outstanding, the account is locked until the next is forgiven (forgive
 * seconds after the failure that locked it). So sparse failures never keep
 * a lock alive. SD_ERR_LOCKED (nothing changed) when the account is locked
 * at now. One statement: attempts at the same moment cannot all find the
 * account unlocked. */
SD_MUST_CHECK
int db_journalist_attempt(struct db *db, int64_t id, int64_t now, int free, int64_t forgive);
/* An admin clears the lock and the failures; SD_ERR_NOTFOUND when no such account. */
SD_MUST_CHECK
int db_journalist_unlock(struct db *db, int64_t id);
/* A successful login: failures and lock cleared, last_day set. */
SD_MUST_CHECK
int db_journalist_succeeded(struct db *db, int64_t id);
/* Accept TOTP time step `step` only if it is later than the last one used,
 * atomically: SD_ERR_REPLAY when it is not (a code used twice). */
SD_MUST_CHECK
int db_journalist_use_step(struct db *db, int64_t id, int64_t step);
SD_MUST_CHECK
int db_journalist_count(struct db *db, int admins_only, int64_t *n);

/* ---- audit log ---------------------------------------------------------- */
#define DB_AUDIT_FIELD 64
struct db_audit {
	int64_t id;
	char hour[17];
	char actor[DB_NAME_MAX + 1];
	char action[DB_AUDIT_FIELD];
	char target[DB_AUDIT_FIELD];
};
/* actor: a journalist's name or "(system)"; target: a designation or a
 * journalist's name, never anything a source wrote. */
SD_MUST_CHECK
int db_audit_add(struct db *db, const char *actor, const char *action, const char *target);
/* Newest first, skipping offset entries. */
SD_MUST_CHECK
int db_audit_list(struct db *db, int64_t offset, struct db_audit *out, size_t max, size_t *n);
SD_MUST_CHECK
int db_audit_count(struct db *db, int64_t *n);

/* ---- what the journalist interface lists -------------------------------- */
struct db_source_summary {
	struct db_source s;
	int64_t submissions; /* messages and files */
	int64_t unread;      /* messages and files not seen */
	int64_t replies;
	char last_hour[17]; /* newest item, "" when none */
};
/* Starred first, then the most recently active; offset and max page it. */
SD_MUST_CHECK
int
db_source_page(struct db *db, int64_t offset, struct db_source_summary *out, size_t max, size_t *n);
SD_MUST_CHECK
int db_source_count(struct db *db, int64_t *n);
SD_MUST_CHECK
int db_source_by_id(struct db *db, const unsigned char id[SD_ID_BYTES], struct db_source *out);
/* Triage after a flood: the sources journalists see (not pending), not
 * starred, first seen on day ("YYYY-MM-DD"; NULL: any day) and, with
 * never_replied, without any journalist reply (a read receipt counts as a
 * reply). Oldest first, at most max into out; *total (may be NULL) counts
 * every match. */
SD_MUST_CHECK
int db_source_triage(struct db *db, const char *day, int never_replied, struct db_source *out,
    size_t max, size_t *n, int64_t *total);
SD_MUST_CHECK
int db_source_set_starred(struct db *db, int64_t row, int starred);
SD_MUST_CHECK
int db_item_set_seen(struct db *db, int64_t row, int seen);
SD_MUST_CHECK
int db_item_set_starred(struct db *db, int64_t row, int starred);
/* Items created before the hour `before` ("YYYY-MM-DD HH:00"), oldest
 * first, at most max. */
SD_MUST_CHECK
int db_item_older(struct db *db, const char *before, struct db_item *out, size_t max, size_t *n);
/* Sources with no item left whose last activity is before day `before`. */
SD_MUST_CHECK
int db_source_idle(struct db *db, const char *before, struct db_source *out, size_t max, size_t *n);
#endif
