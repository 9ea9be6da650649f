/*
 * db_notify.h - what the database keeps for notifications
 * (docs/notifications.md): a journalist's notification address and
 * armored OpenPGP public key, only when they opt in (both, or neither),
 * and whether sources submitted anything since an hour (for the daily
 * digest: yes or no, never a count).
 *
 * The daemons only check the shape and size of an address and a key
 * (dbn_check_addr, dbn_check_key); whether a key imports and can encrypt
 * is decided by `sealdrop-admin notify`, which runs gpg outside the
 * sandboxes and reports a key it refuses to the operator.
 */
#ifndef DB_NOTIFY_H
#define DB_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "sderr.h"

struct db;

/* An address is at most 254 bytes (RFC 5321's path limit less <>). */
#define DBN_ADDR_MAX 254
/* An armored public key is at most 32 KiB: room for a 4096-bit RSA key
 * with a few signatures, not for a key carrying photos. */
#define DBN_KEY_MAX 32768

struct dbn_entry {
	int64_t id; /* journalist row */
	char name[33];
	char addr[DBN_ADDR_MAX + 1];
	char *key; /* malloc'd armored key, NUL-terminated */
};

/* 0 when addr looks like local@domain: printable ASCII, no space, quote,
 * angle bracket, comma, semicolon, backslash or control character, one
 * '@' with something on both sides, a dot in the domain, at most
 * DBN_ADDR_MAX bytes. SD_ERR_TOOLONG or SD_ERR_FORMAT otherwise. */
SD_MUST_CHECK
int dbn_check_addr(const char *addr);
/* 0 when key (len bytes) is an armored OpenPGP public key block: ASCII
 * text, at most DBN_KEY_MAX bytes, beginning with the BEGIN PGP PUBLIC
 * KEY BLOCK line (after blank space) and holding one END line.
 * SD_ERR_TOOLONG or SD_ERR_FORMAT otherwise. */
SD_MUST_CHECK
int dbn_check_key(const char *key, size_t len);

/* Set a journalist's address and key (checked as above), or clear both
 * when addr and key are both "". SD_ERR_NOTFOUND: no such journalist. */
SD_MUST_CHECK
int dbn_set(struct db *db, int64_t id, const char *addr, const char *key);
/* A journalist's address ("" when not opted in) and whether a key is set. */
SD_MUST_CHECK
int dbn_get(struct db *db, int64_t id, char addr[DBN_ADDR_MAX + 1], int *has_key);
/* Every journalist who opted in, by id, into out (at most max); free the
 * keys with dbn_free. *n is set only on success (SD_ERR_RANGE past max). */
SD_MUST_CHECK
int dbn_list(struct db *db, struct dbn_entry *out, size_t max, size_t *n);
void dbn_free(struct dbn_entry *e, size_t n);

/* *yes = 1 when a source submitted a message or file in hour (the
 * "YYYY-MM-DD HH:00" of db_this_hour) or later, else 0. */
SD_MUST_CHECK
int dbn_activity_since(struct db *db, const char *hour, int *yes);

#endif
