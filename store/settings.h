/*
 * settings.h - the instance settings an administrator edits from the
 * journalist interface (/admin/settings) or with `sealdrop-admin settings`,
 * kept in the database's settings table. A key that is not in the table
 * takes its default from sealdrop.conf (instance name, default language,
 * accept_files, max_submission_bytes) or from the built-in default (0 for
 * min_first_message_chars and retention_days).
 *
 * Keys in the table (text values): instance_name, default_language,
 * accept_files ("0"/"1"), max_submission_bytes, min_first_message_chars,
 * retention_days (decimal). A stored value that does not parse or is out
 * of range is ignored (the default applies), so a damaged row never stops
 * a daemon; settings_save writes only validated values.
 */
#ifndef SETTINGS_H
#define SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "db.h"
#include "sderr.h"

#define SETTINGS_NAME_CHARS 64 /* instance_name: 1..64 characters */
#define SETTINGS_NAME_BYTES (CONF_NAME_MAX - 1)
#define SETTINGS_SUBMISSION_MIN (1ULL << 20)
#define SETTINGS_SUBMISSION_MAX (64ULL << 30)
#define SETTINGS_FIRST_MESSAGE_MAX 10000U
#define SETTINGS_RETENTION_MAX 3650U

struct settings {
	char instance_name[CONF_NAME_MAX];
	char default_language[8];         /* "en" or "fr" */
	int accept_files;                 /* 0 or 1 */
	uint64_t max_submission_bytes;    /* 1 MiB .. 64 GiB */
	unsigned min_first_message_chars; /* 0 .. 10000 */
	unsigned retention_days;          /* 0 = keep forever, else 1 .. 3650 */
};

/* The settings: stored values over the defaults. 0 or SD_ERR_IO. */
SD_MUST_CHECK
int settings_load(struct db *db, const struct conf *defaults, struct settings *out);
/* 0 when every value is in range; otherwise SD_ERR_RANGE and *why_msgid
 * (may be NULL) an English message (I18N_N) saying which and why. */
SD_MUST_CHECK
int settings_validate(const struct settings *s, const char **why_msgid);
/* Validate, then write every key in one transaction. */
SD_MUST_CHECK
int settings_save(struct db *db, const struct settings *s);

/* Characters of valid UTF-8 text s (len bytes), or -1 when it is not valid
 * UTF-8 or holds a control character (C0, DEL, C1). */
long settings_text_chars(const char *s, size_t len);
/* Parse a whole decimal number (digits only, no sign, no spaces) <= max:
 * 0 and *out, or SD_ERR_FORMAT / SD_ERR_RANGE. */
SD_MUST_CHECK
int settings_parse_u64(const char *s, uint64_t max, uint64_t *out);
/* Set one key from its text form after validating the result (the
 * command-line tool): SD_ERR_ARG for an unknown key, SD_ERR_RANGE (and
 * *why_msgid) for a bad value. */
SD_MUST_CHECK
int
settings_set_text(struct settings *s, const char *key, const char *value, const char **why_msgid);
#endif
