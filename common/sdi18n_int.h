/*
 * sdi18n_int.h - internals of the translations, for the unit tests: the GNU
 * .mo reader over any buffer. i18n_init() runs it over every embedded
 * catalogue.
 */
#ifndef SD_I18N_INT_H
#define SD_I18N_INT_H

#include <stddef.h>
#include <stdint.h>

#include "sderr.h"

#define I18N_MO_MAX (8u * 1024u * 1024u) /* bytes of one catalogue */
#define I18N_MO_STRINGS_MAX 100000u      /* messages in one catalogue */

/* A parsed catalogue points into the .mo bytes, which must outlive it. */
struct i18n_mo {
	const unsigned char *data;
	size_t len;
	uint32_t n;         /* number of messages */
	uint32_t orig_off;  /* offset of the originals table */
	uint32_t trans_off; /* offset of the translations table */
	int swap;           /* big-endian file */
};

/* Check the header, both tables, every string's offset and length (each
 * string must end with a NUL inside the buffer) and that the originals are
 * sorted, as binary search needs. 0 or SD_ERR_FORMAT / SD_ERR_RANGE /
 * SD_ERR_TRUNCATED / SD_ERR_ARG; *out is set only on success. */
SD_MUST_CHECK
int i18n_mo_parse(const unsigned char *data, size_t len, struct i18n_mo *out);

/* Which plural form of a catalogue serves a count: the rules of
 * Plural-Forms that i18n_init knows. */
enum i18n_plural {
	I18N_PLURAL_NOT_ONE = 0, /* plural=(n != 1): English, German... */
	I18N_PLURAL_GT_ONE = 1   /* plural=(n > 1): French, Portuguese (BR)... */
};

/* The rule of the catalogue's Plural-Forms header: 0 and *rule set,
 * I18N_PLURAL_NOT_ONE when the header names none, SD_ERR_FORMAT for a rule
 * not known here (nplurals other than 2, another expression). */
int i18n_mo_plural_rule(const struct i18n_mo *mo, enum i18n_plural *rule);

/* Form form (0 singular, 1 plural) of the translation of msgid when the
 * catalogue has it as a message with a plural form, else NULL. */
const char *i18n_mo_nlookup(const struct i18n_mo *mo, const char *msgid, unsigned form);

/* The translation of msgid, or NULL when the catalogue has none (or an
 * empty one). The header entry (msgid "") is never returned. */
const char *i18n_mo_lookup(const struct i18n_mo *mo, const char *msgid);

#endif
