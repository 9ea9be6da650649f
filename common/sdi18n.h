/*
 * sdi18n.h - translations. Messages are written in English in the templates
 * and the C code; po/<lang>.po files (gettext format, made and merged with
 * the gettext tools) are compiled with msgfmt at build time and the .mo
 * catalogues embedded in the binaries, so a lookup needs no file, no locale
 * and no global state (one language per request, any thread).
 */
#ifndef SD_I18N_H
#define SD_I18N_H

#include <stddef.h>
#include "sderr.h"

#define I18N_LANG_MAX 8

/* Load the embedded catalogues; 0 or a negative SD_ERR_*. Call once. */
SD_MUST_CHECK
int i18n_init(void);

/*
 * Marks a literal for po/update.sh without translating it where it stands,
 * for tables whose entries reach i18n_get later:
 *   static const char *const msgs[] = { I18N_N("Too large"), ... };
 *   i18n_get(lang, msgs[i]);
 */
#define I18N_N(s) (s)

/* Translation of msgid in lang, or msgid itself (never NULL). */
const char *i18n_get(const char *lang, const char *msgid);

/*
 * A message with a plural form (gettext's ngettext): the form of lang's
 * catalogue for the count n, chosen by the rule its Plural-Forms header
 * names ("n != 1" as in English, "n > 1" as in French; i18n_init refuses a
 * catalogue whose rule it does not know); without a translation, msgid when
 * n == 1 and msgid_plural otherwise (never NULL).
 */
const char *i18n_nget(const char *lang, const char *msgid, const char *msgid_plural,
    unsigned long n) __attribute__((format_arg(2), format_arg(3)));

/*
 * The translation of text, a message already formatted in English (a note
 * a library wrote with a printf-like call, kept in English because it is
 * also an interface): text's own translation when the catalogue has it,
 * else the translation of the catalogue's c-format message that formats to
 * text (the most specific one: most literal characters), written with the
 * same arguments as text spells them (a %s argument that is itself a
 * catalogue message is translated too, one level down). Into out (sz
 * bytes, cut at a UTF-8 boundary); returns out, or text when lang has no
 * translation of it. Bounded: lines of I18N_TEXT_MAX bytes at most, a
 * step budget per message.
 */
#define I18N_TEXT_MAX 1024
const char *i18n_get_text(const char *lang, const char *text, char *out, size_t sz);

/* NULL-terminated list of supported language codes, "en" first. */
const char *const *i18n_languages(void);

/* 1 if lang is one of them. */
int i18n_supported(const char *lang);

/* The supported language an Accept-Language header prefers (highest q,
 * then the first listed; "fr-CA" counts as "fr"; q=0 never), or NULL. The
 * header is read as far as 64 entries; anything malformed is skipped. */
const char *i18n_from_accept(const char *accept);

/* Native name of a language ("English", "Français"). */
const char *i18n_native_name(const char *lang);

#endif
