/*
 * settings.c - the instance settings (settings.h): stored text values over
 * sealdrop.conf's defaults, validated before they are written.
 *
 * The messages of settings_validate are English msgids; the journalist
 * interface (journalist-iface/admin.c) lists the same literals with
 * I18N_N so po/update.sh extracts them: change both together.
 */
#include "settings.h"
#include "sderr.h"
#include "sdutf8.h"

#include <stdio.h>
#include <string.h>

#define MSG_NAME "The name must be 1 to 64 characters, without control characters."
#define MSG_LANG "The default language must be one of the languages offered."
#define MSG_FILES "Accepting files must be yes or no."
#define MSG_SIZE "The largest submission must be between 1 MiB and 64 GiB."
#define MSG_FIRST "The minimum length of a first message must be between 0 and 10000 characters."
#define MSG_RETENTION "Retention must be 0 (keep forever) or between 1 and 3650 days."

static const char *const languages[] = { "en", "fr" };

long
settings_text_chars(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;
	size_t i = 0;

	while (i < len) {
		uint32_t cp = 0;
		size_t l = sd_utf8_decode(p + i, len - i, &cp);

		/* invalid UTF-8, C0 and C1 controls, DEL */
		if (l == 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
			return -1;
		i += l;
		n++;
	}
	return n;
}

int
settings_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > 20)
		return SD_ERR_FORMAT;
	for (size_t i = 0; i < n; i++) {
		unsigned d;
		if (s[i] < '0' || s[i] > '9')
			return SD_ERR_FORMAT;
		d = (unsigned)(s[i] - '0');
		if (d > max || v > (max - d) / 10)
			return SD_ERR_RANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int
language_ok(const char *l)
{
	for (size_t i = 0; i < sizeof languages / sizeof languages[0]; i++)
		if (strcmp(l, languages[i]) == 0)
			return 1;
	return 0;
}

static int
name_ok(const char *name, size_t cap)
{
	size_t nb = strnlen(name, cap);
	long nc = nb < cap ? settings_text_chars(name, nb) : -1;

	return nc >= 1 && nc <= SETTINGS_NAME_CHARS && nb <= SETTINGS_NAME_BYTES;
}

int
settings_validate(const struct settings *s, const char **why_msgid)
{
	const char *why = NULL;

	if (!name_ok(s->instance_name, sizeof s->instance_name))
		why = MSG_NAME;
	else if (strnlen(s->default_language, sizeof s->default_language) ==
		sizeof s->default_language ||
	    !language_ok(s->default_language))
		why = MSG_LANG;
	else if (s->accept_files != 0 && s->accept_files != 1)
		why = MSG_FILES;
	else if (s->max_submission_bytes < SETTINGS_SUBMISSION_MIN ||
	    s->max_submission_bytes > SETTINGS_SUBMISSION_MAX)
		why = MSG_SIZE;
	else if (s->min_first_message_chars > SETTINGS_FIRST_MESSAGE_MAX)
		why = MSG_FIRST;
	else if (s->retention_days > SETTINGS_RETENTION_MAX)
		why = MSG_RETENTION;
	if (why_msgid != NULL)
		*why_msgid = why;
	return why == NULL ? 0 : SD_ERR_RANGE;
}

/* A stored number: *v changes only when the row parses and is <= max. */
static int
load_u64(struct db *db, const char *key, uint64_t max, uint64_t *v)
{
	char t[DB_SETTING_MAX];
	uint64_t x;
	int e = db_setting_get(db, key, t, sizeof t);

	if (e == 1 || e == SD_ERR_TOOLONG)
		return 0;
	if (e != 0)
		return e;
	if (settings_parse_u64(t, max, &x) == 0)
		*v = x;
	return 0;
}

static int
load_text(struct db *db, const char *key, char *out, size_t outsz)
{
	char t[DB_SETTING_MAX];
	int e = db_setting_get(db, key, t, sizeof t);

	if (e == 1 || e == SD_ERR_TOOLONG)
		return 0;
	if (e == 0 && strlen(t) < outsz)
		memcpy(out, t, strlen(t) + 1);
	return e;
}

int
settings_load(struct db *db, const struct conf *defaults, struct settings *out)
{
	struct settings s;
	char name[CONF_NAME_MAX] = "", lang[8] = "";
	uint64_t files, size, first = 0, days = 0;
	int e;

	memset(&s, 0, sizeof s);
	(void)snprintf(s.instance_name, sizeof s.instance_name, "%s", defaults->name);
	(void)snprintf(
	    s.default_language, sizeof s.default_language, "%s", defaults->default_language);
	files = defaults->accept_files ? 1 : 0;
	size = defaults->max_submission_bytes;
	if ((e = load_text(db, "instance_name", name, sizeof name)) != 0 ||
	    (e = load_text(db, "default_language", lang, sizeof lang)) != 0 ||
	    (e = load_u64(db, "accept_files", 1, &files)) != 0 ||
	    (e = load_u64(db, "max_submission_bytes", SETTINGS_SUBMISSION_MAX, &size)) != 0 ||
	    (e = load_u64(db, "min_first_message_chars", SETTINGS_FIRST_MESSAGE_MAX, &first)) !=
		0 ||
	    (e = load_u64(db, "retention_days", SETTINGS_RETENTION_MAX, &days)) != 0)
		return e;
	/* Each stored value only if it passes on its own. */
	if (name_ok(name, sizeof name))
		memcpy(s.instance_name, name, sizeof s.instance_name);
	if (language_ok(lang))
		memcpy(s.default_language, lang, sizeof s.default_language);
	s.accept_files = (int)files;
	s.max_submission_bytes =
	    size >= SETTINGS_SUBMISSION_MIN ? size : defaults->max_submission_bytes;
	s.min_first_message_chars = (unsigned)first;
	s.retention_days = (unsigned)days;
	*out = s;
	return 0;
}

int
settings_save(struct db *db, const struct settings *s)
{
	char num[4][24];
	int e;

	if ((e = settings_validate(s, NULL)) != 0)
		return e;
	(void)snprintf(num[0], sizeof num[0], "%d", s->accept_files);
	(void)snprintf(num[1], sizeof num[1], "%llu", (unsigned long long)s->max_submission_bytes);
	(void)snprintf(num[2], sizeof num[2], "%u", s->min_first_message_chars);
	(void)snprintf(num[3], sizeof num[3], "%u", s->retention_days);
	if ((e = db_begin(db)) != 0)
		return e;
	if ((e = db_setting_set(db, "instance_name", s->instance_name)) != 0 ||
	    (e = db_setting_set(db, "default_language", s->default_language)) != 0 ||
	    (e = db_setting_set(db, "accept_files", num[0])) != 0 ||
	    (e = db_setting_set(db, "max_submission_bytes", num[1])) != 0 ||
	    (e = db_setting_set(db, "min_first_message_chars", num[2])) != 0 ||
	    (e = db_setting_set(db, "retention_days", num[3])) != 0 || (e = db_commit(db)) != 0) {
		db_rollback(db);
		return e;
	}
	return 0;
}

int
settings_set_text(struct settings *s, const char *key, const char *value, const char **why_msgid)
{
	struct settings t = *s;
	uint64_t v = 0;
	int num = strcmp(key, "instance_name") != 0 && strcmp(key, "default_language") != 0;

	if (why_msgid != NULL)
		*why_msgid = NULL;
	if (num && settings_parse_u64(value, SETTINGS_SUBMISSION_MAX, &v) != 0)
		v = UINT64_MAX; /* not a number: out of every range below */
	if (strcmp(key, "instance_name") == 0) {
		if (strlen(value) >= sizeof t.instance_name)
			return settings_validate(&(struct settings){ 0 }, why_msgid);
		memcpy(t.instance_name, value, strlen(value) + 1);
	} else if (strcmp(key, "default_language") == 0) {
		(void)snprintf(t.default_language, sizeof t.default_language, "%.7s", value);
		if (strlen(value) >= sizeof t.default_language)
			t.default_language[0] = '\0';
	} else if (strcmp(key, "accept_files") == 0) {
		t.accept_files = v <= 1 ? (int)v : 2;
	} else if (strcmp(key, "max_submission_bytes") == 0) {
		t.max_submission_bytes = v;
	} else if (strcmp(key, "min_first_message_chars") == 0) {
		t.min_first_message_chars = v <= UINT32_MAX ? (unsigned)v : UINT32_MAX;
	} else if (strcmp(key, "retention_days") == 0) {
		t.retention_days = v <= UINT32_MAX ? (unsigned)v : UINT32_MAX;
	} else {
		return SD_ERR_ARG;
	}
	if (settings_validate(&t, why_msgid) != 0)
		return SD_ERR_RANGE;
	*s = t;
	return 0;
}
